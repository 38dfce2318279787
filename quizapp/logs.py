"""Logging for the app: one level from LOG_LEVEL, timestamps, and no personal data at INFO.

Messages at INFO and above carry ids and counts, never a name or a username (the audit recorder logs
"audit password_reset actor=12 target=345 school=3"); security.RedactFilter masks usernames that slip
into other libraries' messages. DEBUG is for a developer's machine only.
"""

from __future__ import annotations

import logging
import os

from flask import Flask
from flask.logging import default_handler

from .config import ConfigError

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(app: Flask) -> None:
    """Set the app's log level (LOG_LEVEL, default INFO) and give Flask's stderr handler a timestamped format."""
    level = str(app.config.get("LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO").upper()
    if level not in LEVELS:
        raise ConfigError(f"LOG_LEVEL phải là một trong {', '.join(LEVELS)}, không phải “{level}”.")
    app.config["LOG_LEVEL"] = level
    app.logger.setLevel(level)  # "quizapp": every module's logger (quizapp.*) inherits it
    default_handler.setFormatter(logging.Formatter(FORMAT))
