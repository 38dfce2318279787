"""Official coverage reports (Báo cáo) in the layout of Nghị định 30/2020/NĐ-CP: figures, numbering, PDF.

A report freezes the coverage at the moment it is issued (`IssuedReport.figures`, plain JSON), so it can be
shown and printed again exactly as it was sent, whatever happens to the live figures afterwards.
Functions here flush but never commit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..models import AuditAction, IssuedReport, School, SchoolYear, Unit, User
from ..models._base import utcnow
from ..templating import vn_number
from . import audit
from .coverage import Counts, SchoolCoverage, UnitCoverage, school_coverage, unit_coverage
from .scope import Scope
from .targets import TargetView

VIETNAM = clock.VIETNAM
FIGURES_VERSION = 1
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT = "LiberationSerif"  # metric-compatible with Times New Roman, the font NĐ 30 prescribes
DEFAULT_PLACE = "Hà Nội"
DEFAULT_SIGNER_SCHOOL = "HIỆU TRƯỞNG"
DEFAULT_SIGNER_UNIT = "THỦ TRƯỞNG ĐƠN VỊ"
# A repeated submit (double click, back button) within this window returns the report already issued.
REPEAT_WINDOW = timedelta(minutes=2)
TABLE_HEADERS = ["Số học sinh", "Đã hoàn thành", "Tỉ lệ (%)", "Còn thiếu"]
TEXT_FIELDS = ("title", "place", "body", "recipients", "signer_title", "signer_name", "symbol")
TEXT_LIMITS = {"title": 300, "place": 80, "signer_title": 120, "signer_name": 120, "symbol": 40}  # the columns


class ReportError(ValueError):
    """A report cannot be issued as asked; the message is Vietnamese and meant for the user."""


# --- Numbers and dates the Vietnamese way ----------------------------------------------------------


def vn_int(value: int) -> str:
    """12345 -> "12.345" (Vietnamese thousands separator)."""
    return f"{int(value):,}".replace(",", ".")


def vn_percent(value: float) -> str:
    """66.7 -> "66,7"; 50.0 -> "50" (decimal comma, no useless ",0"); the pages use the same function."""
    return vn_number(value)


def vietnam_date(moment: datetime | None = None) -> date:
    """The calendar date in Vietnam (UTC+7) of a naive-UTC timestamp (default: now)."""
    return clock.local_date(moment) if moment else clock.today()


def long_date(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2026": NĐ 30 pads days below 10 and the months 1 and 2 with a zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, issued_at: datetime) -> str:
    return f"{place}, {long_date(vietnam_date(issued_at))}"


def managing_body(unit_name: str) -> str:
    """The managing body named above the issuer: a ward's or commune's schools answer to its People's Committee."""
    name = unit_name.strip()
    for prefix in ("Phường ", "Xã ", "Đặc khu "):
        if name.startswith(prefix):
            return "UBND " + name[0].lower() + name[1:]
    return name


def upper(text: str) -> str:
    return unicodedata.normalize("NFC", text).upper()


# --- Figures: a JSON snapshot --------------------------------------------------------------------------


def _target(target: TargetView) -> dict:
    return {
        "grades": [int(g) for g in target.grades],
        "percent": int(target.percent),
        "deadline": target.deadline.strftime("%d/%m/%Y") if target.deadline else None,
        "include_staff": bool(target.include_staff),
        "set_by": target.set_by,
    }


def _totals(counts: Counts, target_percent: int) -> dict:
    return {
        "enrolled": counts.enrolled,
        "started": counts.started,
        "completed": counts.completed,
        "percent": float(counts.percent),
        "gap": counts.gap(target_percent),
        "families": counts.families,
    }


def _staff(counts: Counts) -> dict:
    return {"count": counts.enrolled, "completed": counts.completed, "percent": float(counts.percent)}


def _row(label: str, counts: Counts, target_percent: int) -> list:
    return [label, counts.enrolled, counts.completed, float(counts.percent), counts.gap(target_percent)]


