"""Hostile class lists are refused before any parsing, with a Vietnamese reason that names the limit.

The fixtures are built here: a 5 KB workbook whose sheet claims row 1,000,000,000, a zip bomb of
shared strings, too many zip members, a cell in the last column. Speed is shown by what did not run
(openpyxl is never called) and by the row cap of the parser, not by timing.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import stat
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from quizapp.services import rosters
from quizapp.services.rosters import Limits, read_roster

from .conftest import csrf_token
from .test_roster_import_web import upload
from .test_rosters import HEADER, STUDENTS, csv_bytes, xlsx_bytes

ROW_1E9 = 1_000_000_000


def small_workbook() -> bytes:
    book = Workbook()
    for row in [HEADER, *STUDENTS]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, changes: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """The same .xlsx with some members replaced or added (deflated, as Excel stores them)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            out.writestr(item.filename, (changes or {}).get(item.filename, source.read(item.filename)))
        for name, content in (extra or {}).items():
            out.writestr(name, content)
    return buffer.getvalue()


def far_row_workbook(declare: bool = True) -> bytes:
    """A real class list plus one cell at row 1,000,000,000 (and a dimension that says so)."""
    data = small_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    far = f'<row r="{ROW_1E9}"><c r="A{ROW_1E9}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    sheet = sheet.replace(b"</sheetData>", far + b"</sheetData>")
    sheet = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:F%d"/>' % ROW_1E9 if declare else b"", sheet)
    return rewrite(data, {"xl/worksheets/sheet1.xml": sheet})


@functools.cache
def shared_strings_bomb(count: int) -> bytes:
    """Millions of tiny shared strings compress to a few hundred KB."""
    body = b"<si><t>a</t></si>" * count
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="%d" uniqueCount="%d">' % (count, count) + body + b"</sst>"
    )
    return rewrite(small_workbook(), extra={"xl/sharedStrings.xml": strings})


