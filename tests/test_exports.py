"""Class results as Excel and CSV: Vietnamese headers, correct text, and never a formula."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from quizapp.services.exports import Table, neutralise, write_csv, write_xlsx

from .helpers import enrol_students, give_attempts

DANGEROUS = ['=HYPERLINK("http://x","bấm")', "+84 912", "-1+2", "@SUM(A1)", "\tTab", "\rCR"]


def test_neutralise_prefixes_formula_triggers():
    assert [neutralise(v)[0] for v in DANGEROUS] == ["'"] * len(DANGEROUS)
    assert neutralise("Nguyễn Văn An") == "Nguyễn Văn An"


def test_xlsx_cells_are_text_never_formulas():
    table = Table("Lớp 7A1", ["Họ và tên"], [[v] for v in DANGEROUS])
    sheet = load_workbook(io.BytesIO(write_xlsx([table]))).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[:-1] == DANGEROUS[:-1]  # kept exactly as typed (XML stores a lone CR as a newline)
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)


def test_class_export_xlsx_and_csv(app, client, auth, people):
    ids = enrol_students(app, people["klass"], ["=1+1 Nguyễn", "<script>alert(1)</script> Lê"])
    give_attempts(app, ids[:1], "tai-khoan")
    auth.login("gv.hoa")
    url = f"/giao-vien/lop/{people['klass']}"

    response = client.get(url + "/ket-qua.xlsx")
    assert response.headers["Content-Disposition"] == "attachment; filename=ket-qua-lop-7A1-2026-2027.xlsx"
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["Lớp 7A1"]
    assert workbook.sheetnames == ["Lớp 7A1", "Danh sách bài"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Kết quả lớp 7A1 – THCS A – năm học 2026-2027")
    assert rows[1][:6] == ("STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Trạng thái", "Số bài hoàn thành")
    names = [r[2] for r in rows[2:]]
    assert "=1+1 Nguyễn" in names and "<script>alert(1)</script> Lê" in names
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    formula_row = next(r for r in rows[2:] if r[2] == "=1+1 Nguyễn")
    assert formula_row[4] == "Đang học" and formula_row[7] == 100  # best score of module 1

    response = client.get(url + "/ket-qua.csv")
    assert response.data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0][2] == "Họ và tên"
    assert "'=1+1 Nguyễn" in [line[2] for line in lines[1:]]
    assert not any(cell.startswith(("=", "+", "@")) for line in lines for cell in line)


def test_dashboard_escapes_names(app, client, auth, people):
    enrol_students(app, people["klass"], ["<script>alert(1)</script> Lê"])
    auth.login("gv.hoa")
    html = client.get(f"/giao-vien/lop/{people['klass']}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_csv_writes_dates_and_booleans_in_vietnamese():
    from datetime import date

    data = write_csv(Table("t", ["Ngày", "Đạt"], [[date(2013, 7, 9), True]])).decode("utf-8-sig")
    assert data.splitlines()[1] == "09/07/2013,Có"
