"""/thuc-hanh: the tasks a student has, one step per plain form POST, and the printable step card."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..forms import ConfirmForm
from ..models import PracticeTask
from ..services.certificates import award_if_complete
from ..services.progress import learner_grade
from . import service

bp = Blueprint("practice", __name__, url_prefix="/thuc-hanh", template_folder="templates")


def _task_or_404(key: str) -> PracticeTask:
    task = db.session.scalar(select(PracticeTask).where(PracticeTask.key == key, PracticeTask.active))
    grade = learner_grade(current_user)
    if task is None or (grade is not None and grade not in (task.grades or [])):
        abort(404)
    return task


@bp.route("/")
@login_required
def index():
    tasks = service.tasks_for(current_user, learner_grade(current_user))
    return render_template("practice/index.html", statuses=service.statuses_for(current_user, tasks))


@bp.route("/<key>", methods=["GET", "POST"])
@login_required
def run(key: str):
    task = _task_or_404(key)
    form = ConfirmForm()
    run = service.open_run(current_user, task)
    if request.method == "GET":
        last = run or service.last_run(current_user, task)
        if last is None:
            return render_template("practice/start.html", task=task, form=form)
        screen = service.current_screen(last, task)
        return render_template(
            "practice/run.html", task=task, run=last, screen=service.screen_markup(screen), form=form, result=None
        )
    if not form.validate_on_submit():
        abort(400)
    if run is None:  # finished (or never started) and a stale page posted a step
        run = service.last_run(current_user, task)
        if run is None:
            return redirect(url_for("practice.run", key=task.key))
    result = service.take_step(run, task, request.form.get("screen"), request.form.get("action"), request.form)
    if result.finished:
        award_if_complete(current_user)  # the one "completion -> certificate" path; issued ones stay
    db.session.commit()
    if result.ok:
        return redirect(url_for("practice.run", key=task.key))
    return render_template(
        "practice/run.html", task=task, run=run, screen=service.screen_markup(result.screen), form=form, result=result
    )


@bp.route("/<key>/bat-dau", methods=["POST"])
@login_required
def start(key: str):
    task = _task_or_404(key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run = service.open_run(current_user, task)
    if run is None or request.form.get("again"):
        service.start_run(current_user, task)
    db.session.commit()
    return redirect(url_for("practice.run", key=task.key))


@bp.route("/<key>/the-buoc")
@login_required
def card(key: str):
    """One A4 page for the relative, from the same file: the right way through, step by step."""
    task = _task_or_404(key)
    return render_template("practice/card.html", task=task)
