"""Office pages read only their own subtree, in a number of queries that does not grow with the city."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from quizapp.content.parse import read_content
from quizapp.content.sync import sync_content
from quizapp.extensions import db
from quizapp.models import School, SchoolClass, Unit
from quizapp.services.coverage import unit_subtree_ids

from .conftest import FIXTURE_CONTENT, Auth, _empty_database
from .helpers import count_queries

STAFF_PASSWORD = "giaovien2026"


def test_subtree_is_the_unit_and_everything_beneath(app):
    with app.app_context():
        root = Unit(code="R", name="Sở")
        db.session.add(root)
        db.session.flush()
        ward = Unit(code="W", name="Phường", parent_id=root.id)
        other = Unit(code="O", name="Phường khác", parent_id=root.id)
        db.session.add_all([ward, other])
        db.session.flush()
        cluster = Unit(code="C", name="Cụm trường", parent_id=ward.id)
        db.session.add(cluster)
        db.session.flush()
        assert unit_subtree_ids(root.id) == {root.id, ward.id, other.id, cluster.id}
        assert unit_subtree_ids(ward.id) == {ward.id, cluster.id}
        assert unit_subtree_ids(cluster.id) == {cluster.id}


def _build_city(runner, students: int, schools: int) -> None:
    result = runner.invoke(args=["demo", "city", "--students", str(students), "--schools", str(schools)])
    assert result.exit_code == 0, result.output


def _page_queries(app, username: str, path: str) -> tuple[int, str]:
    client = app.test_client()
    assert Auth(client).login(username, STAFF_PASSWORD).status_code == 302
    client.get(path)  # warm: the first request of a client loads what every later one reuses
    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return counter["n"], response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""


def _measure(app) -> dict[str, int]:
    with app.app_context():
        school = db.session.scalar(select(School).where(School.code == "TP-THCS-0001"))
        klass = db.session.scalar(
            select(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.name == "7A1")
        )
        ids = (school.id, klass.id)
    counts = {}
    counts["province"], _ = _page_queries(app, "so.thanhpho", "/don-vi/")
    counts["ward"], page = _page_queries(app, "px01.thanhpho", "/don-vi/")
    assert "Trường THCS Ba Đình số 1" in page and "Ngọc Hà" not in page  # its own schools only
    counts["drill-down"], _ = _page_queries(app, "px01.thanhpho", f"/don-vi/truong/{ids[0]}")
    counts["school"], _ = _page_queries(app, "bgh.tp0001", "/truong/")
    counts["class"], _ = _page_queries(app, "gv.tp0001.7a1", f"/giao-vien/lop/{ids[1]}")
    counts["export"], _ = _page_queries(app, "so.thanhpho", "/don-vi/do-phu.xlsx")
    return counts


def test_queries_per_page_do_not_grow_with_the_city(app, runner, database_url):
    _build_city(runner, students=240, schools=2)
    small = _measure(app)
    with app.app_context():
        _empty_database(database_url)
        sync_content(read_content(FIXTURE_CONTENT, today=date(2026, 11, 25)))
        db.session.commit()
    _build_city(runner, students=1200, schools=12)  # six times the schools, wards and students
    large = _measure(app)
    assert large == small


def test_a_ward_officer_cannot_open_a_school_of_another_ward(app, runner):
    _build_city(runner, students=160, schools=2)
    with app.app_context():
        foreign = db.session.scalar(select(School).where(School.code == "TP-THCS-0002"))
        foreign_id = foreign.id
    client = app.test_client()
    Auth(client).login("px01.thanhpho", STAFF_PASSWORD)
    assert client.get(f"/don-vi/truong/{foreign_id}").status_code == 404
