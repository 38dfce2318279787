"""Organisation: managing units, schools, school years, classes, enrolments, targets."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow

if TYPE_CHECKING:
    from .people import User


class Unit(db.Model):
    """A managing unit (Sở GDĐT, phường, former district office…): a tree of any depth."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # Whether this unit's admins may see individual students' names in its schools.
    may_see_student_names: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    schools: Mapped[list[School]] = relationship(back_populates="unit")


class School(db.Model):
    __tablename__ = "school"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="schools")
    classes: Mapped[list[SchoolClass]] = relationship(back_populates="school")


class SchoolYear(db.Model):
    """A school year such as 2026-2027 (September to May), shared by every school."""

    __tablename__ = "school_year"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(9), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]


class SchoolClass(db.Model):
    """A class of one school in one year (7A1); next year its students move to a new class row."""

    __tablename__ = "school_class"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year_id", "name", name="uq_school_class_name"),
        CheckConstraint("grade BETWEEN 1 AND 12", name="grade_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"), index=True)
    grade: Mapped[int]
    name: Mapped[str] = mapped_column(String(20))

    school: Mapped[School] = relationship(back_populates="classes")
    school_year: Mapped[SchoolYear] = relationship()
    enrollments: Mapped[list[Enrollment]] = relationship(back_populates="school_class")
    teachers: Mapped[list[User]] = relationship(secondary="teacher_assignment", viewonly=True)


class Enrollment(db.Model):
    """A student in a class for one year; at most one class per student per year."""

    __tablename__ = "enrollment"
    __table_args__ = (
        UniqueConstraint("student_id", "school_year_id", name="uq_enrollment_student_year"),
        # Covers a coverage page: per class, every count comes from this index alone.
        Index("ix_enrollment_coverage", "class_id", "has_started", "completed_at", "families_confirmed"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The student's coverage facts, kept by database triggers (models/coverage_flags.py); never set them here.
    has_started: Mapped[bool] = mapped_column(default=False, server_default=false())
    completed_at: Mapped[datetime | None]
    families_confirmed: Mapped[int] = mapped_column(default=0, server_default="0")

    student: Mapped[User] = relationship(back_populates="enrollments")
    school_class: Mapped[SchoolClass] = relationship(back_populates="enrollments")


class TeacherAssignment(db.Model):
    """A teacher (homeroom or IT) who follows a class."""

    __tablename__ = "teacher_assignment"
    teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), primary_key=True)


class Target(db.Model):
    """The plan's target for a unit or a school in one year: who must be reached, how many, by when."""

    __tablename__ = "target"
    __table_args__ = (
        CheckConstraint("(unit_id IS NULL) <> (school_id IS NULL)", name="unit_xor_school"),
        CheckConstraint("target_percent BETWEEN 1 AND 100", name="percent_range"),
        UniqueConstraint("school_year_id", "unit_id", "school_id", name="uq_target_scope"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    target_grades: Mapped[str] = mapped_column(String(20), default="7,8")
    target_percent: Mapped[int] = mapped_column(default=100)
    deadline: Mapped[date]
    include_staff: Mapped[bool] = mapped_column(default=True)

    @property
    def grades(self) -> list[int]:
        return [int(g) for g in self.target_grades.split(",") if g.strip()]
