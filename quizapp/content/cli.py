"""`flask content check` and `flask content sync`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import Lesson
from ..practice.parse import read_practice
from ..practice.service import sync_practice
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
            if parent.name in ("lessons", "quizzes", "pages", "practice"):
                return parent.parent, target
        raise click.BadParameter(f"{path} không nằm trong thư mục lessons/, quizzes/, pages/ hoặc practice/")
    return target, None


@content_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True))
def check(path: str | None) -> None:
    """Check content without writing anything; print every problem as file:line: message."""
    root, only = _root(path)
    content = read_content(root)
    practice = read_practice(root, {lesson.id for lesson in content.lessons})
    problems = content.problems + practice.problems
    if only is not None:
        name = only.relative_to(root.parent).as_posix()
        problems = [p for p in problems if p.path == name]
    for problem in problems:
        click.echo(str(problem), err=problem.is_error)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    summary = (
        f"{len(content.lessons)} bài học, {len(content.quizzes)} bài kiểm tra, {len(content.pages)} trang, "
        f"{len(practice.tasks)} bài thực hành: "
        f"{errors} lỗi, {warnings} cảnh báo."
    )
    click.echo(summary)
    if errors:
        raise SystemExit(1)


@content_cli.command("sync")
def sync() -> None:
    """Load the content into the database (safe to run again: only changes are written)."""
    root = Path(current_app.config["CONTENT_DIR"])
    content = read_content(root)
    practice = read_practice(root, {lesson.id for lesson in content.lessons})
    for problem in content.problems + practice.problems:
        click.echo(str(problem), err=True)
    if content.errors or practice.errors:
        click.echo("Không nạp gì vì nội dung còn lỗi.", err=True)
        raise SystemExit(1)
    report = sync_content(content)
    # Practice screens are rendered here, once, and stored: a step never renders Markdown.
    report.update(sync_practice(practice.tasks, {lesson.key: lesson for lesson in db.session.scalars(select(Lesson))}))
    db.session.commit()
    changes = ", ".join(f"{k}: {v}" for k, v in sorted(report.items())) or "không có gì thay đổi"
    click.echo(f"Đã nạp nội dung ({changes}).")
