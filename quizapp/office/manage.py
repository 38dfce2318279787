"""Unit admins manage their part of the tree: child units, schools, admin accounts and targets.

A blueprint of its own, `office_manage` at /don-vi/quan-ly (only unit admins get in). Every select offers only
the unit's subtree, so a tampered id fails form validation ("Lựa chọn không hợp lệ."), and the services check
the scope again before writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ..extensions import db
from ..forms import Form, refuse
from ..models import Role, School, Target, Unit, User
from ..scope import current_scope, unit_admin_required
from ..services.org import (
    GRADES,
    OrgError,
    create_school,
    create_staff,
    create_unit,
    ensure_current_year,
    schools_in_unit,
    set_target,
    target_of,
    unit_path,
    unit_tree,
)
from ..services.progress import current_year
from ..services.slips import make_slips
from ..services.vietnamese import name_sort_key
from .forms import SchoolAdminForm, SchoolForm, ScopedTargetForm, UnitAdminForm, UnitForm

bp = Blueprint("office_manage", __name__, url_prefix="/don-vi/quan-ly", template_folder="templates")


@bp.before_request
@login_required
@unit_admin_required
def require_admin():
    """Only the office's unit admin manages here (quizapp/scope.py decides what is in their scope)."""


@dataclass
class OfficeTree:
    """The current unit admin's unit, its subtree in display order, and the schools beneath it."""

    unit: Unit
    tree: list[tuple[Unit, int]]
    schools: list[School]


def _scope() -> OfficeTree:
    unit = current_user.unit
    return OfficeTree(unit, unit_tree(unit), list(db.session.scalars(schools_in_unit(unit.id))))


def _forms(scope: OfficeTree, submitted: str | None = None) -> dict[str, Form]:
    """Every form of the page, its choices limited to the scope; only the `submitted` one reads the request."""

    def build(name: str, cls):
        return cls(prefix=name, formdata=request.form if name == submitted else None)

    units = [(u.id, "— " * depth + u.name) for u, depth in scope.tree]
    forms = {
        "unit": build("unit", UnitForm),
        "school": build("school", SchoolForm),
        "school_admin": build("school_admin", SchoolAdminForm),
        "unit_admin": build("unit_admin", UnitAdminForm),
        "target": build("target", ScopedTargetForm),
    }
    forms["unit"].parent_id.choices = units
    forms["school"].unit_id.choices = units
    forms["school_admin"].school_id.choices = [(s.id, s.name) for s in scope.schools]
    forms["unit_admin"].unit_id.choices = units
    target = forms["target"]
    target.scope.choices = [(f"u{uid}", label) for uid, label in units]
    target.scope.choices += [(f"s{s.id}", f"Trường: {s.name}") for s in scope.schools]
    if submitted != "target":
        _prefill_target(target, scope.unit)
    return forms


def _prefill_target(form: ScopedTargetForm, unit: Unit) -> None:
    """The unit's own target when it has one, else the defaults with the end of the school year as deadline."""
    form.scope.data = f"u{unit.id}"
    year = current_year()
    existing = target_of(year, unit=unit) if year else None
    if existing is None:
        form.deadline.data = year.ends_on if year else _year_end_from_config()
        return
    for grade in GRADES:
        form[f"grade_{grade}"].data = grade in existing.grades
    form.percent.data = existing.target_percent
    form.deadline.data = existing.deadline
    form.include_staff.data = existing.include_staff


def _year_end_from_config() -> date:
    return date(int(current_app.config["CURRENT_SCHOOL_YEAR"][:4]) + 1, 5, 31)


