"""Demo data for trying the app on a laptop: one unit, one school, class 7A1, a teacher, students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Enrollment, Role, School, SchoolClass, SchoolYear, TeacherAssignment, Unit, User

DEMO_PASSWORD_STUDENT = "hocsinh2026"
DEMO_PASSWORD_STAFF = "giaovien2026"
SAMPLE_CLASS_LIST = Path(__file__).resolve().parent.parent / "demo_data" / "danh-sach-lop-8A2.xlsx"

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
    students = []
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
        students.append(student)
    # 7a1.01 and 7a1.02 stay fresh for trying the app yourself; the others show every state.
    simulate_progress(students[2:], grade=7, plans=[None, None, 4, 2, -1])
    logins += _import_sample_class(school, year, teacher)
    logins += _other_schools(province, ward, year)
    return logins


FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Ngọc", "Quốc", "Thu", "Gia", "Bảo", "Khánh", "Đức", "Phương", "Hải"]
GIVEN_NAMES = [
    "An",
    "Anh",
    "Ánh",
    "Bình",
    "Châu",
    "Chi",
    "Dũng",
    "Đạt",
    "Giang",
    "Hà",
    "Hải",
    "Hiếu",
    "Hương",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "My",
    "Nam",
    "Ngân",
    "Nhi",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tú",
    "Uyên",
    "Vy",
]

# (unit code, unit name, school code, school name, classes, share of students who complete)
OTHER_SCHOOLS = [
    ("P-THANHXUAN", None, "THCS-KHUONGMAI", "Trường THCS Khương Mai (demo)", ["7A1", "8A1"], 0.7),
    (
        "P-KHUONGDINH",
        "UBND phường Khương Đình",
        "THCS-KHUONGDINH",
        "Trường THCS Khương Đình (demo)",
        ["7A1", "8A1"],
        0.35,
    ),
    ("P-KHUONGDINH", "UBND phường Khương Đình", "THCS-HAHUYTAP", "Trường THCS Hạ Đình (demo)", ["7A1", "8A1"], 0.1),
]


def _other_schools(province: Unit, ward: Unit, year: SchoolYear) -> list[DemoLogin]:
    """More schools under two wards, at different coverage, and the unit admins who follow them.

    Their students never log in (no usable password); their progress is made with the real operations,
    and completion dates are spread over the autumn so the chart has a history.
    """
    import random
    from datetime import datetime, timedelta

    from ..models import Certificate, Target

    rng = random.Random(2026)
    logins = [
        DemoLogin(
            "Cán bộ phường Thanh Xuân",
            "Lê Minh Tuấn",
            _user("px.thanhxuan", "Lê Minh Tuấn", Role.UNIT_ADMIN, DEMO_PASSWORD_STAFF, unit_id=ward.id).username,
            DEMO_PASSWORD_STAFF,
        ),
        DemoLogin(
            "Cán bộ Sở GDĐT Hà Nội",
            "Phạm Thu Hằng",
            _user("so.hanoi", "Phạm Thu Hằng", Role.UNIT_ADMIN, DEMO_PASSWORD_STAFF, unit_id=province.id).username,
            DEMO_PASSWORD_STAFF,
        ),
    ]
    _get_or_add(
        Target,
        {"school_year_id": year.id, "unit_id": province.id},
        target_grades="7,8",
        target_percent=100,
        deadline=date(int(year.name[:4]) + 1, 3, 31),
        include_staff=True,
    )
    created = False
    for unit_code, unit_name, code, name, class_names, share in OTHER_SCHOOLS:
        unit = _get_or_add(Unit, {"code": unit_code}, name=unit_name or "", parent_id=province.id)
        if db.session.scalar(select(School).where(School.code == code)) is not None:
            continue
        school = _get_or_add(School, {"code": code}, name=name, unit_id=unit.id)
        created = True
        for class_name in class_names:
            klass = _get_or_add(
                SchoolClass,
                {"school_id": school.id, "school_year_id": year.id, "name": class_name},
                grade=int(class_name[0]),
            )
            students = []
            for number in range(rng.randint(24, 30)):
                full_name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
                student = User(
                    username=f"{code.lower()}.{class_name.lower()}.{number:02d}",
                    full_name=full_name,
                    role=Role.STUDENT,
                    school_id=school.id,
                    password_hash="!",
                )
                db.session.add(student)
                db.session.flush()
                db.session.add(Enrollment(student_id=student.id, class_id=klass.id, school_year_id=year.id))
                students.append(student)
            done = int(len(students) * share)
            plans = [None] * done + [3, 1, 0, 0]
            simulate_progress(students, grade=klass.grade, plans=plans, seed=klass.id)
        for number, teacher_name in enumerate(["Đinh Thị Nga", "Trịnh Văn Phong", "Mai Thị Quỳnh"]):
            db.session.add(
                User(
                    username=f"{code.lower()}.gv{number}",
                    full_name=teacher_name,
                    role=Role.TEACHER,
                    school_id=school.id,
                    password_hash="!",
                )
            )
    # Spread completion dates over the autumn, so the chart shows progress over time.
    start = datetime(int(year.name[:4]), 9, 15)
    for certificate in db.session.scalars(select(Certificate)) if created else []:
        if rng.random() < 0.9:
            certificate.issued_at = start + timedelta(days=rng.randint(0, 65), hours=rng.randint(1, 10))
    db.session.flush()
    return logins


def _family_entries(students: list[User], teacher: User) -> None:
    """Relatives guided by the students who finished: some confirmed by the teacher, some waiting."""
    from datetime import timedelta

    from .outreach import can_record, record, review, vietnam_today

    today = vietnam_today()
    examples = [
        ("Bà", "Đăng nhập VNeID"),
        ("Mẹ", "Nộp hồ sơ trên Cổng Dịch vụ công quốc gia"),
        ("Bố", "Nhận diện lừa đảo"),
    ]
    for number, student in enumerate(s for s in students if can_record(s)):
        for offset, (relation, service) in enumerate(examples[: 1 + number % 3]):
            entry = record(student, relation, service, today - timedelta(days=2 + offset + number))
            if (number + offset) % 3 != 2:
                review(entry, teacher, confirmed=True)


def _import_sample_class(school: School, year: SchoolYear, teacher: User) -> list[DemoLogin]:
    """Class 8A2 from the sample export of school software, through the real importer (first run only)."""
    from .class_progress import class_students
    from .rosters import apply_import, plan_import, read_roster

    klass = db.session.scalar(
        select(SchoolClass).where(
            SchoolClass.school_id == school.id, SchoolClass.school_year_id == year.id, SchoolClass.name == "8A2"
        )
    )
    if klass is None:
        klass = SchoolClass(school_id=school.id, school_year_id=year.id, grade=8, name="8A2")
        db.session.add(klass)
        db.session.flush()
        roster = read_roster(SAMPLE_CLASS_LIST.name, SAMPLE_CLASS_LIST.read_bytes())
        for account in apply_import(plan_import(roster, school, year, klass)):
            account.user.set_password(DEMO_PASSWORD_STUDENT)
        _get_or_add(TeacherAssignment, {"teacher_id": teacher.id, "class_id": klass.id})
        students = class_students(klass)
        # A realistic mix in class-list order: some done, some half-way, two stuck, many not started yet.
        plans = [None, 5, 0, None, 3, 0, None, -1, 0, None, 7, 0, None, 2, None, 0, -1, 4]
        simulate_progress(students, grade=8, plans=plans)
        _family_entries(students, teacher)
    first = class_students(klass)[0]
    return [DemoLogin("Học sinh 8A2 (38 em)", first.full_name, first.username, DEMO_PASSWORD_STUDENT)]


def simulate_progress(students: list[User], grade: int, plans: list[int | None], seed: int = 7) -> None:
    """Give demo students every state a teacher meets: done, half-way, stuck, never started.

    Uses the real operations (lesson read, attempt drawn, answers submitted and graded), so the
    dashboard shows what real use would produce. Students who already have attempts are left alone.
    """
    import random

    from ..models import Attempt
    from .attempts import shown_questions, start_or_resume, submit
    from .certificates import award_if_complete
    from .progress import programme_lessons, record_lesson_read

    rng = random.Random(seed)
    lessons = programme_lessons(grade)
    practice = _required_practice(grade)
    # plans[i]: how many modules student i passes; None = all of them, -1 = stuck on the first quiz.
    for student, plan in zip(students, plans, strict=False):
        if plan is None:
            plan = len(lessons)
        if db.session.scalar(select(Attempt.id).where(Attempt.user_id == student.id).limit(1)):
            continue
        for number, lesson in enumerate(lessons):
            if plan != -1 and number >= plan:
                break
            record_lesson_read(student, lesson)
            if plan != -1:
                # A module is done only with its required practice finished (docs/practice.md).
                for task in practice.get(lesson.id, []):
                    _walk_practice(student, task)
            if lesson.quiz is None:
                continue
            tries = [False, False] if plan == -1 else ([False, True] if number % 3 == 1 else [True])
            for right in tries:
                attempt = start_or_resume(student, lesson.quiz, rng)
                questions = shown_questions(attempt)
                responses = {q.item.position: _answer(q, right) for q in questions}
                submit(attempt, questions, responses)
            if plan == -1:
                break
        award_if_complete(student)


def _required_practice(grade: int) -> dict[int, list]:
    """lesson id -> the required, active practice tasks of that grade."""
    from ..models import PracticeTask

    tasks = db.session.scalars(select(PracticeTask).where(PracticeTask.active, PracticeTask.required)).all()
    by_lesson: dict[int, list] = {}
    for task in tasks:
        if task.lesson_id is not None and grade in (task.grades or []):
            by_lesson.setdefault(task.lesson_id, []).append(task)
    return by_lesson


def _walk_practice(student: User, task) -> None:
    """Finish one practice task the right way through the step engine, as a student posting each step."""
    from ..practice.service import current_screen, start_run, take_step

    run = start_run(student, task)
    card = {c["key"]: c["value"] for c in task.card}
    for _ in range(len(task.screens) + 1):
        if run.finished_at is not None:
            return
        screen = current_screen(run, task)
        index = next(i for i, a in enumerate(screen["actions"]) if a["target"] and not a["wrong"])
        form = {f"o-{f['key']}": card.get(f["key"], "") for f in screen["fields"]}
        take_step(run, task, run.current, str(index), form)


def _answer(question, right: bool) -> list[int]:
    """A right answer, or a plausible wrong one (the first wrong choice, or two steps swapped)."""
    if question.kind == "order":
        numbers = [c.position + 1 for c in question.choices]
        if not right:
            first, second = numbers.index(1), numbers.index(2)
            numbers[first], numbers[second] = 2, 1
        return numbers
    correct = [i for i, c in enumerate(question.choices) if c.is_correct]
    wrong = [i for i, c in enumerate(question.choices) if not c.is_correct]
    return correct if right or not wrong else wrong[:1]
