"""Cross-cutting protections: bounded ids in URLs, security headers, no caching of pupils' data, quiet logs.

* `<int:…>` in every route only matches ids the database can hold (PostgreSQL `integer`): a larger number is
  a 404 page, not an overflow error (500) in the driver.
* Every response carries a Content-Security-Policy without inline scripts, refuses to be framed, and is not
  sniffed; pages seen by a logged-in user (children's names, results) are never stored by the browser or a
  proxy cache (`Cache-Control: no-store`).
* Error logs carry neither login usernames nor the values sent to the database: the engine hides SQL
  parameters, and a filter masks usernames in messages from the app, the limiter and the servers.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, request, session
from flask.logging import default_handler
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL `integer`; SQLite's limit (2**63 - 1) is higher

# Styles: inline style="width: 40%" attributes draw the progress bars; no inline <script> anywhere.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers without frame-ancestors
    "Referrer-Policy": "same-origin",
}


class BoundedIntConverter(IntegerConverter):
    """`<int:id>` that only matches 0…2**31-1."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed)


# "account:<username>:…" (limiter keys), u=<username> (QR links), username=… (form dumps), 'username': '…'
_PATTERNS = [
    (re.compile(r"(account:)[^:\s]*"), r"\1***"),
    (re.compile(r"([?&]u=)[^&\s\"']*"), r"\1***"),
    (re.compile(r"(username['\"]?\s*[:=]\s*['\"]?)[^&\s'\",}]*"), r"\1***"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    """Masks usernames in a log record (its message is formatted once, here)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


LOGGERS = ("", "quizapp", "flask.app", "flask-limiter", "werkzeug", "gunicorn.error", "gunicorn.access", "sqlalchemy")
_FILTER = RedactFilter()


def show_limiter_warnings() -> None:
    """Flask-Limiter logs to a NullHandler: without a logging set-up, "storage unreachable, falling back to
    memory" would vanish. Send its warnings where Flask's own go (stderr: gunicorn's error log)."""
    limiter_log = logging.getLogger("flask-limiter")
    has_output = any(not isinstance(h, logging.NullHandler) for h in limiter_log.handlers)
    if not has_output and not logging.getLogger().handlers:
        limiter_log.addHandler(default_handler)


def install_log_filter(app: Flask) -> None:
    show_limiter_warnings()
    for name in {*LOGGERS, app.logger.name}:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:  # records propagated from child loggers pass through handlers only
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)


def install(app: Flask) -> None:
    """Call before the blueprints are registered (their routes pick up the converter then)."""
    app.url_map.converters["int"] = BoundedIntConverter
    engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    engine_options.setdefault("hide_parameters", True)  # no pupil data or passwords in error logs
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    install_log_filter(app)

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        # Logged-in pages and the public certificate check both show children's names.
        if request.endpoint == "static" or "Cache-Control" in response.headers:
            return response
        # Flask-Login keeps "_user_id" in the session of a logged-in browser: no need to reload the user here,
        # after the request's commit has expired it.
        if session.get("_user_id") is not None or request.blueprint == "verify":
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
