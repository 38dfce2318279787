"""The school officer's privacy buttons, the audit log pages (scope, paging, constant queries) and the notice."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditAction, AuditEvent, Enrollment, Role, School, Unit, User
from quizapp.services.audit import PAGE_SIZE, record

from .conftest import PASSWORD, add_user, csrf_token
from .helpers import count_queries


def test_officer_finds_sees_downloads_and_erases_a_student(app, client, auth, people):
    auth.login("bgh.a")
    found = client.get("/truong/du-lieu-ca-nhan?q=an").get_data(as_text=True)
    assert "Nguyễn Văn An" in found and "Lê Khác" not in found  # another school's student is never listed

    page = client.get(f"/truong/du-lieu-ca-nhan/{people['hs.an']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Dữ liệu của Nguyễn Văn An" in html and "7A1" in html
    download = client.get(f"/truong/du-lieu-ca-nhan/{people['hs.an']}.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "no-store"
    assert json.loads(download.data)["student"]["username"] == "hs.an"

    confirm = client.get(f"/truong/du-lieu-ca-nhan/{people['hs.an']}/xoa").get_data(as_text=True)
    assert "Xoá dữ liệu của Nguyễn Văn An (hs.an)?" in confirm and "báo cáo đã ban hành" in confirm
    with app.app_context():
        assert db.session.get(User, people["hs.an"]).erased_at is None  # looking at the page erases nothing

    token = csrf_token(client, f"/truong/du-lieu-ca-nhan/{people['hs.an']}/xoa")
    done = client.post(f"/truong/du-lieu-ca-nhan/{people['hs.an']}/xoa", data={"csrf_token": token})
    assert done.status_code == 302
    assert "Đã xoá dữ liệu của Nguyễn Văn An" in client.get(done.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        tomb = db.session.get(User, people["hs.an"])
        assert tomb.erased_at is not None and tomb.full_name == "Học sinh đã xoá"
        assert db.session.scalar(select(func.count()).where(Enrollment.student_id == tomb.id)) == 0
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_user_id == tomb.id).order_by(AuditEvent.id)
        ).all()
        assert actions == [AuditAction.EXPORT, AuditAction.EXPORT, AuditAction.ERASE]
    # Erased: the student's pages are gone, and the log shows no name.
    assert client.get(f"/truong/du-lieu-ca-nhan/{people['hs.an']}").status_code == 404
    log = client.get("/truong/nhat-ky").get_data(as_text=True)
    assert "Xoá dữ liệu một học sinh" in log and "Học sinh đã xoá" in log and "Nguyễn Văn An" not in log
    # The erased student cannot log in any more.
    auth.logout()
    assert "Nguyễn Văn An" not in auth.login("hs.an").get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_other_schools_and_other_roles_are_refused(app, client, auth, people):
    auth.login("bgh.b")  # the admin of another school
    for path in (
        f"/truong/du-lieu-ca-nhan/{people['hs.an']}",
        f"/truong/du-lieu-ca-nhan/{people['hs.an']}.json",
        f"/truong/du-lieu-ca-nhan/{people['hs.an']}/xoa",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, "/truong/du-lieu-ca-nhan")
    assert client.post(f"/truong/du-lieu-ca-nhan/{people['hs.an']}/xoa", data={"csrf_token": token}).status_code == 404
    assert "Nguyễn Văn An" not in client.get("/truong/du-lieu-ca-nhan?q=an").get_data(as_text=True)
    auth.logout()
    auth.login("gv.hoa")  # the student's own teacher: not a school officer
    assert client.get(f"/truong/du-lieu-ca-nhan/{people['hs.an']}").status_code == 403
    assert client.get("/truong/nhat-ky").status_code == 403
    with app.app_context():
        assert db.session.get(User, people["hs.an"]).erased_at is None
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_school_log_shows_only_its_school_and_is_paged(app, client, auth, people):
    with app.app_context():
        admin = db.session.get(User, people["admin"])
        other_admin = db.session.get(User, people["other_admin"])
        student = db.session.get(User, people["hs.an"])
        for _ in range(PAGE_SIZE + 3):
            record(admin, AuditAction.PASSWORD_RESET, student)
        record(other_admin, AuditAction.PASSWORD_RESET, db.session.scalar(select(User).where(User.username == "hs.khac")))
        db.session.commit()
    auth.login("bgh.a")
    first = client.get("/truong/nhat-ky").get_data(as_text=True)
    assert f"Trang 1/2 · {PAGE_SIZE + 3} mục" in first and "Đặt lại mật khẩu" in first
    assert first.count("Nguyễn Văn An") == PAGE_SIZE and "Lê Khác" not in first
    second = client.get("/truong/nhat-ky?trang=2").get_data(as_text=True)
    assert "Trang 2/2" in second and second.count("Nguyễn Văn An") == 3
    with count_queries(app) as queries:
        client.get("/truong/nhat-ky")
    few = queries["n"]
    with app.app_context():
        teacher = db.session.get(User, people["teacher"])
        for number in range(20):  # many more actors and targets: the page's query count must not grow
            extra = add_user(f"hs.moi{number}", Role.STUDENT, db.session.get(School, people["school"]))
            record(teacher, AuditAction.ACCOUNT_CREATE, extra)
        db.session.commit()
    with count_queries(app) as queries:
        client.get("/truong/nhat-ky")
    assert queries["n"] == few
    auth.logout()
    auth.login("bgh.b")
    theirs = client.get("/truong/nhat-ky").get_data(as_text=True)
    assert "Lê Khác" in theirs and "Nguyễn Văn An" not in theirs and "1 mục" in theirs


def test_office_log_shows_its_own_actions_without_student_names(app, client, auth, people):
    with app.app_context():
        unit = db.session.get(Unit, people["unit"])
        officer = User(username="px.tx", full_name="Cán Bộ Phường", role=Role.UNIT_ADMIN, unit_id=unit.id)
        officer.set_password(PASSWORD)
        other_unit = Unit(code="P-KD", name="Phường Khương Đình")
        db.session.add_all([officer, other_unit])
        db.session.flush()
        stranger = User(username="px.kd", full_name="Cán Bộ Khác", role=Role.UNIT_ADMIN, unit_id=other_unit.id)
        stranger.set_password(PASSWORD)
        db.session.add(stranger)
        db.session.flush()
        record(officer, AuditAction.EXPORT, db.session.get(User, people["hs.an"]), format="xlsx")
        record(db.session.get(User, people["admin"]), AuditAction.REPORT_ISSUE, number=1)  # the school's, not ours
        db.session.commit()
    auth.login("px.tx")
    html = client.get("/don-vi/nhat-ky").get_data(as_text=True)
    assert "Xuất dữ liệu có tên" in html and "Ban hành báo cáo" not in html
    assert "Nguyễn Văn An" not in html and "một học sinh" in html  # this unit may not see names
    auth.logout()
    auth.login("px.kd")
    assert "Chưa có mục nào" in client.get("/don-vi/nhat-ky").get_data(as_text=True)


def test_recorded_actions_land_in_the_schools_log(app, client, auth, people):
    """A password reset and an outreach confirmation from the web are logged with who, whose and when."""
    auth.login("gv.hoa")
    path = f"/giao-vien/lop/{people['klass']}/hoc-sinh/{people['hs.binh']}/cap-lai-mat-khau"
    token = csrf_token(client, path)
    slips = client.post(path, data={"csrf_token": token, "confirmed": "1"})
    assert slips.status_code == 200
    assert "/du-lieu-ca-nhan</span>" in slips.get_data(as_text=True)  # the slips point to the notice
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.PASSWORD_RESET))
        assert (event.actor_id, event.target_user_id, event.school_id) == (
            people["teacher"],
            people["hs.binh"],
            people["school"],
        )
        assert event.created_at is not None
        # A confirmed relative and a new teacher account are logged too.
        from datetime import date

        from quizapp.models import FamilyOutreach, School
        from quizapp.scope import Scope
        from quizapp.services import outreach
        from quizapp.services.org import create_staff

        entry = FamilyOutreach(student_id=people["hs.an"], relation="Mẹ", service="VNeID", helped_on=date(2026, 11, 1))
        db.session.add(entry)
        db.session.flush()
        teacher = db.session.get(User, people["teacher"])
        assert outreach.review(entry, teacher, confirmed=True)
        admin = db.session.get(User, people["admin"])
        school = db.session.get(School, people["school"])
        new_user, _ = create_staff("Lê Thị Mới", Role.TEACHER, school=school, scope=Scope.of(admin))
        db.session.commit()
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_user_id).order_by(AuditEvent.id)
        ).all()
        assert rows[1:] == [
            (AuditAction.OUTREACH_CONFIRM, people["teacher"], people["hs.an"]),
            (AuditAction.ACCOUNT_CREATE, people["admin"], new_user.id),
        ]
    auth.logout()
    auth.login("bgh.a")
    log = client.get("/truong/nhat-ky").get_data(as_text=True)
    for words in ("Đặt lại mật khẩu", "Xác nhận hướng dẫn người thân", "Tạo tài khoản", "Nguyễn Thị Hoa", "Lê Thị Mới"):
        assert words in log, words


def test_notice_is_public_and_linked_from_the_login_page(client):
    login = client.get("/dang-nhap").get_data(as_text=True)
    assert 'href="/du-lieu-ca-nhan"' in login
    notice = client.get("/du-lieu-ca-nhan")
    html = notice.get_data(as_text=True)
    assert notice.status_code == 200
    for words in ("Chúng tôi lưu gì", "Để làm gì", "Ai được xem", "Giữ trong bao lâu", "bản sao", "xoá", "91/2025/QH15"):
        assert words in html, words
