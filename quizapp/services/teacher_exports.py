"""The class results as a table: one row per student, Vietnamese headers, ready for CSV or XLSX."""

from __future__ import annotations

from datetime import date

from .class_progress import ClassReport
from .exports import Table


def class_results_table(report: ClassReport, today: date) -> Table:
    klass = report.school_class
    headers = ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Trạng thái", "Số bài hoàn thành"]
    for number in range(1, len(report.lessons) + 1):
        headers += [
            f"Bài {number}: đã đọc",
            f"Bài {number}: điểm cao nhất (%)",
            f"Bài {number}: số lượt",
            f"Bài {number}: đạt",
        ]
    rows = []
    for index, row in enumerate(report.rows, start=1):
        student = row.student
        values = [
            index,
            student.student_code or "",
            student.full_name,
            student.birth_date,
            row.status_label,
            f"{row.done_count}/{len(report.lessons)}",
        ]
        for cell in row.modules:
            values += [cell.read, cell.best_score, cell.attempts, cell.passed if cell.has_quiz else None]
        rows.append(values)
    note = (
        f"Kết quả lớp {klass.name} – {klass.school.name} – năm học {klass.school_year.name} "
        f"(xuất ngày {today:%d/%m/%Y}): hoàn thành {report.completed}/{report.enrolled} học sinh"
    )
    return Table(title=f"Lớp {klass.name}", headers=headers, rows=rows, note=note)


def lessons_table(report: ClassReport) -> Table:
    """The legend for the "Bài N" columns."""
    rows = [[n, lesson.title] for n, lesson in enumerate(report.lessons, start=1)]
    return Table(title="Danh sách bài", headers=["Bài", "Tên bài học"], rows=rows)
