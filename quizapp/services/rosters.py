"""Class lists (danh sách lớp) from Excel or CSV: read, plan against the database, apply in one go.

`read_roster` never raises on a bad file: every problem becomes a RowProblem that names the row as
the teacher sees it in Excel. `plan_import` reads the database and writes nothing, so it doubles as
the preview; `apply_import` writes a plan without problems and only flushes: the caller commits once,
so an import is all or nothing. Plan and apply in the same transaction.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import PurePath

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from sqlalchemy import func, select

from ..extensions import db
from ..models import Enrollment, Role, School, SchoolClass, SchoolYear, User
from .accounts import make_password, make_username
from .vietnamese import normalize_text, strip_diacritics

HEADER_SEARCH_ROWS = 20
MAX_ROWS = 10_000  # a whole school is a few thousand rows; more is the wrong file
NAME_MAX, CODE_MAX, CLASS_MAX = 120, 40, 20  # the column sizes in the models
ACTIONS = ("create", "update", "unchanged")

# Header cells, compared lower-case, without diacritics and without notes in brackets.
_HEADER_NAMES = {
    "number": ("stt", "so tt", "tt"),
    "code": ("ma hoc sinh", "ma hs", "ma dinh danh", "ma so hoc sinh", "ma dinh danh hoc sinh"),
    "full_name": ("ho va ten", "ho ten", "ho va ten hoc sinh", "ho ten hoc sinh"),
    "family": ("ho dem", "ho va ten dem", "ho lot", "ho va dem", "ho"),
    "given": ("ten",),
    "birth_date": ("ngay sinh", "ngay thang nam sinh"),
    "gender": ("gioi tinh",),
    "class_name": ("lop",),
}
HEADERS = {name: key for key, names in _HEADER_NAMES.items() for name in names}
HEADER_HINT = "không tìm thấy dòng tiêu đề có cột Họ và tên (hoặc hai cột Họ đệm và Tên) trong 20 dòng đầu của tệp"

# The first text of a row under the table that ends it: totals, place and date, signatures.
FOOTER = re.compile(
    r"^(tong so\b|tong cong\b|cong\s*(:|\d|$)|nguoi lap\b|hieu truong\b|giao vien chu nhiem\b|xac nhan\b|ky ten\b"
    r"|.*\bngay \d+ thang\b)"
)
COLUMN_NUMBER = re.compile(r"\(?\d+\)?")  # a row "(1) (2) (3)…" numbering the columns under the header
DATE_TEXT = (
    (re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"), ("day", "month", "year")),
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("year", "month", "day")),
)
TIME_SUFFIX = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")  # "09/07/2013 00:00:00" from some CSV exports
GENDERS = {"nam": "Nam", "nu": "Nữ"}


@dataclass(frozen=True)
class RowProblem:
    row: int  # the row a person sees in Excel; 0 for the whole file
    message: str  # Vietnamese, beginning "dòng N: " when it is about a row

    def __str__(self) -> str:
        return self.message


@dataclass
class RosterRow:
    row: int
    code: str | None
    full_name: str
    birth_date: date | None
    gender: str | None  # "Nam" or "Nữ"
    class_name: str | None


@dataclass
class RosterFile:
    filename: str
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    columns: frozenset[str] = frozenset()  # the fields whose header was found, e.g. "class_name"

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(row: int, text: str) -> RowProblem:
    return RowProblem(row, f"dòng {row}: {text}")


# Reading


def read_roster(filename: str, data: bytes) -> RosterFile:
    """Read the first sheet of an .xlsx or a .csv; a broken file or row is a problem, never an exception."""
    roster = RosterFile(filename)
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_table(data, roster)
    elif suffix == ".csv":
        table = _csv_table(data, roster)
    elif suffix == ".xls":
        roster.problems.append(
            RowProblem(0, "tệp .xls (Excel 97–2003) chưa đọc được: hãy mở bằng Excel và lưu lại dạng .xlsx")
        )
        return roster
    else:
        roster.problems.append(RowProblem(0, f"chỉ đọc được tệp .xlsx hoặc .csv, không đọc được {filename}"))
        return roster
    if table is not None:
        _read_table(table, roster)
        _check_duplicates(roster)
        roster.problems.sort(key=lambda p: p.row)
    return roster


def _xlsx_table(data: bytes, roster: RosterFile) -> list[Sequence] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles that other software writes
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some software records a wrong sheet size: read every cell there is
                rows = sheet.iter_rows(min_row=1, values_only=True)
                table = list(islice(rows, MAX_ROWS))
                too_long = any(any(v is not None for v in row) for row in rows)
            finally:
                book.close()
    except Exception:  # a damaged or foreign file raises any of a dozen errors inside openpyxl and zipfile
        roster.problems.append(RowProblem(0, "không đọc được tệp: tệp hỏng hoặc không phải tệp Excel .xlsx"))
        return None
    if too_long:
        roster.problems.append(RowProblem(0, f"tệp có hơn {MAX_ROWS} dòng: đây không phải danh sách lớp"))
        return None
    return table


def _csv_table(data: bytes, roster: RosterFile) -> list[Sequence] | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        roster.problems.append(
            RowProblem(0, "tệp CSV không dùng bảng mã UTF-8: trong Excel hãy lưu lại dạng “CSV UTF-8”")
        )
        return None
    # Sniff the delimiter: the most frequent of , ; tab that yields a header row.
    delimiters = sorted(",;\t", key=lambda d: -text[:10_000].count(d))
    table: list[Sequence] = []
    try:
        for delimiter in delimiters:
            table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
            if _find_header(table) is not None:
                break
    except csv.Error:
        roster.problems.append(RowProblem(0, "không đọc được tệp: đây không phải tệp CSV"))
        return None
    if len(table) > MAX_ROWS:
        roster.problems.append(RowProblem(0, f"tệp có hơn {MAX_ROWS} dòng: đây không phải danh sách lớp"))
        return None
    return table


def _text(value: object) -> str:
    """A cell as text: an Excel number loses its ".0" (403049883.0 -> "403049883"), the rest is kept as typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