def figures_for_school(coverage: SchoolCoverage, year: SchoolYear, today: date | None = None) -> dict:
    """The school's coverage as plain JSON: totals, staff, and a row per target grade plus the total."""
    school, target, total = coverage.school, coverage.target, coverage.total
    return {
        "version": FIGURES_VERSION,
        "scope": "school",
        "name": school.name,
        "code": school.code,
        "parent": managing_body(school.unit.name) if school.unit else "",
        "year": year.name,
        "as_of": (today or vietnam_date()).strftime("%d/%m/%Y"),
        "target": _target(target),
        "totals": _totals(total, target.percent),
        "staff": _staff(coverage.staff),
        "table": {
            "headers": ["Khối", *TABLE_HEADERS],
            "rows": [_row(f"Khối {grade}", counts, target.percent) for grade, counts in coverage.by_grade.items()],
            "total": _row("Toàn trường", total, target.percent),
        },
    }


def figures_for_unit(coverage: UnitCoverage, year: SchoolYear, today: date | None = None) -> dict:
    """The unit's coverage as plain JSON: totals, staff, and a row per child unit (a province's wards), then per
    school attached to the unit itself, furthest from its target first; the page shows the same rows."""
    unit, target, total = coverage.unit, coverage.target, coverage.total

    def furthest_first(rows):
        return sorted(rows, key=lambda r: (-r.shortfall, -r.gap, r.name))

    rows = furthest_first(coverage.children) + furthest_first(coverage.direct_schools)
    label = "Trường" if not coverage.children else "Đơn vị, trường" if coverage.direct_schools else "Đơn vị"
    return {
        "version": FIGURES_VERSION,
        "scope": "unit",
        "name": unit.name,
        "code": unit.code,
        "parent": managing_body(unit.parent.name) if unit.parent else "",
        "year": year.name,
        "as_of": (today or vietnam_date()).strftime("%d/%m/%Y"),
        "target": _target(target),
        "totals": _totals(total, target.percent),
        "staff": _staff(coverage.staff),
        "schools": {"count": len(coverage.schools), "meeting_target": coverage.schools_meeting_target},
        "table": {
            "headers": [label, *TABLE_HEADERS],
            "rows": [_row(r.name, r.total, r.target.percent) for r in rows],
            "total": _row("Tổng cộng", total, target.percent),
        },
    }


def _one_issuer(school: School | None, unit: Unit | None) -> None:
    if (school is None) == (unit is None):
        raise ValueError("A report is issued by exactly one school or one unit.")


def figures_now(
    year: SchoolYear, *, school: School | None = None, unit: Unit | None = None, today: date | None = None
) -> dict:
    """Today's figures of a school or a unit, in the same shape as the frozen ones."""
    _one_issuer(school, unit)
    if school is not None:
        return figures_for_school(school_coverage(school, year), year, today)
    return figures_for_unit(unit_coverage(unit, year, per_class=False), year, today)  # no class is listed


# --- Default texts ---------------------------------------------------------------------------------------


def _grades(grades: list[int]) -> str:
    return ", ".join(str(g) for g in grades)


