"""Family outreach: students who completed record the relatives they guided; their class teacher confirms."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import FamilyOutreach, Lesson, OutreachStatus, SchoolClass, User
from quizapp.services import outreach
from quizapp.services.attempts import shown_questions, start_or_resume, submit
from quizapp.services.certificates import award_if_complete
from quizapp.services.demo import _answer
from quizapp.services.progress import programme_for, record_lesson_read

from .conftest import csrf_token
from .helpers import count_queries

TODAY = date(2026, 11, 20)
AN, BINH = "Nguyễn Văn An", "Trần Thị Bình"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """'Today' in Vietnam is fixed inside the 2026-2027 school year, whatever the machine's clock says."""
    monkeypatch.setattr(outreach, "vietnam_today", lambda: TODAY)


def certify(app, user_id: int) -> None:
    """Complete the programme with the same operations as the web (read every lesson, pass every quiz)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        for module in programme_for(user).modules:
            record_lesson_read(user, db.session.get(Lesson, module.lesson.id))
            if module.quiz:
                attempt = start_or_resume(user, module.quiz)
                questions = shown_questions(attempt)
                submit(attempt, questions, {q.item.position: _answer(q, True) for q in questions})
        assert award_if_complete(user) is not None
        db.session.commit()


def post_entry(client, **values):
    data = {"relation": "Mẹ", "service": "Đăng nhập VNeID", "helped_on": "2026-11-15", "note": ""}
    data.update(values)
    data["csrf_token"] = csrf_token(client, "/")
    return client.post("/nguoi-than", data=data)


def entries(app, user_id: int | None = None) -> list[FamilyOutreach]:
    with app.app_context():
        query = select(FamilyOutreach).order_by(FamilyOutreach.id)
        if user_id is not None:
            query = query.where(FamilyOutreach.student_id == user_id)
        return list(db.session.scalars(query))


@pytest.fixture
def an_recorded(app, client, auth, people):
    """hs.an completed and recorded one relative (pending); nobody is logged in afterwards."""
    certify(app, people["hs.an"])
    auth.login("hs.an")
    assert post_entry(client, note="Mẹ tự nộp hồ sơ được").status_code == 302
    auth.logout()
    return entries(app, people["hs.an"])[0].id


def test_recording_needs_a_completed_programme(app, client, auth, people):
    auth.login("hs.binh")
    page = client.get("/nguoi-than")
    assert page.status_code == 200 and "Khi học xong cả chương trình" in page.get_data(as_text=True)
    assert 'name="relation"' not in page.get_data(as_text=True)
    response = post_entry(client)
    assert response.status_code == 200 and entries(app) == []


def test_a_student_who_completed_records_a_relative(app, client, auth, people):
    certify(app, people["hs.an"])
    auth.login("hs.an")
    form = client.get("/nguoi-than").get_data(as_text=True)
    assert 'type="date"' in form and 'max="2026-11-20"' in form and 'min="2026-09-01"' in form
    assert "Không ghi số căn cước, số điện thoại hay mật khẩu" in form
    response = post_entry(client, relation="Bà", service="Thẻ BHYT trên VNeID", note="  Bà   thêm được thẻ  ")
    assert response.status_code == 302
    [entry] = entries(app, people["hs.an"])
    assert (entry.relation, entry.service, entry.helped_on, entry.note, entry.status) == (
        "Bà",
        "Thẻ BHYT trên VNeID",
        date(2026, 11, 15),
        "Bà thêm được thẻ",
        OutreachStatus.PENDING,
    )
    page = client.get("/nguoi-than").get_data(as_text=True)
    assert "Chờ thầy cô xác nhận" in page and "Thẻ BHYT trên VNeID" in page and "15/11/2026" in page
    post_entry(client, relation="Bà", service="Thẻ BHYT trên VNeID")  # the same again is not doubled
    assert len(entries(app, people["hs.an"])) == 1


@pytest.mark.parametrize(
    "note",
    ["Số của mẹ 0912345678", "CCCD 001208012345", "gọi 0912 345 678", "mã 001.208.012"],
)
def test_a_note_with_a_long_number_is_refused(app, client, auth, people, note):
    certify(app, people["hs.an"])
    auth.login("hs.an")
    response = post_entry(client, note=note)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "dãy số dài" in page
    assert entries(app) == []


def test_short_numbers_in_a_note_are_fine(app, client, auth, people):
    certify(app, people["hs.an"])
    auth.login("hs.an")
    assert post_entry(client, note="Lúc 9 giờ ngày 15/11, bố làm 2 lần").status_code == 302


def test_too_long_a_note_is_refused(app, client, auth, people):
    certify(app, people["hs.an"])
    auth.login("hs.an")
    response = post_entry(client, note="a" * 201)
    assert response.status_code == 200 and "tối đa 200 ký tự" in response.get_data(as_text=True)
    assert entries(app) == []


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-11-21", "không được ở sau hôm nay"), ("2026-08-31", "từ đầu năm học (01/09/2026)"), ("", "Hãy chọn ngày")],
)
def test_impossible_dates_are_refused(app, client, auth, people, day, message):
    certify(app, people["hs.an"])
    auth.login("hs.an")
    response = post_entry(client, helped_on=day)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert entries(app) == []


def test_unknown_relation_or_service_is_refused(app, client, auth, people):
    certify(app, people["hs.an"])
    auth.login("hs.an")
    assert post_entry(client, relation="Hàng xóm").status_code == 200
    assert post_entry(client, service="").status_code == 200
    assert entries(app) == []


def test_the_service_refuses_what_the_form_refuses(app, people):
    with app.app_context():
        student = db.session.get(User, people["hs.an"])
        with pytest.raises(ValueError, match="dãy số dài"):
            outreach.record(student, "Mẹ", "Khác", TODAY, note="0912345678")
        with pytest.raises(ValueError, match="sau hôm nay"):
            outreach.record(student, "Mẹ", "Khác", date(2026, 12, 1))


def test_teacher_of_the_class_sees_and_confirms(app, client, auth, people, an_recorded):
    auth.login("gv.hoa")
    dashboard = client.get(f"/giao-vien/lop/{people['klass']}").get_data(as_text=True)
    assert "Người thân được hướng dẫn (1 chờ xác nhận)" in dashboard
    page = client.get(f"/giao-vien/lop/{people['klass']}/nguoi-than").get_data(as_text=True)
    assert AN in page and "Mẹ" in page and "Đăng nhập VNeID" in page and "15/11/2026" in page
    assert "Mẹ tự nộp hồ sơ được" in page and "Chờ thầy cô xác nhận" in page
    token = csrf_token(client, f"/giao-vien/lop/{people['klass']}/nguoi-than")
    response = client.post(
        f"/giao-vien/lop/{people['klass']}/nguoi-than/{an_recorded}/xac-nhan", data={"csrf_token": token}
    )
    assert response.status_code == 302
    [entry] = entries(app)
    assert entry.status == OutreachStatus.CONFIRMED
    assert entry.reviewed_by_id == people["teacher"] and entry.reviewed_at is not None
    dashboard = client.get(f"/giao-vien/lop/{people['klass']}").get_data(as_text=True)
    assert "chờ xác nhận)" not in dashboard
    # A second thought: the same teacher may refuse it after all.
    client.post(f"/giao-vien/lop/{people['klass']}/nguoi-than/{an_recorded}/khong-xac-nhan", data={"csrf_token": token})
    assert entries(app)[0].status == OutreachStatus.REJECTED
    assert "Không xác nhận" in client.get(f"/giao-vien/lop/{people['klass']}/nguoi-than").get_data(as_text=True)


def test_confirming_needs_the_csrf_token(app, client, auth, people, an_recorded):
    auth.login("gv.hoa")
    response = client.post(f"/giao-vien/lop/{people['klass']}/nguoi-than/{an_recorded}/xac-nhan")
    assert response.status_code == 400 and entries(app)[0].status == OutreachStatus.PENDING


def test_pending_entries_come_first(app, client, auth, people, an_recorded):
    certify(app, people["hs.binh"])
    auth.login("hs.binh")
    post_entry(client, relation="Ông")
    auth.logout()
    auth.login("gv.hoa")
    token = csrf_token(client, "/giao-vien/")
    client.post(f"/giao-vien/lop/{people['klass']}/nguoi-than/{an_recorded}/xac-nhan", data={"csrf_token": token})
    page = client.get(f"/giao-vien/lop/{people['klass']}/nguoi-than").get_data(as_text=True)
    assert page.index(BINH) < page.index(AN)  # Bình's entry is pending, An's confirmed


@pytest.mark.parametrize("intruder", ["gv.7a2", "gv.khac", "bgh.b"])
def test_teachers_of_other_classes_get_404_and_see_no_names(app, client, auth, people, an_recorded, intruder):
    auth.login(intruder)
    token = csrf_token(client, "/giao-vien/")
    base = f"/giao-vien/lop/{people['klass']}/nguoi-than"
    listing = client.get(base)
    assert listing.status_code == 404 and AN not in listing.get_data(as_text=True)
    for action in ("xac-nhan", "khong-xac-nhan"):
        response = client.post(f"{base}/{an_recorded}/{action}", data={"csrf_token": token})
        assert response.status_code == 404 and AN not in response.get_data(as_text=True)
    assert entries(app)[0].status == OutreachStatus.PENDING


def test_an_entry_is_not_reachable_through_another_class(app, client, auth, people, an_recorded):
    auth.login("gv.khac")  # may manage their own class, where hs.an is not enrolled
    token = csrf_token(client, "/giao-vien/")
    base = f"/giao-vien/lop/{people['other_class']}/nguoi-than"
    assert AN not in client.get(base).get_data(as_text=True)
    assert client.post(f"{base}/{an_recorded}/xac-nhan", data={"csrf_token": token}).status_code == 404
    assert entries(app)[0].status == OutreachStatus.PENDING


def test_the_school_admin_may_confirm(app, client, auth, people, an_recorded):
    auth.login("bgh.a")
    token = csrf_token(client, "/giao-vien/")
    client.post(f"/giao-vien/lop/{people['klass']}/nguoi-than/{an_recorded}/xac-nhan", data={"csrf_token": token})
    assert entries(app)[0].reviewed_by_id == people["admin"]


def test_students_get_403_on_the_teacher_pages(client, auth, people, an_recorded):
    auth.login("hs.an")
    token = csrf_token(client, "/")
    base = f"/giao-vien/lop/{people['klass']}/nguoi-than"
    assert client.get(base).status_code == 403
    assert client.post(f"{base}/{an_recorded}/xac-nhan", data={"csrf_token": token}).status_code == 403


def test_a_student_cannot_delete_another_students_entry(app, client, auth, people, an_recorded):
    certify(app, people["hs.binh"])
    auth.login("hs.binh")
    response = client.post(f"/nguoi-than/{an_recorded}/xoa", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 404
    assert AN not in response.get_data(as_text=True)
    assert "Mẹ tự nộp hồ sơ được" not in client.get("/nguoi-than").get_data(as_text=True)
    assert len(entries(app)) == 1


def test_a_student_deletes_own_entry_only_while_pending(app, client, auth, people, an_recorded):
    auth.login("hs.an")
    post_entry(client, relation="Bố")
    pending_id = entries(app, people["hs.an"])[-1].id
    token = csrf_token(client, "/nguoi-than")
    assert client.post(f"/nguoi-than/{pending_id}/xoa").status_code == 400  # no CSRF token
    assert client.post(f"/nguoi-than/{pending_id}/xoa", data={"csrf_token": token}).status_code == 302
    assert [e.id for e in entries(app)] == [an_recorded]
    with app.app_context():
        entry = db.session.get(FamilyOutreach, an_recorded)
        outreach.review(entry, db.session.get(User, people["teacher"]), confirmed=True)
        db.session.commit()
    response = client.post(f"/nguoi-than/{an_recorded}/xoa", data={"csrf_token": token}, follow_redirects=True)
    assert "không xoá được" in response.get_data(as_text=True)
    assert [e.status for e in entries(app)] == [OutreachStatus.CONFIRMED]
    assert "Xoá mục này" not in client.get("/nguoi-than").get_data(as_text=True)


def test_entries_of_an_earlier_year_stay_out_of_this_years_class(app, client, auth, people, an_recorded):
    with app.app_context():
        db.session.add(
            FamilyOutreach(
                student_id=people["hs.an"],
                relation="Chú",
                service="Khác",
                helped_on=date(2025, 10, 1),
                status="confirmed",
            )
        )
        db.session.commit()
    auth.login("gv.hoa")
    page = client.get(f"/giao-vien/lop/{people['klass']}/nguoi-than").get_data(as_text=True)
    assert "Chú" not in page and "Mẹ" in page


def test_confirmed_counts_per_student_and_per_class_in_one_query(app, people):
    with app.app_context():
        teacher = db.session.get(User, people["teacher"])
        an, binh = db.session.get(User, people["hs.an"]), db.session.get(User, people["hs.binh"])
        made = [
            (an, "Mẹ", OutreachStatus.CONFIRMED),
            (an, "Bố", OutreachStatus.CONFIRMED),
            (an, "Bà", OutreachStatus.PENDING),
            (binh, "Ông", OutreachStatus.REJECTED),
            (binh, "Chị", OutreachStatus.CONFIRMED),
        ]
        for student, relation, status in made:
            entry = FamilyOutreach(student_id=student.id, relation=relation, service="Khác", helped_on=TODAY)
            db.session.add(entry)
            db.session.flush()
            if status != OutreachStatus.PENDING:
                outreach.review(entry, teacher, confirmed=status == OutreachStatus.CONFIRMED)
        intruder_student = db.session.scalar(select(User).where(User.username == "hs.khac"))
        db.session.add(
            FamilyOutreach(
                student_id=intruder_student.id, relation="Mẹ", service="Khác", helped_on=TODAY, status="confirmed"
            )
        )
        db.session.commit()
        school_students = select(User.id).where(User.school_id == people["school"], User.role == "student")
        db.session.execute(select(1))  # the transaction is open: only the report's own statements count
        with count_queries(app) as counter:
            counts = outreach.confirmed_count_by_student(school_students)
        assert counter["n"] == 1
        assert counts == {an.id: 2, binh.id: 1}
        assert outreach.confirmed_count_by_student(school_students, since=date(2026, 12, 1)) == {}
        by_class = outreach.confirmed_by_class(select(SchoolClass.id))
        assert (by_class[people["klass"]].families, by_class[people["klass"]].entries) == (2, 3)
        assert (by_class[people["other_class"]].families, by_class[people["other_class"]].entries) == (1, 1)
        assert people["sibling_class"] not in by_class
        assert outreach.pending_count(db.session.get(SchoolClass, people["klass"])) == 1


def test_reviewing_an_entry_the_student_just_deleted_changes_nothing(app, people):
    with app.app_context():
        student, teacher = db.session.get(User, people["hs.an"]), db.session.get(User, people["teacher"])
        entry = FamilyOutreach(student_id=student.id, relation="Mẹ", service="Khác", helped_on=TODAY)
        db.session.add(entry)
        db.session.commit()
        seen_by_teacher = db.session.get(FamilyOutreach, entry.id)
        assert outreach.delete_pending(seen_by_teacher)  # as if the student's request came first
        assert outreach.review(seen_by_teacher, teacher, confirmed=True) is False
        db.session.commit()
        assert db.session.scalars(select(FamilyOutreach)).all() == []
