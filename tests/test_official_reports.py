"""Official coverage reports (NĐ 30 layout): defaults, numbering, frozen figures, the page, the PDF, and scope."""

from __future__ import annotations

import json
import re
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Certificate, IssuedReport, Role, School, SchoolClass, SchoolYear, Target, Unit, User
from quizapp.scope import Scope
from quizapp.services import reports as service
from quizapp.services.coverage import school_coverage, unit_coverage

from .conftest import YEAR, add_user, csrf_token
from .helpers import enrol_students

SCHOOL = "Trường THCS Lê Quý Đôn"  # distinctive: must never appear in a refused response
OTHER_SCHOOL = "Trường THCS Khương Đình"


@pytest.fixture
def org(app):
    """Province → ward Thanh Xuân (Lê Quý Đôn, Nhân Chính) and ward Khương Đình (Khương Đình); admins of each."""
    with app.app_context():
        province = Unit(code="SO-HN", name="Sở GDĐT Hà Nội")
        db.session.add(province)
        db.session.flush()
        ward = Unit(code="P-TX", name="Phường Thanh Xuân", parent_id=province.id)
        other_ward = Unit(code="P-KD", name="Phường Khương Đình", parent_id=province.id)
        year = SchoolYear(name=YEAR, starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31))
        db.session.add_all([ward, other_ward, year])
        db.session.flush()
        school = School(code="THCS-LQD", name=SCHOOL, unit_id=ward.id)
        sibling = School(code="THCS-NC", name="Trường THCS Nhân Chính", unit_id=ward.id)
        other = School(code="THCS-KD", name=OTHER_SCHOOL, unit_id=other_ward.id)
        db.session.add_all([school, sibling, other])
        db.session.flush()
        classes = {
            "7A1": SchoolClass(school_id=school.id, school_year_id=year.id, grade=7, name="7A1"),
            "8A1": SchoolClass(school_id=school.id, school_year_id=year.id, grade=8, name="8A1"),
            "7N1": SchoolClass(school_id=sibling.id, school_year_id=year.id, grade=7, name="7N1"),
            "8K1": SchoolClass(school_id=other.id, school_year_id=year.id, grade=8, name="8K1"),
        }
        db.session.add_all(classes.values())
        db.session.add(
            Target(school_year_id=year.id, unit_id=province.id, target_percent=90, deadline=date(2027, 3, 31))
        )
        for username, unit in (("so.admin", province), ("px.tx", ward), ("px.kd", other_ward)):
            admin = User(username=username, full_name=f"Cán Bộ {username}", role=Role.UNIT_ADMIN, unit_id=unit.id)
            admin.set_password("matkhau-123")
            db.session.add(admin)
        add_user("bgh.lqd", Role.SCHOOL_ADMIN, school, "Phạm Thị Hiệu")
        add_user("bgh.kd", Role.SCHOOL_ADMIN, other, "Lê Văn Khác")
        add_user("gv.lqd", Role.TEACHER, school, "Nguyễn Thị Hoa")
        add_user("hs.lqd", Role.STUDENT, school, "Trần Văn An")
        db.session.commit()
        ids = {"year": year.id, "school": school.id, "sibling": sibling.id, "other": other.id}
        ids.update(ward=ward.id, other_ward=other_ward.id, province=province.id)
        ids.update({name: c.id for name, c in classes.items()})
    ids["s7"] = enrol_students(app, ids["7A1"], [f"Học Sinh Bảy {i}" for i in range(4)])
    ids["s8"] = enrol_students(app, ids["8A1"], [f"Học Sinh Tám {i}" for i in range(6)])
    ids["n7"] = enrol_students(app, ids["7N1"], [f"Nhân Chính {i}" for i in range(5)])
    ids["k8"] = enrol_students(app, ids["8K1"], [f"Khương Đình {i}" for i in range(2)])
    certify(app, ids["s7"][:2] + ids["s8"][:1] + ids["n7"][:4])  # Lê Quý Đôn 3/10, Nhân Chính 4/5
    return ids


def certify(app, user_ids: list[int]) -> None:
    """Certificates are the completion record; made directly to set up the figures fast."""
    with app.app_context():
        year_id = db.session.scalar(select(SchoolYear.id).where(SchoolYear.name == YEAR))
        for uid in user_ids:
            user = db.session.get(User, uid)
            db.session.add(
                Certificate(
                    user_id=uid,
                    code=f"C{uid:09d}",
                    school_year_id=year_id,
                    full_name=user.full_name,
                    school_name="",
                    year_name=YEAR,
                    issued_at=datetime(2026, 11, 20, 3),
                )
            )
        db.session.commit()


