"""Commands beyond content: demo data and account maintenance."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db
from .models import AuditAction, User
from .services import audit
from .services.demo import create_demo

demo_cli = AppGroup("demo", help="Dữ liệu mẫu để dùng thử.")
user_cli = AppGroup("user", help="Quản lý tài khoản.")
coverage_cli = AppGroup("coverage", help="Số liệu độ phủ.")


@demo_cli.command("create")
def demo_create() -> None:
    """Create the demo unit, school, class 7A1, teacher and students, and print their logins."""
    logins = create_demo(current_app.config["CURRENT_SCHOOL_YEAR"])
    db.session.commit()
    click.echo("Tài khoản dùng thử (chỉ dành cho bản demo):")
    for login in logins:
        click.echo(f"  {login.role:<26} {login.name:<20} {login.username:<13} mật khẩu: {login.password}")


@demo_cli.command("city")
@click.option("--students", type=click.IntRange(min=1), required=True, help="Số học sinh lớp 7 và 8.")
@click.option("--schools", type=click.IntRange(min=1), default=None, help="Số trường (mặc định: học sinh / 500).")
@click.option("--seed", type=int, default=2026, show_default=True, help="Cùng seed thì cùng dữ liệu.")
@click.option("--force", is_flag=True, help="Ghi cả vào cơ sở dữ liệu đã có trường khác.")
def demo_city(students: int, schools: int | None, seed: int, force: bool) -> None:
    """Build a city-sized demo in bulk: province THANHPHO, ~30 wards, schools, classes, progress."""
    from .services.demo import DEMO_PASSWORD_STAFF, DEMO_PASSWORD_STUDENT
    from .services.demo_city import CityRefused, build_city

    try:
        report = build_city(students, schools, seed=seed, force=force, echo=click.echo)
    except CityRefused as refused:
        raise click.ClickException(str(refused)) from None
    counts = report.counts
    click.echo(
        f"Đã tạo thành phố demo trong {report.seconds:.0f} giây: {counts['school']} trường, "
        f"{counts['school_class']} lớp, {counts['enrollment']} học sinh, {counts['attempt']} lượt làm bài "
        f"({counts['attempt_question']} câu), {counts['certificate']} chứng nhận, "
        f"{counts['family_outreach']} lượt hướng dẫn người thân."
    )
    logins = report.logins
    click.echo("Tài khoản dùng thử (chỉ dành cho bản demo):")
    click.echo(f"  Cán bộ Sở (THANHPHO)      {logins.province:<22} mật khẩu: {DEMO_PASSWORD_STAFF}")
    for username, ward in logins.wards[:3]:
        click.echo(f"  Cán bộ phường {ward:<11} {username:<22} mật khẩu: {DEMO_PASSWORD_STAFF}")
    if len(logins.wards) > 3:
        click.echo(f"  … mỗi phường một cán bộ: px01.thanhpho đến {logins.wards[-1][0]}")
    click.echo(f"  Cán bộ quản lý trường     {logins.school_admin:<22} mật khẩu: {DEMO_PASSWORD_STAFF}  (bgh.tpNNNN)")
    click.echo(f"  Giáo viên chủ nhiệm       {logins.teacher:<22} mật khẩu: {DEMO_PASSWORD_STAFF}  (gv.tpNNNN.<lớp>)")
    click.echo(
        f"  Học sinh                  {logins.student:<22} mật khẩu: {DEMO_PASSWORD_STUDENT}  (hsNNNN.<lớp>.<số>)"
    )
    click.echo(
        "Lưu ý: để tạo nhanh, mọi học sinh demo dùng chung một mã băm mật khẩu và mọi cán bộ demo dùng chung "
        "một mã băm khác; tài khoản thật luôn có mã băm riêng."
    )


@user_cli.command("set-password")
@click.argument("username")
@click.password_option(prompt="Mật khẩu mới")
def set_password(username: str, password: str) -> None:
    """Set a user's password (asked twice, never echoed)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"Không có tài khoản {username}")
    user.set_password(password)
    audit.record(None, AuditAction.PASSWORD_RESET, user)
    db.session.commit()
    click.echo(f"Đã đặt mật khẩu mới cho {username}.")


@coverage_cli.command("verify")
@click.option("--fix", is_flag=True, help="Tính lại mọi lượt ghi danh và các bộ đếm khi thấy sai lệch.")
def coverage_verify(fix: bool) -> None:
    """Recompute each enrolment's started / completed / relatives from the raw rows, and the per-class and
    per-day counters from those, and report every difference."""
    from .services.coverage import repair_flags, verify_counters, verify_flags

    checked, differences = verify_flags()
    counters = verify_counters()
    if not differences and not counters:
        click.echo(f"Khớp: đã kiểm tra {checked} lượt ghi danh và các bộ đếm theo lớp, theo ngày; không có sai lệch.")
        return
    if differences:
        click.echo(f"Sai lệch ở {len(differences)} lượt ghi danh (hiện tối đa 50):", err=True)
    for d in differences:
        click.echo(
            f"  ghi danh {d.enrollment_id} (học sinh {d.student_id}): đang lưu (bắt đầu, hoàn thành, người thân) = "
            f"{d.stored}, tính lại từ dữ liệu gốc = {d.expected}",
            err=True,
        )
    if counters:
        click.echo(f"Sai lệch ở {len(counters)} bộ đếm (hiện tối đa 50 mỗi bảng):", err=True)
    for c in counters:
        click.echo(f"  {c.table} {c.key}: đang lưu = {c.stored}, tính lại từ dữ liệu gốc = {c.expected}", err=True)
    if not fix:
        raise SystemExit(1)
    repair_flags()
    db.session.commit()
    checked, differences = verify_flags()
    counters = verify_counters()
    click.echo(
        f"Đã tính lại; kiểm tra lại {checked} lượt ghi danh: {len(differences)} sai lệch, "
        f"bộ đếm: {len(counters)} sai lệch."
    )
    if differences or counters:
        raise SystemExit(1)
