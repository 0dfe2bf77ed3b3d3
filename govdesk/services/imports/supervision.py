"""督查台账 → 督查事项 (SPEC §10 and §15): an office's existing ledger of supervised matters,
each row checked by the item form's own checks (supervision.clean_fields) and registered
through supervision.register, so the lead unit's 签收 is handed out as from the form. A row is
the same matter as one registered when its 督查类别, 督查事项 and 牵头单位 are.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from govdesk.i18n import t
from govdesk.models import SupervisionItem
from govdesk.services import supervision
from govdesk.services.context import Actor
from govdesk.services.fulltext import normalise
from govdesk.services.imports import register
from govdesk.services.imports.core import Good, ImportKind, aliases, as_day, as_text
from govdesk.services.imports.sheet import Cell

FIELDS = ("kind", "title", "target", "lead_unit", "co_units", "responsible", "liaison",
          "leader", "meeting_on", "instructed_by", "instruction", "instructed_on", "urgency")
DAYS = ("meeting_on", "instructed_on")


def _label(name: str) -> str:
    return t(f"supervision.f_{name}")


@dataclass
class State:
    actor: Actor
    kind: dict[str, str]


def _begin(actor: Actor) -> State:
    return State(actor, aliases(KIND, "kind"))


def _check(state: State, row: int, values: dict[str, Cell]) -> Good:
    fields: dict[str, Any] = {name: as_day(values.get(name)) if name in DAYS
                              else as_text(values.get(name)) for name in FIELDS if name in values}
    if "kind" in fields:
        fields["kind"] = state.kind.get(normalise(fields["kind"]), fields["kind"])
    clean = supervision.clean_fields(state.actor, fields)
    return Good(row, fields, (clean["kind"], normalise(clean["title"]), clean["lead_unit"].id))


def _existing(keys: list[Hashable]) -> dict[Hashable, str]:
    """Of these keys, those a 督查事项 already has (key → its number)."""
    if not keys:
        return {}
    wanted = set(keys)
    S = SupervisionItem
    units = sorted({k[2] for k in keys})  # type: ignore[index]
    out: dict[Hashable, str] = {}
    for item in S.select().where(S.lead_unit.in_(units)):
        key = (item.kind, normalise(item.title), item.lead_unit_id)
        if key in wanted:
            out.setdefault(key, supervision.number_of(item))
    return out


def _register(actor: Actor, good: Good) -> tuple[str, bool]:
    return supervision.number_of(supervision.register(actor, good.fields)), False


KIND = register(ImportKind(
    kind="supervision", words=("督查事项", "supervision", "ducha"), fields=FIELDS, label=_label,
    may_import=supervision.require_ducha, begin=_begin, check=_check, existing=_existing,
    register=_register, table="supervision_item", same="imports.supervision.same"))
