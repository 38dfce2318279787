"""Class-list import: reading real-world Excel and CSV files, planning, applying, and the command."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Enrollment, Role, School, SchoolClass, SchoolYear, User
from quizapp.services.accounts import make_password, make_username
from quizapp.services.rosters import apply_import, plan_import, read_roster
from quizapp.services.vietnamese import name_sort_key

from .conftest import YEAR, add_user

# The sample class list from shared/samples, shipped with the demo data.
SAMPLE = Path(__file__).parent.parent / "quizapp" / "demo_data" / "danh-sach-lop-8A2.xlsx"
HEADER = ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp"]
TITLE = [["TRƯỜNG THCS A"], ["DANH SÁCH HỌC SINH LỚP 7A5"], []]
STUDENTS = [
    [1, "HS001", "Phạm Minh Châu", "05/03/2014", "Nữ", "7A5"],
    [2, "HS002", "Đỗ Quang Dũng", "17/11/2014", "Nam", "7A5"],
    [3, "HS003", "Lê Bảo Ngọc", "02/01/2014", "Nữ", "7A5"],
]


def xlsx_bytes(rows: list[list], text_cells: bool = False) -> bytes:
    """An .xlsx with these rows from A1; text_cells keeps "=…" strings as text instead of formulas."""
    book = Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if text_cells and isinstance(value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def messages(problems) -> list[str]:
    return [p.message for p in problems]


def school_and_year(code: str = "THCS-A") -> tuple[School, SchoolYear]:
    school = db.session.scalar(select(School).where(School.code == code))
    year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == YEAR))
    return school, year


def get_class(name: str) -> SchoolClass | None:
    school, year = school_and_year()
    return db.session.scalar(
        select(SchoolClass).where(
            SchoolClass.school_id == school.id, SchoolClass.school_year_id == year.id, SchoolClass.name == name
        )
    )


def import_rows(rows: list[list], class_name: str | None = None, filename: str = "lop.xlsx"):
    """Read, plan and (when it has no problem) apply and commit; returns the plan and the new accounts."""
    data = xlsx_bytes(rows) if filename.endswith(".xlsx") else csv_bytes(rows)
    school, year = school_and_year()
    plan = plan_import(read_roster(filename, data), school, year, get_class(class_name) if class_name else None)
    accounts = apply_import(plan) if plan.ok else []
    db.session.commit()
    return plan, accounts


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Reading


def test_reads_the_real_sample_class_list():
    roster = read_roster(SAMPLE.name, SAMPLE.read_bytes())
    assert roster.problems == []
    assert len(roster.rows) == 38
    first, last = roster.rows[0], roster.rows[-1]
    # Three merged title rows and an empty row above the header on row 5: the first student is row 6.
    assert (first.row, first.code, first.full_name) == (6, "0403049883", "Lê Ngọc Trang")
    assert (first.birth_date, first.gender, first.class_name) == (date(2013, 7, 9), "Nam", "8A2")
    assert (last.row, last.full_name) == (43, "Vũ Quốc Long")
    assert [r.row for r in roster.rows] == list(range(6, 44))  # the total row 45 is not a student
    assert all(r.class_name == "8A2" and r.birth_date.year == 2013 for r in roster.rows)


def test_csv_with_bom_and_semicolons():
    data = csv_bytes([*TITLE, HEADER, *STUDENTS, [], ["", "", "Tổng số học sinh: 3"]], delimiter=";", bom=True)
    roster = read_roster("lop.csv", data)
    assert roster.problems == []
    assert [(r.row, r.code, r.full_name, r.birth_date) for r in roster.rows] == [
        (5, "HS001", "Phạm Minh Châu", date(2014, 3, 5)),
        (6, "HS002", "Đỗ Quang Dũng", date(2014, 11, 17)),
        (7, "HS003", "Lê Bảo Ngọc", date(2014, 1, 2)),
    ]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_csv_without_bom(delimiter):
    roster = read_roster("LOP.CSV", csv_bytes([HEADER, *STUDENTS], delimiter=delimiter))
    assert roster.problems == []
    assert [r.full_name for r in roster.rows] == ["Phạm Minh Châu", "Đỗ Quang Dũng", "Lê Bảo Ngọc"]
    assert roster.rows[0].row == 2


def test_names_are_stored_nfc_with_single_spaces():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    rows = [
        ["STT", "Họ đệm", "Tên", "Ngày sinh", "Lớp"],
        [1, "  " + decomposed.rsplit(" ", 1)[0] + "\u00a0", " Ánh ", "01/02/2014", "7A5"],
        [2, "Trần   Văn", "An", "03/04/2014", "7A5"],
    ]
    roster = read_roster("lop.xlsx", xlsx_bytes(rows))
    assert [r.full_name for r in roster.rows] == ["Nguyễn Thị Ánh", "Trần Văn An"]
    assert unicodedata.is_normalized("NFC", roster.rows[0].full_name)


def test_formulas_and_markup_in_names_are_kept_as_text(app, people):
    rows = [HEADER, [1, "HS101", '=HYPERLINK("http://x","Lan")', "01/02/2014", "Nữ", "7A5"]]
    rows.append([2, "HS102", "<script>alert(1)</script> Minh", "01/02/2014", "Nam", "7A5"])
    for data in (xlsx_bytes(rows, text_cells=True), csv_bytes(rows)):
        roster = read_roster("lop.xlsx" if data.startswith(b"PK") else "lop.csv", data)
        assert [r.full_name for r in roster.rows] == [rows[1][2], rows[2][2]]
    with app.app_context():
        import_rows(rows, filename="lop.csv")
        names = set(db.session.scalars(select(User.full_name).where(User.student_code.in_(["HS101", "HS102"]))))
        assert names == {rows[1][2], rows[2][2]}


def test_headers_without_diacritics_in_upper_case():
    header = ["STT", "MA HS", "HO VA TEN", "NGAY SINH (DD/MM/YYYY)", "GIOI TINH", "LOP"]
    roster = read_roster("lop.csv", csv_bytes([header, [1, "0123", "Lê Bảo Ngọc", "2/1/2014", "nữ", "7a5"]]))
    assert roster.problems == []
    row = roster.rows[0]
    assert (row.code, row.full_name, row.birth_date, row.gender, row.class_name) == (
        "0123",
        "Lê Bảo Ngọc",
        date(2014, 1, 2),
        "Nữ",
        "7a5",
    )


def test_merged_full_name_header_over_two_columns():
    rows = [["STT", "Họ và tên", None, "Ngày sinh"], [None, "Họ đệm", "Tên", None], [1, "Lê Bảo", "Ngọc", "02/01/2014"]]
    roster = read_roster("lop.xlsx", xlsx_bytes(rows))
    assert [(r.row, r.full_name) for r in roster.rows] == [(3, "Lê Bảo Ngọc")]


@pytest.mark.parametrize(
    "value",
    ["09/07/2013", "9/7/2013", "09-07-2013", "2013-07-09", "09.07.2013", "09/07/2013 00:00:00", 41464, 41464.0],
)
def test_birth_dates_in_accepted_forms(value):
    roster = read_roster("lop.xlsx", xlsx_bytes([["Họ và tên", "Ngày sinh"], ["Lê An", value]]))
    assert roster.problems == []
    assert roster.rows[0].birth_date == date(2013, 7, 9)


def test_excel_dates_and_numeric_codes():
    rows = [HEADER, [1, 403049883.0, "Lê An", datetime(2013, 7, 9), "Nam", "7A5"]]
    rows.append([2, "0403049884", "Lê Bình", date(2013, 7, 10), "Nam", "7A5"])
    roster = read_roster("lop.xlsx", xlsx_bytes(rows))
    assert roster.problems == []
    assert [(r.code, r.birth_date) for r in roster.rows] == [
        ("403049883", date(2013, 7, 9)),
        ("0403049884", date(2013, 7, 10)),
    ]


def test_bad_rows_are_each_named_with_their_row_number():
    rows = [
        *TITLE,
        HEADER,
        [1, "HS001", "Phạm Minh Châu", "05/03/2014", "Nữ", "7A5"],
        [2, "HS002", "", "17/11/2014", "Nam", "7A5"],
        [3, "HS003", "Lê Bảo Ngọc", "31/02/2013", "Nữ", "7A5"],
        [4, "HS004", "Lê Văn Hùng", "abc", "Nam", "7A5"],
        [5, "HS001", "Vũ Thị Lan", "01/01/2014", "Nữ", "7A5"],
        [6, "HS006", "Ngô Văn Tú", "01/01/2014", "X", "7A5"],
        [7, "HS007", "Ngô Văn Tú", "01/01/2014", "Nam", "7A5"],
        [8, "", "Đào Thu Hà", "01/01/2014", "Nữ", "7A5"],
        [9, "", "đào thu hà", "01/01/2014", "Nữ", "7A5"],
    ]
    roster = read_roster("lop.xlsx", xlsx_bytes(rows))
    assert messages(roster.problems) == [
        "dòng 6: thiếu họ và tên",
        "dòng 7: ngày sinh không hợp lệ: 31/02/2013",
        "dòng 8: ngày sinh không hợp lệ: abc",
        "dòng 9: mã học sinh HS001 trùng với dòng 5",
        "dòng 10: giới tính không rõ: X (ghi Nam hoặc Nữ)",
        "dòng 13: đào thu hà sinh ngày 01/01/2014 trùng với dòng 12"
        " (nếu là hai học sinh khác nhau, hãy ghi mã học sinh)",
    ]
    assert len(roster.rows) == 9  # every row is read; the problems say which ones are wrong


def test_file_without_a_header_is_one_problem():
    roster = read_roster("lop.xlsx", xlsx_bytes([["Danh sách"], ["Lê An", "7A5"], ["Vũ Bình", "7A5"]]))
    assert roster.rows == []
    assert messages(roster.problems) == [
        "không tìm thấy dòng tiêu đề có cột Họ và tên (hoặc hai cột Họ đệm và Tên) trong 20 dòng đầu của tệp"
    ]


@pytest.mark.parametrize(
    ("filename", "data", "says"),
    [
        ("lop.xlsx", b"this is not a zip file", "không đọc được tệp"),
        ("lop.xlsx", b"PK\x03\x04broken", "không đọc được tệp"),
        ("lop.csv", "Họ và tên\nLê An\n".encode("utf-16"), "UTF-8"),
        ("lop.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
        ("lop.pdf", b"%PDF-1.4", ".xlsx hoặc .csv"),
        ("lop.csv", b"", "không tìm thấy dòng tiêu đề"),
    ],
)
def test_unreadable_files_are_a_problem_not_a_traceback(filename, data, says):
    roster = read_roster(filename, data)
    assert roster.rows == []
    assert len(roster.problems) == 1 and says in roster.problems[0].message


def test_template_rows_column_numbers_and_footers_are_not_students():
    rows = [
        HEADER,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        *STUDENTS,
        [4, None, None, None, None, "7A5"],  # a pre-numbered template row left empty
        [None, None, "Cộng: 3 học sinh"],
        [None, None, "Hà Nội, ngày 5 tháng 9 năm 2026"],
        [None, None, "Nguyễn Thị Hoa"],  # the teacher who signs the list
    ]
    roster = read_roster("lop.xlsx", xlsx_bytes(rows))
    assert roster.problems == []
    assert [r.row for r in roster.rows] == [3, 4, 5]


# Accounts


def test_usernames_are_readable_ascii_and_numbered_when_taken():
    taken: set[str] = set()
    names = ["Nguyễn Văn An", "Nguyễn Vũ An", "Nguyễn Văn An", "Đỗ Ngọc Ánh", "Bình", "Hờ A Dính"]
    for name in names:
        taken.add(make_username(name, taken.__contains__))
    assert taken == {"an.nv", "an.nv2", "an.nv3", "anh.dn", "binh", "dinh.ha"}
    long_name = "Nguyễn " * 20 + "A" * 80
    assert len(make_username(long_name, lambda u: False)) == 60
    assert len(make_username(long_name, lambda u: not u.endswith("12"))) == 60
    assert make_username("Ηλίας", lambda u: False) == "hs"


def test_passwords_are_easy_to_type_and_random():
    passwords = {make_password() for _ in range(200)}
    assert len(passwords) > 190
    for password in passwords:
        assert re.fullmatch(r"([bdghkmnprstvx][aeu]){3}[2-9]{2}", password)
        assert not set(password) & set("0Oo1lIi")


# Planning and applying


def test_importing_the_sample_creates_class_students_and_enrolments(app, people):
    with app.app_context():
        school, year = school_and_year()
        users_before = count(User)
        plan = plan_import(read_roster(SAMPLE.name, SAMPLE.read_bytes()), school, year)
        assert plan.ok and plan.counts == {"create": 38, "update": 0, "unchanged": 0}
        assert plan.new_classes == ["8A2"]
        assert count(User) == users_before and get_class("8A2") is None  # planning writes nothing
        accounts = apply_import(plan)
        db.session.commit()
        klass = get_class("8A2")
        assert klass.grade == 8
        assert count(User) == users_before + 38
        enrolled = db.session.scalars(select(Enrollment).where(Enrollment.class_id == klass.id)).all()
        assert len(enrolled) == 38 and all(e.school_year_id == year.id for e in enrolled)
        usernames = [a.user.username for a in accounts]
        assert len(set(usernames)) == 38 and "trang.ln" in usernames
        first = next(a for a in accounts if a.user.student_code == "0403049883")
        assert (first.user.full_name, first.user.birth_date, first.user.gender) == (
            "Lê Ngọc Trang",
            date(2013, 7, 9),
            "Nam",
        )
        assert first.user.role == Role.STUDENT and first.user.school_id == school.id and first.class_name == "8A2"
        # Passwords are stored only as hashes.
        for account in accounts[:2]:
            assert account.password not in account.user.password_hash
            assert account.user.check_password(account.password)


def test_reimport_by_code_updates_changes_and_never_duplicates(app, people):
    with app.app_context():
        import_rows([HEADER, *STUDENTS])
        users = count(User)
        plan, _ = import_rows([HEADER, *STUDENTS])
        assert plan.counts == {"create": 0, "update": 0, "unchanged": 3}
        changed = [list(r) for r in STUDENTS]
        changed[0][2:5] = ["Phạm Minh Châu Anh", "06/03/2014", "Nam"]
        plan, accounts = import_rows([HEADER, *changed])
        assert plan.counts == {"create": 0, "update": 1, "unchanged": 2} and accounts == []
        assert plan.items[0].changes == [
            "họ và tên: Phạm Minh Châu → Phạm Minh Châu Anh",
            "ngày sinh: 05/03/2014 → 06/03/2014",
            "giới tính: Nữ → Nam",
        ]
        student = db.session.scalar(select(User).where(User.student_code == "HS001"))
        assert (student.full_name, student.birth_date, student.gender) == (
            "Phạm Minh Châu Anh",
            date(2014, 3, 6),
            "Nam",
        )
        assert count(User) == users and count(Enrollment) == 3 + 3


def test_reimport_without_codes_matches_by_name_and_birth_date(app, people):
    rows = [["Họ và tên", "Ngày sinh", "Lớp"], ["Lê Bảo Ngọc", "02/01/2014", "7A5"], ["Lê Bảo Ngọc", "", "7A5"]]
    with app.app_context():
        import_rows(rows, filename="lop.csv")
        users = count(User)
        plan, _ = import_rows(rows, filename="lop.csv")
        assert plan.counts == {"create": 0, "update": 0, "unchanged": 2}
        # A code given later is added to the student found by name and birth date.
        plan, _ = import_rows([["Mã HS", *rows[0]], ["HS900", *rows[1][:2], "7a5"]], filename="lop.csv")
        assert plan.counts["update"] == 1 and plan.items[0].changes == ["mã học sinh: (trống) → HS900"]
        assert count(User) == users
        assert db.session.scalar(select(User.birth_date).where(User.student_code == "HS900")) == date(2014, 1, 2)


def test_student_of_the_school_not_yet_enrolled_this_year_is_enrolled(app, people):
    with app.app_context():
        school, _ = school_and_year()
        old = add_user("hs.cu", Role.STUDENT, school, "Phạm Minh Châu", student_code="HS001")
        db.session.commit()
        plan, accounts = import_rows([HEADER, *STUDENTS])
        assert plan.counts == {"create": 2, "update": 1, "unchanged": 0} and len(accounts) == 2
        assert plan.items[0].student.id == old.id
        assert plan.items[0].changes == [
            "ngày sinh: (trống) → 05/03/2014",
            "giới tính: (trống) → Nữ",
            f"vào lớp 7A5 năm học {YEAR}",
        ]
        enrolment = db.session.scalar(select(Enrollment).where(Enrollment.student_id == old.id))
        assert enrolment.school_class.name == "7A5"


def test_student_already_in_another_class_this_year_is_refused(app, people):
    rows = [["STT", "Họ và tên", "Lớp"], [1, "Lê Bảo Ngọc", "7A5"], [2, "Nguyễn Văn An", "7A5"]]
    with app.app_context():
        users = count(User)
        plan, _ = import_rows(rows)
        assert messages(plan.problems) == [f"dòng 3: Nguyễn Văn An đã có trong lớp 7A1 năm học {YEAR}"]
        assert count(User) == users and get_class("7A5") is None
        # Into the class he is already in, he is simply unchanged.
        plan, _ = import_rows([rows[0], [1, "Nguyễn Văn An", ""]], class_name="7A1")
        assert plan.counts == {"create": 0, "update": 0, "unchanged": 1}


def test_students_of_another_school_are_never_matched(app, people):
    with app.app_context():
        plan, accounts = import_rows([["Họ và tên", "Lớp"], ["Lê Khác", "7A1"]])
        assert plan.counts["create"] == 1
        assert accounts[0].user.username == "khac.l" and accounts[0].user.school.code == "THCS-A"


def test_chosen_class_refuses_rows_of_another_class(app, people):
    rows = [HEADER, [1, "HS1", "Lê Bảo Ngọc", "", "", "7A1"], [2, "HS2", "Vũ Minh", "", "", "Lớp 7a1"]]
    rows.append([3, "HS3", "Đỗ Thu", "", "", "8A3"])
    with app.app_context():
        plan, _ = import_rows(rows, class_name="7A1")
        assert messages(plan.problems) == ["dòng 4: học sinh thuộc lớp 8A3, không phải lớp 7A1"]
        assert db.session.scalar(select(User).where(User.student_code == "HS1")) is None


def test_rows_need_a_class_with_a_grade_when_none_is_chosen(app, people):
    rows = [["Họ và tên", "Lớp"], ["Lê Bảo Ngọc", "A1"], ["Vũ Minh", ""], ["Đỗ Thu", "8A3"]]
    with app.app_context():
        plan, _ = import_rows(rows)
        assert messages(plan.problems) == [
            "dòng 2: tên lớp A1 không hợp lệ (cần bắt đầu bằng khối, ví dụ 8A2)",
            "dòng 3: thiếu lớp",
        ]
        plan, _ = import_rows([["Họ và tên"], ["Lê Bảo Ngọc"]])
        assert messages(plan.problems) == ["tệp không có cột Lớp: hãy chọn lớp để nhập danh sách vào"]


def test_bad_rows_write_nothing_and_the_plan_cannot_be_applied(app, people):
    rows = [*TITLE, HEADER, *STUDENTS, [4, "HS004", "", "01/01/2014", "Nam", "7A5"]]
    rows.append([5, "HS005", "Lê Văn Hùng", "31/02/2013", "Nam", "7A5"])
    rows.append([6, "HS001", "Vũ Thị Lan", "01/01/2014", "Nữ", "7A5"])
    with app.app_context():
        users, enrolments = count(User), count(Enrollment)
        plan, _ = import_rows(rows)
        assert not plan.ok
        assert messages(plan.problems) == [
            "dòng 8: thiếu họ và tên",
            "dòng 9: ngày sinh không hợp lệ: 31/02/2013",
            "dòng 10: mã học sinh HS001 trùng với dòng 5",
        ]
        assert plan.counts["create"] == 3  # the good rows are planned, but nothing is written
        with pytest.raises(ValueError):
            apply_import(plan)
        assert (count(User), count(Enrollment)) == (users, enrolments) and get_class("7A5") is None


def test_usernames_stay_unique_across_imports_and_existing_accounts(app, people):
    with app.app_context():
        school, _ = school_and_year()
        add_user("An.NV", Role.TEACHER, school, "Nguyễn Văn Ấn")  # a differently-cased login is still taken
        db.session.commit()
        rows = [["Mã HS", "Họ và tên", "Ngày sinh", "Lớp"], ["1", "Nguyễn Văn An", "01/02/2014", "7A5"]]
        rows.append(["2", "Nguyễn Vũ An", "01/02/2014", "7A5"])
        _, first = import_rows(rows)
        _, second = import_rows([rows[0], ["3", "Nguyễn Văn An", "03/04/2014", "7A6"]])
        assert [a.user.username for a in first + second] == ["an.nv2", "an.nv3", "an.nv4"]


# The command


def run_import(runner, path, *options):
    return runner.invoke(args=["roster", "import", str(path), "--school", "THCS-A", "--year", YEAR, *options])


def test_cli_dry_run_reports_and_writes_nothing(app, people, runner):
    with app.app_context():
        users, classes = count(User), count(SchoolClass)
    result = run_import(runner, SAMPLE, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Tạo mới: 38, cập nhật: 0, không đổi: 0." in result.output
    assert "Lớp mới: 8A2" in result.output and "không ghi gì" in result.output
    with app.app_context():
        assert (count(User), count(SchoolClass)) == (users, classes)


def test_cli_import_writes_everything_and_prints_each_password_once(app, people, runner):
    result = run_import(runner, SAMPLE)
    assert result.exit_code == 0, result.output
    logins = re.findall(r"^  8A2\s+(.+?)\s+(\S+)\s+(\S+)$", result.output, flags=re.MULTILINE)
    assert len(logins) == 38
    names = [name for name, _, _ in logins]
    assert names == sorted(names, key=name_sort_key) and names[:2] == ["Đặng Quốc Bình", "Phạm Thu Bình"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Enrollment.class_id == get_class("8A2").id)) == 38
        name, username, password = logins[0]
        user = db.session.scalar(select(User).where(User.username == username))
        assert user.full_name == name and user.check_password(password)
        assert password not in user.password_hash
    again = run_import(runner, SAMPLE)
    assert again.exit_code == 0 and "Tạo mới: 0, cập nhật: 0, không đổi: 38." in again.output
    assert "Mật khẩu" not in again.output


def test_cli_into_a_chosen_class(app, people, runner, tmp_path):
    path = tmp_path / "7a1.csv"
    path.write_bytes(csv_bytes([["Họ và tên", "Ngày sinh"], ["Lê Bảo Ngọc", "02/01/2014"]], bom=True))
    result = run_import(runner, path, "--class", "7a1")
    assert result.exit_code == 0, result.output
    assert re.search(r"^  7A1\s+Lê Bảo Ngọc\s+ngoc\.lb\s+[a-z2-9]{8}$", result.output, flags=re.MULTILINE)


def test_cli_exits_1_and_writes_nothing_on_any_problem(app, people, runner, tmp_path):
    path = tmp_path / "lop.xlsx"
    path.write_bytes(xlsx_bytes([*TITLE, HEADER, *STUDENTS, [4, "HS004", "Lê Văn Hùng", "31/02/2013", "Nam", "7A5"]]))
    with app.app_context():
        users = count(User)
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert "dòng 8: ngày sinh không hợp lệ: 31/02/2013" in result.output
    assert "Không ghi gì" in result.output
    with app.app_context():
        assert count(User) == users and get_class("7A5") is None


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--school", "KHONG-CO", "--year", YEAR], "Không có trường nào mã KHONG-CO."),
        (["--school", "THCS-A", "--year", "2030-2031"], "Không có năm học 2030-2031."),
        (["--school", "THCS-A", "--year", YEAR, "--class", "9A9"], f"THCS A không có lớp 9A9 trong năm học {YEAR}."),
    ],
)
def test_cli_unknown_school_year_or_class(app, people, runner, options, says):
    result = runner.invoke(args=["roster", "import", str(SAMPLE), *options])
    assert result.exit_code == 1
    assert says in result.output
