"""What the 督查室's screens show of 督查事项, as plain data (DESIGN "The UI thread never
waits"): the register with its filters and badges, the leaders' 需要关注 list and one item's
detail, each read in the screen's worker."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce

from peewee import JOIN, fn

from govdesk.i18n import t
from govdesk.models import (
    Flow,
    Person,
    SupervisionItem,
    SupervisionNotice,
    SupervisionPart,
    SupervisionReport,
    Task,
    Unit,
)
from govdesk.models import supervision as states
from govdesk.models.flow import WAITING
from govdesk.services import list_filter, validate
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.fulltext import simplified
from govdesk.services.policy import is_director
from govdesk.services.supervision import workflow as sup


@dataclass(frozen=True)
class ItemRow:
    id: int
    number: str
    kind: str
    title: str
    lead_unit: str
    leader: str
    status: str  # as shown: 滞后 when the report is overdue
    progress: int
    latest_report_on: date | None
    next_due: date | None
    badges: tuple[str, ...]  # 滞后, 催办×N, 延期 (stored words; the screen words them)
    urged: int
    extended: bool
    state: str


def _badges(status: str, urged: int, extended: bool) -> tuple[str, ...]:
    out = []
    if status == states.LAGGING:
        out.append(states.LAGGING)
    if urged:
        out.append(t("supervision.badge_urged", n=urged))
    if extended:
        out.append(t("supervision.badge_extended"))
    return tuple(out)


def _rows(actor: Actor, items: list[SupervisionItem]) -> list[ItemRow]:
    ids = [r.id for r in items]
    urged = dict(SupervisionNotice.select(SupervisionNotice.item, fn.COUNT(SupervisionNotice.id))
                 .where(SupervisionNotice.item.in_(ids)).group_by(SupervisionNotice.item)
                 .tuples()) if ids else {}
    out = []
    for r in items:
        status = sup.shown_status(r, actor.today)
        n = urged.get(r.id, 0)
        out.append(ItemRow(r.id, sup.number_of(r), r.kind, r.title, r.lead_unit.short,
                           r.leader.name if r.leader_id else "", status, r.progress,
                           r.latest_report_on, r.next_due, _badges(status, n, r.extended),
                           n, r.extended, r.state))
    return out


def _query():
    return (SupervisionItem.select(SupervisionItem, Unit, Person)
            .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
            .switch(SupervisionItem)
            .join(Person, JOIN.LEFT_OUTER, on=(SupervisionItem.leader == Person.id)))


def _late(actor: Actor):
    """An open item whose report is overdue (false, not unknown, where none is due)."""
    S = SupervisionItem
    return S.next_due.is_null(False) & (S.next_due < actor.today) & (S.status != states.DONE)


def register_page(actor: Actor, *, kind: str | None = None, status: str | None = None,
                  unit: str | None = None, leader: str | None = None, overdue: bool = False,
                  line: str = "", before_id: int | None = None,
                  limit: int = 200) -> list[ItemRow]:
    """One page of the items, newest first: by kind, status (as shown), unit (lead or co),
    leader, or only those whose report is overdue; and by the register's filter line
    (services/list_filter.parse_items: 类 单位 领导 状态 逾期 and words of the title), each
    in SQL. A line that cannot be read is refused, naming the token."""
    if not validate.page_args(None, status, before_id=before_id, limit=limit):
        return []
    S = SupervisionItem
    q = _query()
    if line:
        where = line_condition(actor, list_filter.check_items(actor, line))
        if where is not None:
            q = q.where(where)
    if kind:
        q = q.where(S.kind == kind)
    if unit:
        found = validate.unit(unit, t("supervision.f_unit"), name="unit")
        q = q.where(S.id.in_(SupervisionPart.select(SupervisionPart.item)
                             .where(SupervisionPart.unit == found)))
    if leader:
        person = validate.person(leader, t("supervision.f_leader"), name="leader")
        q = q.where((S.leader == person) | (S.instructed_by == person))
    late = _late(actor)
    if overdue or status == states.LAGGING:
        q = q.where(late | (S.status == states.LAGGING) if status == states.LAGGING else late)
    elif status:
        q = q.where((S.status == status) & ~late)
    return _rows(actor, engine.keyset(q, S.id, before_id, limit))


def line_condition(actor: Actor, flt: list_filter.ItemFilter):
    """The filter line as one WHERE condition on the items (None: no filter)."""
    if flt.empty:
        return None
    S = SupervisionItem
    late = _late(actor)
    clauses = []
    if flt.kinds:
        clauses.append(S.kind.in_(list(flt.kinds)))
    if flt.units:
        units = list_filter.item_unit_ids(flt.units)
        clauses.append(S.id.in_(SupervisionPart.select(SupervisionPart.item)
                                .where(SupervisionPart.unit.in_(units))))
    if flt.leaders:
        people = list_filter.item_leader_ids(flt.leaders)
        clauses.append(S.leader.in_(people) | S.instructed_by.in_(people))
    if flt.statuses:
        shown = []
        for status in flt.statuses:
            if status == states.LAGGING:
                shown.append(late | (S.status == states.LAGGING))
            elif status == states.DONE:
                shown.append(S.status == states.DONE)
            else:
                shown.append((S.status == status) & ~late)
        clauses.append(reduce(operator.or_, shown))
    if flt.overdue:
        clauses.append(late)
    for word in flt.words:
        variants = dict.fromkeys((word, simplified(word)))
        clauses.append(reduce(operator.or_, [S.title.contains(w) for w in variants]))
    return reduce(operator.and_, clauses)


def attention(actor: Actor, limit: int = 200) -> list[ItemRow]:
    """需要关注 (issue 12 item 2): for a 区长/副区长, the items they instructed and the overdue
    items of their portfolio (they lead it); for the 主任, every 批示 item and every overdue
    item. Anyone else: nothing. Open items only, the most overdue first."""
    person = actor.person
    S = SupervisionItem
    late = (S.next_due < actor.today) & (S.status != states.DONE)
    is_open = S.state != "已办结"
    if person.rank == "主任" or (person.admin and is_director(person)):
        cond = (S.kind == states.INSTRUCTION) | late
    elif person.rank in ("区长", "常务副区长", "副区长"):
        cond = (S.instructed_by == person) | ((S.leader == person) & late)
    else:
        return []
    rows = list(_query().where(cond & is_open)
                .order_by(S.next_due.asc(nulls="LAST"), S.id).limit(limit))
    return _rows(actor, rows)


@dataclass(frozen=True)
class PartView:
    unit: str
    role: str
    signed_on: date | None
    last_report_on: date | None
    reports: int


@dataclass(frozen=True)
class ReportView:
    unit: str
    final: bool
    text: str
    progress: int
    status: str
    unit_date: date
    recorded_by: str


@dataclass(frozen=True)
class NoticeView:
    number: str
    units: str
    note: str
    issued_by: str
    issued_at: object


@dataclass(frozen=True)
class ItemDetail:
    row: ItemRow
    target: str
    responsible: str
    liaison: str
    meeting_on: date | None
    instructed_by: str
    instruction: str
    instructed_on: date | None
    urgency: str
    latest_report: str
    onsite: bool
    parts: list[PartView]
    reports: list[ReportView]
    notices: list[NoticeView]
    timeline: list[engine.Hop]
    actions: list[engine.Available]
    waiting_steps: tuple[str, ...]


def detail_view(actor: Actor, row: SupervisionItem) -> ItemDetail:
    """The plain view of ``row`` (already read through ``get``)."""
    (line,) = _rows(actor, [row])
    reports = list(SupervisionReport.select(SupervisionReport, Unit, Person)
                   .join(Unit, on=(SupervisionReport.unit == Unit.id)).switch(SupervisionReport)
                   .join(Person, on=(SupervisionReport.recorded_by == Person.id))
                   .where(SupervisionReport.item == row).order_by(SupervisionReport.id.desc()))
    notices = list(SupervisionNotice.select(SupervisionNotice, Person)
                   .join(Person, on=(SupervisionNotice.issued_by == Person.id))
                   .where(SupervisionNotice.item == row).order_by(SupervisionNotice.id))
    f = engine.flow_of(sup.KIND, row.id)
    steps = tuple(s for (s,) in Task.select(Task.step).where(
        (Task.flow == f) & (Task.state == WAITING)).order_by(Task.id).tuples())
    return ItemDetail(
        row=line, target=row.target, responsible=row.responsible, liaison=row.liaison,
        meeting_on=row.meeting_on,
        instructed_by=row.instructed_by.name if row.instructed_by_id else "",
        instruction=row.instruction, instructed_on=row.instructed_on, urgency=row.urgency,
        latest_report=row.latest_report, onsite=sup.onsite(row, actor.today),
        parts=[PartView(p.unit.short, p.role, p.signed_on, p.last_report_on, p.reports)
               for p in sup.parts(row)],
        reports=[ReportView(r.unit.short, r.final, r.text, r.progress, r.status, r.unit_date,
                            r.recorded_by.name) for r in reports],
        notices=[NoticeView(sup.notice_number(n), n.units, n.note, n.issued_by.name,
                            n.issued_at) for n in notices],
        timeline=engine.timeline(sup.KIND, row.id),
        actions=engine.available_actions(actor, sup.KIND, row.id),
        waiting_steps=steps,
    )


def flow_state(row: SupervisionItem) -> str:
    return Flow.get((Flow.kind == sup.KIND) & (Flow.record_id == row.id)).state


@dataclass(frozen=True)
class UnitStats:
    unit: str
    items: int  # led by the unit (this year's)
    done: int
    late: int  # shown 滞后 now
    reports: int  # reports that had a deadline
    on_time: int  # of them, given by the deadline

    @property
    def on_time_rate(self) -> int | None:
        return round(100 * self.on_time / self.reports) if self.reports else None


def unit_statistics(actor: Actor, year: int | None = None) -> list[UnitStats]:
    """Per lead unit, the year's items: how many, done, 滞后 now, and the on-time rate of its
    签收 and 反馈 that had a deadline (registered by their due) — the most late first."""
    year = year or actor.today.year
    S = SupervisionItem
    items = list(S.select(S, Unit).join(Unit, on=(S.lead_unit == Unit.id))
                 .where(S.year == year))
    by_id = {r.id: r for r in items}
    out: dict[str, list[int]] = {}
    for r in items:
        row = out.setdefault(r.lead_unit.short, [0, 0, 0, 0, 0])
        row[0] += 1
        status = sup.shown_status(r, actor.today)
        row[1] += status == states.DONE
        row[2] += status == states.LAGGING
    if by_id:
        q = (Task.select(Flow.record_id, Task.due, Task.acted_at).join(Flow)
             .where((Flow.kind == sup.KIND) & Flow.record_id.in_(list(by_id))
                    & Task.step.in_(("签收", "反馈")) & (Task.state == "done")
                    & Task.due.is_null(False)).tuples())
        for record_id, due, acted_at in q:
            row = out[by_id[record_id].lead_unit.short]
            row[3] += 1
            due = due if isinstance(due, date) else date.fromisoformat(str(due))
            row[4] += acted_at.date() <= due
    stats = [UnitStats(unit, *nums) for unit, nums in out.items()]
    return sorted(stats, key=lambda s: (-s.late, -(s.items - s.done), s.unit))


# ---------------------------------------------------------------------------- by month


@dataclass(frozen=True)
class MonthStatus:
    """How the items stood at one month end (the month under way: today), and the reports
    the units gave in the month (by their date)."""

    month: int
    on: date
    not_started: int
    under_way: int
    lagging: int
    done: int
    reports: int

    @property
    def total(self) -> int:
        return self.not_started + self.under_way + self.lagging + self.done

    def count(self, status: str) -> int:
        return {states.NOT_STARTED: self.not_started, states.UNDER_WAY: self.under_way,
                states.LAGGING: self.lagging, states.DONE: self.done}[status]


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def monthly_status(actor: Actor, year: int | None = None) -> list[MonthStatus]:
    """For each month of ``year`` up to today, the items by status at its end — the year's
    items and those carried over open into it — read back from each item's registration,
    its lead unit's reports (their status, by the unit's date), the 签收/反馈 it owed past
    their deadline then (滞后 as the register shows it) and the 督查室's 办结 (the flow
    closed); and how many reports the units gave in the month."""
    import calendar

    year = validate.integer({"year": year}, "year", "year", default=actor.today.year,
                            low=2000, high=2100)
    start, end = date(year, 1, 1), date(year, 12, 31)
    if start > actor.today:
        return []
    S = SupervisionItem
    rows = list(S.select(S.id, S.lead_unit, S.created_at, S.status, Flow.closed_at)
                .join(Flow, JOIN.LEFT_OUTER, on=((Flow.kind == sup.KIND)
                                                 & (Flow.record_id == S.id)))
                .where((S.created_at < datetime(year + 1, 1, 1))
                       & (Flow.closed_at.is_null() | (Flow.closed_at >= datetime(year, 1, 1))
                          | (S.status != states.DONE)))
                .tuples())
    items = {}
    for item_id, lead, created_at, status, closed_at in rows:
        done_on = _as_date(closed_at) if status == states.DONE else None
        items[item_id] = (lead, _as_date(created_at), done_on)
    ids = list(items)
    reports: dict[int, list[tuple[date, int, str]]] = {}
    per_month = [0] * 13
    if ids:
        R = SupervisionReport
        for item_id, unit, status, unit_date, report_id in (
                R.select(R.item, R.unit, R.status, R.unit_date, R.id)
                .where(R.item.in_(ids) & (R.unit_date <= end)).tuples()):
            day = _as_date(unit_date)
            if day >= start:
                per_month[day.month] += 1
            if unit == items[item_id][0]:
                reports.setdefault(item_id, []).append((day, report_id, status))
    owed: dict[int, list[tuple[date, date, date | None]]] = {}  # (due, from, until)
    if ids:
        for record_id, due, created_at, acted_at, state in (
                Task.select(Flow.record_id, Task.due, Task.created_at, Task.acted_at,
                            Task.state).join(Flow)
                .where((Flow.kind == sup.KIND) & Flow.record_id.in_(ids)
                       & Task.step.in_((sup.SIGN, sup.REPORT)) & Task.due.is_null(False)
                       & (Task.due < end)).tuples()):
            if state != WAITING and acted_at is None:
                continue  # never held (cancelled, skipped)
            owed.setdefault(record_id, []).append(
                (_as_date(due), _as_date(created_at), _as_date(acted_at)))
    for lines in reports.values():
        lines.sort()

    out = []
    for month in range(1, 13):
        on = min(date(year, month, calendar.monthrange(year, month)[1]), actor.today)
        if date(year, month, 1) > actor.today:
            break
        counts = dict.fromkeys(states.STATUSES, 0)
        for item_id, (_lead, created_on, done_on) in items.items():
            if created_on > on:
                continue
            if done_on is not None and done_on <= on:
                counts[states.DONE] += 1
                continue
            given = [status for day, _id, status in reports.get(item_id, ()) if day <= on]
            status = given[-1] if given else states.NOT_STARTED
            if status == states.DONE:  # a report never says 已完成; be safe
                status = states.UNDER_WAY
            late = any(due < on and since <= on and (until is None or until > on)
                       for due, since, until in owed.get(item_id, ()))
            counts[states.LAGGING if late else status] += 1
        out.append(MonthStatus(month, on, counts[states.NOT_STARTED],
                               counts[states.UNDER_WAY], counts[states.LAGGING],
                               counts[states.DONE], per_month[month]))
    return out
