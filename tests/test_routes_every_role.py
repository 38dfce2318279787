"""Every route of the app, opened by every role, intruders included (CTFd's route test, read from the URL map).

The table `ALLOWED` names, for each endpoint, the roles that may use it. An endpoint missing from the table
fails the test, so a new route is covered the day it is added. Refusals must be a redirect to the login
page (anonymous visitors), 403 (a role with no business in the area) or 404 (out of scope: another class,
school, unit or person); allowed ones 200 or 302. A refused POST is sent with a complete, valid form and must
change nothing in the database. Access itself is decided in quizapp/scope.py.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import inspect, select, text

from quizapp.extensions import db
from quizapp.models import (
    BackgroundJob,
    Certificate,
    Enrollment,
    FamilyOutreach,
    JobStatus,
    Lesson,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    Unit,
    User,
)
from quizapp.practice import service as practice_service
from quizapp.practice.parse import read_practice
from quizapp.scope import Scope
from quizapp.services import reports as report_service

from .conftest import YEAR, Auth, add_user, csrf_token
from .helpers import answers_for, post_attempt, start_quiz

PRACTICE = Path(__file__).parent / "fixtures" / "practice_content"

# Roles, in the order they are walked: the people whose data the staff's allowed POSTs change come first.
ANON = "anonymous"
STUDENT = "hs.an"  # the owner of the attempt, the family entries and the certificate
INTRUDER_STUDENT = "hs.khac"  # a student of another class and school
TEACHER = "gv.hoa"  # teaches 7A1
COLLEAGUE = "gv.7a2"  # teaches 7A2 in the same school
OTHER_SCHOOL_ADMIN = "bgh.b"
OTHER_UNIT_ADMIN = "cb.hd"  # a unit beside, with its own school
UNIT_ADMIN = "cb.tx"  # the unit above both schools
SCHOOL_ADMIN = "bgh.a"
ROLES = (
    ANON,
    INTRUDER_STUDENT,
    STUDENT,
    COLLEAGUE,
    OTHER_SCHOOL_ADMIN,
    OTHER_UNIT_ADMIN,
    TEACHER,
    UNIT_ADMIN,
    SCHOOL_ADMIN,
)
LOGGED_IN = frozenset(ROLES) - {ANON}
EVERYONE = frozenset(ROLES)
STAFF = frozenset({TEACHER, COLLEAGUE, SCHOOL_ADMIN, OTHER_SCHOOL_ADMIN, UNIT_ADMIN, OTHER_UNIT_ADMIN})
CLASS_7A1 = frozenset({TEACHER, SCHOOL_ADMIN})  # the class's teacher and its school's admin
SCHOOL_A_ADMIN = frozenset({SCHOOL_ADMIN})
SCHOOL_ADMINS = frozenset({SCHOOL_ADMIN, OTHER_SCHOOL_ADMIN})
UNIT_ADMINS = frozenset({UNIT_ADMIN, OTHER_UNIT_ADMIN})
UNIT_TX = frozenset({UNIT_ADMIN})  # the office above school A
OWNER = frozenset({STUDENT})

ALLOWED: dict[str, frozenset[str]] = {
    # Public pages
    "static": EVERYONE,
    "auth.login": EVERYONE,
    "learn.media": EVERYONE,
    "privacy.notice": EVERYONE,
    "verify.lookup": EVERYONE,
    "verify.show": EVERYONE,
    # Anyone logged in: the programme is open to staff too (addressed as adults)
    "auth.change_password": LOGGED_IN,
    "auth.logout": LOGGED_IN,
    "learn.home": LOGGED_IN,
    "learn.lesson": LOGGED_IN,
    "learn.lesson_read": LOGGED_IN,
    "learn.page": LOGGED_IN,
    "learn.family_guide_page": LOGGED_IN,
    "learn.quiz": LOGGED_IN,
    "learn.start_quiz": LOGGED_IN,
    "learn.certificate": LOGGED_IN,
    "learn.family": LOGGED_IN,
    "practice.index": LOGGED_IN,
    "practice.run": LOGGED_IN,
    "practice.start": LOGGED_IN,
    "practice.card": LOGGED_IN,
    # A learner's own things
    "learn.attempt": OWNER,
    "learn.result": OWNER,
    "learn.delete_family_entry": OWNER,
    # Background jobs: only the person who started one
    "jobs.progress": frozenset({TEACHER}),
    "jobs.download": frozenset(),  # the fixture's job has no result file: 404 even for its owner
    # Teacher pages of class 7A1
    "teach.classes": STAFF,
    "teach.dashboard": CLASS_7A1,
    "teach.stats": CLASS_7A1,
    "teach.student": CLASS_7A1,
    "teach.attempt": CLASS_7A1,
    "teach.export": CLASS_7A1,
    "teach.import_roster": CLASS_7A1,
    "teach.preview_import": CLASS_7A1,  # a token nobody uploaded: sent back to the upload form
    "teach.cancel_import": CLASS_7A1,
    "teach.import_done": frozenset({TEACHER}),  # the job's owner, while they still teach the class
    "teach.reset_password": CLASS_7A1,
    "teach.reset_class_passwords": CLASS_7A1,
    "teach.reprint_slips": CLASS_7A1,
    "teach.outreach": CLASS_7A1,
    "teach.confirm_outreach": CLASS_7A1,
    "teach.reject_outreach": CLASS_7A1,
    "teach.practice_overview": CLASS_7A1,
    "teach.practice_funnel": CLASS_7A1,
    # The school's administration: its own school only (no id in these URLs but the class, report, student)
    "school.overview": SCHOOL_ADMINS,
    "school.export_coverage": SCHOOL_ADMINS,
    "school.assignments": SCHOOL_ADMINS,
    "school.unassign": SCHOOL_A_ADMIN,
    "school_manage.manage": SCHOOL_ADMINS,
    "school_manage.add_class": SCHOOL_ADMINS,
    "school_manage.add_teacher": SCHOOL_ADMINS,
    "school_manage.set_school_target": SCHOOL_ADMINS,
    "school_manage.new_year": SCHOOL_ADMINS,
    "school.reports": SCHOOL_ADMINS,
    "school.report": SCHOOL_A_ADMIN,
    "school.report_pdf": SCHOOL_A_ADMIN,
    "school.school_audit_log": SCHOOL_ADMINS,
    "school.privacy_search": SCHOOL_ADMINS,
    "school.privacy_student": SCHOOL_A_ADMIN,
    "school.privacy_student_json": SCHOOL_A_ADMIN,
    "school.privacy_erase": SCHOOL_A_ADMIN,
    # The offices: their unit and everything beneath it
    "office.overview": UNIT_ADMINS,
    "office.export_coverage": UNIT_ADMINS,
    "office.school": UNIT_TX,
    "office.school_class": frozenset(),  # names stay at school level: no office here was allowed to see them
    "office_manage.manage": UNIT_ADMINS,
    "office_manage.add_unit": UNIT_ADMINS,
    "office_manage.add_school": UNIT_ADMINS,
    "office_manage.add_school_admin": UNIT_ADMINS,
    "office_manage.add_unit_admin": UNIT_ADMINS,
    "office_manage.set_unit_target": UNIT_ADMINS,
    "office.office_audit_log": UNIT_ADMINS,
    "office.reports": UNIT_ADMINS,
    "office.report": UNIT_TX,
    "office.report_pdf": UNIT_TX,
}

# Complete forms for the POSTs, so that a refusal is tested against a request that would otherwise act.
TARGET = {"grade_7": "y", "grade_8": "y", "percent": "90", "deadline": "2027-05-15", "include_staff": "y"}
REPORT = {
    "title": "Báo cáo thử",
    "body": "Nội dung",
    "recipients": "Nơi nhận",
    "signer_title": "Hiệu trưởng",
    "signer_name": "Người Ký",
    "symbol": "BC-THU",
    "place": "Hà Nội",
    "issue": "1",
}


def _post_data(ids: dict) -> dict[str, dict]:
    return {
        "learn.family": {"relation": "Mẹ", "service": "VNeID", "helped_on": "2026-11-20", "note": ""},
        "school.assignments": {"teacher_id": ids["colleague"], "class_id": ids["klass"]},
        "school_manage.add_class": {"name": "7A9", "grade": "7"},
        "school_manage.add_teacher": {"full_name": "Giáo Viên Lạ", "username": ""},
        "school_manage.set_school_target": TARGET,
        "school_manage.new_year": {"to_year": "2027-2028"},
        "school.reports": REPORT,
        "office_manage.add_unit": {"parent_id": ids["unit"], "code": "P-LA", "name": "Phường Lạ"},
        "office_manage.add_school": {"unit_id": ids["unit"], "code": "THCS-LA", "name": "THCS Lạ"},
        "office_manage.add_school_admin": {"school_id": ids["school"], "full_name": "Cán Bộ Lạ", "username": ""},
        "office_manage.add_unit_admin": {"unit_id": ids["unit"], "full_name": "Cán Bộ Lạ", "username": ""},
        "office_manage.set_unit_target": {**TARGET, "scope": f"u{ids['unit']}"},
        "office.reports": REPORT,
    }


@pytest.fixture
def world(app, client, auth, people):
    """`people`, plus two offices, a submitted attempt, family entries, a job, reports and a certificate."""
    auth.login(STUDENT)
    attempt_id = start_quiz(client, "tai-khoan")
    post_attempt(client, attempt_id, answers_for(app, attempt_id))
    auth.logout()
    with app.app_context():
        parsed = read_practice(PRACTICE)
        practice_service.sync_practice(
            parsed.tasks, {lesson.key: lesson for lesson in db.session.scalars(select(Lesson))}
        )
        ids = dict(people, attempt=attempt_id)
        school, unit = db.session.get(School, people["school"]), db.session.get(Unit, people["unit"])
        year = db.session.get(SchoolYear, people["year"])
        klass = db.session.get(SchoolClass, people["klass"])
        other_unit = Unit(code="P-HD", name="Phường Hà Đông")
        db.session.add(other_unit)
        db.session.flush()
        other_unit_school = School(code="THCS-C", name="THCS C", unit_id=other_unit.id)
        db.session.add(other_unit_school)
        db.session.flush()
        for username, owner in ((UNIT_ADMIN, unit), (OTHER_UNIT_ADMIN, other_unit)):
            add_user(username, Role.UNIT_ADMIN, None, f"Cán Bộ {username}", unit_id=owner.id)
        # A student of 7A1 whom the school admin may erase, so that hs.an keeps their data for later roles.
        erasable = add_user("hs.cuong", Role.STUDENT, school, "Phạm Văn Cường")
        db.session.add(Enrollment(student_id=erasable.id, class_id=klass.id, school_year_id=year.id))
        entries = [
            FamilyOutreach(student_id=people["hs.an"], relation="Mẹ", service="VNeID", helped_on=date(2026, 11, day))
            for day in (1, 2)
        ]
        db.session.add_all(entries)
        job = BackgroundJob(
            kind="roster_import",
            owner_id=people["teacher"],
            status=JobStatus.RUNNING,
            params=json.dumps({"class_id": klass.id}),
        )
        db.session.add(job)
        db.session.add(
            Certificate(
                user_id=people["hs.an"],
                code="CTESTKXYZ2",
                school_year_id=year.id,
                full_name="Nguyễn Văn An",
                school_name=school.name,
                year_name=YEAR,
            )
        )
        db.session.flush()
        bgh_a = db.session.scalar(select(User).where(User.username == SCHOOL_ADMIN))
        cb_tx = db.session.scalar(select(User).where(User.username == UNIT_ADMIN))
        texts = {k: v for k, v in REPORT.items() if k != "issue"}
        school_report = report_service.issue_report(Scope.of(bgh_a), year, school=school, **texts)
        unit_report = report_service.issue_report(Scope.of(cb_tx), year, unit=unit, **texts)
        db.session.commit()
        ids.update(
            entry=entries[0].id,
            entry_to_delete=entries[1].id,
            job=job.id,
            school_report=school_report.id,
            unit_report=unit_report.id,
            erasable=erasable.id,
        )
    return ids


def _values(endpoint: str, ids: dict) -> dict:
    """The URL arguments for an endpoint: always the things of class 7A1, school A, unit P-TX, student hs.an."""
    keys = {"learn.page": "thuat-ngu", "teach.practice_funnel": "mini"}
    report = ids["unit_report"] if endpoint.startswith("office.") else ids["school_report"]
    return {
        "class_id": ids["klass"],
        "student_id": ids["hs.an"],
        "attempt_id": ids["attempt"],
        "entry_id": ids["entry_to_delete"] if endpoint == "learn.delete_family_entry" else ids["entry"],
        "job_id": ids["job"],
        "token": "abc123",
        "key": "mini" if endpoint.startswith("practice.") else keys.get(endpoint, "tai-khoan"),
        "report_id": report,
        "user_id": ids["erasable"],
        "school_id": ids["school"],
        "teacher_id": ids["teacher"],
        "fmt": "xlsx",
        "filename": "hinh.svg" if endpoint == "learn.media" else "css/app.css",
        "code": "CTESTKXYZ2",
    }


def _fingerprint() -> str:
    """Every row of every table, hashed: a refused POST must leave it as it was."""
    digest = hashlib.sha256()
    connection = db.session.connection()
    for table in sorted(inspect(connection).get_table_names()):
        if table in VOLATILE:
            continue
        rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
        digest.update(f"{table}:{sorted(map(repr, rows))}".encode())
    db.session.rollback()
    return digest.hexdigest()


VOLATILE = {"alembic_version"}


def _refused(role: str, status: int, location: str) -> bool:
    if role == ANON:
        return status == 302 and "/dang-nhap" in location
    return status in (403, 404)


LAST = ("school.privacy_erase", "auth.logout")  # erasing a student and logging out end the walk of a role


def _rules(app):
    def order(rule):
        return (LAST.index(rule.endpoint) if rule.endpoint in LAST else -1, rule.endpoint, rule.rule)

    return sorted(app.url_map.iter_rules(), key=order)


def test_every_route_for_every_role(app, world):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(ALLOWED)
    assert not missing, f"routes with no line in ALLOWED (add one): {sorted(missing)}"
    assert not set(ALLOWED) - endpoints, f"ALLOWED names routes that are gone: {sorted(set(ALLOWED) - endpoints)}"
    post_data = _post_data(world)
    observed: dict[tuple[str, str, str], int] = {}
    failures: list[str] = []
    for role in ROLES:
        client = app.test_client()  # a fresh browser for each role
        if role != ANON:
            assert Auth(client).login(role).status_code == 302, role
        token = csrf_token(client, "/dang-nhap" if role == ANON else "/doi-mat-khau")
        for rule in _rules(app):
            values = _values(rule.endpoint, world)
            with app.test_request_context():
                url = url_for(rule.endpoint, **{k: v for k, v in values.items() if k in rule.arguments})
            allowed = role in ALLOWED[rule.endpoint]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    response = client.get(url)
                else:
                    data = {"csrf_token": token}
                    if not allowed:
                        data.update(post_data.get(rule.endpoint, {}))
                        with app.app_context():
                            before = _fingerprint()
                    response = client.post(url, data=data)
                    if not allowed:
                        with app.app_context():
                            if _fingerprint() != before:
                                failures.append(f"{role} POST {url} changed the database")
                status, location = response.status_code, response.headers.get("Location", "")
                response.close()
                observed[(rule.endpoint, method, role)] = status
                if allowed:
                    ok = status in (200, 302) or (method == "POST" and status == 400)
                else:
                    ok = _refused(role, status, location)
                if not ok:
                    failures.append(
                        f"{role} {method} {url}: {status} {location} ({'allowed' if allowed else 'refused'})"
                    )
    if os.environ.get("ROUTE_MATRIX"):
        for key, status in sorted(observed.items()):
            print(*key, status)
    assert not failures, "\n".join(failures)
