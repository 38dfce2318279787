"""`flask roster import`: a class list from Excel or CSV into accounts and enrolments, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db
from .models import School, SchoolClass, SchoolYear
from .services.rosters import NewAccount, apply_import, class_key, plan_import, read_roster
from .services.vietnamese import name_sort_key

roster_cli = AppGroup("roster", help="Nhập danh sách lớp từ tệp Excel (.xlsx) hoặc CSV.")


def _fail(message: str) -> NoReturn:
    """A Vietnamese error and exit code 1 (click.ClickException would prefix it with the English "Error:")."""
    click.echo(message, err=True)
    raise SystemExit(1)


@roster_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", "school_code", required=True, help="Mã trường, ví dụ THCS-A.")
@click.option("--year", "year_name", help="Năm học, ví dụ 2026-2027 (mặc định: năm học hiện tại).")
@click.option("--class", "class_name", help="Nhập mọi dòng vào lớp này (mặc định: theo cột Lớp của tệp).")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra và báo cáo, không ghi gì.")
def import_roster(file: Path, school_code: str, year_name: str | None, class_name: str | None, dry_run: bool) -> None:
    """Import a class list; print the report, and the new logins once. Any problem: nothing is written."""
    school = db.session.scalar(select(School).where(School.code == school_code))
    if school is None:
        _fail(f"Không có trường nào mã {school_code}.")
    year_name = year_name or current_app.config["CURRENT_SCHOOL_YEAR"]
    year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == year_name))
    if year is None:
        _fail(f"Không có năm học {year_name}.")
    school_class = None
    if class_name:
        classes = db.session.scalars(
            select(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.school_year_id == year.id)
        )
        school_class = next((c for c in classes if class_key(c.name) == class_key(class_name)), None)
        if school_class is None:
            _fail(f"{school.name} không có lớp {class_name} trong năm học {year.name}.")

    roster = read_roster(file.name, file.read_bytes())
    plan = plan_import(roster, school, year, school_class)
    click.echo(f"{file.name}: {len(roster.rows)} học sinh, {school.name}, năm học {year.name}.")
    counts = plan.counts
    click.echo(f"Tạo mới: {counts['create']}, cập nhật: {counts['update']}, không đổi: {counts['unchanged']}.")
    if plan.new_classes:
        click.echo("Lớp mới: " + ", ".join(plan.new_classes))
    for item in plan.items:
        if item.action == "update":
            click.echo(f"  dòng {item.row.row}: {item.row.full_name}: {'; '.join(item.changes)}")
    if not plan.ok:
        click.echo(f"{len(plan.problems)} lỗi:", err=True)
        for problem in plan.problems:
            click.echo(f"  {problem}", err=True)
        _fail("Không ghi gì: hãy sửa các lỗi trên trong tệp rồi nhập lại.")
    if dry_run:
        click.echo("Chạy thử (--dry-run): không ghi gì.")
        return
    accounts = apply_import(plan)
    db.session.commit()
    click.echo("Đã nhập xong.")
    if accounts:
        _print_accounts(accounts)


def _print_accounts(accounts: list[NewAccount]) -> None:
    """The new logins, in class-list order; the passwords are not stored anywhere in plain text."""
    accounts = sorted(accounts, key=lambda a: (a.class_name, name_sort_key(a.user.full_name)))
    rows = [("Lớp", "Họ và tên", "Tên đăng nhập", "Mật khẩu")]
    rows += [(a.class_name, a.user.full_name, a.user.username, a.password) for a in accounts]
    w0, w1, w2 = (max(len(row[i]) for row in rows) for i in range(3))
    click.echo(f"Tài khoản mới ({len(accounts)}). Mật khẩu chỉ hiện lần này: hãy in phiếu đăng nhập ngay.")
    for klass, name, username, password in rows:
        click.echo(f"  {klass:<{w0}}  {name:<{w1}}  {username:<{w2}}  {password}")
