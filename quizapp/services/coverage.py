"""Coverage against the target, for a school or a managing unit, aggregated in SQL.

A student counts as *completed* once they hold a certificate (awarded when the programme was first
completed), *started* once they opened a lesson or a quiz. Only classes of the target grades count.
Both facts (and confirmed relatives) are kept on each enrolment row by database triggers, which also keep
their sums per class and the completions per (school, year, grade, day) (models/coverage_flags.py,
models/coverage_counts.py): a page reads one counter row per class of its own subtree, never the enrolments.
The number of queries does not depend on the number of schools, classes or students.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, cached_property

from sqlalchemy import Select, bindparam, exists, func, literal, or_, select, text
from sqlalchemy.orm import aliased

from .. import clock
from ..clock import vietnam_date
from ..extensions import db
from ..models import (
    Attempt,
    Certificate,
    ClassCoverageCount,
    Enrollment,
    FamilyOutreach,
    LessonProgress,
    OutreachStatus,
    Role,
    School,
    SchoolClass,
    SchoolCompletionDay,
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


class _AgainstTarget:
    """A total measured against its target: what is missing, and how far below it is (for ordering)."""

    total: Counts
    target: TargetView

    @property
    def gap(self) -> int:
        return self.total.gap(self.target.percent)

    @property
    def shortfall(self) -> float:
        """Percentage points below the target (0 when met): the order of "furthest from target"."""
        return max(0.0, self.target.percent - self.total.percent)


@dataclass
class SchoolCoverage(_AgainstTarget):
    school: School  # or a row of its id, code, name and unit_id (unit_coverage: all that is read)
    target: TargetView
    classes: list[ClassCoverage] = field(default_factory=list)
    staff: Counts = field(default_factory=Counts)

    @cached_property  # read many times per page (sorting, rows, sums); the classes are final by then
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
    def name(self) -> str:
        return self.school.name

    @property
    def meets_target(self) -> bool:
        return bool(self.total.enrolled) and self.gap == 0


class _RollUp(_AgainstTarget):
    """Sums over a list of schools (a unit's whole subtree, or one child unit's part of it)."""

    schools: list[SchoolCoverage]
    target: TargetView

    @cached_property  # read many times per page (sorting, rows, sums); the schools are final by then
    def total(self) -> Counts:
        total = Counts()
        for s in self.schools:
            total.add(s.total)
        return total

    @cached_property
    def staff(self) -> Counts:
        total = Counts()
        for s in self.schools:
            total.add(s.staff)
        return total

    @cached_property
    def schools_meeting_target(self) -> int:
        return sum(1 for s in self.schools if s.meets_target)


@dataclass
class UnitRow(_RollUp):
    """A direct child unit (a ward under the province): the schools anywhere beneath it, rolled up."""

    unit: Unit
    target: TargetView
    schools: list[SchoolCoverage]

    @property
    def name(self) -> str:
        return self.unit.name


@dataclass
class UnitCoverage(_RollUp):
    unit: Unit
    target: TargetView
    schools: list[SchoolCoverage]  # every school beneath the unit, at any depth
    children: list[UnitRow]  # the direct child units, by name
    path: list[Unit] = field(default_factory=list)  # the units above, the root first (for breadcrumbs)
    school_ids: Select | None = None  # the schools beneath, as a subquery (for completions_timeline)

    @property
    def direct_schools(self) -> list[SchoolCoverage]:
        """Schools attached to the unit itself; those deeper down are reached through `children`."""
        return [s for s in self.schools if s.school.unit_id == self.unit.id]


@cache  # built once: constructing the recursive statements cost more than running them (~5 ms a page)
def _tree_queries() -> tuple[Select, Select]:
    """The ids of a unit's subtree and of its ancestors, by recursive CTEs; UNION stops on a cycle."""
    down = select(Unit.id).where(Unit.id == bindparam("unit_id")).cte("subtree", recursive=True)
    child = aliased(Unit)
    down = down.union(select(child.id).where(child.parent_id == down.c.id))
    up = select(Unit.id, Unit.parent_id).where(Unit.id == bindparam("unit_id")).cte("ancestors", recursive=True)
    parent = aliased(Unit)
    up = up.union(select(parent.id, parent.parent_id).where(parent.id == up.c.parent_id))
    return select(down.c.id), select(up.c.id)


