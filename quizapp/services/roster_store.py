"""A class list between upload and confirmation: parsed once, kept as JSON for at most an hour.

The uploaded file itself is never written to disk: it is bounded and parsed in memory at upload,
and only the parsed rows are kept (0600, under instance/imports) for the preview and the import job.
The file goes when the import ends (confirmed, cancelled, failed) or after UPLOAD_TTL_SECONDS.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from datetime import date
from pathlib import Path

from flask import current_app

from ..jobs.files import delete_older_than, private_dir, write_private
from .rosters import RosterFile, RosterRow, RowProblem

TOKEN = re.compile(r"[0-9a-f]{32}")


def _folder() -> Path:
    return private_dir(Path(current_app.instance_path) / "imports")


def _path(token: str) -> Path | None:
    return _folder() / f"{token}.json" if TOKEN.fullmatch(token or "") else None


def save(roster: RosterFile, owner_id: int, class_id: int) -> str:
    """Keep a parsed class list for its preview; the token that names it."""
    token = secrets.token_hex(16)
    data = {
        "owner_id": owner_id,
        "class_id": class_id,
        "saved_at": time.time(),
        "filename": roster.filename,
        "columns": sorted(roster.columns),
        "title_years": roster.title_years,
        "problems": [[p.row, p.message] for p in roster.problems],
        "warnings": [[p.row, p.message] for p in roster.warnings],
        "rows": [
            [r.row, r.code, r.full_name, r.birth_date.isoformat() if r.birth_date else None, r.gender, r.class_name]
            for r in roster.rows
        ],
    }
    write_private(_path(token), json.dumps(data, ensure_ascii=False).encode("utf-8"))
    return token


def load(token: str, owner_id: int, class_id: int) -> RosterFile | None:
    """The parsed list, only for the person and class that uploaded it, and only within the hour."""
    path = _path(token)
    try:
        data = json.loads(path.read_bytes()) if path else None
    except (FileNotFoundError, ValueError):
        return None
    if not data or data["owner_id"] != owner_id or data["class_id"] != class_id:
        return None
    if time.time() - data["saved_at"] > current_app.config["UPLOAD_TTL_SECONDS"]:
        path.unlink(missing_ok=True)
        return None
    return RosterFile(
        data["filename"],
        rows=[
            RosterRow(row, code, name, date.fromisoformat(born) if born else None, gender, klass)
            for row, code, name, born, gender, klass in data["rows"]
        ],
        problems=[RowProblem(row, message) for row, message in data["problems"]],
        warnings=[RowProblem(row, message) for row, message in data["warnings"]],
        columns=frozenset(data["columns"]),
        title_years=[(row, named) for row, named in data["title_years"]],
    )


def delete(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def delete_expired() -> int:
    return delete_older_than(_folder(), current_app.config["UPLOAD_TTL_SECONDS"], "*.json")
