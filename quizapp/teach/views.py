"""Teachers: their classes, the completion dashboard, student pages, imports, login slips, exports."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..database import writes_on_get
from ..downloads import send_download
from ..extensions import db
from ..forms import ConfirmForm
from ..jobs.runner import cleanup as cleanup_jobs
from ..jobs.runner import enqueue, forget_result
from ..jobs.runner import result_path as job_result_path
from ..models import Attempt, AttemptStatus, AuditAction, JobStatus, SchoolClass, User
from ..scope import attempt_or_404, class_or_404, current_scope, job_or_404, staff_required, student_or_404
from ..services import attempts as attempt_service
from ..services import audit, roster_store
from ..services import outreach as outreach_service
from ..services.class_progress import STATUS_LABELS, class_report, question_stats
from ..services.exports import write_csv, write_xlsx
from ..services.rosters import plan_import, read_roster
from ..services.slips import make_slips
from ..services.teacher_exports import class_results_table, lessons_table
from .forms import RosterConfirmForm, RosterUploadForm

HARDEST_SHOWN = 15  # the question-statistics page opens on the hardest questions of all quizzes

bp = Blueprint("teach", __name__, url_prefix="/giao-vien", template_folder="templates")


@bp.before_request
@login_required
@staff_required
def require_staff():
    """Every page here is for staff; students get 403, visitors the login page."""


@bp.route("/")
def classes():
    my_classes = db.session.scalars(
        current_scope().classes()
        .options(selectinload(SchoolClass.school_year))
        .order_by(SchoolClass.grade, SchoolClass.name)
    ).all()
    return render_template("teach/classes.html", classes=my_classes)


@bp.route("/lop/<int:class_id>")
def dashboard(class_id: int):
    school_class = class_or_404(class_id)
    report = class_report(school_class)
    status = request.args.get("trang-thai", "")
    rows = [r for r in report.rows if r.status == status] if status in STATUS_LABELS else report.rows
    if status == "can-giup":
        rows = [r for r in report.rows if r.stuck]
    return render_template(
        "teach/dashboard.html",
        report=report,
        rows=rows,
        status=status,
        labels=STATUS_LABELS,
        form=ConfirmForm(),
        outreach_pending=outreach_service.pending_count(school_class),
    )


@bp.route("/lop/<int:class_id>/thong-ke")
def stats(class_id: int):
    school_class = class_or_404(class_id)
    stats = question_stats(school_class)
    quizzes = dict(sorted({(s.quiz_key, s.quiz_title) for s in stats}, key=lambda q: q[1]))
    chosen = request.args.get("bai", "")
    if chosen in quizzes:
        shown = [s for s in stats if s.quiz_key == chosen]
    else:
        chosen, shown = "", stats[:HARDEST_SHOWN]
    return render_template("teach/stats.html", school_class=school_class, stats=shown, quizzes=quizzes, chosen=chosen)


@bp.route("/lop/<int:class_id>/hoc-sinh/<int:student_id>")
def student(class_id: int, student_id: int):
    school_class = class_or_404(class_id)
    student = student_or_404(school_class, student_id)
    report = class_report(school_class)
    row = next(r for r in report.rows if r.student.id == student.id)
    history = db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == student.id)
        .options(selectinload(Attempt.quiz))
        .order_by(Attempt.started_at.desc())
    ).all()
    return render_template(
        "teach/student.html",
        school_class=school_class,
        student=student,
        row=row,
        lessons=report.lessons,
        history=history,
        form=ConfirmForm(),
    )


@bp.route("/lop/<int:class_id>/hoc-sinh/<int:student_id>/bai-lam/<int:attempt_id>")
def attempt(class_id: int, student_id: int, attempt_id: int):
    school_class = class_or_404(class_id)
    student = student_or_404(school_class, student_id)
    attempt = attempt_or_404(student, attempt_id)
    if attempt.status != AttemptStatus.SUBMITTED:
        abort(404)
    questions = attempt_service.shown_questions(attempt)
    return render_template(
        "teach/attempt.html", school_class=school_class, student=student, attempt=attempt, questions=questions
    )


# --- Family outreach --------------------------------------------------------------------------


@bp.route("/lop/<int:class_id>/nguoi-than")
def outreach(class_id: int):
    """Relatives the class's students say they guided, pending first, to confirm or refuse."""
    school_class = class_or_404(class_id)
    return render_template(
        "teach/outreach.html",
        school_class=school_class,
        entries=outreach_service.class_entries(school_class),
    )


@bp.route("/lop/<int:class_id>/nguoi-than/<int:entry_id>/xac-nhan", methods=["POST"])
def confirm_outreach(class_id: int, entry_id: int):
    return _review_outreach(class_id, entry_id, confirmed=True)


@bp.route("/lop/<int:class_id>/nguoi-than/<int:entry_id>/khong-xac-nhan", methods=["POST"])
def reject_outreach(class_id: int, entry_id: int):
    return _review_outreach(class_id, entry_id, confirmed=False)


def _review_outreach(class_id: int, entry_id: int, confirmed: bool):
    school_class = class_or_404(class_id)
    entry = outreach_service.class_entry(school_class, entry_id)  # its student must be in this class
    if entry is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not outreach_service.review(entry, current_user, confirmed):
        abort(404)  # the student deleted it a moment ago
    db.session.commit()
    flash("Đã xác nhận." if confirmed else "Đã ghi là không xác nhận.", "success")
    return redirect(url_for("teach.outreach", class_id=class_id, _anchor=f"muc-{entry_id}"))


# --- Exports ----------------------------------------------------------------------------------