def unit_subtree_ids(unit_id: int) -> set[int]:
    """The unit and every unit beneath it, by a recursive query over unit.parent_id (see docs/architecture.md)."""
    return set(db.session.scalars(_tree_queries()[0], {"unit_id": unit_id}))


def _units_around(unit_id: int, with_subtree: bool) -> dict[int, Unit]:
    """The unit's ancestors (for targets set higher up) and, when asked, its whole subtree: two queries."""
    ids = set(db.session.scalars(_tree_queries()[1], {"unit_id": unit_id}))
    if with_subtree:
        ids |= unit_subtree_ids(unit_id)
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}


class _Tree:
    """The units a page needs (its subtree and ancestors, never the whole tree) and their targets for the year."""

    def __init__(self, year: SchoolYear, units: dict[int, Unit], school_ids: list[int] | Select):
        self.units = units
        owners = or_(Target.unit_id.in_(list(units)), Target.school_id.in_(school_ids))
        self.targets = {
            (t.school_id, t.unit_id): t
            for t in db.session.scalars(select(Target).where(Target.school_year_id == year.id, owners))
        }
        self._views: dict[int | None, TargetView] = {}
        self.children: dict[int | None, list[Unit]] = defaultdict(list)
        for unit in self.units.values():
            self.children[unit.parent_id].append(unit)

    def subtree(self, unit_id: int) -> set[int]:
        return self.subtree_of(self.units, unit_id)

    @staticmethod
    def subtree_of(units: dict[int, Unit], unit_id: int) -> set[int]:
        children: dict[int | None, list[int]] = defaultdict(list)
        for unit in units.values():
            children[unit.parent_id].append(unit.id)
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(children.get(current, []))
        return found

    def unit_target(self, unit_id: int | None) -> TargetView:
        if unit_id in self._views:  # asked once per school: 600 times for a province, for ~30 units
            return self._views[unit_id]
        view, current = TargetView(), unit_id
        while current is not None and current in self.units:
            target = self.targets.get((None, current))
            if target:
                view = _view(target, self.units[current].name)
                break
            current = self.units[current].parent_id
        self._views[unit_id] = view
        return view

    def school_target(self, school: School) -> TargetView:
        target = self.targets.get((school.id, None))
        return _view(target, school.name) if target else self.unit_target(school.unit_id)


def _view(target: Target, owner: str) -> TargetView:
    return TargetView(target.target_percent, tuple(target.grades), target.deadline, target.include_staff, owner)


def _has_started(user_id_column):
    """Opened a lesson or a quiz: two index probes per person (used for staff, a few per school)."""
    return or_(
        exists().where(LessonProgress.user_id == user_id_column),
        exists().where(Attempt.user_id == user_id_column),
    )


