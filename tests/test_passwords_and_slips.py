"""Resetting passwords and printing login slips: the password is shown once and works."""

from __future__ import annotations

import re

from .conftest import Auth, csrf_token


def slip_passwords(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<dt>Tên đăng nhập</dt><dd class="mono">([^<]+)</dd>\s*<dt>Mật khẩu</dt><dd class="mono">([^<]+)</dd>', html
    )


def test_reset_one_password_prints_a_slip_with_qr(app, client, auth, people):
    auth.login("gv.hoa")
    page = f"/giao-vien/lop/{people['klass']}/hoc-sinh/{people['hs.an']}"
    response = client.post(page + "/cap-lai-mat-khau", data={"csrf_token": csrf_token(client, page)})
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [(username, password)] = slip_passwords(html)
    assert username == "hs.an" and len(password) >= 8
    assert not set(password) & set("0O1lIi")
    assert "<svg" in html and "http://127.0.0.1:5000/dang-nhap" in html
    # Shown once: no other page carries it.
    for url in (page, f"/giao-vien/lop/{people['klass']}"):
        assert password not in client.get(url).get_data(as_text=True)
    student = Auth(app.test_client())
    assert student.login("hs.an").status_code == 200  # the old password no longer works
    assert student.login("hs.an", password).status_code == 302


def test_reset_whole_class(app, client, auth, people):
    auth.login("gv.hoa")
    url = f"/giao-vien/lop/{people['klass']}"
    html = client.post(url + "/cap-lai-mat-khau", data={"csrf_token": csrf_token(client, url)}).get_data(as_text=True)
    slips = slip_passwords(html)
    assert sorted(u for u, _ in slips) == ["hs.an", "hs.binh"]
    assert len({p for _, p in slips}) == 2


def test_reset_without_csrf_token_changes_nothing(app, client, auth, people):
    auth.login("gv.hoa")
    response = client.post(f"/giao-vien/lop/{people['klass']}/cap-lai-mat-khau")
    assert response.status_code == 400
    assert Auth(app.test_client()).login("hs.an").status_code == 302
