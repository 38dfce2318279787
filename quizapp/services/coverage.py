"""Coverage against the target, for a school or a managing unit, aggregated in SQL.

A student counts as *completed* once they hold a certificate (awarded when the programme was first
completed), *started* once they opened a lesson or a quiz. Only classes of the target grades count.
The number of queries does not depend on the number of schools, classes or students.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, union

from ..extensions import db
from ..models import (
    Attempt,
    Certificate,
    Enrollment,
    FamilyOutreach,
    LessonProgress,
    OutreachStatus,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    Target,
    Unit,
    User,
)
from .targets import DEFAULT_GRADES, TargetView


@dataclass
class Counts:
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    families: int = 0

    def add(self, other: Counts) -> None:
        self.enrolled += other.enrolled
        self.started += other.started
        self.completed += other.completed
        self.families += other.families

    @property
    def percent(self) -> float:
        return round(self.completed * 100 / self.enrolled, 1) if self.enrolled else 0.0

    def needed(self, target_percent: int) -> int:
        """Students who must have completed to meet the target (rounded up)."""
        return -(-self.enrolled * target_percent // 100)

    def gap(self, target_percent: int) -> int:
        return max(0, self.needed(target_percent) - self.completed)


@dataclass
class ClassCoverage(Counts):
    class_id: int = 0
    name: str = ""
    grade: int = 0


@dataclass
class SchoolCoverage:
    school: School
    target: TargetView
    classes: list[ClassCoverage] = field(default_factory=list)
    staff: Counts = field(default_factory=Counts)

    @property
    def total(self) -> Counts:
        total = Counts()
        for c in self.classes:
            total.add(c)
        return total

    @property
    def by_grade(self) -> dict[int, Counts]:
        grades: dict[int, Counts] = {}
        for c in self.classes:
            grades.setdefault(c.grade, Counts()).add(c)
        return dict(sorted(grades.items()))

    @property
    def gap(self) -> int:
        return self.total.gap(self.target.percent)

    @property
    def shortfall(self) -> float:
        """Percentage points below the target (0 when met): the order of "furthest from target"."""
        return max(0.0, self.target.percent - self.total.percent)


@dataclass
class UnitCoverage:
    unit: Unit
    target: TargetView
    schools: list[SchoolCoverage]
    children: list[tuple[Unit, Counts, int]]  # direct child units: totals and number of schools

    @property
    def total(self) -> Counts:
        total = Counts()
        for s in self.schools:
            total.add(s.total)
        return total

    @property
    def staff(self) -> Counts:
        total = Counts()
        for s in self.schools:
            total.add(s.staff)
        return total

    @property
    def schools_meeting_target(self) -> int:
        return sum(1 for s in self.schools if s.total.enrolled and s.gap == 0)


class _Tree:
    """All units and the year's targets, loaded once: targets resolve up the tree in Python."""

    def __init__(self, year: SchoolYear):
        self.units = {u.id: u for u in db.session.scalars(select(Unit))}
        self.targets = {
            (t.school_id, t.unit_id): t
            for t in db.session.scalars(select(Target).where(Target.school_year_id == year.id))
        }
        self.children: dict[int | None, list[Unit]] = defaultdict(list)
        for unit in self.units.values():
            self.children[unit.parent_id].append(unit)

    def subtree(self, unit_id: int) -> set[int]:
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(u.id for u in self.children.get(current, []))
        return found

    def unit_target(self, unit_id: int | None) -> TargetView:
        while unit_id is not None and unit_id in self.units:
            target = self.targets.get((None, unit_id))
            if target:
                return _view(target, self.units[unit_id].name)
            unit_id = self.units[unit_id].parent_id
        return TargetView()

    def school_target(self, school: School) -> TargetView:
        target = self.targets.get((school.id, None))
        return _view(target, school.name) if target else self.unit_target(school.unit_id)


def _view(target: Target, owner: str) -> TargetView:
    return TargetView(target.target_percent, tuple(target.grades), target.deadline, target.include_staff, owner)


def _started_users():
    """Everyone who opened a lesson or a quiz (UNION removes duplicates)."""
    return union(select(LessonProgress.user_id.label("user_id")), select(Attempt.user_id.label("user_id"))).subquery()


