"""Tables written as CSV or XLSX by one helper that neutralises spreadsheet formulas.

A cell beginning with = + - @ (or a tab or carriage return) is run as a formula by Excel and
LibreOffice: a student named "=HYPERLINK(...)" must stay text. CSV cells get a leading apostrophe
(the OWASP advice); XLSX cells are written with the string type, so they open as the text typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    title: str  # the sheet name in XLSX
    headers: list[str]
    rows: list[Sequence] = field(default_factory=list)
    note: str = ""  # a line above the table, e.g. the class and the export date


def neutralise(value: str) -> str:
    """Prefix text that a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)):
        return str(value)
    return neutralise(str(value))


def write_csv(table: Table) -> bytes:
    """UTF-8 with BOM, so that Excel shows Vietnamese correctly when the file is double-clicked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(tables: Sequence[Table]) -> bytes:
    """One sheet per table, header row bold and frozen, every text cell stored as text.

    Written in openpyxl's write-only mode: rows stream to the file as they come, so time and memory
    grow with the rows written (a province export has tens of thousands of rows), not with their square.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    header_alignment = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        sheet = workbook.create_sheet(title=_sheet_title(table.title))
        # Widths and frozen panes must be set before the first row is written.
        for index, header in enumerate(table.headers, start=1):
            longest = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in table.rows[:200]])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(8, longest + 2), 45)
        header_row = 2 if table.note else 1
        sheet.freeze_panes = f"A{header_row + 1}"
        if table.note:
            sheet.append([_cell(sheet, table.note, font=bold)])
        sheet.append([_cell(sheet, h, font=bold, fill=header_fill, alignment=header_alignment) for h in table.headers])
        for values in table.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    if isinstance(value, str):
        cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
    return cell


def _xlsx_cell(sheet, value):
    """Numbers go as they are; text, dates and booleans go as cells that say how to show them."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return _cell(sheet, "Có" if value else "Không")
    if isinstance(value, datetime):
        return _cell(sheet, value, number_format="dd/mm/yyyy hh:mm")
    if isinstance(value, date):
        return _cell(sheet, value, number_format="dd/mm/yyyy")
    text = str(value)
    # openpyxl reads only a leading "=" as a formula: such text is forced to a string cell, the rest goes as is.
    return _cell(sheet, text) if text.startswith("=") else text


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    return title[:31] or "Sheet"


def coverage_download(tables: Sequence[Table], fmt: str, stem: str):
    """A download response: every table as a sheet of one XLSX, or the most detailed one as CSV."""
    from flask import abort

    from ..downloads import send_download

    if fmt == "xlsx":
        data, mimetype = write_xlsx(tables), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        data, mimetype = write_csv(tables[-1]), "text/csv; charset=utf-8"
    else:
        abort(404)
    return send_download(data, f"{stem}.{fmt}", mimetype)
