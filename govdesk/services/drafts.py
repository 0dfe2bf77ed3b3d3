"""What a person has typed into a form and not saved yet (issue 11: never lose typed work).

An open form keeps its fields here a moment after each change (the form debounces); the next
time the same form opens — a new 收文, a new 拟稿, or the edit of the same record — it offers
them back. A draft is its writer's alone: every call reads and writes only the acting
person's rows, whoever they are (an administrator too: the desk has no way to another
person's drafts). Nothing of a draft goes into the audit trail or the search index: it is not
a record of the office, only unsaved typing, and it is gone once the form is saved or the
typing discarded.

A draft is bounded (strings only, ``MAX_BYTES`` in all) and read tolerantly: what no longer
fits the form (a field renamed since, a value that is not text) is left out, never an error.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govdesk.i18n import t
from govdesk.models import FormDraft, database
from govdesk.models.draft import NEW_RECORD
from govdesk.services.context import Actor
from govdesk.services.errors import PermissionDenied, ServiceError, ValidationError

# The forms that keep drafts (the key the form gives; one draft per person, form and record).
# "task": the opinion, note or reason typed for one turn (the record is the task's id);
# "leave": a 请假 request being written; "suggestion": a 建议提案 being registered.
FORMS = ("incoming", "outgoing", "outgoing.change", "task", "leave", "suggestion")
MAX_BYTES = 200 * 1024  # the whole draft, as UTF-8: a long 正文 fits many times over
MAX_FIELDS = 200
MAX_KEY = 64


def choice_text(choice: Any) -> str:
    """A picked unit or person (org.UnitChoice, PersonChoice) as a form's fields write it (a
    draft, a conflict's values); "" none."""
    if choice is None:
        return ""
    return json.dumps(dataclasses.asdict(choice), ensure_ascii=False, sort_keys=True)


def choice_from_text(kind: type, text: str) -> Any:
    """``choice_text`` read back; None when empty or no longer of that shape (the save then
    checks the unit or person as it does any other)."""
    if not text:
        return None
    try:
        return kind(**json.loads(text))
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Draft:
    """A kept draft, as plain data: the fields (strings by name) and when they were kept."""

    form: str
    record_id: int | None
    fields: dict[str, str]
    saved_at: datetime


def _person_id(actor: Actor) -> int:
    person = getattr(actor, "person", None)
    if person is None or getattr(person, "id", None) is None or not person.active:
        raise PermissionDenied(t("drafts.not_yours"))
    return person.id


def _where(actor: Actor, form: Any, record_id: Any):
    if form not in FORMS:
        raise ValidationError(t("drafts.field_form"), t("drafts.unknown_form"), name="form")
    if record_id is None:
        record = NEW_RECORD
    elif isinstance(record_id, int) and not isinstance(record_id, bool) and record_id > 0:
        record = record_id
    else:
        raise ValidationError(t("drafts.field_record"), t("drafts.bad_record"), name="record_id")
    return ((FormDraft.person == _person_id(actor)) & (FormDraft.form == form)
            & (FormDraft.record_id == record))


def clean(fields: Any) -> dict[str, str]:
    """The draft's fields checked: a mapping of text to text, bounded; a refusal names the
    field (its form name) so the form can say which one is too long."""
    if not isinstance(fields, dict):
        raise ValidationError(t("drafts.field_fields"), t("drafts.not_fields"), name=None)
    if len(fields) > MAX_FIELDS:
        raise ValidationError(t("drafts.field_fields"), t("drafts.too_many", n=MAX_FIELDS))
    out: dict[str, str] = {}
    for key, value in fields.items():
        if not isinstance(key, str) or not key or len(key) > MAX_KEY:
            raise ValidationError(t("drafts.field_fields"), t("drafts.bad_key"))
        if not isinstance(value, str):
            raise ValidationError(key, t("drafts.not_text"), name=key)
        out[key] = value
    size = len(json.dumps(out, ensure_ascii=False).encode("utf-8"))
    if size > MAX_BYTES:
        largest = max(out, key=lambda k: len(out[k].encode("utf-8")))
        raise ValidationError(largest, t("drafts.too_large", kb=MAX_BYTES // 1024),
                              name=largest)
    return out


def save(actor: Actor, form: str, record_id: int | None, fields: dict[str, str]) -> Draft:
    """Keep ``fields`` as the actor's draft of ``form`` (``record_id``: the record an edit form
    opened, None for a new one), replacing the one kept before."""
    _where(actor, form, record_id)  # the actor, the form and the record checked
    values = clean(fields)
    text = json.dumps(values, ensure_ascii=False)
    with database.atomic():
        FormDraft.insert(person=actor.person.id, form=form, record_id=record_id or NEW_RECORD,
                         fields=text, saved_at=actor.now).on_conflict(
            conflict_target=[FormDraft.person, FormDraft.form, FormDraft.record_id],
            update={FormDraft.fields: text, FormDraft.saved_at: actor.now}).execute()
    return Draft(form, record_id, values, actor.now)


def _fields(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def get(actor: Actor, form: str, record_id: int | None) -> Draft | None:
    """The actor's own draft of ``form`` for ``record_id``, or None. Only the actor's: there is
    no way here to another person's."""
    row = FormDraft.select(FormDraft.fields, FormDraft.saved_at).where(
        _where(actor, form, record_id)).first()
    if row is None:
        return None
    fields = _fields(row.fields)
    if not fields:
        return None
    return Draft(form, record_id, fields, row.saved_at)


def discard(actor: Actor, form: str, record_id: int | None) -> bool:
    """Drop the actor's draft of ``form`` for ``record_id`` (True if there was one)."""
    where = _where(actor, form, record_id)
    with database.atomic():
        return FormDraft.delete().where(where).execute() > 0


def forget(actor: Actor, form: str, record_id: int | None) -> bool:
    """``discard`` after the form was saved: the record is in, so a draft left behind (the
    database busy for a moment) must not turn the save into a refusal; it is offered the next
    time, and dropped then. False when it could not be dropped now."""
    try:
        discard(actor, form, record_id)
    except ServiceError:
        return False
    return True
