"""The class dashboard: every student in Vietnamese order, their state, the class against its target."""

from __future__ import annotations

import re

from quizapp.extensions import db
from quizapp.models import Target

from .conftest import csrf_token
from .helpers import answers_for, count_queries, enrol_students, give_attempts, post_attempt, start_quiz


def finish_module(app, client, key: str, right: bool = True):
    client.post(f"/bai-hoc/{key}/da-doc", data={"csrf_token": csrf_token(client, f"/bai-hoc/{key}")})
    attempt_id = start_quiz(client, key)
    post_attempt(client, attempt_id, answers_for(app, attempt_id, correct=right))


def names_in_order(html: str) -> list[str]:
    return re.findall(r'/hoc-sinh/\d+">([^<]+)</a>', html)


def test_students_are_listed_in_vietnamese_class_order(app, client, auth, people):
    enrol_students(app, people["klass"], ["Đỗ Minh Đức", "Lê Thị Ánh", "Trần Văn An", "Phạm Ngọc Dũng", "Vũ Thu Anh"])
    auth.login("gv.hoa")
    html = client.get(f"/giao-vien/lop/{people['klass']}").get_data(as_text=True)
    assert names_in_order(html) == [
        "Nguyễn Văn An",
        "Trần Văn An",
        "Vũ Thu Anh",
        "Lê Thị Ánh",
        "Trần Thị Bình",
        "Phạm Ngọc Dũng",
        "Đỗ Minh Đức",
    ]


def test_states_counts_and_filters(app, client, auth, people):
    auth.login("hs.an")
    finish_module(app, client, "tai-khoan")
    finish_module(app, client, "an-toan")
    auth.logout()
    auth.login("hs.binh")
    finish_module(app, client, "tai-khoan", right=False)
    finish_module(app, client, "tai-khoan", right=False)
    auth.logout()
    enrol_students(app, people["klass"], ["Hoàng Chưa Vào"])
    auth.login("gv.hoa")
    url = f"/giao-vien/lop/{people['klass']}"
    html = client.get(url).get_data(as_text=True)
    assert "Hoàn thành chương trình: <strong>1/3</strong> học sinh (33%)" in html
    assert "Còn <strong>2</strong> học sinh nữa để đạt chỉ tiêu." in html
    assert "Hoàng Chưa Vào" in html  # never logged in, still listed
    # The filter chips count each state, and who needs help (two failed tries, no pass).
    for chip in ("Tất cả (3)", "Hoàn thành (1)", "Đang học (1)", "Chưa bắt đầu (1)", "Cần giúp (1)"):
        assert chip in html, chip
    done = client.get(url + "?trang-thai=hoan-thanh").get_data(as_text=True)
    assert names_in_order(done) == ["Nguyễn Văn An"]
    started = client.get(url + "?trang-thai=dang-hoc").get_data(as_text=True)
    assert names_in_order(started) == ["Trần Thị Bình"]
    assert names_in_order(client.get(url + "?trang-thai=chua-bat-dau").get_data(as_text=True)) == ["Hoàng Chưa Vào"]
    assert names_in_order(client.get(url + "?trang-thai=can-giup").get_data(as_text=True)) == ["Trần Thị Bình"]
    # Bình's first module: tried twice, failed, so flagged; the student who never came shows only dashes.
    rows = re.findall(r"<tr class=\"st-[^\"]+\">(.*?)</tr>", html, re.S)
    binh = next(r for r in rows if "Trần Thị Bình" in r)
    assert "cell-stuck" in binh and "Điểm cao nhất, 2 lượt" in binh and "cần giúp" in binh
    never = next(r for r in rows if "Hoàng Chưa Vào" in r)
    assert never.count('<span class="muted">–</span>') == len(re.findall(r"<th scope=\"col\" title=", html))
    assert "cell-" not in never


def test_target_of_the_school_is_used(app, client, auth, people):
    from datetime import date

    with app.app_context():
        db.session.add(
            Target(
                school_year_id=people["year"], school_id=people["school"], target_percent=50, deadline=date(2027, 3, 31)
            )
        )
        db.session.commit()
    auth.login("gv.hoa")
    html = client.get(f"/giao-vien/lop/{people['klass']}").get_data(as_text=True)
    assert "chỉ tiêu 50%, hạn 31/03/2027" in html and "Còn <strong>1</strong> học sinh" in html


def test_student_page_shows_history_and_answers(app, client, auth, people):
    auth.login("hs.an")
    finish_module(app, client, "tai-khoan", right=False)
    auth.logout()
    auth.login("gv.hoa")
    page = client.get(f"/giao-vien/lop/{people['klass']}/hoc-sinh/{people['hs.an']}").get_data(as_text=True)
    assert "0/5 (0%)" in page and "chưa đạt" in page
    attempt_url = re.search(r'href="(/giao-vien/lop/\d+/hoc-sinh/\d+/bai-lam/\d+)"', page).group(1)
    review = client.get(attempt_url).get_data(as_text=True)
    assert "Cổng chỉ nhận đăng nhập bằng VNeID." in review and "(em chọn)" in review


def test_question_statistics_show_what_to_reteach(app, client, auth, people):
    for student in ("hs.an", "hs.binh"):
        auth.login(student)
        attempt_id = start_quiz(client, "an-toan")
        post_attempt(client, attempt_id, answers_for(app, attempt_id, correct=False))
        auth.logout()
    auth.login("gv.hoa")
    html = client.get(f"/giao-vien/lop/{people['klass']}/thong-ke").get_data(as_text=True)
    assert "Có nên đọc OTP cho người lạ?" in html
    assert "0%" in html and 'Có <span class="muted">(2 lần)</span>' in html


def test_dashboard_and_export_queries_do_not_grow_with_the_class(app, client, auth, people):
    auth.login("gv.hoa")
    url = f"/giao-vien/lop/{people['klass']}"

    def measure():
        counts = []
        for path in (url, url + "/ket-qua.xlsx", url + "/ket-qua.csv", url + "/thong-ke"):
            with count_queries(app) as counter:
                assert client.get(path).status_code == 200
            counts.append(counter["n"])
        return counts

    first = enrol_students(app, people["klass"], [f"Học Sinh {i}" for i in range(3)])  # 5 in class
    give_attempts(app, first, "tai-khoan", right=False)
    small = measure()
    more = enrol_students(app, people["klass"], [f"Bạn Số {i}" for i in range(40)])  # 45 in class
    give_attempts(app, more, "tai-khoan")
    give_attempts(app, more[:20], "an-toan", right=False)
    assert measure() == small
