"""Small things that used to give a 500 or leak, and staff treated as adults in their own area."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from werkzeug.http import parse_options_header

from quizapp.extensions import db
from quizapp.forms import MESSAGES
from quizapp.models import SchoolClass, User
from quizapp.services import outreach

from .conftest import PASSWORD, csrf_token

BIG_IDS = [2**31, 2**63, 2**64 + 5]


# --- Ids, NUL bytes, newlines ----------------------------------------------------------------------


@pytest.mark.parametrize("big", BIG_IDS)
def test_ids_too_large_for_the_database_are_404_not_500(client, auth, people, big):
    auth.login("gv.hoa")
    for url in (f"/giao-vien/lop/{big}", f"/giao-vien/lop/{people['klass']}/hoc-sinh/{big}", f"/lam-bai/{big}"):
        assert client.get(url).status_code == 404, url
    auth.logout()
    auth.login("hs.an")
    assert client.get(f"/ket-qua/{big}").status_code == 404


def test_a_nul_byte_in_the_username_is_a_normal_refusal(client, people):
    for username in ("hs.an\x00", "\x00", "hs\x00.an"):
        response = client.post(
            "/dang-nhap", data={"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)}
        )
        assert response.status_code == 200, repr(username)
        assert "Tên đăng nhập hoặc mật khẩu chưa đúng" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/\nSet-Cookie: x=1", "/bai-hoc/tai-khoan\r\n", "/\t/evil.example"])
def test_a_next_with_control_characters_is_ignored(client, auth, people, target):
    response = auth.login("hs.an", next=target)
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- Downloads -------------------------------------------------------------------------------------


def test_a_class_name_with_vietnamese_letters_or_a_quote_downloads_under_its_name(app, client, auth, people):
    with app.app_context():
        db.session.get(SchoolClass, people["klass"]).name = 'Lớp 7Đ "Sen"'
        db.session.commit()
    auth.login("gv.hoa")
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/giao-vien/lop/{people['klass']}/ket-qua.{fmt}")
        assert response.status_code == 200
        header = response.headers["Content-Disposition"]
        kind, options = parse_options_header(header)
        assert kind == "attachment"
        assert "filename*=UTF-8''" in header
        assert options["filename"] == f'ket-qua-lop-Lớp 7Đ "Sen"-2026-2027.{fmt}'  # decoded from filename*
        assert response.headers["Cache-Control"] == "no-store"
        fallback = re.search(r'filename="((?:[^"\\]|\\.)*)"', header).group(1)
        assert fallback.isascii()


def test_a_name_with_a_newline_or_slash_cannot_break_the_download_header(app):
    from quizapp.downloads import send_download

    with app.test_request_context():
        response = send_download(b"x", "lop\r\n8/A\\B.csv", "text/csv")
    header = response.headers["Content-Disposition"]
    assert "\n" not in header and "\r" not in header
    assert parse_options_header(header)[1]["filename"] == "lop-8-A-B.csv"


# --- Family entries under concurrency -------------------------------------------------------------


def test_the_same_family_entry_twice_is_stored_once_with_a_friendly_message(app, people):
    """Both requests passed the duplicate check (they ran at once): the unique index decides."""
    helped_on = outreach.vietnam_today() - timedelta(days=1)
    with app.test_request_context():
        student = db.session.get(User, people["hs.an"])
        outreach.record(student, "Bà", outreach.SERVICES[0], helped_on)
        db.session.commit()
        with pytest.raises(ValueError, match="Em đã ghi mục này rồi"):
            outreach.record(student, "Bà", outreach.SERVICES[0], helped_on)
        db.session.commit()  # the session is still usable after the refusal
        assert len(outreach.own_entries(student)) == 1


# --- Headers ---------------------------------------------------------------------------------------


def test_every_page_has_security_headers_and_childrens_data_is_not_cached(client, auth, people):
    anonymous = client.get("/dang-nhap")
    csp = anonymous.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert anonymous.headers["X-Content-Type-Options"] == "nosniff"
    assert anonymous.headers["Referrer-Policy"] == "same-origin"
    auth.login("gv.hoa")
    for url in ("/giao-vien/", f"/giao-vien/lop/{people['klass']}", f"/giao-vien/lop/{people['klass']}/hoc-sinh/{people['hs.an']}"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert "Content-Security-Policy" in response.headers


def test_no_template_carries_an_inline_script(app):
    """The CSP forbids inline scripts: a template with one would silently stop working."""
    from pathlib import Path

    root = Path(app.root_path)
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\son[a-z]+\s*=", text) or re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


# --- Logs ------------------------------------------------------------------------------------------


def test_logs_carry_no_usernames_nor_database_values(app, client, people, caplog):
    with caplog.at_level(logging.DEBUG):
        for _ in range(11):
            client.post(
                "/dang-nhap", data={"username": "hs.an", "password": "sai", "csrf_token": csrf_token(client)}
            )
        app.logger.error("login failed for /dang-nhap?u=hs.an&next=/")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "ratelimit" in text  # the limiter did log the refusal…
    assert "hs.an" not in text  # …without naming the account


def test_database_errors_do_not_print_the_values_sent(app, people):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        with pytest.raises(DBAPIError) as error:
            db.session.execute(text("SELECT * FROM khong_co_bang WHERE ten = :ten"), {"ten": "Nguyễn Văn An"})
        db.session.rollback()
    assert "Nguyễn Văn An" not in str(error.value)


# --- Vietnamese messages ---------------------------------------------------------------------------


def test_every_user_facing_wtforms_message_is_translated():
    from pathlib import Path

    import wtforms

    pot = (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").read_text(encoding="utf-8")
    programming_errors = {
        "",
        "Choices cannot be None.",
        "Invalid field name '%s'.",
        "This field cannot be edited.",
        "This field is disabled and cannot have a value.",
        "Invalid IP address.",
        "Invalid Mac address.",
        "Invalid UUID.",
    }
    msgids = set(re.findall(r'^msgid(?:_plural)? "(.*)"$', pot, re.M)) - programming_errors
    assert sorted(msgids - set(MESSAGES)) == []


# --- Staff, as adults in their own area -------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "area"),
    [("gv.hoa", "/giao-vien/"), ("bgh.a", "/truong/"), ("hs.an", "/")],
)
def test_each_role_lands_on_its_own_area(client, auth, people, username, area):
    assert auth.login(username).headers["Location"] == area
    home = client.get("/").get_data(as_text=True)  # staff may take the programme too, addressed as adults
    assert ("Bạn đã hoàn thành" in home) == (area != "/") and ("Em đã hoàn thành" in home) == (area == "/")
    assert f'class="brand" href="{area}"' in home


def test_office_staff_land_on_their_unit(app, client, auth, people):
    from quizapp.models import Role

    from .conftest import add_user

    with app.app_context():
        add_user("pgd.tx", Role.UNIT_ADMIN, None, "Phòng GD", unit_id=people["unit"])
        db.session.commit()
    assert auth.login("pgd.tx").headers["Location"] == "/don-vi/"


def test_the_403_page_speaks_to_each_role(client, auth, people):
    auth.login("hs.an")
    student_page = client.get("/giao-vien/").get_data(as_text=True)
    assert "Tài khoản của em" in student_page
    auth.logout()
    auth.login("gv.hoa")
    response = client.get("/truong/")
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "của em" not in html and "người quản trị" in html


# --- One clock, one number format, accessible bars, prefilled signer -------------------------------


def test_today_is_the_date_in_vietnam_not_in_utc(app, client, auth, people, monkeypatch):
    import io
    from datetime import UTC, datetime

    import openpyxl

    from quizapp import clock

    late_evening_utc = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 06:30 on 2 December in Hà Nội
    monkeypatch.setattr(clock, "now", lambda: late_evening_utc.astimezone(clock.VIETNAM))
    assert clock.today().isoformat() == "2026-12-02"
    auth.login("gv.hoa")
    xlsx = client.get(f"/giao-vien/lop/{people['klass']}/ket-qua.xlsx").get_data()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert any("xuất ngày 02/12/2026" in text for text in cells)


def test_completions_are_grouped_by_the_day_in_vietnam(app):
    from datetime import datetime

    from sqlalchemy import literal, select
    from sqlalchemy.types import DateTime

    from quizapp.clock import vietnam_date

    with app.app_context():
        day = db.session.scalar(select(vietnam_date(literal(datetime(2026, 11, 30, 23, 30), DateTime()))))
    assert str(day) == "2026-12-01"


def test_percentages_use_the_vietnamese_decimal_comma(app):
    from pathlib import Path

    from quizapp.templating import percent, vn_number

    assert percent(16.1) == "16,1%" and percent(50.0) == "50%" and vn_number(12345.5) == "12.345,5"
    root = Path(app.root_path)
    raw = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if re.search(r"(?<!: )\{\{ [^{}|]*percent[^{}|]* \}\}%", p.read_text(encoding="utf-8"))
    ]
    assert raw == []  # every shown percentage goes through the filter (CSS widths keep their dot)


def test_coverage_progress_bars_have_an_accessible_name(client, auth, people):
    auth.login("bgh.a")
    html = client.get("/truong/").get_data(as_text=True)
    bars = re.findall(r"<div[^>]*role=\"progressbar\"[^>]*>", html)
    assert bars and all('aria-label="' in bar for bar in bars)


def test_the_report_form_prefills_the_signer(client, auth, people):
    auth.login("bgh.a")
    html = client.get("/truong/bao-cao").get_data(as_text=True)
    assert re.search(r'name="signer_name"[^>]*value="Trần Văn Hiệu"', html) or re.search(
        r'value="Trần Văn Hiệu"[^>]*name="signer_name"', html
    )


def test_pytest_prints_one_line_per_skip_reason():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_auth.py", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        timeout=300,
    )
    skipped_lines = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped_lines) == 1 and "TEST_DATABASE_URL" in skipped_lines[0], result.stdout[-2000:]


def test_a_new_staff_account_page_warns_about_a_loopback_address(client, auth, people):
    auth.login("bgh.a")
    token = csrf_token(client, "/truong/quan-ly")
    response = client.post(
        "/truong/quan-ly/giao-vien", data={"teacher-csrf_token": token, "teacher-full_name": "Đinh Thị Thu"}
    )
    html = response.get_data(as_text=True)
    assert "127.0.0.1:5000/dang-nhap" in html and "máy khác không vào được" in html
