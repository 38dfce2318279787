"""One clock for the whole app: Vietnam time (UTC+7, no daylight saving).

Timestamps are stored in UTC (models._base.utcnow); every "today", every date printed on an export, a
chart or a report, and every day a timestamp is grouped under is the date in Vietnam. The server's own
time zone (often UTC) never matters: from 00:00 to 07:00 in Vietnam it is still yesterday in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

VIETNAM = timezone(timedelta(hours=7), "ICT")
OFFSET_HOURS = 7


def now() -> datetime:
    """The current time in Vietnam, time-zone aware."""
    return datetime.now(VIETNAM)


def today() -> date:
    """Today's date in Vietnam."""
    return now().date()


def local(moment: datetime) -> datetime:
    """A stored UTC timestamp (naive, as the database keeps it) in Vietnam time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM)


def local_date(moment: datetime) -> date:
    return local(moment).date()


class vietnam_date(FunctionElement):  # noqa: N801  (used like func.date)
    """SQL: the Vietnam date of a UTC timestamp column, for grouping by day in the database."""

    type = Date()
    inherit_cache = True
    name = "vietnam_date"


@compiles(vietnam_date, "sqlite")
def _vietnam_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+{OFFSET_HOURS} hours')"


@compiles(vietnam_date, "postgresql")
def _vietnam_date_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '{OFFSET_HOURS} hours' AS DATE)"