def texts(**changes) -> dict:
    values = dict(
        title="Kết quả tuyên truyền dịch vụ công trực tuyến",
        place="Hà Nội",
        body="Đoạn một.\nĐoạn hai.",
        recipients="- UBND phường Thanh Xuân;\n- Lưu: VT.",
        signer_title="Hiệu trưởng",
        signer_name="Phạm Thị Hiệu",
        symbol="BC-THCSLQD",
    )
    values.update(changes)
    return values


def issue(app, username: str, year_name: str = YEAR, **scope_ids) -> int:
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.username == username))
        year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == year_name))
        scope = {}
        if "school" in scope_ids:
            scope["school"] = db.session.get(School, scope_ids["school"])
        if "unit" in scope_ids:
            scope["unit"] = db.session.get(Unit, scope_ids["unit"])
        report = service.issue_report(Scope.of(actor), year, **scope, **texts())
        db.session.commit()
        return report.number


def post_report(client, prefix: str, **changes):
    token = csrf_token(client, f"{prefix}/bao-cao")
    return client.post(f"{prefix}/bao-cao", data={**texts(**changes), "csrf_token": token, "issue": "Ban hành"})


def document_and_panel(html: str) -> tuple[str, str]:
    """The official page and the on-screen "Số liệu hôm nay" panel of a report page."""
    start, panel = html.index('<article class="official"'), html.index('<aside class="today-panel')
    return html[start:panel], html[panel:]


def flat(text: str) -> str:
    return " ".join(text.split())


# --- Defaults and figures ---------------------------------------------------------------------------


def test_school_defaults_mention_the_right_figures(app, org):
    with app.app_context():
        year = db.session.get(SchoolYear, org["year"])
        school = db.session.get(School, org["school"])
        figures = service.figures_for_school(school_coverage(school, year), year, date(2026, 11, 25))
        assert json.loads(json.dumps(figures)) == figures  # a JSON-safe snapshot
        assert figures["totals"] == {
            "enrolled": 10,
            "started": 0,
            "completed": 3,
            "percent": 30.0,
            "gap": 6,
            "families": 0,
        }
        assert figures["target"] == {
            "grades": [7, 8],
            "percent": 90,
            "deadline": "31/03/2027",
            "include_staff": True,
            "set_by": "Sở GDĐT Hà Nội",
        }
        assert figures["table"]["rows"] == [["Khối 7", 4, 2, 50.0, 2], ["Khối 8", 6, 1, 16.7, 5]]
        assert figures["table"]["total"] == ["Toàn trường", 10, 3, 30.0, 6]
        defaults = service.default_texts(figures)
    body = defaults["body"]
    assert (
        "Tính đến ngày 25/11/2026, toàn trường có 10 học sinh khối 7, 8; 3 em (30%) đã hoàn thành chương trình, "
        "so với chỉ tiêu 90% (hạn 31/03/2027); còn thiếu 6 em để đạt chỉ tiêu." in body
    )
    assert SCHOOL in body and "năm học 2026-2027" in defaults["title"]
    assert defaults["recipients"] == "- UBND phường Thanh Xuân;\n- Như trên;\n- Lưu: VT."
    assert defaults["signer_title"] == "HIỆU TRƯỞNG" and defaults["symbol"] == "BC-THCS-LQD"
    assert defaults["place"] == "Hà Nội"


def test_unit_defaults_list_schools_furthest_from_target_first(app, org):
    with app.app_context():
        year = db.session.get(SchoolYear, org["year"])
        ward = db.session.get(Unit, org["ward"])
        figures = service.figures_for_unit(unit_coverage(ward, year), year, date(2026, 11, 25))
        assert json.loads(json.dumps(figures)) == figures
        assert figures["table"]["rows"] == [
            [SCHOOL, 10, 3, 30.0, 6],  # 60 points short of 90 %
            ["Trường THCS Nhân Chính", 5, 4, 80.0, 1],
        ]
        assert figures["table"]["total"] == ["Tổng cộng", 15, 7, 46.7, 7]
        assert figures["parent"] == "Sở GDĐT Hà Nội"
        defaults = service.default_texts(figures)
    assert "2 trường trực thuộc có 15 học sinh khối 7, 8; 7 em (46,7%) đã hoàn thành chương trình" in defaults["body"]
    assert "0/2 trường đã đạt chỉ tiêu" in defaults["body"]
    assert defaults["recipients"].startswith("- Sở GDĐT Hà Nội;\n")
    assert defaults["signer_title"] == "THỦ TRƯỞNG ĐƠN VỊ" and defaults["symbol"] == "BC-P-TX"


