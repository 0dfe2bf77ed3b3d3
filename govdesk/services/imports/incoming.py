"""收文台账 → 收文 (SPEC §3, §15): each row checked by the register form's own checks
(incoming.clean_fields) and registered through incoming.register, so audit, the search index,
the deadline and the flow are as the form would make them.

The sheet's 收文编号 is kept when it is one (收〔2026〕12号, [2026]12, or a bare 12 of its
收文日期's year) and free; a row without one is numbered as the form numbers. A number that is
no 收文编号, or one another document has, is refused in the preview: the clerk corrects it or
clears the cell to have one given. Should a kept number be taken between the preview and the
import, the row is numbered anew and the result says so.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govdesk.i18n import t
from govdesk.models import IncomingDocument
from govdesk.services import doc_numbers, incoming, org
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError, ValidationErrors
from govdesk.services.fulltext import normalise
from govdesk.services.imports import register
from govdesk.services.imports.core import (
    Good,
    ImportKind,
    aliases,
    as_day,
    as_text,
    existing_among,
)
from govdesk.services.imports.sheet import Cell
from govdesk.services.policy import can_view, require_secretariat

FIELDS = ("number", "from_name", "doc_number", "title", "doc_kind", "secrecy", "secrecy_years",
          "urgency", "received_on", "copy_no", "pages", "attachments", "summary", "addressed_to")
# 机密★5年, 秘密★10年: the mark as a 公文 prints it (GB/T 9704 7.2.3), years in the same cell.
_MARK = re.compile(r"^(\S+?)\s*[★*☆]\s*(\d+)\s*年?$")


def _label(name: str) -> str:
    return t(f"incoming.f_{name}")


def key_of(from_name: str, doc_number: str, received_on: date) -> tuple[str, str, date]:
    """The duplicate key: 来文单位 + 来文字号 + 收文日期, compared as the search compares text
    (a space or a Traditional form does not make another document)."""
    return normalise(from_name), normalise(doc_number), received_on


@dataclass
class State:
    """What one preview's checks share: the actor, units by name, the numbers taken."""

    actor: Actor
    taken: set[tuple[int, int]]
    claimed: dict[tuple[int, int], int] = field(default_factory=dict)  # number → its row
    units: dict[str, Any] = field(default_factory=dict)
    secrecy: dict[str, str] = field(default_factory=dict)
    urgency: dict[str, str] = field(default_factory=dict)


def _begin(actor: Actor) -> State:
    D = IncomingDocument
    taken = set(D.select(D.year, D.seq).tuples())
    return State(actor, taken, secrecy=aliases(KIND, "secrecy"),
                 urgency=aliases(KIND, "urgency"))


def _unit(state: State, name: str):
    if name not in state.units:
        state.units[name] = org.unit_named(name) if name else None
    return state.units[name]


def _fields(state: State, values: dict[str, Cell]) -> dict[str, Any]:
    """The cells as the register form hands them to its service."""
    fields: dict[str, Any] = {name: as_text(values.get(name)) for name in FIELDS
                              if name in values and name != "received_on"}
    fields.pop("number", None)
    secrecy = fields.get("secrecy", "")
    mark = _MARK.match(secrecy)
    if mark is not None:
        fields["secrecy"] = mark.group(1)
        if not fields.get("secrecy_years"):  # a 保密期限 column of its own comes first
            fields["secrecy_years"] = mark.group(2)
    fields["secrecy"] = state.secrecy.get(normalise(fields.get("secrecy", "")),
                                          fields.get("secrecy", ""))
    if "urgency" in fields:
        fields["urgency"] = state.urgency.get(normalise(fields["urgency"]), fields["urgency"])
    unit = _unit(state, fields.get("from_name", ""))
    if unit is not None:
        fields["from_unit"] = unit
    if "received_on" in values:
        fields["received_on"] = as_day(values["received_on"])
    return fields


def _number(cell: Cell, received_on: date) -> tuple[int, int] | None:
    """The sheet's 收文编号 as (year, seq); None when the cell is empty (numbered anew)."""
    text = as_text(cell)
    if not text:
        return None
    query = doc_numbers.parse(text, received_on)
    if query is None or query.prefix not in (None, "", doc_numbers.incoming_prefix()):
        raise ValidationError(_label("number"), t("imports.incoming.bad_number", number=text,
                                                  example=incoming.number_label(
                                                      received_on.year, 12)), name="number")
    return query.year, query.seq


def _claim(state: State, good: Good) -> None:
    """A kept 收文编号 another 收文 or an earlier row of the file has is refused."""
    number = good.keep
    if number is None:
        return
    if number in state.taken:
        raise ValidationError(_label("number"), t("imports.incoming.number_taken",
                                                  number=incoming.number_label(*number)),
                              name="number")
    if number in state.claimed:
        raise ValidationError(_label("number"), t("imports.incoming.number_in_row",
                                                  row=state.claimed[number]), name="number")
    state.claimed[number] = good.row


def _check(state: State, row: int, values: dict[str, Cell]) -> Good:
    """The row through the register form's checks; a 收文 of a 台账 needs its 收文日期 (the
    form's default, today, would be wrong for last year's register)."""
    fields = _fields(state, values)
    errors: list[ValidationError] = []
    clean = None
    try:
        clean = incoming.clean_fields(fields, state.actor.today)
    except ValidationErrors as exc:
        errors.extend(exc.errors)
    if fields.get("received_on") in (None, "") and not any(
            e.name == "received_on" for e in errors):
        errors.append(ValidationError(_label("received_on"), t("errors.required"),
                                      name="received_on"))
    number = None
    if clean is not None and not errors:
        try:
            number = _number(values.get("number"), clean["received_on"])
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)
    assert clean is not None
    return Good(row, fields, key_of(clean["from_name"], clean["doc_number"],
                                    clean["received_on"]),
                keep=number)


def _existing(actor: Actor, keys: list[Hashable]) -> dict[Hashable, str | None]:
    """Of these keys, those a 收文 already has (key → its 收文编号; None for one above the
    reader's clearance, whose 来文单位 and 来文字号 the register would not confirm either)."""
    D = IncomingDocument
    days = [k[2] for k in keys]  # type: ignore[index]
    rows = (D.select(D.from_name, D.doc_number, D.received_on, D.number, D.secrecy)
            .where(D.received_on.between(min(days), max(days))) if keys else [])
    return existing_among(keys, rows,
                          lambda r: key_of(r.from_name, r.doc_number or "", r.received_on),
                          lambda r: r.number if can_view(actor.person, r.secrecy) else None)


def _register(actor: Actor, good: Good) -> tuple[str, bool]:
    number = good.keep
    if number is not None:
        D = IncomingDocument
        if D.select().where((D.year == number[0]) & (D.seq == number[1])).exists():
            number = None  # taken since the preview: numbered as the form numbers
    doc = incoming.register(actor, good.fields, number=number)
    return doc.number, number is not None


def _may_import(person) -> None:
    require_secretariat(person)


KIND = register(ImportKind(
    kind="incoming", words=("收文", "incoming", "shouwen"), fields=FIELDS, label=_label,
    may_import=_may_import, begin=_begin, check=_check, existing=_existing, register=_register,
    claim=_claim, aliases={"from_unit": "from_name", "secrecy_years": "secrecy"},
    table="incoming_document",
    same="imports.incoming.same",
    # Kept numbers first: a number given anew then follows the highest kept one.
    order=lambda good: (good.keep is None, good.row),
))
