"""Teacher routes refuse intruders: a colleague of another class, another school, a student.

That every route is covered, for every role, is checked in tests/test_routes_every_role.py."""

from __future__ import annotations

import pytest

from .conftest import csrf_token
from .helpers import answers_for, post_attempt, start_quiz

STUDENT_NAME = "Nguyễn Văn An"


def routes(people, attempt_id):
    c, s = people["klass"], people["hs.an"]
    return [
        ("GET", f"/giao-vien/lop/{c}"),
        ("GET", f"/giao-vien/lop/{c}?trang-thai=dang-hoc"),
        ("GET", f"/giao-vien/lop/{c}/thong-ke"),
        ("GET", f"/giao-vien/lop/{c}/hoc-sinh/{s}"),
        ("GET", f"/giao-vien/lop/{c}/hoc-sinh/{s}/bai-lam/{attempt_id}"),
        ("GET", f"/giao-vien/lop/{c}/ket-qua.xlsx"),
        ("GET", f"/giao-vien/lop/{c}/ket-qua.csv"),
        ("GET", f"/giao-vien/lop/{c}/nhap-danh-sach"),
        ("POST", f"/giao-vien/lop/{c}/nhap-danh-sach"),
        ("GET", f"/giao-vien/lop/{c}/nhap-danh-sach/abc123"),
        ("POST", f"/giao-vien/lop/{c}/nhap-danh-sach/abc123/huy"),
        ("POST", f"/giao-vien/lop/{c}/hoc-sinh/{s}/cap-lai-mat-khau"),
        ("POST", f"/giao-vien/lop/{c}/cap-lai-mat-khau"),
        ("GET", f"/giao-vien/lop/{c}/hoc-sinh/{s}/cap-lai-mat-khau"),
        ("GET", f"/giao-vien/lop/{c}/cap-lai-mat-khau"),
        ("GET", f"/giao-vien/lop/{c}/phieu-dang-nhap"),
        ("GET", f"/giao-vien/lop/{c}/nguoi-than"),
        ("POST", f"/giao-vien/lop/{c}/nguoi-than/1/xac-nhan"),
        ("POST", f"/giao-vien/lop/{c}/nguoi-than/1/khong-xac-nhan"),
        ("GET", f"/giao-vien/lop/{c}/thuc-hanh"),
        ("GET", f"/giao-vien/lop/{c}/thuc-hanh/abc123"),  # no such task: the class check still comes first
    ]


@pytest.fixture
def submitted_attempt(app, client, auth, people):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    post_attempt(client, attempt_id, answers_for(app, attempt_id))
    auth.logout()
    return attempt_id


@pytest.mark.parametrize("intruder", ["gv.7a2", "gv.khac", "bgh.b"])
def test_intruders_are_refused_and_see_nothing(client, auth, people, submitted_attempt, intruder):
    auth.login(intruder)
    token = csrf_token(client, "/giao-vien/")
    for method, url in routes(people, submitted_attempt):
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        assert response.status_code == 404, (intruder, method, url, response.status_code)
        assert STUDENT_NAME not in response.get_data(as_text=True)
    assert f'/giao-vien/lop/{people["klass"]}"' not in client.get("/giao-vien/").get_data(as_text=True)


def test_students_get_403_on_teacher_pages(client, auth, people, submitted_attempt):
    auth.login("hs.binh")
    token = csrf_token(client, "/")
    for method, url in routes(people, submitted_attempt) + [("GET", "/giao-vien/"), ("GET", "/truong/phan-cong")]:
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        assert response.status_code == 403, (method, url)
        assert STUDENT_NAME not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(client, people):
    response = client.get(f"/giao-vien/lop/{people['klass']}")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize("staff", ["gv.hoa", "bgh.a"])
def test_own_teacher_and_school_admin_may_open_every_page(client, auth, people, submitted_attempt, staff):
    auth.login(staff)
    for method, url in routes(people, submitted_attempt):
        if method == "GET" and "abc123" not in url:
            assert client.get(url).status_code == 200, url
    assert "Lớp 7A1" in client.get("/giao-vien/").get_data(as_text=True)


def test_teacher_cannot_export_another_schools_class(client, auth, people):
    auth.login("gv.hoa")
    assert client.get(f"/giao-vien/lop/{people['other_class']}/ket-qua.xlsx").status_code == 404


def test_student_of_another_class_is_not_reachable_through_my_class(client, auth, people):
    auth.login("gv.khac")
    # gv.khac's own class exists, but hs.an is not in it
    response = client.get(f"/giao-vien/lop/{people['other_class']}/hoc-sinh/{people['hs.an']}")
    assert response.status_code == 404


def test_school_admin_assigns_only_within_their_school(app, client, auth, people):
    auth.login("bgh.a")
    page = client.get("/truong/phan-cong").get_data(as_text=True)
    assert "Đào Thị Lan" in page and "Phạm Xâm Nhập" not in page
    token = csrf_token(client, "/truong/phan-cong")
    refused = client.post(
        "/truong/phan-cong",
        data={"teacher_id": people["intruder"], "class_id": people["klass"], "csrf_token": token},
    )
    assert refused.status_code == 200 and "Lựa chọn không hợp lệ" in refused.get_data(as_text=True)
    client.post(
        "/truong/phan-cong", data={"teacher_id": people["colleague"], "class_id": people["klass"], "csrf_token": token}
    )
    auth.logout()
    auth.login("gv.7a2")
    assert client.get(f"/giao-vien/lop/{people['klass']}").status_code == 200


def test_other_school_admin_cannot_unassign(client, auth, people):
    auth.login("bgh.b")
    token = csrf_token(client, "/truong/phan-cong")
    response = client.post(f"/truong/phan-cong/{people['klass']}/{people['teacher']}/bo", data={"csrf_token": token})
    assert response.status_code == 404
