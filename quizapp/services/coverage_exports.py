"""Coverage as tables for XLSX (a sheet per level) and CSV, with Vietnamese headers."""

from __future__ import annotations

from datetime import date

from .coverage import Counts, SchoolCoverage, UnitCoverage
from .exports import Table

COUNT_HEADERS = [
    "Số học sinh",
    "Đã bắt đầu",
    "Đã hoàn thành",
    "Tỉ lệ hoàn thành (%)",
    "Chỉ tiêu (%)",
    "Còn thiếu (học sinh)",
    "Người thân được hướng dẫn",
]


def _counts(counts: Counts, target_percent: int) -> list:
    return [
        counts.enrolled,
        counts.started,
        counts.completed,
        counts.percent,
        target_percent,
        counts.gap(target_percent),
        counts.families,
    ]


def _class_rows(schools: list[SchoolCoverage]) -> Table:
    rows = [[s.school.name, c.grade, c.name, *_counts(c, s.target.percent)] for s in schools for c in s.classes]
    return Table("Lớp", ["Trường", "Khối", "Lớp", *COUNT_HEADERS], rows)


def _school_rows(schools: list[SchoolCoverage]) -> Table:
    rows = [
        [s.school.code, s.school.name, *_counts(s.total, s.target.percent), s.staff.enrolled, s.staff.completed]
        for s in schools
    ]
    return Table(
        "Trường", ["Mã trường", "Trường", *COUNT_HEADERS, "Số cán bộ, giáo viên", "CB, GV đã hoàn thành"], rows
    )


def school_tables(coverage: SchoolCoverage, year_name: str, today: date) -> list[Table]:
    target = coverage.target.percent
    rows = [[f"Khối {grade}", *_counts(counts, target)] for grade, counts in coverage.by_grade.items()]
    rows.append(["Toàn trường", *_counts(coverage.total, target)])
    staff = coverage.staff
    rows.append(
        [
            "Cán bộ, giáo viên, nhân viên",
            staff.enrolled,
            staff.started,
            staff.completed,
            staff.percent,
            target if coverage.target.include_staff else None,
            staff.gap(target) if coverage.target.include_staff else None,
            None,
        ]
    )
    note = f"{coverage.school.name} – năm học {year_name} – số liệu ngày {today:%d/%m/%Y}"
    return [Table("Trường", ["Phạm vi", *COUNT_HEADERS], rows, note=note), _class_rows([coverage])]


def unit_tables(coverage: UnitCoverage, year_name: str, today: date) -> list[Table]:
    target = coverage.target.percent
    rows = [[row.name, len(row.schools), *_counts(row.total, row.target.percent)] for row in coverage.children]
    rows.append([f"Toàn {coverage.unit.name}", len(coverage.schools), *_counts(coverage.total, target)])
    note = f"{coverage.unit.name} – năm học {year_name} – số liệu ngày {today:%d/%m/%Y}"
    units = Table("Đơn vị", ["Đơn vị", "Số trường", *COUNT_HEADERS], rows, note=note)
    return [units, _school_rows(coverage.schools), _class_rows(coverage.schools)]
