"""The organisation: the tree of managing units, schools, classes, staff accounts, targets, a new school year.

Plain functions that flush but never commit (the view or command commits once). Every rule broken raises
`OrgError`, a `ValueError` whose message is Vietnamese and is shown to the user as it is.

Functions that change the organisation take `scope=` (required: a forgotten scope is a TypeError, never a
skipped check) and ask it whether the change is in scope (quizapp/scope.py decides; a unit admin acts on
their unit and everything beneath it, a school admin on their own school). The command line passes
`Scope.system()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AuditAction, Enrollment, Role, School, SchoolClass, SchoolYear, Target, Unit, User
from . import audit
from .accounts import USERNAME_MAX, make_password, make_username
from .coverage import unit_subtree_ids  # the one walk of the tree: a recursive CTE
from .demo import school_year
from .rosters import class_key
from .scope import Scope
from .vietnamese import normalize_text

GRADES = (6, 7, 8, 9)  # lower secondary (THCS)
LAST_GRADE = 9
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,}$")
YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")
STAFF_ROLES = (Role.TEACHER, Role.SCHOOL_ADMIN, Role.UNIT_ADMIN)


class OrgError(ValueError):
    """A rule of the organisation was broken; the message is Vietnamese and meant for the user."""


# --- The tree of units ------------------------------------------------------------------------


def _all_units() -> dict[int, Unit]:
    return {u.id: u for u in db.session.scalars(select(Unit))}


def schools_in_unit(unit_id: int) -> Select:
    """A select() of the schools under the unit or any unit beneath it, by name."""
    return select(School).where(School.unit_id.in_(unit_subtree_ids(unit_id))).order_by(School.name, School.id)


def unit_path(unit: Unit) -> list[Unit]:
    """The units from the root down to this one, for breadcrumbs (one query)."""
    units = _all_units()
    path: list[Unit] = []
    current: Unit | None = units.get(unit.id, unit)
    while current is not None and current not in path:
        path.append(current)
        current = units.get(current.parent_id) if current.parent_id is not None else None
    return path[::-1]


def unit_tree(unit: Unit) -> list[tuple[Unit, int]]:
    """The unit and its subtree in display order (depth first, children by name) with each one's depth."""
    units = _all_units()
    children: dict[int, list[Unit]] = {}
    for u in units.values():
        if u.parent_id is not None:
            children.setdefault(u.parent_id, []).append(u)
    rows: list[tuple[Unit, int]] = []
    seen: set[int] = set()
    stack = [(units.get(unit.id, unit), 0)]
    while stack:
        current, depth = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        rows.append((current, depth))
        below = sorted(children.get(current.id, []), key=lambda u: (u.name, u.id), reverse=True)
        stack.extend((child, depth + 1) for child in below)
    return rows


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(func.upper(Unit.code) == _code(code, check=False)))


def school_by_code(code: str) -> School | None:
    return db.session.scalar(select(School).where(func.upper(School.code) == _code(code, check=False)))


# --- Scope ------------------------------------------------------------------------------------


# The scope decides (quizapp/scope.py); these only turn a refusal into the user's message.


def _require_unit(scope: Scope, unit: Unit) -> None:
    if not scope.manages_unit(unit.id):
        raise OrgError(f"{unit.name} không thuộc phạm vi quản lý của anh/chị.")


def _require_school(scope: Scope, school: School) -> None:
    if not scope.manages_school(school.id):
        raise OrgError(f"{school.name} không thuộc phạm vi quản lý của anh/chị.")


# --- Units, schools, classes ------------------------------------------------------------------


def _code(code: str, *, check: bool = True) -> str:
    """Codes are compared and stored upper-case without spaces: "thcs-a " is THCS-A."""
    text = normalize_text(code).upper()
    if check and (not text or len(text) > 40 or not CODE_RE.match(text)):
        raise OrgError(
            f"Mã “{normalize_text(code)}” không hợp lệ: chỉ dùng chữ không dấu, chữ số, dấu gạch ngang, "
            "gạch dưới hoặc dấu chấm, tối đa 40 ký tự."
        )
    return text