@pytest.fixture
def openpyxl_must_not_run(monkeypatch):
    """Refusals happen before openpyxl parses anything."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("openpyxl was called on a file that should have been refused first")

    monkeypatch.setattr(rosters, "load_workbook", refuse)


def only_problem(roster) -> str:
    assert roster.rows == []
    assert len(roster.problems) == 1, roster.problems
    return roster.problems[0].message


def test_the_fixtures_are_small():
    assert len(far_row_workbook()) < 6_000
    assert len(shared_strings_bomb(3_000_000)) < 400_000


def test_a_sheet_claiming_row_one_billion_is_refused_unparsed(openpyxl_must_not_run):
    message = only_problem(read_roster("lop.xlsx", far_row_workbook()))
    assert message == "không đọc tệp: bảng tính khai báo 1.000.000.000 dòng (vùng A1:F1000000000), tối đa 10.000 dòng"


def test_a_cell_at_row_one_billion_is_refused_even_without_a_dimension(openpyxl_must_not_run):
    message = only_problem(read_roster("lop.xlsx", far_row_workbook(declare=False)))
    assert message == "không đọc tệp: bảng tính có ô ở dòng 1.000.000.000, tối đa 10.000 dòng"


def test_the_parser_itself_stops_at_the_row_cap(monkeypatch):
    """Were the check bypassed, openpyxl would walk a billion empty rows; the cap stops it."""
    monkeypatch.setattr(rosters, "check_xlsx", lambda data, limits: frozenset())
    roster = rosters.RosterFile("lop.xlsx")
    table = rosters._xlsx_table(far_row_workbook(declare=False), roster, Limits(rows=500))
    assert len(table) == 500
    assert table[0][:3] == ("STT", "Mã học sinh", "Họ và tên")


def test_parsing_stops_at_the_time_limit():
    message = only_problem(read_roster("lop.xlsx", small_workbook(), Limits(parse_seconds=0)))
    assert message == "không đọc tệp: đọc tệp quá 0 giây"


def test_a_shared_strings_bomb_is_refused_by_its_unpacked_size(openpyxl_must_not_run):
    message = only_problem(read_roster("lop.xlsx", shared_strings_bomb(3_000_000)))
    assert re.fullmatch(r"không đọc tệp: tệp giải nén ra 48,\d MB, tối đa 20,0 MB", message), message


def test_too_many_shared_strings_are_refused(openpyxl_must_not_run):
    message = only_problem(read_roster("lop.xlsx", shared_strings_bomb(300_000)))
    assert message == "không đọc tệp: tệp có hơn 100.000 chuỗi chữ dùng chung, quá giới hạn của một danh sách lớp"


def test_a_bomb_just_under_the_unpacked_limit_is_refused_by_its_count(openpyxl_must_not_run, monkeypatch):
    unpacked = []
    real_read = zipfile.ZipExtFile.read

    def counted_read(self, n=-1):
        data = real_read(self, n)
        unpacked.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted_read)
    message = only_problem(read_roster("lop.xlsx", shared_strings_bomb(1_150_000)))
    assert message == "không đọc tệp: tệp có hơn 100.000 chuỗi chữ dùng chung, quá giới hạn của một danh sách lớp"
    assert sum(unpacked) < 4 * 1024 * 1024  # of its 18 MB, only the first megabytes were unpacked


def test_shared_strings_split_across_chunks_are_counted_once():
    data = shared_strings_bomb(99_000)  # 1,6 MB of <si>: the count crosses a chunk boundary
    assert rosters._count_shared_strings(zipfile.ZipFile(io.BytesIO(data)), "xl/sharedStrings.xml", Limits()) == 99_000


def test_a_huge_styles_part_is_refused(openpyxl_must_not_run):
    styles = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<xf/>" * 1_000_000
    message = only_problem(read_roster("lop.xlsx", rewrite(small_workbook(), {"xl/styles.xml": styles})))
    assert message == "không đọc tệp: phần xl/styles.xml của tệp giải nén ra 4,8 MB, tối đa 4,0 MB"


def test_a_far_row_is_found_under_a_namespace_prefix(openpyxl_must_not_run):
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        b'<x:worksheet xmlns:x="' + ns + b'"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>'
        b"H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan</x:t></x:is></x:c></x:row><x:row r=\"70000\"><x:c r=\"A70000\"/>"
        b"</x:row></x:sheetData></x:worksheet>"
    )
    message = only_problem(read_roster("lop.xlsx", rewrite(small_workbook(), {"xl/worksheets/sheet1.xml": sheet})))
    assert message == "không đọc tệp: bảng tính có ô ở dòng 70.000, tối đa 10.000 dòng"


def test_a_zip_of_many_members_is_refused(openpyxl_must_not_run):
    data = rewrite(small_workbook(), extra={f"xl/media/image{i}.png": b"" for i in range(150)})
    message = only_problem(read_roster("lop.xlsx", data))
    assert message == "không đọc tệp: tệp nén chứa 159 phần, tối đa 100"


def test_a_cell_in_the_last_column_is_refused(openpyxl_must_not_run):
    data = small_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    sheet = re.sub(rb'<dimension ref="[^"]*" ?/>', b"", sheet)
    message = only_problem(read_roster("lop.xlsx", rewrite(data, {"xl/worksheets/sheet1.xml": sheet})))
    assert message == "không đọc tệp: bảng tính có ô ở cột thứ 16.384, tối đa 60 cột"


def test_too_many_cells_are_refused(openpyxl_must_not_run):
    message = only_problem(read_roster("lop.xlsx", small_workbook(), Limits(cells=10)))
    assert message == "không đọc tệp: bảng tính có 24 ô, tối đa 10 ô"


def test_a_file_over_two_megabytes_is_refused():
    message = only_problem(read_roster("lop.csv", b"Ho va ten\n" + b"x" * (2 * 1024 * 1024)))
    assert message == "không đọc tệp: tệp nặng 2,0 MB, quá giới hạn 2,0 MB của một danh sách lớp"


@pytest.mark.parametrize(
    ("rows", "limits", "says"),
    [
        ([HEADER] + [STUDENTS[0]] * 30, Limits(rows=20), "tệp có hơn 20 dòng, tối đa 20 dòng"),
        ([HEADER + [""] * 70, *STUDENTS], Limits(), "tệp có dòng 76 cột, tối đa 60 cột"),
        ([HEADER, *STUDENTS], Limits(cells=10), "tệp có 24 ô, tối đa 10 ô"),
    ],
)
def test_csv_bounds(rows, limits, says):
    assert only_problem(read_roster("lop.csv", csv_bytes(rows), limits)) == f"không đọc tệp: {says}"


def test_a_real_whole_school_list_passes_the_checks():
    sample = Path("/work/shared/samples/danh-sach-khoi-7-ca-truong.xlsx")
    data = sample.read_bytes() if sample.exists() else small_workbook()
    assert rosters.check_xlsx(data) == frozenset()


# Class-list messages


def test_a_formula_in_the_name_cell_is_named_as_a_formula():
    rows = [["STT", "Mã học sinh", "Họ và tên", "Ngày sinh"], [1, "HS1", "=B2&\" \"&D2", "01/02/2014"]]
    roster = read_roster("lop.xlsx", xlsx_bytes(rows))  # openpyxl saves formulas without a computed value
    assert [p.message for p in roster.problems] == [
        "dòng 2: ô C2 (cột Họ và tên) chứa công thức chứ không phải họ tên, và tệp không lưu kết quả của "
        "công thức: trong Excel hãy sao chép cột này rồi dán lại bằng “Dán giá trị” (Paste Values)"
    ]


def test_a_formula_in_the_given_name_column_is_named_too():
    rows = [["Họ đệm", "Tên", "Ngày sinh"], ["Nguyễn Văn", "=UPPER(\"an\")", "01/02/2014"]]
    roster = read_roster("lop.xlsx", xlsx_bytes(rows))
    assert [p.message[:40] for p in roster.problems] == ["dòng 2: ô B2 (cột Tên) chứa công thức ch"]


def test_odd_characters_in_names_are_warnings_not_errors(app, people):
    from quizapp.extensions import db
    from quizapp.models import SchoolClass, SchoolYear

    rows = [
        ["Họ và tên", "Ngày sinh"],
        ["<b>Lê An</b>", "01/02/2014"],
        ["=1+2 Hacker", "02/02/2014"],
        ["Trần Văn 2", "03/02/2014"],
        ["H'Hen Niê", "04/02/2014"],  # a Ê Đê name: the apostrophe is a real name character
        ["Nguyễn Thị Ánh-Dương", "05/02/2014"],
    ]
    roster = read_roster("lop.xlsx", xlsx_bytes(rows, text_cells=True))
    assert roster.problems == []
    assert [w.message for w in roster.warnings] == [
        "dòng 2: họ và tên “<b>Lê An</b>” có ký tự không có trong tên người: “<” “>” “/”. Hãy kiểm tra lại",
        "dòng 3: họ và tên “=1+2 Hacker” có ký tự không có trong tên người: “=” “1” “+” “2”. Hãy kiểm tra lại",
        "dòng 4: họ và tên “Trần Văn 2” có ký tự không có trong tên người: “2”. Hãy kiểm tra lại",
    ]
    with app.app_context():
        klass = db.session.get(SchoolClass, people["klass"])
        plan = rosters.plan_import(roster, klass.school, db.session.get(SchoolYear, people["year"]), klass)
        assert plan.ok and len(plan.warnings) == 3


def test_a_title_naming_another_school_year_is_a_warning(app, people):
    from quizapp.extensions import db
    from quizapp.models import SchoolClass

    rows = [["DANH SÁCH HỌC SINH LỚP 7A1"], ["NĂM HỌC 2025 - 2026"], [], HEADER, STUDENTS[0]]
    roster = read_roster("lop.xlsx", xlsx_bytes(rows))
    assert roster.title_years == [(2, "2025-2026")]
    with app.app_context():
        klass = db.session.get(SchoolClass, people["klass"])
        plan = rosters.plan_import(roster, klass.school, klass.school_year, klass)
        assert plan.problems == [rosters._problem(5, "học sinh thuộc lớp 7A5, không phải lớp 7A1")]
        assert [w.message for w in plan.warnings] == [
            "dòng 2: tiêu đề ghi năm học 2025-2026, nhưng danh sách sẽ được nhập vào năm học 2026-2027"
        ]
    same_year = read_roster("lop.xlsx", xlsx_bytes([["Năm học 2026–2027"], HEADER[:5], STUDENTS[0][:5]]))
    with app.app_context():
        klass = db.session.get(SchoolClass, people["klass"])
        assert rosters.plan_import(same_year, klass.school, klass.school_year, klass).warnings == []


# Through the web: refused on the upload page, parsed once, stored privately, deleted when done.


def imports_dir(app) -> Path:
    return Path(app.instance_path) / "imports"


def stored(app) -> set[str]:
    folder = imports_dir(app)
    return {p.name for p in folder.glob("*.json")} if folder.exists() else set()


@pytest.fixture
def instance(app, tmp_path):
    """A private instance folder per test (the stored lists live there)."""
    app.instance_path = str(tmp_path / "instance")
    os.makedirs(app.instance_path, mode=0o700)
    return Path(app.instance_path)


def test_an_upload_over_two_megabytes_is_refused_with_its_size(app, client, auth, people, instance, monkeypatch):
    # The test client spools a body this big to a temporary file it never closes: keep it in memory.
    monkeypatch.setattr("werkzeug.test.TemporaryFile", lambda *_args, **_kwargs: io.BytesIO())
    auth.login("gv.hoa")
    response = upload(client, people["klass"], "lop.csv", b"Ho va ten\n" + b"x" * (3 * 1024 * 1024))
    assert response.status_code == 422
    assert "tệp nặng 3,0 MB, quá giới hạn 2,0 MB của một danh sách lớp" in response.get_data(as_text=True)


def test_hostile_uploads_are_refused_on_the_upload_page(app, client, auth, people, instance, openpyxl_must_not_run):
    auth.login("gv.hoa")
    for data, says in (
        (far_row_workbook(), "bảng tính khai báo 1.000.000.000 dòng"),
        (shared_strings_bomb(3_000_000), "tệp giải nén ra 48,"),
    ):
        response = upload(client, people["klass"], "lop.xlsx", data)
        assert response.status_code == 422
        assert says in response.get_data(as_text=True)
    assert stored(app) == set()


def test_the_preview_is_parsed_once(app, client, auth, people, instance, monkeypatch):
    auth.login("gv.hoa")
    preview_url = upload(client, people["klass"], "lop.xlsx", xlsx_bytes([HEADER[:5], STUDENTS[0][:5]])).headers[
        "Location"
    ]

    def no_parsing(*_args, **_kwargs):
        raise AssertionError("the preview parsed the file again")

    monkeypatch.setattr("quizapp.teach.views.read_roster", no_parsing)
    for _ in range(2):
        html = client.get(preview_url).get_data(as_text=True)
        assert "Sẽ tạo mới <strong>1</strong> học sinh" in html


def test_stored_lists_are_private_and_deleted_when_the_import_ends(app, client, auth, people, instance):
    auth.login("gv.hoa")
    data = xlsx_bytes([HEADER[:5], STUDENTS[0][:5]])
    # Cancelled: gone at once.
    preview_url = upload(client, people["klass"], "lop.xlsx", data).headers["Location"]
    [name] = stored(app)
    assert stat.S_IMODE((imports_dir(app) / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(imports_dir(app).stat().st_mode) == 0o700
    token = preview_url.rsplit("/", 1)[1]
    cancel = client.post(f"{preview_url}/huy", data={"csrf_token": csrf_token(client, preview_url)})
    assert cancel.status_code == 302 and stored(app) == set()
    assert client.get(preview_url).status_code == 302  # the preview is gone too
    # Confirmed: gone once the job has run.
    preview_url = upload(client, people["klass"], "lop.xlsx", data).headers["Location"]
    assert len(stored(app)) == 1
    client.post(preview_url, data={"csrf_token": csrf_token(client, preview_url)})
    assert stored(app) == set()
    # Left alone for over an hour: the next upload (or the periodic job) deletes it.
    upload(client, people["klass"], "lop.xlsx", data)
    [old] = stored(app)
    an_hour_ago = time.time() - 3601
    os.utime(imports_dir(app) / old, (an_hour_ago, an_hour_ago))
    upload(client, people["klass"], "lop.xlsx", data)
    assert old not in stored(app) and len(stored(app)) == 1
    assert token not in "".join(stored(app))


def test_an_expired_preview_says_so(app, client, auth, people, instance):
    app.config["UPLOAD_TTL_SECONDS"] = 0
    auth.login("gv.hoa")
    preview_url = upload(client, people["klass"], "lop.xlsx", xlsx_bytes([HEADER[:5], STUDENTS[0][:5]])).headers[
        "Location"
    ]
    time.sleep(0.01)
    page = client.get(preview_url, follow_redirects=True).get_data(as_text=True)
    assert "Danh sách đã tải lên không còn (đã nhập, đã huỷ hoặc quá một giờ)" in page
    assert stored(app) == set()


def test_the_database_and_queue_are_created_private(tmp_path, monkeypatch):
    from quizapp.extensions import db

    from .conftest import make_app

    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    path = tmp_path / "instance" / "fresh.sqlite"
    old_umask = os.umask(0o022)  # a usual shell umask: files 0644 unless the app says otherwise
    try:
        app = make_app(f"sqlite:///{path}", QUEUE_IMMEDIATE=False)
        with app.app_context():
            db.create_all()
            db.engine.dispose()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "instance" / "queue.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "instance").stat().st_mode) == 0o700


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_writes_the_secret_file_private(tmp_path):
    root = Path(__file__).parent.parent
    subprocess.run(
        ["make", "-s", "-f", str(root / "Makefile"), "instance/secret_key", f"BIN={root / '.venv' / 'bin'}"],
        cwd=tmp_path,
        check=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    secret = tmp_path / "instance" / "secret_key"
    assert len(secret.read_text().strip()) == 64
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(secret.parent.stat().st_mode) == 0o700
