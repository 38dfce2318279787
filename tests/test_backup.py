"""`flask backup create|restore`: a copy taken while writes go on restores into a fresh database, nothing lost."""

from __future__ import annotations

import shutil
import threading
import time
import uuid

import pytest
from sqlalchemy import func, inspect, make_url, select, text

from quizapp.extensions import db
from quizapp.models import Role, School, User
from quizapp.services.backup import BackupError, create_backup, restore_backup

from .conftest import add_user, make_app


def _counts() -> dict[str, int]:
    tables = inspect(db.session.connection()).get_table_names()
    return {table: db.session.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one() for table in tables}


def _fresh_database(database_url: str, tmp_path) -> str:
    """An empty database of the same engine: a new SQLite file, or a privacy_* PostgreSQL database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return "sqlite:///" + str(tmp_path / "restored.sqlite")
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    name = f"privacy_restore_{uuid.uuid4().hex[:8]}"
    admin = db.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return
    admin = db.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def test_backup_while_writing_then_restore_into_fresh_database(app, people, runner, database_url, tmp_path):
    if make_url(database_url).get_backend_name() == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    written: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        # Another "worker": one committed account at a time until the backup is done.
        with app.app_context():
            school = db.session.scalar(select(School).where(School.code == "THCS-A"))
            number = 0
            while not stop.is_set():
                number += 1
                username = f"hs.moi{number}"
                add_user(username, Role.STUDENT, school, f"Học Sinh Mới {number}")
                db.session.commit()
                written.append(username)
                time.sleep(0.002)
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        before = list(written)  # committed before the backup started: all of them must be in it
        output = tmp_path / "sao-luu.bak"
        result = runner.invoke(args=["backup", "create", "--output", str(output)])
        after_count = len(written)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output and output.is_file()
    assert len(written) > len(before)  # the writer really ran during the backup

    with app.app_context():
        source_counts = _counts()

    fresh_url = _fresh_database(database_url, tmp_path)
    try:
        fresh = make_app(fresh_url)
        restored = fresh.test_cli_runner().invoke(args=["backup", "restore", str(output), "--yes"])
        assert restored.exit_code == 0, restored.output
        assert "Đã khôi phục" in restored.output
        with fresh.app_context():
            usernames = set(db.session.scalars(select(User.username)))
            assert set(before) <= usernames  # nothing committed before the backup is lost
            copied = [name for name in written if name in usernames]
            # One consistent moment: the copied new accounts are exactly a prefix of the writer's sequence.
            assert copied == written[: len(copied)]
            assert len(before) <= len(copied) <= after_count
            restored_counts = _counts()
            for table, count in source_counts.items():
                expected = count - (len(written) - len(copied)) if table == "user" else count
                assert restored_counts.get(table) == expected, table
            student = db.session.scalar(select(User).where(User.username == "hs.an"))
            assert student.full_name == "Nguyễn Văn An" and student.check_password("matkhau-123")
            db.session.remove()
            db.engine.dispose()
    finally:
        _drop_database(fresh_url)


def test_restore_replaces_newer_rows_and_asks_first(app, people, runner, tmp_path):
    output = tmp_path / "truoc.bak"
    assert runner.invoke(args=["backup", "create", "--output", str(output)]).exit_code == 0
    with app.app_context():
        school = db.session.get(School, people["school"])
        add_user("hs.sau", Role.STUDENT, school, "Sau Sao Lưu")
        db.session.commit()

    declined = runner.invoke(args=["backup", "restore", str(output)], input="n\n")
    assert declined.exit_code != 0 and "sẽ bị thay" in declined.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.username == "hs.sau")) == 1
        db.session.remove()

    accepted = runner.invoke(args=["backup", "restore", str(output)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.username == "hs.sau")) == 0
        assert db.session.scalar(select(func.count()).where(User.username == "hs.an")) == 1


def test_refusals_say_what_is_wrong(app, runner, database_url, tmp_path):
    existing = tmp_path / "co-roi.bak"
    existing.write_bytes(b"old")
    refused = runner.invoke(args=["backup", "create", "--output", str(existing)])
    assert refused.exit_code != 0 and "đã có" in refused.output and existing.read_bytes() == b"old"

    not_a_backup = tmp_path / "ghi-chu.txt"
    not_a_backup.write_text("xin chào")
    refused = runner.invoke(args=["backup", "restore", str(not_a_backup), "--yes"])
    assert refused.exit_code != 0 and "không phải bản sao lưu" in refused.output

    # A backup of the other engine is refused before anything is touched.
    other = tmp_path / "khac.bak"
    if make_url(database_url).get_backend_name() == "sqlite":
        other.write_bytes(b"PGDMP" + b"\0" * 100)
    else:
        other.write_bytes(b"SQLite format 3\x00" + b"\0" * 100)
    refused = runner.invoke(args=["backup", "restore", str(other), "--yes"])
    assert refused.exit_code != 0 and "không khôi phục chéo" in refused.output

    with pytest.raises(BackupError, match="bộ nhớ"):
        create_backup("sqlite://", tmp_path / "x.bak")
    with pytest.raises(BackupError, match="Không có tệp"):
        restore_backup(database_url, tmp_path / "khong-co.bak")
