"""`flask backup create|restore`: a consistent copy of the database while the app serves, and its restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import db
from .services.backup import BackupError, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Sao lưu và khôi phục cơ sở dữ liệu.")


@backup_cli.command("create")
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="Tệp sao lưu (chưa có).")
def create(output: str) -> None:
    """Copy the database to OUTPUT: SQLite by its backup API, PostgreSQL by pg_dump -Fc (safe while serving)."""
    try:
        result = create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(output))
    except BackupError as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Đã sao lưu ({result.engine}) vào {result.path}: {result.size:,} byte.".replace(",", "."))
    click.echo("Tệp chứa họ tên và kết quả của học sinh: cất ở nơi chỉ người quản trị đọc được.")


@backup_cli.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Không hỏi lại (dùng trong script).")
def restore(backup: str, yes: bool) -> None:
    """Replace the whole database with BACKUP (stop the app first: everything written since is lost)."""
    url = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(
            f"Toàn bộ dữ liệu hiện có trong {url} sẽ bị thay bằng nội dung của {backup}. "
            "Hãy dừng ứng dụng trước (systemctl stop quizapp quizapp-jobs). Tiếp tục?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old file or a lock during the restore
    try:
        engine = restore_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(backup))
    except BackupError as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Đã khôi phục {backup} vào {url} ({engine}). Chạy lại: systemctl start quizapp quizapp-jobs.")
