"""School administration: assigning teachers to classes (coverage and reports come with the school area)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select

from .. import clock, report_views
from ..extensions import db
from ..forms import ConfirmForm
from ..models import Role, School, SchoolClass, TeacherAssignment, User
from ..scope import class_or_404, current_scope, school_admin_required
from ..services.charts import timeline_chart
from ..services.coverage import completions_timeline, school_coverage
from ..services.coverage_exports import school_tables
from ..services.exports import coverage_download
from ..services.onboarding import assign_teacher, unassign_teacher
from ..services.org import OrgError
from ..services.progress import current_year
from .forms import AssignForm

bp = Blueprint("school", __name__, url_prefix="/truong", template_folder="templates")


@bp.before_request
@login_required
@school_admin_required
def require_school_admin():
    """Only a school's admin manages its assignments."""


def _school_classes() -> list[SchoolClass]:
    year = current_year()
    if year is None:
        return []
    return list(
        db.session.scalars(
            select(SchoolClass)
            .where(SchoolClass.school_id == current_scope().own_school_id, SchoolClass.school_year_id == year.id)
            .order_by(SchoolClass.grade, SchoolClass.name)
        )
    )


def _school_teachers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.school_id == current_scope().own_school_id,
                User.role.in_([Role.TEACHER, Role.SCHOOL_ADMIN]),
                User.is_active_account,
            )
            .order_by(User.full_name)
        )
    )


@bp.route("/phan-cong", methods=["GET", "POST"])
def assignments():
    classes, teachers = _school_classes(), _school_teachers()
    form = AssignForm()
    form.teacher_id.choices = [(t.id, t.full_name) for t in teachers]
    form.class_id.choices = [(c.id, f"Lớp {c.name}") for c in classes]
    if form.validate_on_submit():  # the choices come from the scope: another school's ids are refused
        teacher, school_class = db.session.get(User, form.teacher_id.data), class_or_404(form.class_id.data)
        try:
            added = assign_teacher(teacher, school_class, scope=current_scope())
        except OrgError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("school.assignments"))
        db.session.commit()
        flash("Đã phân công." if added else "Giáo viên này đã được phân công lớp đó.", "success" if added else "info")
        return redirect(url_for("school.assignments"))
    by_class = {c.id: [] for c in classes}
    names = {t.id: t for t in teachers}
    for a in db.session.scalars(select(TeacherAssignment).where(TeacherAssignment.class_id.in_(list(by_class)))):
        if a.teacher_id in names:
            by_class[a.class_id].append(names[a.teacher_id])
    return render_template(
        "school/assignments.html", classes=classes, by_class=by_class, form=form, remove_form=ConfirmForm()
    )


@bp.route("/phan-cong/<int:class_id>/<int:teacher_id>/bo", methods=["POST"])
def unassign(class_id: int, teacher_id: int):
    school_class = class_or_404(class_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    teacher = db.session.get(User, teacher_id)
    if teacher is not None and unassign_teacher(teacher, school_class, scope=current_scope()):
        db.session.commit()
        flash("Đã bỏ phân công.", "success")
    return redirect(url_for("school.assignments"))


# --- Coverage of the school ---------------------------------------------------------------------


@bp.route("/")
def overview():
    year = current_year()
    if year is None:
        abort(404)
    school = db.session.get(School, current_scope().own_school_id)
    coverage = school_coverage(school, year)
    total = coverage.total
    chart = timeline_chart(completions_timeline([school.id], year, coverage.target, total.enrolled), clock.today())
    return render_template("school/overview.html", coverage=coverage, year=year, chart=chart)


@bp.route("/do-phu.<fmt>")
def export_coverage(fmt: str):
    year = current_year()
    if year is None:
        abort(404)
    school = db.session.get(School, current_scope().own_school_id)
    tables = school_tables(school_coverage(school, year), year.name, clock.today())
    return coverage_download(tables, fmt, f"do-phu-{school.code}-{year.name}")


# --- Official reports (shared with the office blueprint: quizapp/report_views.py) -----------------


@bp.route("/bao-cao", methods=["GET", "POST"])
def reports():
    return report_views.index(report_views.school_issuer())


@bp.route("/bao-cao/<int:report_id>")
def report(report_id: int):
    return report_views.show(report_views.school_issuer(), report_id)


@bp.route("/bao-cao/<int:report_id>.pdf")
def report_pdf(report_id: int):
    return report_views.pdf(report_views.school_issuer(), report_id)
