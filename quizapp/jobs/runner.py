"""Queue a job, run it in the consumer, record its progress and result; clean up what has expired."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_login import current_user
from sqlalchemy import select, update

from ..extensions import db
from ..models import BackgroundJob, JobStatus
from ..models._base import utcnow
from .files import delete_older_than, private_dir

log = logging.getLogger(__name__)

FAILED_MESSAGE = (
    "Có lỗi hệ thống khi xử lý nên chưa có gì được ghi. Hãy thử lại sau ít phút; "
    "nếu vẫn lỗi, hãy báo người quản trị hệ thống."
)
ORPHAN_SECONDS = 7 * 24 * 3600  # a result file no job row points to any more
STALE_AFTER = timedelta(hours=3)  # no job runs this long: its consumer was stopped or killed mid-way
STALE_MESSAGE = (
    "Công việc bị gián đoạn (máy chủ đã khởi động lại giữa chừng) nên chưa có gì được ghi. Hãy làm lại."
)


class JobFailed(Exception):
    """A reason the user can act on, in Vietnamese; the job ends as failed and nothing is kept."""


@dataclass(frozen=True)
class JobKind:
    kind: str
    title: str  # Vietnamese, shown on the progress page
    handler: Callable[..., None]
    done_endpoint: str | None  # where the progress page sends the owner when done; None: a download link
    keep: timedelta  # how long the result file stays
    back: Callable[[dict], tuple[str, str]] | None = None  # params -> (link text, URL) shown on the page


KINDS: dict[str, JobKind] = {}


def job_kind(
    kind: str,
    title: str,
    done_endpoint: str | None = None,
    keep: timedelta = timedelta(hours=24),
    back: Callable[[dict], tuple[str, str]] | None = None,
):
    """Register a handler `fn(job: JobContext, **params)`; done_endpoint gets `job_id=` in url_for."""

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        KINDS[kind] = JobKind(kind, title, handler, done_endpoint, keep, back)
        return handler

    return register


def results_dir() -> Path:
    return private_dir(Path(current_app.instance_path) / "jobs")


def enqueue(kind: str, owner_id: int | None = None, **params) -> int:
    """Record a job (queued) and put it on the queue; the job id, for the progress page.

    params must be JSON (ids and strings, not objects): the consumer reads them back from the row.
    Commits the session: the consumer must see the row.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = BackgroundJob(
        kind=kind,
        owner_id=owner_id if owner_id is not None else current_user.id,
        params=json.dumps(params),
        message="Đang chờ đến lượt…",
    )
    db.session.add(job)
    db.session.flush()
    job_id = job.id  # read before the commit: reading it after would open a new transaction
    db.session.commit()
    current_app.extensions["job_queue"].run_job(job_id)
    return job_id


class JobContext:
    """What a handler gets: its job id and owner, progress reporting, a result file, the end message."""

    def __init__(self, job_id: int, owner_id: int, kind: JobKind | None):
        self.id = job_id
        self.owner_id = owner_id
        self.kind = kind
        self.message = "Đã xong."
        self.download_name: str | None = None
        self._result: Path | None = None

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Saved at once on its own connection, so the page sees it while the handler's work is uncommitted.

        Call it outside a write transaction of your own: on SQLite it waits for the write lock.
        """
        values: dict[str, object] = {"done": done}
        if total is not None:
            values["total"] = total
        if message is not None:
            values["message"] = message
        with db.engine.begin() as connection:
            connection.execute(update(BackgroundJob).where(BackgroundJob.id == self.id).values(**values))

    def result_file(self, suffix: str) -> Path:
        """A new path for the result (write it with files.write_private or open(..., "xb"))."""
        self._result = results_dir() / f"{self.id}-{secrets.token_hex(8)}{suffix}"
        return self._result

    def done(self, message: str, download_name: str | None = None) -> None:
        self.message = message
        self.download_name = download_name

    def discard(self) -> None:
        if self._result is not None:
            self._result.unlink(missing_ok=True)


def run_job(job_id: int) -> None:
    """Run one queued job to its end; the handler's writes and "done" are committed together."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        db.session.rollback()
        return  # delivered twice, or deleted: nothing to do
    kind = KINDS.get(job.kind)
    params = json.loads(job.params)
    context = JobContext(job_id, job.owner_id, kind)
    job.status, job.started_at, job.message = JobStatus.RUNNING, utcnow(), "Đang xử lý…"
    # Touch no loaded object after this commit: it would open a transaction (on SQLite, the write lock)
    # that the handler's progress() calls, on their own connection, would then wait for.
    db.session.commit()
    if kind is None:
        return _finish(job_id, JobStatus.FAILED, FAILED_MESSAGE)
    try:
        kind.handler(context, **params)
        job = db.session.get(BackgroundJob, job_id)
        _set_finished(job, JobStatus.DONE, context.message)
        if context._result is not None and context._result.exists():
            job.result_path = context._result.name
            job.result_name = context.download_name
            job.expires_at = utcnow() + kind.keep
        db.session.commit()
    except JobFailed as failure:
        db.session.rollback()
        context.discard()
        _finish(job_id, JobStatus.FAILED, str(failure))
    except Exception:
        db.session.rollback()
        context.discard()
        log.exception("background job %s (%s) failed", job_id, kind.kind)
        _finish(job_id, JobStatus.FAILED, FAILED_MESSAGE)


def _set_finished(job: BackgroundJob, status: str, message: str) -> None:
    job.status, job.message, job.finished_at = status, message, utcnow()
    if status == JobStatus.DONE and job.total:
        job.done = job.total


def _finish(job_id: int, status: str, message: str) -> None:
    job = db.session.get(BackgroundJob, job_id)
    _set_finished(job, status, message)
    db.session.commit()


def result_path(job: BackgroundJob) -> Path | None:
    """The job's result file while it is still there."""
    if not job.result_path or (job.expires_at and job.expires_at < utcnow()):
        return None
    path = results_dir() / Path(job.result_path).name
    return path if path.is_file() else None


def forget_result(job: BackgroundJob) -> None:
    """Delete a result file that may be read only once (login slips with passwords); caller commits."""
    path = result_path(job)
    if path is not None:
        path.unlink(missing_ok=True)
    job.result_path = None


def cleanup() -> int:
    """Delete expired result files and uploads left unconfirmed, end jobs left running by a dead consumer.

    Runs every 10 minutes in the consumer and at each class-list upload.
    """
    from ..services import roster_store

    deleted = roster_store.delete_expired()
    now = utcnow()
    expired = db.session.scalars(
        select(BackgroundJob).where(BackgroundJob.result_path.is_not(None), BackgroundJob.expires_at < now)
    ).all()
    for job in expired:
        (results_dir() / Path(job.result_path).name).unlink(missing_ok=True)
        job.result_path = None
        deleted += 1
    # A job whose consumer died never committed its work (one transaction): say so instead of "running".
    stale = db.session.scalars(
        select(BackgroundJob).where(
            BackgroundJob.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
            BackgroundJob.created_at < now - STALE_AFTER,
        )
    ).all()
    for job in stale:
        _set_finished(job, JobStatus.FAILED, STALE_MESSAGE)
    db.session.commit()
    return deleted + delete_older_than(results_dir(), ORPHAN_SECONDS)
