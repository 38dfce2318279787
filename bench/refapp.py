"""Reference endpoints for bench/run.py, served by gunicorn with the app's own gunicorn.conf.py.

They set the floor the app is compared with in the same run: a minimal Flask response, a small Jinja
template, and a one-row INSERT committed into the same kind of database the app uses (SQLite in WAL mode
with the app's busy timeout, or PostgreSQL). One connection per worker, opened on first use, as the app's
pool does.
"""

from __future__ import annotations

import os
import sqlite3
import time

from flask import Flask, render_template, request

app = Flask(__name__)
_URL = os.environ.get("BENCH_REF_DATABASE_URL", "sqlite:////tmp/bench/ref.sqlite")
_conn = None


def _connection():
    global _conn
    if _conn is None:
        if _URL.startswith("sqlite:///"):
            _conn = sqlite3.connect(_URL.removeprefix("sqlite:///"), timeout=30, isolation_level=None)
            _conn.execute("PRAGMA journal_mode=WAL")
            _conn.execute("PRAGMA synchronous=NORMAL")
        else:
            import psycopg

            _conn = psycopg.connect(_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        key = "INTEGER PRIMARY KEY" if _URL.startswith("sqlite") else "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        try:
            _conn.execute(f"CREATE TABLE IF NOT EXISTS bench_row (id {key}, at REAL, note TEXT)")
        except Exception:  # PostgreSQL: another worker created it at the same instant (IF NOT EXISTS races)
            if _URL.startswith("sqlite"):
                raise
    return _conn


@app.get("/min")
def minimal():
    return "ok"


@app.get("/tpl")
def template():
    return render_template("ref.html", title="Bài học", items=[f"Mục {i}" for i in range(10)])


@app.post("/insert")
def insert():
    # autocommit: each INSERT is its own transaction, committed before the response.
    _connection().execute(
        "INSERT INTO bench_row (at, note) VALUES (%s, %s)" if not _URL.startswith("sqlite") else
        "INSERT INTO bench_row (at, note) VALUES (?, ?)",
        (time.time(), request.form.get("note", "")),
    )
    return "ok", 201
