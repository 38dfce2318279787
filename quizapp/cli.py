"""Commands beyond content: demo data and account maintenance."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db
from .models import User
from .services.demo import create_demo

demo_cli = AppGroup("demo", help="Dữ liệu mẫu để dùng thử.")
user_cli = AppGroup("user", help="Quản lý tài khoản.")


@demo_cli.command("create")
def demo_create() -> None:
    """Create the demo unit, school, class 7A1, teacher and students, and print their logins."""
    logins = create_demo(current_app.config["CURRENT_SCHOOL_YEAR"])
    db.session.commit()
    click.echo("Tài khoản dùng thử (chỉ dành cho bản demo):")
    for login in logins:
        click.echo(f"  {login.role:<26} {login.name:<20} {login.username:<13} mật khẩu: {login.password}")


@user_cli.command("set-password")
@click.argument("username")
@click.password_option(prompt="Mật khẩu mới")
def set_password(username: str, password: str) -> None:
    """Set a user's password (asked twice, never echoed)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"Không có tài khoản {username}")
    user.set_password(password)
    db.session.commit()
    click.echo(f"Đã đặt mật khẩu mới cho {username}.")
