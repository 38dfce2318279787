"""Certificates: awarded when a learner first completes the programme, verifiable by a public code."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import Certificate, User
from .progress import current_year, programme_for

# No look-alike characters (0/O, 1/I/L), so a code read aloud or typed from paper works.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCDE12345 -> ABCDE-12345, easier to read on paper."""
    return f"{code[:5]}-{code[5:]}"


def normalise_code(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def certificate_of(user: User) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.user_id == user.id))


def award_if_complete(user: User) -> Certificate | None:
    """Create the learner's certificate the first time the programme is complete (flushes only)."""
    existing = certificate_of(user)
    if existing is not None:
        return existing
    year = current_year()
    if year is None or not programme_for(user).completed:
        return None
    certificate = Certificate(
        user_id=user.id,
        code=new_code(),
        school_year_id=year.id,
        full_name=user.full_name,
        school_name=user.school.name if user.school else "",
        year_name=year.name,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate
