"""`flask roster import` (a class list into accounts, all or nothing) and `flask roster slips` (login slips as PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db
from .models import AuditAction, School, SchoolClass, SchoolYear
from .services import audit
from .services.accounts import make_password
from .services.class_progress import class_students
from .services.onboarding import find_class
from .services.org import OrgError, ensure_current_year
from .services.rosters import NewAccount, apply_import, class_key, plan_import, read_roster
from .services.slips import make_slips
from .services.slips_pdf import slips_pdf
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
@click.option(
    "--slips",
    "slips_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Ghi phiếu đăng nhập của các tài khoản mới vào tệp PDF này (để in).",
)
def import_roster(
    file: Path, school_code: str, year_name: str | None, class_name: str | None, dry_run: bool, slips_path: Path | None
) -> None:
    """Import a class list; print the report, and the new logins once. Any problem: nothing is written."""
    school = db.session.scalar(select(School).where(School.code == school_code))
    if school is None:
        _fail(f"Không có trường nào mã {school_code}.")
    if year_name:
        year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == year_name))
        if year is None:
            _fail(f"Không có năm học {year_name}.")
    else:
        year = ensure_current_year()  # a fresh installation has none until its first class list
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
    audit.record(None, AuditAction.ROSTER_IMPORT, school_id=plan.school.id, created=len(accounts), students=len(plan.items))
    db.session.commit()
    click.echo("Đã nhập xong.")
    if accounts:
        _print_accounts(accounts)
        if slips_path:
            by_class: dict[str, list] = {}
            for account in sorted(accounts, key=lambda a: (a.class_name, name_sort_key(a.user.full_name))):
                by_class.setdefault(account.class_name, []).append(account)
            slips = [
                slip
                for name, group in by_class.items()
                for slip in make_slips([(a.user, a.password) for a in group], name, current_app.config["SITE_URL"])
            ]
            _write_slips(slips_path, slips, f"Phiếu đăng nhập {school.name}")
    elif slips_path:
        click.echo("Không có tài khoản mới nên không ghi tệp phiếu.")


def _write_slips(path: Path, slips: list, title: str) -> None:
    """The PDF holds passwords: readable by whoever runs the command only."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(slips_pdf(slips, title))
    click.echo(f"Đã ghi {len(slips)} phiếu đăng nhập vào {path}. In xong hãy xoá tệp này: nó chứa mật khẩu.")
    _warn_site(slips)


def _warn_site(slips: list) -> None:
    """A loopback SITE_URL on a slip only works on the server itself: say so before anyone prints."""
    if slips and slips[0].site_warning:
        click.echo(slips[0].site_warning, err=True)


@roster_cli.command("slips")
@click.option("--school", "school_code", required=True, help="Mã trường, ví dụ THCS-A.")
@click.option("--class", "class_name", required=True, help="Tên lớp, ví dụ 7A1.")
@click.option("--year", "year_name", help="Năm học, ví dụ 2026-2027 (mặc định: năm học hiện tại).")
@click.option(
    "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Tệp PDF để ghi."
)
@click.option("--only-new", is_flag=True, help="Chỉ những em chưa đăng nhập lần nào (không đổi mật khẩu của các em khác).")
@click.option("--yes", is_flag=True, help="Không hỏi lại (dùng trong script).")
def print_slips(school_code: str, class_name: str, year_name: str | None, output: Path, only_new: bool, yes: bool) -> None:
    """Give the class's students new passwords and write their login slips to a PDF.

    Passwords are stored hashed only, so a slip needs a new one: as on the teacher's page, printing slips
    is resetting passwords. The old passwords stop working and every session of those students ends.
    """
    school = db.session.scalar(select(School).where(School.code == school_code.strip().upper()))
    if school is None:
        _fail(f"Không có trường nào mã {school_code}.")
    year_name = year_name or current_app.config["CURRENT_SCHOOL_YEAR"]
    year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == year_name))
    if year is None:
        _fail(f"Không có năm học {year_name}.")
    try:
        school_class = find_class(school, year, class_name)
    except OrgError as error:
        _fail(str(error))
    students = [s for s in class_students(school_class) if s.is_active_account]
    if only_new:
        students = [s for s in students if s.last_login_at is None]
    if not students:
        _fail(f"Lớp {school_class.name} không có học sinh nào {'chưa đăng nhập' if only_new else 'đang hoạt động'}: không ghi gì.")
    question = (
        f"Cấp mật khẩu mới cho {len(students)} học sinh lớp {school_class.name}, {school.name}? "
        "Mật khẩu cũ của các em sẽ không dùng được nữa."
    )
    if not yes and not click.confirm(question, default=False):
        _fail("Đã huỷ: không đổi mật khẩu nào.")
    accounts = []
    for student in students:
        password = make_password()
        student.set_password(password)
        audit.record(None, AuditAction.PASSWORD_RESET, student)
        accounts.append((student, password))
    slips = make_slips(accounts, school_class.name, current_app.config["SITE_URL"])
    pdf = slips_pdf(slips, f"Phiếu đăng nhập lớp {school_class.name}")
    # Write the file before committing: a full disk must not leave passwords changed and no slips.
    output.touch(mode=0o600, exist_ok=True)
    output.chmod(0o600)
    output.write_bytes(pdf)
    db.session.commit()
    click.echo(f"Đã cấp mật khẩu mới cho {len(slips)} học sinh lớp {school_class.name}.")
    click.echo(f"Đã ghi {len(slips)} phiếu đăng nhập vào {output}. In xong hãy xoá tệp này: nó chứa mật khẩu.")
    _warn_site(slips)


def _print_accounts(accounts: list[NewAccount]) -> None:
    """The new logins, in class-list order; the passwords are not stored anywhere in plain text."""
    accounts = sorted(accounts, key=lambda a: (a.class_name, name_sort_key(a.user.full_name)))
    rows = [("Lớp", "Họ và tên", "Tên đăng nhập", "Mật khẩu")]
    rows += [(a.class_name, a.user.full_name, a.user.username, a.password) for a in accounts]
    w0, w1, w2 = (max(len(row[i]) for row in rows) for i in range(3))
    click.echo(f"Tài khoản mới ({len(accounts)}). Mật khẩu chỉ hiện lần này: hãy in phiếu đăng nhập ngay.")
    for klass, name, username, password in rows:
        click.echo(f"  {klass:<{w0}}  {name:<{w1}}  {username:<{w2}}  {password}")
