"""Education offices (unit admins): coverage of every school beneath their unit, drill-down, reports."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from .. import clock, report_views
from ..extensions import db
from ..models import SchoolYear, Unit
from ..scope import current_scope, school_class_or_404, school_or_404, unit_admin_required, unit_or_404
from ..services.charts import timeline_chart
from ..services.class_progress import DONE, class_report
from ..services.coverage import completions_timeline, school_coverage, unit_coverage
from ..services.coverage_exports import unit_tables
from ..services.exports import coverage_download
from ..services.progress import current_year

bp = Blueprint("office", __name__, url_prefix="/don-vi", template_folder="templates")


@bp.before_request
@login_required
@unit_admin_required
def require_unit_admin():
    """Only unit admins work here; they see their unit and everything beneath it (quizapp/scope.py)."""


def _year() -> SchoolYear:
    year = current_year()
    if year is None:
        abort(404)
    return year


def _my_unit() -> Unit:
    return db.session.get(Unit, current_scope().own_unit_id)


def _unit_asked() -> Unit:
    """The office's own unit, or with ?don-vi=<id> a unit beneath it (404 outside the subtree)."""
    if "don-vi" in request.args:
        return unit_or_404(request.args.get("don-vi", 0, type=int))
    return _my_unit()


# Orders of the rows of the overview: the child units and the schools alike (both have these attributes).
SORTS = {
    "xa-nhat": ("Xa chỉ tiêu nhất", lambda s: (-s.shortfall, -s.gap, s.name)),
    "ten": ("Tên", lambda s: s.name),
    "ti-le": ("Tỉ lệ cao nhất", lambda s: (-s.total.percent, s.name)),
    "so-hoc-sinh": ("Số học sinh", lambda s: (-s.total.enrolled, s.name)),
}


@bp.route("/")
def overview():
    """The office's unit, or with ?don-vi=<id> a unit beneath it: the child units (a province's wards) rolled
    up with a link each, then the schools attached to the unit itself. A province thus shows ~30 wards, not
    600 schools; a ward shows its schools."""
    year, unit = _year(), _unit_asked()
    coverage = unit_coverage(unit, year, per_class=False)
    sort = request.args.get("sap-xep", "xa-nhat")
    if sort not in SORTS:
        sort = "xa-nhat"
    children = sorted(coverage.children, key=SORTS[sort][1])
    schools = sorted(coverage.direct_schools, key=SORTS[sort][1])
    path = [u for u in coverage.path if current_scope().manages_unit(u.id)]
    own = unit.id == current_scope().own_unit_id
    chart = timeline_chart(
        completions_timeline(coverage.school_ids, year, coverage.target, coverage.total.enrolled), clock.today()
    )
    return render_template(
        "office/overview.html",
        coverage=coverage,
        children=children,
        schools=schools,
        path=path,
        own=own,
        here={} if own else {"don-vi": unit.id},  # the links of the page keep the unit shown
        year=year,
        chart=chart,
        sorts=SORTS,
        sort=sort,
    )


def _back_to(school) -> dict:
    """The overview that lists the school: the office's own, or the unit beneath it the school belongs to."""
    return {} if school.unit_id == current_scope().own_unit_id else {"don-vi": school.unit_id}


@bp.route("/do-phu.<fmt>")
def export_coverage(fmt: str):
    year, unit = _year(), _unit_asked()
    tables = unit_tables(unit_coverage(unit, year), year.name, clock.today())
    return coverage_download(tables, fmt, f"do-phu-{unit.code}-{year.name}")


@bp.route("/truong/<int:school_id>")
def school(school_id: int):
    school = school_or_404(school_id)
    year = _year()
    coverage = school_coverage(school, year)
    chart = timeline_chart(
        completions_timeline([school.id], year, coverage.target, coverage.total.enrolled), clock.today()
    )
    return render_template(
        "office/school.html",
        coverage=coverage,
        year=year,
        chart=chart,
        names=current_scope().may_see_names(school.id),
        back=_back_to(school),
    )


@bp.route("/truong/<int:school_id>/lop/<int:class_id>")
def school_class(school_id: int, class_id: int):
    school = school_or_404(school_id)
    school_class = school_class_or_404(school, class_id)
    if not current_scope().may_see_names(school.id):
        abort(403)
    report = class_report(school_class)
    not_done = [row for row in report.rows if row.status != DONE]
    return render_template("office/class.html", school=school, report=report, not_done=not_done, back=_back_to(school))


# --- Official reports of the unit itself (shared with the school blueprint: quizapp/report_views.py) ---


@bp.route("/bao-cao", methods=["GET", "POST"])
def reports():
    return report_views.index(report_views.unit_issuer())


@bp.route("/bao-cao/<int:report_id>")
def report(report_id: int):
    return report_views.show(report_views.unit_issuer(), report_id)


@bp.route("/bao-cao/<int:report_id>.pdf")
def report_pdf(report_id: int):
    return report_views.pdf(report_views.unit_issuer(), report_id)
