"""Helpers shared by the model modules."""

import enum
from datetime import UTC, datetime

from markupsafe import Markup
from sqlalchemy import CheckConstraint


def utcnow() -> datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class trusted_html:  # noqa: N801  (used like @property)
    """A Markup view of an HTML column that content sync rendered from Markdown with raw HTML disabled.

    The one place where stored HTML is declared safe: templates print the view (`{{ lesson.body }}`), never
    the column through `|safe`.
    """

    def __init__(self, column: str):
        self.column = column

    def __get__(self, obj, owner=None):
        return self if obj is None else Markup(getattr(obj, self.column) or "")


def one_of(column: str, values: type[enum.StrEnum], name: str) -> CheckConstraint:
    """A CHECK constraint generated from a StrEnum, so the database and the code name the same values."""
    listed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)