def _header_key(value: object) -> str:
    text = strip_diacritics(_text(value)).lower()
    text = re.sub(r"\(.*?\)", " ", text)  # "Ngày sinh (dd/mm/yyyy)"
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _header_columns(cells: Sequence) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, value in enumerate(cells):
        key = HEADERS.get(_header_key(value))
        if key:
            columns.setdefault(key, index)
    return columns


def _has_name(columns: dict[str, int]) -> bool:
    return "full_name" in columns or {"family", "given"} <= columns.keys()


def _find_header(table: list[Sequence]) -> tuple[int, dict[str, int]] | None:
    """The columns of the header row and the index of the first row under it."""
    for index, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns = _header_columns(cells)
        if not _has_name(columns):
            continue
        start = index + 1
        # "Họ và tên" merged over two columns, with "Họ đệm | Tên" on the row below.
        below = _header_columns(table[start]) if start < len(table) else {}
        if {"family", "given"} <= below.keys():
            columns = {k: v for k, v in columns.items() if k != "full_name"} | below
            start += 1
        return start, columns
    return None


def _cell(cells: Sequence, columns: dict[str, int], key: str) -> object:
    index = columns.get(key)
    return cells[index] if index is not None and index < len(cells) else None


def _is_footer(cells: Sequence, columns: dict[str, int]) -> bool:
    """A total or signature row under the table: its first text says so, and it has no STT number or code."""
    if _text(_cell(cells, columns, "code")) or _text(_cell(cells, columns, "number")).isdigit():
        return False
    first = next((_text(v) for v in cells if _text(v)), "")
    return bool(FOOTER.match(strip_diacritics(first).lower()))


def _read_table(table: list[Sequence], roster: RosterFile) -> None:
    found = _find_header(table)
    if found is None:
        roster.problems.append(RowProblem(0, HEADER_HINT))
        return
    start, columns = found
    roster.columns = frozenset(columns)
    for index in range(start, len(table)):
        cells = table[index]
        if _is_footer(cells, columns):
            break  # totals, place and date, signatures: nothing under them is a student
        texts = [_text(v) for v in cells if _text(v)]
        if index == start and len(texts) > 1 and all(COLUMN_NUMBER.fullmatch(t) for t in texts):
            continue
        person = ("code", "full_name", "family", "given", "birth_date")
        if not any(_text(_cell(cells, columns, key)) for key in person):
            continue  # empty, or a template row with only its STT (or class) filled in
        roster.rows.append(_read_row(index + 1, cells, columns, roster.problems))
    if not roster.rows:
        roster.problems.append(RowProblem(0, "không có học sinh nào dưới dòng tiêu đề"))


