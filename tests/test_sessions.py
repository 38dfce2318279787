"""Sessions that can be ended, first passwords that must be changed, and a login limit that cannot be gamed."""

from __future__ import annotations

import logging
import os
import time

import pytest
import redis as redis_client

from quizapp.auth import sessions as session_tokens
from quizapp.extensions import db
from quizapp.models import User

from .conftest import PASSWORD, Auth, csrf_token, make_app

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
REAL_USER = {"REMOTE_ADDR": "198.51.100.7"}


def post_login(client, username, password, environ=None, json=False, **extra):
    token = csrf_token(client)
    if json:
        return client.post(
            "/dang-nhap",
            json={"username": username, "password": password, **extra},
            headers={"X-CSRFToken": token},
            environ_base=environ or {},
        )
    data = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/dang-nhap", data=data, environ_base=environ or {})


@pytest.fixture
def new_app(database_url):
    """Extra app instances on the test database (other workers, other settings), closed after the test."""
    made = []

    def make(**extra):
        made.append(make_app(database_url, **extra))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def session_cookie(client) -> str:
    return client.get_cookie("session").value


# --- Ending sessions ------------------------------------------------------------------------------


def test_a_session_cookie_copied_before_logout_stops_working(app, client, auth, people):
    auth.login("hs.an")
    copied = session_cookie(client)
    assert client.get("/").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302  # back to the login page


def test_logout_ends_the_other_sessions_of_the_account(app, people):
    home, lab = app.test_client(), app.test_client()
    Auth(home).login("hs.an")
    Auth(lab).login("hs.an")
    Auth(home).logout()
    assert lab.get("/").status_code == 302


