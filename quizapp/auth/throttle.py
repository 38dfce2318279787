"""Failed-login limits that hold across gunicorn workers and servers, and cannot lock a user out from afar.

Two limits, counted only when a login is refused (a correct password never counts):

* per account *and* client address: 10 wrong passwords in 5 minutes. Someone guessing from another
  computer uses up their own address's allowance, not the real user's. The key also carries a digest of
  the current password hash, so a teacher's password reset (or the user's own change) lifts the lock.
* per client address, whatever the username: against trying one slip-like password on many accounts.
  Generous enough for a computer lab behind one address on its first-login day.

Counters live in the app's own database by default ("database://", the table rate_limit_counter), so every
worker and every server sharing the database shares them; RATELIMIT_STORAGE_URI=redis://… moves them to
Redis. If that store stops answering, Flask-Limiter falls back to per-worker memory with a warning in the
log (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) and logins keep working.
"""

from __future__ import annotations

import hashlib
import random
import re
import time

from flask import request
from limits.storage import Storage
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter

# The only views with limits. Every other request skips Flask-Limiter's per-request work (limiter.request_filter).
LIMITED_ENDPOINTS = frozenset({"auth.login"})


@limiter.request_filter
def _not_rate_limited() -> bool:
    return request.endpoint not in LIMITED_ENDPOINTS


PER_ACCOUNT = "10 per 5 minutes"
PER_ADDRESS = "30 per minute;200 per hour"
ACCOUNT_MESSAGE = (
    "Tài khoản này vừa đăng nhập sai nhiều lần từ máy này. Hãy đợi 5 phút rồi thử lại, "
    "hoặc nhờ thầy cô cấp lại mật khẩu (cấp lại sẽ mở khoá ngay)."
)
ADDRESS_MESSAGE = (
    "Có quá nhiều lần đăng nhập sai từ mạng này. Hãy đợi vài phút rồi thử lại; "
    "nếu cả phòng máy gặp lỗi này, hãy báo thầy cô."
)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def posted_username() -> str:
    """The username from a form post or a JSON post alike (both reach the same login view)."""
    value = request.form.get("username")
    if value is None and request.is_json:
        body = request.get_json(silent=True)
        value = body.get("username") if isinstance(body, dict) else None
    # Control characters (a NUL breaks a PostgreSQL query) are no one's username: drop them for the key.
    return _CONTROL.sub("", str(value or "")).strip().lower()[:60]


def client_address() -> str:
    # ProxyFix (TRUSTED_PROXIES) has already replaced the proxy's address with the client's.
    return request.remote_addr or "unknown"


def account_key() -> str:
    from ..models import User

    username = posted_username()
    password_hash = db.session.scalar(select(User.password_hash).where(func.lower(User.username) == username))
    credential = hashlib.sha256((password_hash or "").encode()).hexdigest()[:12]
    return f"account:{username}:{credential}:{client_address()}"


def address_key() -> str:
    return f"address:{client_address()}"


def refused(response) -> bool:
    """A login page shown again (200) is a refused login; a redirect is a success, a 400 a bad form."""
    return response.status_code == 200


class DatabaseStorage(Storage):
    """A fixed-window counter store for `limits` in the app's database (SQLite or PostgreSQL).

    It runs inside the request's own database session, so on SQLite it never waits for a lock that the same
    request already holds.
    """

    STORAGE_SCHEME = ["database"]
    CLEANUP_CHANCE = 0.02  # now and then, forget counters that expired over an hour ago

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def _run(self, statement, params: dict | None = None, commit: bool = False, value: bool = True):
        try:
            result = db.session.execute(statement, params or {})
            value = result.scalar() if value else None
            if commit:
                db.session.commit()
            return value
        except SQLAlchemyError:
            db.session.rollback()
            raise

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        from ..models.people import RateLimitCounter

        now = time.time()
        if random.random() < self.CLEANUP_CHANCE:
            self._run(delete(RateLimitCounter).where(RateLimitCounter.expires_at < now - 3600), value=False)
        # One statement on both databases: a new window starts when the old one has expired.
        return self._run(
            text(
                "INSERT INTO rate_limit_counter (name, hits, expires_at) VALUES (:name, :amount, :ends) "
                "ON CONFLICT (name) DO UPDATE SET "
                "hits = CASE WHEN rate_limit_counter.expires_at <= :now THEN :amount "
                "ELSE rate_limit_counter.hits + :amount END, "
                "expires_at = CASE WHEN rate_limit_counter.expires_at <= :now THEN :ends "
                "ELSE rate_limit_counter.expires_at END "
                "RETURNING hits"
            ),
            {"name": key, "amount": amount, "ends": now + expiry, "now": now},
            commit=True,
        )

    def get(self, key: str) -> int:
        from ..models.people import RateLimitCounter

        hits = self._run(
            select(RateLimitCounter.hits).where(RateLimitCounter.name == key, RateLimitCounter.expires_at > time.time())
        )
        return hits or 0

    def get_expiry(self, key: str) -> float:
        from ..models.people import RateLimitCounter

        ends = self._run(select(RateLimitCounter.expires_at).where(RateLimitCounter.name == key))
        return ends if ends and ends > time.time() else time.time()

    def check(self) -> bool:
        try:
            self._run(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        from ..models.people import RateLimitCounter

        count = db.session.query(RateLimitCounter).count()
        self._run(delete(RateLimitCounter), commit=True, value=False)
        return count

    def clear(self, key: str) -> None:
        from ..models.people import RateLimitCounter

        self._run(delete(RateLimitCounter).where(RateLimitCounter.name == key), commit=True, value=False)
