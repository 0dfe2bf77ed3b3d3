"""The one flow/task engine's tables: every record that passes through hands is a Flow of Tasks.

Home's inbox, deadlines and 催办 are queries over Task, whatever module the record belongs to.
"""

from __future__ import annotations

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from govdesk.models.base import BaseModel
from govdesk.models.org import Person, Section

WAITING, DONE, RETURNED, SKIPPED, CANCELLED = "waiting", "done", "returned", "skipped", "cancelled"


class Flow(BaseModel):
    kind = CharField(index=True)  # "incoming", later "outgoing", "petition" …
    record_id = IntegerField()
    # Denormalised so Home needs one query and redaction can happen in SQL.
    title = CharField()
    secrecy = IntegerField(default=0)
    urgency = CharField(default="普通")
    state = CharField(default="open", index=True)
    due = DateField(null=True)
    created_at = DateTimeField()
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("kind", "record_id"), True),)


class Task(BaseModel):
    flow = ForeignKeyField(Flow, backref="tasks", on_delete="CASCADE")
    round = IntegerField(default=1)  # parallel turns (传阅, 会签) share a round
    step = CharField()  # 登记, 签批, 阅签, 阅办, 传阅, 分送, 归档 …
    holder = ForeignKeyField(Person, null=True, backref="tasks", on_delete="SET NULL")
    holder_section = ForeignKeyField(Section, null=True, backref="tasks", on_delete="SET NULL")
    acting_for = ForeignKeyField(Person, null=True, on_delete="SET NULL")  # marked 代
    due = DateField(null=True, index=True)
    urgency = CharField(default="普通")
    state = CharField(default=WAITING, index=True)
    opinion = TextField(default="")
    note = TextField(default="")  # what the sender asked of this holder
    created_at = DateTimeField()
    read_at = DateTimeField(null=True)
    acted_at = DateTimeField(null=True)
    acted_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    reminders = IntegerField(default=0)
    last_reminded = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("state", "holder", "due"), False),
            (("state", "holder_section", "due"), False),
            (("state", "due"), False),  # everyone's deadlines (schema v4)
            # A section's own turns, no person holding them: Home's section branch (schema v5).
            (("state", "holder_section", "holder", "due"), False),
        )


class Reminder(BaseModel):
    """A 催办: who urged whom about which task, and when."""

    task = ForeignKeyField(Task, backref="reminder_log", on_delete="CASCADE")
    by = ForeignKeyField(Person, on_delete="CASCADE")
    at = DateTimeField(index=True)  # the 催办 log, newest first (schema v5)
    note = TextField(default="")