def _coverage(schools: list[School], year: SchoolYear, tree: _Tree) -> list[SchoolCoverage]:
    result = {s.id: SchoolCoverage(s, tree.school_target(s)) for s in schools}
    if not result:
        return []
    started = _started_users()
    families = (
        select(FamilyOutreach.student_id, func.count(FamilyOutreach.id).label("n"))
        .where(FamilyOutreach.status == OutreachStatus.CONFIRMED)
        .group_by(FamilyOutreach.student_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            SchoolClass.id,
            SchoolClass.school_id,
            SchoolClass.grade,
            SchoolClass.name,
            func.count(Enrollment.id),
            func.count(started.c.user_id),
            func.count(Certificate.id),
            func.coalesce(func.sum(families.c.n), 0),
        )
        .select_from(SchoolClass)
        .outerjoin(Enrollment, Enrollment.class_id == SchoolClass.id)
        .outerjoin(started, started.c.user_id == Enrollment.student_id)
        .outerjoin(Certificate, Certificate.user_id == Enrollment.student_id)
        .outerjoin(families, families.c.student_id == Enrollment.student_id)
        .where(SchoolClass.school_year_id == year.id, SchoolClass.school_id.in_(list(result)))
        .group_by(SchoolClass.id, SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)
    )
    for class_id, school_id, grade, name, enrolled, began, done, fams in rows:
        coverage = result[school_id]
        if grade in coverage.target.grades:
            coverage.classes.append(ClassCoverage(enrolled, began, done, int(fams), class_id, name, grade))
    staff_rows = db.session.execute(
        select(User.school_id, func.count(User.id), func.count(started.c.user_id), func.count(Certificate.id))
        .outerjoin(started, started.c.user_id == User.id)
        .outerjoin(Certificate, Certificate.user_id == User.id)
        .where(
            User.school_id.in_(list(result)),
            User.role.in_([Role.TEACHER, Role.SCHOOL_ADMIN]),
            User.is_active_account,
        )
        .group_by(User.school_id)
    )
    for school_id, count, began, done in staff_rows:
        result[school_id].staff = Counts(count, began, done)
    for coverage in result.values():
        coverage.classes.sort(key=lambda c: (c.grade, c.name))
    return list(result.values())


def school_coverage(school: School, year: SchoolYear) -> SchoolCoverage:
    return _coverage([school], year, _Tree(year))[0]


def unit_coverage(unit: Unit, year: SchoolYear) -> UnitCoverage:
    """Every school beneath the unit, furthest from its target first, and the direct child units."""
    tree = _Tree(year)
    subtree = tree.subtree(unit.id)
    schools = list(db.session.scalars(select(School).where(School.unit_id.in_(subtree)).order_by(School.name)))
    coverages = _coverage(schools, year, tree)
    coverages.sort(key=lambda s: (-s.shortfall, -s.gap, s.school.name))
    children = []
    for child in sorted(tree.children.get(unit.id, []), key=lambda u: u.name):
        below = tree.subtree(child.id)
        counts, n = Counts(), 0
        for s in coverages:
            if s.school.unit_id in below:
                counts.add(s.total)
                n += 1
        children.append((child, counts, n))
    return UnitCoverage(unit, tree.unit_target(unit.id), coverages, children)


@dataclass
class Timeline:
    """Cumulative completions per day against the straight line needed to reach the target."""

    start: date
    deadline: date
    goal: int
    points: list[tuple[date, int]]

    @property
    def today_needed(self) -> int:
        return self.needed_on(min(date.today(), self.deadline))

    def needed_on(self, day: date) -> int:
        span = (self.deadline - self.start).days or 1
        elapsed = min(max((day - self.start).days, 0), span)
        return round(self.goal * elapsed / span)


def completions_timeline(school_ids: list[int], year: SchoolYear, target: TargetView, enrolled: int) -> Timeline:
    """One query: certificates of students enrolled this year in target-grade classes, per day."""
    day = func.date(Certificate.issued_at)
    rows = db.session.execute(
        select(day, func.count(Certificate.id))
        .join(Enrollment, Enrollment.student_id == Certificate.user_id)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(
            SchoolClass.school_year_id == year.id,
            SchoolClass.school_id.in_(school_ids),
            SchoolClass.grade.in_(list(target.grades or DEFAULT_GRADES)),
        )
        .group_by(day)
        .order_by(day)
    ).all()
    points, total = [], 0
    for when, count in rows:
        when = when if isinstance(when, date) else datetime.strptime(str(when), "%Y-%m-%d").date()
        total += count
        points.append((when, total))
    deadline = target.deadline or year.ends_on
    start = min([year.starts_on] + [p[0] for p in points])
    if deadline <= start:
        deadline = start + timedelta(days=1)
    return Timeline(start, deadline, -(-enrolled * target.percent // 100), points)