def _name(name: str, what: str, limit: int = 200) -> str:
    text = normalize_text(name)
    if not text:
        raise OrgError(f"Hãy nhập tên {what}.")
    if len(text) > limit:
        raise OrgError(f"Tên {what} dài quá {limit} ký tự.")
    return text


def create_unit(code: str, name: str, parent: Unit | None, *, scope: Scope) -> Unit:
    """A managing unit under `parent` (None: a new root, only from the command line)."""
    code, name = _code(code), _name(name, "đơn vị")
    if parent is None:
        if not scope.everything:
            raise OrgError("Hãy chọn đơn vị cấp trên.")
    else:
        _require_unit(scope, parent)
    if unit_by_code(code) is not None:
        raise OrgError(f"Mã đơn vị {code} đã có.")
    unit = Unit(code=code, name=name, parent_id=parent.id if parent else None)
    db.session.add(unit)
    db.session.flush()
    return unit


def create_school(code: str, name: str, unit: Unit, *, scope: Scope) -> School:
    code, name = _code(code), _name(name, "trường")
    _require_unit(scope, unit)
    if school_by_code(code) is not None:
        raise OrgError(f"Mã trường {code} đã có.")
    school = School(code=code, name=name, unit_id=unit.id)
    db.session.add(school)
    db.session.flush()
    return school


def _grade(grade: int) -> int:
    if grade not in GRADES:
        raise OrgError(f"Khối {grade} không hợp lệ: trường THCS có các khối 6, 7, 8, 9.")
    return grade


def create_class(school: School, year: SchoolYear, name: str, grade: int, *, scope: Scope) -> SchoolClass:
    """A class such as 7A1; its name starts with its grade, and is unique in the school and year."""
    _require_school(scope, school)
    grade = _grade(grade)
    name = class_key(name)
    if not name:
        raise OrgError("Hãy nhập tên lớp, ví dụ 7A1.")
    if len(name) > 20:
        raise OrgError("Tên lớp dài quá 20 ký tự.")
    leading = re.match(r"\d+", name)
    if leading is None or int(leading.group()) != grade:
        raise OrgError(f"Tên lớp {name} phải bắt đầu bằng số khối {grade}, ví dụ {grade}A1.")
    if _find_class(school, year, name) is not None:
        raise OrgError(f"{school.name} đã có lớp {name} trong năm học {year.name}.")
    school_class = SchoolClass(school_id=school.id, school_year_id=year.id, grade=grade, name=name)
    db.session.add(school_class)
    db.session.flush()
    return school_class


def _find_class(school: School, year: SchoolYear, name: str) -> SchoolClass | None:
    classes = db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.school_year_id == year.id)
    )
    return next((c for c in classes if class_key(c.name) == class_key(name)), None)


# --- Staff accounts ---------------------------------------------------------------------------


def _username_taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None


def create_staff(
    full_name: str,
    role: str,
    school: School | None = None,
    unit: Unit | None = None,
    username: str | None = None,
    *,
    scope: Scope,
) -> tuple[User, str]:
    """A staff account and its first password (shown once, stored hashed; changed at first login)."""
    full_name = _name(full_name, "cán bộ", limit=120)
    if role not in STAFF_ROLES:
        raise OrgError("Vai trò không hợp lệ: chỉ tạo được giáo viên, cán bộ quản lý trường hoặc đơn vị.")
    role = Role(role)
    if role == Role.UNIT_ADMIN:
        if unit is None or school is not None:
            raise OrgError("Cán bộ quản lý đơn vị cần một đơn vị (và không gắn với trường).")
        _require_unit(scope, unit)
    else:
        if school is None or unit is not None:
            raise OrgError("Giáo viên và cán bộ quản lý trường cần một trường (và không gắn với đơn vị).")
        _require_school(scope, school)
        if not scope.may_create_role(role):
            raise OrgError("Cán bộ quản lý trường chỉ tạo được tài khoản giáo viên.")
    if username:
        username = normalize_text(username).lower()
        if len(username) > USERNAME_MAX or not USERNAME_RE.match(username):
            raise OrgError(
                f"Tên đăng nhập “{username}” không hợp lệ: từ 3 đến {USERNAME_MAX} ký tự, chỉ gồm chữ thường "
                "không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới."
            )
        if _username_taken(username):
            raise OrgError(f"Tên đăng nhập {username} đã có người dùng.")
    else:
        username = make_username(full_name, _username_taken)
    password = make_password()
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        school_id=school.id if school else None,
        unit_id=unit.id if unit else None,
        must_change_password=True,  # whoever created it has seen the password
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(scope.user, AuditAction.ACCOUNT_CREATE, user, role=str(role))
    return user, password


