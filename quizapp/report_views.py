"""The web side of official reports, shared by the school (/truong) and office (/don-vi) blueprints.

Each blueprint adds thin routes that build an `Issuer` from the logged-in admin's scope (their own school or
their own unit, never an id from the URL) and call the functions here. A report of anyone else answers 404
(`report_or_404` in quizapp/scope.py decides).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from .downloads import send_download
from .extensions import db
from .forms import Form
from .models import School, SchoolYear, Unit
from .models._base import utcnow
from .scope import current_scope, report_or_404
from .services import reports as service
from .services.progress import current_year


class ReportForm(Form):
    title = TextAreaField(
        "Trích yếu (tên báo cáo)", validators=[DataRequired(), Length(max=300)], render_kw={"rows": 2}
    )
    body = TextAreaField("Nội dung", validators=[Length(max=10_000)], render_kw={"rows": 12})
    recipients = TextAreaField("Nơi nhận (mỗi nơi một dòng)", validators=[Length(max=1_000)], render_kw={"rows": 4})
    signer_title = StringField("Chức vụ người ký", validators=[DataRequired(), Length(max=120)])
    signer_name = StringField("Họ và tên người ký", validators=[DataRequired(), Length(max=120)])
    symbol = StringField(
        "Ký hiệu văn bản",
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^\S+$", message="Ký hiệu viết liền, không có dấu cách (ví dụ BC-THCSTX)."),
        ],
    )
    place = StringField("Địa danh", validators=[DataRequired(), Length(max=80)])
    preview = SubmitField("Xem trước")
    issue = SubmitField("Ban hành báo cáo")

    def texts(self) -> dict[str, str]:
        return {key: getattr(self, key).data or "" for key in service.TEXT_FIELDS}


@dataclass
class Issuer:
    """The admin's own school or unit, and the blueprint whose routes serve it."""

    blueprint: str
    school: School | None = None
    unit: Unit | None = None

    @property
    def scope(self) -> dict:
        return {"school": self.school, "unit": self.unit}


def school_issuer() -> Issuer:
    return Issuer("school", school=db.session.get(School, current_scope().own_school_id))


def unit_issuer() -> Issuer:
    return Issuer("office", unit=db.session.get(Unit, current_scope().own_unit_id))


def _helpers() -> dict:
    return {"vn_int": service.vn_int, "vn_percent": service.vn_percent}


def _document(figures: dict, texts: dict, number: int, issued_at) -> dict:
    """What the official page shows: the same for the preview, the issued report and the PDF."""
    return {
        "issuer": figures["name"],
        "parent": figures.get("parent", ""),
        "number": number,
        "dated": service.place_and_date(texts["place"], issued_at),
        "paragraphs": [p.strip() for p in texts["body"].split("\n") if p.strip()],
        "recipients": [line for line in texts["recipients"].split("\n") if line.strip()],
        "figures": figures,
        **{key: texts[key] for key in ("title", "symbol", "signer_title", "signer_name")},
    }


def index(issuer: Issuer):
    """GET: issued reports and the form prefilled with defaults, with a preview of today's figures.
    POST: "Xem trước" shows the edited texts on the official page; "Ban hành" issues and redirects."""
    year = current_year()
    if year is None:
        abort(404)
    if request.method == "GET":
        figures = service.figures_now(year, **issuer.scope)
        previous = service.last_report(**issuer.scope)
        form = ReportForm(data=service.default_texts(figures, previous, signer_name=current_user.full_name))
    else:
        form = ReportForm()
        if form.validate_on_submit() and form.issue.data:
            return _issue(issuer, year, form)  # issuing reads the figures itself, under the issuer's lock
        figures = service.figures_now(year, **issuer.scope)
    reports = db.session.scalars(service.reports_of(**issuer.scope)).all()
    years = {y.id: y.name for y in db.session.scalars(select(SchoolYear))} if reports else {}
    texts = service.clean_texts(form.texts())
    preview = _document(figures, texts, service.next_number(year, **issuer.scope), utcnow())
    return render_template(
        "reports/index.html",
        issuer=issuer,
        ep=issuer.blueprint,
        year=year,
        reports=reports,
        years=years,
        form=form,
        doc=preview,
        **_helpers(),
    )


def _issue(issuer: Issuer, year: SchoolYear, form: ReportForm):
    texts = form.texts()
    report = service.recent_repeat(current_user, year, texts, **issuer.scope)
    if report is None:
        try:
            report = service.issue_report(current_scope(), year, **issuer.scope, **texts)
        except service.ReportError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(f"{issuer.blueprint}.reports"))
        db.session.commit()
        flash(f"Đã ban hành báo cáo số {report.number}/{report.symbol}.", "success")
    return redirect(url_for(f"{issuer.blueprint}.report", report_id=report.id))


def show(issuer: Issuer, report_id: int):
    """The issued report as sent (frozen figures), with today's figures beside it on screen only."""
    report = report_or_404(report_id)
    year = db.session.get(SchoolYear, report.school_year_id)
    today = service.figures_now(year, **issuer.scope)
    texts = {key: getattr(report, key) for key in service.TEXT_FIELDS}
    return render_template(
        "reports/show.html",
        ep=issuer.blueprint,
        report=report,
        year=year,
        doc=_document(report.figures, texts, report.number, report.issued_at),
        today=today,
        changes=service.compare(report.figures, today),
        **_helpers(),
    )


def pdf(issuer: Issuer, report_id: int) -> Response:
    report = report_or_404(report_id)
    figures = report.figures
    data = service.render_pdf(report, figures["name"], figures.get("parent", ""))
    year = figures.get("year", "")
    stem = re.sub(r"[^A-Za-z0-9]+", "-", f"bao-cao-{report.number}-{report.symbol}-{year}").strip("-")
    return send_download(data, f"{stem}.pdf", "application/pdf")
