"""建议提案 lists → 建议提案 (SPEC §11; Part 2 §5(一)1): the batch the 人大/政协 hand over after
the 两会, usually as a spreadsheet. Each row is checked by the registration's own checks
(suggestion.clean_fields) and registered through suggestion.register, so 督查室's 交办 starts
as it would from the form. A row is the same suggestion as one registered when its 类别, 年度
and 编号 are (the service refuses that number twice).
"""

from __future__ import annotations

from collections.abc import Hashable

from govdesk.i18n import t
from govdesk.models import Suggestion
from govdesk.services import suggestion
from govdesk.services.context import Actor
from govdesk.services.errors import PermissionDenied
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

FIELDS = ("source", "year", "session", "number", "proposer", "group", "title", "category",
          "body")


def _label(name: str) -> str:
    return t(f"suggestion.f_{name}")


def _check(state: FormState, row: int, values: dict[str, Cell]) -> Good:
    fields = form_fields(state, values, FIELDS)
    clean = suggestion.clean_fields(fields, state.actor.today)
    return Good(row, fields, (clean["source"], clean["year"], normalise(clean["number"])))


def _existing(actor: Actor, keys: list[Hashable]) -> dict[Hashable, str]:
    """Of these keys, those a 建议提案 already has (key → 类别 and 编号)."""
    S = Suggestion
    years = sorted({k[1] for k in keys})  # type: ignore[index]
    rows = S.select(S.source, S.year, S.number).where(S.year.in_(years)) if keys else []
    return existing_among(keys, rows, lambda r: (r.source, r.year, normalise(r.number)),
                          lambda r: f"{r.source} {r.number}")


def _register(actor: Actor, good: Good) -> tuple[str, bool]:
    row = suggestion.register(actor, good.fields)
    return f"{row.source} {row.number}", True


def _may_import(person) -> None:
    if not suggestion.is_supervision(person):
        raise PermissionDenied(t("suggestion.refuse.not_supervision"))


KIND = register(ImportKind(
    kind="suggestion", words=("建议提案", "suggestion", "jianyi"), fields=FIELDS, label=_label,
    may_import=_may_import, begin=lambda actor: form_state(KIND, actor, "source"),
    check=_check, existing=_existing, register=_register, table="suggestion", same="imports.suggestion.same"))