# --- Targets ----------------------------------------------------------------------------------


def set_target(
    year: SchoolYear,
    *,
    school: School | None = None,
    unit: Unit | None = None,
    grades: Iterable[int],
    percent: int,
    deadline: date,
    include_staff: bool,
    scope: Scope,
) -> Target:
    """Create or replace the target of a school or a unit for the year."""
    if (school is None) == (unit is None):
        raise OrgError("Chỉ tiêu đặt cho đúng một trường hoặc một đơn vị.")
    if school is not None:
        _require_school(scope, school)
    else:
        _require_unit(scope, unit)
    chosen = sorted({_grade(int(g)) for g in grades})
    if not chosen:
        raise OrgError("Hãy chọn ít nhất một khối.")
    if percent is None or not 1 <= percent <= 100:
        raise OrgError("Tỉ lệ chỉ tiêu phải từ 1 đến 100%.")
    if deadline is None:
        raise OrgError("Hãy nhập hạn hoàn thành.")
    if deadline < year.starts_on:
        raise OrgError(f"Hạn hoàn thành phải sau ngày bắt đầu năm học {year.name} ({year.starts_on:%d/%m/%Y}).")
    target = target_of(year, school=school, unit=unit)
    if target is None:
        target = Target(
            school_year_id=year.id, school_id=school.id if school else None, unit_id=unit.id if unit else None
        )
        db.session.add(target)
    target.target_grades = ",".join(str(g) for g in chosen)
    target.target_percent = percent
    target.deadline = deadline
    target.include_staff = include_staff
    db.session.flush()
    return target


def target_of(year: SchoolYear, *, school: School | None = None, unit: Unit | None = None) -> Target | None:
    """The target set on exactly this school or unit (not inherited), if any."""
    query = select(Target).where(Target.school_year_id == year.id)
    if school is not None:
        return db.session.scalar(query.where(Target.school_id == school.id, Target.unit_id.is_(None)))
    if unit is not None:
        return db.session.scalar(query.where(Target.unit_id == unit.id, Target.school_id.is_(None)))
    return None


# --- School years -----------------------------------------------------------------------------


def check_year_name(name: str) -> str:
    """ "2026-2027": two consecutive years."""
    name = normalize_text(name)
    match = YEAR_RE.match(name)
    if match is None or int(match.group(2)) != int(match.group(1)) + 1:
        raise OrgError(f"Năm học “{name}” không hợp lệ: viết như 2026-2027.")
    return name


def next_year_name(name: str) -> str:
    start = int(check_year_name(name)[:4]) + 1
    return f"{start}-{start + 1}"


def previous_year_name(name: str) -> str:
    start = int(check_year_name(name)[:4]) - 1
    return f"{start}-{start + 1}"


def get_or_create_year(name: str) -> SchoolYear:
    return school_year(check_year_name(name))


def find_year(name: str) -> SchoolYear | None:
    return db.session.scalar(select(SchoolYear).where(SchoolYear.name == normalize_text(name)))


def ensure_current_year() -> SchoolYear:
    """The configured current school year, created when missing (a fresh installation has none)."""
    return get_or_create_year(current_app.config["CURRENT_SCHOOL_YEAR"])


# --- A new school year ------------------------------------------------------------------------


@dataclass
class PromotedClass:
    source: SchoolClass
    target: SchoolClass
    created: bool  # False: the class already existed in the new year and was reused
    moved: int = 0