def default_body(figures: dict) -> str:
    """The body in words, generated from the figures; the officer edits it before issuing."""
    t, tot, staff = figures["target"], figures["totals"], figures["staff"]
    year, name, as_of = figures["year"], figures["name"], figures["as_of"]
    deadline = f" (hạn {t['deadline']})" if t.get("deadline") else ""
    grades = _grades(t["grades"])
    reached = (
        "đã đạt chỉ tiêu"
        if tot["gap"] == 0 and tot["enrolled"]
        else f"còn thiếu {vn_int(tot['gap'])} em để đạt chỉ tiêu"
    )
    intro = (
        f"Thực hiện kế hoạch cải cách hành chính năm học {year} về tuyên truyền, hướng dẫn học sinh sử dụng "
        f"dịch vụ công trực tuyến, {name} báo cáo kết quả như sau:"
    )
    if figures["scope"] == "school":
        who = f"Tính đến ngày {as_of}, toàn trường có {vn_int(tot['enrolled'])} học sinh khối {grades}"
        detail = "Số liệu chi tiết theo khối như bảng dưới đây."
        schools = ""
    else:
        s = figures["schools"]
        who = (
            f"Tính đến ngày {as_of}, {vn_int(s['count'])} trường trực thuộc có "
            f"{vn_int(tot['enrolled'])} học sinh khối {grades}"
        )
        schools = f" {vn_int(s['meeting_target'])}/{vn_int(s['count'])} trường đã đạt chỉ tiêu."
        per = {  # the first column of the table says what its rows are (figures_for_unit)
            "Trường": "từng trường (trường xa chỉ tiêu nhất xếp trước)",
            "Đơn vị": "từng đơn vị trực thuộc (đơn vị xa chỉ tiêu nhất xếp trước)",
        }.get(figures["table"]["headers"][0], "từng đơn vị trực thuộc, rồi từng trường trực thuộc trực tiếp")
        detail = f"Số liệu chi tiết theo {per} như bảng dưới đây."
    result = (
        f"{who}; {vn_int(tot['completed'])} em ({vn_percent(tot['percent'])}%) đã hoàn thành chương trình, "
        f"so với chỉ tiêu {t['percent']}%{deadline}; {reached}.{schools}"
    )
    staff_note = "" if t.get("include_staff", True) else " (không tính vào chỉ tiêu)"
    more = (
        f"Đã có {vn_int(tot['started'])} em bắt đầu học. Học sinh đã hướng dẫn "
        f"{vn_int(tot['families'])} lượt người thân sử dụng dịch vụ công trực tuyến (đã được giáo viên xác nhận). "
        f"Cán bộ, giáo viên, nhân viên: {vn_int(staff['completed'])}/{vn_int(staff['count'])} người "
        f"đã hoàn thành chương trình{staff_note}."
    )
    return "\n\n".join([intro, result, more, detail])


def default_signer_title(figures: dict) -> str:
    if figures["scope"] == "school":
        return DEFAULT_SIGNER_SCHOOL
    name = figures["name"].strip().lower()
    if name.startswith("phòng"):
        return "TRƯỞNG PHÒNG"
    if name.startswith("sở"):
        return "GIÁM ĐỐC"
    return DEFAULT_SIGNER_UNIT


def default_symbol(code: str) -> str:
    return ("BC-" + "".join(code.split()).upper())[:40]


def default_texts(figures: dict, previous: IssuedReport | None = None, signer_name: str = "") -> dict[str, str]:
    """Texts to prefill the form: generated from the figures; signer, place, recipients and symbol are
    taken from the issuer's previous report when there is one (the same principal signs next time).
    Before the first report, the signer is the person preparing it (`signer_name`), to correct if needed."""
    recipients = "- Như trên;\n- Lưu: VT."
    if figures.get("parent"):
        recipients = f"- {figures['parent']};\n{recipients}"
    texts = {
        "title": (
            "Kết quả tuyên truyền, hướng dẫn học sinh sử dụng dịch vụ công trực tuyến năm học " + figures["year"]
        ),
        "place": DEFAULT_PLACE,
        "body": default_body(figures),
        "recipients": recipients,
        "signer_title": default_signer_title(figures),
        "signer_name": signer_name,
        "symbol": default_symbol(figures["code"]),
    }
    if previous is not None:
        for key in ("place", "recipients", "signer_title", "signer_name", "symbol"):
            texts[key] = getattr(previous, key) or texts[key]
    return texts


# --- Issuing ---------------------------------------------------------------------------------------------


def reports_of(*, school: School | None = None, unit: Unit | None = None) -> Select:
    """The issuer's reports, newest first (a select(), so a view may paginate)."""
    _one_issuer(school, unit)
    scope = IssuedReport.school_id == school.id if school is not None else IssuedReport.unit_id == unit.id
    return select(IssuedReport).where(scope).order_by(IssuedReport.issued_at.desc(), IssuedReport.id.desc())


def last_report(*, school: School | None = None, unit: Unit | None = None) -> IssuedReport | None:
    return db.session.scalars(reports_of(school=school, unit=unit).limit(1)).first()


