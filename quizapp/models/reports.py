"""Official reports as issued: the figures are frozen so the report can be shown again exactly as sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class IssuedReport(db.Model):
    __tablename__ = "issued_report"
    __table_args__ = (
        CheckConstraint("(unit_id IS NULL) <> (school_id IS NULL)", name="unit_xor_school"),
        # One number per issuer and year (partial: a NULL unit_id or school_id never compares equal).
        Index(
            "uq_issued_report_school_number",
            "school_year_id",
            "school_id",
            "number",
            unique=True,
            sqlite_where=text("school_id IS NOT NULL"),
            postgresql_where=text("school_id IS NOT NULL"),
        ),
        Index(
            "uq_issued_report_unit_number",
            "school_year_id",
            "unit_id",
            "number",
            unique=True,
            sqlite_where=text("unit_id IS NOT NULL"),
            postgresql_where=text("unit_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    number: Mapped[int]  # "Số: 3/BC-…", counted per issuer and year
    symbol: Mapped[str] = mapped_column(String(40))  # the part after the slash, e.g. BC-THCSNC
    place: Mapped[str] = mapped_column(String(80))  # "Hà Nội"
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")  # one per line
    signer_title: Mapped[str] = mapped_column(String(120))
    signer_name: Mapped[str] = mapped_column(String(120))
    figures: Mapped[dict] = mapped_column(JSON)  # the coverage as it was when issued
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
