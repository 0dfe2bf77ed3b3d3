"""The audit trail: one append-only entry per change, written in the change's own transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from peewee import Model

from govdesk.i18n import t
from govdesk.models import AuditEntry
from govdesk.services.clock import office_now
from govdesk.services.context import Actor


def snapshot(record: Model | None) -> dict[str, Any] | None:
    if record is None:
        return None
    out: dict[str, Any] = {}
    for name, value in record.__data__.items():
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        out[name] = value
    return out


def _dump(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def record(
    actor: Actor | None,
    action: str,
    table: str,
    record_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    return AuditEntry.create(
        at=actor.now if actor else office_now(),
        actor=actor.person.login if actor else "system",
        action=action,
        table=table,
        record_id=record_id,
        before=_dump(before),
        after=_dump(after),
    )


def latest_id() -> int:
    """The change sequence: screens compare it with what they last drew."""
    row = AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc()).first()
    return row.id if row else 0


def changes_since(last_id: int) -> list[tuple[int, str, int | None]]:
    rows = (
        AuditEntry.select(AuditEntry.id, AuditEntry.table, AuditEntry.record_id)
        .where(AuditEntry.id > last_id)
        .order_by(AuditEntry.id)
        .tuples()
    )
    return list(rows)


# ---------------------------------------------------------------------------- browsing

SECRET_FIELDS = ("title", "summary", "body", "attachments", "doc_number")


def _redact(value: str | None, clearance: int) -> str:
    """Hide the words of a record above the viewer's clearance inside a before/after snapshot."""
    if not value:
        return ""
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if isinstance(data, dict) and int(data.get("secrecy") or 0) > clearance:
        for key in SECRET_FIELDS:
            if key in data:
                data[key] = t("work.redacted")
    return json.dumps(data, ensure_ascii=False, default=str)


def can_browse(person) -> bool:
    return bool(person.admin or person.rank == "主任")


def browse(actor: Actor, *, who: str = "", action: str = "", table: str = "",
           since: datetime | None = None, before_id: int | None = None,
           limit: int = 200) -> list[dict[str, Any]]:
    """One page of the audit trail, newest first, for an admin; secret words redacted."""
    from govdesk.services.errors import PermissionDenied

    if not can_browse(actor.person):
        raise PermissionDenied(t("work.audit_refused"))
    q = AuditEntry.select()
    if who:
        q = q.where(AuditEntry.actor == who)
    if action:
        q = q.where(AuditEntry.action.startswith(action))
    if table:
        q = q.where(AuditEntry.table == table)
    if since is not None:
        q = q.where(AuditEntry.at >= since)
    if before_id is not None:
        q = q.where(AuditEntry.id < before_id)
    clearance = actor.person.clearance
    return [
        {"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "table": r.table,
         "record_id": r.record_id, "before": _redact(r.before, clearance),
         "after": _redact(r.after, clearance)}
        for r in q.order_by(AuditEntry.id.desc()).limit(limit)
    ]
