"""The learner's journey: programme, lessons, quizzes, results. Staff can take the lessons too."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..database import begin_writing, reads_first
from ..extensions import db
from ..forms import ConfirmForm
from ..models import Attempt, AttemptStatus, Page
from ..scope import lesson_or_404, own_attempt_or_404, own_family_entry_or_404, quiz_or_404
from ..services import attempts as attempt_service
from ..services import outreach as outreach_service
from ..services.certificates import award_if_complete, certificate_of, format_code
from ..services.guides import family_guide
from ..services.progress import (
    lesson_for_reading,
    opening_needs_recording,
    programme_for,
    record_lesson_opened,
    record_lesson_read,
)
from ..services.slips import public_site_url
from ..services.verification import verification_qr, verification_url
from .forms import OutreachForm

bp = Blueprint("learn", __name__, template_folder="templates")


@bp.route("/")
@login_required
def home():
    programme = programme_for(current_user)
    return render_template("learn/home.html", programme=programme)


@bp.route("/bai-hoc/<key>")
@login_required
def lesson(key: str):
    found = lesson_for_reading(current_user, key)
    if found is None:
        abort(404)
    lesson, progress = found
    if opening_needs_recording(progress):
        begin_writing()
        progress = record_lesson_opened(current_user, lesson)
        db.session.commit()
    # The form at the end of the lesson is a CSRF token and a button: no form object to build per view.
    return render_template("learn/lesson.html", lesson=lesson, progress=progress)


@bp.route("/bai-hoc/<key>/da-doc", methods=["POST"])
@login_required
def lesson_read(key: str):
    lesson = lesson_or_404(key)
    if ConfirmForm().validate_on_submit():
        record_lesson_read(current_user, lesson)
        award_if_complete(current_user)
        db.session.commit()
    if lesson.quiz and lesson.quiz.active:
        return redirect(url_for("learn.quiz", key=lesson.quiz.key))
    return redirect(url_for("learn.home"))


@bp.route("/bai-kiem-tra/<key>")
@login_required
def quiz(key: str):
    quiz = quiz_or_404(key)
    past = db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == current_user.id, Attempt.quiz_id == quiz.id)
        .order_by(Attempt.started_at.desc())
    ).all()
    open_attempt = next((a for a in past if a.status == AttemptStatus.IN_PROGRESS), None)
    submitted = [a for a in past if a.is_submitted]
    return render_template(
        "learn/quiz.html", quiz=quiz, open_attempt=open_attempt, submitted=submitted, form=ConfirmForm()
    )


@bp.route("/bai-kiem-tra/<key>/bat-dau", methods=["POST"])
@login_required
def start_quiz(key: str):
    quiz = quiz_or_404(key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    attempt = attempt_service.start_or_resume(current_user, quiz)
    db.session.commit()
    return redirect(url_for("learn.attempt", attempt_id=attempt.id))


@bp.route("/lam-bai/<int:attempt_id>", methods=["GET", "POST"])
@login_required
@reads_first
def attempt(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    if attempt.is_submitted:
        if request.method == "POST":
            flash("Bài này đã được nộp và chấm rồi; kết quả không thay đổi.", "info")
        return redirect(url_for("learn.result", attempt_id=attempt.id))
    form = ConfirmForm()
    unanswered = []
    if request.method == "POST" and form.validate_on_submit():
        # Saving and grading read the answer key as plain rows; the full questions load only to show the page.
        sheet = attempt_service.answer_sheet(attempt)
        responses = attempt_service.read_responses(sheet, request.form)
        action = request.form.get("action", "save")
        missing = [q for q in sheet if not _answered(q, responses)]
        begin_writing()  # the write lock from here to the commit: two or three statements
        if action == "submit_anyway" or (action == "submit" and not missing):
            submitted = attempt_service.submit(attempt, sheet, responses)
            if submitted and attempt.passed:
                award_if_complete(current_user)
            db.session.commit()
            if not submitted:
                flash("Bài này đã được nộp và chấm rồi; kết quả không thay đổi.", "info")
            return redirect(url_for("learn.result", attempt_id=attempt_id))
        if not attempt_service.save_answers(attempt, sheet, responses):
            db.session.rollback()
            return redirect(url_for("learn.result", attempt_id=attempt_id))
        db.session.commit()
        if request.headers.get("X-Autosave"):
            return ("", 204)
        if action == "submit":
            unanswered = [q.position + 1 for q in missing]
        else:
            flash("Đã lưu câu trả lời. Em có thể làm tiếp bất cứ lúc nào.", "success")
            return redirect(url_for("learn.attempt", attempt_id=attempt_id))
    questions = attempt_service.shown_questions(attempt)
    return render_template("learn/attempt.html", attempt=attempt, questions=questions, form=form, unanswered=unanswered)


def _answered(question, responses) -> bool:
    return attempt_service.is_answered(question.kind, responses.get(question.position), len(question.choices))


@bp.route("/ket-qua/<int:attempt_id>")
@login_required
def result(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    if not attempt.is_submitted:
        return redirect(url_for("learn.attempt", attempt_id=attempt.id))
    questions = attempt_service.shown_questions(attempt)
    return render_template("learn/result.html", attempt=attempt, questions=questions, form=ConfirmForm())


@bp.route("/trang/<key>")
@login_required
def page(key: str):
    page = db.session.scalar(select(Page).where(Page.key == key, Page.active))
    if page is None:
        abort(404)
    return render_template("learn/page.html", page=page)


@bp.route("/noi-dung/media/<path:filename>")
def media(filename: str):
    """Lesson illustrations, served from content/media with long caching (file names change with content)."""
    folder = Path(current_app.config["CONTENT_DIR"]) / "media"
    response = send_from_directory(folder, filename, max_age=7 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if filename.lower().endswith(".svg"):
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


# --- Certificate, family outreach, take-home guides ----------------------------------------------


@bp.route("/chung-nhan", methods=["GET", "POST"])
@login_required
def certificate():
    """The learner's certificate, printable on one A4 landscape page; else what is left to do."""
    form = ConfirmForm()
    if form.validate_on_submit():  # completed before certificates were awarded: award it now
        award_if_complete(current_user)
        db.session.commit()
        return redirect(url_for("learn.certificate"))
    certificate = certificate_of(current_user)
    if certificate is None:
        return render_template("learn/certificate_missing.html", programme=programme_for(current_user), form=form)
    site_url, site_warning = public_site_url()  # never a loopback address silently
    url = verification_url(site_url, certificate.code)
    return render_template(
        "learn/certificate.html",
        certificate=certificate,
        site_warning=site_warning,
        code=format_code(certificate.code),
        verify_url=url,
        lookup_url=f"{site_url}/xac-minh",
        qr_svg=verification_qr(url),
    )