def next_number(year: SchoolYear, *, school: School | None = None, unit: Unit | None = None) -> int:
    """The next number of the issuer's reports in that school year, counted from 1."""
    _one_issuer(school, unit)
    scope = IssuedReport.school_id == school.id if school is not None else IssuedReport.unit_id == unit.id
    highest = db.session.scalar(
        select(func.max(IssuedReport.number)).where(IssuedReport.school_year_id == year.id, scope)
    )
    return (highest or 0) + 1


def _lock_issuer(school: School | None, unit: Unit | None) -> None:
    """Serialise issuing per issuer: PostgreSQL locks the school or unit row until commit. SQLite ignores
    FOR UPDATE, and needs nothing: every POST there already holds the write lock (BEGIN IMMEDIATE)."""
    if school is not None:
        db.session.execute(select(School.id).where(School.id == school.id).with_for_update())
    else:
        db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())


def clean_texts(texts: dict) -> dict[str, str]:
    """NFC, Unix newlines, no trailing spaces; the symbol upper case and without spaces."""
    cleaned = {}
    for key in TEXT_FIELDS:
        value = unicodedata.normalize("NFC", str(texts.get(key) or "")).replace("\r\n", "\n").replace("\r", "\n")
        cleaned[key] = "\n".join(line.rstrip() for line in value.strip().split("\n"))
    cleaned["symbol"] = "".join(cleaned["symbol"].split()).upper()
    for key in ("title", "place", "signer_title", "signer_name"):
        cleaned[key] = " ".join(cleaned[key].split())
    return cleaned


def recent_repeat(
    actor: User, year: SchoolYear, texts: dict, *, school: School | None = None, unit: Unit | None = None
) -> IssuedReport | None:
    """The same report issued moments ago by the same person (a double submit), if any. Takes the issuer lock."""
    _one_issuer(school, unit)
    _lock_issuer(school, unit)
    latest = db.session.scalars(
        reports_of(school=school, unit=unit).where(IssuedReport.school_year_id == year.id).limit(1)
    ).first()
    if latest is None or latest.issued_by_id != actor.id or utcnow() - latest.issued_at > REPEAT_WINDOW:
        return None
    cleaned = clean_texts(texts)
    return latest if all(getattr(latest, k) == cleaned[k] for k in TEXT_FIELDS) else None


def issue_report(
    scope: Scope,
    year: SchoolYear,
    *,
    school: School | None = None,
    unit: Unit | None = None,
    title: str,
    place: str,
    body: str,
    recipients: str,
    signer_title: str,
    signer_name: str,
    symbol: str,
) -> IssuedReport:
    """Number the report and freeze today's figures in it (flushes only)."""
    _one_issuer(school, unit)
    if not scope.may_issue_for(school=school, unit=unit):  # quizapp/scope.py decides
        raise ReportError("Tài khoản này không được ban hành báo cáo của đơn vị đó.")
    texts = clean_texts(
        dict(
            title=title,
            place=place,
            body=body,
            recipients=recipients,
            signer_title=signer_title,
            signer_name=signer_name,
            symbol=symbol,
        )
    )
    for key, label in (("title", "trích yếu"), ("place", "địa danh"), ("signer_title", "chức vụ người ký")):
        if not texts[key]:
            raise ReportError(f"Cần nhập {label}.")
    if not texts["symbol"]:
        raise ReportError("Cần nhập ký hiệu văn bản.")
    for key, limit in TEXT_LIMITS.items():
        if len(texts[key]) > limit:
            raise ReportError(f"Nội dung quá dài (tối đa {limit} ký tự).")
    _lock_issuer(school, unit)
    now = utcnow()
    figures = figures_now(year, school=school, unit=unit, today=vietnam_date(now))
    number = next_number(year, school=school, unit=unit)
    for retry in (False, True):
        report = IssuedReport(
            school_year_id=year.id,
            school_id=school.id if school is not None else None,
            unit_id=unit.id if unit is not None else None,
            number=number,
            figures=figures,
            issued_at=now,
            issued_by_id=scope.user.id,
            **texts,
        )
        try:
            with db.session.begin_nested():
                db.session.add(report)
            audit.record(scope.user, AuditAction.REPORT_ISSUE, school_id=school.id if school else None, number=number)
            return report
        except IntegrityError:
            if retry:
                raise
            number = max(next_number(year, school=school, unit=unit), number + 1)  # taken meanwhile: the next
    raise AssertionError("unreachable")