def _render(scope: OfficeTree, forms: dict[str, Form]) -> str:
    """The page: every unit of the subtree with its schools beneath it, their admins and their targets."""
    unit_ids = [u.id for u, _ in scope.tree]
    school_ids = [s.id for s in scope.schools]
    admins: dict[tuple[str, int], list[User]] = {}
    users = db.session.scalars(
        select(User).where(
            or_(
                (User.role == Role.UNIT_ADMIN) & User.unit_id.in_(unit_ids),
                (User.role == Role.SCHOOL_ADMIN) & User.school_id.in_(school_ids),
            )
        )
    )
    for user in sorted(users, key=lambda u: name_sort_key(u.full_name)):
        key = ("u", user.unit_id) if user.role == Role.UNIT_ADMIN else ("s", user.school_id)
        admins.setdefault(key, []).append(user)
    targets: dict[tuple[str, int], Target] = {}
    year = current_year()
    if year is not None:
        for t in db.session.scalars(
            select(Target).where(
                Target.school_year_id == year.id, or_(Target.unit_id.in_(unit_ids), Target.school_id.in_(school_ids))
            )
        ):
            targets[("u", t.unit_id) if t.unit_id else ("s", t.school_id)] = t
    by_unit: dict[int, list[School]] = {}
    for school in scope.schools:
        by_unit.setdefault(school.unit_id, []).append(school)
    return render_template(
        "office/manage.html",
        unit=scope.unit,
        path=unit_path(scope.unit),
        tree=scope.tree,
        by_unit=by_unit,
        admins=admins,
        targets=targets,
        year_name=current_app.config["CURRENT_SCHOOL_YEAR"],
        forms=forms,
    )


@bp.route("")
def manage():
    scope = _scope()
    return _render(scope, _forms(scope))


@bp.route("/don-vi", methods=["POST"])
def add_unit():
    scope = _scope()
    forms = _forms(scope, "unit")
    form = forms["unit"]
    if form.validate_on_submit():  # the choices are the scope: a parent outside it is refused here
        parent = db.session.get(Unit, form.parent_id.data)
        try:
            unit = create_unit(form.code.data, form.name.data, parent, scope=current_scope())
        except OrgError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(f"Đã thêm đơn vị {unit.name} ({unit.code}).", "success")
            return redirect(url_for("office_manage.manage"))
    return _render(scope, forms)


@bp.route("/truong", methods=["POST"])
def add_school():
    scope = _scope()
    forms = _forms(scope, "school")
    form = forms["school"]
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        try:
            school = create_school(form.code.data, form.name.data, unit, scope=current_scope())
        except OrgError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(f"Đã thêm trường {school.name} ({school.code}).", "success")
            return redirect(url_for("office_manage.manage"))
    return _render(scope, forms)


@bp.route("/can-bo-truong", methods=["POST"])
def add_school_admin():
    scope = _scope()
    forms = _forms(scope, "school_admin")
    form = forms["school_admin"]
    if form.validate_on_submit():
        school = db.session.get(School, form.school_id.data)
        try:
            user, password = create_staff(
                form.full_name.data,
                Role.SCHOOL_ADMIN,
                school=school,
                username=form.username.data,
                scope=current_scope(),
            )
        except OrgError as error:
            refuse(form, error)
        else:
            db.session.commit()
            return _account_page(user, password, school.name)
    return _render(scope, forms)


@bp.route("/can-bo-don-vi", methods=["POST"])
def add_unit_admin():
    scope = _scope()
    forms = _forms(scope, "unit_admin")
    form = forms["unit_admin"]
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        try:
            user, password = create_staff(
                form.full_name.data, Role.UNIT_ADMIN, unit=unit, username=form.username.data, scope=current_scope()
            )
        except OrgError as error:
            refuse(form, error)
        else:
            db.session.commit()
            return _account_page(user, password, unit.name)
    return _render(scope, forms)


@bp.route("/chi-tieu", methods=["POST"])
def set_unit_target():
    scope = _scope()
    forms = _forms(scope, "target")
    form = forms["target"]
    if form.validate_on_submit():
        number = int(form.scope.data[1:])
        school = db.session.get(School, number) if form.scope.data[0] == "s" else None
        unit = db.session.get(Unit, number) if form.scope.data[0] == "u" else None
        try:
            year = ensure_current_year()
            set_target(
                year,
                school=school,
                unit=unit,
                grades=form.grades(),
                percent=form.percent.data,
                deadline=form.deadline.data,
                include_staff=form.include_staff.data,
                scope=current_scope(),
            )
        except OrgError as error:
            refuse(form, error)
        else:
            owner = school.name if school else unit.name
            db.session.commit()
            flash(f"Đã lưu chỉ tiêu năm học {year.name} cho {owner}.", "success")
            return redirect(url_for("office_manage.manage"))
    return _render(scope, forms)


def _account_page(user: User, password: str, place: str) -> Response:
    """The new account's first password, shown on this one page; never cached, never shown again."""
    [slip] = make_slips([(user, password)], "", current_app.config["SITE_URL"])
    response = Response(render_template("office/manage_account.html", user=user, slip=slip, place=place))
    response.headers["Cache-Control"] = "no-store"
    return response
