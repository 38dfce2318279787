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


def test_a_quiz_submit_grades_without_the_write_lock_and_writes_with_it(app, client, auth, people, sqlite_only, monkeypatch):
    """Reading the answer key and grading run unlocked; the write lock is taken only for the writes."""
    from quizapp.services import attempts

    from .helpers import answers_for, post_attempt, start_quiz

    auth.login("hs.an", PASSWORD)
    attempt_id = start_quiz(client, "tai-khoan")
    fields = answers_for(app, attempt_id)
    while_grading, while_writing = [], []
    real_read, real_submit = attempts.read_responses, attempts.submit

    def reading(*args, **kwargs):
        while_grading.append(_can_take_write_lock(app))
        return real_read(*args, **kwargs)

    def submitting(attempt, *args, **kwargs):
        submitted = real_submit(attempt, *args, **kwargs)
        while_writing.append(_can_take_write_lock(app))
        return submitted

    monkeypatch.setattr(attempts, "read_responses", reading)
    monkeypatch.setattr(attempts, "submit", submitting)
    response = post_attempt(client, attempt_id, fields, action="submit")
    assert response.status_code == 302 and "/ket-qua/" in response.headers["Location"]
    assert while_grading == [True]  # another worker could write meanwhile
    assert while_writing == [False]  # the submit's own writes hold it until the commit
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đạt" in result or "đạt" in result
