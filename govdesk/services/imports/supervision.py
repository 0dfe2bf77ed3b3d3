"""督查台账 → 督查事项 (SPEC §10 and §15): an office's existing ledger of supervised matters,
each row checked by the item form's own checks (supervision.clean_fields) and registered
through supervision.register, so the lead unit's 签收 is handed out as from the form. A row is
the same matter as one registered when its 督查类别, 督查事项 and 牵头单位 are.
"""

from __future__ import annotations

from collections.abc import Hashable

from govdesk.i18n import t
from govdesk.models import SupervisionItem
from govdesk.services import supervision
from govdesk.services.context import Actor
from govdesk.services.fulltext import normalise
from govdesk.services.imports import register
from govdesk.services.imports.core import (
    FormState,
    Good,
    ImportKind,
    existing_among,
    form_fields,
    form_state,
)
from govdesk.services.imports.sheet import Cell

FIELDS = ("kind", "title", "target", "lead_unit", "co_units", "responsible", "liaison",
          "leader", "meeting_on", "instructed_by", "instruction", "instructed_on", "urgency")
DAYS = ("meeting_on", "instructed_on")


def _label(name: str) -> str:
    return t(f"supervision.f_{name}")


def _check(state: FormState, row: int, values: dict[str, Cell]) -> Good:
    fields = form_fields(state, values, FIELDS, DAYS)
    clean = supervision.clean_fields(state.actor, fields)
    return Good(row, fields, (clean["kind"], normalise(clean["title"]), clean["lead_unit"].id))


def _existing(actor: Actor, keys: list[Hashable]) -> dict[Hashable, str]:
    """Of these keys, those a 督查事项 already has (key → its number)."""
    S = SupervisionItem
    units = sorted({k[2] for k in keys})  # type: ignore[index]
    rows = S.select().where(S.lead_unit.in_(units)) if keys else []
    return existing_among(keys, rows,
                          lambda r: (r.kind, normalise(r.title), r.lead_unit_id),
                          supervision.number_of)


def _register(actor: Actor, good: Good) -> tuple[str, bool]:
    return supervision.number_of(supervision.register(actor, good.fields)), False


KIND = register(ImportKind(
    kind="supervision", words=("督查事项", "supervision", "ducha"), fields=FIELDS, label=_label,
    may_import=supervision.require_ducha, begin=lambda actor: form_state(KIND, actor, "kind"),
    check=_check, existing=_existing, register=_register, table="supervision_item", same="imports.supervision.same"))
