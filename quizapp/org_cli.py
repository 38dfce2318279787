"""`flask org …`: units, schools, staff accounts, teachers on classes, targets and the new school year."""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import db
from .models import ROLE_LABELS, Role, School, Unit
from .services.onboarding import (
    assign_teacher,
    class_teachers,
    find_class,
    find_user,
    set_may_see_student_names,
    unassign_teacher,
)
from .services.org import (
    OrgError,
    create_school,
    create_staff,
    create_unit,
    find_year,
    get_or_create_year,
    school_by_code,
    set_target,
    start_new_year,
    unit_by_code,
)
from .services.scope import Scope

org_cli = AppGroup("org", help="Đơn vị quản lý, trường, tài khoản cán bộ, chỉ tiêu và năm học mới.")


def _fail(message: str) -> NoReturn:
    """A Vietnamese error and exit code 1 (click.ClickException would prefix it with the English "Error:")."""
    db.session.rollback()
    click.echo(message, err=True)
    raise SystemExit(1)


def _unit(code: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        _fail(f"Không có đơn vị nào mã {code}.")
    return unit


def _school(code: str) -> School:
    school = school_by_code(code)
    if school is None:
        _fail(f"Không có trường nào mã {code}.")
    return school


def _one_place(school_code: str | None, unit_code: str | None) -> tuple[School | None, Unit | None]:
    if (school_code is None) == (unit_code is None):
        _fail("Hãy cho đúng một trong hai: --school hoặc --unit.")
    return (_school(school_code), None) if school_code else (None, _unit(unit_code))


@org_cli.command("add-unit")
@click.argument("code")
@click.argument("name")
@click.option("--parent", "parent_code", help="Mã đơn vị cấp trên (bỏ trống: đơn vị gốc).")
def add_unit(code: str, name: str, parent_code: str | None) -> None:
    """Add a managing unit, e.g. a ward under the provincial department."""
    parent = _unit(parent_code) if parent_code else None
    try:
        unit = create_unit(code, name, parent, scope=Scope.system())
    except OrgError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Đã thêm đơn vị {unit.name} ({unit.code})" + (f", thuộc {parent.name}." if parent else "."))


@org_cli.command("add-school")
@click.argument("code")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị quản lý trực tiếp.")
def add_school(code: str, name: str, unit_code: str) -> None:
    """Add a school under a managing unit."""
    unit = _unit(unit_code)
    try:
        school = create_school(code, name, unit, scope=Scope.system())
    except OrgError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Đã thêm trường {school.name} ({school.code}), thuộc {unit.name}.")


@org_cli.command("add-user")
@click.argument("full_name")
@click.option("--role", required=True, type=click.Choice(["school_admin", "unit_admin", "teacher"]), help="Vai trò.")
@click.option("--school", "school_code", help="Mã trường (giáo viên, cán bộ quản lý trường).")
@click.option("--unit", "unit_code", help="Mã đơn vị (cán bộ quản lý đơn vị).")
@click.option("--username", help="Tên đăng nhập (mặc định: tạo từ họ tên).")
def add_user(full_name: str, role: str, school_code: str | None, unit_code: str | None, username: str | None) -> None:
    """Create a staff account and print its first password, once."""
    school, unit = _one_place(school_code, unit_code)
    try:
        user, password = create_staff(
            full_name, role, school=school, unit=unit, username=username, scope=Scope.system()
        )
    except OrgError as error:
        _fail(str(error))
    db.session.commit()
    place = school.name if school else unit.name
    click.echo(f"Đã tạo tài khoản {ROLE_LABELS[Role(role)].lower()} {user.full_name}, {place}.")
    click.echo(f"  Tên đăng nhập: {user.username}")
    click.echo(f"  Mật khẩu:      {password}")
    click.echo("Mật khẩu chỉ hiện lần này; người dùng phải đổi mật khẩu ở lần đăng nhập đầu.")


def _parse_date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"“{value}” không phải ngày dạng YYYY-MM-DD.") from None


def _parse_grades(_ctx, _param, value: str) -> list[int]:
    try:
        return [int(g) for g in value.split(",") if g.strip()]
    except ValueError:
        raise click.BadParameter(f"“{value}” không phải danh sách khối, ví dụ 7,8.") from None


@org_cli.command("set-target")
@click.option("--school", "school_code", help="Mã trường.")
@click.option("--unit", "unit_code", help="Mã đơn vị.")
@click.option("--year", "year_name", help="Năm học, ví dụ 2026-2027 (mặc định: năm học hiện tại).")
@click.option("--deadline", required=True, callback=_parse_date, help="Hạn hoàn thành, YYYY-MM-DD.")
@click.option("--percent", default=100, show_default=True, type=int, help="Tỉ lệ cần đạt (%).")
@click.option(
    "--grades", default="7,8", show_default=True, callback=_parse_grades, help="Các khối, cách nhau dấu phẩy."
)
@click.option("--no-staff", is_flag=True, help="Không tính cán bộ, giáo viên, nhân viên.")
def set_target_command(
    school_code: str | None,
    unit_code: str | None,
    year_name: str | None,
    deadline: date,
    percent: int,
    grades: list[int],
    no_staff: bool,
) -> None:
    """Set (or replace) the target of a school or a unit for a school year."""
    school, unit = _one_place(school_code, unit_code)
    try:
        year = get_or_create_year(year_name or current_app.config["CURRENT_SCHOOL_YEAR"])
        target = set_target(
            year,
            school=school,
            unit=unit,
            grades=grades,
            percent=percent,
            deadline=deadline,
            include_staff=not no_staff,
            scope=Scope.system(),
        )
    except OrgError as error:
        _fail(str(error))
    db.session.commit()
    place = school.name if school else unit.name
    staff = "có" if target.include_staff else "không"
    click.echo(
        f"Chỉ tiêu năm học {year.name} của {place}: khối {', '.join(map(str, target.grades))}, "
        f"{target.target_percent}%, hạn {target.deadline:%d/%m/%Y}, {staff} tính cán bộ."
    )


@org_cli.command("new-year")
@click.option("--school", "school_code", required=True, help="Mã trường.")
@click.option("--from", "from_name", required=True, help="Năm học cũ, ví dụ 2026-2027.")
@click.option("--to", "to_name", required=True, help="Năm học mới, ví dụ 2027-2028.")
def new_year(school_code: str, from_name: str, to_name: str) -> None:
    """Move the school's classes of grades 6–8 up one grade into the new year, with their students."""
    school = _school(school_code)
    from_year = find_year(from_name)
    if from_year is None:
        _fail(f"Không có năm học {from_name}.")
    try:
        report = start_new_year(school, from_year, get_or_create_year(to_name), scope=Scope.system())
    except OrgError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"{school.name}: năm học {report.from_year.name} → {report.to_year.name}.")
    for promoted in report.classes:
        status = "lớp mới" if promoted.created else "lớp đã có"
        click.echo(f"  {promoted.source.name} → {promoted.target.name} ({status}): {promoted.moved} học sinh")
    if report.graduated:
        click.echo("Lớp 9 ra trường, không chuyển: " + ", ".join(c.name for c in report.graduated))
    for school_class, reason in report.skipped_classes:
        click.echo(f"Không chuyển lớp {school_class.name}: {reason}.")
    if report.skipped_students:
        click.echo(f"Bỏ qua {len(report.skipped_students)} học sinh:")
        for skipped in report.skipped_students:
            click.echo(f"  {skipped.student.full_name} (lớp {skipped.from_class}): {skipped.reason}")
    click.echo(f"Đã chuyển {report.moved} học sinh.")


# --- Finishing the set-up: teachers on classes, names for a unit --------------------------------


def _class_of(school_code: str, class_name: str, year_name: str | None):
    school = _school(school_code)
    year_name = year_name or current_app.config["CURRENT_SCHOOL_YEAR"]
    year = find_year(year_name)
    if year is None:
        _fail(f"Không có năm học {year_name}.")
    try:
        return find_class(school, year, class_name)
    except OrgError as error:
        _fail(str(error))


def _assignment_options(command):
    command = click.option("--year", "year_name", help="Năm học, ví dụ 2026-2027 (mặc định: năm học hiện tại).")(
        command
    )
    command = click.option("--class", "class_name", required=True, help="Tên lớp, ví dụ 7A1.")(command)
    command = click.option("--school", "school_code", required=True, help="Mã trường của lớp.")(command)
    return click.argument("username")(command)


@org_cli.command("assign-teacher")
@_assignment_options
def assign_teacher_command(username: str, school_code: str, class_name: str, year_name: str | None) -> None:
    """Let a teacher of the school follow a class (as the school's "Phân công" page does)."""
    school_class = _class_of(school_code, class_name, year_name)
    try:
        teacher = find_user(username)
        added = assign_teacher(teacher, school_class, scope=Scope.system())
    except OrgError as error:
        _fail(str(error))
    db.session.commit()
    if added:
        click.echo(f"Đã phân công {teacher.full_name} ({teacher.username}) theo dõi lớp {school_class.name}.")
    else:
        click.echo(f"{teacher.full_name} ({teacher.username}) đã được phân công lớp {school_class.name} từ trước.")
    click.echo(
        f"Giáo viên của lớp {school_class.name}: " + ", ".join(t.full_name for t in class_teachers(school_class))
    )


@org_cli.command("unassign-teacher")
@_assignment_options
def unassign_teacher_command(username: str, school_code: str, class_name: str, year_name: str | None) -> None:
    """Stop a teacher following a class; the class and its results stay."""
    school_class = _class_of(school_code, class_name, year_name)
    try:
        teacher = find_user(username)
        removed = unassign_teacher(teacher, school_class, scope=Scope.system())
    except OrgError as error:
        _fail(str(error))
    db.session.commit()
    if removed:
        click.echo(f"Đã bỏ phân công {teacher.full_name} ({teacher.username}) ở lớp {school_class.name}.")
    else:
        click.echo(
            f"{teacher.full_name} ({teacher.username}) không được phân công lớp {school_class.name}: không đổi gì."
        )


@org_cli.command("student-names")
@click.argument("unit_code")
@click.option("--allow/--deny", required=True, help="Cho (--allow) hoặc không cho (--deny) xem họ tên học sinh.")
def student_names(unit_code: str, allow: bool) -> None:
    """Whether the unit's own staff see pupils' names on its pages (units beneath it keep their own setting)."""
    unit = _unit(unit_code)
    changed = set_may_see_student_names(unit, allow)
    db.session.commit()
    state = "được xem" if allow else "không được xem"
    prefix = "Đã đặt" if changed else "Không đổi"
    click.echo(f"{prefix}: cán bộ của {unit.name} ({unit.code}) {state} họ tên học sinh trên các trang của đơn vị.")
    if allow:
        click.echo("Các đơn vị cấp dưới giữ thiết lập riêng của mình.")
