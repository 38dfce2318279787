"""A city-sized demo, written in bulk: a province, ~30 wards, hundreds of schools, 300,000 students.

Rows are generated in Python with fixed ids and written table by table in large batches (executemany on
SQLite, COPY on PostgreSQL), never through the ORM one object at a time: the ORM would need hours and
gigabytes for this size. Everything is drawn from random generators seeded by (seed, school), so the same
command builds the same city. Memory stays flat: rows are written and forgotten every BATCH_ROWS rows.

The data has the shapes the real operations produce (attempts with their drawn questions, shuffled choices,
answers and grades; certificates only for learners who passed every module), so every page and export
works on it. All demo students share one password hash and all demo staff another: hashing 300,000
passwords with scrypt would take most of an hour, and these accounts exist only to try the app.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ..database import refresh_statistics
from ..extensions import db
from ..models import (
    Attempt,
    AttemptQuestion,
    Certificate,
    Choice,
    Enrollment,
    FamilyOutreach,
    LessonProgress,
    PracticeRun,
    PracticeTask,
    Question,
    QuestionVersion,
    School,
    SchoolClass,
    Target,
    Unit,
    User,
)
from ..practice.service import route_ids
from .certificates import CODE_ALPHABET, CODE_LENGTH
from .demo import DEMO_PASSWORD_STAFF, DEMO_PASSWORD_STUDENT, FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, school_year
from .outreach import SERVICES
from .progress import programme_lessons

CITY_CODE = "THANHPHO"
CITY_NAME = "Sở Giáo dục và Đào tạo Thành phố (demo)"
PROVINCE_LOGIN = "so.thanhpho"
CLASS_SIZE = 40
COMPLETED_SHARE = 0.4  # about 40% of learners hold a certificate
BATCH_ROWS = 200_000  # rows buffered before they are written and committed
WARD_NAMES = [
    "Ba Đình",
    "Ngọc Hà",
    "Giảng Võ",
    "Hoàn Kiếm",
    "Cửa Nam",
    "Phú Thượng",
    "Hồng Hà",
    "Tây Hồ",
    "Bạch Mai",
    "Hai Bà Trưng",
    "Vĩnh Tuy",
    "Đống Đa",
    "Văn Miếu - Quốc Tử Giám",
    "Láng",
    "Ô Chợ Dừa",
    "Kim Liên",
    "Cầu Giấy",
    "Nghĩa Đô",
    "Yên Hòa",
    "Thanh Xuân",
    "Khương Đình",
    "Phương Liệt",
    "Hoàng Mai",
    "Định Công",
    "Tương Mai",
    "Long Biên",
    "Bồ Đề",
    "Việt Hưng",
    "Phúc Lợi",
    "Từ Liêm",
]
RELATIONS = ["Bố", "Mẹ", "Ông", "Bà", "Anh", "Chị"]


class CityRefused(Exception):
    """The database is not one the city demo may write into (the message says why, in Vietnamese)."""


@dataclass
class CityLogins:
    province: str
    wards: list[tuple[str, str]]  # (username, ward name)
    school_admin: str
    teacher: str
    student: str


@dataclass
class CityReport:
    counts: dict[str, int]
    seconds: float
    logins: CityLogins


# --- Writing ------------------------------------------------------------------------------------------

# Parents before children: each flush writes every table in this order, so foreign keys always resolve.
TABLES: list[tuple[str, list[str]]] = [
    ("unit", ["id", "code", "name", "parent_id", "may_see_student_names", "created_at"]),
    ("school", ["id", "code", "name", "unit_id", "created_at"]),
    (
        "user",
        [
            "id",
            "username",
            "password_hash",
            "full_name",
            "role",
            "school_id",
            "unit_id",
            "student_code",
            "birth_date",
            "gender",
            "is_active_account",
            "must_change_password",
            "created_at",
        ],
    ),
    ("school_class", ["id", "school_id", "school_year_id", "grade", "name"]),
    ("enrollment", ["id", "student_id", "class_id", "school_year_id", "created_at"]),
    ("teacher_assignment", ["teacher_id", "class_id"]),
    (
        "target",
        [
            "id",
            "school_year_id",
            "unit_id",
            "school_id",
            "target_grades",
            "target_percent",
            "deadline",
            "include_staff",
        ],
    ),
    (
        "lesson_progress",
        ["id", "user_id", "lesson_id", "first_opened_at", "last_opened_at", "finished_at", "seconds_spent"],
    ),
    (
        "attempt",
        [
            "id",
            "user_id",
            "quiz_id",
            "status",
            "pass_percent",
            "started_at",
            "saved_at",
            "submitted_at",
            "question_count",
            "correct_count",
            "score_percent",
            "passed",
        ],
    ),
    ("attempt_question", ["id", "attempt_id", "position", "version_id", "choice_order", "response", "is_correct"]),
    (
        "practice_run",
        [
            "id",
            "task_id",
            "user_id",
            "content_hash",
            "current",
            "reached",
            "steps",
            "mistakes",
            "started_at",
            "finished_at",
        ],
    ),  # fmt: skip
    (
        "certificate",
        ["id", "user_id", "code", "school_year_id", "full_name", "school_name", "year_name", "issued_at"],
    ),
    (
        "family_outreach",
        [
            "id",
            "student_id",
            "relation",
            "service",
            "helped_on",
            "note",
            "status",
            "reviewed_by_id",
            "reviewed_at",
            "created_at",
        ],
    ),
]
_ID_TABLES = {
    "unit": Unit,
    "school": School,
    "user": User,
    "school_class": SchoolClass,
    "enrollment": Enrollment,
    "target": Target,
    "lesson_progress": LessonProgress,
    "attempt": Attempt,
    "attempt_question": AttemptQuestion,
    "practice_run": PracticeRun,
    "certificate": Certificate,
    "family_outreach": FamilyOutreach,
}


class BulkWriter:
    """Buffers rows per table and writes them in batches, committing after each one."""

    def __init__(self) -> None:
        self.buffers: dict[str, list[tuple]] = {name: [] for name, _ in TABLES}
        self.counts: dict[str, int] = {name: 0 for name, _ in TABLES}
        self.pending = 0
        self.postgres = db.engine.dialect.name == "postgresql"

    def add(self, table: str, row: tuple) -> None:
        self.buffers[table].append(row)
        self.pending += 1
        if self.pending >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        connection = db.session.connection()
        raw = connection.connection.driver_connection
        for name, columns in TABLES:
            rows = self.buffers[name]
            if not rows:
                continue
            quoted = ", ".join(columns)
            if self.postgres:
                with raw.cursor() as cursor, cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                cursor = raw.cursor()
                cursor.executemany(f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})', rows)
                cursor.close()
            self.counts[name] += len(rows)
            self.buffers[name] = []
        self.pending = 0
        db.session.commit()

    def finish(self) -> None:
        self.flush()
        if self.postgres:  # rows came with explicit ids: move each sequence past them
            for name in _ID_TABLES:
                db.session.execute(
                    func.setval(
                        func.pg_get_serial_sequence(f'"{name}"', "id"),
                        select(func.max(_ID_TABLES[name].id)).scalar_subquery(),
                    ).select()
                )
            db.session.commit()


# --- Shapes of the data --------------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    """The text both engines read back as the same naive UTC timestamp (SQLAlchemy's SQLite format)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass
class _Version:
    """A question version as the builder draws it: a few shuffles, each with its right and wrong answer."""

    id: int
    shuffles: list[tuple[str, str, str]]  # (choice_order JSON, right response JSON, wrong response JSON)


@dataclass
class _Module:
    lesson_id: int
    quiz_id: int | None
    pass_percent: int = 80
    draw: int = 0
    pool: list[_Version] = field(default_factory=list)
    # Required practice of the lesson for this grade: (task id, content hash, the right way's step ids).
    practice: list[tuple[int, str, list[str]]] = field(default_factory=list)


def _load_modules(grade: int, rng: random.Random) -> list[_Module]:
    modules = []
    practice: dict[int, list[tuple[int, str, list[str]]]] = {}
    for task in db.session.scalars(select(PracticeTask).where(PracticeTask.active, PracticeTask.required)):
        if task.lesson_id is not None and grade in (task.grades or []):
            practice.setdefault(task.lesson_id, []).append((task.id, task.content_hash, route_ids(task)))
    for lesson in programme_lessons(grade):
        quiz = lesson.quiz
        module = _Module(lesson.id, quiz.id if quiz else None, practice=practice.get(lesson.id, []))
        if quiz is not None:
            versions = db.session.execute(
                select(QuestionVersion.id, QuestionVersion.kind)
                .join(Question, Question.id == QuestionVersion.question_id)
                .where(Question.quiz_id == quiz.id, Question.active, QuestionVersion.number == Question.latest_version)
                .order_by(QuestionVersion.id)
            ).all()
            choices: dict[int, list[tuple[int, int, bool, str]]] = {}
            for version_id, choice_id, position, correct, text_html in db.session.execute(
                select(Choice.version_id, Choice.id, Choice.position, Choice.is_correct, Choice.text_html)
                .where(Choice.version_id.in_([v.id for v in versions]))
                .order_by(Choice.version_id, Choice.position)
            ):
                choices.setdefault(version_id, []).append((choice_id, position, correct, text_html))
            module.pass_percent, module.draw = quiz.pass_percent, min(quiz.draw, len(versions))
            module.pool = [_Version(v.id, _shuffles(v.kind, choices.get(v.id, []), rng)) for v in versions]
        modules.append(module)
    return modules


def _shuffles(kind: str, choices: list[tuple[int, int, bool, str]], rng: random.Random) -> list[tuple[str, str, str]]:
    """Six display orders of a version's choices, as attempts.start_or_resume would show them."""
    found = []
    for _ in range(6):
        order = choices[:]
        if kind == "true_false":  # always "Đúng" then "Sai"
            order.sort(key=lambda c: 0 if c[3].strip().lower().startswith("đúng") else 1)
        else:
            for _ in range(10):
                rng.shuffle(order)
                if kind != "order" or order != choices:
                    break
        if kind == "order":
            right = [c[1] + 1 for c in order]
            wrong = right[:]
            if len(wrong) > 1:
                first, second = wrong.index(1), wrong.index(2)
                wrong[first], wrong[second] = 2, 1
        else:
            right = [i for i, c in enumerate(order) if c[2]]
            wrong = [i for i, c in enumerate(order) if not c[2]][:1]
        found.append((json.dumps([c[0] for c in order]), json.dumps(right), json.dumps(wrong)))
    return found


@dataclass
class _Ids:
    """Next free id per table: ids are given here so children can point at parents before any write."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


# --- The builder ----------------------------------------------------------------------------------------


def _refuse_if_unsuitable(force: bool) -> None:
    if db.session.scalar(select(Unit.id).where(Unit.code == CITY_CODE)) is not None:
        raise CityRefused(
            f"Cơ sở dữ liệu này đã có thành phố demo (đơn vị {CITY_CODE}). "
            "Muốn tạo lại, hãy dùng một cơ sở dữ liệu mới (xoá tệp SQLite hoặc tạo database PostgreSQL mới)."
        )
    others = db.session.scalar(select(func.count(School.id))) or 0
    if others and not force:
        example = db.session.scalar(select(School.name).order_by(School.id).limit(1))
        raise CityRefused(
            f"Cơ sở dữ liệu này đã có {others} trường (ví dụ: {example}). "
            "Lệnh demo city chỉ ghi vào cơ sở dữ liệu chưa có trường nào, để không trộn dữ liệu mẫu với dữ liệu "
            "thật. Nếu chắc chắn muốn ghi thêm thành phố demo vào đây, chạy lại với --force."
        )
    if not programme_lessons(7) or not programme_lessons(8):
        raise CityRefused("Chưa có bài học cho lớp 7 và lớp 8: chạy `flask content sync` trước rồi chạy lại lệnh này.")


def build_city(
    students: int, schools: int | None = None, seed: int = 2026, force: bool = False, echo: Callable = print
) -> CityReport:
    """Build the city demo and commit it; raises CityRefused (nothing written) when the database is unsuitable."""
    if students < 1:
        raise CityRefused("Số học sinh phải lớn hơn 0.")
    schools = schools or max(1, round(students / 500))
    if schools > students:
        raise CityRefused(f"Số trường ({schools}) không được nhiều hơn số học sinh ({students}).")
    _refuse_if_unsuitable(force)
    started = time.monotonic()
    year = school_year(current_app.config["CURRENT_SCHOOL_YEAR"])
    db.session.commit()
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    # One hash per kind of account, computed once (see the module docstring).
    student_hash = generate_password_hash(DEMO_PASSWORD_STUDENT, method=method)
    staff_hash = generate_password_hash(DEMO_PASSWORD_STAFF, method=method)
    ids = _Ids({name: (db.session.scalar(select(func.max(model.id))) or 0) + 1 for name, model in _ID_TABLES.items()})
    builder = _City(BulkWriter(), ids, year, seed, student_hash, staff_hash)
    logins = builder.build(students, schools, echo)
    builder.writer.finish()
    if db.engine.dialect.name == "postgresql":
        # VACUUM (outside any transaction) also sets the visibility map, so counts use index-only scans.
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        refresh_statistics(db.session.connection())
        db.session.commit()
    return CityReport(dict(builder.writer.counts), time.monotonic() - started, logins)


class _City:
    def __init__(self, writer: BulkWriter, ids: _Ids, year, seed: int, student_hash: str, staff_hash: str):
        self.writer, self.ids, self.year, self.seed = writer, ids, year, seed
        self.student_hash, self.staff_hash = student_hash, staff_hash
        module_rng = random.Random(f"{seed}-modules")
        self.modules = {grade: _load_modules(grade, module_rng) for grade in (7, 8)}
        self.staff_modules = self.modules[8]  # staff take the whole programme; both grades have the same here
        self.codes: set[str] = set()
        self.created = _stamp(datetime(int(year.name[:4]), 8, 25, 8, 0))
        self.year_start = datetime(int(year.name[:4]), 9, 1)

    def build(self, students: int, schools: int, echo: Callable) -> CityLogins:
        add, take = self.writer.add, self.ids.take
        province = take("unit")
        add("unit", (province, CITY_CODE, CITY_NAME, None, False, self.created))
        ward_count = min(len(WARD_NAMES), schools)
        wards = []
        for number in range(1, ward_count + 1):
            ward = take("unit")
            wards.append((ward, WARD_NAMES[number - 1], number))
            add(
                "unit",
                (ward, f"TP-P{number:02d}", f"UBND phường {WARD_NAMES[number - 1]}", province, False, self.created),
            )
        deadline = date(self.year.starts_on.year + 1, 3, 31).isoformat()
        add("target", (take("target"), self.year.id, province, None, "7,8", 100, deadline, True))
        for ward, _, _ in wards[::5]:  # some wards set their own, lower target
            add("target", (take("target"), self.year.id, ward, None, "7,8", 90, deadline, True))
        add("user", self._staff_row(take("user"), PROVINCE_LOGIN, "Phạm Thu Hằng", "unit_admin", None, province))
        ward_logins = []
        for ward, ward_name, number in wards:
            username = f"px{number:02d}.thanhpho"
            ward_logins.append((username, ward_name))
            officer = _name(random.Random(f"{self.seed}-ward-{number}"))
            add("user", self._staff_row(take("user"), username, officer, "unit_admin", None, ward))
        per_school, extra = divmod(students, schools)
        report_every = max(1, schools // 10)
        for number in range(1, schools + 1):
            ward, ward_name, _ = wards[(number - 1) % ward_count]
            self._school(number, ward, ward_name, per_school + (1 if number <= extra else 0))
            if number % report_every == 0 or number == schools:
                echo(f"  … {number}/{schools} trường")
        return CityLogins(PROVINCE_LOGIN, ward_logins, "bgh.tp0001", "gv.tp0001.7a1", "hs0001.7a1.01")

    def _staff_row(self, user_id, username, full_name, role, school_id, unit_id=None) -> tuple:
        return (user_id, username, self.staff_hash, full_name, role, school_id, unit_id, None, None, None, True, False,
                self.created)  # fmt: skip

    def _school(self, number: int, ward: int, ward_name: str, size: int) -> None:
        add, take = self.writer.add, self.ids.take
        rng = random.Random(f"{self.seed}-school-{number}")
        school = take("school")
        school_name = f"Trường THCS {ward_name} số {number}"
        add("school", (school, f"TP-THCS-{number:04d}", school_name, ward, self.created))
        if number % 40 == 0:  # a few schools set a higher target of their own
            add("target", (take("target"), self.year.id, None, school, "7,8", 100,
                           date(self.year.starts_on.year, 12, 31).isoformat(), True))  # fmt: skip
        # How far this school has got: around 40% of its learners completed, some far behind, some ahead.
        done_share = min(0.95, max(0.02, rng.gauss(COMPLETED_SHARE, 0.18)))
        started_share = min(1.0, done_share + rng.uniform(0.1, 0.35))
        admin, admin_name = take("user"), _name(rng)
        add("user", self._staff_row(admin, f"bgh.tp{number:04d}", admin_name, "school_admin", school))
        self._learner(rng, admin, school_name, self.staff_modules, 0.6, 0.8, admin_name)
        sequence = 0
        for grade, grade_size in ((7, size - size // 2), (8, size // 2)):
            if grade_size == 0:
                continue
            class_count = max(1, round(grade_size / CLASS_SIZE))
            for index in range(class_count):
                class_size = grade_size // class_count + (1 if index < grade_size % class_count else 0)
                klass = take("school_class")
                class_name = f"{grade}A{index + 1}"
                add("school_class", (klass, school, self.year.id, grade, class_name))
                teacher, teacher_name = take("user"), _name(rng)
                add("user", self._staff_row(teacher, f"gv.tp{number:04d}.{class_name.lower()}", teacher_name,
                                            "teacher", school))  # fmt: skip
                add("teacher_assignment", (teacher, klass))
                self._learner(rng, teacher, school_name, self.staff_modules, 0.5, 0.8, teacher_name)
                for seat in range(1, class_size + 1):
                    sequence += 1
                    student = take("user")
                    full_name = _name(rng)
                    born = date(2026 - grade - 6, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
                    add("user", (student, f"hs{number:04d}.{class_name.lower()}.{seat:02d}", self.student_hash,
                                 full_name, "student", school, None, f"TP{number:04d}{sequence:04d}", born,
                                 rng.choice(("Nam", "Nữ")), True, False, self.created))  # fmt: skip
                    add("enrollment", (take("enrollment"), student, klass, self.year.id, self.created))
                    certified = self._learner(
                        rng, student, school_name, self.modules[grade], done_share, started_share, full_name
                    )
                    if certified is not None:
                        self._outreach(rng, student, teacher, certified)

    def _learner(
        self,
        rng: random.Random,
        user: int,
        school_name: str,
        modules: list[_Module],
        done_share: float,
        started_share: float,
        full_name: str,
    ) -> datetime | None:
        """Lessons read, quizzes taken and maybe a certificate; returns the completion time, if any."""
        draw = rng.random()
        if draw >= started_share:
            return None
        passes = len(modules) if draw < done_share else rng.randrange(len(modules))
        moment = self.year_start + timedelta(days=rng.randint(14, 60), hours=rng.randint(7, 16))
        add, take = self.writer.add, self.ids.take
        for position, module in enumerate(modules):
            if position > passes:
                break
            current = position == passes  # the module the learner is on now, not finished
            opened = _stamp(moment)
            seconds = rng.randint(240, 900)
            moment += timedelta(seconds=seconds)
            finished = None if current and rng.random() < 0.5 else _stamp(moment)
            add("lesson_progress", (take("lesson_progress"), user, module.lesson_id, opened, _stamp(moment), finished,
                                    seconds if finished else 0))  # fmt: skip
            if module.quiz_id is not None and finished is not None:
                tries = (
                    [False] * rng.choice((1, 1, 2)) if current else ([False, True] if rng.random() < 0.4 else [True])
                )
                for passed in tries:
                    moment = self._attempt(rng, user, module, moment, passed)
                if current and rng.random() < 0.3:
                    moment = self._attempt(rng, user, module, moment, None)
            if not current:
                # A module counts as done only with its required practice finished (docs/practice.md).
                for task_id, content_hash, route in module.practice:
                    began = _stamp(moment)
                    moment += timedelta(seconds=rng.randint(180, 600))
                    add("practice_run", (take("practice_run"), task_id, user, content_hash, route[-1],
                                         json.dumps(route), len(route) - 1, 0, began, _stamp(moment)))  # fmt: skip
            moment += timedelta(hours=rng.randint(2, 40))
        if passes < len(modules):
            return None
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        while code in self.codes:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        self.codes.add(code)
        add("certificate", (take("certificate"), user, code, self.year.id, full_name, school_name, self.year.name,
                            _stamp(moment)))  # fmt: skip
        return moment

    def _attempt(self, rng: random.Random, user: int, module: _Module, moment: datetime, passed: bool | None):
        """One attempt with its drawn questions: passed, failed, or (None) still open with no answer."""
        add, take = self.writer.add, self.ids.take
        attempt = take("attempt")
        count = module.draw
        needed = -(-count * module.pass_percent // 100)
        if passed is None:
            wrong = set()
        elif passed:
            wrong = set(rng.sample(range(count), rng.choice((0, 0, 1, 2)) if count - needed >= 2 else 0))
        else:
            wrong = set(rng.sample(range(count), min(count, count - needed + 1 + rng.randint(0, 2))))
        began = _stamp(moment)
        moment += timedelta(seconds=rng.randint(180, 600))
        # The attempt goes in before its questions: a batch may be written between any two rows.
        if passed is None:
            add("attempt", (attempt, user, module.quiz_id, "in_progress", module.pass_percent, began, None, None,
                            count, None, None, None))  # fmt: skip
        else:
            correct = count - len(wrong)
            done = _stamp(moment)
            add("attempt", (attempt, user, module.quiz_id, "submitted", module.pass_percent, began, done, done, count,
                            correct, correct * 100 // count if count else 0,  # as grading.score_percent
                            count > 0 and correct * 100 >= module.pass_percent * count))  # fmt: skip
        for position, version in enumerate(rng.sample(module.pool, count)):
            order, right, bad = version.shuffles[rng.randrange(len(version.shuffles))]
            if passed is None:
                add("attempt_question", (take("attempt_question"), attempt, position, version.id, order, None, None))
            else:
                is_wrong = position in wrong
                add("attempt_question", (take("attempt_question"), attempt, position, version.id, order,
                                         bad if is_wrong else right, not is_wrong))  # fmt: skip
        return moment if passed is None else moment + timedelta(minutes=rng.randint(1, 30))

    def _outreach(self, rng: random.Random, student: int, teacher: int, completed: datetime) -> None:
        if rng.random() >= 0.5:
            return
        count = rng.choice((1, 1, 2))
        # Different services, so no two entries of a student repeat (relation, service, day).
        for service in rng.sample(SERVICES[:-1], count):
            helped = completed + timedelta(days=rng.randint(1, 6))
            status = rng.choices(("confirmed", "pending", "rejected"), (7, 2, 1))[0]
            reviewed = _stamp(helped + timedelta(days=1, hours=3)) if status != "pending" else None
            self.writer.add("family_outreach", (
                self.ids.take("family_outreach"), student, rng.choice(RELATIONS), service,
                helped.date().isoformat(), "", status, teacher if reviewed else None, reviewed,
                _stamp(helped + timedelta(hours=5)),
            ))  # fmt: skip
