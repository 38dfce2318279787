"""Certificates: awarded when the last module is passed, printable, and verifiable by anyone with the code."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Certificate, User
from quizapp.services import verification
from quizapp.services.certificates import format_code
from quizapp.services.verification import verification_url

from .conftest import csrf_token
from .helpers import answers_for, post_attempt, start_quiz

NAME = "Nguyễn Văn An"


def finish_module(app, client, key: str) -> None:
    """Read the lesson to the end, then pass its quiz, through the web as a student does."""
    client.get(f"/bai-hoc/{key}")
    client.post(f"/bai-hoc/{key}/da-doc", data={"csrf_token": csrf_token(client, f"/bai-hoc/{key}")})
    attempt_id = start_quiz(client, key)
    post_attempt(client, attempt_id, answers_for(app, attempt_id))


def finish_programme(app, client) -> None:
    for key in ("tai-khoan", "an-toan"):
        finish_module(app, client, key)


def certificate_of(app, user_id: int) -> Certificate | None:
    with app.app_context():
        return db.session.scalar(select(Certificate).where(Certificate.user_id == user_id))


@pytest.fixture
def certified(app, client, auth, people):
    """hs.an has completed the programme; the certificate's issue time is fixed (UTC) for the assertions."""
    with app.app_context():
        student = db.session.get(User, people["hs.an"])
        student.birth_date, student.student_code = date(2013, 4, 5), "HS-000123"
        db.session.commit()
    auth.login("hs.an")
    finish_programme(app, client)
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == people["hs.an"]))
        certificate.issued_at = datetime(2026, 11, 30, 18, 30)  # 01:30 on 01/12/2026 in Vietnam
        db.session.commit()
        return certificate.code


def test_certificate_is_awarded_when_the_last_module_is_passed_not_before(app, client, auth, people):
    auth.login("hs.an")
    finish_module(app, client, "tai-khoan")
    assert certificate_of(app, people["hs.an"]) is None
    page = client.get("/chung-nhan").get_data(as_text=True)
    assert "1/2" in page and "An toàn trên mạng" in page and "<svg" not in page
    assert 'href="/chung-nhan"' not in client.get("/").get_data(as_text=True)

    finish_module(app, client, "an-toan")
    certificate = certificate_of(app, people["hs.an"])
    assert certificate is not None
    assert (certificate.full_name, certificate.school_name, certificate.year_name) == (NAME, "THCS A", "2026-2027")
    assert 'href="/chung-nhan"' in client.get("/").get_data(as_text=True)


def test_reading_the_last_lesson_after_passing_its_quiz_also_awards(app, client, auth, people):
    auth.login("hs.an")
    finish_module(app, client, "tai-khoan")
    attempt_id = start_quiz(client, "an-toan")  # quiz first, lesson last
    post_attempt(client, attempt_id, answers_for(app, attempt_id))
    assert certificate_of(app, people["hs.an"]) is None
    client.post("/bai-hoc/an-toan/da-doc", data={"csrf_token": csrf_token(client, "/bai-hoc/an-toan")})
    assert certificate_of(app, people["hs.an"]) is not None


def test_certificate_page_shows_name_school_year_date_code_and_qr(client, certified):
    page = client.get("/chung-nhan").get_data(as_text=True)
    assert "Chứng nhận" in page and "Tuyên truyền viên dịch vụ công trực tuyến" in page
    assert NAME in page and "THCS A" in page and "2026-2027" in page
    assert "01/12/2026" in page  # Vietnam time, dd/mm/yyyy
    assert format_code(certified) in page and re.search(r"<svg[^>]*>", page)
    assert "css/certificate.css" in page


def test_the_qr_code_encodes_the_public_verification_url(app, client, certified, monkeypatch):
    given = []
    real_make = verification.segno.make

    def spy(content, *args, **kwargs):
        given.append(content)
        return real_make(content, *args, **kwargs)

    monkeypatch.setattr(verification.segno, "make", spy)
    page = client.get("/chung-nhan").get_data(as_text=True)
    expected = f"{app.config['SITE_URL'].rstrip('/')}/xac-minh/{certified}"
    assert given == [expected]
    assert f'href="{expected}"' in page


def test_verification_url_is_site_url_plus_the_bare_code():
    assert (
        verification_url("https://hoc.example.edu.vn/", "abcde-23456")
        == "https://hoc.example.edu.vn/xac-minh/ABCDE23456"
    )
    assert verification_url("http://127.0.0.1:5000", "ABCDE23456") == "http://127.0.0.1:5000/xac-minh/ABCDE23456"


def test_public_page_shows_only_name_school_year_and_date(app, client, auth, certified):
    auth.logout()
    typed = format_code(certified).lower()  # as someone might type it from paper
    response = client.get(f"/xac-minh/{typed}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "hợp lệ" in page and NAME in page and "THCS A" in page and "2026-2027" in page and "01/12/2026" in page
    for private in ("hs.an", "05/04/2013", "2013-04-05", "HS-000123", "7A1", "Đăng xuất"):
        assert private not in page, private
    assert 'name="robots" content="noindex' in page


def test_unknown_code_says_so_clearly(client, people):
    response = client.get("/xac-minh/ABCDE-23456")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Không tìm thấy chứng nhận với mã" in page and "ABCDE23456" in page


def test_typed_markup_is_never_echoed_as_html(client, people):
    response = client.get("/xac-minh/%3Cscript%3Ealert(1)")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Không tìm thấy chứng nhận với mã" in page
    assert "<script>" not in page and "SCRIPTALERT1" in page
    followed = client.get("/xac-minh?ma=%22%3E%3Cb%3Ex", follow_redirects=True).get_data(as_text=True)
    assert "Không tìm thấy chứng nhận với mã" in followed and "<b>x" not in followed


def test_lookup_form_leads_to_the_code_page(client, people):
    page = client.get("/xac-minh").get_data(as_text=True)
    assert 'name="ma"' in page and 'method="get"' in page
    response = client.get("/xac-minh?ma=abcde 23456")
    assert response.status_code == 302 and response.headers["Location"].endswith("/xac-minh/ABCDE23456")
    blank = client.get("/xac-minh?ma=+-+")
    assert blank.status_code == 400 and "Hãy nhập mã" in blank.get_data(as_text=True)


def test_certificate_page_needs_a_login_but_verification_does_not(client, people):
    response = client.get("/chung-nhan")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    assert client.get("/xac-minh").status_code == 200


def test_a_completed_learner_without_a_certificate_can_claim_it(app, client, certified, people):
    with app.app_context():
        db.session.delete(db.session.scalar(select(Certificate).where(Certificate.user_id == people["hs.an"])))
        db.session.commit()
    page = client.get("/chung-nhan").get_data(as_text=True)
    assert "Nhận giấy chứng nhận" in page
    response = client.post("/chung-nhan", data={"csrf_token": csrf_token(client, "/chung-nhan")})
    assert response.status_code == 302
    assert certificate_of(app, people["hs.an"]) is not None
    assert client.post("/chung-nhan", data={}).status_code == 400  # no CSRF token, nothing done
