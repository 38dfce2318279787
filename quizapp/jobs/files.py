"""Files the app stores (parsed uploads, job results, the databases): readable by the app's user only.

The process umask is set once in the app factory, so whatever the app, SQLite, Huey or a library
creates is 0600 (files) and 0700 (folders); the helpers below also set the modes explicitly, because
an umask set elsewhere (a test runner, a shell) must not widen them.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

PRIVATE_UMASK = 0o077


def secure_instance(instance_path: str, database_uri: str) -> None:
    """Private umask; the instance folder 0700; an SQLite database made before this 0600."""
    os.umask(PRIVATE_UMASK)
    folder = Path(instance_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _chmod(folder, 0o700)
    if database_uri.startswith("sqlite:///"):
        database = Path(database_uri.removeprefix("sqlite:///"))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            if path.exists():
                _chmod(path, 0o600)


def private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _chmod(path, 0o700)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write a new file 0600 (never an existing one: the names are random)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    _chmod(path, 0o600)
    return path


def delete_older_than(folder: Path, seconds: float, pattern: str = "*") -> int:
    """Delete the files in a folder older than `seconds`; how many went."""
    if not folder.is_dir():
        return 0
    limit = time.time() - seconds
    deleted = 0
    for path in folder.glob(pattern):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # another worker cleaned it a moment ago
            continue
    return deleted


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(PermissionError):  # not ours (a folder an administrator set up): leave it
        os.chmod(path, mode)
