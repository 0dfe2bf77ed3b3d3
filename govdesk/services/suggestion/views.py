"""What the 建议提案 screens show, as plain data (DESIGN "The UI thread never waits"): names
resolved in the screen's worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from govdesk.models import Suggestion, Unit
from govdesk.services.suggestion.workflow import co_unit_ids


@dataclass(frozen=True)
class SuggestionDetail:
    id: int
    title: str  # 建议第12号 关于…
    source: str
    year: int
    session: str
    number: str
    proposer: str
    group: str
    category: str
    body: str
    state: str
    lead_unit: str
    co_units: tuple[str, ...]
    assigned_on: date | None
    complex: bool
    extension: str
    reply_due: date | None
    reply: str
    adopted: bool
    replied_on: date | None
    feedback: str
    second_due: date | None
    implemented_on: date | None
    registered_by: str
    created_at: datetime


def detail_view(row: Suggestion) -> SuggestionDetail:
    ids = co_unit_ids(row)
    names = {u.id: u.short for u in Unit.select().where(Unit.id.in_(ids))} if ids else {}
    return SuggestionDetail(
        id=row.id, title=f"{row.source}{row.number} {row.title}", source=row.source,
        year=row.year, session=row.session, number=row.number, proposer=row.proposer,
        group=row.group, category=row.category, body=row.body, state=row.state,
        lead_unit=row.lead_unit.short if row.lead_unit_id else "",
        co_units=tuple(names[i] for i in ids if i in names), assigned_on=row.assigned_on,
        complex=row.complex, extension=row.extension, reply_due=row.reply_due,
        reply=row.reply, adopted=row.adopted, replied_on=row.replied_on,
        feedback=row.feedback, second_due=row.second_due, implemented_on=row.implemented_on,
        registered_by=row.registered_by.name, created_at=row.created_at)