# --- Comparing the frozen figures with today's ------------------------------------------------------


@dataclass
class Change:
    label: str
    then: str
    now: str
    delta: str  # "+3", "−1,5" or "" when unchanged


def _delta(then: float, now: float, percent: bool) -> str:
    diff = round(now - then, 1)
    if not diff:
        return ""
    text = vn_percent(abs(diff)) if percent else vn_int(abs(diff))
    return ("+" if diff > 0 else "−") + text + (" điểm %" if percent else "")


def compare(frozen: dict, today: dict) -> list[Change]:
    """What changed since the report was issued, line by line, for the on-screen panel."""
    rows = [
        ("Số học sinh", ("totals", "enrolled"), False),
        ("Đã bắt đầu học", ("totals", "started"), False),
        ("Đã hoàn thành", ("totals", "completed"), False),
        ("Tỉ lệ hoàn thành", ("totals", "percent"), True),
        ("Còn thiếu để đạt chỉ tiêu", ("totals", "gap"), False),
        ("Lượt người thân được hướng dẫn", ("totals", "families"), False),
        ("CB, GV, NV đã hoàn thành", ("staff", "completed"), False),
    ]
    changes = []
    for label, (group, key), percent in rows:
        then, now = frozen.get(group, {}).get(key, 0), today.get(group, {}).get(key, 0)
        show = (lambda v: vn_percent(v) + "%") if percent else vn_int
        changes.append(Change(label, show(then), show(now), _delta(then, now, percent)))
    return changes


# --- The PDF ------------------------------------------------------------------------------------------------

MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
BODY_SIZE = 13
LINE = 6.2  # mm per line of 13 pt text: about 1.35 lines
LEFT_BLOCK = 70  # width of the issuer's column in the header; the rest is the national motto's


class _OfficialPDF(FPDF):
    def header(self) -> None:
        # NĐ 30: pages numbered from 1, centred in the top margin, the first page's number not shown.
        if self.page_no() > 1:
            self.set_font(FONT, "", BODY_SIZE)
            self.set_y(10)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(MARGIN_TOP)


def _pdf() -> FPDF:
    pdf = _OfficialPDF(orientation="P", unit="mm", format="A4")
    for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
        pdf.add_font(FONT, style, str(FONT_DIR / f"{FONT}-{suffix}.ttf"))
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.3)
    return pdf


def _centred(pdf: FPDF, x: float, w: float, text: str, style: str, size: float, h: float = 5.6) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_xy(x, pdf.get_y())
    pdf.multi_cell(w, h, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)


def _rule(pdf: FPDF, centre: float, length: float, y: float) -> None:
    pdf.line(centre - length / 2, y, centre + length / 2, y)


def _cell_text(value, column: int) -> str:
    if column == 0:
        return str(value)
    if column == 3:
        return vn_percent(value)
    return vn_int(value)


