"""The audit recorder: one row per action that matters to a school. Flushes, never commits (the caller does)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AuditEvent, Role, User

PAGE_SIZE = 50
log = logging.getLogger(__name__)


def record(
    actor: User | None,
    action: str,
    target: User | None = None,
    *,
    school_id: int | None = None,
    **details,
) -> AuditEvent:
    """Note that actor (None: a command on the server) did action, to target, in school_id's school.

    details are counts, class names, formats: never a person's name (names are joined in when shown).
    """
    if school_id is None:
        school_id = target.school_id if target is not None and target.school_id else None
    if school_id is None and actor is not None and actor.role != Role.UNIT_ADMIN:
        school_id = actor.school_id
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        school_id=school_id,
        unit_id=actor.unit_id if actor is not None and actor.role == Role.UNIT_ADMIN else None,
        target_user_id=target.id if target is not None else None,
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    # Ids only: the log file must hold no child's name (see quizapp/logs.py).
    log.info("audit %s actor=%s target=%s school=%s", action, event.actor_id, event.target_user_id, school_id)
    return event


@dataclass
class AuditPage:
    events: list[AuditEvent]
    page: int
    pages: int
    total: int


def _page(where, page: int) -> AuditPage:
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(where)
            .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.target_user))
            .order_by(AuditEvent.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return AuditPage(events, page, pages, total)


def school_log(school_id: int, page: int = 1) -> AuditPage:
    """Everything done in one school (by its staff, its office or a command on the server): 3 queries."""
    return _page(AuditEvent.school_id == school_id, page)


def office_log(unit_id: int, page: int = 1) -> AuditPage:
    """What one office's own staff did: 3 queries."""
    return _page(AuditEvent.unit_id == unit_id, page)


_DETAIL_LABELS = {
    "class_name": "lớp {}",
    "created": "{} tài khoản mới",
    "updated": "{} học sinh cập nhật",
    "students": "{} học sinh",
    "accounts": "{} tài khoản",
    "number": "số {}",
    "format": "dạng {}",
    "before": "năm học kết thúc trước năm {}",
    "role": "vai trò {}",
    "decision": "{}",
    "what": None,  # the action's label already says it
    "years": None,
}


def describe(event: AuditEvent) -> str:
    """The entry's details in words (no names are stored, so none appear here)."""
    parts = []
    for key, value in (event.details or {}).items():
        template = _DETAIL_LABELS.get(key, f"{key}: {{}}")
        if template is not None and value not in (None, ""):
            parts.append(template.format(value))
    return ", ".join(parts)
