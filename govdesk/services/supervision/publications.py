"""《督查专报》 and 《督查通报》 compiled from the 督查事项 (SPEC §10; Part 2 §4(一)3, §4(二),
§4(三)2; Part 5 督查室 2 and 6): an issue number gap-free per year and publication, the period,
the items by status, the late units by name and each item's progress, kept as published."""

from __future__ import annotations

import re
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from peewee import fn

from govdesk.i18n import t, t_record, term
from govdesk.models import (
    Flow,
    SupervisionBulletin,
    SupervisionItem,
    SupervisionNotice,
    Unit,
    database,
)
from govdesk.models import supervision as states
from govdesk.services import audit, sequence, validate
from govdesk.services.context import Actor
from govdesk.services.errors import NotFound, ValidationError
from govdesk.services.supervision import workflow as sup

# What each publication covers: 《督查专报》 the key work, meeting decisions and big projects
# (Part 2 §4(一)3, §4(二), §4(三)2; Part 5 督查室 6 重點工作、會議決定、重點工程); 《督查通报》
# (一月一期, Part 5 督查室 2) every kind.
COVERS = {
    states.SPECIAL_REPORT: (states.KEY_WORK, states.BIG_PROJECT, states.MEETING),
    states.BULLETIN: states.KINDS,
}
PUBLICATIONS = states.PUBLICATIONS
SPECIAL_REPORT = states.SPECIAL_REPORT  # 《督查专报》


@dataclass(frozen=True)
class LateUnit:
    unit: str
    items: int
    urged: int


@dataclass(frozen=True)
class Issue:
    id: int
    kind: str
    number: str  # 2026年第3期
    year: int
    seq: int
    starts_on: date
    ends_on: date
    text: str
    counts: dict[str, int]  # by status as shown
    late_units: tuple[LateUnit, ...]


def default_period(kind: str, today: date) -> tuple[date, date]:
    """《督查通报》: this month so far; 《督查专报》: the two months up to today."""
    if kind == states.BULLETIN:
        return today.replace(day=1), today
    return sup.add_months(today, -2) + timedelta(days=1), today


def _clean(actor: Actor, fields: dict) -> tuple[str, date, date]:
    if not isinstance(fields, dict):
        fields = {}
    kind = validate.choice(fields, "kind", t("supervision.f_publication"), PUBLICATIONS,
                           states.SPECIAL_REPORT)
    first, last = default_period(kind, actor.today)
    start = validate.day(fields, "starts_on", t("supervision.f_starts_on"), first)
    end = validate.day(fields, "ends_on", t("supervision.f_ends_on"), last)
    if end < start:
        raise ValidationError(t("supervision.f_ends_on"), t("supervision.refuse.period_order"),
                              name="ends_on")
    if (end - start).days > 366:
        raise ValidationError(t("supervision.f_ends_on"), t("supervision.refuse.period_long"),
                              name="ends_on")
    return kind, start, end


def _items(kind: str, start: date, end: date) -> list[SupervisionItem]:
    """The items of the publication's kinds under way at some time in the period: registered by
    its end, and not closed before its start."""
    S = SupervisionItem
    closed = (Flow.select(Flow.record_id).where(
        (Flow.kind == sup.KIND) & Flow.closed_at.is_null(False)
        & (fn.DATE(Flow.closed_at) < start.isoformat())))
    return list(S.select(S, Unit).join(Unit, on=(S.lead_unit == Unit.id))
                .where(S.kind.in_(COVERS[kind]) & (fn.DATE(S.created_at) <= end.isoformat())
                       & S.id.not_in(closed))
                .order_by(S.kind, S.year, S.seq))


