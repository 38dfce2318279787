"""Teachers: their classes, the completion dashboard, student pages, imports, login slips, exports."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.forms import ConfirmForm
from ..extensions import db
from ..models import Attempt, AttemptStatus, SchoolClass
from ..permissions import classes_in_scope, get_class_or_404, get_class_student_or_404, staff_required
from ..services import attempts as attempt_service
from ..services import outreach as outreach_service
from ..services.accounts import make_password
from ..services.class_progress import STATUS_LABELS, class_report, class_students, question_stats
from ..services.exports import write_csv, write_xlsx
from ..services.rosters import apply_import, plan_import, read_roster
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
        classes_in_scope(current_user)
        .options(selectinload(SchoolClass.school_year))
        .order_by(SchoolClass.grade, SchoolClass.name)
    ).all()
    return render_template("teach/classes.html", classes=my_classes)


@bp.route("/lop/<int:class_id>")
def dashboard(class_id: int):
    school_class = get_class_or_404(class_id)
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
    school_class = get_class_or_404(class_id)
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
    school_class = get_class_or_404(class_id)
    student = get_class_student_or_404(school_class, student_id)
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
    school_class = get_class_or_404(class_id)
    student = get_class_student_or_404(school_class, student_id)
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != student.id or attempt.status != AttemptStatus.SUBMITTED:
        abort(404)
    questions = attempt_service.shown_questions(attempt)
    return render_template(
        "teach/attempt.html", school_class=school_class, student=student, attempt=attempt, questions=questions
    )


# --- Family outreach --------------------------------------------------------------------------


@bp.route("/lop/<int:class_id>/nguoi-than")
def outreach(class_id: int):
    """Relatives the class's students say they guided, pending first, to confirm or refuse."""
    school_class = get_class_or_404(class_id)
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
    school_class = get_class_or_404(class_id)
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


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/lop/<int:class_id>/ket-qua.<fmt>")
def export(class_id: int, fmt: str):
    school_class = get_class_or_404(class_id)
    report = class_report(school_class)
    table = class_results_table(report, today=date.today())
    stem = f"ket-qua-lop-{school_class.name}-{school_class.school_year.name}"
    if fmt == "xlsx":
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _download(write_xlsx([table, lessons_table(report)]), f"{stem}.xlsx", mimetype)
    if fmt == "csv":
        return _download(write_csv(table), f"{stem}.csv", "text/csv; charset=utf-8")
    abort(404)


# --- Passwords and login slips ------------------------------------------------------------------


@bp.route("/lop/<int:class_id>/hoc-sinh/<int:student_id>/cap-lai-mat-khau", methods=["POST"])
def reset_password(class_id: int, student_id: int):
    school_class = get_class_or_404(class_id)
    student = get_class_student_or_404(school_class, student_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _reset_and_print(school_class, [student])


@bp.route("/lop/<int:class_id>/cap-lai-mat-khau", methods=["POST"])
def reset_class_passwords(class_id: int):
    school_class = get_class_or_404(class_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _reset_and_print(school_class, class_students(school_class))


def _reset_and_print(school_class: SchoolClass, students):
    accounts = []
    for student in students:
        password = make_password()
        student.set_password(password)
        accounts.append((student, password))
    db.session.commit()
    return _slips_page(school_class, accounts)


def _slips_page(school_class: SchoolClass, accounts):
    """Passwords are shown on this one page, once; it is never cached and cannot be reopened."""
    slips = make_slips(accounts, school_class.name, current_app.config["SITE_URL"])
    response = Response(render_template("teach/slips.html", school_class=school_class, slips=slips))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Class-list import --------------------------------------------------------------------------


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored_upload(token: str, class_id: int) -> Path | None:
    """The uploaded file behind a preview, only for the person and class that uploaded it."""
    upload = session.get("roster_upload") or {}
    if upload.get("token") != token or upload.get("class_id") != class_id:
        return None
    path = _upload_dir() / upload["file"]
    return path if path.is_file() else None


@bp.route("/lop/<int:class_id>/nhap-danh-sach", methods=["GET", "POST"])
def import_roster(class_id: int):
    school_class = get_class_or_404(class_id)
    form = RosterUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        suffix = Path(upload.filename or "").suffix.lower()
        token = secrets.token_hex(16)
        stored = _upload_dir() / f"{token}{suffix}"
        upload.save(stored)
        session["roster_upload"] = {"token": token, "file": stored.name, "class_id": class_id}
        return redirect(url_for("teach.preview_import", class_id=class_id, token=token))
    return render_template("teach/import.html", school_class=school_class, form=form)


@bp.route("/lop/<int:class_id>/nhap-danh-sach/<token>", methods=["GET", "POST"])
def preview_import(class_id: int, token: str):
    school_class = get_class_or_404(class_id)
    stored = _stored_upload(token, class_id)
    if stored is None:
        flash("Tệp đã tải lên không còn; hãy chọn lại tệp danh sách lớp.", "warning")
        return redirect(url_for("teach.import_roster", class_id=class_id))
    roster = read_roster(stored.name, stored.read_bytes())
    plan = plan_import(roster, school_class.school, school_class.school_year, school_class)
    form = RosterConfirmForm(token=token)
    if request.method == "POST" and form.validate_on_submit() and plan.ok:
        accounts = apply_import(plan)
        db.session.commit()
        stored.unlink(missing_ok=True)
        session.pop("roster_upload", None)
        flash(
            f"Đã nhập danh sách: {plan.counts.get('create', 0)} học sinh mới, "
            f"{plan.counts.get('update', 0)} cập nhật, {plan.counts.get('unchanged', 0)} giữ nguyên.",
            "success",
        )
        if not accounts:
            return redirect(url_for("teach.dashboard", class_id=class_id))
        return _slips_page(school_class, [(a.user, a.password) for a in accounts])
    return render_template("teach/import_preview.html", school_class=school_class, plan=plan, form=form)