def test_a_province_reports_per_ward_not_per_school(app, client, auth, org):
    with app.app_context():
        year = db.session.get(SchoolYear, org["year"])
        province = db.session.get(Unit, org["province"])
        figures = service.figures_for_unit(unit_coverage(province, year), year, date(2026, 11, 25))
        assert figures["table"]["headers"][0] == "Đơn vị"
        assert figures["table"]["rows"] == [
            ["Phường Khương Đình", 2, 0, 0.0, 2],  # furthest from the 90 % first
            ["Phường Thanh Xuân", 15, 7, 46.7, 7],
        ]
        assert figures["table"]["total"] == ["Tổng cộng", 17, 7, 41.2, 9]
        assert figures["schools"] == {"count": 3, "meeting_target": 0}
        body = service.default_texts(figures)["body"]
    assert "3 trường trực thuộc có 17 học sinh khối 7, 8" in body and "theo từng đơn vị trực thuộc" in body
    auth.login("so.admin")
    url = post_report(client, "/don-vi", symbol="BC-SO").headers["Location"]
    document, _ = document_and_panel(client.get(url).get_data(as_text=True))
    assert document.index("Phường Khương Đình") < document.index("Phường Thanh Xuân") and SCHOOL not in document


def test_defaults_reuse_the_signer_of_the_previous_report(client, auth, org):
    auth.login("bgh.lqd")
    post_report(client, "/truong", signer_name="Đỗ Văn Hiệu Trưởng", place="Thanh Xuân")
    html = client.get("/truong/bao-cao").get_data(as_text=True)
    assert 'value="Đỗ Văn Hiệu Trưởng"' in html and 'value="Thanh Xuân"' in html


def test_long_date_pads_days_and_the_first_two_months():
    assert service.long_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert service.long_date(date(2026, 11, 25)) == "ngày 25 tháng 11 năm 2026"
    assert service.place_and_date("Hà Nội", datetime(2026, 11, 30, 18, 0)) == "Hà Nội, ngày 01 tháng 12 năm 2026"


# --- Numbering -----------------------------------------------------------------------------------------


def test_numbers_count_per_issuer_and_restart_each_year(app, org):
    assert [issue(app, "bgh.lqd", school=org["school"]) for _ in range(3)] == [1, 2, 3]
    assert issue(app, "bgh.kd", school=org["other"]) == 1
    assert [issue(app, "px.tx", unit=org["ward"]) for _ in range(2)] == [1, 2]
    with app.app_context():
        db.session.add(SchoolYear(name="2027-2028", starts_on=date(2027, 9, 1), ends_on=date(2028, 5, 31)))
        db.session.commit()
    assert issue(app, "bgh.lqd", "2027-2028", school=org["school"]) == 1
    assert issue(app, "bgh.lqd", school=org["school"]) == 4


def test_nobody_issues_for_someone_elses_school_or_unit(app, org):
    with app.app_context():
        year = db.session.get(SchoolYear, org["year"])
        school = db.session.get(School, org["school"])
        ward = db.session.get(Unit, org["ward"])
        for username, scope in (
            ("bgh.kd", {"school": school}),
            ("px.tx", {"school": school}),
            ("so.admin", {"unit": ward}),
        ):
            actor = db.session.scalar(select(User).where(User.username == username))
            with pytest.raises(service.ReportError):
                service.issue_report(Scope.of(actor), year, **scope, **texts())
        assert db.session.scalar(select(func.count(IssuedReport.id))) == 0


# --- Issuing through the web: frozen figures, the page, the PDF -----------------------------------------


def test_issuing_freezes_the_figures(app, client, auth, org):
    auth.login("bgh.lqd")
    response = post_report(client, "/truong")
    assert response.status_code == 302
    url = response.headers["Location"]
    assert re.fullmatch(r"/truong/bao-cao/\d+", url)
    certify(app, org["s7"][2:] + org["s8"][1:3])  # four more complete: 7 of 10
    html = client.get(url).get_data(as_text=True)
    document, panel = document_and_panel(html)
    assert '<th scope="row">Toàn trường</th><td class="num">10</td><td class="num">3</td>' in document
    assert '<td>Khối 7</td><td class="num">4</td><td class="num">2</td><td class="num">50</td>' in document
    assert "Số liệu hôm nay" in panel
    completed = re.search(
        r"Đã hoàn thành</th><td class=\"num\">(\d+)</td><td class=\"num\"><strong>(\d+)</strong>", panel
    )
    assert completed.groups() == ("3", "7")
    assert "+4" in panel and "+40 điểm %" in panel
    with app.app_context():
        report = db.session.scalar(select(IssuedReport))
        assert report.figures["totals"]["completed"] == 3 and report.issued_by_id is not None
        text = flat(pdf_text(service.render_pdf(report, SCHOOL, report.figures["parent"], compress=False)))
    assert "Toàn trường 10 3 30 6" in text  # the PDF too shows the figures as issued