def test_a_teachers_reset_ends_every_session_of_the_student(app, client, auth, people):
    student = app.test_client()
    Auth(student).login("hs.an", remember="y")
    assert student.get("/").status_code == 200
    auth.login("gv.hoa")
    token = csrf_token(client, f"/giao-vien/lop/{people['klass']}/hoc-sinh/{people['hs.an']}")
    reset = client.post(
        f"/giao-vien/lop/{people['klass']}/hoc-sinh/{people['hs.an']}/cap-lai-mat-khau",
        data={"csrf_token": token, "confirmed": "1"},
    )
    assert reset.status_code == 200
    assert student.get("/").status_code == 302
    with app.app_context():
        assert db.session.get(User, people["hs.an"]).must_change_password  # the slip password is temporary


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app, client, auth, people):
    other = app.test_client()
    Auth(other).login("hs.an")
    auth.login("hs.an")
    token = csrf_token(client, "/doi-mat-khau")
    new = "song-hong-chay-mai"
    response = client.post("/doi-mat-khau", data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_remember_me_rotates_per_login_and_lasts_at_most_30_days(app, people):
    values = []
    for _ in range(2):
        client = app.test_client()
        response = post_login(client, "hs.an", PASSWORD, remember="y")
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
        values.append(cookie.split(";")[0])
        expires = client.get_cookie("remember_token").expires
        assert expires.timestamp() - time.time() <= 30 * 24 * 3600 + 60
    assert values[0] != values[1]


def test_a_remember_me_cookie_older_than_30_days_is_refused(app, client, people, monkeypatch):
    post_login(client, "hs.an", PASSWORD, remember="y")
    remember = client.get_cookie("remember_token").value
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert later.get("/").status_code == 200  # the cookie alone logs in…
    real_time = time.time
    monkeypatch.setattr(session_tokens.time, "time", lambda: real_time() + 31 * 24 * 3600)
    stale = app.test_client()
    stale.set_cookie("remember_token", remember)
    assert stale.get("/").status_code == 302  # …but not after 30 days, whatever the browser kept


def test_cookies_are_secure_when_asked(new_app, monkeypatch, people):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    secure_app = new_app()
    client = secure_app.test_client()
    response = post_login(client, "hs.an", PASSWORD, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "Secure" in cookie and "HttpOnly" in cookie, cookie


# --- First password --------------------------------------------------------------------------------


def test_the_first_password_change_cannot_be_skipped(app, client, auth, people):
    with app.app_context():
        db.session.get(User, people["hs.an"]).must_change_password = True
        db.session.commit()
    auth.login("hs.an")
    for path in ("/", "/bai-hoc/tai-khoan", "/nguoi-than", "/tai-khoan/khong-co"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/doi-mat-khau", path
    assert client.get("/doi-mat-khau").status_code == 200
    with client.get("/static/js/print.js") as script:
        assert script.status_code == 200


def test_staff_must_change_their_first_password_too(app, client, auth, people):
    with app.app_context():
        db.session.get(User, people["teacher"]).must_change_password = True
        db.session.commit()
    auth.login("gv.hoa")
    assert client.get("/giao-vien/").headers["Location"] == "/doi-mat-khau"


# --- The failed-login limit ------------------------------------------------------------------------


def test_an_attacker_elsewhere_cannot_lock_out_the_real_user(app, client, people):
    for _ in range(10):
        assert post_login(client, "hs.an", "doan-mo", ATTACKER).status_code == 200
    assert post_login(client, "hs.an", "doan-tiep", ATTACKER).status_code == 429
    assert post_login(client, "hs.an", PASSWORD, ATTACKER).status_code == 429  # even the right one, from there
    real = app.test_client()
    assert post_login(real, "hs.an", PASSWORD, REAL_USER).status_code == 302


def test_json_logins_count_like_form_logins(app, client, people):
    for _ in range(5):
        assert post_login(client, "hs.an", "doan-mo", ATTACKER).status_code == 200
    for _ in range(5):
        assert post_login(client, "hs.an", "doan-mo", ATTACKER, json=True).status_code == 200
    assert post_login(client, "hs.an", "doan-mo", ATTACKER, json=True).status_code == 429
    assert post_login(client, "hs.an", "doan-mo", ATTACKER).status_code == 429
    # …and JSON attempts at other usernames do not share one counter.
    assert post_login(client, "hs.binh", PASSWORD, ATTACKER, json=True).status_code == 302


def test_a_teachers_reset_lifts_the_limit(app, client, auth, people, monkeypatch):
    monkeypatch.setattr("quizapp.teach.passwords.make_password", lambda: "kedanu47")
    student = app.test_client()
    for _ in range(10):
        post_login(student, "hs.an", "quen-roi")
    assert post_login(student, "hs.an", PASSWORD).status_code == 429
    auth.login("gv.hoa")
    token = csrf_token(client, f"/giao-vien/lop/{people['klass']}/hoc-sinh/{people['hs.an']}")
    client.post(
        f"/giao-vien/lop/{people['klass']}/hoc-sinh/{people['hs.an']}/cap-lai-mat-khau",
        data={"csrf_token": token, "confirmed": "1"},
    )
    assert post_login(student, "hs.an", "kedanu47").status_code == 302


def test_one_address_cannot_spray_many_usernames(app, client, people):
    for number in range(30):
        assert post_login(client, f"hs.thu{number}", "kedanu47", ATTACKER).status_code == 200
    refused = post_login(client, "hs.thu99", "kedanu47", ATTACKER)
    assert refused.status_code == 429 and "quá nhiều lần đăng nhập sai từ mạng này" in refused.get_data(as_text=True)
    assert post_login(app.test_client(), "hs.an", PASSWORD, REAL_USER).status_code == 302


def test_the_counters_are_shared_by_every_worker(new_app, people):
    """Two app instances on one database stand in for two gunicorn workers (or two servers)."""
    workers = [new_app(), new_app()]
    for attempt in range(10):
        worker = workers[attempt % 2]
        assert post_login(worker.test_client(), "hs.an", "doan-mo", ATTACKER).status_code == 200
    for worker in workers:
        assert post_login(worker.test_client(), "hs.an", "doan-mo", ATTACKER).status_code == 429


def test_logins_keep_working_when_redis_is_unreachable(new_app, people, caplog):
    app = new_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens there
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        assert post_login(client, "hs.an", PASSWORD).status_code == 302
    assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)
    # The limit still holds, per worker, while Redis is away.
    other = app.test_client()
    for _ in range(10):
        assert post_login(other, "hs.binh", "doan-mo", ATTACKER).status_code == 200
    assert post_login(other, "hs.binh", "doan-mo", ATTACKER).status_code == 429


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


def _redis_up() -> bool:
    try:
        return redis_client.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3).ping()
    except redis_client.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running")
def test_the_limit_is_shared_through_redis_when_configured(new_app, people):
    redis_client.Redis.from_url(REDIS_URL).flushdb()
    workers = [new_app(RATELIMIT_STORAGE_URI=REDIS_URL) for _ in range(2)]
    for attempt in range(10):
        assert post_login(workers[attempt % 2].test_client(), "hs.an", "x", ATTACKER).status_code == 200
    assert post_login(workers[0].test_client(), "hs.an", "x", ATTACKER).status_code == 429
    redis_client.Redis.from_url(REDIS_URL).flushdb()
