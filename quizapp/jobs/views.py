"""The progress page of a background job, and the download of its result: for the person who started it.

A blueprint of its own (not a teacher page) because every staff role starts jobs: teachers import
class lists, school and office staff will export and print reports through the same page.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_login import login_required

from ..models import JobStatus
from ..scope import job_or_404
from .runner import KINDS, result_path

REFRESH_SECONDS = 2

bp = Blueprint("jobs", __name__, url_prefix="/cong-viec", template_folder="templates")


@bp.route("/<int:job_id>")
@login_required
def progress(job_id: int):
    job = job_or_404(job_id)
    kind = KINDS.get(job.kind)
    if job.status == JobStatus.DONE and kind is not None and kind.done_endpoint:
        return redirect(url_for(kind.done_endpoint, job_id=job.id))
    response = render_template(
        "jobs/progress.html",
        job=job,
        title=kind.title if kind else "Công việc",
        refresh=None if job.finished else REFRESH_SECONDS,
        download=job.status == JobStatus.DONE and result_path(job) is not None,
        back=kind.back(json.loads(job.params)) if kind and kind.back else None,
    )
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/<int:job_id>/tai-ve")
@login_required
def download(job_id: int):
    job = job_or_404(job_id)
    path = result_path(job) if job.status == JobStatus.DONE else None
    if path is None:
        abort(404)
    response = send_file(path, as_attachment=True, download_name=job.result_name or path.name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