def _read_row(number: int, cells: Sequence, columns: dict[str, int], problems: list[RowProblem]) -> RosterRow:
    code = _text(_cell(cells, columns, "code")) or None
    if code and len(code) > CODE_MAX:
        problems.append(_problem(number, f"mã học sinh dài quá {CODE_MAX} ký tự"))
    if "full_name" in columns:
        full_name = _text(_cell(cells, columns, "full_name"))
    else:
        family, given = _text(_cell(cells, columns, "family")), _text(_cell(cells, columns, "given"))
        full_name = normalize_text(f"{family} {given}")
        if family and not given:
            problems.append(_problem(number, f"thiếu tên (cột Tên) của {family}"))
    if not full_name:
        problems.append(_problem(number, "thiếu họ và tên"))
    elif len(full_name) > NAME_MAX:
        problems.append(_problem(number, f"họ và tên dài quá {NAME_MAX} ký tự"))
    raw_date = _cell(cells, columns, "birth_date")
    try:
        birth_date = _parse_date(raw_date)
    except ValueError:
        birth_date = None
        problems.append(_problem(number, f"ngày sinh không hợp lệ: {_text(raw_date)}"))
    gender_text = _text(_cell(cells, columns, "gender"))
    gender = GENDERS.get(strip_diacritics(gender_text).lower()) if gender_text else None
    if gender_text and gender is None:
        problems.append(_problem(number, f"giới tính không rõ: {gender_text} (ghi Nam hoặc Nữ)"))
    class_name = _text(_cell(cells, columns, "class_name")) or None
    return RosterRow(number, code, full_name, birth_date, gender, class_name)


