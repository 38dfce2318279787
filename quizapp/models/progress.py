"""What learners did: lessons read, quiz attempts with the exact versions drawn, family outreach."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import one_of, utcnow
from .content import Lesson, QuestionVersion, Quiz
from .people import User


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"))
    first_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]  # read to the end
    seconds_spent: Mapped[int] = mapped_column(default=0)

    lesson: Mapped[Lesson] = relationship()


class AttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Attempt(db.Model):
    """One try at a quiz. The pass mark is copied in, so later edits never change a past result."""

    __tablename__ = "attempt"
    __table_args__ = (
        one_of("status", AttemptStatus, name="status_known"),
        # At most one open attempt per learner and quiz, even under a double click.
        Index(
            "uq_attempt_one_open",
            "user_id",
            "quiz_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=AttemptStatus.IN_PROGRESS)
    pass_percent: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    question_count: Mapped[int]
    correct_count: Mapped[int | None]
    score_percent: Mapped[int | None]
    passed: Mapped[bool | None]

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == AttemptStatus.SUBMITTED


class AttemptQuestion(db.Model):
    """A question as drawn for one attempt: the version, the order its choices were shown, the answer.

    `choice_order` lists choice ids in display order. `response` holds display indexes: the ticked
    ones for choice questions, or for an ORDER question the step number given to each shown step.
    """

    __tablename__ = "attempt_question"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_attempt_question_position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    position: Mapped[int]
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    choice_order: Mapped[list] = mapped_column(JSON)
    response: Mapped[list | None] = mapped_column(JSON)
    is_correct: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    version: Mapped[QuestionVersion] = relationship()


class OutreachStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class FamilyOutreach(db.Model):
    """A relative a student guided through a service. No personal identifiers of the relative."""

    __tablename__ = "family_outreach"
    __table_args__ = (
        one_of("status", OutreachStatus, name="status_known"),
        # Two quick submits of the same entry (double click, two tabs) store it once, even under concurrency.
        # (A unique index, not a constraint: SQLite adds it without rebuilding the table.)
        Index("uq_family_outreach_entry", "student_id", "relation", "service", "helped_on", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    relation: Mapped[str] = mapped_column(String(40))
    service: Mapped[str] = mapped_column(String(120))
    helped_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=OutreachStatus.PENDING)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(db.Model):
    """Awarded once, when a learner first completes the programme; it is also the completion record.

    Name, school and year are copied in, so the public verification page shows what was awarded.
    """

    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    school_name: Mapped[str] = mapped_column(String(200))
    year_name: Mapped[str] = mapped_column(String(9))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship()