def _coverage(
    schools: list[School],
    year: SchoolYear,
    tree: _Tree,
    per_class: bool = True,
    staff_started: bool = False,
    school_ids: list[int] | Select | None = None,
) -> list[SchoolCoverage]:
    """Two queries whatever the number of schools: classes with their counters, then staff.

    One counter row per class (kept by triggers), so a province reads ~7,200 rows, not 300,000 enrolments;
    `per_class=False` then sums the classes per school and grade here, what the unit pages and reports show. Staff who started cost two probes per person: only a school's own export shows them."""
    result = {s.id: SchoolCoverage(s, tree.school_target(s)) for s in schools}
    if not result:
        return []
    grades = sorted({g for coverage in result.values() for g in coverage.target.grades})
    school_ids = list(result) if school_ids is None else school_ids
    rows = db.session.execute(
        select(
            SchoolClass.id,
            SchoolClass.school_id,
            SchoolClass.grade,
            SchoolClass.name,
            func.coalesce(ClassCoverageCount.enrolled, 0),
            func.coalesce(ClassCoverageCount.started, 0),
            func.coalesce(ClassCoverageCount.completed, 0),
            func.coalesce(ClassCoverageCount.families, 0),
        )
        .outerjoin(ClassCoverageCount, ClassCoverageCount.class_id == SchoolClass.id)  # a class nobody joined yet
        .where(
            SchoolClass.school_year_id == year.id,
            SchoolClass.school_id.in_(school_ids),
            SchoolClass.grade.in_(grades),  # the other grades never count: not even read
        )
    )
    per_grade: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for class_id, school_id, grade, name, enrolled, began, done, fams in rows:
        coverage = result[school_id]
        if grade not in coverage.target.grades:
            continue
        if per_class:
            coverage.classes.append(ClassCoverage(enrolled, began, done, int(fams), class_id, name, grade))
        else:
            sums = per_grade[school_id, grade]
            sums[0] += enrolled
            sums[1] += began
            sums[2] += done
            sums[3] += fams
    for (school_id, grade), (enrolled, began, done, fams) in per_grade.items():
        result[school_id].classes.append(ClassCoverage(enrolled, began, done, int(fams), grade=grade))
    started = func.count(User.id).filter(_has_started(User.id)) if staff_started else literal(0)
    staff_rows = db.session.execute(
        select(User.school_id, func.count(User.id), started, func.count(Certificate.id))
        .outerjoin(Certificate, Certificate.user_id == User.id)
        .where(
            User.role.in_([Role.TEACHER, Role.SCHOOL_ADMIN]),
            User.school_id.in_(school_ids),
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
    tree = _Tree(year, _units_around(school.unit_id, with_subtree=False), [school.id])
    return _coverage([school], year, tree, staff_started=True)[0]


def unit_coverage(unit: Unit, year: SchoolYear, per_class: bool = True) -> UnitCoverage:
    """Every school beneath the unit, furthest from its target first, and the direct child units rolled up.

    The pages and reports pass `per_class=False` (totals per school and grade); the exports list classes."""
    units = _units_around(unit.id, with_subtree=True)
    below = _Tree.subtree_of(units, unit.id)
    # Plain rows, not School objects: a province has 600 and every use reads only these four columns.
    schools = list(
        db.session.execute(
            select(School.id, School.code, School.name, School.unit_id)
            .where(School.unit_id.in_(below))
            .order_by(School.name)
        )
    )
    # The schools as a subquery on the ~30 units, not a list of 600 ids bound into every statement.
    in_subtree = select(School.id).where(School.unit_id.in_(below))
    tree = _Tree(year, units, in_subtree)
    coverages = _coverage(schools, year, tree, per_class, school_ids=in_subtree)
    coverages.sort(key=lambda s: (-s.shortfall, -s.gap, s.school.name))
    # Each school goes to the child unit it lies beneath: one walk up per school's unit, not a scan per child.
    child_of: dict[int, int] = {}
    for child in tree.children.get(unit.id, []):
        for unit_id in tree.subtree(child.id):
            child_of[unit_id] = child.id
    parts: dict[int, list[SchoolCoverage]] = defaultdict(list)
    for s in coverages:
        if s.school.unit_id in child_of:
            parts[child_of[s.school.unit_id]].append(s)
    children = [
        UnitRow(child, tree.unit_target(child.id), parts[child.id])
        for child in sorted(tree.children.get(unit.id, []), key=lambda u: u.name)
    ]
    path, parent = [], unit.parent_id
    while parent is not None and parent in units and len(path) < len(units):  # len: a cycle cannot hang it
        path.insert(0, units[parent])
        parent = units[parent].parent_id
    return UnitCoverage(unit, tree.unit_target(unit.id), coverages, children, path, in_subtree)


@dataclass
class Timeline:
    """Cumulative completions per day against the straight line needed to reach the target."""

    start: date
    deadline: date
    goal: int
    points: list[tuple[date, int]]

    @property
    def today_needed(self) -> int:
        return self.needed_on(min(clock.today(), self.deadline))

    def needed_on(self, day: date) -> int:
        span = (self.deadline - self.start).days or 1
        elapsed = min(max((day - self.start).days, 0), span)
        return round(self.goal * elapsed / span)


def completions_timeline(
    school_ids: list[int] | Select, year: SchoolYear, target: TargetView, enrolled: int
) -> Timeline:
    """One query: completions of students enrolled this year in target-grade classes, per day (Vietnam time).

    Reads the per (school, year, grade, day) counts the triggers keep (models/coverage_counts.py): ~70,000 rows
    for a province instead of sorting its 300,000 enrolments by completion day.
    """
    day, completed = SchoolCompletionDay.day, func.sum(SchoolCompletionDay.completed)
    rows = db.session.execute(
        select(day, completed)
        .where(
            SchoolCompletionDay.school_year_id == year.id,
            SchoolCompletionDay.school_id.in_(school_ids),
            SchoolCompletionDay.grade.in_(list(target.grades or DEFAULT_GRADES)),
        )
        .group_by(day)
        .having(completed != 0)  # a day whose completions were all withdrawn leaves a row at 0
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


@dataclass
class FlagDifference:
    enrollment_id: int
    student_id: int
    stored: tuple
    expected: tuple


def verify_flags(limit: int = 50) -> tuple[int, list[FlagDifference]]:
    """Recompute every enrolment's coverage facts from the raw rows; return (rows checked, differences)."""
    student = Enrollment.student_id
    started = _has_started(student)
    completed = select(Certificate.issued_at).where(Certificate.user_id == student).scalar_subquery()
    families = (
        select(func.count(FamilyOutreach.id))
        .where(FamilyOutreach.student_id == student, FamilyOutreach.status == OutreachStatus.CONFIRMED)
        .scalar_subquery()
    )
    expected = select(
        Enrollment.id,
        student,
        Enrollment.has_started,
        Enrollment.completed_at,
        Enrollment.families_confirmed,
        started.label("started"),
        completed.label("completed"),
        families.label("families"),
    ).subquery()
    differs = or_(
        expected.c.has_started != expected.c.started,
        expected.c.completed_at.is_distinct_from(expected.c.completed),
        expected.c.families_confirmed != expected.c.families,
    )
    checked = db.session.scalar(select(func.count(Enrollment.id))) or 0
    rows = db.session.execute(select(expected).where(differs).order_by(expected.c.id).limit(limit))
    return checked, [FlagDifference(r[0], r[1], tuple(r[2:5]), tuple(r[5:8])) for r in rows]


@dataclass
class CounterDifference:
    table: str  # class_coverage or school_completion_day
    key: tuple  # (class id,) or (school id, year id, grade, day)
    stored: tuple
    expected: tuple


def _counter_differences(table: str, key: list, stored: Select, expected: Select, width: int, limit: int):
    """Rows of `stored` and `expected` (key columns then `width` counts) whose sums per key differ."""
    both = stored.union_all(expected).subquery()
    columns = list(both.c)
    sums = [func.sum(c) for c in columns[len(key) :]]
    differs = or_(*(sums[i] != sums[i + width] for i in range(width)))
    rows = db.session.execute(
        select(*columns[: len(key)], *sums)
        .group_by(*columns[: len(key)])
        .having(differs)
        .order_by(*columns[: len(key)])
        .limit(limit)
    )
    n = len(key)
    return [CounterDifference(table, tuple(r[:n]), tuple(r[n : n + width]), tuple(r[n + width :])) for r in rows]


def verify_counters(limit: int = 50) -> list[CounterDifference]:
    """Recompute the class counters and the completions per day from the enrolment flags; return differences.

    With `verify_flags` (flags against the raw rows) this checks the counters against the raw rows too."""

    def zeros(n: int) -> list:  # distinct names: the union's columns are named after the first select's
        return [literal(0).label(f"zero_{i}") for i in range(n)]

    counts = ClassCoverageCount
    stored = select(counts.class_id, counts.enrolled, counts.started, counts.completed, counts.families, *zeros(4))
    expected = select(
        Enrollment.class_id,
        *zeros(4),
        func.count(Enrollment.id),
        func.count(Enrollment.id).filter(Enrollment.has_started),
        func.count(Enrollment.completed_at),
        func.sum(Enrollment.families_confirmed),
    ).group_by(Enrollment.class_id)
    differences = _counter_differences("class_coverage", [counts.class_id], stored, expected, 4, limit)
    days = SchoolCompletionDay
    day = vietnam_date(Enrollment.completed_at)
    stored = select(days.school_id, days.school_year_id, days.grade, days.day, days.completed, *zeros(1))
    expected = (
        select(
            SchoolClass.school_id,
            SchoolClass.school_year_id,
            SchoolClass.grade,
            day,
            *zeros(1),
            func.count(Enrollment.id),
        )
        .select_from(Enrollment)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(Enrollment.completed_at.is_not(None))
        .group_by(SchoolClass.school_id, SchoolClass.school_year_id, SchoolClass.grade, day)
    )
    keys = [days.school_id, days.school_year_id, days.grade, days.day]
    return differences + _counter_differences("school_completion_day", keys, stored, expected, 1, limit)


def repair_flags() -> None:
    """Recompute every enrolment's coverage facts, then rebuild the counters from them; flushes only."""
    from ..models.coverage_flags import REFRESH_ALL, rebuild_statements

    db.session.execute(text(REFRESH_ALL))
    for statement in rebuild_statements(db.session.get_bind().dialect.name):
        db.session.execute(text(statement))
