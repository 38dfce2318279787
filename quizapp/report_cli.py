"""`flask report coverage`: the same coverage tables as the web exports, for scripts and schedulers."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from . import clock
from .extensions import db
from .models import School, SchoolYear, Unit
from .services.coverage import school_coverage, unit_coverage
from .services.coverage_exports import school_tables, unit_tables
from .services.exports import write_csv, write_xlsx

report_cli = AppGroup("report", help="Báo cáo độ phủ.")


@report_cli.command("coverage")
@click.option("--unit", "unit_code", help="Mã đơn vị quản lý (bao gồm mọi trường trực thuộc).")
@click.option("--school", "school_code", help="Mã trường.")
@click.option("--year", "year_name", help="Năm học, ví dụ 2026-2027 (mặc định: năm học hiện tại).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def coverage(unit_code: str | None, school_code: str | None, year_name: str | None, fmt: str, output: str) -> None:
    """Write the coverage of a unit or a school to a CSV or XLSX file."""
    if bool(unit_code) == bool(school_code):
        raise click.UsageError("Cần đúng một trong hai: --unit hoặc --school.")
    year_name = year_name or current_app.config["CURRENT_SCHOOL_YEAR"]
    year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == year_name))
    if year is None:
        raise click.ClickException(f"Không có năm học {year_name}.")
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise click.ClickException(f"Không có đơn vị mã {unit_code}.")
        tables = unit_tables(unit_coverage(unit, year), year.name, clock.today())
    else:
        school = db.session.scalar(select(School).where(School.code == school_code))
        if school is None:
            raise click.ClickException(f"Không có trường mã {school_code}.")
        tables = school_tables(school_coverage(school, year), year.name, clock.today())
    Path(output).write_bytes(write_xlsx(tables) if fmt == "xlsx" else write_csv(tables[-1]))
    click.echo(f"Đã ghi {output}.")