def test_report_page_has_the_official_layout(client, auth, org):
    auth.login("bgh.lqd")
    url = post_report(client, "/truong", signer_title="hiệu trưởng").headers["Location"]
    html = client.get(url).get_data(as_text=True)
    document, _ = document_and_panel(html)
    for part in (
        "UBND PHƯỜNG THANH XUÂN",
        "TRƯỜNG THCS LÊ QUÝ ĐÔN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 1/BC-THCSLQD",
        "BÁO CÁO",
        "Kết quả tuyên truyền dịch vụ công trực tuyến",
        "<p>Đoạn một.</p><p>Đoạn hai.</p>",
        "Nơi nhận:",
        "- UBND phường Thanh Xuân;",
        "HIỆU TRƯỞNG",
        "Phạm Thị Hiệu",
    ):
        assert part in document, part
    assert re.search(r"Hà Nội, ngày \d\d tháng \d{1,2} năm 20\d\d", document)
    assert "css/official.css" in html
    assert "Tải PDF" in html and url + ".pdf" in html


def test_the_pdf_is_an_attachment_with_the_vietnamese_text(app, client, auth, org):
    auth.login("bgh.lqd")
    url = post_report(client, "/truong").headers["Location"]
    response = client.get(url + ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == "attachment; filename=bao-cao-1-BC-THCSLQD-2026-2027.pdf"
    with app.app_context():
        report = db.session.get(IssuedReport, int(url.rsplit("/", 1)[1]))
        issued = service.place_and_date("Hà Nội", report.issued_at)
        text = flat(pdf_text(service.render_pdf(report, SCHOOL, "UBND phường Thanh Xuân", compress=False)))
    for part in (
        "UBND PHƯỜNG THANH XUÂN",
        "TRƯỜNG THCS LÊ QUÝ ĐÔN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 1/BC-THCSLQD",
        issued,
        "BÁO CÁO",
        "Kết quả tuyên truyền dịch vụ công trực tuyến",
        "Đoạn một. Đoạn hai.",
        "Khối Số học sinh Đã hoàn thành Tỉ lệ (%) Còn thiếu",
        "Khối 8 6 1 16,7 5",
        "Nơi nhận:",
        "- Lưu: VT.",
        "HIỆU TRƯỞNG",
        "Phạm Thị Hiệu",
    ):
        assert part in text, part


def test_list_shows_issued_reports_and_a_preview_that_saves_nothing(app, client, auth, org):
    auth.login("bgh.lqd")
    html = client.get("/truong/bao-cao").get_data(as_text=True)
    assert "Chưa ban hành báo cáo nào." in html and "Xem trước" in html
    assert "toàn trường có 10 học sinh khối 7, 8; 3 em (30%)" in html  # prefilled body
    assert "Số: 1/BC-THCS-LQD" in html  # the preview, with the number it would get
    token = csrf_token(client, "/truong/bao-cao")
    data = {**texts(body="Nội dung thử xem trước.\n<b>đậm</b>"), "csrf_token": token, "preview": "Xem trước"}
    html = client.post("/truong/bao-cao", data=data).get_data(as_text=True)
    assert "<p>Nội dung thử xem trước.</p><p>&lt;b&gt;đậm&lt;/b&gt;</p>" in html  # plain text, escaped
    with app.app_context():
        assert db.session.scalar(select(func.count(IssuedReport.id))) == 0
    post_report(client, "/truong")
    html = client.get("/truong/bao-cao").get_data(as_text=True)
    assert "1/BC-THCSLQD" in html and "Kết quả tuyên truyền dịch vụ công trực tuyến" in html
    assert re.search(r'href="/truong/bao-cao/\d+\.pdf"', html)


def test_a_repeated_submit_does_not_issue_twice(app, client, auth, org):
    auth.login("bgh.lqd")
    first = post_report(client, "/truong").headers["Location"]
    second = post_report(client, "/truong").headers["Location"]
    assert first == second
    third = post_report(client, "/truong", body="Nội dung khác.").headers["Location"]
    assert third != first
    with app.app_context():
        assert sorted(db.session.scalars(select(IssuedReport.number))) == [1, 2]


def test_an_incomplete_form_issues_nothing(app, client, auth, org):
    auth.login("bgh.lqd")
    response = post_report(client, "/truong", signer_name="", symbol="BC THCS")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ô này không được để trống." in html and "không có dấu cách" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(IssuedReport.id))) == 0


def test_unit_admin_issues_the_units_report(app, client, auth, org):
    auth.login("px.tx")
    assert "/don-vi/bao-cao" in client.get("/don-vi/").get_data(as_text=True)
    url = post_report(client, "/don-vi", symbol="BC-PTX", signer_title="Trưởng phòng").headers["Location"]
    assert re.fullmatch(r"/don-vi/bao-cao/\d+", url)
    document, panel = document_and_panel(client.get(url).get_data(as_text=True))
    assert "SỞ GDĐT HÀ NỘI" in document and "PHƯỜNG THANH XUÂN" in document and "Số: 1/BC-PTX" in document
    assert document.index(SCHOOL) < document.index("Trường THCS Nhân Chính")  # furthest from target first
    assert OTHER_SCHOOL not in document
    response = client.get(url + ".pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    with app.app_context():
        report = db.session.scalar(select(IssuedReport))
        assert report.unit_id == org["ward"] and report.school_id is None


def test_school_overview_links_to_reports(client, auth, org):
    auth.login("bgh.lqd")
    assert 'href="/truong/bao-cao"' in client.get("/truong/").get_data(as_text=True)


# --- Scope: who is refused ----------------------------------------------------------------------------


@pytest.fixture
def issued(app, org):
    """A report of the school Lê Quý Đôn and one of the ward Thanh Xuân."""
    with app.app_context():
        year = db.session.get(SchoolYear, org["year"])
        admin = db.session.scalar(select(User).where(User.username == "bgh.lqd"))
        ward_admin = db.session.scalar(select(User).where(User.username == "px.tx"))
        school = db.session.get(School, org["school"])
        ward = db.session.get(Unit, org["ward"])
        school_report = service.issue_report(Scope.of(admin), year, school=school, **texts())
        unit_report = service.issue_report(Scope.of(ward_admin), year, unit=ward, **texts(symbol="BC-PTX"))
        db.session.commit()
        return {"school": school_report.id, "unit": unit_report.id}


def test_another_school_admin_cannot_see_the_report(app, client, auth, org, issued):
    auth.login("bgh.kd")
    listing = client.get("/truong/bao-cao")
    assert listing.status_code == 200 and SCHOOL not in listing.get_data(as_text=True)
    for path in (f"/truong/bao-cao/{issued['school']}", f"/truong/bao-cao/{issued['school']}.pdf"):
        response = client.get(path)
        assert response.status_code == 404 and SCHOOL not in response.get_data(as_text=True)
    # Issuing from there makes a report of their own school, never of Lê Quý Đôn.
    post_report(client, "/truong")
    with app.app_context():
        numbers = db.session.execute(select(IssuedReport.school_id, IssuedReport.number)).all()
        assert sorted(n for s, n in numbers if s == org["school"]) == [1]
        assert [n for s, n in numbers if s == org["other"]] == [1]


@pytest.mark.parametrize("username", ["px.kd", "so.admin", "px.tx"])
def test_unit_admins_see_only_their_own_units_reports(client, auth, org, issued, username):
    """A sibling ward, the province above, and the school's own ward: a school's report is never theirs."""
    auth.login(username)
    response = client.get(f"/don-vi/bao-cao/{issued['school']}")
    assert response.status_code == 404 and SCHOOL not in response.get_data(as_text=True)
    assert client.get(f"/don-vi/bao-cao/{issued['school']}.pdf").status_code == 404
    unit_report = client.get(f"/don-vi/bao-cao/{issued['unit']}")
    assert unit_report.status_code == (200 if username == "px.tx" else 404)
    if username != "px.tx":
        assert SCHOOL not in unit_report.get_data(as_text=True)
        assert client.get(f"/don-vi/bao-cao/{issued['unit']}.pdf").status_code == 404
        listing = client.get("/don-vi/bao-cao").get_data(as_text=True)
        assert "BC-PTX" not in listing


@pytest.mark.parametrize("username", ["gv.lqd", "hs.lqd"])
def test_teachers_and_students_are_refused(app, client, auth, org, issued, username):
    auth.login(username)
    token = csrf_token(client, "/")
    for prefix, report_id in (("/truong", issued["school"]), ("/don-vi", issued["unit"])):
        for path in (f"{prefix}/bao-cao", f"{prefix}/bao-cao/{report_id}", f"{prefix}/bao-cao/{report_id}.pdf"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert SCHOOL not in response.get_data(as_text=True)
        response = client.post(f"{prefix}/bao-cao", data={**texts(), "csrf_token": token, "issue": "Ban hành"})
        assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(IssuedReport.id))) == 2


def test_anonymous_visitors_are_sent_to_log_in(client, org, issued):
    for path in ("/truong/bao-cao", f"/truong/bao-cao/{issued['school']}.pdf", "/don-vi/bao-cao"):
        response = client.get(path)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


# --- Reading the PDF without a PDF library -------------------------------------------------------------

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(literal: bytes) -> bytes:
    def replace(match: re.Match) -> bytes:
        code = match.group(1)
        return _ESCAPES.get(code) or bytes([int(code, 8)])

    return re.sub(rb"\\([nrtbf()\\]|[0-7]{1,3})", replace, literal)


def pdf_text(data: bytes) -> str:
    """The text drawn on an uncompressed fpdf2 PDF: glyph codes decoded through each font's ToUnicode map."""
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj\n(.*?)\nendobj", data, re.S)}
    maps: dict[bytes, dict[int, str]] = {}
    for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", data):
        to_unicode = int(re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)]).group(1))
        pairs = re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", objects[to_unicode].split(b"beginbfchar", 1)[1])
        maps[name] = {
            int(code, 16): "".join(chr(int(uni[i : i + 4], 16)) for i in range(0, len(uni), 4)) for code, uni in pairs
        }
    lines = []
    for content in re.findall(rb"/Contents (\d+) 0 R", data):
        stream = objects[int(content)].split(b"stream\n", 1)[1]
        font: dict[int, str] = {}
        for block in re.findall(rb"BT(.*?)ET", stream, re.S):
            switch = re.search(rb"/(F\d+) [\d.]+ Tf", block)
            if switch:
                font = maps[switch.group(1)]
            pieces = []
            for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)", block, re.S):
                raw = _unescape(literal)
                pieces.append(
                    "".join(font.get(int.from_bytes(raw[i : i + 2], "big"), "?") for i in range(0, len(raw), 2))
                )
            if pieces:
                lines.append("".join(pieces))
    return "\n".join(lines)


