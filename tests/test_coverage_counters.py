"""The coverage facts kept on each enrolment by triggers stay equal to a recount from the raw rows.

Random events (lessons opened, quizzes started and submitted, certificates, relatives recorded,
confirmed, rejected and deleted, students moved and unenrolled) are applied through the real services
where one exists; after each batch `flask coverage verify` must find nothing, and the coverage figures
must equal a naive count written independently here.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    Certificate,
    Enrollment,
    FamilyOutreach,
    Lesson,
    LessonProgress,
    Quiz,
    School,
    SchoolClass,
    SchoolYear,
    User,
)
from quizapp.services import outreach
from quizapp.services.attempts import shown_questions, start_or_resume, submit
from quizapp.services.coverage import school_coverage, verify_flags
from quizapp.services.progress import record_lesson_opened

from .conftest import YEAR, add_user


def _naive(school_id: int, year_id: int) -> tuple[int, int, int, int]:
    """Enrolled, started, completed, relatives confirmed: counted from the raw rows, one student at a time."""
    enrolled = started = completed = families = 0
    students = db.session.scalars(
        select(Enrollment.student_id)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(SchoolClass.school_id == school_id, SchoolClass.school_year_id == year_id)
    ).all()
    for sid in students:
        enrolled += 1
        opened = db.session.scalar(select(func.count()).where(LessonProgress.user_id == sid))
        tried = db.session.scalar(select(func.count()).where(Attempt.user_id == sid))
        started += bool(opened or tried)
        completed += db.session.scalar(select(func.count()).where(Certificate.user_id == sid))
        families += db.session.scalar(
            select(func.count()).where(FamilyOutreach.student_id == sid, FamilyOutreach.status == "confirmed")
        )
    return enrolled, started, completed, families


def test_random_events_keep_the_flags_true(app, people, runner):
    rng = random.Random(2026)
    with app.app_context():
        year = db.session.get(SchoolYear, people["year"])
        school = db.session.get(School, people["school"])
        teacher = db.session.get(User, people["teacher"])
        classes = [people["klass"], people["sibling_class"]]
        students = []
        for number in range(12):
            student = add_user(f"hs.ngau{number}", "student", school, f"Học Sinh {number}")
            db.session.add(Enrollment(student_id=student.id, class_id=rng.choice(classes), school_year_id=year.id))
            students.append(student)
        db.session.commit()
        lessons = db.session.scalars(select(Lesson)).all()
        quizzes = db.session.scalars(select(Quiz)).all()
        issued = 0
        for step in range(160):
            student = rng.choice(students)
            event = rng.choice(
                ["lesson", "quiz", "quiz", "certificate", "uncertify", "record", "review", "delete", "move", "drop"]
            )
            if event == "lesson":
                record_lesson_opened(student, rng.choice(lessons))
            elif event == "quiz":
                attempt = start_or_resume(student, rng.choice(quizzes), rng)
                if rng.random() < 0.7:
                    questions = shown_questions(attempt)
                    submit(attempt, questions, {q.item.position: [0] for q in questions})
            elif event == "certificate" and not db.session.scalar(
                select(Certificate.id).where(Certificate.user_id == student.id)
            ):
                issued += 1
                db.session.add(
                    Certificate(
                        user_id=student.id,
                        code=f"T{issued:09d}",
                        school_year_id=year.id,
                        full_name=student.full_name,
                        school_name=school.name,
                        year_name=YEAR,
                        issued_at=datetime(2026, 10, 1) + timedelta(days=step),
                    )
                )
            elif event == "uncertify":
                db.session.execute(delete(Certificate).where(Certificate.user_id == student.id))
            elif event == "record":
                db.session.add(
                    FamilyOutreach(
                        student_id=student.id,
                        relation=rng.choice(outreach.RELATIONS),
                        service=rng.choice(outreach.SERVICES),
                        helped_on=date(2026, 11, 1) + timedelta(days=step % 20),
                    )
                )
            elif event == "review":
                entry = db.session.scalar(select(FamilyOutreach).where(FamilyOutreach.student_id == student.id))
                if entry is not None:
                    outreach.review(entry, teacher, confirmed=rng.random() < 0.7)
            elif event == "delete":
                db.session.execute(
                    delete(FamilyOutreach).where(
                        FamilyOutreach.id
                        == select(func.min(FamilyOutreach.id))
                        .where(FamilyOutreach.student_id == student.id)
                        .scalar_subquery()
                    )
                )
            elif event == "move":
                db.session.execute(
                    update(Enrollment).where(Enrollment.student_id == student.id).values(class_id=rng.choice(classes))
                )
            elif event == "drop":
                gone = db.session.execute(delete(Enrollment).where(Enrollment.student_id == student.id)).rowcount
                if not gone:  # re-enrol someone who was dropped earlier
                    db.session.add(Enrollment(student_id=student.id, class_id=classes[0], school_year_id=year.id))
            db.session.flush()
            if step % 20 == 19:
                db.session.commit()
                checked, differences = verify_flags()
                assert differences == [], f"step {step}: {differences}"
                coverage = school_coverage(school, year)
                total = coverage.total
                assert (total.enrolled, total.started, total.completed, total.families) == _naive(school.id, year.id)
        db.session.commit()
        assert checked >= 3


def test_verify_reports_and_repairs_a_difference(app, people, runner):
    with app.app_context():
        db.session.execute(update(Enrollment).where(Enrollment.student_id == people["hs.an"]).values(has_started=True))
        db.session.commit()
    result = runner.invoke(args=["coverage", "verify"])
    assert result.exit_code == 1
    assert f"học sinh {people['hs.an']}" in result.output and "tính lại từ dữ liệu gốc" in result.output
    fixed = runner.invoke(args=["coverage", "verify", "--fix"])
    assert fixed.exit_code == 0 and "0 sai lệch" in fixed.output
    assert "không có sai lệch" in runner.invoke(args=["coverage", "verify"]).output
