"""The jobs of this app. Every module that registers a job kind is imported here, so the consumer knows it."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import url_for

from ..extensions import db
from ..models import AuditAction, SchoolClass, User
from ..services import audit, roster_store
from ..services.rosters import apply_import, new_credentials, plan_import
from ..services.scope import Scope
from .files import write_private
from .runner import JobContext, JobFailed, job_kind

PROGRESS_EVERY = 10  # accounts between two progress saves (one scrypt hash is about 0.17 s)


def import_message(counts: dict[str, int]) -> str:
    return (
        f"Đã nhập danh sách: {counts.get('create', 0)} học sinh mới, "
        f"{counts.get('update', 0)} cập nhật, {counts.get('unchanged', 0)} giữ nguyên."
    )


# Passwords wait in the result file until the teacher opens the slips once (then it is deleted), an hour at most.
def _back_to_class(params: dict) -> tuple[str, str]:
    school_class = db.session.get(SchoolClass, params["class_id"])
    name = school_class.name if school_class else ""
    return f"Về lớp {name}", url_for("teach.dashboard", class_id=params["class_id"])


@job_kind(
    "roster_import",
    "Nhập danh sách lớp",
    done_endpoint="teach.import_done",
    keep=timedelta(hours=1),
    back=_back_to_class,
)
def roster_import(job: JobContext, class_id: int, token: str) -> None:
    """Import a previewed class list, all or nothing: hash the new passwords first, then one short write."""
    try:
        roster = roster_store.load(token, job.owner_id, class_id)
        if roster is None:
            raise JobFailed("Danh sách đã tải lên không còn (quá một giờ hoặc đã dùng). Hãy tải tệp lên lại.")
        plan = _plan(job, class_id, roster)
        creating = plan.counts["create"]
        db.session.rollback()  # end the read: hashing takes minutes and must not hold the database
        job.progress(0, total=creating, message=f"Đang tạo tài khoản cho {creating} học sinh mới…")
        credentials = new_credentials(
            creating, progress=lambda done: done % PROGRESS_EVERY == 0 and job.progress(done)
        )
        job.progress(creating, message="Đang ghi danh sách vào hệ thống…")
        # Plan again inside the write: the school's data may have changed since the preview.
        plan = _plan(job, class_id, roster)
        if not plan.ok:
            shown = "; ".join(p.message for p in plan.problems[:5])
            raise JobFailed(
                f"Chưa có gì được ghi: dữ liệu của trường đã thay đổi sau khi xem trước ({shown}). "
                "Hãy tải tệp lên lại để xem trước lần nữa."
            )
        accounts = apply_import(plan, credentials)
        audit.record(
            db.session.get(User, job.owner_id), AuditAction.ROSTER_IMPORT, school_id=plan.school.id, created=len(accounts), students=len(plan.items)
        )
        if accounts:
            slips = [[a.user.id, a.password] for a in accounts]
            write_private(job.result_file(".json"), json.dumps(slips).encode())
        job.done(import_message(plan.counts))
    finally:
        roster_store.delete(token)  # the import has ended, one way or another: the list is not kept


def _plan(job: JobContext, class_id: int, roster):
    school_class = db.session.get(SchoolClass, class_id)
    owner = db.session.get(User, job.owner_id)
    if school_class is None or owner is None or not Scope.of(owner).manages_class(school_class):
        raise JobFailed("Tài khoản này không còn quyền nhập danh sách vào lớp này. Chưa có gì được ghi.")
    return plan_import(roster, school_class.school, school_class.school_year, school_class)
