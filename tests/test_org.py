"""Managing the organisation: the unit tree and its scope, accounts, targets, and the new school year."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    Certificate,
    Enrollment,
    LessonProgress,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    Target,
    Unit,
    User,
)
from quizapp.scope import Scope
from quizapp.services.demo import school_year, simulate_progress
from quizapp.services.org import (
    OrgError,
    create_class,
    create_school,
    create_staff,
    create_unit,
    promoted_name,
    schools_in_unit,
    set_target,
    start_new_year,
    unit_path,
    unit_subtree_ids,
)

from .conftest import YEAR, Auth, add_user, csrf_token

SYSTEM = Scope.system()

NEXT_YEAR = "2027-2028"
INVALID = "Lựa chọn không hợp lệ."


@pytest.fixture
def org(app, people):
    """A province with two wards: Thanh Xuân (schools A and B of `people`) and Hà Đông (school C).

    One unit admin per ward and one for the province; school C has its own admin.
    """
    with app.app_context():
        province = Unit(code="SO-HN", name="Sở GDĐT Hà Nội")
        db.session.add(province)
        db.session.flush()
        ward_tx = db.session.get(Unit, people["unit"])
        ward_tx.parent_id = province.id
        ward_hd = Unit(code="P-HD", name="Phường Hà Đông", parent_id=province.id)
        db.session.add(ward_hd)
        db.session.flush()
        school_c = School(code="THCS-C", name="THCS Cầu Đơ", unit_id=ward_hd.id)
        db.session.add(school_c)
        db.session.flush()
        add_user("cb.so", Role.UNIT_ADMIN, None, "Vũ Thị Sở", unit_id=province.id)
        add_user("cb.tx", Role.UNIT_ADMIN, None, "Đặng Văn Xuân", unit_id=ward_tx.id)
        add_user("cb.hd", Role.UNIT_ADMIN, None, "Ngô Thị Đông", unit_id=ward_hd.id)
        add_user("bgh.c", Role.SCHOOL_ADMIN, school_c, "Phan Văn Cầu")
        db.session.commit()
        return dict(people, province=province.id, ward_tx=ward_tx.id, ward_hd=ward_hd.id, school_c=school_c.id)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def shown_account(html: str) -> tuple[str, str]:
    match = re.search(
        r'<dt>Tên đăng nhập</dt><dd class="mono">([^<]+)</dd>\s*<dt>Mật khẩu</dt><dd class="mono">([^<]+)</dd>', html
    )
    assert match, html
    return match.group(1), match.group(2)


# --- Services: the tree ------------------------------------------------------------------------


def test_subtree_paths_and_schools_follow_the_tree(app, org):
    with app.app_context():
        ward_tx = db.session.get(Unit, org["ward_tx"])
        block = create_unit("TX-KHOI1", "Cụm trường 1", ward_tx, scope=SYSTEM)
        assert unit_subtree_ids(org["province"]) == {org["province"], org["ward_tx"], org["ward_hd"], block.id}
        assert unit_subtree_ids(org["ward_tx"]) == {org["ward_tx"], block.id}
        assert unit_subtree_ids(org["ward_hd"]) == {org["ward_hd"]}
        create_school("THCS-D", "THCS D", block, scope=SYSTEM)
        in_tx = [s.code for s in db.session.scalars(schools_in_unit(org["ward_tx"]))]
        assert sorted(in_tx) == ["THCS-A", "THCS-B", "THCS-D"]
        assert [s.code for s in db.session.scalars(schools_in_unit(org["ward_hd"]))] == ["THCS-C"]
        assert len(db.session.scalars(schools_in_unit(org["province"])).all()) == 4
        assert [u.code for u in unit_path(block)] == ["SO-HN", "P-TX", "TX-KHOI1"]


def test_units_and_schools_refuse_duplicates_bad_codes_and_parents_outside_scope(app, org):
    with app.app_context():
        province = db.session.get(Unit, org["province"])
        ward_hd = db.session.get(Unit, org["ward_hd"])
        cb_tx = db.session.scalar(select(User).where(User.username == "cb.tx"))
        with pytest.raises(OrgError, match="Mã đơn vị SO-HN đã có"):
            create_unit(" so-hn ", "Trùng mã", province, scope=SYSTEM)
        with pytest.raises(OrgError, match="không hợp lệ"):
            create_unit("Phường Mới", "Mã có dấu", province, scope=SYSTEM)
        with pytest.raises(OrgError, match="Mã trường THCS-A đã có"):
            create_school("thcs-a", "Trùng mã", province, scope=SYSTEM)
        with pytest.raises(OrgError, match="không thuộc phạm vi"):
            create_unit("HD-2", "Của phường khác", ward_hd, scope=Scope.of(cb_tx))
        with pytest.raises(OrgError, match="không thuộc phạm vi"):
            create_school("THCS-X", "Trường X", ward_hd, scope=Scope.of(cb_tx))
        with pytest.raises(OrgError, match="đơn vị cấp trên"):
            create_unit("GOC-2", "Đơn vị gốc", None, scope=Scope.of(cb_tx))
        with pytest.raises(OrgError, match="Hãy nhập tên"):
            create_school("THCS-Y", "   ", ward_hd, scope=SYSTEM)
        unit = create_unit("p-moi", "  Phường   Mới ", db.session.get(Unit, org["ward_tx"]), scope=Scope.of(cb_tx))
        assert (unit.code, unit.name) == ("P-MOI", "Phường Mới")


def test_classes_need_a_grade_of_lower_secondary_matching_the_name_and_a_unique_name(app, org):
    with app.app_context():
        school = db.session.get(School, org["school"])
        year = db.session.get(SchoolYear, org["year"])
        with pytest.raises(OrgError, match="Khối 5 không hợp lệ"):
            create_class(school, year, "5A1", 5, scope=SYSTEM)
        with pytest.raises(OrgError, match="Khối 10 không hợp lệ"):
            create_class(school, year, "10A1", 10, scope=SYSTEM)
        with pytest.raises(OrgError, match="phải bắt đầu bằng số khối 7"):
            create_class(school, year, "8A1", 7, scope=SYSTEM)
        with pytest.raises(OrgError, match="đã có lớp 7A1"):
            create_class(school, year, " 7a1 ", 7, scope=SYSTEM)
        other = db.session.get(School, org["school_c"])
        assert create_class(other, year, "7A1", 7, scope=SYSTEM).name == "7A1"  # another school may have its own 7A1
        assert create_class(school, year, "lớp 9a 2", 9, scope=SYSTEM).name == "9A2"
        bgh_b = db.session.scalar(select(User).where(User.username == "bgh.b"))
        with pytest.raises(OrgError, match="không thuộc phạm vi"):
            create_class(school, year, "6A1", 6, scope=Scope.of(bgh_b))


def test_staff_accounts_get_a_readable_login_and_a_password_to_change(app, org):
    with app.app_context():
        school = db.session.get(School, org["school"])
        user, password = create_staff("Nguyễn Thị Hoa", Role.TEACHER, school=school, scope=SYSTEM)
        assert user.username == "hoa.nt" and user.check_password(password) and user.must_change_password
        assert user.password_hash != password
        second, _ = create_staff("Nguyễn Thị Hoa", Role.TEACHER, school=school, scope=SYSTEM)
        assert second.username == "hoa.nt2"
        ward = db.session.get(Unit, org["ward_hd"])
        chosen, _ = create_staff("Ngô Văn Phường", Role.UNIT_ADMIN, unit=ward, username=" CB.Phuong ", scope=SYSTEM)
        assert chosen.username == "cb.phuong" and chosen.unit_id == ward.id and chosen.school_id is None
        with pytest.raises(OrgError, match="đã có người dùng"):
            create_staff("Ai Đó", Role.TEACHER, school=school, username="GV.HOA", scope=SYSTEM)
        for bad in ("ab", "có dấu", "a b c", "-dau-gach", "x" * 61):
            with pytest.raises(OrgError, match="không hợp lệ"):
                create_staff("Ai Đó", Role.TEACHER, school=school, username=bad, scope=SYSTEM)
        with pytest.raises(OrgError, match="Vai trò không hợp lệ"):
            create_staff("Học Sinh", Role.STUDENT, school=school, scope=SYSTEM)
        with pytest.raises(OrgError, match="cần một đơn vị"):
            create_staff("Ai Đó", Role.UNIT_ADMIN, school=school, scope=SYSTEM)
        with pytest.raises(OrgError, match="cần một trường"):
            create_staff("Ai Đó", Role.SCHOOL_ADMIN, unit=ward, scope=SYSTEM)
        bgh_a = db.session.scalar(select(User).where(User.username == "bgh.a"))
        with pytest.raises(OrgError, match="chỉ tạo được tài khoản giáo viên"):
            create_staff("Ai Đó", Role.SCHOOL_ADMIN, school=school, scope=Scope.of(bgh_a))
        with pytest.raises(OrgError, match="không thuộc phạm vi"):
            create_staff("Ai Đó", Role.TEACHER, school=db.session.get(School, org["school_c"]), scope=Scope.of(bgh_a))


def test_targets_are_upserted_per_year_and_place(app, org):
    with app.app_context():
        year = db.session.get(SchoolYear, org["year"])
        school = db.session.get(School, org["school"])
        ward = db.session.get(Unit, org["ward_tx"])
        kwargs = dict(grades=[8, 7], percent=90, deadline=date(2027, 5, 15), include_staff=True)
        first = set_target(year, school=school, **kwargs, scope=SYSTEM)
        again = set_target(
            year, school=school, grades=[7], percent=100, deadline=date(2027, 4, 30), include_staff=False, scope=SYSTEM
        )
        assert first.id == again.id and count(Target) == 1
        assert (again.target_grades, again.target_percent, again.include_staff) == ("7", 100, False)
        ward_target = set_target(year, unit=ward, **kwargs, scope=SYSTEM)
        assert ward_target.id != first.id and ward_target.target_grades == "7,8" and count(Target) == 2
        set_target(school_year(NEXT_YEAR), school=school, **dict(kwargs, deadline=date(2028, 5, 15)), scope=SYSTEM)
        assert count(Target) == 3
        for bad, message in (
            (dict(kwargs, grades=[]), "ít nhất một khối"),
            (dict(kwargs, grades=[7, 10]), "Khối 10"),
            (dict(kwargs, percent=0), "từ 1 đến 100"),
            (dict(kwargs, percent=101), "từ 1 đến 100"),
            (dict(kwargs, deadline=date(2026, 8, 1)), "sau ngày bắt đầu năm học"),
        ):
            with pytest.raises(OrgError, match=message):
                set_target(year, school=school, **bad, scope=SYSTEM)
        with pytest.raises(OrgError, match="đúng một trường hoặc một đơn vị"):
            set_target(year, school=school, unit=ward, **kwargs, scope=SYSTEM)
        cb_hd = db.session.scalar(select(User).where(User.username == "cb.hd"))
        with pytest.raises(OrgError, match="không thuộc phạm vi"):
            set_target(year, school=school, scope=Scope.of(cb_hd), **kwargs)
        with pytest.raises(OrgError, match="không thuộc phạm vi"):
            set_target(year, unit=db.session.get(Unit, org["province"]), scope=Scope.of(cb_hd), **kwargs)


# --- Services: a new school year ---------------------------------------------------------------


@pytest.fixture
def last_year(app, org):
    """School A in 2026-2027: 7A1 (An, who completed the programme, and Bình), 7A2, 8A1 (Cường), 9A1 (Dũng)."""
    with app.app_context():
        school = db.session.get(School, org["school"])
        year = db.session.get(SchoolYear, org["year"])
        for name, grade, student in (("8A1", 8, ("hs.cuong", "Lê Văn Cường")), ("9A1", 9, ("hs.dung", "Mai Dũng"))):
            klass = SchoolClass(school_id=school.id, school_year_id=year.id, grade=grade, name=name)
            db.session.add(klass)
            db.session.flush()
            user = add_user(student[0], Role.STUDENT, school, student[1])
            db.session.add(Enrollment(student_id=user.id, class_id=klass.id, school_year_id=year.id))
        simulate_progress([db.session.get(User, org["hs.an"])], grade=7, plans=[None])
        db.session.commit()
        assert count(Certificate) == 1
    return org


def classes_of(school_id: int, year_name: str) -> dict[str, int]:
    rows = db.session.execute(
        select(SchoolClass.name, SchoolClass.grade)
        .join(SchoolYear)
        .where(SchoolClass.school_id == school_id, SchoolYear.name == year_name)
    )
    return {name: grade for name, grade in rows}


def class_of(username: str, year_name: str) -> str | None:
    return db.session.scalar(
        select(SchoolClass.name)
        .join(Enrollment, Enrollment.class_id == SchoolClass.id)
        .join(User, User.id == Enrollment.student_id)
        .join(SchoolYear, SchoolYear.id == Enrollment.school_year_id)
        .where(User.username == username, SchoolYear.name == year_name)
    )


def test_promoted_names_replace_the_leading_grade():
    assert promoted_name("7A1", 7) == "8A1"
    assert promoted_name("6CLC", 6) == "7CLC"
    assert promoted_name("8A10", 8) == "9A10"
    assert promoted_name("A1", 7) is None
    assert promoted_name("8A1", 7) is None


def test_new_year_moves_classes_up_and_keeps_last_years_history(app, last_year):
    with app.app_context():
        before = (count(Enrollment), count(LessonProgress), count(Attempt), count(Certificate))
        school = db.session.get(School, last_year["school"])
        report = start_new_year(
            school, db.session.get(SchoolYear, last_year["year"]), school_year(NEXT_YEAR), scope=SYSTEM
        )
        db.session.commit()
        assert [(c.source.name, c.target.name, c.created, c.moved) for c in report.classes] == [
            ("7A1", "8A1", True, 2),
            ("7A2", "8A2", True, 0),
            ("8A1", "9A1", True, 1),
        ]
        assert [c.name for c in report.graduated] == ["9A1"] and report.moved == 3
        assert classes_of(last_year["school"], NEXT_YEAR) == {"8A1": 8, "8A2": 8, "9A1": 9}
        assert classes_of(last_year["school"], YEAR) == {"7A1": 7, "7A2": 7, "8A1": 8, "9A1": 9}
        assert class_of("hs.an", NEXT_YEAR) == "8A1" and class_of("hs.an", YEAR) == "7A1"
        assert class_of("hs.cuong", NEXT_YEAR) == "9A1"
        assert class_of("hs.dung", NEXT_YEAR) is None and class_of("hs.dung", YEAR) == "9A1"
        # Last year's enrolments, progress, attempts and certificates are all still there.
        assert (count(Enrollment), count(LessonProgress), count(Attempt), count(Certificate)) == (
            before[0] + 3,
            *before[1:],
        )
        certificate = db.session.scalar(select(Certificate))
        assert certificate.year_name == YEAR and certificate.user_id == last_year["hs.an"]
        assert classes_of(last_year["other_school"], NEXT_YEAR) == {}  # another school is not touched


def test_new_year_twice_changes_nothing_and_reports_who_was_already_placed(app, last_year):
    with app.app_context():
        school = db.session.get(School, last_year["school"])
        old, new = db.session.get(SchoolYear, last_year["year"]), school_year(NEXT_YEAR)
        # Bình was already placed in the new year (by a class-list import, say) in another class.
        placed = SchoolClass(school_id=school.id, school_year_id=new.id, grade=8, name="8A5")
        db.session.add(placed)
        db.session.flush()
        db.session.add(Enrollment(student_id=last_year["hs.binh"], class_id=placed.id, school_year_id=new.id))
        first = start_new_year(school, old, new, scope=SYSTEM)
        assert [(s.student.username, s.reason) for s in first.skipped_students] == [
            ("hs.binh", f"đã có lớp 8A5 trong năm học {NEXT_YEAR}")
        ]
        db.session.commit()
        enrolments = count(Enrollment)
        again = start_new_year(school, old, new, scope=SYSTEM)
        db.session.commit()
        assert again.moved == 0 and not again.created_classes and count(Enrollment) == enrolments
        assert {s.student.username for s in again.skipped_students} == {"hs.an", "hs.binh", "hs.cuong"}
        assert class_of("hs.binh", NEXT_YEAR) == "8A5"


def test_new_year_skips_locked_accounts_odd_class_names_and_refuses_going_backwards(app, last_year):
    with app.app_context():
        school = db.session.get(School, last_year["school"])
        old = db.session.get(SchoolYear, last_year["year"])
        db.session.get(User, last_year["hs.binh"]).is_active_account = False
        db.session.add(SchoolClass(school_id=school.id, school_year_id=old.id, grade=7, name="CLC"))
        report = start_new_year(school, old, school_year(NEXT_YEAR), scope=SYSTEM)
        assert [(c.name, "số khối" in reason) for c, reason in report.skipped_classes] == [("CLC", True)]
        assert [(s.student.username, s.reason) for s in report.skipped_students] == [
            ("hs.binh", "tài khoản đang bị khoá")
        ]
        with pytest.raises(OrgError, match="phải sau năm học"):
            start_new_year(school, school_year(NEXT_YEAR), old, scope=SYSTEM)
        with pytest.raises(OrgError, match="phải sau năm học"):
            start_new_year(school, old, old, scope=SYSTEM)
        bgh_b = db.session.scalar(select(User).where(User.username == "bgh.b"))
        with pytest.raises(OrgError, match="không thuộc phạm vi"):
            start_new_year(school, old, school_year(NEXT_YEAR), scope=Scope.of(bgh_b))


# --- Web: who may open the management pages ----------------------------------------------------

OFFICE_POSTS = [
    "/don-vi/quan-ly/don-vi",
    "/don-vi/quan-ly/truong",
    "/don-vi/quan-ly/can-bo-truong",
    "/don-vi/quan-ly/can-bo-don-vi",
    "/don-vi/quan-ly/chi-tieu",
]
SCHOOL_POSTS = [
    "/truong/quan-ly/lop",
    "/truong/quan-ly/giao-vien",
    "/truong/quan-ly/chi-tieu",
    "/truong/quan-ly/nam-hoc-moi",
]


def test_every_management_route_is_covered_here(app):
    endpoints = {r.endpoint: r.rule for r in app.url_map.iter_rules() if "/quan-ly" in r.rule}
    assert set(endpoints.values()) == {"/don-vi/quan-ly", "/truong/quan-ly", *OFFICE_POSTS, *SCHOOL_POSTS}


@pytest.mark.parametrize("username", ["hs.an", "gv.hoa"])
def test_students_and_teachers_get_403_on_both_management_areas(app, client, auth, org, username):
    auth.login(username)
    token = csrf_token(client, "/")
    assert client.get("/don-vi/quan-ly").status_code == 403
    assert client.get("/truong/quan-ly").status_code == 403
    for url in OFFICE_POSTS + SCHOOL_POSTS:
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert ">Quản lý<" not in client.get("/").get_data(as_text=True)


def test_a_school_admin_is_refused_the_office_and_a_unit_admin_the_school_page(client, auth, org):
    auth.login("bgh.a")
    token = csrf_token(client, "/")
    assert client.get("/don-vi/quan-ly").status_code == 403
    assert all(client.post(u, data={"csrf_token": token}).status_code == 403 for u in OFFICE_POSTS)
    auth.logout()
    auth.login("cb.tx")
    token = csrf_token(client, "/")
    assert client.get("/truong/quan-ly").status_code == 403
    assert all(client.post(u, data={"csrf_token": token}).status_code == 403 for u in SCHOOL_POSTS)


def test_anonymous_visitors_are_sent_to_log_in(client, org):
    for url in ("/don-vi/quan-ly", "/truong/quan-ly"):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


# --- Web: unit admins --------------------------------------------------------------------------


def options(html: str, select_name: str) -> set[str]:
    block = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert block, select_name
    return set(re.findall(r'value="([^"]+)"', block.group(1)))


def test_a_ward_admin_sees_and_offers_only_the_ward_subtree(client, auth, org):
    auth.login("cb.tx")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/don-vi/quan-ly">Quản lý<' in home
    html = client.get("/don-vi/quan-ly").get_data(as_text=True)
    assert "Sở GDĐT Hà Nội › Phường Thanh Xuân" in html
    assert "THCS A" in html and "THCS B" in html
    assert "THCS Cầu Đơ" not in html and "Phường Hà Đông" not in html and "Ngô Thị Đông" not in html
    assert options(html, "unit-parent_id") == {str(org["ward_tx"])}
    assert options(html, "school_admin-school_id") == {str(org["school"]), str(org["other_school"])}
    assert options(html, "target-scope") == {f"u{org['ward_tx']}", f"s{org['school']}", f"s{org['other_school']}"}
    assert html.count('name="unit-csrf_token"') == 1


def test_the_province_admin_sees_the_whole_tree_indented(client, auth, org):
    auth.login("cb.so")
    html = client.get("/don-vi/quan-ly").get_data(as_text=True)
    for name in ("Phường Thanh Xuân", "Phường Hà Đông", "THCS A", "THCS Cầu Đơ", "Ngô Thị Đông", "Phan Văn Cầu"):
        assert name in html
    assert "— Phường Hà Đông" in html  # the select shows depth
    assert options(html, "unit_admin-unit_id") == {str(org[k]) for k in ("province", "ward_tx", "ward_hd")}


def test_a_unit_admin_adds_a_unit_and_a_school_beneath_it(app, client, auth, org):
    auth.login("cb.tx")
    token = csrf_token(client, "/don-vi/quan-ly")
    response = client.post(
        "/don-vi/quan-ly/don-vi",
        data={"unit-csrf_token": token, "unit-parent_id": org["ward_tx"], "unit-code": "tx-cum1", "unit-name": "Cụm 1"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/don-vi/quan-ly")
    with app.app_context():
        cluster = db.session.scalar(select(Unit).where(Unit.code == "TX-CUM1"))
        assert cluster.parent_id == org["ward_tx"]
        cluster_id = cluster.id
    page = client.get("/don-vi/quan-ly").get_data(as_text=True)
    assert "Đã thêm đơn vị Cụm 1 (TX-CUM1)." in page
    assert str(cluster_id) in options(page, "school-unit_id")
    response = client.post(
        "/don-vi/quan-ly/truong",
        data={
            "school-csrf_token": token,
            "school-unit_id": cluster_id,
            "school-code": "THCS-E",
            "school-name": "THCS E",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(School.unit_id).where(School.code == "THCS-E")) == cluster_id


def test_a_ward_admin_cannot_add_anything_under_a_sibling_ward(app, client, auth, org):
    auth.login("cb.hd")
    token = csrf_token(client, "/don-vi/quan-ly")
    attempts = [
        ("/don-vi/quan-ly/truong", {"school-unit_id": org["ward_tx"], "school-code": "THCS-X", "school-name": "X"}),
        ("/don-vi/quan-ly/truong", {"school-unit_id": org["province"], "school-code": "THCS-X", "school-name": "X"}),
        ("/don-vi/quan-ly/truong", {"school-unit_id": "abc", "school-code": "THCS-X", "school-name": "X"}),
        ("/don-vi/quan-ly/don-vi", {"unit-parent_id": org["ward_tx"], "unit-code": "U-X", "unit-name": "X"}),
        ("/don-vi/quan-ly/can-bo-truong", {"school_admin-school_id": org["school"], "school_admin-full_name": "Xâm"}),
        ("/don-vi/quan-ly/can-bo-don-vi", {"unit_admin-unit_id": org["province"], "unit_admin-full_name": "Xâm"}),
        ("/don-vi/quan-ly/can-bo-don-vi", {"unit_admin-unit_id": org["ward_tx"], "unit_admin-full_name": "Xâm"}),
        ("/don-vi/quan-ly/chi-tieu", {"target-scope": f"s{org['school']}", "target-deadline": "2027-05-31"}),
        ("/don-vi/quan-ly/chi-tieu", {"target-scope": f"u{org['ward_tx']}", "target-deadline": "2027-05-31"}),
        ("/don-vi/quan-ly/chi-tieu", {"target-scope": f"u{org['province']}", "target-deadline": "2027-05-31"}),
    ]
    with app.app_context():
        before = (count(Unit), count(School), count(User), count(Target))
    for url, data in attempts:
        prefix = next(iter(data)).split("-")[0]
        data = {f"{prefix}-csrf_token": token, "target-percent": "100", "target-grade_7": "y", **data}
        response = client.post(url, data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and INVALID in html, (url, data)
        assert "Mật khẩu" not in html or "<dt>Mật khẩu</dt>" not in html
    with app.app_context():
        assert (count(Unit), count(School), count(User), count(Target)) == before


def test_service_rules_are_shown_above_the_form_and_nothing_is_written(app, client, auth, org):
    auth.login("cb.tx")
    token = csrf_token(client, "/don-vi/quan-ly")
    response = client.post(
        "/don-vi/quan-ly/truong",
        data={
            "school-csrf_token": token,
            "school-unit_id": org["ward_tx"],
            "school-code": "thcs-c",
            "school-name": "Y",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Mã trường THCS-C đã có." in html
    assert 'value="thcs-c"' in html  # what was typed is kept
    response = client.post(
        "/don-vi/quan-ly/can-bo-truong",
        data={
            "school_admin-csrf_token": token,
            "school_admin-school_id": org["school"],
            "school_admin-full_name": "Ai Đó",
            "school_admin-username": "gv.hoa",
        },
    )
    assert "Tên đăng nhập gv.hoa đã có người dùng." in response.get_data(as_text=True)
    response = client.post(
        "/don-vi/quan-ly/don-vi", data={"unit-csrf_token": token, "unit-parent_id": org["ward_tx"], "unit-code": ""}
    )
    assert "Ô này không được để trống." in response.get_data(as_text=True)
    with app.app_context():
        assert count(School) == 3 and count(User, User.full_name == "Ai Đó") == 0


def test_posts_without_the_csrf_token_are_refused(app, client, auth, org):
    auth.login("cb.tx")
    response = client.post(
        "/don-vi/quan-ly/truong", data={"school-unit_id": org["ward_tx"], "school-code": "T-Z", "school-name": "Z"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert count(School, School.code == "T-Z") == 0


def test_a_new_school_admin_sees_the_password_once_and_must_change_it(app, client, auth, org):
    auth.login("cb.tx")
    token = csrf_token(client, "/don-vi/quan-ly")
    response = client.post(
        "/don-vi/quan-ly/can-bo-truong",
        data={
            "school_admin-csrf_token": token,
            "school_admin-school_id": org["other_school"],
            "school_admin-full_name": "Lý Thị Mai",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    username, password = shown_account(html)
    assert username == "mai.lt" and "Mật khẩu chỉ hiện một lần" in html and "<svg" in html
    assert password not in client.get("/don-vi/quan-ly").get_data(as_text=True)
    assert "Lý Thị Mai" in client.get("/don-vi/quan-ly").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert (user.role, user.school_id, user.unit_id) == (Role.SCHOOL_ADMIN, org["other_school"], None)
    newcomer = Auth(app.test_client())
    response = newcomer.login(username, password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/doi-mat-khau")


def test_a_unit_admin_creates_a_colleague_for_a_unit_in_the_subtree(app, client, auth, org):
    auth.login("cb.so")
    token = csrf_token(client, "/don-vi/quan-ly")
    response = client.post(
        "/don-vi/quan-ly/can-bo-don-vi",
        data={
            "unit_admin-csrf_token": token,
            "unit_admin-unit_id": org["ward_hd"],
            "unit_admin-full_name": "Tạ Văn Hà",
            "unit_admin-username": "cb.ha",
        },
    )
    assert response.headers["Cache-Control"] == "no-store"
    username, password = shown_account(response.get_data(as_text=True))
    assert username == "cb.ha"
    newcomer = Auth(app.test_client())
    assert newcomer.login(username, password).headers["Location"] == "/doi-mat-khau"  # first password first
    assert newcomer.client.get("/don-vi/quan-ly").headers["Location"] == "/doi-mat-khau"
    token = csrf_token(newcomer.client, "/doi-mat-khau")
    new = "tre-xanh-ha-dong"
    data = {"current": password, "new": new, "confirm": new, "csrf_token": token}
    assert newcomer.client.post("/doi-mat-khau", data=data).headers["Location"] == "/don-vi/"
    page = newcomer.client.get("/don-vi/quan-ly").get_data(as_text=True)
    assert "THCS Cầu Đơ" in page and "THCS A" not in page


def test_a_unit_admin_sets_targets_for_the_unit_and_a_school_beneath_it(app, client, auth, org):
    auth.login("cb.tx")
    token = csrf_token(client, "/don-vi/quan-ly")
    page = client.get("/don-vi/quan-ly").get_data(as_text=True)
    assert re.search(r'name="target-grade_7"[^>]*checked|checked[^>]*name="target-grade_7"', page)
    assert not re.search(r'name="target-grade_6"[^>]*checked|checked[^>]*name="target-grade_6"', page)
    assert 'value="2027-05-31"' in page and 'value="100"' in page
    data = {
        "target-csrf_token": token,
        "target-scope": f"u{org['ward_tx']}",
        "target-grade_7": "y",
        "target-grade_8": "y",
        "target-grade_9": "y",
        "target-percent": "95",
        "target-deadline": "30/04/2027",
        "target-include_staff": "y",
    }
    assert client.post("/don-vi/quan-ly/chi-tieu", data=data).status_code == 302
    assert client.post("/don-vi/quan-ly/chi-tieu", data={**data, "target-percent": "98"}).status_code == 302
    school_data = {k: v for k, v in data.items() if k != "target-include_staff"}
    school_data.update({"target-scope": f"s{org['school']}", "target-deadline": "2027-05-20"})
    assert client.post("/don-vi/quan-ly/chi-tieu", data=school_data).status_code == 302
    with app.app_context():
        ward = db.session.scalar(select(Target).where(Target.unit_id == org["ward_tx"]))
        assert (ward.target_grades, ward.target_percent, ward.deadline) == ("7,8,9", 98, date(2027, 4, 30))
        school = db.session.scalar(select(Target).where(Target.school_id == org["school"]))
        assert (school.include_staff, school.deadline) == (False, date(2027, 5, 20)) and count(Target) == 2
    page = client.get("/don-vi/quan-ly").get_data(as_text=True)
    assert "khối 7, 8, 9 · 98% · hạn 30/04/2027" in page
    for bad, message in (
        ({"target-percent": "0"}, "Tỉ lệ phải từ 1 đến 100."),
        ({"target-deadline": "31/02/2027"}, "Ngày không hợp lệ"),
        ({"target-grade_7": "", "target-grade_8": "", "target-grade_9": ""}, "Hãy chọn ít nhất một khối."),
    ):
        sent = {k: v for k, v in {**data, **bad}.items() if v != ""}
        response = client.post("/don-vi/quan-ly/chi-tieu", data=sent)
        assert response.status_code == 200 and message in response.get_data(as_text=True), bad
    with app.app_context():
        assert db.session.scalar(select(Target.target_percent).where(Target.unit_id == org["ward_tx"])) == 98


# --- Web: school admins ------------------------------------------------------------------------


def test_a_school_admin_adds_a_class_to_their_own_school_only(app, client, auth, org):
    auth.login("bgh.a")
    assert 'href="/truong/quan-ly">Quản lý<' in client.get("/").get_data(as_text=True)
    page = client.get("/truong/quan-ly").get_data(as_text=True)
    assert "7A2" in page and "THCS B" not in page
    token = csrf_token(client, "/truong/quan-ly")
    data = {"klass-csrf_token": token, "klass-name": "8a3", "klass-grade": "8", "klass-school_id": org["other_school"]}
    response = client.post("/truong/quan-ly/lop", data={**data, "school_id": org["other_school"]})
    assert response.status_code == 302
    with app.app_context():
        klass = db.session.scalar(select(SchoolClass).where(SchoolClass.name == "8A3"))
        assert (klass.school_id, klass.school_year_id, klass.grade) == (org["school"], org["year"], 8)
        assert count(SchoolClass, SchoolClass.school_id == org["other_school"]) == 1
    assert "Đã thêm lớp 8A3 (năm học 2026-2027)." in client.get("/truong/quan-ly").get_data(as_text=True)
    for bad, message in (
        ({"klass-grade": "5"}, INVALID),
        ({"klass-grade": "x"}, INVALID),
        ({"klass-name": "9A1", "klass-grade": "8"}, "phải bắt đầu bằng số khối 8"),
        ({"klass-name": "7A1", "klass-grade": "7"}, "đã có lớp 7A1"),
        ({"klass-name": ""}, "Ô này không được để trống."),
    ):
        response = client.post("/truong/quan-ly/lop", data={**data, **bad})
        assert response.status_code == 200 and message in response.get_data(as_text=True), bad
    with app.app_context():
        assert count(SchoolClass) == 4


def test_a_school_admin_creates_a_teacher_who_sees_the_password_once(app, client, auth, org):
    auth.login("bgh.a")
    token = csrf_token(client, "/truong/quan-ly")
    response = client.post(
        "/truong/quan-ly/giao-vien", data={"teacher-csrf_token": token, "teacher-full_name": "Đinh Thị Thu"}
    )
    assert response.headers["Cache-Control"] == "no-store"
    username, password = shown_account(response.get_data(as_text=True))
    assert username == "thu.dt"
    page = client.get("/truong/quan-ly").get_data(as_text=True)
    assert "Đinh Thị Thu" in page and password not in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "thu.dt"))
        assert (user.role, user.school_id, user.must_change_password) == (Role.TEACHER, org["school"], True)
    response = client.post(
        "/truong/quan-ly/giao-vien",
        data={"teacher-csrf_token": token, "teacher-full_name": "Ai Đó", "teacher-username": "có dấu"},
    )
    assert "không hợp lệ" in response.get_data(as_text=True)
    assert Auth(app.test_client()).login(username, password).status_code == 302


def test_a_school_admin_sets_the_schools_target(app, client, auth, org):
    auth.login("bgh.a")
    token = csrf_token(client, "/truong/quan-ly")
    data = {
        "target-csrf_token": token,
        "target-grade_8": "y",
        "target-percent": "90",
        "target-deadline": "2027-05-01",
        "target-school_id": org["other_school"],
    }
    assert client.post("/truong/quan-ly/chi-tieu", data=data).status_code == 302
    page = client.get("/truong/quan-ly").get_data(as_text=True)
    assert "Đang áp dụng: khối 8, 90%, hạn 01/05/2027 (do THCS A đặt)" in page
    with app.app_context():
        [target] = db.session.scalars(select(Target)).all()
        assert (target.school_id, target.target_grades, target.include_staff) == (org["school"], "8", False)
    response = client.post("/truong/quan-ly/chi-tieu", data={**data, "target-percent": "150"})
    assert "Tỉ lệ phải từ 1 đến 100." in response.get_data(as_text=True)


def test_a_school_admin_starts_the_new_year_and_reads_the_report(app, client, auth, last_year):
    auth.login("bgh.a")
    page = client.get("/truong/quan-ly").get_data(as_text=True)
    assert options(page, "new_year-to_year") == {NEXT_YEAR}
    token = csrf_token(client, "/truong/quan-ly")
    response = client.post(
        "/truong/quan-ly/nam-hoc-moi", data={"new_year-csrf_token": token, "new_year-to_year": "2030-2031"}
    )
    assert response.status_code == 200 and INVALID in response.get_data(as_text=True)
    response = client.post(
        "/truong/quan-ly/nam-hoc-moi", data={"new_year-csrf_token": token, "new_year-to_year": NEXT_YEAR}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Đã chuyển 3 học sinh từ năm học 2026-2027 vào 3 lớp của năm học 2027-2028 (3 lớp mới)." in html
    assert "Lớp 9 ra trường, không chuyển: 9A1." in html
    with app.app_context():
        assert class_of("hs.an", NEXT_YEAR) == "8A1"
        assert classes_of(last_year["other_school"], NEXT_YEAR) == {}
    again = client.post(
        "/truong/quan-ly/nam-hoc-moi", data={"new_year-csrf_token": token, "new_year-to_year": NEXT_YEAR}
    )
    assert "Học sinh bỏ qua (3)" in again.get_data(as_text=True)


def test_after_the_switch_last_year_can_still_be_carried_over(app, org):
    """Once SCHOOL_YEAR says 2027-2028, the form also offers carrying 2026-2027 over into it."""
    from .conftest import make_app

    later = make_app(app.config["SQLALCHEMY_DATABASE_URI"], CURRENT_SCHOOL_YEAR=NEXT_YEAR)
    client = later.test_client()
    Auth(client).login("bgh.a")
    page = client.get("/truong/quan-ly").get_data(as_text=True)
    assert options(page, "new_year-to_year") == {NEXT_YEAR, "2028-2029"}
    with later.app_context():
        db.session.remove()
        db.engine.dispose()


# --- Command line ------------------------------------------------------------------------------


def test_cli_builds_the_organisation_and_prints_the_password_once(app, runner, org):
    result = runner.invoke(args=["org", "add-unit", "p-cg", "Phường Cầu Giấy", "--parent", "SO-HN"])
    assert result.exit_code == 0 and "Đã thêm đơn vị Phường Cầu Giấy (P-CG), thuộc Sở GDĐT Hà Nội." in result.output
    result = runner.invoke(args=["org", "add-school", "THCS-CG", "THCS Cầu Giấy", "--unit", "P-CG"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["org", "add-user", "Hà Văn Giấy", "--role", "school_admin", "--school", "THCS-CG", "--username", "bgh.cg"]
    )
    assert result.exit_code == 0, result.output
    password = re.search(r"Mật khẩu:\s+(\S+)", result.output).group(1)
    assert Auth(app.test_client()).login("bgh.cg", password).status_code == 302
    result = runner.invoke(args=["org", "add-user", "Lò Thị Cầu", "--role", "unit_admin", "--unit", "P-CG"])
    assert result.exit_code == 0 and "Tên đăng nhập: cau.lt" in result.output
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "P-CG"))
        assert unit.parent_id == org["province"]
        school = db.session.scalar(select(School).where(School.code == "THCS-CG"))
        assert school.unit_id == unit.id
        assert db.session.scalar(select(User.unit_id).where(User.username == "cau.lt")) == unit.id


def test_cli_sets_targets_and_starts_the_new_year(app, runner, last_year):
    result = runner.invoke(args=["org", "set-target", "--unit", "P-TX", "--deadline", "2027-05-31"])
    assert result.exit_code == 0, result.output
    assert "Chỉ tiêu năm học 2026-2027 của Phường Thanh Xuân: khối 7, 8, 100%, hạn 31/05/2027" in result.output
    args = ["org", "set-target", "--school", "THCS-A", "--year", NEXT_YEAR, "--deadline", "2028-04-30"]
    result = runner.invoke(args=args + ["--percent", "90", "--grades", "8,9", "--no-staff"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["org", "new-year", "--school", "THCS-A", "--from", YEAR, "--to", NEXT_YEAR])
    assert result.exit_code == 0, result.output
    assert "7A1 → 8A1 (lớp mới): 2 học sinh" in result.output and "Đã chuyển 3 học sinh." in result.output
    with app.app_context():
        target = db.session.scalar(select(Target).where(Target.school_id == last_year["school"]))
        assert (target.target_grades, target.target_percent, target.include_staff) == ("8,9", 90, False)
        assert db.session.get(SchoolYear, target.school_year_id).name == NEXT_YEAR
        assert class_of("hs.an", NEXT_YEAR) == "8A1"


@pytest.mark.parametrize(
    "args, message",
    [
        (["add-unit", "P-X", "Phường X", "--parent", "KHONG-CO"], "Không có đơn vị nào mã KHONG-CO."),
        (["add-unit", "SO-HN", "Trùng"], "Mã đơn vị SO-HN đã có."),
        (["add-school", "THCS-A", "Trùng", "--unit", "P-TX"], "Mã trường THCS-A đã có."),
        (["add-user", "Ai Đó", "--role", "teacher", "--school", "THCS-A", "--unit", "P-TX"], "đúng một trong hai"),
        (["add-user", "Ai Đó", "--role", "unit_admin", "--school", "THCS-A"], "cần một đơn vị"),
        (["add-user", "Ai Đó", "--role", "teacher", "--school", "THCS-A", "--username", "gv.hoa"], "đã có người dùng"),
        (["set-target", "--school", "THCS-A", "--deadline", "2027-05-31", "--grades", "5"], "Khối 5 không hợp lệ"),
        (["set-target", "--school", "THCS-A", "--deadline", "2027-05-31", "--year", "2027"], "không hợp lệ"),
        (["new-year", "--school", "THCS-A", "--from", "2020-2021", "--to", YEAR], "Không có năm học 2020-2021."),
        (["new-year", "--school", "THCS-Z", "--from", YEAR, "--to", NEXT_YEAR], "Không có trường nào mã THCS-Z."),
        (["new-year", "--school", "THCS-A", "--from", YEAR, "--to", "2025-2026"], "phải sau năm học"),
    ],
)
def test_cli_refusals_are_vietnamese_and_write_nothing(app, runner, org, args, message):
    with app.app_context():
        before = (count(Unit), count(School), count(User), count(Target), count(SchoolYear))
    result = runner.invoke(args=["org", *args])
    assert result.exit_code != 0 and message in result.output, result.output
    with app.app_context():
        assert (count(Unit), count(School), count(User), count(Target), count(SchoolYear)) == before
