"""Logging in without e-mail, the QR-code prefill, safe redirects, password changes, error pages."""

from __future__ import annotations

from quizapp.extensions import db
from quizapp.models import User

from .conftest import PASSWORD, csrf_token


def test_login_with_username_and_password(client, auth, people):
    response = auth.login("hs.an")
    assert response.status_code == 302
    assert "Nguyễn Văn An" in client.get("/").get_data(as_text=True)


def test_username_is_not_case_sensitive(client, auth, people):
    assert auth.login("HS.An").status_code == 302


def test_wrong_password_says_so_in_vietnamese(client, auth, people):
    response = auth.login("hs.an", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu chưa đúng" in response.get_data(as_text=True)


def test_inactive_account_cannot_log_in(app, client, auth, people):
    with app.app_context():
        db.session.get(User, people["hs.an"]).is_active_account = False
        db.session.commit()
    assert "đang bị khoá" in auth.login("hs.an").get_data(as_text=True)


def test_qr_link_prefills_the_username(client, people):
    html = client.get("/dang-nhap?u=hs.an").get_data(as_text=True)
    assert 'value="hs.an"' in html


def test_next_parameter_only_stays_on_this_site(client, auth, people):
    assert auth.login("hs.an", next="https://evil.example/").headers["Location"] == "/"
    auth.logout()
    assert auth.login("hs.an", next="//evil.example/x").headers["Location"] == "/"
    auth.logout()
    assert auth.login("hs.an", next="/bai-hoc/tai-khoan").headers["Location"] == "/bai-hoc/tai-khoan"


def test_passwords_are_stored_hashed(app, people):
    with app.app_context():
        user = db.session.get(User, people["hs.an"])
        assert PASSWORD not in user.password_hash and user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_first_login_asks_to_change_password(app, client, auth, people):
    with app.app_context():
        db.session.get(User, people["hs.an"]).must_change_password = True
        db.session.commit()
    assert auth.login("hs.an").headers["Location"] == "/doi-mat-khau"
    token = csrf_token(client, "/doi-mat-khau")
    response = client.post(
        "/doi-mat-khau", data={"current": PASSWORD, "new": "ngan", "confirm": "ngan", "csrf_token": token}
    )
    assert "ít nhất 8 ký tự" in response.get_data(as_text=True)
    for common in ("12345678", "matkhau123", "hocsinh2026", "HocSinh-2031", "hs.an-2026"):
        response = client.post(
            "/doi-mat-khau", data={"current": PASSWORD, "new": common, "confirm": common, "csrf_token": token}
        )
        assert response.status_code == 200, common
        assert "Mật khẩu mới" in response.get_data(as_text=True)
        with client.application.app_context():
            assert db.session.get(User, people["hs.an"]).must_change_password, common
    response = client.post(
        "/doi-mat-khau",
        data={"current": PASSWORD, "new": "hoa-sen-2027", "confirm": "hoa-sen-2027", "csrf_token": token},
    )
    assert response.status_code == 302
    auth.logout()
    assert auth.login("hs.an", "hoa-sen-2027").status_code == 302
    with app.app_context():
        assert not db.session.get(User, people["hs.an"]).must_change_password


def test_logout_needs_a_post_with_token(client, auth, people):
    auth.login("hs.an")
    assert client.get("/dang-xuat").status_code == 405
    auth.logout()
    assert client.get("/").status_code == 302


def test_error_pages_speak_vietnamese(client, auth, people):
    auth.login("hs.an")
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.get_data(as_text=True)
    assert client.get("/bai-hoc/khong-co").status_code == 404
    assert client.get("/lam-bai/999999").status_code == 404


def test_repeated_wrong_passwords_lock_that_username_for_a_while(app, client, auth, people):
    for _ in range(10):
        assert auth.login("hs.an", "doan-mo").status_code == 200
    locked = auth.login("hs.an")  # even the right password waits now
    assert locked.status_code == 429 and "Thử quá nhiều lần" in locked.get_data(as_text=True)
    assert auth.login("hs.binh").status_code == 302  # classmates on the same lab PC are not blocked


def test_successful_logins_are_not_counted(app, client, auth, people):
    for _ in range(12):
        assert auth.login("hs.an").status_code == 302
        auth.logout()
