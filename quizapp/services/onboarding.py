"""Finishing a school's set-up: who teaches which class, and whether a unit may see pupils' names.

The same rules as the web's pages (school/views.py): a teacher is assigned only to a class of their own
school, only while their account is active; a school admin acts on their own school only (the `scope`
decides, quizapp/scope.py; the command line passes `Scope.system()`). Plain functions that flush but never commit; every broken rule raises OrgError in Vietnamese.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Role, School, SchoolClass, SchoolYear, TeacherAssignment, Unit, User
from .org import OrgError, _find_class, _require_school
from .scope import Scope

TEACHING_ROLES = (Role.TEACHER, Role.SCHOOL_ADMIN)  # the web's list: a principal may follow a class too


def find_class(school: School, year: SchoolYear, name: str) -> SchoolClass:
    school_class = _find_class(school, year, name)
    if school_class is None:
        raise OrgError(f"{school.name} không có lớp {name} trong năm học {year.name}.")
    return school_class


def find_user(username: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise OrgError(f"Không có tài khoản nào tên đăng nhập {username}.")
    return user


def assign_teacher(teacher: User, school_class: SchoolClass, *, scope: Scope) -> bool:
    """Let the teacher follow the class; False when they already did (nothing changes)."""
    school = db.session.get(School, school_class.school_id)
    _require_school(scope, school)
    if teacher.role not in TEACHING_ROLES:
        raise OrgError(f"{teacher.full_name} ({teacher.username}) không phải giáo viên hay cán bộ quản lý trường.")
    if teacher.school_id != school_class.school_id:
        raise OrgError(
            f"{teacher.full_name} ({teacher.username}) không thuộc {school.name}: chỉ phân công giáo viên của trường."
        )
    if not teacher.is_active_account:
        raise OrgError(f"Tài khoản {teacher.username} đang bị khoá.")
    if db.session.get(TeacherAssignment, {"teacher_id": teacher.id, "class_id": school_class.id}):
        return False
    db.session.add(TeacherAssignment(teacher_id=teacher.id, class_id=school_class.id))
    db.session.flush()
    return True


def unassign_teacher(teacher: User, school_class: SchoolClass, *, scope: Scope) -> bool:
    """Stop the teacher following the class; False when they did not (nothing changes)."""
    _require_school(scope, db.session.get(School, school_class.school_id))
    assignment = db.session.get(TeacherAssignment, {"teacher_id": teacher.id, "class_id": school_class.id})
    if assignment is None:
        return False
    db.session.delete(assignment)
    db.session.flush()
    return True


def class_teachers(school_class: SchoolClass) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(TeacherAssignment, TeacherAssignment.teacher_id == User.id)
            .where(TeacherAssignment.class_id == school_class.id)
            .order_by(User.full_name)
        )
    )


def set_may_see_student_names(unit: Unit, allowed: bool) -> bool:
    """Whether this unit's own staff see pupils' names on its pages (not inherited by units beneath it).

    Only the command line sets it: the decision belongs to whoever runs the server for the education
    office, after the data-protection check that Law 91/2025 asks for. Returns whether it changed.
    """
    changed = unit.may_see_student_names != allowed
    unit.may_see_student_names = allowed
    db.session.flush()
    return changed
