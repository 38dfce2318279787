"""Public verification of certificates: the address printed (and QR-coded) on a certificate, and its lookup."""

from __future__ import annotations

import segno
from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from ..models import Certificate
from .certificates import CODE_ALPHABET, CODE_LENGTH, normalise_code


def verification_url(site_url: str, code: str) -> str:
    """The public page that confirms a certificate: SITE_URL/xac-minh/<code>, the code without its dash."""
    return f"{site_url.rstrip('/')}/xac-minh/{normalise_code(code)}"


def verification_qr(url: str) -> Markup:
    """An inline SVG QR code of the verification address (our own URL: no user markup inside)."""
    return Markup(segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2))


def find_certificate(typed: str) -> Certificate | None:
    """The certificate with this code, however it was typed (dashes, spaces, lower case); None if unknown."""
    code = normalise_code(typed)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None  # cannot exist: no need to ask the database
    return db.session.scalar(select(Certificate).where(Certificate.code == code))
