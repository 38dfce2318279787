"""Engine tuning for the embedded SQLite default.

SQLite allows one writer at a time. A transaction that reads first and writes later
("BEGIN" then an upgrade to a write lock) fails at once with "database is locked" when another
gunicorn worker writes meanwhile, whatever the busy timeout. So any request that may write
starts its transaction with BEGIN IMMEDIATE: it waits its turn (busy_timeout) instead of failing.
Plain page views (GET) keep a deferred BEGIN, so they never wait for writers (WAL mode).

The write lock is held only while a request writes: once its write transaction commits, whatever the
request still reads (the template rendering the page) runs in deferred transactions, and slow work that
writes nothing (a password check) runs after `release_write_lock()`. A transaction that reads and then
writes still starts with BEGIN IMMEDIATE, so no update is ever lost and no writer fails half-way.
"""

from __future__ import annotations

import contextlib
import sqlite3
from contextvars import ContextVar

from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15_000

write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)
_request_writes: ContextVar[bool] = ContextVar("request_writes", default=True)


def declare_request(writes: bool) -> None:
    """Called before each request: whether its first transaction takes the write lock."""
    write_intent.set(writes)
    _request_writes.set(writes)


def tune_engine(engine: Engine) -> None:
    """Attach SQLite pragmas and transaction handling; PostgreSQL needs nothing here."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # ANALYZE (here and in PRAGMA optimize) reads a sample of each index, not all of it.
        cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.close()

    @event.listens_for(engine, "close")
    def on_close(dbapi_connection: sqlite3.Connection, _record) -> None:
        # SQLite's advice for long-lived connections: refresh the statistics that went stale, on close.
        with contextlib.suppress(sqlite3.Error):  # a closing connection must not fail over statistics
            dbapi_connection.execute("PRAGMA optimize")

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")

    @event.listens_for(engine, "commit")
    def on_commit(conn) -> None:
        # A request's write is done: the rest of it (rendering the page) reads without the lock.
        if has_request_context():
            write_intent.set(False)


def writes_on_get(view):
    """Mark a GET view that records something (e.g. a lesson opened), so it takes the write lock."""
    view.writes_on_get = True
    return view


def reads_first(view):
    """Mark a POST view that reads first and calls begin_writing() just before it writes (a quiz submit):
    its reads (the answer key, CSRF, grading) run without SQLite's write lock, so submits from many
    workers queue only for their few writing statements."""
    view.reads_first = True
    return view


def release_write_lock() -> None:
    """End the current transaction before slow work that writes nothing (e.g. a password check).

    Commits only when the session holds no change: the next statement starts a new transaction (with the
    write lock again if the request writes), so nothing is written outside the transaction it belongs to.
    """
    from .extensions import db

    session = db.session
    if session.new or session.dirty or session.deleted:
        return
    session.commit()
    write_intent.set(_request_writes.get())


def begin_writing() -> None:
    """From here on this request writes: end its read transaction so that the next one takes the write lock.

    For GET views that write only sometimes (a lesson opened for the first time in a while): the common
    case stays a plain read that never waits for, nor blocks, another worker's write.
    """
    from .extensions import db

    session = db.session()
    if write_intent.get() or session.get_bind().dialect.name != "sqlite":
        write_intent.set(True)  # already writing, or PostgreSQL: no database-wide lock to take
        return
    # Nothing pending: this ends the deferred read transaction. What it read stays loaded (not expired): it
    # was read moments ago, and the writes that follow are conditional where a race matters.
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    write_intent.set(True)


def refresh_statistics(connection) -> None:
    """Give the query planner current table statistics after a bulk change (demo build, import, content sync).

    SQLite never gathers them by itself: without them it may pick an index that walks millions of rows.
    analysis_limit keeps ANALYZE to a sample of each index, so it takes well under a second at city size.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
        connection.exec_driver_sql("ANALYZE")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE")
