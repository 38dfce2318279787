"""Behind nginx: TRUSTED_PROXIES decides whom the app believes; a wrong value says so, naming the setting.

The requests carry the headers exactly as the shipped deploy/nginx-quizapp.conf sends them (a proxy on
127.0.0.1 in front of a public https://hoc.example.vn).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import request, url_for
from flask_limiter.util import get_remote_address

from quizapp import create_app
from quizapp.config import ConfigError
from quizapp.extensions import db

from .conftest import make_app

PUBLIC = "https://hoc.example.vn"
CLIENT = "203.0.113.7"


def nginx_headers(client_addr: str = CLIENT, host: str = "hoc.example.vn", port: str = "443", **extra) -> dict:
    """What deploy/nginx-quizapp.conf sends upstream for a browser at client_addr."""
    headers = {
        "Host": host,
        "X-Forwarded-For": client_addr,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": host,
        "X-Forwarded-Port": port,
        "Referer": f"{PUBLIC}/dang-nhap",
    }
    headers.update(extra)
    return headers


PROXY = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture
def new_app(database_url, people):
    """Apps on the people fixture's database with their own settings; their connections closed afterwards."""
    made = []

    def new(**config):
        made.append(make_app(database_url, **config))
        return made[-1]

    yield new
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def proxied_app(new_app):
    """An app that trusts one proxy."""
    app = new_app(TRUSTED_PROXIES=1, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)

    @app.get("/_seen")
    def seen():
        return {
            "client": request.remote_addr,
            "limiter_key": get_remote_address(),
            "scheme": request.scheme,
            "external": url_for("auth.login", _external=True),
        }

    return app


def _token(client, headers: dict, environ: dict, base_url: str | None) -> str:
    html = client.get("/dang-nhap", headers=headers, environ_base=environ, base_url=base_url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _login(client, headers: dict, environ: dict = PROXY, base_url: str | None = None, **extra):
    token = _token(client, headers, environ, base_url)
    data = {"username": "gv.hoa", "password": "matkhau-123", "csrf_token": token, **extra}
    return client.post("/dang-nhap", data=data, headers=headers, environ_base=environ, base_url=base_url)


def test_behind_one_proxy_the_app_sees_the_real_client_and_the_public_address(proxied_app):
    seen = proxied_app.test_client().get("/_seen", headers=nginx_headers(), environ_base=PROXY).get_json()
    assert seen == {
        "client": CLIENT,
        "limiter_key": CLIENT,
        "scheme": "https",
        "external": f"{PUBLIC}/dang-nhap",
    }


def test_a_client_cannot_forge_its_address_through_the_proxy(proxied_app):
    # nginx appends the address it saw to whatever the client sent; only that last value is believed.
    headers = nginx_headers(client_addr=f"6.6.6.6, {CLIENT}")
    seen = proxied_app.test_client().get("/_seen", headers=headers, environ_base=PROXY).get_json()
    assert seen["client"] == CLIENT


def test_a_non_standard_public_port_is_kept_in_external_links(proxied_app):
    headers = nginx_headers(host="hoc.example.vn", port="8443")
    seen = proxied_app.test_client().get("/_seen", headers=headers, environ_base=PROXY).get_json()
    assert seen["external"] == "https://hoc.example.vn:8443/dang-nhap"


def test_login_over_https_through_the_proxy_sets_secure_cookies(proxied_app):
    client = proxied_app.test_client()
    response = _login(client, nginx_headers(), remember="y")
    assert response.status_code == 302, response.get_data(as_text=True)
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "Secure" in session and "HttpOnly" in session
    assert "Secure" in remember and "HttpOnly" in remember
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember).group(1))
    assert expires - datetime.now(UTC) < timedelta(days=31)  # a month, not a year


def test_nginx_default_host_with_trusted_proxies_unset_names_the_setting(new_app, caplog):
    """The reported failure: gunicorn believed X-Forwarded-Proto, the app believed nothing else."""
    app = new_app()  # TRUSTED_PROXIES defaults to 0
    client = app.test_client()
    headers = nginx_headers(host="127.0.0.1:5200")
    headers.pop("X-Forwarded-Host")
    with caplog.at_level(logging.WARNING):
        response = _login(client, headers, base_url="https://127.0.0.1:5200")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "TRUSTED_PROXIES" in page and "Phiên làm việc đã hết hạn" in page
    assert any("TRUSTED_PROXIES" in r.getMessage() for r in caplog.records)


def test_proxy_that_does_not_forward_the_host_is_explained(proxied_app):
    client = proxied_app.test_client()
    headers = nginx_headers(host="127.0.0.1:5200")
    del headers["X-Forwarded-Host"], headers["X-Forwarded-Port"]
    response = _login(client, headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "X-Forwarded-Host" in page and "TRUSTED_PROXIES" in page


def test_forwarded_headers_without_trusted_proxies_log_one_warning(new_app, caplog):
    app = new_app()
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="quizapp.proxy"):
        for _ in range(3):
            seen = client.get("/dang-nhap", headers=nginx_headers(), environ_base=PROXY)
            assert seen.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "quizapp.proxy"]
    assert len(warnings) <= 1  # once per worker (an earlier test in this worker may have warned already)
    assert all("TRUSTED_PROXIES" in w for w in warnings)


def test_too_many_trusted_proxies_are_named(new_app):
    from quizapp.proxy import proxy_problem

    app = new_app(TRUSTED_PROXIES=2)
    with app.test_request_context("/", headers=nginx_headers(), environ_base=PROXY):
        kind, message = proxy_problem(request)
    assert kind == "too-many" and "TRUSTED_PROXIES=1" in message


def test_direct_requests_without_a_proxy_are_unchanged(new_app):
    app = new_app()
    client = app.test_client()
    response = _login(client, {}, environ={"REMOTE_ADDR": "192.0.2.9"})
    assert response.status_code == 302


# --- Settings refused at start, naming the setting -------------------------------------------------


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TRUSTED_PROXIES": "nginx"}, "TRUSTED_PROXIES"),
        ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES"),
        ({"SESSION_COOKIE_SECURE": "maybe"}, "SESSION_COOKIE_SECURE"),
        ({"SITE_URL": "hoc.example.vn"}, "SITE_URL"),
        ({"QUIZAPP_INSTANCE_PATH": "relative/instance"}, "QUIZAPP_INSTANCE_PATH"),
        ({"SITE_URL": PUBLIC, "SECRET_KEY": "dev"}, "SECRET_KEY"),
        ({"SITE_URL": PUBLIC, "SESSION_COOKIE_SECURE": "0"}, "SESSION_COOKIE_SECURE"),
    ],
)
def test_wrong_settings_refuse_to_start_naming_the_setting(monkeypatch, tmp_path, env, named):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/refused.sqlite")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=named):
        create_app()


def test_https_site_url_makes_cookies_secure_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/secure.sqlite")
    monkeypatch.setenv("SITE_URL", PUBLIC)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_instance_folder_lives_where_configured(monkeypatch, tmp_path):
    instance = tmp_path / "var-lib-quizapp"
    instance.mkdir()
    (instance / "secret_key").write_text("s" * 64 + "\n")
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["SECRET_KEY"] == "s" * 64  # read from the instance folder, not the code folder
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance}/quizapp.sqlite"
