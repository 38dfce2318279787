"""PostgreSQL with least privilege: an owner role migrates, a serving role without DDL runs the app.

The GRANTs below are the ones docs/operations.md tells an administrator to type; this test runs them on
a fresh database, migrates as the owner, then logs in and submits a quiz as the serving role.
"""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError

from quizapp.content.parse import read_content
from quizapp.content.sync import sync_content
from quizapp.extensions import db
from quizapp.models import Enrollment, Role, School, SchoolClass, SchoolYear, Unit

from .conftest import FIXTURE_CONTENT, YEAR, Auth, add_user, make_app
from .helpers import answers_for, post_attempt, start_quiz

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def grants(database: str, owner: str, server: str) -> list[str]:
    """docs/operations.md, "PostgreSQL: hai vai trò", word for word (with this test's names)."""
    return [
        f"REVOKE ALL ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {server}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {server}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {server}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {server}",
    ]


@pytest.fixture
def two_roles():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL roles: TEST_DATABASE_URL is not set (.ci/run sets it); SQLite has no roles")
    suffix = uuid.uuid4().hex[:8]
    database, owner, server = f"smoke_roles_{suffix}", f"quizapp_owner_{suffix}", f"quizapp_{suffix}"
    password = uuid.uuid4().hex
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} LOGIN PASSWORD '{password}'"))
        conn.execute(text(f"CREATE ROLE {server} LOGIN PASSWORD '{password}'"))
        conn.execute(text(f"CREATE DATABASE {database} OWNER {owner}"))
    base = make_url(url)
    in_database = create_engine(base.set(database=database), isolation_level="AUTOCOMMIT")
    with in_database.connect() as conn:
        for statement in grants(database, owner, server):
            conn.execute(text(statement))
    in_database.dispose()
    urls = {
        role: base.set(database=database, username=name, password=password).render_as_string(hide_password=False)
        for role, name in (("owner", owner), ("server", server))
    }
    yield urls
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        conn.execute(text(f"DROP ROLE IF EXISTS {server}"))
        conn.execute(text(f"DROP ROLE IF EXISTS {owner}"))
    admin.dispose()


def _close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_app_serves_a_login_and_a_quiz_with_the_least_privileged_role(two_roles):
    owner_app = make_app(two_roles["owner"])
    with owner_app.app_context():
        upgrade(directory=MIGRATIONS)
    _close(owner_app)

    app = make_app(two_roles["server"])
    try:
        with app.app_context():
            # Content and accounts come through the serving role too: `flask content sync`, `flask org …`.
            sync_content(read_content(FIXTURE_CONTENT, today=date(2026, 11, 25)))
            unit = Unit(code="P-TX", name="Phường Thanh Xuân")
            db.session.add(unit)
            db.session.flush()
            school = School(code="THCS-A", name="THCS A", unit_id=unit.id)
            year = SchoolYear(name=YEAR, starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31))
            db.session.add_all([school, year])
            db.session.flush()
            klass = SchoolClass(school_id=school.id, school_year_id=year.id, grade=7, name="7A1")
            db.session.add(klass)
            db.session.flush()
            student = add_user("hs.an", Role.STUDENT, school, "Nguyễn Văn An")
            db.session.add(Enrollment(student_id=student.id, class_id=klass.id, school_year_id=year.id))
            db.session.commit()

        client = app.test_client()
        assert Auth(client).login("hs.an").status_code == 302
        attempt_id = start_quiz(client, "tai-khoan")
        response = post_attempt(client, attempt_id, answers_for(app, attempt_id))
        assert response.headers["Location"].endswith(f"/ket-qua/{attempt_id}")
        assert "Đạt! Chúc mừng em" in client.get(f"/ket-qua/{attempt_id}").get_data(as_text=True)

        # …and it could not change the schema if it were taken over.
        with app.app_context():
            for ddl in ('DROP TABLE "user"', "CREATE TABLE intruder (id int)", 'ALTER TABLE "user" ADD COLUMN x int'):
                refused = pytest.raises(ProgrammingError, match="permission denied|must be owner")
                with refused, db.engine.begin() as conn:
                    conn.execute(text(ddl))
    finally:
        _close(app)
