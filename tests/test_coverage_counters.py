"""The coverage facts kept on each enrolment by triggers, and the per-class and per-day counters summed from
them, stay equal to a recount from the raw rows.

Random events (lessons opened, quizzes started and submitted, certificates issued and withdrawn, relatives
recorded, confirmed, rejected and deleted, students moved to a class of the same or another school and
unenrolled, a class corrected to another school or grade) are applied through the real services where one
exists; after each batch `flask coverage verify` must find nothing, and the coverage figures and the
completions chart of both schools must equal a naive count written independently here.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update

from quizapp.clock import OFFSET_HOURS
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    Certificate,
    ClassCoverageCount,
    Enrollment,
    FamilyOutreach,
    Lesson,
    LessonProgress,
    Quiz,
    School,
    SchoolClass,
    SchoolCompletionDay,
    SchoolYear,
    User,
)
from quizapp.services import outreach
from quizapp.services.attempts import shown_questions, start_or_resume, submit
from quizapp.services.coverage import completions_timeline, school_coverage, verify_counters, verify_flags
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


def _naive_chart(school_id: int, year_id: int) -> list[tuple[date, int]]:
    """Cumulative completions per Vietnam day of the school's students in grade 7 and 8 classes."""
    issued = db.session.scalars(
        select(Certificate.issued_at)
        .join(Enrollment, Enrollment.student_id == Certificate.user_id)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(SchoolClass.school_id == school_id, SchoolClass.school_year_id == year_id, SchoolClass.grade.in_([7, 8]))
    ).all()
    per_day: dict[date, int] = {}
    for when in issued:
        day = (when + timedelta(hours=OFFSET_HOURS)).date()
        per_day[day] = per_day.get(day, 0) + 1
    points, total = [], 0
    for day in sorted(per_day):
        total += per_day[day]
        points.append((day, total))
    return points


def test_random_events_keep_the_flags_true(app, people, runner):
    rng = random.Random(2026)
    with app.app_context():
        year = db.session.get(SchoolYear, people["year"])
        school = db.session.get(School, people["school"])
        other_school = db.session.get(School, people["other_school"])
        teacher = db.session.get(User, people["teacher"])
        classes = [people["klass"], people["sibling_class"], people["other_class"]]
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
                ["lesson", "quiz", "quiz", "certificate", "certificate", "uncertify", "record", "review", "delete"]
                + ["move", "drop", "reclass"]
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
                        # some late in the evening: the chart's day is Vietnam's, 7 hours ahead of UTC
                        issued_at=datetime(2026, 10, 1, rng.choice([3, 18])) + timedelta(days=step // 3),
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
            elif event == "reclass":  # a class corrected by hand: another school, or grade 8 instead of 7
                moved = db.session.get(SchoolClass, people["sibling_class"])
                if rng.random() < 0.5:
                    moved.school_id = other_school.id if moved.school_id == school.id else school.id
                else:
                    moved.grade = 15 - moved.grade
            elif event == "drop":
                gone = db.session.execute(delete(Enrollment).where(Enrollment.student_id == student.id)).rowcount
                if not gone:  # re-enrol someone who was dropped earlier
                    db.session.add(Enrollment(student_id=student.id, class_id=classes[0], school_year_id=year.id))
            db.session.flush()
            if step % 20 == 19:
                db.session.commit()
                checked, differences = verify_flags()
                assert differences == [], f"step {step}: {differences}"
                assert verify_counters() == [], f"step {step}"
                for each in (school, other_school):
                    coverage = school_coverage(each, year)
                    total = coverage.total
                    counts = (total.enrolled, total.started, total.completed, total.families)
                    assert counts == _naive(each.id, year.id), f"step {step}"
                    chart = completions_timeline([each.id], year, coverage.target, total.enrolled)
                    assert chart.points == _naive_chart(each.id, year.id), f"step {step}"
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


def test_verify_reports_and_repairs_the_counters(app, people, runner):
    with app.app_context():
        db.session.add(
            Certificate(
                user_id=people["hs.an"],
                code="T000000001",
                school_year_id=people["year"],
                full_name="An",
                school_name="Trường",
                year_name=YEAR,
                issued_at=datetime(2026, 10, 5, 9),
            )
        )
        db.session.commit()
        # A hand edit behind the triggers' back: the class shows one student more, the chart one completion less.
        db.session.execute(
            update(ClassCoverageCount)
            .where(ClassCoverageCount.class_id == people["klass"])
            .values(enrolled=ClassCoverageCount.enrolled + 1)
        )
        db.session.execute(delete(SchoolCompletionDay))
        db.session.commit()
        school, year = db.session.get(School, people["school"]), db.session.get(SchoolYear, people["year"])
        assert school_coverage(school, year).total.enrolled == _naive(school.id, year.id)[0] + 1
    result = runner.invoke(args=["coverage", "verify"])
    assert result.exit_code == 1
    assert f"class_coverage ({people['klass']},)" in result.output and "school_completion_day" in result.output
    fixed = runner.invoke(args=["coverage", "verify", "--fix"])
    assert fixed.exit_code == 0 and "bộ đếm: 0 sai lệch" in fixed.output
    with app.app_context():
        school, year = db.session.get(School, people["school"]), db.session.get(SchoolYear, people["year"])
        coverage = school_coverage(school, year)
        assert coverage.total.enrolled == _naive(school.id, year.id)[0]
        chart = completions_timeline([school.id], year, coverage.target, coverage.total.enrolled)
        assert chart.points == [(date(2026, 10, 5), 1)]
