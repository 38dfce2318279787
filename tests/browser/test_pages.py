"""The pages that matter, in a real browser: a student's quiz with and without JavaScript, a teacher's
import preview, coverage pages, and an axe-core check of every role's main page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from quizapp.extensions import db
from quizapp.models import Role, Unit

from ..conftest import PASSWORD, add_user


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings (axe itself needs JavaScript: use a JS-enabled page)."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def answer_every_question(page) -> None:
    """Pick the first choice of every question and number ordering steps 1, 2, 3…"""
    for fieldset in page.locator("form#attempt-form fieldset").all():
        selects = fieldset.locator("select").all()
        if selects:
            for number, select in enumerate(selects, start=1):
                select.select_option(str(number))
        else:
            fieldset.locator("input[type=radio], input[type=checkbox]").first.check()


def take_quiz(page, base: str) -> None:
    page.goto(f"{base}/bai-kiem-tra/tai-khoan")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url("**/lam-bai/**")
    answer_every_question(page)


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_student_takes_a_quiz_and_reads_the_result(live_server, new_page, javascript):
    page = new_page(javascript=javascript, width=390)
    log_in(page, live_server, "hs.an")
    take_quiz(page, live_server)
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_url("**/ket-qua/**")
    assert "câu đúng" in page.locator("p.score").inner_text()
    assert page.locator("h1").inner_text().startswith(("Đạt", "Chưa đạt"))
    if javascript:
        assert serious_violations(page) == []


def test_answers_saved_by_javascript_survive_a_closed_browser(live_server, new_page):
    page = new_page(javascript=True)
    log_in(page, live_server, "hs.an")
    take_quiz(page, live_server)
    page.wait_for_function("document.querySelector('.autosave-status').textContent.includes('Đã lưu')")
    attempt_url = page.url
    page.context.close()

    again = new_page(javascript=False)
    log_in(again, live_server, "hs.an")
    again.goto(attempt_url)
    checked = again.locator("form#attempt-form input:checked").count()
    chosen = again.locator("form#attempt-form select").count()
    assert checked + chosen > 0, "the autosaved answers were not restored"


def test_quiz_page_without_javascript_offers_a_save_button(live_server, new_page):
    page = new_page(javascript=False, width=390)
    log_in(page, live_server, "hs.an")
    take_quiz(page, live_server)
    page.get_by_role("button", name="Lưu tạm").click()
    page.wait_for_load_state()
    assert page.locator("form#attempt-form input:checked").count() > 0


def write_class_list(path, class_name: str, count: int) -> None:
    """A class list shaped like a school export: title rows, then STT / Mã học sinh / Họ và tên / Ngày sinh…"""
    from openpyxl import Workbook

    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Ngọc", "Phúc", "Quân", "Thảo"]
    book = Workbook()
    sheet = book.active
    sheet.append(["TRƯỜNG THCS A"])
    sheet.append([f"DANH SÁCH HỌC SINH LỚP {class_name} – NĂM HỌC 2026-2027"])
    sheet.append(["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp"])
    for n in range(1, count + 1):
        name = f"Nguyễn Văn {given[n % len(given)]}" if n % 2 else f"Trần Thị {given[n % len(given)]}"
        sheet.append([n, f"HS{n:04d}", name, f"{n % 28 + 1:02d}/05/2013", "Nam" if n % 2 else "Nữ", class_name])
    book.save(path)


def test_teacher_previews_a_class_list_before_importing(live_server, new_page, people, tmp_path):
    class_list = tmp_path / "danh-sach-7A1.xlsx"
    write_class_list(class_list, "7A1", 32)
    page = new_page()
    log_in(page, live_server, "gv.hoa")
    page.goto(f"{live_server}/giao-vien/lop/{people['klass']}/nhap-danh-sach")
    page.set_input_files("input[type=file]", str(class_list))
    page.get_by_role("button", name="Xem trước").click()
    # The preview may be prepared in the background: the page refreshes itself until it is ready.
    page.wait_for_selector("table", timeout=30_000)
    assert page.locator("table tbody tr").count() >= 30
    assert serious_violations(page) == []


@pytest.fixture
def office_admin(app, people):
    with app.app_context():
        unit = db.session.get(Unit, people["unit"])
        add_user("px.thanhxuan", Role.UNIT_ADMIN, None, "Cán Bộ Phường", unit_id=unit.id)
        db.session.commit()
    return "px.thanhxuan"


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("hs.an", "/", None),
        ("gv.hoa", "/giao-vien/", None),
        ("bgh.a", "/truong/", None),
        ("px.thanhxuan", "/don-vi/", None),
    ],
    ids=["student", "teacher", "school", "office"],
)
def test_main_page_of_every_role_has_no_serious_accessibility_violation(
    live_server, new_page, office_admin, username, path, heading
):
    for width in (390, 1280):
        page = new_page(width=width)
        log_in(page, live_server, username)
        page.goto(live_server + path)
        assert page.locator("h1").count() >= 1
        assert serious_violations(page) == [], f"{username} at {width}px"


def test_login_page_has_no_serious_accessibility_violation(live_server, new_page):
    page = new_page(width=390)
    page.goto(f"{live_server}/dang-nhap")
    assert serious_violations(page) == []


def test_coverage_page_shows_a_named_progress_bar(live_server, new_page, office_admin):
    page = new_page()
    log_in(page, live_server, "bgh.a")
    page.goto(f"{live_server}/truong/")
    bars = page.get_by_role("progressbar").all() + page.locator("meter").all()
    assert bars, "no progress bar on the school coverage page"
    assert serious_violations(page) == []
