"""Class lists (danh sách lớp) from Excel or CSV: read, plan against the database, apply in one go.

`read_roster` never raises on a bad file: every problem becomes a RowProblem that names the row as
the teacher sees it in Excel. Before any parsing it bounds the work (`Limits`): file size, the zip's
members and unpacked size (read from the central directory), the sheet's declared and real size and
the shared strings, so a 5 KB file claiming row 1,000,000,000 is refused in milliseconds. `plan_import` reads the database and writes nothing, so it doubles as
the preview; `apply_import` writes a plan without problems and only flushes: the caller commits once,
so an import is all or nothing. Plan and apply in the same transaction.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import time
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import PurePath

from defusedxml import ElementTree
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel
from sqlalchemy import func, select

from .. import clock
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
    warnings: list[RowProblem] = field(default_factory=list)  # shown in the preview; they do not stop the import
    columns: frozenset[str] = frozenset()  # the fields whose header was found, e.g. "class_name"
    title_years: list[tuple[int, str]] = field(default_factory=list)  # (row, "2025-2026") above the header
    formula_cells: frozenset[tuple[int, int]] = frozenset()  # (row, column index from 0) holding a formula

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Limits:
    """How big a class list may be. A whole school is a few thousand rows and well under 1 MB."""

    file_bytes: int = 2 * 1024 * 1024
    rows: int = MAX_ROWS
    columns: int = 60
    cells: int = 100_000  # 10.000 rows of 10 columns
    zip_members: int = 100  # an .xlsx from Excel holds about ten
    unzipped_bytes: int = 20 * 1024 * 1024  # 10.000 rows unpack to about 5 MB
    shared_strings: int = 100_000
    parse_seconds: float = 8.0


LIMITS = Limits()


class TooBig(Exception):
    """A limit the file goes over, in Vietnamese with the number, e.g. "bảng tính có ô ở dòng 1.000.000.000…"."""


def _n(number: float) -> str:
    """Vietnamese digit grouping: 1.000.000."""
    return f"{number:,.0f}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _problem(row: int, text: str) -> RowProblem:
    return RowProblem(row, f"dòng {row}: {text}")


# Reading


def read_roster(filename: str, data: bytes, limits: Limits = LIMITS) -> RosterFile:
    """Read the first sheet of an .xlsx or a .csv; a broken file or row is a problem, never an exception."""
    roster = RosterFile(filename)
    suffix = PurePath(filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        if suffix == ".xls":
            text = "tệp .xls (Excel 97–2003) chưa đọc được: hãy mở bằng Excel và lưu lại dạng .xlsx"
        else:
            text = f"chỉ đọc được tệp .xlsx hoặc .csv, không đọc được {filename}"
        roster.problems.append(RowProblem(0, text))
        return roster
    try:
        if len(data) > limits.file_bytes:
            raise TooBig(f"tệp nặng {_mb(len(data))}, quá giới hạn {_mb(limits.file_bytes)} của một danh sách lớp")
        table = _xlsx_table(data, roster, limits) if suffix == ".xlsx" else _csv_table(data, roster, limits)
    except TooBig as refusal:
        roster.problems.append(RowProblem(0, f"không đọc tệp: {refusal}"))
        return roster
    if table is not None:
        _read_table(table, roster)
        _check_duplicates(roster)
        roster.problems.sort(key=lambda p: p.row)
        roster.warnings.sort(key=lambda p: p.row)
    return roster


# The XML of a sheet, scanned as bytes before openpyxl sees it: bytes.count and regexes that match only
# what is rare in a real class list (5-digit rows, 2-letter columns), so the scan of the biggest allowed
# file takes milliseconds. `p` is the namespace prefix the part uses ("" or e.g. "x:").
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?(?:worksheet|sst)\b")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")
_FAR_ROW = re.compile(rb'\sr="[A-Za-z]{0,3}(\d{5,})"')  # <row r="12345"> or <c r="A12345">
_WIDE_CELL = re.compile(rb'\sr="([A-Za-z]{2,})\d+"')  # columns from AA on
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Za-z]+)(\d+)"')
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_STRINGS_PART = re.compile(r"xl/[^/]*sharedstrings[^/]*\.xml", re.IGNORECASE)
OTHER_PART_BYTES = 4 * 1024 * 1024  # styles, theme, workbook…: Excel writes well under 1 MB
FORMULAS_LOOKED_AT = 2_000  # formula cells located for messages; more are read as their saved values


def _prefix(xml: bytes) -> bytes:
    found = _ROOT_PREFIX.search(xml, 0, 4096)
    return (found.group(1) or b"") if found else b""


def _count_tags(xml: bytes, name: bytes, prefix: bytes | None = None) -> int:
    """How many <name …>, <name>, <name/> elements: plain byte counts, no regex."""
    opening = b"<" + (_prefix(xml) if prefix is None else prefix) + name
    return sum(xml.count(opening + end) for end in (b" ", b">", b"/>", b"\t", b"\n", b"\r"))


def _row_col(column: bytes | str, row: bytes | str) -> tuple[int, int]:
    """A cell reference as numbers; an absurdly long one counts as absurdly far (no huge int parsing)."""
    far = 10**12
    row_number = int(row) if len(row) <= 12 else far
    try:
        column_number = column_index_from_string(column.decode() if isinstance(column, bytes) else column)
    except ValueError:
        column_number = far
    return row_number, column_number


def _unzipped(book: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    with book.open(name) as member:
        return member.read(limits.unzipped_bytes + 1)


def _first_sheet(book: zipfile.ZipFile, names: set[str], limits: Limits) -> str | None:
    """The member openpyxl reads as the first sheet: the first <sheet> of the workbook, through its rels."""
    sheets = sorted(n for n in names if _SHEET_PART.fullmatch(n))
    try:
        workbook = ElementTree.fromstring(_unzipped(book, "xl/workbook.xml", limits))
        first = next(e for e in workbook.iter() if str(e.tag).endswith("}sheet"))
        rels = ElementTree.fromstring(_unzipped(book, "xl/_rels/workbook.xml.rels", limits))
        target = next(r.get("Target", "") for r in rels.iter(_RELS) if r.get("Id") == first.get(_SHEET_RID))
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        return name if name in names else (sheets[0] if sheets else None)
    except Exception:  # a damaged workbook part: openpyxl will call the file damaged
        return sheets[0] if sheets else None


def check_xlsx(data: bytes, limits: Limits = LIMITS) -> frozenset[tuple[int, int]]:
    """Refuse (TooBig) a workbook too big to be a class list before anything unpacks it for real.

    Reads the zip's central directory (member count, declared sizes: zipfile never unpacks more than a
    member declares), then scans each sheet's XML for its declared dimension and its real rows, columns
    and cells, and counts the shared strings. Returns the cells of the first sheet that hold a formula.
    A file that is not a zip at all is left for openpyxl to call damaged.
    """
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return frozenset()
    with book:
        members = book.infolist()
        if len(members) > limits.zip_members:
            raise TooBig(f"tệp nén chứa {_n(len(members))} phần, tối đa {_n(limits.zip_members)}")
        unzipped = sum(m.file_size for m in members)
        if unzipped > limits.unzipped_bytes:
            raise TooBig(f"tệp giải nén ra {_mb(unzipped)}, tối đa {_mb(limits.unzipped_bytes)}")
        for member in members:
            sheet_or_strings = _SHEET_PART.fullmatch(member.filename) or _STRINGS_PART.fullmatch(member.filename)
            if not sheet_or_strings and member.file_size > OTHER_PART_BYTES:
                raise TooBig(
                    f"phần {member.filename} của tệp giải nén ra {_mb(member.file_size)}, tối đa {_mb(OTHER_PART_BYTES)}"
                )
        names = {m.filename for m in members}
        first = _first_sheet(book, names, limits)
        formulas: frozenset[tuple[int, int]] = frozenset()
        try:
            for name in sorted(names):
                if _SHEET_PART.fullmatch(name):
                    xml = _unzipped(book, name, limits)
                    _check_sheet(xml, limits)
                    if name == first:
                        formulas = _formula_cells(xml)
                elif _STRINGS_PART.fullmatch(name):
                    count = _count_shared_strings(book, name, limits)
                    if count > limits.shared_strings:
                        raise TooBig(
                            f"tệp có hơn {_n(limits.shared_strings)} chuỗi chữ dùng chung, "
                            "quá giới hạn của một danh sách lớp"
                        )
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):  # damaged or encrypted: openpyxl says so
            return frozenset()
        return formulas


def _count_shared_strings(book: zipfile.ZipFile, name: str, limits: Limits) -> int:
    """Count <si> a megabyte at a time, stopping past the limit: a bomb is refused after its first MBs."""
    count, tail, prefix = 0, b"", None
    with book.open(name) as member:
        while chunk := member.read(1024 * 1024):
            if prefix is None:
                prefix = _prefix(chunk)
            window = tail + chunk
            # Elements wholly inside the carried tail were counted with the previous chunk.
            count += _count_tags(window, b"si", prefix) - _count_tags(tail, b"si", prefix)
            if count > limits.shared_strings:
                break
            tail = window[-16:]
    return count


def _check_sheet(xml: bytes, limits: Limits) -> None:
    declared = _DIMENSION.search(xml, 0, 4096)
    if declared:
        area = declared.group(1).decode("ascii", "replace")
        corners = [_row_col(*m.groups()) for m in _REF.finditer(area)]
        if corners:
            rows, columns = max(r for r, _ in corners), max(c for _, c in corners)
            if rows > limits.rows:
                raise TooBig(f"bảng tính khai báo {_n(rows)} dòng (vùng {area}), tối đa {_n(limits.rows)} dòng")
            if columns > limits.columns:
                raise TooBig(f"bảng tính khai báo {_n(columns)} cột (vùng {area}), tối đa {_n(limits.columns)} cột")
    cells = _count_tags(xml, b"c")
    if cells > limits.cells:
        raise TooBig(f"bảng tính có {_n(cells)} ô, tối đa {_n(limits.cells)} ô")
    rows = max((_row_col(b"A", m.group(1))[0] for m in _FAR_ROW.finditer(xml)), default=0)
    if rows > limits.rows:
        raise TooBig(f"bảng tính có ô ở dòng {_n(rows)}, tối đa {_n(limits.rows)} dòng")
    columns = max((_row_col(m.group(1), b"1")[1] for m in _WIDE_CELL.finditer(xml)), default=0)
    if columns > limits.columns:
        raise TooBig(f"bảng tính có ô ở cột thứ {_n(columns)}, tối đa {_n(limits.columns)} cột")


def _formula_cells(xml: bytes) -> frozenset[tuple[int, int]]:
    """(row, column index from 0) of cells with an <f> formula: the <c> element opened last before it."""
    opening = b"<" + _prefix(xml) + b"c"
    found = set()
    for formula in islice(_FORMULA.finditer(xml), FORMULAS_LOOKED_AT):
        ref = _CELL_REF.match(xml, max(0, xml.rfind(opening, 0, formula.start())))
        if ref:
            row, column = _row_col(ref.group(1), ref.group(2))
            found.add((row, column - 1))
    return frozenset(found)


def _xlsx_table(data: bytes, roster: RosterFile, limits: Limits) -> list[Sequence] | None:
    roster.formula_cells = check_xlsx(data, limits)
    deadline = time.monotonic() + limits.parse_seconds
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles that other software writes
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some software records a wrong sheet size: read every cell there is
                rows = sheet.iter_rows(min_row=1, max_col=limits.columns, values_only=True)
                table = []
                # The row cap and the clock stop the work even if a sheet slipped past check_xlsx.
                for row in islice(rows, limits.rows):
                    table.append(row)
                    if time.monotonic() > deadline:
                        raise TooBig(f"đọc tệp quá {_n(limits.parse_seconds)} giây")
            finally:
                book.close()
    except TooBig:
        raise
    except Exception:  # a damaged or foreign file raises any of a dozen errors inside openpyxl and zipfile
        roster.problems.append(RowProblem(0, "không đọc được tệp: tệp hỏng hoặc không phải tệp Excel .xlsx"))
        return None
    return table


def _csv_table(data: bytes, roster: RosterFile, limits: Limits) -> list[Sequence] | None:
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
            table = list(islice(csv.reader(io.StringIO(text), delimiter=delimiter), limits.rows + 1))
            if _find_header(table) is not None:
                break
    except csv.Error:
        roster.problems.append(RowProblem(0, "không đọc được tệp: đây không phải tệp CSV"))
        return None
    if len(table) > limits.rows:
        raise TooBig(f"tệp có hơn {_n(limits.rows)} dòng, tối đa {_n(limits.rows)} dòng")
    columns = max((len(row) for row in table), default=0)
    if columns > limits.columns:
        raise TooBig(f"tệp có dòng {_n(columns)} cột, tối đa {_n(limits.columns)} cột")
    cells = sum(len(row) for row in table)
    if cells > limits.cells:
        raise TooBig(f"tệp có {_n(cells)} ô, tối đa {_n(limits.cells)} ô")
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
    roster.title_years = _title_years(table[:start])
    for index in range(start, len(table)):
        cells = table[index]
        if _is_footer(cells, columns):
            break  # totals, place and date, signatures: nothing under them is a student
        texts = [_text(v) for v in cells if _text(v)]
        if index == start and len(texts) > 1 and all(COLUMN_NUMBER.fullmatch(t) for t in texts):
            continue
        person = ("code", "full_name", "family", "given", "birth_date")
        formulas = {(index + 1, columns[key]) for key in person if key in columns} & roster.formula_cells
        if not formulas and not any(_text(_cell(cells, columns, key)) for key in person):
            continue  # empty, or a template row with only its STT (or class) filled in
        roster.rows.append(_read_row(index + 1, cells, columns, roster))
    if not roster.rows:
        roster.problems.append(RowProblem(0, "không có học sinh nào dưới dòng tiêu đề"))


# "Năm học 2025 - 2026", "NĂM HỌC: 2025–2026", "2025-2026" in a title row.
SCHOOL_YEAR_TEXT = re.compile(r"\b(\d{4})\s*[-–—/]\s*(\d{4})\b")
# What a Vietnamese name is made of: letters (with their marks), spaces, and rarely ' - . in minority names.
NAME_CHARACTERS = re.compile(r"[^\W\d_]|[ '’.-]")


def _title_years(rows: list[Sequence]) -> list[tuple[int, str]]:
    """School years named in the rows above the header, e.g. [(2, "2025-2026")]."""
    found = []
    for number, cells in enumerate(rows, start=1):
        for value in cells:
            for first, second in SCHOOL_YEAR_TEXT.findall(_text(value)):
                if int(second) == int(first) + 1:
                    found.append((number, f"{first}-{second}"))
    return found


def _odd_characters(name: str) -> list[str]:
    """The characters of a name that no Vietnamese name has: digits, <, =, @, emoji…"""
    odd = []
    for char in name:
        if not NAME_CHARACTERS.fullmatch(char) and char not in odd:
            odd.append(char)
    return odd


def _formula_problem(number: int, columns: dict[str, int], keys: tuple[str, ...], roster: RosterFile) -> str | None:
    """Where a name cell holds a formula (Excel saved no value for it): "ô C5 (cột Họ và tên)"."""
    labels = {"full_name": "Họ và tên", "family": "Họ đệm", "given": "Tên"}
    for key in keys:
        if key in columns and (number, columns[key]) in roster.formula_cells:
            return f"ô {get_column_letter(columns[key] + 1)}{number} (cột {labels[key]})"
    return None


def _read_row(number: int, cells: Sequence, columns: dict[str, int], roster: RosterFile) -> RosterRow:
    problems = roster.problems
    code = _text(_cell(cells, columns, "code")) or None
    if code and len(code) > CODE_MAX:
        problems.append(_problem(number, f"mã học sinh dài quá {CODE_MAX} ký tự"))
    name_keys: tuple[str, ...] = ("full_name",) if "full_name" in columns else ("family", "given")
    formula = _formula_problem(number, columns, name_keys, roster)
    if "full_name" in columns:
        full_name = _text(_cell(cells, columns, "full_name"))
    else:
        family, given = _text(_cell(cells, columns, "family")), _text(_cell(cells, columns, "given"))
        full_name = normalize_text(f"{family} {given}")
        if family and not given and not formula:
            problems.append(_problem(number, f"thiếu tên (cột Tên) của {family}"))
    if formula and (not full_name or "given" in name_keys and not _text(_cell(cells, columns, "given"))):
        problems.append(
            _problem(
                number,
                f"{formula} chứa công thức chứ không phải họ tên, và tệp không lưu kết quả của công thức: "
                "trong Excel hãy sao chép cột này rồi dán lại bằng “Dán giá trị” (Paste Values)",
            )
        )
    elif not full_name:
        problems.append(_problem(number, "thiếu họ và tên"))
    elif len(full_name) > NAME_MAX:
        problems.append(_problem(number, f"họ và tên dài quá {NAME_MAX} ký tự"))
    else:
        odd = _odd_characters(full_name)
        if odd:
            shown = " ".join(f"“{c}”" if c.isprintable() else f"U+{ord(c):04X}" for c in odd)
            roster.warnings.append(
                _problem(number, f"họ và tên “{full_name}” có ký tự không có trong tên người: {shown}. Hãy kiểm tra lại")
            )
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
    if not date(1900, 1, 1) <= found <= clock.today():
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
    warnings: list[RowProblem] = field(default_factory=list)  # worth a look; the import may go ahead

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
    plan = ImportPlan(school, year, problems=list(roster.problems), warnings=list(roster.warnings))
    for row, named in roster.title_years:
        if named != year.name.replace("–", "-"):
            plan.warnings.insert(
                0, _problem(row, f"tiêu đề ghi năm học {named}, nhưng danh sách sẽ được nhập vào năm học {year.name}")
            )
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


def new_credentials(count: int, progress: Callable[[int], None] | None = None) -> list[tuple[str, str]]:
    """(password, hash) pairs for new accounts: the slow part of an import (scrypt), done before it.

    A background import hashes here, outside any transaction, reporting progress, so that the write
    transaction of apply_import stays short (SQLite has one writer at a time).
    """
    pairs = []
    for done in range(1, count + 1):
        password = make_password()
        holder = User()  # never added to the session: the model's own hashing, whatever method it uses
        holder.set_password(password)
        pairs.append((password, holder.password_hash))
        if progress is not None:
            progress(done)
    return pairs


def apply_import(plan: ImportPlan, credentials: list[tuple[str, str]] | None = None) -> list[NewAccount]:
    """Create accounts, classes and enrolments and apply changes; flush only, the caller commits once.

    `credentials` are (password, hash) pairs from new_credentials, used in order for the new accounts;
    when they run out (or none are given) the rest are made here.
    """
    spare = list(credentials or [])
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
            password, hashed = spare.pop(0) if spare else new_credentials(1)[0]
            student = User(
                username=username,
                full_name=row.full_name,
                role=Role.STUDENT,
                school_id=plan.school.id,
                student_code=row.code,
                birth_date=row.birth_date,
                gender=row.gender,
            )
            student.password_hash = hashed  # only the hash is stored
            db.session.add(student)
            accounts.append(NewAccount(student, password, school_class.name))
        for attribute, value in item.updates.items():
            setattr(student, attribute, value)
        if item.enroll:
            db.session.add(Enrollment(student=student, school_class=school_class, school_year_id=plan.year.id))
    db.session.flush()
    return accounts
