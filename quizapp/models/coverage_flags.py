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


def trigger_statements(dialect: str) -> list[str]:
    """CREATE statements for the coverage triggers on SQLite or PostgreSQL (idempotent on both)."""
    statements = []
    for name, table, when, body in _TRIGGERS:
        if dialect == "sqlite":
            sql = ";\n".join(s.replace("{true}", "1") for s in body)
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
            statements.append(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW BEGIN\n{sql};\nEND")
        elif dialect == "postgresql":
            sql = ";\n".join(s.replace("{true}", "true") for s in body)
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{sql};\nRETURN NULL;\nEND $$"
            )
            statements.append(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            statements.append(f'CREATE TRIGGER {name} {when} ON "{table}" FOR EACH ROW EXECUTE FUNCTION {name}_fn()')
    return statements


def install(metadata) -> None:
    """Create the triggers whenever the schema is created from the models (tests, a fresh database)."""

    @event.listens_for(metadata, "after_create")
    def _create_triggers(_target, connection, **_kw) -> None:
        for statement in trigger_statements(connection.dialect.name):
            connection.exec_driver_sql(statement)