@bp.route("/lop/<int:class_id>/ket-qua.<fmt>")
@writes_on_get  # the export is logged
def export(class_id: int, fmt: str):
    school_class = class_or_404(class_id)
    report = class_report(school_class)
    table = class_results_table(report, today=clock.today())
    stem = f"ket-qua-lop-{school_class.name}-{school_class.school_year.name}"
    if fmt in ("xlsx", "csv"):  # a class list with names leaving the app
        audit.record(current_user, AuditAction.EXPORT, school_id=school_class.school_id, class_name=school_class.name, format=fmt)
        db.session.commit()
    if fmt == "xlsx":
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return send_download(write_xlsx([table, lessons_table(report)]), f"{stem}.xlsx", mimetype)
    if fmt == "csv":
        return send_download(write_csv(table), f"{stem}.csv", "text/csv; charset=utf-8")
    abort(404)


# --- Passwords and login slips ------------------------------------------------------------------


# The resets (asked first) and reprints are in passwords.py.


def _slips_page(school_class: SchoolClass, accounts):
    """Passwords are shown on this one page, once; it is never cached and cannot be reopened."""
    slips = make_slips(accounts, school_class.name, current_app.config["SITE_URL"])
    response = Response(render_template("teach/slips.html", school_class=school_class, slips=slips))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Class-list import --------------------------------------------------------------------------
# Upload: bounded and parsed once, in memory; only the parsed rows are kept (services/roster_store).
# Preview: plans against the database (reads only). Confirm: a background job (accounts cost a scrypt
# hash each: 400 students take about a minute), then its progress page, then the slips, shown once.


@bp.route("/lop/<int:class_id>/nhap-danh-sach", methods=["GET", "POST"])
def import_roster(class_id: int):
    school_class = class_or_404(class_id)
    form = RosterUploadForm()
    if form.validate_on_submit():
        cleanup_jobs()  # uploads left unconfirmed for an hour go now, not only every 10 minutes
        upload = form.file.data
        # MAX_CONTENT_LENGTH (5 MB) bounds what arrives; read_roster refuses over LIMITS.file_bytes (2 MB).
        with upload.stream:  # a big upload is spooled to a temporary file: closed as soon as it is read
            roster = read_roster(Path(upload.filename or "").name, upload.read())
        if any(p.row == 0 for p in roster.problems) and not roster.rows:
            # Nothing to preview (a refused or unreadable file): say why on the upload page itself.
            form.file.errors = [str(p) for p in roster.problems if p.row == 0]
            return render_template("teach/import.html", school_class=school_class, form=form), 422
        token = roster_store.save(roster, current_user.id, class_id)
        session["roster_upload"] = {"token": token, "class_id": class_id}
        return redirect(url_for("teach.preview_import", class_id=class_id, token=token))
    return render_template("teach/import.html", school_class=school_class, form=form)


def _stored_roster(class_id: int, token: str):
    """The parsed list behind a preview: this browser's latest upload, of this person, for this class."""
    upload = session.get("roster_upload") or {}
    if upload.get("token") != token or upload.get("class_id") != class_id:
        return None
    return roster_store.load(token, current_user.id, class_id)


@bp.route("/lop/<int:class_id>/nhap-danh-sach/<token>", methods=["GET", "POST"])
def preview_import(class_id: int, token: str):
    school_class = class_or_404(class_id)
    roster = _stored_roster(class_id, token)
    if roster is None:
        flash("Danh sách đã tải lên không còn (đã nhập, đã huỷ hoặc quá một giờ); hãy chọn lại tệp.", "warning")
        return redirect(url_for("teach.import_roster", class_id=class_id))
    plan = plan_import(roster, school_class.school, school_class.school_year, school_class)
    form = RosterConfirmForm(token=token)
    if request.method == "POST" and form.validate_on_submit() and plan.ok:
        session.pop("roster_upload", None)  # a second click finds nothing to confirm
        job_id = enqueue("roster_import", class_id=class_id, token=token)
        return redirect(url_for("jobs.progress", job_id=job_id))
    response = render_template(
        "teach/import_preview.html", school_class=school_class, plan=plan, form=form, token=token
    )
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/lop/<int:class_id>/nhap-danh-sach/<token>/huy", methods=["POST"])
def cancel_import(class_id: int, token: str):
    class_or_404(class_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _stored_roster(class_id, token) is not None:
        roster_store.delete(token)
        session.pop("roster_upload", None)
    flash("Đã huỷ: danh sách vừa tải lên đã được xoá, chưa có gì được ghi.", "info")
    return redirect(url_for("teach.import_roster", class_id=class_id))


@bp.route("/nhap-danh-sach/xong/<int:job_id>")
def import_done(job_id: int):
    """The end of an import job: the new accounts' slips, once (the passwords file is deleted now)."""
    job = job_or_404(job_id)
    params = json.loads(job.params)
    school_class = class_or_404(params["class_id"])
    if job.kind != "roster_import" or job.status != JobStatus.DONE:
        return redirect(url_for("jobs.progress", job_id=job_id))
    path = job_result_path(job)
    if path is None:
        flash(job.message, "success")
        if job.expires_at is not None:  # it had slips: shown already, or expired
            flash("Phiếu đăng nhập chỉ hiện một lần. Nếu cần, hãy cấp lại mật khẩu ở trang của học sinh.", "info")
        return redirect(url_for("teach.dashboard", class_id=school_class.id))
    pairs = json.loads(path.read_bytes())
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([p[0] for p in pairs])))}
    accounts = [(users[user_id], password) for user_id, password in pairs if user_id in users]
    forget_result(job)  # the passwords existed on disk only until this page
    db.session.commit()
    return _slips_page(school_class, accounts)