def test_every_report_route_is_covered_here(app):
    rules = {r.rule for r in app.url_map.iter_rules() if "/bao-cao" in r.rule}
    assert rules == {
        "/truong/bao-cao",
        "/truong/bao-cao/<int:report_id>",
        "/truong/bao-cao/<int:report_id>.pdf",
        "/don-vi/bao-cao",
        "/don-vi/bao-cao/<int:report_id>",
        "/don-vi/bao-cao/<int:report_id>.pdf",
    }


def test_a_school_admin_is_refused_the_offices_reports_and_a_unit_admin_the_schools(client, auth, org, issued):
    auth.login("bgh.lqd")
    assert client.get("/don-vi/bao-cao").status_code == 403
    assert client.get(f"/don-vi/bao-cao/{issued['unit']}").status_code == 403
    auth.logout()
    auth.login("px.tx")
    assert client.get("/truong/bao-cao").status_code == 403
    response = client.get(f"/truong/bao-cao/{issued['school']}.pdf")
    assert response.status_code == 403 and SCHOOL not in response.get_data(as_text=True)


def test_simultaneous_issuing_never_repeats_a_number(app, org):
    """Several admins' requests at once: the issuer lock (PostgreSQL) or BEGIN IMMEDIATE (SQLite) serialises them."""
    errors: list[Exception] = []
    workers, rounds = 4, 3

    def worker() -> None:
        with app.app_context():
            try:
                actor = db.session.scalar(select(User).where(User.username == "bgh.lqd"))
                year = db.session.get(SchoolYear, org["year"])
                school = db.session.get(School, org["school"])
                for _ in range(rounds):
                    service.issue_report(Scope.of(actor), year, school=school, **texts())
                    db.session.commit()
            except Exception as exc:  # noqa: BLE001 - collected for the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        numbers = sorted(db.session.scalars(select(IssuedReport.number)))
    assert numbers == list(range(1, workers * rounds + 1))
