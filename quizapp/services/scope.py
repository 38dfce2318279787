"""Who may see and manage what: the `Scope` value, the one place that decides access.

A Scope is built from a user and the unit tree (`Scope.of(user)`: at most three small queries, the unit
subtree by one recursive CTE that stops on a cycle) and answers every question a view, a command or a
service asks: which units, schools and classes this person may see or manage, whether they may see
students' names, issue reports, reset passwords or change the organisation. It is a plain value: the web
side (quizapp/scope.py) builds one per request and keeps it on `flask.g`; the command line passes
`Scope.system()`. Services that write take `scope: Scope` as a required keyword, so a forgotten scope is a
TypeError, never a skipped check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, false, select, true

from ..extensions import db
from ..models import IssuedReport, Role, School, SchoolClass, TeacherAssignment, Unit, User
from .coverage import unit_subtree_ids


@dataclass(frozen=True)
class Scope:
    """What one person (or the command line) may see and manage; immutable for the request."""

    user: User | None = None
    role: Role | None = None
    everything: bool = False  # the command line on the server
    unit_ids: frozenset[int] = field(default_factory=frozenset)  # units managed (a unit admin's subtree)
    school_ids: frozenset[int] = field(default_factory=frozenset)  # schools seen and managed
    class_ids: frozenset[int] = field(default_factory=frozenset)  # a teacher's assigned classes
    names_beyond_school: bool = False  # an office explicitly allowed to see students' names

    # --- Building -------------------------------------------------------------------------------

    @classmethod
    def system(cls) -> Scope:
        """The command line: an operator on the server may act anywhere."""
        return cls(everything=True)

    @classmethod
    def none(cls) -> Scope:
        """An anonymous visitor: nothing beyond public pages."""
        return cls()

    @classmethod
    def of(cls, user: User | None) -> Scope:
        """The scope of a user: at most two queries (the unit subtree by a recursive CTE, its schools)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active_account:
            return cls.none()
        if user.role == Role.STUDENT:
            return cls(user=user, role=user.role)
        if user.role == Role.TEACHER:
            assigned = db.session.scalars(
                select(TeacherAssignment.class_id).where(TeacherAssignment.teacher_id == user.id)
            )
            return cls(user=user, role=user.role, class_ids=frozenset(assigned))
        if user.role == Role.SCHOOL_ADMIN:
            return cls(user=user, role=user.role, school_ids=frozenset({user.school_id}))
        if user.role == Role.UNIT_ADMIN and user.unit_id is not None:
            units = frozenset(unit_subtree_ids(user.unit_id))  # UNION in the CTE: a cycle cannot hang it
            schools = db.session.scalars(select(School.id).where(School.unit_id.in_(units)))
            unit = db.session.get(Unit, user.unit_id)
            return cls(
                user=user,
                role=user.role,
                unit_ids=units,
                school_ids=frozenset(schools),
                names_beyond_school=bool(unit and unit.may_see_student_names),
            )
        return cls(user=user, role=user.role)

    # --- Roles ------------------------------------------------------------------------------------

    @property
    def is_staff(self) -> bool:
        return self.everything or self.role in (Role.TEACHER, Role.SCHOOL_ADMIN, Role.UNIT_ADMIN)

    @property
    def is_school_admin(self) -> bool:
        return self.role == Role.SCHOOL_ADMIN

    @property
    def is_unit_admin(self) -> bool:
        return self.role == Role.UNIT_ADMIN

    @property
    def own_school_id(self) -> int | None:
        return self.user.school_id if self.user is not None and self.role == Role.SCHOOL_ADMIN else None

    @property
    def own_unit_id(self) -> int | None:
        return self.user.unit_id if self.user is not None and self.role == Role.UNIT_ADMIN else None

    # --- Questions ------------------------------------------------------------------------------

    def sees_school(self, school_id: int | None) -> bool:
        """Coverage of a school: its own admin, or an office above it."""
        return self.everything or (school_id is not None and school_id in self.school_ids)

    def manages_unit(self, unit_id: int | None) -> bool:
        """A unit admin manages their unit and every unit beneath it."""
        return self.everything or (unit_id is not None and unit_id in self.unit_ids)

    def manages_school(self, school_id: int | None) -> bool:
        """Organisation changes in a school: its admin, or an office above it."""
        return self.sees_school(school_id)

    def manages_class(self, school_class: SchoolClass) -> bool:
        """The teacher's pages of a class: its assigned teachers and its school's admin (offices read coverage)."""
        if self.everything:
            return True
        if self.role == Role.TEACHER:
            return school_class.id in self.class_ids
        return self.role == Role.SCHOOL_ADMIN and school_class.school_id in self.school_ids

    def may_see_names(self, school_id: int | None) -> bool:
        """Students' names stay at school level unless the office was explicitly allowed to see them."""
        if self.everything:
            return True
        if self.role == Role.TEACHER:
            return self.user is not None and school_id == self.user.school_id
        if self.role == Role.SCHOOL_ADMIN:
            return school_id in self.school_ids
        return self.names_beyond_school and self.sees_school(school_id)

    def may_reset_passwords(self, school_class: SchoolClass) -> bool:
        """New passwords for a class's students: whoever manages the class."""
        return self.manages_class(school_class)

    @property
    def may_issue_reports(self) -> bool:
        """A school's admin issues the school's reports; a unit's admin the unit's own."""
        return self.everything or self.role in (Role.SCHOOL_ADMIN, Role.UNIT_ADMIN)

    def may_issue_for(self, *, school: School | None = None, unit: Unit | None = None) -> bool:
        """A report is signed by a person, so not even the command line issues one."""
        if self.user is None:
            return False
        if school is not None:
            return self.role == Role.SCHOOL_ADMIN and school.id == self.own_school_id
        if unit is not None:
            return self.role == Role.UNIT_ADMIN and unit.id == self.own_unit_id
        return False

    def owns_report(self, report: IssuedReport) -> bool:
        if self.everything:
            return True
        if report.school_id is not None:
            return report.school_id == self.own_school_id
        return report.unit_id is not None and report.unit_id == self.own_unit_id

    @property
    def may_manage_org(self) -> bool:
        return self.everything or self.role in (Role.SCHOOL_ADMIN, Role.UNIT_ADMIN)

    def may_create_role(self, role: Role) -> bool:
        """A school admin creates teachers; an office creates school and unit admins."""
        if self.everything:
            return True
        if self.role == Role.SCHOOL_ADMIN:
            return role == Role.TEACHER
        return self.role == Role.UNIT_ADMIN

    # --- Query scopers --------------------------------------------------------------------------

    def classes(self) -> Select:
        """A select() of the classes this person manages (teacher: assigned; school admin: the school's)."""
        query = select(SchoolClass)
        if self.everything:
            return query.where(true())
        if self.role == Role.TEACHER:
            return query.where(SchoolClass.id.in_(sorted(self.class_ids)))
        if self.role == Role.SCHOOL_ADMIN:
            return query.where(SchoolClass.school_id.in_(sorted(self.school_ids)))
        return query.where(false())
