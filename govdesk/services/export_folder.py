"""Where the desk writes what a user exports (the ``e`` key), and how they get it on the shared
server.

On a single PC govdesk runs as the user: the file goes to the folder they pick, by default the
last one they used (kept in their settings as ``export_dir``), else ``$GOVDESK_EXPORT_DIR``,
else ``~/govdesk-exports``.

On the shared server the desk runs as the service account, which must not write into a
user's home (it could write over any of their files) and whose own folders no user may read.
So there an export goes to the person's own spool beside the database —
``<database folder>/exports/<login>/``, the service account's alone (0700) like the database —
and the person fetches it with ``govdesk fetch NAME --out - > NAME``, which runs as the service
account through the same sudo rule and hands the bytes to the user's own shell. Each person
sees only their own spool: the login is the one the server identified (services/identity.py),
never a name they type.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from govdesk import config
from govdesk.i18n import t
from govdesk.services import settings
from govdesk.services.errors import NotFound, ValidationError
from govdesk.services.user_files import atomic_write

SPOOL = "exports"  # beside the database on the server
_NAME = re.compile(r"^[^/\\\x00]+$")
# A file name's bytes at most: 255 is the file systems' limit, less the room the temporary
# name (.名称.xxxxxxxx.part) and a "(12)" of a name already taken need.
MAX_NAME_BYTES = 200


def on_server() -> bool:
    return config.server_mode()


def spool(login: str) -> Path:
    """The person's spool on the shared server, made (0700) when missing."""
    root = Path(config.server_database()).parent / SPOOL
    folder = root / login
    for path in (root, folder):
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    return folder


def default_folder(login: str) -> Path:
    """The folder an export goes to unless the user picks another (module docstring)."""
    if on_server():
        return spool(login)
    kept = settings.load(login).get("export_dir")
    if isinstance(kept, str) and kept.strip():
        return Path(kept).expanduser()
    return _unpicked()


def _unpicked() -> Path:
    return Path(os.environ.get("GOVDESK_EXPORT_DIR") or Path.home() / "govdesk-exports")


def prepare(login: str, folder: str | Path | None) -> Path:
    """The folder to write in, made when missing; a folder that cannot be made or written is
    refused naming it. On the server it is always the person's spool."""
    if on_server() or folder is None or not str(folder).strip():
        path = default_folder(login)
    else:
        path = Path(str(folder).strip()).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(t("export_folder.f_folder"), t(
            "export_folder.cannot_make", folder=path, error=exc.strerror or exc),
            name="folder") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ValidationError(t("export_folder.f_folder"), t("export_folder.not_writable",
                                                             folder=path), name="folder")
    return path


def remember(login: str, folder: Path) -> None:
    """Keep the folder the user picked for their next export (not on the server: the spool)."""
    if on_server():
        return
    kept = settings.load(login).get("export_dir")
    if kept == str(folder) or (not kept and folder == _unpicked()):
        return
    settings.save(login, {"export_dir": str(folder)})


def file_name(name: str, fmt: str) -> str:
    """A file name as typed, with the format's suffix. Refused: empty, a path, a hidden name
    (the spool's fetch lists no hidden file, and a part-written file is one), and one too long
    for the file system."""
    text = name.strip()
    if not text or not _NAME.match(text) or text.startswith("."):
        raise ValidationError(t("export_folder.f_name"), t("export_folder.bad_name",
                                                           name=text or "—"), name="name")
    if not text.lower().endswith(fmt):
        text += fmt
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        raise ValidationError(t("export_folder.f_name"), t(
            "export_folder.long_name", n=len(text), most=MAX_NAME_BYTES // 3), name="name")
    return text


def stem(text: str, most: int = 40) -> str:
    """A default file name made from a title: its first ``most`` characters, no path signs."""
    cleaned = re.sub(r"[/\\\x00]", "-", text.strip()).lstrip(".")
    return cleaned[:most] or "govdesk"


def free_path(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, or 名称(2).xlsx … when a file of that name is there: an export
    never writes over an earlier one."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    n = 2
    while path.exists():
        path = folder / f"{stem}({n}){suffix}"
        n += 1
    return path


def save_text(login: str, name: str, text: str) -> Path:
    """A text the desk saves for the user (a 专报, a briefing, the figures) in their default
    folder, under ``name`` or a free variant of it; UTF-8."""
    path = free_path(prepare(login, None), name)
    try:
        atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
    except OSError as exc:
        raise ValidationError(t("export_folder.f_folder"), t(
            "export_folder.cannot_write", path=path, error=exc.strerror or exc),
            name="folder") from None
    return path


# ---------------------------------------------------------------- the server's spool


@dataclass(frozen=True)
class Spooled:
    name: str
    size: int
    made: datetime


def spooled(login: str) -> list[Spooled]:
    """The person's exported files on the server, newest first."""
    folder = spool(login)
    files = []
    for entry in os.scandir(folder):
        if entry.is_file() and not entry.name.startswith("."):
            info = entry.stat()
            files.append(Spooled(entry.name, info.st_size, datetime.fromtimestamp(info.st_mtime)))
    return sorted(files, key=lambda f: f.made, reverse=True)


def spooled_file(login: str, name: str) -> Path:
    """One of the person's exported files; a name that is not one of them is NotFound (a
    path, another person's file or a hidden part-written one included)."""
    wanted = name.strip()
    for entry in spooled(login):
        if entry.name == wanted:
            return spool(login) / entry.name
    raise NotFound(t("export_folder.no_such_file", name=wanted or "—"))
