"""Jinja filters: dates and times shown in Vietnam time (UTC+7, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from flask import Flask

VIETNAM = timezone(timedelta(hours=7))


def local_time(value: datetime | None, fmt: str = "%H:%M %d/%m/%Y") -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone(VIETNAM).strftime(fmt)


def vn_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def duration(seconds: int | None) -> str:
    minutes = (seconds or 0) // 60
    return f"{minutes} phút" if minutes else "dưới 1 phút"


def register(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(vn_date, "vn_date")
    app.add_template_filter(duration, "duration")
