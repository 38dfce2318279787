"""Revocable sessions: what Flask-Login keeps in the session cookie and in the remember-me cookie.

The token is "<user id>.<session version>.<issued at>.<random>". Flask-Login signs it (the session with
SECRET_KEY, the remember-me cookie with an HMAC), so it cannot be forged; we check it on every request:

* the version must equal User.session_version, which logout, a password change and a teacher's reset
  raise: every session and remember-me cookie of that account issued before stops working at once;
* it must be younger than REMEMBER_COOKIE_DURATION (30 days), whatever the browser keeps;
* the random part makes every login's remember-me cookie different.
"""

from __future__ import annotations

import functools
import secrets
import time

from flask import current_app, request
from flask_login import login_user
from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import User


def _max_age() -> float:
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", 30 * 24 * 3600)
    return duration.total_seconds() if hasattr(duration, "total_seconds") else float(duration)


def new_token(user: User) -> str:
    return f"{user.id}.{user.session_version or 0}.{int(time.time())}.{secrets.token_urlsafe(9)}"


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the account, if this token is still one of its live sessions."""
    parts = token.split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]) or len(parts[0]) > 18:
        return None  # also every cookie issued before sessions were versioned (a bare user id)
    user_id, version, issued = (int(p) for p in parts[:3])
    if time.time() - issued > _max_age():
        return None
    user = db.session.scalar(_user_by_id(), {"user_id": user_id})
    if user is None or user.session_version != version:
        return None
    user.login_token = token
    return user


@functools.cache
def _user_by_id():
    """Built once per process: this runs on every request, and building the statement cost more than running it."""
    return select(User).where(User.id == bindparam("user_id"))


def start(user: User, remember: bool) -> None:
    """Log `user` in on this browser with a fresh token."""
    user.login_token = new_token(user)
    login_user(user, remember=remember)


def restart(user: User) -> None:
    """After a password change: this browser stays in (with a new token), every other session ends."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    start(user, remember=remembered)
