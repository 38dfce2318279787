"""Access on the web: the request's `Scope` and the loaders that load *and* authorise in one step.

`Scope` itself (quizapp/services/scope.py) decides; this module builds it once per request from the logged-in
user (`current_scope()`, cached on `flask.g`) and turns its answers into responses. Anonymous visitors get
`Scope.none()`.

Out of scope answers 404, not 403, so that another class's, school's or unit's things, and other people's
attempts, reports and jobs, are not revealed (tests/test_routes_every_role.py checks it route by route). 403
is kept for a role that has no business in an area at all (a student on a staff page): the area is no
secret, the person just may not enter it. Anonymous visitors are sent to log in.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .models import (
    Attempt,
    BackgroundJob,
    Enrollment,
    FamilyOutreach,
    IssuedReport,
    Lesson,
    Quiz,
    Role,
    School,
    SchoolClass,
    Unit,
    User,
)
from .services.scope import Scope

__all__ = ["Scope", "current_scope"]


def current_scope() -> Scope:
    """The logged-in user's scope, built on the first question of the request and kept on `g`."""
    if not has_request_context():
        raise RuntimeError("current_scope() needs a request; the command line passes Scope.system()")
    scope = g.get("_scope")
    if scope is None or scope.user is not _user_or_none():
        scope = g._scope = Scope.of(_user_or_none())
    return scope


def _user_or_none() -> User | None:
    user = current_user._get_current_object() if current_user else None
    return user if user is not None and user.is_authenticated else None


# --- Decorators for whole areas --------------------------------------------------------------------


def _area(flag: str):
    """A decorator for a whole area: 403 unless the request's scope has `flag` (login_required runs first)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not getattr(current_scope(), flag):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = _area("is_staff")  # students get 403 on staff pages
school_admin_required = _area("is_school_admin")
unit_admin_required = _area("is_unit_admin")


# --- Loaders: load and authorise in one step --------------------------------------------------------


def lesson_or_404(key: str) -> Lesson:
    lesson = db.session.scalar(select(Lesson).where(Lesson.key == key, Lesson.active))
    if lesson is None:
        abort(404)
    return lesson


def quiz_or_404(key: str) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.key == key, Quiz.active))
    if quiz is None:
        abort(404)
    return quiz


def _own_or_404(model, row_id: int, owner_column: str):
    """A row that belongs to the current learner; anyone else's answers 404 so that its existence is not revealed."""
    row = db.session.get(model, row_id)
    scope = current_scope()
    if row is None or scope.user is None or getattr(row, owner_column) != scope.user.id:
        abort(404)
    return row


def own_attempt_or_404(attempt_id: int) -> Attempt:
    return _own_or_404(Attempt, attempt_id, "user_id")


def own_family_entry_or_404(entry_id: int) -> FamilyOutreach:
    """A learner's own note of helping a relative."""
    return _own_or_404(FamilyOutreach, entry_id, "student_id")


def class_or_404(class_id: int) -> SchoolClass:
    """A class the current staff member manages (teacher pages)."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or not current_scope().manages_class(school_class):
        abort(404)
    return school_class


def student_or_404(school_class: SchoolClass, student_id: int) -> User:
    """A student enrolled in a class already authorised by `class_or_404`."""
    student = db.session.scalar(
        select(User)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(User.id == student_id, Enrollment.class_id == school_class.id)
    )
    if student is None:
        abort(404)
    return student


def attempt_or_404(student: User, attempt_id: int) -> Attempt:
    """An attempt of a student already authorised by `student_or_404`."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != student.id:
        abort(404)
    return attempt


def school_or_404(school_id: int) -> School:
    """A school the current person sees (its admin, an office above it)."""
    school = db.session.get(School, school_id)
    if school is None or not current_scope().sees_school(school.id):
        abort(404)
    return school


def unit_or_404(unit_id: int) -> Unit:
    """A unit in the current office's subtree."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not current_scope().manages_unit(unit.id):
        abort(404)
    return unit


def school_class_or_404(school: School, class_id: int) -> SchoolClass:
    """A class of a school already authorised by `school_or_404` (the office's drill-down)."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or school_class.school_id != school.id:
        abort(404)
    return school_class


def school_student_or_404(user_id: int) -> User:
    """A student of the school admin's own school, not yet erased (the privacy pages)."""
    student = db.session.get(User, user_id)
    scope = current_scope()
    if (
        student is None
        or student.role != Role.STUDENT
        or student.erased_at is not None
        or not scope.is_school_admin
        or student.school_id != scope.own_school_id
    ):
        abort(404)
    return student


def report_or_404(report_id: int) -> IssuedReport:
    """A report of the admin's own school or unit; anyone else's answers 404."""
    report = db.session.get(IssuedReport, report_id)
    if report is None or not current_scope().owns_report(report):
        abort(404)
    return report


def job_or_404(job_id: int) -> BackgroundJob:
    """A background job (and its result) belongs to the person who started it."""
    job = db.session.get(BackgroundJob, job_id)
    scope = current_scope()
    if job is None or scope.user is None or job.owner_id != scope.user.id:
        abort(404)
    return job
