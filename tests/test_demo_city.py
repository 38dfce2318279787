"""`flask demo city`: a small city built in bulk on each engine, its counts, its consistency, its determinism."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import func, select

from quizapp.content.parse import read_content
from quizapp.content.sync import sync_content
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    Certificate,
    Choice,
    Enrollment,
    FamilyOutreach,
    LessonProgress,
    School,
    SchoolClass,
    TeacherAssignment,
    Unit,
    User,
)
from quizapp.services.attempts import shown_questions
from quizapp.services.grading import ShownChoice, is_correct
from quizapp.services.progress import programme_for

from .conftest import FIXTURE_CONTENT, _empty_database

STUDENTS, SCHOOLS = 400, 3


def _build(runner, *args):
    return runner.invoke(args=["demo", "city", "--students", str(STUDENTS), "--schools", str(SCHOOLS), *args])


def _fingerprint() -> str:
    """A digest of every row the builder wrote, in id order: equal digests, equal cities."""
    digest = hashlib.sha256()
    for model, columns in (
        (User, (User.id, User.username, User.full_name, User.school_id, User.birth_date, User.gender)),
        (Enrollment, (Enrollment.student_id, Enrollment.class_id)),
        (LessonProgress, (LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.finished_at)),
        (Attempt, (Attempt.user_id, Attempt.quiz_id, Attempt.status, Attempt.correct_count, Attempt.submitted_at)),
        (AttemptQuestion, (AttemptQuestion.attempt_id, AttemptQuestion.version_id, AttemptQuestion.response)),
        (Certificate, (Certificate.user_id, Certificate.code, Certificate.issued_at)),
        (FamilyOutreach, (FamilyOutreach.student_id, FamilyOutreach.status, FamilyOutreach.helped_on)),
    ):
        for row in db.session.execute(select(*columns).order_by(model.id)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_builds_a_consistent_city(app, runner):
    result = _build(runner)
    assert result.exit_code == 0, result.output
    assert "so.thanhpho" in result.output and "giaovien2026" in result.output
    assert "px01.thanhpho" in result.output and "hs0001.7a1.01" in result.output
    assert "dùng chung một mã băm" in result.output  # the shared demo hash is said out loud
    with app.app_context():
        province = db.session.scalar(select(Unit).where(Unit.code == "THANHPHO"))
        wards = db.session.scalars(select(Unit).where(Unit.parent_id == province.id)).all()
        assert len(wards) == SCHOOLS  # ~30 wards, never more wards than schools
        assert db.session.scalar(select(func.count(School.id))) == SCHOOLS
        assert db.session.scalar(select(func.count(Enrollment.id))) == STUDENTS
        officers = db.session.scalars(select(User.unit_id).where(User.role == "unit_admin")).all()
        assert sorted(officers) == sorted([province.id] + [w.id for w in wards])
        # Classes of about 40, in grades 7 and 8 only, each with its homeroom teacher.
        sizes = db.session.execute(
            select(SchoolClass.grade, func.count(Enrollment.id)).join(Enrollment).group_by(SchoolClass.id)
        ).all()
        assert {grade for grade, _ in sizes} == {7, 8}
        assert all(30 <= size <= 50 for _, size in sizes)
        assert db.session.scalar(select(func.count()).select_from(TeacherAssignment)) == len(sizes)

        students = select(User.id).where(User.role == "student")
        certified = db.session.scalar(select(func.count(Certificate.id)).where(Certificate.user_id.in_(students)))
        assert 0.25 * STUDENTS <= certified <= 0.55 * STUDENTS
        assert db.session.scalar(select(func.count(FamilyOutreach.id))) > 0

        # Every certificate holder has really completed the programme, as the app computes it.
        holder = db.session.get(User, db.session.scalar(select(Certificate.user_id).order_by(Certificate.id)))
        assert programme_for(holder).completed
        # Each attempt has as many drawn questions as it says, graded as the real grader would.
        attempt = db.session.scalar(
            select(Attempt).where(Attempt.status == "submitted", Attempt.correct_count < Attempt.question_count)
        )
        questions = shown_questions(attempt)
        assert len(questions) == attempt.question_count
        for question in questions:
            shown = [ShownChoice(c.is_correct, c.position) for c in question.choices]
            assert is_correct(question.kind, shown, question.item.response) == question.item.is_correct
        assert sum(q.item.is_correct for q in questions) == attempt.correct_count
        # Ids were given by the builder: the next row made by the app must not collide with them.
        db.session.add(Choice(version_id=questions[0].version.id, position=99, text_html="x"))
        db.session.add(User(username="moi.tao", full_name="Mới Tạo", role="teacher", school_id=1, password_hash="!"))
        db.session.flush()
        db.session.rollback()


def test_same_seed_same_city(app, runner, database_url):
    assert _build(runner, "--seed", "7").exit_code == 0
    with app.app_context():
        first = _fingerprint()
        _empty_database(database_url)
        sync_content(read_content(FIXTURE_CONTENT, today=date(2026, 11, 25)))
        db.session.commit()
    assert _build(runner, "--seed", "7").exit_code == 0
    with app.app_context():
        assert _fingerprint() == first


def test_city_pages_work(app, runner):
    from .conftest import Auth

    assert _build(runner).exit_code == 0
    for username, password, path, expected in (
        ("so.thanhpho", "giaovien2026", "/don-vi/", "UBND phường Ba Đình"),
        ("px01.thanhpho", "giaovien2026", "/don-vi/", "Trường THCS Ba Đình số 1"),
        ("gv.tp0001.7a1", "giaovien2026", "/giao-vien/", "7A1"),
        ("hs0001.7a1.01", "hocsinh2026", "/", "Đăng xuất"),
    ):
        client = app.test_client()
        assert Auth(client).login(username, password).status_code == 302, username
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200 and expected in response.get_data(as_text=True), username


def test_refuses_a_database_with_other_schools(app, runner, people):
    result = _build(runner)
    assert result.exit_code == 1
    assert "đã có 2 trường" in result.output and "--force" in result.output
    with app.app_context():
        assert db.session.scalar(select(Unit).where(Unit.code == "THANHPHO")) is None
    assert _build(runner, "--force").exit_code == 0
    again = _build(runner, "--force")
    assert again.exit_code == 1 and "đã có thành phố demo" in again.output
