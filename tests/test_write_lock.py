"""SQLite's write lock is held only around writes: never across a password check or a page's rendering."""

from __future__ import annotations

import sqlite3

import pytest
from flask import before_render_template

from quizapp.extensions import db

from .conftest import PASSWORD


def _can_take_write_lock(app) -> bool:
    """Another process's view: can it start writing right now, without waiting at all?"""
    with app.app_context():
        path = db.engine.url.database
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the write lock is SQLite's")


def test_login_checks_the_password_without_the_write_lock(app, client, auth, people, sqlite_only, monkeypatch):
    from quizapp.auth import views

    seen = []
    real = views.check_password_hash

    def checking(stored, password):
        seen.append(_can_take_write_lock(app))
        return real(stored, password)

    monkeypatch.setattr(views, "check_password_hash", checking)
    assert auth.login("hs.an", PASSWORD).status_code == 302
    assert seen == [True]


def test_a_lesson_page_renders_without_the_write_lock(app, client, auth, people, sqlite_only):
    auth.login("hs.an", PASSWORD)
    seen = []

    def rendering(sender, template, context, **extra):
        seen.append(_can_take_write_lock(app))

    with before_render_template.connected_to(rendering, app):
        response = client.get("/bai-hoc/tai-khoan")  # records the lesson as opened: a write
    assert response.status_code == 200
    assert seen and all(seen)
