"""The report of a failure nobody foresaw, for the administrator, never for the screen.

A traceback on the terminal says nothing to a clerk, and Textual's own one shows the local
variables of every frame: a citizen's petition text, another person's record, a database URL.
So the full report goes into a file only the user who ran govdesk can read (0600, in a 0700
folder, created new — never an existing file or a link followed), and the user is told one
sentence: where the report is and to hand it to the administrator.

Where: beside a database file, ``<db folder>/logs/``, so that the administrator finds the
reports of everyone in one place; when that folder cannot be used (a PostgreSQL URL, the folder
belongs to someone else or is not private) in the user's state folder,
``$XDG_STATE_HOME/govdesk/`` (``~/.local/state/govdesk/``).

The report holds the exception chain with its traceback, not the local variables.
"""

from __future__ import annotations

import os
import platform
import stat
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

LOG_FOLDER = "logs"


def state_folder() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "govdesk"


def _private_folder(folder: Path, *, make_parents: bool) -> Path | None:
    """``folder``, made if missing (0700), if it is a real folder of ours that no one else may
    enter; otherwise None."""
    try:
        if make_parents:
            folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            return None
        if info.st_mode & 0o077:
            os.chmod(folder, 0o700)
        return folder
    except OSError:
        return None


def _folders(db_target: str) -> list[Path]:
    out: list[tuple[Path, bool]] = []
    if db_target and "://" not in db_target:
        db_folder = Path(db_target).expanduser().parent
        if db_folder.is_dir():
            out.append((db_folder / LOG_FOLDER, False))
    out.append((state_folder(), True))
    return [found for folder, parents in out
            if (found := _private_folder(folder, make_parents=parents)) is not None]


def report_text(error: BaseException, db_target: str = "") -> str:
    from govdesk.models.db import safe_target

    lines = [
        "govdesk crash report",
        f"time: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"pid: {os.getpid()}  uid: {os.getuid()}",
        f"python: {platform.python_version()}  platform: {platform.platform()}",
        f"argv: {sys.argv!r}",
        f"database: {safe_target(db_target) if db_target else '-'}",
        "",
    ]
    return "\n".join(lines) + "".join(traceback.format_exception(error))


def _open_database_file() -> str:
    """The file of the database this process has open ("" for none, or PostgreSQL)."""
    from peewee import SqliteDatabase

    from govdesk.models.db import database

    if not isinstance(database.obj, SqliteDatabase):
        return ""
    name = str(database.obj.database or "")
    return "" if name == ":memory:" or name.startswith("file:") else name


def write_report(error: BaseException, db_target: str = "") -> Path | None:
    """Write the report of ``error``; its path, or None when no folder would take it.
    ``db_target`` says beside which database; by default the one this process has open."""
    db_target = db_target or _open_database_file()
    text = report_text(error, db_target).encode("utf-8", "backslashreplace")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"govdesk-crash-{stamp}-{os.getpid()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for folder in _folders(db_target):
        for attempt in range(20):
            path = folder / (f"{name}.log" if attempt == 0 else f"{name}-{attempt}.log")
            try:
                fd = os.open(path, flags, 0o600)
            except FileExistsError:
                continue
            except OSError:
                break
            try:
                os.fchmod(fd, 0o600)
                view = memoryview(text)
                while view:
                    view = view[os.write(fd, view):]
            except OSError:
                os.close(fd)
                break
            os.close(fd)
            return path
    return None