def render_pdf(report: IssuedReport, issuer_name: str, parent_name: str, *, compress: bool = True) -> bytes:
    """The report on A4 in the NĐ 30 layout, from the frozen figures. `compress=False` keeps the page
    streams readable, for tests."""
    figures = report.figures
    pdf = _pdf()
    pdf.set_compression(compress)
    pdf.set_title(f"Báo cáo số {report.number}/{report.symbol}")
    pdf.set_author(issuer_name)
    pdf.set_creator("Học dịch vụ công trực tuyến")
    pdf.add_page()
    left_x, width = pdf.l_margin, pdf.epw
    right_x, right_w = left_x + LEFT_BLOCK, width - LEFT_BLOCK

    # 1–2: the managing body and the issuer (left), the national motto (right).
    top = pdf.get_y()
    if parent_name:
        _centred(pdf, left_x, LEFT_BLOCK, upper(parent_name), "", 12)
    _centred(pdf, left_x, LEFT_BLOCK, upper(issuer_name), "B", 12)
    left_end = pdf.get_y() + 1
    _rule(pdf, left_x + LEFT_BLOCK / 2, LEFT_BLOCK / 3, left_end)
    pdf.set_y(top)
    _centred(pdf, right_x, right_w, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12)
    motto = "Độc lập - Tự do - Hạnh phúc"
    _centred(pdf, right_x, right_w, motto, "B", 13, h=6)
    right_end = pdf.get_y() + 0.6
    _rule(pdf, right_x + right_w / 2, pdf.get_string_width(motto), right_end)

    # 3–4: number and symbol (left), place and date in italics (right).
    pdf.set_y(max(left_end, right_end) + 3)
    row = pdf.get_y()
    _centred(pdf, left_x, LEFT_BLOCK, f"Số: {report.number}/{report.symbol}", "", BODY_SIZE, h=6)
    pdf.set_y(row)
    _centred(pdf, right_x, right_w, place_and_date(report.place, report.issued_at), "I", BODY_SIZE, h=6)

    # 5: document type and summary (trích yếu), centred.
    pdf.set_y(pdf.get_y() + 8)
    _centred(pdf, left_x, width, "BÁO CÁO", "B", 14, h=7)
    title_start = pdf.get_y()
    _centred(pdf, left_x + 15, width - 30, report.title, "B", 14, h=6.5)
    if pdf.get_y() > title_start:
        _rule(pdf, left_x + width / 2, 40, pdf.get_y() + 1)
    pdf.set_y(pdf.get_y() + 6)

    # 6: the body, justified, first lines indented 1.27 cm, 6 pt between paragraphs; then the figures.
    pdf.set_font(FONT, "", BODY_SIZE)
    paragraphs = [p.strip() for p in report.body.split("\n") if p.strip()]
    if paragraphs:
        with pdf.text_columns(text_align="J", line_height=1.35) as columns:
            for paragraph in paragraphs:
                with columns.paragraph(first_line_indent=12.7, bottom_margin=2.1) as par:
                    par.write(paragraph)
    _figures_table(pdf, figures)

    # 9 and 7: recipients (left) and the signer (right), kept together on one page.
    pdf.set_y(pdf.get_y() + 6)
    recipients = [line for line in report.recipients.split("\n") if line.strip()]
    needed = max(8 + 5 * len(recipients), 50)
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    row = pdf.get_y()
    pdf.set_xy(left_x, row)
    pdf.set_font(FONT, "BI", 12)
    pdf.cell(LEFT_BLOCK, 6, "Nơi nhận:", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    for line in recipients:
        pdf.set_x(left_x)
        pdf.multi_cell(LEFT_BLOCK, 5, line, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(row)
    _centred(pdf, right_x, right_w, upper(report.signer_title), "B", BODY_SIZE, h=6)
    pdf.set_y(pdf.get_y() + 26)  # room for the signature and the seal
    _centred(pdf, right_x, right_w, report.signer_name, "B", BODY_SIZE, h=6)
    return bytes(pdf.output())


def _figures_table(pdf: FPDF, figures: dict) -> None:
    table = figures.get("table") or {}
    if not table.get("rows") and not table.get("total"):
        return
    pdf.set_y(pdf.get_y() + 2)
    pdf.set_font(FONT, "", 12)
    first = 0.40 if figures.get("scope") == "unit" else 0.28
    rest = (1 - first) / 4
    with pdf.table(
        align="LEFT",  # from the left margin: CENTER would centre on the paper, ignoring the wider left margin
        col_widths=(first, rest, rest, rest, rest),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=6,
        padding=(1, 1.5),
        repeat_headings=1,
    ) as grid:
        head = grid.row()
        for header in table["headers"]:
            head.cell(header, align="CENTER")
        for values in table.get("rows", []):
            row = grid.row()
            for column, value in enumerate(values):
                row.cell(_cell_text(value, column))
        if table.get("total"):
            row = grid.row(style=FontFace(emphasis="BOLD"))
            for column, value in enumerate(table["total"]):
                row.cell(_cell_text(value, column))
