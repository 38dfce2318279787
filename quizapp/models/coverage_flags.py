"""Per-enrolment coverage flags, kept current by database triggers in the same transaction as each event.

A coverage page needs, for every enrolled student, three facts: started (opened a lesson or a quiz),
completed (holds a certificate, and when), and how many relatives they guided were confirmed. Computing
them by joining 3 million attempts on every page view cost seconds at city size, so each enrolment row
carries them. Triggers (not Python) maintain them, so every writer — the web app, the roster importer,
the bulk demo builder, a manual fix in psql — keeps them right. `flask coverage verify` recomputes them
from the raw rows and reports any difference.
"""

from __future__ import annotations

from sqlalchemy import event

from ..clock import OFFSET_HOURS

# One user's three facts, recomputed from the raw rows. {uid} is the user id expression.
_REFRESH = """UPDATE enrollment SET
    has_started = (EXISTS (SELECT 1 FROM lesson_progress WHERE lesson_progress.user_id = {uid})
                   OR EXISTS (SELECT 1 FROM attempt WHERE attempt.user_id = {uid})),
    completed_at = (SELECT certificate.issued_at FROM certificate WHERE certificate.user_id = {uid}),
    families_confirmed = (SELECT count(*) FROM family_outreach
                          WHERE family_outreach.student_id = {uid} AND family_outreach.status = 'confirmed')
WHERE enrollment.student_id = {uid}"""

# Every enrolment at once: the backfill, and the repair after `flask coverage verify --fix`.
REFRESH_ALL = _REFRESH.replace("WHERE enrollment.student_id = {uid}", "").format(uid="enrollment.student_id")

# Opening a lesson or a quiz is the hot path: one conditional update, no recount.
_STARTED = "UPDATE enrollment SET has_started = {true} WHERE student_id = {uid} AND NOT has_started"

# (trigger name, table, timing/event clause, statements using NEW/OLD)
_TRIGGERS = [
    (
        "trg_cov_lesson_progress_ins",
        "lesson_progress",
        "AFTER INSERT",
        [_STARTED.format(true="{true}", uid="NEW.user_id")],
    ),
    ("trg_cov_attempt_ins", "attempt", "AFTER INSERT", [_STARTED.format(true="{true}", uid="NEW.user_id")]),
    ("trg_cov_lesson_progress_del", "lesson_progress", "AFTER DELETE", [_REFRESH.format(uid="OLD.user_id")]),
    ("trg_cov_attempt_del", "attempt", "AFTER DELETE", [_REFRESH.format(uid="OLD.user_id")]),
    ("trg_cov_certificate_ins", "certificate", "AFTER INSERT", [_REFRESH.format(uid="NEW.user_id")]),
    (
        "trg_cov_certificate_upd",
        "certificate",
        "AFTER UPDATE",
        [_REFRESH.format(uid="OLD.user_id"), _REFRESH.format(uid="NEW.user_id")],
    ),
    ("trg_cov_certificate_del", "certificate", "AFTER DELETE", [_REFRESH.format(uid="OLD.user_id")]),
    ("trg_cov_outreach_ins", "family_outreach", "AFTER INSERT", [_REFRESH.format(uid="NEW.student_id")]),
    (
        "trg_cov_outreach_upd",
        "family_outreach",
        "AFTER UPDATE",
        [_REFRESH.format(uid="OLD.student_id"), _REFRESH.format(uid="NEW.student_id")],
    ),
    ("trg_cov_outreach_del", "family_outreach", "AFTER DELETE", [_REFRESH.format(uid="OLD.student_id")]),
    ("trg_cov_enrollment_ins", "enrollment", "AFTER INSERT", [_REFRESH.format(uid="NEW.student_id")]),
    ("trg_cov_enrollment_upd", "enrollment", "AFTER UPDATE OF student_id", [_REFRESH.format(uid="NEW.student_id")]),
]


# Counters summed from the flags above, so a province page reads ~7,200 class rows and ~70,000 day rows instead
# of 300,000 enrolments. A cascade: any change of an enrolment's class or flags (by the triggers above or
# directly) moves its contribution from OLD to NEW. {r} is NEW or OLD, {s} the sign ("" or "-").
_BUMP_CLASS = """INSERT INTO class_coverage (class_id, enrolled, started, completed, families)
VALUES ({r}.class_id, {s}1, {s}(CASE WHEN {r}.has_started THEN 1 ELSE 0 END),
        {s}(CASE WHEN {r}.completed_at IS NULL THEN 0 ELSE 1 END), {s}{r}.families_confirmed)
ON CONFLICT (class_id) DO UPDATE SET enrolled = class_coverage.enrolled + excluded.enrolled,
    started = class_coverage.started + excluded.started, completed = class_coverage.completed + excluded.completed,
    families = class_coverage.families + excluded.families"""

# Completions per (school, year, grade, Vietnam day): the chart's cumulative line. {day} is the dialect's date.
_DAY_UPSERT = """ON CONFLICT (school_id, school_year_id, grade, day)
DO UPDATE SET completed = school_completion_day.completed + excluded.completed"""
_BUMP_DAY = (
    """INSERT INTO school_completion_day (school_id, school_year_id, grade, day, completed)
SELECT school_id, school_year_id, grade, {day}, {s}1 FROM school_class
WHERE school_class.id = {r}.class_id AND {r}.completed_at IS NOT NULL
"""
    + _DAY_UPSERT
)

