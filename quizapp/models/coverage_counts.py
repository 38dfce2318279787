"""Coverage counters summed from the enrolment flags, kept by triggers (models/coverage_flags.py); never write them.

A province page used to aggregate 300,000 enrolments twice per view; it now reads one row per class and one
row per (school, year, grade, day) with a completion. `flask coverage verify` recomputes both from enrollment.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ClassCoverageCount(db.Model):
    """A class's enrolled / started / completed students and confirmed relatives (its enrolments' flags summed)."""

    __tablename__ = "class_coverage"
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True)
    enrolled: Mapped[int] = mapped_column(default=0, server_default="0")
    started: Mapped[int] = mapped_column(default=0, server_default="0")
    completed: Mapped[int] = mapped_column(default=0, server_default="0")
    families: Mapped[int] = mapped_column(default=0, server_default="0")


class SchoolCompletionDay(db.Model):
    """Students of a school's classes of one year and grade who completed on a given day (Vietnam time).

    No foreign keys: a derived row may outlive its school's last completion (count 0) without blocking a delete."""

    __tablename__ = "school_completion_day"
    school_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    school_year_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    grade: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(primary_key=True)
    completed: Mapped[int] = mapped_column(default=0, server_default="0")
