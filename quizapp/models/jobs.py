"""Background jobs: one row per piece of long work (a big import, an export, a PDF), with its progress."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BackgroundJob(db.Model):
    """Written by the web (queued) and by the queue consumer (progress, result); read by the progress page."""

    __tablename__ = "background_job"
    __table_args__ = (Index("ix_background_job_status_created_at", "status", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON, for the handler
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")  # Vietnamese: what it is doing, or why it failed
    result_path: Mapped[str | None] = mapped_column(String(255))  # a file name under instance/jobs
    result_name: Mapped[str | None] = mapped_column(String(200))  # the name the download gets
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # the result file is deleted then

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else (100 if self.finished else 0)
