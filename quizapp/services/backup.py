"""Backups: an online, consistent copy of the database and its restore.

SQLite: the sqlite3 backup API copies every page inside one read transaction, so the copy is one moment of
the database even while the app keeps writing (WAL: writers are not blocked). PostgreSQL: pg_dump in custom
format (one snapshot), restored by pg_restore. The password travels in PGPASSWORD, never on the command
line, where `ps` would show it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    size: int


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite nằm trong bộ nhớ: không có gì để sao lưu.")
    return Path(url.database)


def _pg_command(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise BackupError(f"Không tìm thấy lệnh {tool}: cài gói postgresql-client cùng phiên bản với máy chủ.")
    return found


def _pg_target(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and an environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} thất bại (mã {done.returncode}): {detail[-1] if detail else 'không rõ lỗi'}")


def create_backup(database_url: str, output: Path) -> BackupResult:
    """Write a consistent copy of the database at database_url to output (refuses to overwrite)."""
    url = make_url(database_url)
    output = Path(output)
    if output.exists():
        raise BackupError(f"Tệp {output} đã có: chọn tên khác, bản sao lưu không ghi đè.")
    if not output.parent.is_dir():
        raise BackupError(f"Không có thư mục {output.parent}.")
    partial = output.with_name(output.name + ".dang-ghi")
    try:
        if url.get_backend_name() == "sqlite":
            source_path = _sqlite_path(url)
            if not source_path.exists():
                raise BackupError(f"Không có tệp cơ sở dữ liệu {source_path}.")
            source = sqlite3.connect(source_path, timeout=30)
            target = sqlite3.connect(partial)
            try:
                source.backup(target)  # pages=-1: every page in one step, one read transaction
                target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            finally:
                target.close()
                source.close()
            engine = "sqlite"
        elif url.get_backend_name() == "postgresql":
            uri, env = _pg_target(url)
            _run([_pg_command("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={uri}"], env, "pg_dump")
            engine = "postgresql"
        else:
            raise BackupError(f"Không sao lưu được loại cơ sở dữ liệu {url.get_backend_name()}.")
        partial.rename(output)  # a half-written file never carries the final name
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(output, engine, output.stat().st_size)


def backup_engine(path: Path) -> str:
    """Which engine a backup file belongs to, from its first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"Tệp {path} không phải bản sao lưu của ứng dụng (không phải SQLite hay pg_dump -Fc).")


def _check_sqlite_backup(path: Path) -> None:
    check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"Tệp {path} bị hỏng (PRAGMA integrity_check không đạt).")
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"user", "school", "enrollment"} <= tables:
            raise BackupError(f"Tệp {path} là SQLite nhưng không phải cơ sở dữ liệu của ứng dụng (thiếu bảng user).")
    finally:
        check.close()


def restore_backup(database_url: str, backup: Path) -> str:
    """Replace the database at database_url with the backup's content; returns the engine name.

    The app must be stopped: restoring under running workers would mix old and new rows in their sessions.
    """
    url = make_url(database_url)
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"Không có tệp {backup}.")
    engine = backup_engine(backup)
    if engine != url.get_backend_name():
        raise BackupError(
            f"Tệp {backup} là bản sao lưu {engine}, còn DATABASE_URL trỏ tới {url.get_backend_name()}: "
            "không khôi phục chéo."
        )
    if engine == "sqlite":
        _check_sqlite_backup(backup)
        target_path = _sqlite_path(url)
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            source.backup(target)  # page by page under a write lock: all or nothing for readers
        finally:
            target.close()
            source.close()
    else:
        uri, env = _pg_target(url)
        _run(
            [
                _pg_command("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={uri}",
                str(backup),
            ],
            env,
            "pg_restore",
        )
    return engine
