"""A teacher imports a class list through the web: preview first, then all or nothing, then slips."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Enrollment, SchoolClass, User

from .conftest import Auth, csrf_token
from .test_rosters import SAMPLE


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_8a2(app, people) -> int:
    with app.app_context():
        klass = SchoolClass(school_id=people["school"], school_year_id=people["year"], grade=8, name="8A2")
        db.session.add(klass)
        db.session.flush()
        from quizapp.models import TeacherAssignment

        db.session.add(TeacherAssignment(teacher_id=people["teacher"], class_id=klass.id))
        db.session.commit()
        return klass.id


def upload(client, class_id: int, filename: str, data: bytes):
    url = f"/giao-vien/lop/{class_id}/nhap-danh-sach"
    token = csrf_token(client, url)
    return client.post(
        url, data={"csrf_token": token, "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def students_in(app, class_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.class_id == class_id))


def test_sample_list_to_printed_slips(app, client, auth, people):
    class_id = make_8a2(app, people)
    auth.login("gv.hoa")
    response = upload(client, class_id, "danh-sach-lop-8A2.xlsx", SAMPLE.read_bytes())
    preview_url = response.headers["Location"]
    preview = client.get(preview_url).get_data(as_text=True)
    assert "Sẽ tạo mới <strong>38</strong> học sinh" in preview
    assert students_in(app, class_id) == 0  # a preview writes nothing
    confirm = client.post(preview_url, data={"csrf_token": csrf_token(client, preview_url)})
    assert re.search(r"/cong-viec/\d+$", confirm.headers["Location"])  # the import runs as a background job
    done = client.get(confirm.headers["Location"], follow_redirects=True)  # progress page, then the slips
    slips = done.get_data(as_text=True)
    assert done.headers["Cache-Control"] == "no-store"
    credentials = re.findall(r'<dd class="mono">([^<]+)</dd>\s*<dt>Mật khẩu</dt><dd class="mono">([^<]+)</dd>', slips)
    assert len(credentials) == 38
    assert students_in(app, class_id) == 38
    username, password = credentials[0]
    assert Auth(app.test_client()).login(username, password).status_code == 302
    # The same list again updates nothing and creates no duplicate.
    again = client.get(upload(client, class_id, "lai.xlsx", SAMPLE.read_bytes()).headers["Location"])
    assert "giữ nguyên <strong>38</strong>" in again.get_data(as_text=True)
    # Confirming the same preview twice does not import twice.
    assert client.post(preview_url, data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert students_in(app, class_id) == 38


def test_bad_rows_write_nothing_and_are_named(app, client, auth, people):
    auth.login("gv.hoa")
    data = xlsx(
        [
            ["DANH SÁCH LỚP 7A1"],
            [],
            ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính"],
            [1, "HS01", "Nguyễn Văn Mới", "12/03/2014", "Nam"],
            [2, "HS02", "", "01/01/2014", "Nữ"],
            [3, "HS03", "Lê Thị Sai Ngày", "31/02/2014", "Nữ"],
            [4, "HS01", "Trần Trùng Mã", "05/05/2014", "Nam"],
        ]
    )
    preview = client.get(upload(client, people["klass"], "lop.xlsx", data).headers["Location"])
    html = preview.get_data(as_text=True)
    assert "tệp có 3 lỗi" in html
    assert "dòng 5:" in html and "dòng 6:" in html and "dòng 7:" in html
    assert "Xác nhận nhập" not in html
    with app.app_context():
        assert db.session.scalar(select(User).where(User.full_name == "Nguyễn Văn Mới")) is None
    assert students_in(app, people["klass"]) == 2


def test_names_are_stored_composed_and_shown_escaped(app, client, auth, people):
    import unicodedata

    auth.login("gv.hoa")
    csv_data = (
        "\ufeffHọ và tên;Ngày sinh\n" + unicodedata.normalize("NFD", "  Đỗ   Thị  Ánh ") + ";09/07/2014\n"
        "=1+2 Hacker;01/01/2014\n<script>alert(1)</script> Lê;02/02/2014\n"
    ).encode("utf-8")
    preview_url = upload(client, people["klass"], "lop.csv", csv_data).headers["Location"]
    client.post(preview_url, data={"csrf_token": csrf_token(client, preview_url)})
    with app.app_context():
        names = set(db.session.scalars(select(User.full_name).where(User.role == "student")))
    assert "Đỗ Thị Ánh" in names and "=1+2 Hacker" in names and "<script>alert(1)</script> Lê" in names
    html = client.get(f"/giao-vien/lop/{people['klass']}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_wrong_file_type_is_refused_in_vietnamese(client, auth, people):
    auth.login("gv.hoa")
    response = upload(client, people["klass"], "lop.pdf", b"%PDF-1.4")
    assert response.status_code == 200 and "Chỉ nhận tệp Excel .xlsx hoặc .csv." in response.get_data(as_text=True)


def test_another_teacher_cannot_confirm_my_upload(app, client, auth, people):
    auth.login("gv.hoa")
    data = xlsx([["Họ và tên"], ["Nguyễn Văn Mới"]])
    preview_url = upload(client, people["klass"], "lop.xlsx", data).headers["Location"]
    other = app.test_client()
    Auth(other).login("gv.7a2")
    assert other.post(preview_url, data={"csrf_token": csrf_token(other, "/")}).status_code == 404
    assert students_in(app, people["klass"]) == 2
