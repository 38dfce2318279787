"""Demo data for trying the app on a laptop: one unit, one school, class 7A1, a teacher, students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Enrollment, Role, School, SchoolClass, SchoolYear, TeacherAssignment, Unit, User

DEMO_PASSWORD_STUDENT = "hocsinh2026"
DEMO_PASSWORD_STAFF = "giaovien2026"

STUDENTS = [
    ("HS0701", "Nguyễn Minh Anh", date(2014, 3, 12), "Nữ"),
    ("HS0702", "Trần Đức Bình", date(2014, 7, 2), "Nam"),
    ("HS0703", "Lê Thu Hà", date(2014, 1, 25), "Nữ"),
    ("HS0704", "Phạm Quang Huy", date(2014, 11, 8), "Nam"),
    ("HS0705", "Đỗ Ngọc Lan", date(2014, 5, 19), "Nữ"),
    ("HS0706", "Vũ Hoàng Long", date(2014, 9, 30), "Nam"),
    ("HS0707", "Bùi Khánh Linh", date(2014, 2, 14), "Nữ"),
    ("HS0708", "Hoàng Gia Bảo", date(2014, 12, 3), "Nam"),
]


@dataclass
class DemoLogin:
    role: str
    name: str
    username: str
    password: str


def school_year(name: str) -> SchoolYear:
    """The SchoolYear row for '2026-2027' (September to May), created when missing."""
    year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == name))
    if year is None:
        start = int(name[:4])
        year = SchoolYear(name=name, starts_on=date(start, 9, 1), ends_on=date(start + 1, 5, 31))
        db.session.add(year)
        db.session.flush()
    return year


def _get_or_add(model, lookup: dict, **values):
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
        db.session.flush()
    return row


def _user(username: str, full_name: str, role: Role, password: str, **values) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, full_name=full_name, role=role, **values)
        db.session.add(user)
    user.set_password(password)  # demo logins always work with the printed password
    db.session.flush()
    return user


def create_demo(year_name: str) -> list[DemoLogin]:
    """Create (or refresh) the demo organisation and accounts; safe to run again."""
    province = _get_or_add(Unit, {"code": "SO-HN"}, name="Sở Giáo dục và Đào tạo Hà Nội")
    ward = _get_or_add(Unit, {"code": "P-THANHXUAN"}, name="UBND phường Thanh Xuân", parent_id=province.id)
    school = _get_or_add(School, {"code": "THCS-DEMO"}, name="Trường THCS Nhân Chính (demo)", unit_id=ward.id)
    year = school_year(year_name)
    klass = _get_or_add(SchoolClass, {"school_id": school.id, "school_year_id": year.id, "name": "7A1"}, grade=7)
    logins = []
    teacher = _user("gv.hoa", "Nguyễn Thị Hoa", Role.TEACHER, DEMO_PASSWORD_STAFF, school_id=school.id)
    _get_or_add(TeacherAssignment, {"teacher_id": teacher.id, "class_id": klass.id})
    logins.append(DemoLogin("Giáo viên chủ nhiệm 7A1", teacher.full_name, teacher.username, DEMO_PASSWORD_STAFF))
    admin = _user("bgh.demo", "Trần Văn Nam", Role.SCHOOL_ADMIN, DEMO_PASSWORD_STAFF, school_id=school.id)
    logins.append(DemoLogin("Cán bộ quản lý trường", admin.full_name, admin.username, DEMO_PASSWORD_STAFF))
    for number, (code, name, born, gender) in enumerate(STUDENTS, start=1):
        student = _user(
            f"7a1.{number:02d}",
            name,
            Role.STUDENT,
            DEMO_PASSWORD_STUDENT,
            school_id=school.id,
            student_code=code,
            birth_date=born,
            gender=gender,
        )
        _get_or_add(Enrollment, {"student_id": student.id, "school_year_id": year.id}, class_id=klass.id)
        logins.append(DemoLogin("Học sinh 7A1", name, student.username, DEMO_PASSWORD_STUDENT))
    return logins