def compile_issue(actor: Actor, fields: dict) -> Issue:
    """Compile and keep one issue (audited); the status of each item as it stands today."""
    sup.require_ducha(actor.person)
    kind, start, end = _clean(actor, fields)
    today = actor.today
    items = _items(kind, start, end)
    status = {r.id: sup.shown_status(r, today) for r in items}
    counts = {s: 0 for s in states.STATUSES}
    counts.update(Tally(status.values()))
    ids = [r.id for r in items]
    urged = Tally()
    if ids:
        for item_id, n in (SupervisionNotice.select(SupervisionNotice.item,
                                                    fn.COUNT(SupervisionNotice.id))
                           .where(SupervisionNotice.item.in_(ids)
                                  & (fn.DATE(SupervisionNotice.issued_at) >= start.isoformat())
                                  & (fn.DATE(SupervisionNotice.issued_at) <= end.isoformat()))
                           .group_by(SupervisionNotice.item).tuples()):
            urged[item_id] = n
    late: dict[str, list[int]] = {}
    for r in items:
        if status[r.id] == states.LAGGING:
            late.setdefault(r.lead_unit.short, []).append(r.id)
    late_units = tuple(sorted((LateUnit(unit, len(rids), sum(urged[i] for i in rids))
                               for unit, rids in late.items()),
                              key=lambda u: (-u.items, -u.urged, u.unit)))
    with database.atomic():
        seq = sequence.next_number(f"{kind}", today.year)
        text = _text(actor, kind, today.year, seq, start, end, items, status, counts,
                     late_units)
        row = SupervisionBulletin.create(kind=kind, year=today.year, seq=seq, starts_on=start,
                                         ends_on=end, text=text, compiled_by=actor.person,
                                         compiled_at=actor.now)
        audit.record(actor, "supervision.publish", "supervision_bulletin", row.id,
                     after={"kind": kind, "year": today.year, "seq": seq,
                            "period": [start.isoformat(), end.isoformat()],
                            "items": len(items)})
    return Issue(row.id, kind, issue_number(row), row.year, row.seq, start, end, text, counts,
                 late_units)


def issue_number(row: SupervisionBulletin) -> str:
    return t_record("supervision.issue_number", year=row.year, seq=row.seq)


def _text(actor: Actor, kind: str, year: int, seq: int, start: date, end: date,
          items: list[SupervisionItem], status: dict[int, str], counts: dict[str, int],
          late_units: tuple[LateUnit, ...]) -> str:
    """The issue as the office files it (in the records' language, Simplified)."""
    r = t_record
    lines = [r("supervision.pub_head", kind=kind),
             r("supervision.issue_number", year=year, seq=seq),
             r("supervision.pub_by", day=f"{actor.today:%Y-%m-%d}"),
             r("supervision.pub_period", start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}"),
             "",
             r("supervision.pub_summary", n=len(items), **{
                 "not_started": counts[states.NOT_STARTED], "under_way": counts[states.UNDER_WAY],
                 "lagging": counts[states.LAGGING], "done": counts[states.DONE]}),
             ""]
    if late_units:
        lines.append(r("supervision.pub_late", units="、".join(
            r("supervision.pub_late_unit", unit=u.unit, n=u.items, urged=u.urged)
            for u in late_units)))
    else:
        lines.append(r("supervision.pub_no_late"))
    lines.append("")
    lines.append(r("supervision.pub_items"))
    for n, row in enumerate(items, 1):
        lines.append(r("supervision.pub_item", n=n, number=sup.number_of(row), title=row.title,
                       kind=row.kind, unit=row.lead_unit.short, status=status[row.id],
                       progress=row.progress))
        if row.latest_report:
            lines.append("   " + r("supervision.pub_latest", day=(
                f"{row.latest_report_on:%Y-%m-%d}" if row.latest_report_on else ""),
                text=row.latest_report))
    if not items:
        lines.append(r("supervision.pub_none"))
    return "\n".join(lines) + "\n"


def issues(actor: Actor, limit: int = 50) -> list[Any]:
    """The issues published, newest first: (kind, number, period, id)."""
    B = SupervisionBulletin
    return [(b.kind, issue_number(b), b.starts_on, b.ends_on, b.id)
            for b in B.select().order_by(B.compiled_at.desc(), B.id.desc()).limit(limit)]


_ISSUE = re.compile(r"^(\d{4})\s*(?:年\s*第|-|/)\s*(\d{1,4})\s*期?$")


def published(actor: Actor, kind: str, ref: str) -> SupervisionBulletin:
    """One issue of ``kind`` as it was compiled and kept, named by its id or its number
    (2026年第3期, 2026-3): for the 督查室, who compile it (the rule of ``compile_issue``);
    NotFound names what was typed."""
    sup.require_ducha(actor.person)
    text = str(ref).strip()
    B = SupervisionBulletin
    row = None
    if text.isdigit():
        row = B.get_or_none((B.id == int(text)) & (B.kind == kind))
    elif (m := _ISSUE.match(text)) is not None:
        row = B.get_or_none((B.kind == kind) & (B.year == int(m[1])) & (B.seq == int(m[2])))
    if row is None:
        raise NotFound(t("publications.no_issue", kind=f"《{term(kind)}》", ref=text))
    return row
