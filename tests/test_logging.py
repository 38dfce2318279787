"""Logging: the level comes from LOG_LEVEL; audit entries reach the log at INFO with ids, never names."""

from __future__ import annotations

import logging

import pytest

from quizapp.config import ConfigError
from quizapp.extensions import db
from quizapp.models import AuditAction, User
from quizapp.services.audit import record

from .conftest import make_app


def test_level_from_config_and_refused_when_unknown(database_url):
    assert make_app(database_url, LOG_LEVEL="warning").logger.level == logging.WARNING
    assert make_app(database_url).logger.level in (logging.INFO, logging.getLevelName("INFO"))
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        make_app(database_url, LOG_LEVEL="ồn ào")


def test_audit_lines_hold_ids_not_names(app, people, caplog):
    with caplog.at_level(logging.INFO, logger="quizapp"), app.app_context():
        admin = db.session.get(User, people["admin"])
        record(admin, AuditAction.PASSWORD_RESET, db.session.get(User, people["hs.an"]))
        db.session.commit()
    lines = [r.getMessage() for r in caplog.records if r.name == "quizapp.services.audit"]
    assert lines == [f"audit password_reset actor={people['admin']} target={people['hs.an']} school={people['school']}"]
    text = caplog.text
    assert "Nguyễn Văn An" not in text and "hs.an" not in text and "Trần Văn Hiệu" not in text
