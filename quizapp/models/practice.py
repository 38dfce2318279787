"""Practice tasks: simulated portal screens loaded from content/practice, and each student's runs.

A run stores where the student is, which screens they reached and their wrong actions (by the action's
label, never what was typed: fields are compared with the task card and only the match is kept).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import trusted_html, utcnow
from .content import Lesson


class PracticeTask(db.Model):
    __tablename__ = "practice_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id"), index=True)
    required: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[int] = mapped_column(default=10)
    grades: Mapped[list] = mapped_column(JSON, default=list)
    app: Mapped[str] = mapped_column(String(20))
    intro_html: Mapped[str] = mapped_column(Text, default="")  # the task card: situation + family data
    relative_html: Mapped[str] = mapped_column(Text, default="")  # the `::: nguoi-than` box for the step card
    intro = trusted_html("intro_html")
    relative = trusted_html("relative_html")
    card: Mapped[list] = mapped_column(JSON, default=list)  # [{key, label, value}] fictional data
    screens: Mapped[dict] = mapped_column(JSON, default=dict)  # step id -> rendered screen (see practice.parse)
    start: Mapped[str] = mapped_column(String(80))
    path: Mapped[list] = mapped_column(JSON, default=list)  # the right way through, for the step card
    sources: Mapped[list] = mapped_column(JSON, default=list)
    reviewed_on: Mapped[date | None]
    source_path: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)

    lesson: Mapped[Lesson | None] = relationship()


class PracticeRun(db.Model):
    __tablename__ = "practice_run"
    __table_args__ = (Index("ix_practice_run_task_user", "task_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("practice_task.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))  # the task version the run started on
    current: Mapped[str] = mapped_column(String(80))
    reached: Mapped[list] = mapped_column(JSON, default=list)  # step ids, in the order first reached
    steps: Mapped[int] = mapped_column(default=0)  # actions taken, right or wrong
    mistakes: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    task: Mapped[PracticeTask] = relationship()


class PracticeMistake(db.Model):
    """One wrong action at one screen of a run: what the teacher's funnel counts."""

    __tablename__ = "practice_mistake"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("practice_run.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("practice_task.id"), index=True)
    step: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
