"""The audit trail: one append-only entry per change, written in the change's own transaction."""

from __future__ import annotations

import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import Model

from govdesk.i18n import t
from govdesk.models import AuditEntry, database
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


# The link the first entry points back to.
GENESIS = "0" * 64


def _canonical_at(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time()).isoformat(sep=" ")
    return str(value)


def entry_hash(entry_id: int, at: object, actor: str, action: str, table: str,
               record_id: int | None, before: str | None, after: str | None,
               prev_hash: str) -> str:
    """sha256 over one canonical JSON array of the entry's content and the previous hash: the
    same bytes on SQLite and PostgreSQL (``at`` as ISO text, before/after as stored)."""
    payload = json.dumps([entry_id, _canonical_at(at), actor, action, table, record_id,
                          before, after, prev_hash], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    actor: Actor | None,
    action: str,
    table: str,
    record_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    values = {
        "at": actor.now if actor else office_now(),
        "actor": actor.person.login if actor else "system",
        "action": action,
        "table": table,
        "record_id": record_id,
        "before": _dump(before),
        "after": _dump(after),
    }
    # Inside the write transaction: writers are serialised (SQLite BEGIN IMMEDIATE behind the
    # write queue, PostgreSQL the advisory lock taken in begin), so the head read here is the
    # head this entry is appended to; the id is given, not left to a sequence, so that a
    # rolled-back transaction never leaves a gap in the chain.
    # Already inside one (every service writes in its own atomic()), no savepoint is needed.
    with nullcontext() if database.in_transaction() else database.atomic():
        head = database.execute_sql(_HEAD_SQL).fetchone()
        entry_id = head[0] + 1 if head else 1
        prev = (head[1] or GENESIS) if head else GENESIS
        digest = entry_hash(entry_id, values["at"], values["actor"], action, table, record_id,
                            values["before"], values["after"], prev)
        return AuditEntry.create(id=entry_id, prev_hash=prev, hash=digest, **values)


_HEAD_SQL = 'SELECT "id", "hash" FROM "audit_entry" ORDER BY "id" DESC LIMIT 1'


_CHAIN_FIELDS = (AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action,
                 AuditEntry.table, AuditEntry.record_id, AuditEntry.before, AuditEntry.after,
                 AuditEntry.prev_hash, AuditEntry.hash)


def fill_chain() -> int:
    """Compute every entry's link and hash in id order (schema v3, over a trail written before
    the chain existed); the caller has lifted the append-only UPDATE trigger. Returns the count."""
    prev, n = GENESIS, 0
    rows = list(AuditEntry.select(*_CHAIN_FIELDS).order_by(AuditEntry.id).tuples())
    for entry_id, at, who, action, table, record_id, before, after, _p, _h in rows:
        digest = entry_hash(entry_id, at, who, action, table, record_id, before, after, prev)
        (AuditEntry.update(prev_hash=prev, hash=digest)
         .where(AuditEntry.id == entry_id).execute())
        prev, n = digest, n + 1
    return n


@dataclass
class ChainReport:
    """What verify_chain found: ``bad_id`` is None when the chain is intact; otherwise
    ``problem`` is "gap" (entries before it are missing: ``missing_from``..bad_id-1), "hash"
    (its content no longer matches its hash) or "link" (it does not point at the hash of the
    entry before it: that one was replaced or the chain re-computed from there).
    ``head_id``/``head_hash``: the last entry that checked out."""

    checked: int = 0
    bad_id: int | None = None
    problem: str | None = None
    missing_from: int | None = None
    head_id: int = 0
    head_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.bad_id is None

    def reason(self) -> str:
        if self.problem == "gap":
            return t("audit.chain.gap", id=self.bad_id, first=self.missing_from,
                     last=(self.bad_id or 1) - 1)
        if self.problem == "link":
            return t("audit.chain.link", id=self.bad_id, prev=self.head_id)
        if self.problem == "hash":
            return t("audit.chain.hash", id=self.bad_id)
        return ""


def verify_chain() -> ChainReport:
    """Walk the trail in id order and recompute each hash; stop at the first entry that does
    not match. One SELECT, itself a consistent snapshot on SQLite (WAL) and PostgreSQL: a writer
    appending meanwhile is not half seen, and no write lock is taken (a read-only copy verifies)."""
    report = ChainReport()
    rows = AuditEntry.select(*_CHAIN_FIELDS).order_by(AuditEntry.id).tuples().iterator()
    for entry_id, at, who, action, table, record_id, before, after, prev, digest in rows:
        if entry_id != report.head_id + 1:
            report.bad_id, report.problem = entry_id, "gap"
            report.missing_from = report.head_id + 1
            break
        expected = entry_hash(entry_id, at, who, action, table, record_id, before, after,
                              prev or "")
        if digest != expected:
            report.bad_id, report.problem = entry_id, "hash"
            break
        if prev != report.head_hash:
            report.bad_id, report.problem = entry_id, "link"
            break
        report.checked += 1
        report.head_id, report.head_hash = entry_id, digest
    return report


def latest_id() -> int:
    """The change sequence: screens compare it with what they last drew."""
    row = AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc()).first()
    return row.id if row else 0


def last_change(table: str, record_id: int) -> tuple[str, datetime] | None:
    """Who (login) last wrote the record, and when (an entry with what it became: opening a
    secret record writes nothing); None if nobody has."""
    row = (AuditEntry.select(AuditEntry.actor, AuditEntry.at)
           .where((AuditEntry.table == table) & (AuditEntry.record_id == record_id)
                  & AuditEntry.after.is_null(False))
           .order_by(AuditEntry.id.desc()).first())
    return (row.actor, row.at) if row else None


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
           after_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """One page of the audit trail, newest first, for an admin; secret words redacted; keyset
    paged like the registers (``engine.keyset``: ``after_id`` for the page above)."""
    from govdesk.services.engine.core import keyset  # the engine writes through this module
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
    from govdesk.services.engine.core import audit_reader

    clearance = actor.person.clearance
    rows = keyset(q, AuditEntry.id, before_id, limit, after_id)
    # What an entry keeps of a 信访 petitioner (a token in a note or opinion), shown or
    # masked for this reader like every other view (one read for the page).
    texts = audit_reader(actor, [(r.table, r.record_id, text) for r in rows
                                 for text in (r.before or "", r.after or "")])
    return [
        {"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "table": r.table,
         "record_id": r.record_id,
         "before": _redact(texts[2 * n], clearance),
         "after": _redact(texts[2 * n + 1], clearance)}
        for n, r in enumerate(rows)
    ]
