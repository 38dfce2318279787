"""Settings: safe defaults for a laptop, everything overridable from the environment."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "quizapp.sqlite")


def load_config(instance_path: str, test_config: dict | None = None) -> dict:
    """Build the config mapping; production refuses to start without a real secret."""
    env = os.environ
    config: dict = {
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or _sqlite_url(instance_path),
        "CONTENT_DIR": env.get("QUIZAPP_CONTENT_DIR") or str(PROJECT_ROOT / "content"),
        # The public address printed on login slips and certificates.
        "SITE_URL": env.get("SITE_URL", "http://127.0.0.1:5000"),
        "CURRENT_SCHOOL_YEAR": env.get("SCHOOL_YEAR", "2026-2027"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE") == "1",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a quiz may stay open for a whole class period
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Login attempts are limited per username; share the counters between workers with Redis.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
    }
    if test_config:
        config.update(test_config)
    if not config["SECRET_KEY"]:
        raise RuntimeError(
            "SECRET_KEY is not set. Set it in the environment (make run writes one to instance/secret_key)."
        )
    return config
