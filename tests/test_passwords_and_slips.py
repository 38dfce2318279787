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
    response = client.post(
        page + "/cap-lai-mat-khau", data={"csrf_token": csrf_token(client, page), "confirmed": "1"}
    )
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [(username, password)] = slip_passwords(html)
    assert username == "hs.an" and len(password) >= 8
    assert not set(password) & set("0O1lIi")
    assert "<svg" in html and "http://127.0.0.1:5000/dang-nhap" in html
    assert "máy khác không vào được" in html  # a loopback address is never printed silently
    # Shown once: no other page carries it.
    for url in (page, f"/giao-vien/lop/{people['klass']}"):
        assert password not in client.get(url).get_data(as_text=True)
    student = Auth(app.test_client())
    assert student.login("hs.an").status_code == 200  # the old password no longer works
    assert student.login("hs.an", password).status_code == 302


def test_reset_whole_class(app, client, auth, people):
    auth.login("gv.hoa")
    url = f"/giao-vien/lop/{people['klass']}"
    data = {"csrf_token": csrf_token(client, url), "confirmed": "1"}
    html = client.post(url + "/cap-lai-mat-khau", data=data).get_data(as_text=True)
    slips = slip_passwords(html)
    assert sorted(u for u, _ in slips) == ["hs.an", "hs.binh"]
    assert len({p for _, p in slips}) == 2


def test_reset_without_csrf_token_changes_nothing(app, client, auth, people):
    auth.login("gv.hoa")
    response = client.post(f"/giao-vien/lop/{people['klass']}/cap-lai-mat-khau")
    assert response.status_code == 400
    assert Auth(app.test_client()).login("hs.an").status_code == 302


def test_a_reset_asks_first_saying_how_many_accounts_change(app, client, auth, people):
    auth.login("gv.hoa")
    url = f"/giao-vien/lop/{people['klass']}"
    asked = client.get(url + "/cap-lai-mat-khau").get_data(as_text=True)
    assert "Cấp lại mật khẩu cho 2 tài khoản?" in asked and 'name="confirmed" value="1"' in asked
    one = client.get(f"{url}/hoc-sinh/{people['hs.an']}/cap-lai-mat-khau").get_data(as_text=True)
    assert "Cấp lại mật khẩu cho 1 tài khoản?" in one and "Nguyễn Văn An" in one
    # A POST without the confirmation (an old page, a double click) only asks again.
    again = client.post(url + "/cap-lai-mat-khau", data={"csrf_token": csrf_token(client, url)})
    assert "Cấp lại mật khẩu cho 2 tài khoản?" in again.get_data(as_text=True)
    assert Auth(app.test_client()).login("hs.an").status_code == 302  # nothing changed


def test_reprinted_slips_carry_usernames_but_no_password(app, client, auth, people):
    Auth(app.test_client()).login("hs.an")  # hs.an has logged in, hs.binh never has
    auth.login("gv.hoa")
    response = client.get(f"/giao-vien/lop/{people['klass']}/phieu-dang-nhap")
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert slip_passwords(html) == []
    assert html.count("<svg") == 2 and "hs.an" in html and "hs.binh" in html
    assert "mật khẩu em đã tự đặt" in html and "mật khẩu đã phát lần trước" in html
    assert Auth(app.test_client()).login("hs.binh").status_code == 302  # nobody's password changed


def test_slips_print_the_address_the_school_reached_when_site_url_is_left_at_loopback(app):
    from quizapp.services.slips import public_site_url

    with app.test_request_context("/", base_url="http://hoc.thcs-a.edu.vn"):
        assert public_site_url() == ("http://hoc.thcs-a.edu.vn", None)
    with app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        url, warning = public_site_url()
        assert url == "http://127.0.0.1:5000" and "SITE_URL" in warning
    app.config["SITE_URL"] = "https://hoc.phuong-tx.edu.vn"
    with app.test_request_context("/", base_url="http://10.0.0.5:8000"):
        assert public_site_url() == ("https://hoc.phuong-tx.edu.vn", None)
