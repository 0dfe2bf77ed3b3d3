"""The one search: every kind of record the user may see, by its words, newest first, grouped
by kind. Each workflow declares what of its records is searched (engine.Workflow.search_*);
the index itself is services.fulltext. Clearance applies inside the index's query, so a record
above the viewer's 密级 is never matched, on any field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from govdesk.i18n import t
from govdesk.models import Meta, database
from govdesk.services import (
    doc_numbers,
    fulltext,
    schema,
    validate,
    workflows,  # noqa: F401  (every searchable kind registered)
)
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.policy import visible_title

PER_KIND = 30  # lines per kind; more means the words should say more


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    number: str
    title: str
    source: str  # 来文单位 / 发文机关
    on: date | None
    state: str


@dataclass(frozen=True)
class Group:
    kind: str
    label: str  # the kind's name in the user's language
    hits: list[Hit]
    more: bool  # there are more than shown


def search(actor: Actor, text: str, *, per_kind: int = PER_KIND) -> list[Group]:
    """Every kind that has a record holding every word of ``text`` (words are separated by
    spaces; two characters are enough), in the kinds' order; the rest are left out."""
    if not validate.page_args(text, None, limit=per_kind):
        return []
    clearance = actor.person.clearance
    # A document number (收〔2026〕31号, [2026] or (2026) too) finds that document exactly,
    # not every record holding its digits (services.doc_numbers); a number no document
    # bears (a 来文字号, say) is looked for as words. A bare number (31) is words too, after
    # this year's 收文 and 发文 with that sequence, which come first.
    exact = doc_numbers.parse(text, actor.today)
    numbered: dict[str, list] = {}
    if exact is not None:
        for kind, model in doc_numbers.MODELS.items():
            found = list(model.select().where(doc_numbers.condition(exact, kind)
                                              & (model.secrecy <= clearance))
                         .order_by(model.id.desc()).limit(per_kind + 1))
            if found:
                numbered[kind] = found
    only_numbered = bool(numbered) and exact is not None and exact.prefix is not None
    out = []
    for wf in engine.searchable():
        model = wf.model
        first = numbered.get(wf.kind, [])
        if only_numbered:
            rows = first
        else:
            words = fulltext.keyset(model.select(), wf.search_code, model.id, text, clearance,
                                    before=None, after=None, limit=per_kind + 1)
            ids = {row.id for row in first}
            rows = first + [row for row in words if row.id not in ids]
            if wf.search_more is not None:
                ids |= {row.id for row in rows}
                rows += [row for row in wf.search_more(actor, text, per_kind + 1)
                         if row.id not in ids]
        hits = []
        page = engine.shown_page(actor, [(wf.kind, row.id) for row in rows[:per_kind]])
        for row in rows[:per_kind]:
            number, source, on = wf.search_line(row)
            title = page.title(wf.kind, row.id, wf.title(row))
            hits.append(Hit(wf.kind, row.id, number,
                            visible_title(actor.person, title, wf.secrecy(row)),
                            source, on, getattr(row, "state", "")))
        if hits:
            out.append(Group(wf.kind, t(f"search.kind.{wf.kind}"), hits,
                             more=len(rows) > per_kind))
    return out


def rebuild(*, say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Index every record of every searchable kind afresh (after the migration that made the
    index, a generated database); in the caller's transaction if there is one. Returns the
    count per kind."""
    made: dict[str, int] = {}
    with database.atomic():
        for wf in engine.searchable():
            fulltext.clear(wf.search_code)
            model = wf.model
            rows = ((row.id, wf.secrecy(row), wf.search_texts(row))
                    for row in model.select().order_by(model.id).iterator())
            made[wf.kind] = fulltext.fill(wf.search_code, rows)
            if say is not None:
                say(t("search.rebuilt", kind=t(f"search.kind.{wf.kind}"), n=made[wf.kind]))
    return made


def complete_pending(*, say: Callable[[str], None] | None = None) -> bool:
    """Fill the index if a migration left it to be filled (schema.FULLTEXT_PENDING); True if
    it did. Two desks opening at once: the second finds the mark gone once it may write."""
    if schema.get_meta(schema.FULLTEXT_PENDING) is None:
        return False
    with database.atomic():
        if schema.get_meta(schema.FULLTEXT_PENDING) is None:
            return False
        rebuild(say=say)
        Meta.delete().where(Meta.key == schema.FULLTEXT_PENDING).execute()
    return True
