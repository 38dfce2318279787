"""`flask content check` and `flask content sync`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .parse import read_content
from .sync import sync_content

content_cli = AppGroup("content", help="Kiểm tra và nạp bài học, bài kiểm tra từ thư mục content/.")


def _root(path: str | None) -> tuple[Path, Path | None]:
    """The content folder to read, and the single file to report on when PATH is a file."""
    if path is None:
        return Path(current_app.config["CONTENT_DIR"]), None
    target = Path(path).resolve()
    if target.is_file():
        for parent in target.parents:
            if parent.name in ("lessons", "quizzes", "pages"):
                return parent.parent, target
        raise click.BadParameter(f"{path} không nằm trong thư mục lessons/, quizzes/ hoặc pages/")
    return target, None


@content_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True))
def check(path: str | None) -> None:
    """Check content without writing anything; print every problem as file:line: message."""
    root, only = _root(path)
    content = read_content(root)
    problems = content.problems
    if only is not None:
        name = only.relative_to(root.parent).as_posix()
        problems = [p for p in problems if p.path == name]
    for problem in problems:
        click.echo(str(problem), err=problem.is_error)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    summary = (
        f"{len(content.lessons)} bài học, {len(content.quizzes)} bài kiểm tra, {len(content.pages)} trang: "
        f"{errors} lỗi, {warnings} cảnh báo."
    )
    click.echo(summary)
    if errors:
        raise SystemExit(1)


@content_cli.command("sync")
def sync() -> None:
    """Load the content into the database (safe to run again: only changes are written)."""
    content = read_content(Path(current_app.config["CONTENT_DIR"]))
    for problem in content.problems:
        click.echo(str(problem), err=True)
    if content.errors:
        click.echo("Không nạp gì vì nội dung còn lỗi.", err=True)
        raise SystemExit(1)
    report = sync_content(content)
    db.session.commit()
    changes = ", ".join(f"{k}: {v}" for k, v in sorted(report.items())) or "không có gì thay đổi"
    click.echo(f"Đã nạp nội dung ({changes}).")