def _parse_date(value: object) -> date | None:
    """A real Excel date, an Excel day number, or text dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd; ValueError otherwise."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2_958_466:  # Excel's last day is 31/12/9999
            raise ValueError(value)
        found = from_excel(value).date()  # a date cell formatted as a plain number
    else:
        text = TIME_SUFFIX.sub("", _text(value))
        if not text:
            return None
        for pattern, order in DATE_TEXT:
            match = pattern.fullmatch(text)
            if match:
                parts = dict(zip(order, map(int, match.groups()), strict=True))
                found = date(parts["year"], parts["month"], parts["day"])  # ValueError for 31/02
                break
        else:
            raise ValueError(text)
    if not date(1900, 1, 1) <= found <= date.today():
        raise ValueError(found)
    return found


def _check_duplicates(roster: RosterFile) -> None:
    """The same code, or the same name and birth date, twice in the file."""
    by_code: dict[str, RosterRow] = {}
    by_person: dict[tuple[str, date | None], RosterRow] = {}
    for row in roster.rows:
        first = by_code.setdefault(row.code, row) if row.code else row
        if first is not row:
            roster.problems.append(_problem(row.row, f"mã học sinh {row.code} trùng với dòng {first.row}"))
            continue
        if not row.full_name:
            continue
        first = by_person.setdefault((row.full_name.casefold(), row.birth_date), row)
        if first is not row and not (row.code and first.code):  # two codes: two different students
            born = f" sinh ngày {row.birth_date:%d/%m/%Y}" if row.birth_date else ""
            roster.problems.append(
                _problem(
                    row.row,
                    f"{row.full_name}{born} trùng với dòng {first.row} (nếu là hai học sinh khác nhau, hãy ghi mã học sinh)",
                )
            )


# Planning


@dataclass
class ImportItem:
    row: RosterRow
    action: str  # "create", "update" or "unchanged"
    class_name: str
    school_class: SchoolClass | None  # None: apply_import creates the class
    student: User | None = None  # None when the action is "create"
    updates: dict[str, object] = field(default_factory=dict)  # User attributes to set
    changes: list[str] = field(default_factory=list)  # the same, in Vietnamese, for the report
    enroll: bool = False


@dataclass
class ImportPlan:
    school: School
    year: SchoolYear
    items: list[ImportItem] = field(default_factory=list)  # the rows without problems
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        return {action: sum(item.action == action for item in self.items) for action in ACTIONS}

    @property
    def new_classes(self) -> list[str]:
        return sorted({item.class_name for item in self.items if item.school_class is None})


def class_key(name: str) -> str:
    """How class names compare: "Lớp 8a2", "8 A2" and "8A2" are one class."""
    text = normalize_text(name)
    if re.match(r"lop(?=[\s\d]|$)", strip_diacritics(text).lower()):
        text = text[3:]  # "Lớp 8A2"; the letters of "Lớp" stay three characters in NFC
    return text.replace(" ", "").upper()


def grade_of(class_name: str) -> int | None:
    """The grade a class name starts with ("8A2" -> 8), or None."""
    match = re.match(r"\d+", class_name)
    grade = int(match.group()) if match else 0
    return grade if 1 <= grade <= 12 else None


def _codes_agree(stored: str | None, given: str | None) -> bool:
    """Codes that do not tell two records apart: one is missing, or they differ only in leading zeros."""
    return not stored or not given or stored.lstrip("0") == given.lstrip("0")


def plan_import(
    roster: RosterFile, school: School, year: SchoolYear, school_class: SchoolClass | None = None
) -> ImportPlan:
    """What importing the roster would do to each row, and every problem; reads the database, writes nothing."""
    if school_class is not None and (school_class.school_id != school.id or school_class.school_year_id != year.id):
        raise ValueError("the class belongs to another school or year")
    plan = ImportPlan(school, year, problems=list(roster.problems))
    if school_class is None and roster.rows and "class_name" not in roster.columns:
        plan.problems.append(RowProblem(0, "tệp không có cột Lớp: hãy chọn lớp để nhập danh sách vào"))
    bad_rows = {p.row for p in plan.problems}

    classes = {
        class_key(c.name): c
        for c in db.session.scalars(
            select(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.school_year_id == year.id)
        )
    }
    students = db.session.scalars(select(User).where(User.school_id == school.id, User.role == Role.STUDENT)).all()
    by_code = {s.student_code: s for s in students if s.student_code}
    by_person: dict[tuple[str, date | None], list[User]] = defaultdict(list)
    for student in students:
        by_person[(student.full_name.casefold(), student.birth_date)].append(student)
    enrolled = dict(
        db.session.execute(
            select(Enrollment.student_id, SchoolClass)
            .join(SchoolClass, Enrollment.class_id == SchoolClass.id)
            .join(User, Enrollment.student_id == User.id)
            .where(User.school_id == school.id, Enrollment.school_year_id == year.id)
        ).all()
    )

    matched: dict[int, RosterRow] = {}
    for row in roster.rows:
        target_name, target, problem = _target_class(row, school_class, classes, "class_name" in roster.columns)
        if problem:
            plan.problems.append(problem)
        if problem or row.row in bad_rows:
            continue

        # The student: by code, else by name and birth date.
        student = by_code.get(row.code) if row.code else None
        if student is None:
            candidates = [
                s
                for s in by_person.get((row.full_name.casefold(), row.birth_date), [])
                if _codes_agree(s.student_code, row.code)
            ]
            if len(candidates) > 1:
                plan.problems.append(
                    _problem(
                        row.row,
                        f"trường có {len(candidates)} học sinh {row.full_name} cùng ngày sinh: hãy ghi mã học sinh",
                    )
                )
                continue
            student = candidates[0] if candidates else None
        if student is None:
            plan.items.append(ImportItem(row, "create", target_name, target, enroll=True))
            continue
        if student.id in matched:
            first = matched[student.id].row
            plan.problems.append(_problem(row.row, f"{row.full_name} là cùng một học sinh với dòng {first}"))
            continue
        matched[student.id] = row
        current = enrolled.get(student.id)
        if current is not None and (target is None or current.id != target.id):
            plan.problems.append(
                _problem(row.row, f"{row.full_name} đã có trong lớp {current.name} năm học {year.name}")
            )
            continue
        plan.items.append(_update_item(row, student, target_name, target, enroll=current is None, year=year))
    plan.problems.sort(key=lambda p: p.row)
    return plan


def _target_class(
    row: RosterRow, chosen: SchoolClass | None, classes: dict[str, SchoolClass], has_column: bool
) -> tuple[str, SchoolClass | None, RowProblem | None]:
    """The class a row goes to (None: to be created), or why it cannot go anywhere."""
    if chosen is not None:
        if row.class_name and class_key(row.class_name) != class_key(chosen.name):
            return (
                chosen.name,
                chosen,
                _problem(row.row, f"học sinh thuộc lớp {row.class_name}, không phải lớp {chosen.name}"),
            )
        return chosen.name, chosen, None
    if not has_column:
        return "", None, None  # reported once for the whole file
    if not row.class_name:
        return "", None, _problem(row.row, "thiếu lớp")
    name = class_key(row.class_name)
    existing = classes.get(name)
    if existing is not None:
        return existing.name, existing, None
    if grade_of(name) is None or len(name) > CLASS_MAX:
        return (
            name,
            None,
            _problem(row.row, f"tên lớp {row.class_name} không hợp lệ (cần bắt đầu bằng khối, ví dụ 8A2)"),
        )
    return name, None, None


def _update_item(
    row: RosterRow, student: User, class_name: str, target: SchoolClass | None, enroll: bool, year: SchoolYear
) -> ImportItem:
    """What changes for a student already in the school; a blank cell never erases what is stored."""
    item = ImportItem(row, "unchanged", class_name, target, student=student, enroll=enroll)

    def change(attribute: str, label: str, old: object, new: object) -> None:
        item.updates[attribute] = new
        item.changes.append(f"{label}: {_shown(old)} → {_shown(new)}")

    if row.full_name != student.full_name:
        change("full_name", "họ và tên", student.full_name, row.full_name)
    if row.birth_date and row.birth_date != student.birth_date:
        change("birth_date", "ngày sinh", student.birth_date, row.birth_date)
    if row.gender and row.gender != student.gender:
        change("gender", "giới tính", student.gender, row.gender)
    if row.code and not student.student_code:
        change("student_code", "mã học sinh", None, row.code)
    if enroll:
        item.changes.append(f"vào lớp {class_name} năm học {year.name}")
    if item.changes:
        item.action = "update"
    return item


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(trống)"
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


# Applying


@dataclass
class NewAccount:
    user: User
    password: str  # the only time the plain password exists: print it on the login slip now
    class_name: str = ""


def apply_import(plan: ImportPlan) -> list[NewAccount]:
    """Create accounts, classes and enrolments and apply changes; flush only, the caller commits once."""
    if not plan.ok:
        raise ValueError("an import plan with problems must not be applied")
    new_classes: dict[str, SchoolClass] = {}
    batch: set[str] = set()

    def is_taken(username: str) -> bool:
        if username in batch:
            return True
        return db.session.scalar(select(User.id).where(func.lower(User.username) == username)) is not None

    accounts = []
    for item in plan.items:
        school_class = item.school_class or new_classes.get(item.class_name)
        if school_class is None:
            school_class = SchoolClass(
                school_id=plan.school.id,
                school_year_id=plan.year.id,
                grade=grade_of(item.class_name),
                name=item.class_name,
            )
            db.session.add(school_class)
            new_classes[item.class_name] = school_class
        student = item.student
        if student is None:
            row = item.row
            username = make_username(row.full_name, is_taken)
            batch.add(username)
            password = make_password()
            student = User(
                username=username,
                full_name=row.full_name,
                role=Role.STUDENT,
                school_id=plan.school.id,
                student_code=row.code,
                birth_date=row.birth_date,
                gender=row.gender,
            )
            student.set_password(password)  # only the hash is stored
            db.session.add(student)
            accounts.append(NewAccount(student, password, school_class.name))
        for attribute, value in item.updates.items():
            setattr(student, attribute, value)
        if item.enroll:
            db.session.add(Enrollment(student=student, school_class=school_class, school_year_id=plan.year.id))
    db.session.flush()
    return accounts