@bp.route("/nguoi-than", methods=["GET", "POST"])
@login_required
def family():
    """Relatives the student guided: recorded after completing the programme, confirmed by a teacher."""
    if not outreach_service.can_record(current_user):
        return render_template("learn/family_locked.html")
    form = OutreachForm()
    if form.validate_on_submit():
        values = (form.relation.data, form.service.data, form.helped_on.data)
        if outreach_service.is_duplicate(current_user, *values):
            flash("Em đã ghi mục này rồi (cùng người thân, cùng việc, cùng ngày).", "info")
        else:
            try:
                outreach_service.record(current_user, *values, note=form.note.data or "")
            except ValueError as refused:  # e.g. midnight passed between the form check and the save
                flash(str(refused), "error")
                return redirect(url_for("learn.family"))
            db.session.commit()
            flash("Đã ghi lại. Thầy cô sẽ xem và xác nhận.", "success")
        return redirect(url_for("learn.family"))
    return render_template(
        "learn/family.html",
        form=form,
        entries=outreach_service.own_entries(current_user),
        labels=outreach_service.STATUS_LABELS,
    )


@bp.route("/nguoi-than/<int:entry_id>/xoa", methods=["POST"])
@login_required
def delete_family_entry(entry_id: int):
    entry = own_family_entry_or_404(entry_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if outreach_service.delete_pending(entry):
        db.session.commit()
        flash("Đã xoá mục này.", "success")
    else:
        flash("Thầy cô đã xem mục này nên em không xoá được nữa.", "warning")
    return redirect(url_for("learn.family"))


@bp.route("/bai-hoc/<key>/huong-dan-gia-dinh")
@login_required
def family_guide_page(key: str):
    """A one-page handout for the family: the lesson's family box and key points, nothing of the quiz."""
    lesson = lesson_or_404(key)
    return render_template("learn/family_guide.html", guide=family_guide(lesson))
