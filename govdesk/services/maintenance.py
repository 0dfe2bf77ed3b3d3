"""Backups, restores and audit export (SPEC §14): the admin's tools, also used by the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from govdesk.models import AuditEntry
from govdesk.services.errors import ValidationError
from govdesk.services.schema import backup_to


def backup(out: Path) -> Path:
    """A consistent copy taken with SQLite's online backup while others keep writing."""
    out = Path(out)
    if out.exists():
        raise ValidationError("备份文件", f"{out} 已存在，不覆盖")
    if not out.parent.exists():
        raise ValidationError("备份文件", f"目录 {out.parent} 不存在")
    tmp = out.with_name(out.name + ".part")
    backup_to(tmp)
    check = sqlite3.connect(str(tmp))
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        tmp.unlink(missing_ok=True)
        raise ValidationError("备份文件", f"备份校验失败：{result}")
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
    source, target = Path(source), Path(target)
    if not source.exists():
        raise ValidationError("备份文件", f"{source} 不存在")
    if verify(source) != "ok":
        raise ValidationError("备份文件", f"{source} 校验失败，不能恢复")
    if target.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        shutil.copy2(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
    tmp = target.with_name(target.name + ".restoring")
    shutil.copy2(source, tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    tmp.replace(target)
    return target


def audit_lines(since: datetime) -> list[str]:
    """The audit trail since ``since`` as JSON lines (who, when, what, before/after)."""
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

