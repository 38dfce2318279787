"""`flask privacy export|erase|purge`: one student's data, its erasure, and the retention rule."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import AuditAction
from ..services.audit import record
from .services import PrivacyRefused, erase_student, export_student, find_student, purge, purge_plan

privacy_cli = AppGroup("privacy", help="Dữ liệu cá nhân của học sinh (Luật 91/2025/QH15).")


def _student(username: str):
    try:
        return find_student(username)
    except PrivacyRefused as refused:
        raise click.ClickException(str(refused)) from None


@privacy_cli.command("export")
@click.option("--student", "username", required=True, help="Tên đăng nhập của học sinh.")
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="Tệp JSON (chưa có).")
def export(username: str, output: str) -> None:
    """Write everything held about one student to a JSON file."""
    path = Path(output)
    if path.exists():
        raise click.ClickException(f"Tệp {path} đã có: chọn tên khác.")
    student = _student(username)
    data = export_student(student)
    record(None, AuditAction.EXPORT, student, what="student_data", format="json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    db.session.commit()
    click.echo(f"Đã ghi dữ liệu của {username} vào {path}. Tệp chứa dữ liệu cá nhân: chỉ trao cho người có quyền.")


@privacy_cli.command("erase")
@click.option("--student", "username", required=True, help="Tên đăng nhập của học sinh.")
@click.option("--yes", is_flag=True, help="Không hỏi lại.")
def erase(username: str, yes: bool) -> None:
    """Erase one student's identifying data and results (cannot be undone)."""
    student = _student(username)
    if not yes:
        click.confirm(
            f"Xoá vĩnh viễn họ tên, tên đăng nhập, ngày sinh, mã học sinh, kết quả học và ghi chú của {username}? "
            "Không hoàn tác được.",
            abort=True,
        )
    erased = erase_student(student, None)
    db.session.commit()
    removed = sum(erased.rows.values())
    click.echo(f"Đã xoá dữ liệu của {username} ({removed} dòng liên quan); tài khoản còn lại là da-xoa-{erased.user_id}.")


@privacy_cli.command("purge")
@click.option("--before", "before_year", type=click.IntRange(2000, 2100), required=True, help="Năm, ví dụ 2026.")
@click.option("--dry-run", is_flag=True, help="Chỉ đếm, không xoá.")
def purge_command(before_year: int, dry_run: bool) -> None:
    """Erase identifying data of students whose school years all ended before 1 January of YEAR."""
    plan = purge_plan(before_year) if dry_run else purge(before_year)
    years = ", ".join(plan.years) or "không có"
    verb = "Sẽ xoá" if dry_run else "Đã xoá"
    click.echo(
        f"Năm học kết thúc trước {plan.cutoff:%d/%m/%Y}: {years}. {verb} dữ liệu định danh của {plan.students} "
        f"học sinh ({plan.certificates} giấy chứng nhận bỏ tên, {plan.notes} ghi chú). Số liệu tổng hợp giữ nguyên."
    )
    if dry_run:
        click.echo("Chạy thử: chưa thay đổi gì.")
    else:
        db.session.commit()
