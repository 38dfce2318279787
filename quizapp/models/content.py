"""Content loaded from the Markdown files in /content by `flask content sync`.

Nothing here is ever deleted: a removed file makes its rows inactive, and a changed question gets
a new QuestionVersion, so every attempt can still be shown exactly as it was taken.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import one_of, trusted_html, utcnow


class Lesson(db.Model):
    """The head of a module: a lesson, usually followed by its quiz."""

    __tablename__ = "lesson"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=10)
    body_html: Mapped[str] = mapped_column(Text)
    body = trusted_html("body_html")
    sources: Mapped[list] = mapped_column(JSON, default=list)
    reviewed_on: Mapped[date | None]
    source_path: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    quiz: Mapped[Quiz | None] = relationship(back_populates="lesson", uselist=False)
    grades: Mapped[list[ProgrammeEntry]] = relationship(back_populates="lesson", cascade="all, delete-orphan")


class ProgrammeEntry(db.Model):
    """A module required for a grade: the programme is the list of these."""

    __tablename__ = "programme_entry"
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), primary_key=True)
    grade: Mapped[int] = mapped_column(primary_key=True)

    lesson: Mapped[Lesson] = relationship(back_populates="grades")


class Page(db.Model):
    """A reference page such as the glossary (Thuật ngữ), linked from lessons."""

    __tablename__ = "page"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text)
    body = trusted_html("body_html")
    source_path: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)


class Quiz(db.Model):
    __tablename__ = "quiz"
    __table_args__ = (
        CheckConstraint("pass_percent BETWEEN 1 AND 100", name="pass_percent_range"),
        CheckConstraint("draw >= 1", name="draw_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id"), unique=True)
    pass_percent: Mapped[int] = mapped_column(default=80)
    draw: Mapped[int]
    source_path: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lesson: Mapped[Lesson | None] = relationship(back_populates="quiz")
    questions: Mapped[list[Question]] = relationship(back_populates="quiz", order_by="Question.position")


class QuestionKind(enum.StrEnum):
    ONE = "one"  # exactly one correct choice
    MANY = "many"  # one or more correct choices, the student ticks all of them
    TRUE_FALSE = "true_false"
    ORDER = "order"  # put the steps of a procedure in order


class Question(db.Model):
    """A question's stable identity inside its quiz (the author's {#key}); its text lives in versions."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("quiz_id", "key", name="uq_question_quiz_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    latest_version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(back_populates="question", order_by="QuestionVersion.number")


class QuestionVersion(db.Model):
    """One immutable wording of a question, with its choices and explanation."""

    __tablename__ = "question_version"
    __table_args__ = (
        UniqueConstraint("question_id", "number", name="uq_question_version_number"),
        one_of("kind", QuestionKind, name="kind_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12))
    prompt_html: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    prompt = trusted_html("prompt_html")
    body = trusted_html("body_html")
    explanation = trusted_html("explanation_html")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")
    choices: Mapped[list[Choice]] = relationship(back_populates="version", order_by="Choice.position")


class Choice(db.Model):
    """A choice of a question version. For an ORDER question, position is the correct step number."""

    __tablename__ = "choice"
    __table_args__ = (UniqueConstraint("version_id", "position", name="uq_choice_position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    position: Mapped[int]
    text_html: Mapped[str] = mapped_column(Text)
    text = trusted_html("text_html")
    is_correct: Mapped[bool] = mapped_column(default=False)

    version: Mapped[QuestionVersion] = relationship(back_populates="choices")
