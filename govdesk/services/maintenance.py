"""Backups, restores and audit export (SPEC §14): the admin's tools, also used by the CLI."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from datetime import date, datetime
from pathlib import Path

from govdesk.i18n import t
from govdesk.models import AuditEntry
from govdesk.services.clock import office_now
from govdesk.services.errors import ValidationError
from govdesk.services.schema import backup_to


def _path(value: object, label: str) -> Path:
    """A path the user typed, or a ValidationError naming ``label`` (never OSError)."""
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes):
        raise ValidationError(label, t("cli.maintenance.not_path"))
    try:
        path = Path(value)
        os.fspath(path).encode("utf-8")  # a lone surrogate cannot name a file
        if "\x00" in os.fspath(path):
            raise ValueError(t("cli.maintenance.nul_in_path"))
        path.stat() if path.exists() else path.parent.exists()
    except (OSError, ValueError) as exc:
        raise ValidationError(label, t("cli.maintenance.bad_path",
                                       error=getattr(exc, "strerror", None) or exc)) from None
    if not str(value).strip() or path.is_dir():
        raise ValidationError(label, t("cli.maintenance.not_file", path=path))
    return path


def backup(out: Path) -> Path:
    """A consistent copy taken with SQLite's online backup while others keep writing."""
    label = t("cli.maintenance.f_backup")
    out = _path(out, label)
    if out.exists():
        raise ValidationError(label, t("cli.maintenance.exists", path=out))
    if not out.parent.exists():
        raise ValidationError(label, t("cli.maintenance.no_folder", path=out.parent))
    tmp = out.with_name(out.name + ".part")
    backup_to(tmp)
    check = sqlite3.connect(str(tmp))
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        tmp.unlink(missing_ok=True)
        raise ValidationError(label, t("cli.maintenance.verify_failed", result=result))
    tmp.replace(out)
    return out


def verify(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def restore(source: Path, target: Path) -> Path:
    """Replace ``target`` with ``source`` (checked first); the old file is kept beside it."""
    backup_label, db_label = t("cli.maintenance.f_backup"), t("cli.maintenance.f_database")
    source, target = _path(source, backup_label), _path(target, db_label)
    if not source.exists():
        raise ValidationError(backup_label, t("cli.maintenance.missing", path=source))
    if not target.parent.is_dir():
        raise ValidationError(db_label, t("cli.maintenance.no_folder", path=target.parent))
    try:
        result = verify(source)
    except sqlite3.Error as exc:
        raise ValidationError(backup_label, t("cli.maintenance.not_database", path=source,
                                              error=exc)) from None
    if result != "ok":
        raise ValidationError(backup_label, t("cli.maintenance.restore_check_failed",
                                              path=source))
    if target.exists():
        stamp = office_now().strftime("%Y%m%d-%H%M%S")
        shutil.copy2(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
    tmp = target.with_name(target.name + ".restoring")
    shutil.copy2(source, tmp)
    if target.exists():  # keep the shared file's group and mode (govdesk init), not the backup's
        old = target.stat()
        try:
            os.chown(tmp, -1, old.st_gid)
        except PermissionError:
            pass
        os.chmod(tmp, stat.S_IMODE(old.st_mode))
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    tmp.replace(target)
    return target


def audit_lines(since: datetime) -> list[str]:
    """The audit trail since ``since`` as JSON lines (who, when, what, before/after)."""
    if not isinstance(since, date):
        raise ValidationError(t("cli.maintenance.f_since"), t("cli.maintenance.not_datetime"),
                              name="since")
    if not isinstance(since, datetime):
        since = datetime.combine(since, datetime.min.time())
    rows = (AuditEntry.select().where(AuditEntry.at >= since).order_by(AuditEntry.id))
    out = []
    for r in rows:
        out.append(json.dumps({
            "id": r.id, "at": r.at.isoformat(sep=" "), "actor": r.actor, "action": r.action,
            "table": r.table, "record_id": r.record_id,
            "before": json.loads(r.before) if r.before else None,
            "after": json.loads(r.after) if r.after else None,
        }, ensure_ascii=False))
    return out

