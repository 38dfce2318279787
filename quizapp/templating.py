"""Jinja filters: dates and times shown in Vietnam time (UTC+7, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from .clock import VIETNAM


def local_time(value: datetime | None, fmt: str = "%H:%M %d/%m/%Y") -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone(VIETNAM).strftime(fmt)


def vn_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def duration(seconds: int | None) -> str:
    minutes = (seconds or 0) // 60
    return f"{minutes} phút" if minutes else "dưới 1 phút"


def vn_number(value, digits: int = 1) -> str:
    """16.1 -> "16,1", 50.0 -> "50", 12345 -> "12.345": the Vietnamese decimal comma and thousands dot."""
    if value is None:
        return ""
    text = f"{round(float(value), digits):,.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value) -> str:
    """A share shown on a page, the same as in the PDF reports: "16,1%"."""
    return "" if value is None else vn_number(value) + "%"


def register(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(vn_date, "vn_date")
    app.add_template_filter(duration, "duration")
    app.add_template_filter(vn_number, "vn_number")
    app.add_template_filter(percent, "percent")
