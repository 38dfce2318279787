"""The target that applies to a school: its own for the year, else the nearest managing unit's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import School, SchoolYear, Target, Unit

DEFAULT_PERCENT = 100
DEFAULT_GRADES = (7, 8)


@dataclass(frozen=True)
class TargetView:
    percent: int = DEFAULT_PERCENT
    grades: tuple[int, ...] = DEFAULT_GRADES
    deadline: date | None = None
    include_staff: bool = True
    set_by: str = ""  # the school or unit that set it, for display


def effective_target(school: School, year: SchoolYear) -> TargetView:
    """Walk up from the school to the root unit and take the first target set for the year."""
    targets = {
        (t.school_id, t.unit_id): t for t in db.session.scalars(select(Target).where(Target.school_year_id == year.id))
    }
    found = targets.get((school.id, None))
    if found:
        return _view(found, school.name)
    units = {u.id: u for u in db.session.scalars(select(Unit))} if targets else {}
    unit_id: int | None = school.unit_id
    while unit_id is not None and unit_id in units:
        found = targets.get((None, unit_id))
        if found:
            return _view(found, units[unit_id].name)
        unit_id = units[unit_id].parent_id
    return TargetView()


def _view(target: Target, owner: str) -> TargetView:
    return TargetView(target.target_percent, tuple(target.grades), target.deadline, target.include_staff, owner)
