"""Database-wide facts: schema version, demo flag, numbering counters, audit trail."""

from __future__ import annotations

from peewee import AutoField, CharField, DateTimeField, IntegerField, TextField

from govdesk.models.base import BaseModel


class Meta(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()


class Counter(BaseModel):
    """One gap-free sequence per (prefix, year): 收文编号, 发文字号, 档号 件号 …"""

    prefix = CharField()
    year = IntegerField()
    value = IntegerField(default=0)

    class Meta:
        indexes = ((("prefix", "year"), True),)


class AuditEntry(BaseModel):
    """Append-only; its id doubles as the change sequence screens refresh from.

    Tamper-evident: ``hash`` is the sha256 of the entry's content and ``prev_hash`` (the hash of
    the entry before it), so changing, removing or replacing an entry breaks the chain
    (services.audit.verify_chain)."""

    id = AutoField()
    at = DateTimeField(index=True)
    actor = CharField()
    action = CharField()
    table = CharField()
    record_id = IntegerField(null=True)
    before = TextField(null=True)
    after = TextField(null=True)
    prev_hash = CharField(null=True)
    hash = CharField(null=True)
