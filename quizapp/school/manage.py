"""School admins manage their own school: classes of the current year, teacher accounts, the target, a new year.

A blueprint of its own, `school_manage` at /truong/quan-ly (only school admins get in). Nothing here takes a
school id: the school is always the admin's own, and the services check it again before writing.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..extensions import db
from ..forms import Form, TargetForm, refuse
from ..models import Enrollment, Role, SchoolClass, User
from ..scope import current_scope, school_admin_required
from ..services.org import (
    GRADES,
    OrgError,
    create_class,
    create_staff,
    ensure_current_year,
    find_year,
    get_or_create_year,
    next_year_name,
    previous_year_name,
    set_target,
    start_new_year,
    target_of,
    unit_path,
)
from ..services.progress import current_year
from ..services.slips import make_slips
from ..services.targets import effective_target
from ..services.vietnamese import name_sort_key
from .forms import ClassForm, NewYearForm, TeacherForm

bp = Blueprint("school_manage", __name__, url_prefix="/truong/quan-ly", template_folder="templates")


@bp.before_request
@login_required
@school_admin_required
def require_admin():
    """Only the school's admin manages here (quizapp/scope.py decides what is in their scope)."""


def _new_year_choices() -> list[tuple[str, str]]:
    """Current year to next; also last year to the current one, when last year has classes here."""
    current = current_app.config["CURRENT_SCHOOL_YEAR"]
    following = next_year_name(current)
    choices = [(following, f"{following} (chuyển từ năm học {current})")]
    last = find_year(previous_year_name(current))
    if last is not None and db.session.scalar(
        select(SchoolClass.id).where(
            SchoolClass.school_id == current_scope().own_school_id, SchoolClass.school_year_id == last.id
        )
    ):
        choices.append((current, f"{current} (chuyển từ năm học {last.name})"))
    return choices


def _forms(submitted: str | None = None) -> dict[str, Form]:
    """Every form of the page; only the `submitted` one reads the request."""

    def build(name: str, cls):
        return cls(prefix=name, formdata=request.form if name == submitted else None)

    forms = {
        "klass": build("klass", ClassForm),
        "teacher": build("teacher", TeacherForm),
        "target": build("target", TargetForm),
        "new_year": build("new_year", NewYearForm),
    }
    forms["new_year"].to_year.choices = _new_year_choices()
    if submitted != "target":
        _prefill_target(forms["target"])
    return forms


def _prefill_target(form: TargetForm) -> None:
    year = current_year()
    existing = target_of(year, school=current_user.school) if year else None
    if existing is None:
        if year is not None:
            form.deadline.data = year.ends_on
        return
    for grade in GRADES:
        form[f"grade_{grade}"].data = grade in existing.grades
    form.percent.data = existing.target_percent
    form.deadline.data = existing.deadline
    form.include_staff.data = existing.include_staff


def _render(forms: dict[str, Form]) -> str:
    school = current_user.school
    year = current_year()
    classes: list[tuple[SchoolClass, int]] = []
    if year is not None:
        classes = list(
            db.session.execute(
                select(SchoolClass, func.count(Enrollment.id))
                .outerjoin(Enrollment, Enrollment.class_id == SchoolClass.id)
                .where(SchoolClass.school_id == school.id, SchoolClass.school_year_id == year.id)
                .group_by(SchoolClass.id)
                .order_by(SchoolClass.grade, SchoolClass.name)
            )
        )
    staff = db.session.scalars(
        select(User).where(User.school_id == school.id, User.role.in_([Role.TEACHER, Role.SCHOOL_ADMIN]))
    )
    return render_template(
        "school/manage.html",
        school=school,
        path=unit_path(school.unit),
        year_name=current_app.config["CURRENT_SCHOOL_YEAR"],
        classes=classes,
        staff=sorted(staff, key=lambda u: name_sort_key(u.full_name)),
        target=effective_target(school, year) if year else None,
        forms=forms,
    )


@bp.route("")
def manage():
    return _render(_forms())


@bp.route("/lop", methods=["POST"])
def add_class():
    forms = _forms("klass")
    form = forms["klass"]
    if form.validate_on_submit():
        try:
            year = ensure_current_year()
            school_class = create_class(
                current_user.school, year, form.name.data, form.grade.data, scope=current_scope()
            )
        except OrgError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(f"Đã thêm lớp {school_class.name} (năm học {year.name}).", "success")
            return redirect(url_for("school_manage.manage"))
    return _render(forms)


@bp.route("/giao-vien", methods=["POST"])
def add_teacher():
    forms = _forms("teacher")
    form = forms["teacher"]
    if form.validate_on_submit():
        try:
            user, password = create_staff(
                form.full_name.data,
                Role.TEACHER,
                school=current_user.school,
                username=form.username.data,
                scope=current_scope(),
            )
        except OrgError as error:
            refuse(form, error)
        else:
            db.session.commit()
            return _account_page(user, password)
    return _render(forms)


@bp.route("/chi-tieu", methods=["POST"])
def set_school_target():
    forms = _forms("target")
    form = forms["target"]
    if form.validate_on_submit():
        try:
            year = ensure_current_year()
            set_target(
                year,
                school=current_user.school,
                grades=form.grades(),
                percent=form.percent.data,
                deadline=form.deadline.data,
                include_staff=form.include_staff.data,
                scope=current_scope(),
            )
        except OrgError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(f"Đã lưu chỉ tiêu năm học {year.name} của trường.", "success")
            return redirect(url_for("school_manage.manage"))
    return _render(forms)


@bp.route("/nam-hoc-moi", methods=["POST"])
def new_year():
    """Move the classes up one grade into the chosen year and show what happened.

    The report is the response to the POST (like the login slips): it describes this run only. Sending the
    form again is harmless, since every student already in the new year is left where they are.
    """
    forms = _forms("new_year")
    form = forms["new_year"]
    if form.validate_on_submit():  # the choices are the only years offered
        try:
            from_year = find_year(previous_year_name(form.to_year.data))
            if from_year is None:
                raise OrgError(f"Chưa có năm học {previous_year_name(form.to_year.data)} để chuyển lên.")
            report = start_new_year(
                current_user.school, from_year, get_or_create_year(form.to_year.data), scope=current_scope()
            )
        except OrgError as error:
            refuse(form, error)
        else:
            db.session.commit()
            response = Response(render_template("school/manage_new_year.html", report=report))
            response.headers["Cache-Control"] = "no-store"
            return response
    return _render(forms)


def _account_page(user: User, password: str) -> Response:
    """The teacher's first password, shown on this one page; never cached, never shown again."""
    [slip] = make_slips([(user, password)], "", current_app.config["SITE_URL"])
    response = Response(render_template("school/manage_account.html", user=user, slip=slip))
    response.headers["Cache-Control"] = "no-store"
    return response
