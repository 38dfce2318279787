"""Settings: safe defaults for a laptop, everything overridable from the environment.

A setting that cannot be right refuses to start the app with a message naming the setting, so that an
administrator reads the problem in `journalctl` instead of meeting it as a confusing page later.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_TRUSTED_PROXIES = 5  # more proxies than this in front of one school app is a typo, not a design
MIN_SECRET_LENGTH = 32  # `secrets.token_hex(32)` gives 64; "dev" or a word is guessable
REMEMBER_DAYS = 30  # "remember me" on a shared school computer should not outlive a month


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names it and says how to fix it."""


def _sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "quizapp.sqlite")


def instance_path_from_env() -> str | None:
    """QUIZAPP_INSTANCE_PATH: the writable folder for the secret, the SQLite file and uploads (None: ./instance)."""
    value = os.environ.get("QUIZAPP_INSTANCE_PATH", "").strip()
    if not value:
        return None
    if not os.path.isabs(value):
        raise ConfigError(
            f"QUIZAPP_INSTANCE_PATH phải là đường dẫn tuyệt đối (ví dụ /var/lib/quizapp), không phải “{value}”."
        )
    return value


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} phải là 1 (bật) hoặc 0 (tắt), không phải “{value}”.")


def _trusted_proxies(value: str | None) -> int:
    text = (value or "0").strip()
    if not text.isdigit() or int(text) > MAX_TRUSTED_PROXIES:
        raise ConfigError(
            f"TRUSTED_PROXIES phải là số proxy đứng trước ứng dụng (0 khi không có, 1 khi chỉ có nginx), "
            f"không phải “{text}”."
        )
    return int(text)


def _secret_key(instance_path: str) -> str | None:
    """SECRET_KEY from the environment, else from <instance>/secret_key (where `make run` writes it)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None


def load_config(instance_path: str, test_config: dict | None = None) -> dict:
    """Build the config mapping; refuse settings that cannot be right, naming them."""
    env = os.environ
    site_url = env.get("SITE_URL", "http://127.0.0.1:5000").strip()
    # Behind HTTPS the cookies must be Secure; the public address says whether it is HTTPS.
    secure = _flag("SESSION_COOKIE_SECURE", default=site_url.startswith("https://"))
    config: dict = {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or _sqlite_url(instance_path),
        "CONTENT_DIR": env.get("QUIZAPP_CONTENT_DIR") or str(PROJECT_ROOT / "content"),
        # The public address printed on login slips and certificates.
        "SITE_URL": site_url,
        "CURRENT_SCHOOL_YEAR": env.get("SCHOOL_YEAR", "2026-2027"),
        # How many reverse proxies (nginx…) stand in front and may be believed about the client's address,
        # the scheme and the host (werkzeug's ProxyFix, wired in the factory). 0 believes no header.
        "TRUSTED_PROXIES": _trusted_proxies(env.get("TRUSTED_PROXIES")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_DURATION": REMEMBER_DAYS * 24 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,  # a quiz may stay open for a whole class period
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "SQLALCHEMY_ENGINE_OPTIONS": {},  # pool_pre_ping: set below, from the database in use
        # Failed-login counters: in the app database by default (shared by every worker), or redis://…
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "database://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        # Long work (big imports, exports, PDFs) runs in a Huey consumer process (`make run` starts one).
        # Its queue: an SQLite file in the instance folder, or Redis (redis://host:6379/0) when QUEUE_URL or
        # REDIS_URL is set. QUEUE_IMMEDIATE runs jobs inside the request: for the test suite only.
        "QUEUE_URL": env.get("QUEUE_URL") or env.get("REDIS_URL") or "",
        "QUEUE_NAME": env.get("QUEUE_NAME", "quizapp"),
        "QUEUE_IMMEDIATE": False,
        # An uploaded class list waits this long for its confirmation, then it is deleted.
        "UPLOAD_TTL_SECONDS": 3600,
    }
    if test_config:
        config.update(test_config)
    # A server that restarted leaves dead pooled connections: test each one before use. An SQLite file has
    # no server to lose, and that extra round trip on every request would buy nothing.
    server = not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": server, **config["SQLALCHEMY_ENGINE_OPTIONS"]}
    _refuse_unsafe(config)
    return config


def _refuse_unsafe(config: dict) -> None:
    if not config["SECRET_KEY"]:
        raise ConfigError(
            "SECRET_KEY is not set. Set it in the environment (make run writes one to instance/secret_key)."
        )
    site = urlsplit(config["SITE_URL"])
    if site.scheme not in ("http", "https") or not site.netloc:
        raise ConfigError(f"SITE_URL phải là địa chỉ đầy đủ, ví dụ https://hoc.truong.edu.vn, không phải “{config['SITE_URL']}”.")
    if config.get("TESTING"):
        return
    # Published on HTTPS: the settings a laptop tolerates would let sessions be forged or read.
    if site.scheme == "https":
        if len(config["SECRET_KEY"]) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"SECRET_KEY quá ngắn ({len(config['SECRET_KEY'])} ký tự) cho một trang công khai ({config['SITE_URL']}): "
                "tạo bằng `python3 -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        if not config["SESSION_COOKIE_SECURE"]:
            raise ConfigError(
                f"SESSION_COOKIE_SECURE=0 nhưng SITE_URL là HTTPS ({config['SITE_URL']}): cookie đăng nhập sẽ đi qua "
                "HTTP không mã hoá. Bỏ SESSION_COOKIE_SECURE hoặc đặt bằng 1."
            )
