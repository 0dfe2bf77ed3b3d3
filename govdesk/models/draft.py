"""What a person typed into a form and has not saved yet (issue 11): kept so that a closed
terminal, a dropped SSH connection or a killed process loses nothing.

One row per (person, form, record): ``record_id`` is the record an edit form opened, 0 for a
new one. Not NULL: a unique index treats NULLs as all different (SQLite and PostgreSQL alike),
so two drafts of the same new 收文 could pile up for one person.
"""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from govdesk.models.base import BaseModel
from govdesk.models.org import Person

NEW_RECORD = 0


class FormDraft(BaseModel):
    person = ForeignKeyField(Person, backref="form_drafts", on_delete="CASCADE")
    form = CharField()  # services.drafts.FORMS: "incoming", "outgoing", "outgoing.change"
    record_id = IntegerField(default=NEW_RECORD)
    fields = TextField()  # JSON object of strings, as the form gave them
    saved_at = DateTimeField()

    class Meta:
        table_name = "form_draft"
        indexes = ((("person", "form", "record_id"), True),)
