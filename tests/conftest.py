"""Fixtures: every test runs on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from quizapp import create_app
from quizapp.content.parse import read_content
from quizapp.content.sync import sync_content
from quizapp.extensions import db
from quizapp.models import Enrollment, Role, School, SchoolClass, SchoolYear, TeacherAssignment, Unit, User

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PASSWORD = "matkhau-123"
YEAR = "2026-2027"
_schema_ready: set[str] = set()


def pytest_configure(config):
    # Without PostgreSQL every database test is skipped once: one line per reason (below), not one per test.
    config.option.reportchars = (config.option.reportchars or "").replace("s", "").replace("S", "")


def pytest_terminal_summary(terminalreporter):
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"SKIPPED {count} tests: {reason}")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set (.ci/run sets it); SQLite runs instead")
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def make_app(database_url: str, content_dir: Path = FIXTURE_CONTENT, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CONTENT_DIR": str(content_dir),
        "CURRENT_SCHOOL_YEAR": YEAR,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # real hashing, cheaper than production's scrypt
        # Jobs run inside the call that queues them, through the same runner and handlers as the consumer;
        # tests/test_jobs.py runs them in a real consumer on the SQLite and Redis queues.
        "QUEUE_IMMEDIATE": True,
    }
    config.update(extra)
    from quizapp.extensions import limiter

    # One Limiter object serves every app the tests make: forget a store that an earlier test found dead.
    limiter._storage_dead = False
    return create_app(config)


def _empty_database(database_url: str) -> None:
    if database_url not in _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready.add(database_url)
        return
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{t}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f'DELETE FROM "{table}"'))
    db.session.commit()


@pytest.fixture
def app(database_url):
    from quizapp.extensions import limiter

    app = make_app(database_url)
    with app.app_context():
        _empty_database(database_url)
        limiter.reset()  # failed-login counters (in the database by default): each test starts afresh
        sync_content(read_content(FIXTURE_CONTENT, today=date(2026, 11, 25)))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path: str = "/dang-nhap") -> str:
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD, **extra):
        token = csrf_token(self.client, "/dang-nhap")
        data = {"username": username, "password": password, "csrf_token": token, **extra}
        return self.client.post("/dang-nhap", data=data)

    def logout(self):
        return self.client.post("/dang-xuat", data={"csrf_token": csrf_token(self.client, "/")})


@pytest.fixture
def auth(client):
    return Auth(client)


def add_user(username: str, role: Role, school: School | None, full_name: str = "Người Dùng", **values) -> User:
    user = User(username=username, full_name=full_name, role=role, school_id=school.id if school else None, **values)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def people(app):
    """Two schools; class 7A1 with two students and their teacher; an intruder teacher elsewhere."""
    with app.app_context():
        unit = Unit(code="P-TX", name="Phường Thanh Xuân")
        db.session.add(unit)
        db.session.flush()
        school = School(code="THCS-A", name="THCS A", unit_id=unit.id)
        other_school = School(code="THCS-B", name="THCS B", unit_id=unit.id)
        year = SchoolYear(name=YEAR, starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31))
        db.session.add_all([school, other_school, year])
        db.session.flush()
        klass = SchoolClass(school_id=school.id, school_year_id=year.id, grade=7, name="7A1")
        other_class = SchoolClass(school_id=other_school.id, school_year_id=year.id, grade=7, name="7A1")
        db.session.add_all([klass, other_class])
        db.session.flush()
        ids = {}
        for username, name in (("hs.an", "Nguyễn Văn An"), ("hs.binh", "Trần Thị Bình")):
            student = add_user(username, Role.STUDENT, school, name)
            db.session.add(Enrollment(student_id=student.id, class_id=klass.id, school_year_id=year.id))
            ids[username] = student.id
        intruder_student = add_user("hs.khac", Role.STUDENT, other_school, "Lê Khác")
        db.session.add(Enrollment(student_id=intruder_student.id, class_id=other_class.id, school_year_id=year.id))
        teacher = add_user("gv.hoa", Role.TEACHER, school, "Nguyễn Thị Hoa")
        db.session.add(TeacherAssignment(teacher_id=teacher.id, class_id=klass.id))
        # Same school, another class: a colleague who must not see 7A1 either.
        sibling_class = SchoolClass(school_id=school.id, school_year_id=year.id, grade=7, name="7A2")
        db.session.add(sibling_class)
        db.session.flush()
        colleague = add_user("gv.7a2", Role.TEACHER, school, "Đào Thị Lan")
        db.session.add(TeacherAssignment(teacher_id=colleague.id, class_id=sibling_class.id))
        admin = add_user("bgh.a", Role.SCHOOL_ADMIN, school, "Trần Văn Hiệu")
        other_admin = add_user("bgh.b", Role.SCHOOL_ADMIN, other_school, "Lê Văn Khác")
        intruder = add_user("gv.khac", Role.TEACHER, other_school, "Phạm Xâm Nhập")
        db.session.add(TeacherAssignment(teacher_id=intruder.id, class_id=other_class.id))
        db.session.commit()
        ids.update(
            teacher=teacher.id,
            intruder=intruder.id,
            klass=klass.id,
            other_class=other_class.id,
            school=school.id,
            other_school=other_school.id,
            unit=unit.id,
            year=year.id,
            colleague=colleague.id,
            sibling_class=sibling_class.id,
            admin=admin.id,
            other_admin=other_admin.id,
        )
        return ids