@dataclass
class SkippedStudent:
    student: User
    from_class: str
    reason: str


@dataclass
class NewYearReport:
    school: School
    from_year: SchoolYear
    to_year: SchoolYear
    classes: list[PromotedClass] = field(default_factory=list)
    graduated: list[SchoolClass] = field(default_factory=list)  # grade 9: the students leave the school
    skipped_classes: list[tuple[SchoolClass, str]] = field(default_factory=list)
    skipped_students: list[SkippedStudent] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return sum(c.moved for c in self.classes)

    @property
    def created_classes(self) -> list[SchoolClass]:
        return [c.target for c in self.classes if c.created]


def promoted_name(name: str, grade: int) -> str | None:
    """ "7A1" in grade 7 becomes "8A1"; None when the name does not start with its grade."""
    match = re.match(r"(\d+)(.*)$", name)
    if match is None or int(match.group(1)) != grade:
        return None
    return f"{grade + 1}{match.group(2)}"


def start_new_year(school: School, from_year: SchoolYear, to_year: SchoolYear, *, scope: Scope) -> NewYearReport:
    """Move every class of grade 6–8 up one grade into the new year, with its students.

    New classes and new enrolments only: last year's classes, enrolments, progress and certificates stay as
    they are. Grade-9 classes leave the school. A student already enrolled in the new year is left where they
    are and reported, so running this twice changes nothing. Teachers are not carried over.
    """
    _require_school(scope, school)
    if to_year.starts_on <= from_year.starts_on:
        raise OrgError(f"Năm học mới ({to_year.name}) phải sau năm học {from_year.name}.")
    report = NewYearReport(school, from_year, to_year)
    old_classes = list(
        db.session.scalars(
            select(SchoolClass)
            .where(SchoolClass.school_id == school.id, SchoolClass.school_year_id == from_year.id)
            .options(selectinload(SchoolClass.enrollments).selectinload(Enrollment.student))
            .order_by(SchoolClass.grade, SchoolClass.name)
        )
    )
    existing = {
        class_key(c.name): c
        for c in db.session.scalars(
            select(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.school_year_id == to_year.id)
        )
    }
    student_ids = [e.student_id for c in old_classes for e in c.enrollments]
    already = {
        e.student_id: e
        for e in db.session.scalars(
            select(Enrollment)
            .where(Enrollment.school_year_id == to_year.id, Enrollment.student_id.in_(student_ids))
            .options(selectinload(Enrollment.school_class))
        )
    }
    for old in old_classes:
        if old.grade >= LAST_GRADE:
            report.graduated.append(old)
            continue
        new_name = promoted_name(class_key(old.name), old.grade)
        if new_name is None:
            reason = f"tên lớp không bắt đầu bằng số khối {old.grade}: hãy tạo lớp mới và nhập danh sách"
            report.skipped_classes.append((old, reason))
            continue
        target = existing.get(class_key(new_name))
        created = target is None
        if target is None:
            target = SchoolClass(school_id=school.id, school_year_id=to_year.id, grade=old.grade + 1, name=new_name)
            db.session.add(target)
            existing[class_key(new_name)] = target
        elif target.grade != old.grade + 1:
            reason = f"lớp {target.name} của năm học {to_year.name} đã có nhưng thuộc khối {target.grade}"
            report.skipped_classes.append((old, reason))
            continue
        promoted = PromotedClass(old, target, created)
        report.classes.append(promoted)
        for enrollment in sorted(old.enrollments, key=lambda e: e.student.full_name):
            student = enrollment.student
            if student.id in already:
                where = already[student.id].school_class.name
                report.skipped_students.append(
                    SkippedStudent(student, old.name, f"đã có lớp {where} trong năm học {to_year.name}")
                )
                continue
            if not student.is_active_account:
                report.skipped_students.append(SkippedStudent(student, old.name, "tài khoản đang bị khoá"))
                continue
            new = Enrollment(student_id=student.id, school_class=target, school_year_id=to_year.id)
            db.session.add(new)
            already[student.id] = new
            promoted.moved += 1
    db.session.flush()
    return report
