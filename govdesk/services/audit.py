"""The audit trail: one append-only entry per change, written in the change's own transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from peewee import Model

from govdesk.models import AuditEntry
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
        at=actor.now if actor else datetime.now(),
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
