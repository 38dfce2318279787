"""Coverage against the target for schools and managing units: figures, scope, exports, query counts."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from quizapp.extensions import db
from quizapp.models import Certificate, Role, School, SchoolClass, Target, Unit, User

from .conftest import YEAR, add_user
from .helpers import count_queries, enrol_students


def certify(app, user_ids: list[int], when: datetime = datetime(2026, 10, 1, 3)) -> None:
    """Certificates are the completion record; made directly here to set up figures fast."""
    with app.app_context():
        for uid in user_ids:
            user = db.session.get(User, uid)
            db.session.add(
                Certificate(
                    user_id=uid,
                    code=f"C{uid:09d}",
                    school_year_id=_year_id(),
                    full_name=user.full_name,
                    school_name="",
                    year_name=YEAR,
                    issued_at=when,
                )
            )
        db.session.commit()


def _year_id() -> int:
    from quizapp.models import SchoolYear

    return db.session.scalar(db.select(SchoolYear.id).where(SchoolYear.name == YEAR))


@pytest.fixture
def tree(app, people):
    """Province → ward A (people's schools THCS-A, THCS-B) and ward C (THCS-C); a unit admin for each."""
    with app.app_context():
        ward_a = db.session.get(Unit, people["unit"])
        province = Unit(code="SO", name="Sở GDĐT")
        db.session.add(province)
        db.session.flush()
        ward_a.parent_id = province.id
        ward_c = Unit(code="P-C", name="Phường C", parent_id=province.id)
        db.session.add(ward_c)
        db.session.flush()
        school_c = School(code="THCS-C", name="THCS C", unit_id=ward_c.id)
        db.session.add(school_c)
        db.session.flush()
        class_c = SchoolClass(school_id=school_c.id, school_year_id=people["year"], grade=8, name="8C1")
        grade6 = SchoolClass(school_id=people["school"], school_year_id=people["year"], grade=6, name="6A1")
        db.session.add_all([class_c, grade6])
        db.session.flush()
        for username, unit in (("so.admin", province), ("pa.admin", ward_a), ("pc.admin", ward_c)):
            user = User(username=username, full_name=username, role=Role.UNIT_ADMIN, unit_id=unit.id)
            user.set_password("matkhau-123")
            db.session.add(user)
        add_user("bgh.c", Role.SCHOOL_ADMIN, school_c, "Hiệu trưởng C")
        db.session.add(
            Target(school_year_id=people["year"], unit_id=province.id, target_percent=90, deadline=date(2027, 3, 31))
        )
        db.session.commit()
        ids = dict(province=province.id, ward_c=ward_c.id, school_c=school_c.id, class_c=class_c.id, grade6=grade6.id)
    ids["c_students"] = enrol_students(app, ids["class_c"], [f"Học Sinh C{i}" for i in range(4)])
    enrol_students(app, ids["grade6"], ["Lớp Sáu Không Tính"])
    certify(app, [people["hs.an"]] + ids["c_students"][:1])
    return ids


def test_school_admin_sees_the_school_against_the_target(client, auth, people, tree):
    auth.login("bgh.a")
    html = client.get("/truong/").get_data(as_text=True)
    assert "hoàn thành chương trình: <strong>1/2</strong> (50%)" in html
    assert "chỉ tiêu 90%, hạn 31/03/2027" in html and "do Sở GDĐT đặt" in html
    assert "6A1" not in html  # grade 6 is not a target grade
    assert "<svg" in html and "Đường cần đạt" in html


def test_province_lists_its_wards_furthest_from_target_first_and_each_ward_its_schools(client, auth, people, tree):
    auth.login("so.admin")
    html = client.get("/don-vi/").get_data(as_text=True)
    assert "<strong>2/7</strong>" in html  # 2 of 7 students of grades 7-8 in the three schools
    assert html.index("Phường C") < html.index("Phường Thanh Xuân")  # 1/4 = 25 %, then 1/3
    assert "THCS A" not in html and "THCS C" not in html  # the wards' schools are one click further
    assert f'href="/don-vi/?don-vi={people["unit"]}"' in html
    by_name = client.get("/don-vi/?sap-xep=ten").get_data(as_text=True)
    assert by_name.index("Phường C") < by_name.index("Phường Thanh Xuân")

    ward = client.get(f"/don-vi/?don-vi={people['unit']}").get_data(as_text=True)
    assert "<strong>1/3</strong>" in ward and "chỉ tiêu 90%" in ward  # the province's target, inherited
    assert ward.index("THCS B") < ward.index("THCS A")  # 0 %, then 50 %
    assert "THCS C" not in ward
    assert 'href="/don-vi/">Sở GDĐT</a> › Phường Thanh Xuân' in ward  # back to the province
    assert f"/don-vi/do-phu.xlsx?don-vi={people['unit']}" in ward and "/don-vi/bao-cao" not in ward
    school = client.get(f"/don-vi/truong/{people['school']}").get_data(as_text=True)
    assert f'href="/don-vi/?don-vi={people["unit"]}">Các trường</a>' in school  # back to the ward's schools


def test_a_ward_is_opened_only_from_above(client, auth, people, tree):
    auth.login("pc.admin")
    for unit_id in (tree["province"], people["unit"], 999_999, "x"):
        assert client.get(f"/don-vi/?don-vi={unit_id}").status_code == 404
        assert client.get(f"/don-vi/do-phu.csv?don-vi={unit_id}").status_code == 404
    own = client.get(f"/don-vi/?don-vi={tree['ward_c']}").get_data(as_text=True)
    assert "THCS C" in own and "THCS A" not in own


def test_ward_admin_sees_only_the_schools_beneath_it(client, auth, people, tree):
    auth.login("pc.admin")
    html = client.get("/don-vi/").get_data(as_text=True)
    assert "THCS C" in html and "THCS A" not in html and "THCS B" not in html
    assert client.get(f"/don-vi/truong/{people['school']}").status_code == 404
    assert client.get(f"/don-vi/truong/{tree['school_c']}").status_code == 200


def test_student_names_stay_at_school_level_unless_allowed(app, client, auth, people, tree):
    auth.login("pc.admin")
    url = f"/don-vi/truong/{tree['school_c']}/lop/{tree['class_c']}"
    response = client.get(url)
    assert response.status_code == 403 and "Học Sinh C1" not in response.get_data(as_text=True)
    assert "Học Sinh C1" not in client.get(f"/don-vi/truong/{tree['school_c']}").get_data(as_text=True)
    with app.app_context():
        db.session.get(Unit, tree["ward_c"]).may_see_student_names = True
        db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "Học Sinh C1" in html and "Học Sinh C0" not in html  # only those not done are listed


def test_drill_down_to_a_class_of_another_unit_is_refused(client, auth, people, tree):
    auth.login("pc.admin")
    assert client.get(f"/don-vi/truong/{tree['school_c']}/lop/{people['klass']}").status_code == 404
    assert client.get(f"/don-vi/truong/{people['school']}/lop/{people['klass']}").status_code == 404


@pytest.mark.parametrize("who", ["gv.hoa", "hs.an"])
def test_teachers_and_students_cannot_open_coverage(client, auth, people, tree, who):
    auth.login(who)
    for url in (
        "/truong/",
        "/truong/do-phu.xlsx",
        "/don-vi/",
        "/don-vi/do-phu.csv",
        f"/don-vi/truong/{people['school']}",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "THCS A" not in response.get_data(as_text=True)


def test_school_admin_of_another_school_sees_only_their_own(client, auth, people, tree):
    auth.login("bgh.c")
    html = client.get("/truong/").get_data(as_text=True)
    assert "THCS C" in html and "7A1" not in html
    assert client.get("/don-vi/").status_code == 403


def test_unit_export_has_a_sheet_per_level_and_csv_is_formula_safe(app, client, auth, people, tree):
    with app.app_context():
        db.session.add(School(code="EVIL", name="=cmd|' /C calc'!A0", unit_id=tree["ward_c"]))
        db.session.commit()
    auth.login("so.admin")
    book = load_workbook(io.BytesIO(client.get("/don-vi/do-phu.xlsx").data))
    assert book.sheetnames == ["Đơn vị", "Trường", "Lớp"]
    schools = [row[1] for row in book["Trường"].iter_rows(min_row=2, values_only=True)]
    assert schools == ["THCS B", "=cmd|' /C calc'!A0", "THCS C", "THCS A"]  # kept as text
    assert not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)
    text = client.get("/don-vi/do-phu.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Trường", "Khối", "Lớp"] and len(rows) == 5  # one row per class of grades 7-8
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    ward = load_workbook(io.BytesIO(client.get(f"/don-vi/do-phu.xlsx?don-vi={tree['ward_c']}").data))
    assert [row[1] for row in ward["Trường"].iter_rows(min_row=2, values_only=True)] == [
        "=cmd|' /C calc'!A0",
        "THCS C",
    ]  # one ward's schools only


def test_cli_writes_the_same_report(app, runner, people, tree, tmp_path):
    output = tmp_path / "so.xlsx"
    result = runner.invoke(args=["report", "coverage", "--unit", "SO", "--format", "xlsx", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert load_workbook(output).sheetnames == ["Đơn vị", "Trường", "Lớp"]
    result = runner.invoke(args=["report", "coverage", "--school", "NOPE", "--format", "csv", "--output", str(output)])
    assert result.exit_code != 0 and "Không có trường mã NOPE" in result.output


def test_unit_coverage_queries_do_not_grow_with_schools_or_students(app, client, auth, people, tree):
    auth.login("so.admin")

    def measure() -> list[int]:
        counts = []
        for url in ("/don-vi/", "/don-vi/do-phu.xlsx", f"/don-vi/truong/{tree['school_c']}"):
            with count_queries(app) as counter:
                assert client.get(url).status_code == 200
            counts.append(counter["n"])
        return counts

    small = measure()
    with app.app_context():
        for n in range(5):
            school = School(code=f"X{n}", name=f"THCS X{n}", unit_id=tree["ward_c"])
            db.session.add(school)
            db.session.flush()
            db.session.add(SchoolClass(school_id=school.id, school_year_id=people["year"], grade=7, name="7X"))
        db.session.commit()
        class_ids = db.session.scalars(db.select(SchoolClass.id).where(SchoolClass.name == "7X")).all()
    for class_id in class_ids:
        certify(app, enrol_students(app, class_id, [f"Bạn {class_id}-{i}" for i in range(6)])[:3])
    assert measure() == small


def test_timeline_counts_completions_per_day_against_the_needed_line(app, people, tree):
    from quizapp.models import SchoolYear
    from quizapp.services.charts import timeline_chart
    from quizapp.services.coverage import completions_timeline
    from quizapp.services.targets import TargetView

    certify(app, tree["c_students"][1:3], when=datetime(2026, 11, 2, 8))
    with app.app_context():
        year = db.session.get(SchoolYear, people["year"])
        target = TargetView(percent=100, deadline=date(2027, 3, 31))
        timeline = completions_timeline([people["school"], tree["school_c"]], year, target, enrolled=7)
        assert timeline.points == [(date(2026, 10, 1), 2), (date(2026, 11, 2), 4)]
        assert (
            timeline.goal == 7
            and timeline.needed_on(date(2027, 3, 31)) == 7
            and timeline.needed_on(date(2026, 9, 1)) == 0
        )
        view = timeline_chart(timeline, today=date(2026, 11, 25))
        assert view.latest == 4 and view.needed_today == 3 and view.today_x is not None  # 85 of 211 days
