"""Who may see what: load-and-authorise helpers used by every view."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, select

from .extensions import db
from .models import Attempt, Enrollment, Lesson, Quiz, Role, SchoolClass, TeacherAssignment, User


def get_own_attempt_or_404(attempt_id: int) -> Attempt:
    """A learner's own attempt; anyone else's answers 404 so that its existence is not revealed."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def get_lesson_or_404(key: str) -> Lesson:
    lesson = db.session.scalar(select(Lesson).where(Lesson.key == key, Lesson.active))
    if lesson is None:
        abort(404)
    return lesson


def get_quiz_or_404(key: str) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.key == key, Quiz.active))
    if quiz is None:
        abort(404)
    return quiz


# --- Staff scope -------------------------------------------------------------------------------
# A teacher sees the classes assigned to them; a school admin every class of their school.
# Anything outside scope answers 404, so that other schools' classes and students are not revealed.


def staff_required(view):
    """Students get 403 on staff pages (after login_required has sent anonymous visitors to log in)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or current_user.is_student:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def school_admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or current_user.role != Role.SCHOOL_ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def classes_in_scope(user: User) -> Select:
    """A select() of the classes this staff member may see and manage."""
    query = select(SchoolClass)
    if user.role == Role.SCHOOL_ADMIN:
        return query.where(SchoolClass.school_id == user.school_id)
    if user.role == Role.TEACHER:
        assigned = select(TeacherAssignment.class_id).where(TeacherAssignment.teacher_id == user.id)
        return query.where(SchoolClass.id.in_(assigned))
    return query.where(false())


def can_manage_class(user: User, school_class: SchoolClass) -> bool:
    if user.role == Role.SCHOOL_ADMIN:
        return school_class.school_id == user.school_id
    if user.role == Role.TEACHER:
        return db.session.get(TeacherAssignment, {"teacher_id": user.id, "class_id": school_class.id}) is not None
    return False


def get_class_or_404(class_id: int) -> SchoolClass:
    """Load a class and check that the current staff member may manage it."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or not can_manage_class(current_user, school_class):
        abort(404)
    return school_class


def get_class_student_or_404(school_class: SchoolClass, student_id: int) -> User:
    """A student enrolled in this class (the class itself already authorised)."""
    student = db.session.scalar(
        select(User)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(User.id == student_id, Enrollment.class_id == school_class.id)
    )
    if student is None:
        abort(404)
    return student