# A class moved to another school, year or grade takes its completions along (rare: a correction by hand).
_MOVE_CLASS_DAYS = (
    """INSERT INTO school_completion_day (school_id, school_year_id, grade, day, completed)
SELECT {r}.school_id, {r}.school_year_id, {r}.grade, {day}, {s}count(*) FROM enrollment
WHERE enrollment.class_id = {r}.id AND enrollment.completed_at IS NOT NULL GROUP BY {day}
"""
    + _DAY_UPSERT
)

# Rebuild both counter tables from the enrolment flags in one pass each: the backfill and `verify --fix`.
REBUILD_COUNTERS = [
    "DELETE FROM class_coverage",
    """INSERT INTO class_coverage (class_id, enrolled, started, completed, families)
SELECT class_id, count(*), sum(CASE WHEN has_started THEN 1 ELSE 0 END), count(completed_at), sum(families_confirmed)
FROM enrollment GROUP BY class_id""",
    "DELETE FROM school_completion_day",
    """INSERT INTO school_completion_day (school_id, school_year_id, grade, day, completed)
SELECT school_class.school_id, school_class.school_year_id, school_class.grade, {day}, count(*)
FROM enrollment JOIN school_class ON school_class.id = enrollment.class_id
WHERE enrollment.completed_at IS NOT NULL
GROUP BY school_class.school_id, school_class.school_year_id, school_class.grade, {day}""",
]


def vietnam_day_sql(dialect: str, column: str) -> str:
    """The Vietnam date of a UTC timestamp, as clock.vietnam_date compiles it (the chart groups by it)."""
    if dialect == "sqlite":
        return f"date({column}, '+{OFFSET_HOURS} hours')"
    return f"CAST(({column}) + INTERVAL '{OFFSET_HOURS} hours' AS DATE)"


def rebuild_statements(dialect: str) -> list[str]:
    day = vietnam_day_sql(dialect, "enrollment.completed_at")
    return [s.replace("{day}", day) for s in REBUILD_COUNTERS]


def _counter_triggers(dialect: str) -> list[tuple[str, str, str, str | None, list[str]]]:
    """(name, table, event clause, WHEN condition, statements) of the counter triggers for one dialect."""
    ne = " IS NOT " if dialect == "sqlite" else " IS DISTINCT FROM "

    def bump(r: str, s: str) -> list[str]:
        day = vietnam_day_sql(dialect, f"{r}.completed_at")
        return [_BUMP_CLASS.format(r=r, s=s), _BUMP_DAY.format(r=r, s=s, day=day)]

    def changed(columns: list[str]) -> str:
        return " OR ".join(f"OLD.{c}{ne}NEW.{c}" for c in columns)

    flags = ["class_id", "has_started", "completed_at", "families_confirmed"]
    moved = ["school_id", "school_year_id", "grade"]
    day = vietnam_day_sql(dialect, "enrollment.completed_at")
    return [
        ("trg_cnt_enrollment_ins", "enrollment", "AFTER INSERT", None, bump("NEW", "")),
        ("trg_cnt_enrollment_del", "enrollment", "AFTER DELETE", None, bump("OLD", "-")),
        (
            "trg_cnt_enrollment_upd",
            "enrollment",
            "AFTER UPDATE OF " + ", ".join(flags),
            changed(flags),  # the flag triggers rewrite unchanged values: those updates cost nothing here
            bump("OLD", "-") + bump("NEW", ""),
        ),
        (
            "trg_cnt_class_upd",
            "school_class",
            "AFTER UPDATE OF " + ", ".join(moved),
            changed(moved),
            [_MOVE_CLASS_DAYS.format(r="OLD", s="-", day=day), _MOVE_CLASS_DAYS.format(r="NEW", s="", day=day)],
        ),
    ]


def trigger_statements(dialect: str, counters: bool = True) -> list[str]:
    """CREATE statements for the coverage triggers on SQLite or PostgreSQL (idempotent on both).

    By default with the counter triggers: a later SQLite batch migration that recreates enrollment or
    school_class drops their triggers and must put all of them back. Only migration 0003, which runs before
    the counter tables exist (SQLite rejects a trigger on them), passes counters=False."""
    triggers = [(name, table, when, None, body) for name, table, when, body in _TRIGGERS]
    if counters:
        triggers += _counter_triggers(dialect)
    statements = []
    for name, table, when, condition, body in triggers:
        if dialect == "sqlite":
            sql = ";\n".join(s.replace("{true}", "1") for s in body)
            guard = f" WHEN {condition}" if condition else ""
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
            statements.append(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW{guard} BEGIN\n{sql};\nEND")
        elif dialect == "postgresql":
            sql = ";\n".join(s.replace("{true}", "true") for s in body)
            guard = f" WHEN ({condition})" if condition else ""
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{sql};\nRETURN NULL;\nEND $$"
            )
            statements.append(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            statements.append(
                f'CREATE TRIGGER {name} {when} ON "{table}" FOR EACH ROW{guard} EXECUTE FUNCTION {name}_fn()'
            )
    return statements


def counter_drop_statements(dialect: str) -> list[str]:
    """Drop only the counter triggers (migration 0008's downgrade)."""
    statements = []
    for name, table, *_ in _counter_triggers(dialect):
        if dialect == "sqlite":
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
        else:
            statements.append(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            statements.append(f"DROP FUNCTION IF EXISTS {name}_fn()")
    return statements


def install(metadata) -> None:
    """Create the triggers whenever the schema is created from the models (tests, a fresh database)."""

    @event.listens_for(metadata, "after_create")
    def _create_triggers(_target, connection, **_kw) -> None:
        for statement in trigger_statements(connection.dialect.name, counters=True):
            connection.exec_driver_sql(statement)
