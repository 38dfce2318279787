"""Required practice counts in a module's completion: on the student's page, the class dashboard, certificates
and the demo data (docs/practice.md, "Completion and certificates")."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Certificate, Enrollment, Lesson, PracticeRun, PracticeTask, SchoolClass, User
from quizapp.models._base import utcnow
from quizapp.practice import service
from quizapp.practice.parse import read_practice
from quizapp.services.class_progress import DONE, class_report
from quizapp.services.progress import programme_for

from .conftest import _empty_database, make_app
from .helpers import count_queries, enrol_students
from .test_certificates import finish_programme
from .test_practice import PRACTICE, start, step

REAL_CONTENT = Path(__file__).parent.parent / "content"


@pytest.fixture
def mini(app):
    """The fixture task "mini": required, grades 7 and 8, in lesson "an-toan" (the second module)."""
    sync_mini(app)


def sync_mini(app) -> None:
    with app.app_context():
        parsed = read_practice(PRACTICE)
        service.sync_practice(parsed.tasks, {lesson.key: lesson for lesson in db.session.scalars(select(Lesson))})
        db.session.commit()


def finish_mini(client) -> None:
    start(client)
    step(client, "trang-chu", 0)
    step(client, "thu-tuc", 0)
    step(client, "nhap", 0, **{"ho-ten": "Nguyễn Thị Mơ", "so-dinh-danh": "001xxxxxxxxx"})


def an_row(app, people):
    with app.app_context():
        report = class_report(db.session.get(SchoolClass, people["klass"]))
        row = next(r for r in report.rows if r.student.id == people["hs.an"])
        return row.status, [(c.done, c.practice_left) for c in row.modules], report.completed


def test_an_unfinished_required_task_keeps_the_module_open_until_it_is_finished(app, client, auth, people, mini):
    auth.login("hs.an")
    finish_programme(app, client)  # both lessons read, both quizzes passed
    status, cells, completed = an_row(app, people)
    assert status != DONE and completed == 0
    assert cells == [(True, 0), (False, 1)]  # "an-toan" still needs the practice task
    with app.app_context():
        assert db.session.scalar(select(Certificate).where(Certificate.user_id == people["hs.an"])) is None
    auth.logout()
    auth.login("gv.hoa")
    page = client.get(f"/giao-vien/lop/{people['klass']}").get_data(as_text=True)
    assert "thực hành: còn 1" in page
    assert "Hoàn thành chương trình: <strong>0/2</strong>" in page

    auth.logout()
    auth.login("hs.an")
    finish_mini(client)
    status, cells, completed = an_row(app, people)
    assert status == DONE and completed == 1 and cells == [(True, 0), (True, 0)]
    with app.app_context():
        assert db.session.scalar(select(Certificate).where(Certificate.user_id == people["hs.an"])) is not None
    auth.logout()
    auth.login("gv.hoa")
    page = client.get(f"/giao-vien/lop/{people['klass']}").get_data(as_text=True)
    assert "thực hành: còn 1" not in page
    assert "Hoàn thành chương trình: <strong>1/2</strong>" in page


def test_a_certified_student_stays_done_when_a_task_becomes_required(app, client, auth, people):
    auth.login("hs.an")
    finish_programme(app, client)
    sync_mini(app)
    status, cells, completed = an_row(app, people)
    assert status == DONE and completed == 1  # the certificate stays issued, and the dashboard agrees
    assert cells[-1] == (False, 1)  # the cell tells the teacher what is still open


def test_a_grade_8_task_is_not_asked_of_a_grade_7_student(app, client, auth, people, mini):
    with app.app_context():
        db.session.scalar(select(PracticeTask)).grades = [8]
        db.session.commit()
    auth.login("hs.an")  # class 7A1
    finish_programme(app, client)
    with app.app_context():
        assert db.session.scalar(select(Certificate).where(Certificate.user_id == people["hs.an"])) is not None
        student = db.session.get(User, people["hs.an"])
        assert [m.practice_left for m in programme_for(student).modules] == [0, 0]
    status, cells, _ = an_row(app, people)
    assert status == DONE and cells == [(True, 0), (True, 0)]
    # The same task is asked of a grade-8 class.
    with app.app_context():
        db.session.get(SchoolClass, people["klass"]).grade = 8
        db.session.commit()
        report = class_report(db.session.get(SchoolClass, people["klass"]))
        bình = next(r for r in report.rows if r.student.id == people["hs.binh"])
        assert [c.practice_left for c in bình.modules] == [0, 1]


def test_the_dashboard_query_count_does_not_grow_with_the_class(app, client, auth, people, mini):
    auth.login("gv.hoa")
    url = f"/giao-vien/lop/{people['klass']}"
    client.get(url)
    with count_queries(app) as small:
        assert client.get(url).status_code == 200
    ids = enrol_students(app, people["klass"], [f"Học Sinh {n}" for n in range(25)])
    with app.app_context():  # some of them finished the task, some left it open
        task_id = db.session.scalar(select(PracticeTask.id))
        for number, user_id in enumerate(ids[:10]):
            run = PracticeRun(task_id=task_id, user_id=user_id, content_hash="x", current="xong", reached=[])
            if number % 2:
                run.finished_at = utcnow()
            db.session.add(run)
        db.session.commit()
    with count_queries(app) as large:
        assert client.get(url).status_code == 200
    assert large["n"] == small["n"]


@pytest.fixture
def real_app(database_url):
    """The app with the real curriculum and practice tasks synced, as `flask content sync` does."""
    app = make_app(database_url, content_dir=REAL_CONTENT)
    with app.app_context():
        _empty_database(database_url)
    result = app.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_real_tasks_are_required_and_the_turning_14_task_only_for_grade_8(real_app):
    with real_app.app_context():
        tasks = db.session.scalars(select(PracticeTask).where(PracticeTask.active)).all()
        assert len(tasks) == 7 and all(t.required for t in tasks)
        assert {t.key for t in tasks if 7 not in t.grades} == {"du-14-tuoi-vneid-muc-2"}


def test_demo_create_still_shows_completions_and_certificates(real_app):
    from quizapp.services.demo import create_demo

    with real_app.app_context():
        create_demo(real_app.config["CURRENT_SCHOOL_YEAR"])
        db.session.commit()
        certified = set(db.session.scalars(select(Certificate.user_id)))
        assert len(certified) > 20
        for name in ("7A1", "8A2"):
            klass = db.session.scalar(
                select(SchoolClass).join(SchoolClass.school).where(SchoolClass.name == name).limit(1)
            )
            report = class_report(klass)
            done = [r for r in report.rows if r.status == DONE]
            assert done, name
            for row in report.rows:
                # Certified = done, and done through the modules themselves, practice included.
                all_done = all(m.done for m in row.modules)
                assert (row.student.id in certified) == all_done, (name, row.student.username)
        # Grade-7 demo students never ran the grade-8 task; grade-8 ones who finished did.
        runs = dict(
            db.session.execute(
                select(SchoolClass.grade, func.count(PracticeRun.id))
                .join(Enrollment, Enrollment.class_id == SchoolClass.id)
                .join(PracticeRun, PracticeRun.user_id == Enrollment.student_id)
                .join(PracticeTask, PracticeTask.id == PracticeRun.task_id)
                .where(PracticeTask.key == "du-14-tuoi-vneid-muc-2", PracticeRun.finished_at.is_not(None))
                .group_by(SchoolClass.grade)
            ).all()
        )
        assert runs.get(7, 0) == 0 and runs.get(8, 0) > 0


def test_demo_city_certified_students_have_finished_their_required_practice(real_app):
    from quizapp.services.demo_city import build_city

    with real_app.app_context():
        build_city(students=160, schools=2, seed=7, echo=lambda *_: None)
        classes = db.session.scalars(select(SchoolClass).order_by(SchoolClass.id)).all()
        assert {c.grade for c in classes} == {7, 8}
        certified_total = 0
        for klass in classes:
            report = class_report(klass)
            for row in report.rows:
                # Certified = every module done, required practice included (grade-8 task only in grade 8).
                assert row.certified == all(m.done for m in row.modules), (klass.name, row.student.username)
                certified_total += row.certified
        assert certified_total > 20
        grade_7_runs = db.session.scalar(
            select(func.count(PracticeRun.id))
            .join(PracticeTask, PracticeTask.id == PracticeRun.task_id)
            .join(Enrollment, Enrollment.student_id == PracticeRun.user_id)
            .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
            .where(PracticeTask.key == "du-14-tuoi-vneid-muc-2", SchoolClass.grade == 7)
        )
        assert grade_7_runs == 0
