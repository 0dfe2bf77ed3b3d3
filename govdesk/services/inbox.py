"""Home's questions, each one query over the task engine (SPEC §2).

The inbox lists my tasks, one row each. The deadline lists (Home's 期限提醒, `govdesk today`,
督查室) list documents: one row per flow with a waiting task in the viewer's view, at its most
urgent deadline, naming its holders; their counts count documents too, each under the label of
its most urgent deadline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from peewee import JOIN, Case

from govdesk.models import Flow, Person, Section, Task, database
from govdesk.models.flow import WAITING
from govdesk.services import org
from govdesk.services.calendar import office_calendar
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.policy import sees_all_deadlines, visible_title
from govdesk.services.rules import office_rules

OVERDUE, TODAY, SOON = "已超期", "今日到期", "即将到期"


@dataclass(frozen=True)
class InboxItem:
    task_id: int
    flow_id: int
    kind: str
    record_id: int
    step: str
    title: str
    urgency: str
    due: date | None
    holder: str
    acting_for: str
    reminders: int
    # Held 代 for a leader who is back: the holder or 秘书科 may hand it back (flow.hand_back).
    leader_back: bool
    label: str  # 已超期 / 今日到期 / 即将到期 / ""
    days_left: int | None
    # A deadline row stands for its document: the fields above are its most urgent task's;
    # these say how many hold it within the list (people, or sections no one holds it for),
    # the first HOLDER_NAMES of them most urgent first, and whether all are 传阅 readers.
    holder_count: int = 1
    holders: tuple[str, ...] = ()
    circulating: bool = False


HOLDER_NAMES = 3  # names a document's deadline row spells out; the count says the rest
CIRCULATE = "传阅"


def _label(due: date | None, today: date, soon: int) -> tuple[str, int | None]:
    if due is None:
        return "", None
    cal = office_calendar()
    if due < today:
        return OVERDUE, -cal.working_days_between(due, today)
    if due == today:
        return TODAY, 0
    left = cal.working_days_between(today, due)
    return (SOON if left <= soon else ""), left


URGENCY_RANK = Case(Flow.urgency, [("特急", 0), ("加急", 1)], 2)


def _select():
    """Waiting tasks with what a list row shows, names resolved; no order, no limit."""
    Acting = Person.alias()
    return (
        Task.select(
            Task.id, Task.flow, Task.step, Task.due, Task.reminders, Task.urgency,
            Flow.kind, Flow.record_id, Flow.title, Flow.secrecy,
            Person.name.alias("holder_name"), Section.name.alias("section_name"),
            Acting.name.alias("acting_name"), Task.acting_for.alias("acting_id"),
            URGENCY_RANK.alias("urank"),
        )
        .join(Flow)
        .switch(Task).join(Person, JOIN.LEFT_OUTER, on=(Task.holder == Person.id))
        .switch(Task).join(Section, JOIN.LEFT_OUTER, on=(Task.holder_section == Section.id))
        .switch(Task).join(Acting, JOIN.LEFT_OUTER, on=(Task.acting_for == Acting.id))
        .where(Task.state == WAITING)
    )


def _query(person: Person, *, mine: bool):
    """The whole list as one statement, ordered by the list's order. The services page the
    branches of ``_mine`` instead (``_page``); this one is the benchmark's baseline."""
    q = _select()
    if mine:
        q = q.where(
            (Task.holder == person.id)
            | (Task.holder.is_null() & (Task.holder_section == person.section_id))
        )
    return q.order_by(Task.due.is_null(), Task.due, URGENCY_RANK, Task.id)


@dataclass(frozen=True)
class Branch:
    """A condition on waiting tasks (``t``) that one index answers in due order: a WHERE
    fragment, ``{p}`` for each parameter. The lists' branches are disjoint or deduplicated;
    each is read on its own, so an OR never makes the database give up the index."""

    where: str
    params: tuple = ()


EVERYONE = Branch("")


def held_by(person_id: int) -> Branch:
    """Waiting on one person: index (state, holder, due)."""
    return Branch("t.holder_id = {p}", (person_id,))


def held_by_section(section_id: int, *, unheld: bool = False) -> Branch:
    """Waiting on a section: index (state, holder_section, due); ``unheld``, on the section as
    such with no person holding it: index (state, holder_section, holder, due)."""
    where = "t.holder_section_id = {p}"
    return Branch(("t.holder_id IS NULL AND " if unheld else "") + where, (section_id,))


def held_by_any(person_ids: list[int]) -> Branch:
    """Waiting on any of many people (one IN list: sorted by the database, not by an index)."""
    marks = ", ".join("{p}" for _ in person_ids) or "NULL"
    return Branch(f"t.holder_id IN ({marks})", tuple(person_ids))


def _mine(person: Person) -> list[Branch]:
    """What waits on me, or on my section with no one holding it: two disjoint branches."""
    return [held_by(person.id), held_by_section(person.section_id, unheld=True)]


_DATED, _UNDATED = Branch("t.due IS NOT NULL"), Branch("t.due IS NULL")
_URANK = "CASE f.urgency WHEN '特急' THEN 0 WHEN '加急' THEN 1 ELSE 2 END"  # = URGENCY_RANK


def tasks_from(with_flow: bool) -> str:
    """``FROM … WHERE`` of a statement on waiting tasks ``t``, with their flow ``f`` when a
    condition names it. CROSS JOIN keeps SQLite walking the task indexes first: with a plain
    JOIN a condition on f.kind made it read every flow of that kind (245 ms instead of 0.4 to
    count a section's 收文 on a decade); PostgreSQL plans it as any inner join."""
    if with_flow:
        return "task t CROSS JOIN flow f WHERE f.id = t.flow_id AND"
    return "task t WHERE"


def _sql(text: str, params: list):
    """Run SQL written with ``{p}`` for parameters (``?`` on SQLite, ``%s`` on PostgreSQL).
    Dates go as ISO text, which both compare with a date column."""
    values = [v.isoformat() if isinstance(v, date) else v for v in params]
    return database.execute_sql(text.replace("{p}", database.param), values)


def _and(*branches: Branch) -> tuple[str, list]:
    where = "".join(f" AND ({b.where})" for b in branches if b.where)
    return where, [v for b in branches for v in b.params]


def _keys(branches: list[Branch], span: Branch, limit: int,
          extra: Branch | None = None) -> dict[int, tuple]:
    """The first ``limit`` waiting tasks of each branch within ``span`` (and ``extra``, a
    list's filter line), as id → sort key. Each query walks its index in due order and sorts
    only the ties of one due date."""
    keys: dict[int, tuple] = {}
    for branch in branches:
        where, params = _and(branch, span, extra or EVERYONE)
        cursor = _sql(
            f"SELECT t.id, t.due, {_URANK} FROM {tasks_from(True)}"
            f" t.state = {{p}}{where} ORDER BY t.due, {_URANK}, t.id LIMIT {{p}}",
            [WAITING, *params, limit])
        for task_id, due, urank in cursor.fetchall():
            keys[task_id] = (due is None, due or "", urank, task_id)
    return keys


def _page(branches: list[Branch], limit: int, offset: int = 0,
          span: Branch | None = None, extra: Branch | None = None) -> list[dict]:
    """Rows ``offset`` … ``offset + limit`` of the union of ``branches`` in the lists' order:
    by due (undated last), urgency, id; ``span`` (a condition on t.due) leaves the undated out.

    Each branch gives its first ``offset + limit`` ids in that order, merged here; then one
    query reads the page's rows by primary key. No query reads past the page or sorts more
    than one day's ties, whatever the years of finished tasks behind them."""
    want = offset + limit
    keys = _keys(branches, span or _DATED, want, extra)
    order = sorted(keys, key=keys.__getitem__)[:want]
    if span is None and len(order) < want:
        undated = _keys(branches, _UNDATED, want - len(order), extra)
        order += sorted(undated, key=undated.__getitem__)
    ids = order[offset:want]
    if not ids:
        return []
    rows = {row["id"]: row for row in _select().where(Task.id.in_(ids)).dicts()}
    return [rows[i] for i in ids if i in rows]  # one done since the first read: left out


def _count(branches: list[Branch], span: Branch | None = None,
           extra: Branch | None = None) -> int:
    """Waiting tasks in the union of disjoint ``branches``: one count per branch (``extra``,
    a filter line, may name the task's flow ``f``)."""
    total = 0
    for branch in branches:
        where, params = _and(branch, span or EVERYONE, extra or EVERYONE)
        total += _sql(f"SELECT COUNT(*) FROM {tasks_from(bool(extra))} t.state = {{p}}{where}",
                      [WAITING, *params]).fetchone()[0]
    return total


def _items(person: Person, rows, now: datetime) -> list[InboxItem]:
    today = now.date()
    soon = office_rules().home.soon_working_days
    away: dict[int, bool] = {}  # per leader held for, looked up once
    rows = list(rows)
    # A 信访 case's title as this reader may see it (one read for the page).
    page = engine.shown_page(Actor(person, now), [(r["kind"], r["record_id"]) for r in rows])
    out = []
    for row in rows:
        acting_id = row["acting_id"]
        if acting_id is not None and acting_id not in away:
            away[acting_id] = org.away_on(acting_id, now) is not None
        title = visible_title(person, page.title(row["kind"], row["record_id"], row["title"]),
                              row["secrecy"])
        label, left = _label(row["due"], today, soon)
        out.append(InboxItem(
            task_id=row["id"], flow_id=row["flow"], kind=row["kind"],
            record_id=row["record_id"], step=row["step"], title=title,
            urgency=row["urgency"], due=row["due"],
            holder=row["holder_name"] or row["section_name"] or "",
            acting_for=row["acting_name"] or "", reminders=row["reminders"],
            leader_back=acting_id is not None and not away[acting_id],
            label=label, days_left=left,
        ))
    return out


def inbox(actor: Actor, limit: int = 500, offset: int = 0, *,
          where: Branch | None = None) -> list[InboxItem]:
    """Everything waiting on me or my section, most urgent first (earliest due, then urgency);
    one page of it (``inbox_count`` says how many there are); ``where``: a filter line's
    condition (services.list_filter.task_condition)."""
    rows = _page(_mine(actor.person), limit, offset, extra=where)
    return _items(actor.person, rows, actor.now)


def inbox_count(actor: Actor, *, where: Branch | None = None) -> int:
    return _count(_mine(actor.person), extra=where)


@dataclass(frozen=True)
class DeadlineCounts:
    """Home's 已超期 n / 今日到期 n / 即将到期 n documents, counted in the database."""

    overdue: int
    today: int
    soon: int

    @property
    def total(self) -> int:
        return self.overdue + self.today + self.soon


def _horizon(actor: Actor) -> date:
    return office_calendar().add_working_days(actor.today, office_rules().home.soon_working_days)


def _deadline_branches(actor: Actor) -> list[Branch]:
    return [EVERYONE] if sees_all_deadlines(actor.person) else _mine(actor.person)


def _deadline_span(actor: Actor, label: str | None) -> Branch:
    today = actor.today
    if label == OVERDUE:
        return Branch("t.due < {p}", (today,))
    if label == TODAY:
        return Branch("t.due = {p}", (today,))
    if label == SOON:
        return Branch("t.due > {p} AND t.due <= {p}", (today, _horizon(actor)))
    return Branch("t.due <= {p}", (_horizon(actor),))


def _flow_keys(branches: list[Branch], span: Branch, want: int,
               before: Branch | None, extra: Branch | None = None) -> dict[int, tuple]:
    """The first ``want`` documents of each branch within ``span``, as flow id → the sort key of
    its most urgent task there (due, urgency, task id). A branch is walked in due order in
    growing chunks until it has named ``want`` flows, so a 传阅 to 200 readers costs a chunk,
    not the page. ``before`` (a condition on t.due before the span) leaves out flows with a
    task due earlier in any branch: those are listed under an earlier label."""
    keys: dict[int, tuple] = {}
    for branch in branches:
        where, params = _and(branch, span, extra or EVERYONE)
        seen: dict[int, tuple] = {}
        earlier: set[int] = set()  # left out by ``before``: asked about once
        chunk, offset = max(want, 64), 0
        while len(seen) < want:
            rows = _sql(
                f"SELECT t.id, t.flow_id, t.due, {_URANK} FROM {tasks_from(True)}"
                f" t.state = {{p}}{where}"
                f" ORDER BY t.due, {_URANK}, t.id LIMIT {{p}} OFFSET {{p}}",
                [WAITING, *params, chunk, offset]).fetchall()
            fresh: dict[int, tuple] = {}
            for task_id, flow_id, due, urank in rows:
                if flow_id not in seen and flow_id not in fresh and flow_id not in earlier:
                    fresh[flow_id] = (due, urank, task_id)
            for flow_id in _flows_with(branches, list(fresh), before, extra) if before else ():
                del fresh[flow_id]
                earlier.add(flow_id)
            seen.update(fresh)
            if len(rows) < chunk:
                break
            offset, chunk = offset + chunk, chunk * 2
        for flow_id, key in list(seen.items())[:want]:
            if flow_id not in keys or key < keys[flow_id]:
                keys[flow_id] = key
    return keys


def _flows_with(branches: list[Branch], flow_ids: list[int], span: Branch,
                extra: Branch | None = None) -> set[int]:
    """Which of these flows have a waiting task within ``span`` (and ``extra``) in any branch."""
    found: set[int] = set()
    if not flow_ids:
        return found
    marks = ", ".join("{p}" for _ in flow_ids)
    for branch in branches:
        where, params = _and(branch, span, extra or EVERYONE)
        found |= {f for f, in _sql(
            f"SELECT DISTINCT t.flow_id FROM {tasks_from(bool(extra))} t.flow_id IN ({marks})"
            f" AND t.state = {{p}}{where}", [*flow_ids, WAITING, *params]).fetchall()}
    return found


@dataclass
class _Holders:
    count: int
    names: tuple[str, ...]
    circulating: bool


def _holders(branches: list[Branch], span: Branch, flow_ids: list[int]) -> dict[int, _Holders]:
    """Who holds each of these flows within the list: the page's flows' waiting tasks, read by
    flow, names looked up once for the few shown."""
    if not flow_ids:
        return {}
    marks = ", ".join("{p}" for _ in flow_ids)
    tasks: dict[int, tuple] = {}
    for branch in branches:
        where, params = _and(branch, span)
        for row in _sql(
                "SELECT t.id, t.flow_id, t.due, t.step, t.holder_id, t.holder_section_id"
                f" FROM task t WHERE t.flow_id IN ({marks}) AND t.state = {{p}}{where}",
                [*flow_ids, WAITING, *params]).fetchall():
            tasks[row[0]] = row
    per_flow: dict[int, dict[tuple, None]] = {f: {} for f in flow_ids}
    steps: dict[int, set[str]] = {f: set() for f in flow_ids}
    for _task, flow_id, _due, step, holder, section in sorted(
            tasks.values(), key=lambda r: (r[2], r[0])):
        per_flow[flow_id][("p", holder) if holder is not None else ("s", section)] = None
        steps[flow_id].add(step)
    shown = {k for holders in per_flow.values() for k in list(holders)[:HOLDER_NAMES]}
    people = [i for kind, i in shown if kind == "p"]
    sections = [i for kind, i in shown if kind == "s" and i is not None]
    names = {("p", i): n for i, n in
             Person.select(Person.id, Person.name).where(Person.id.in_(people)).tuples()}
    names |= {("s", i): n for i, n in
              Section.select(Section.id, Section.name).where(Section.id.in_(sections)).tuples()}
    return {f: _Holders(len(held), tuple(names.get(k, "") for k in list(held)[:HOLDER_NAMES]),
                        steps[f] == {CIRCULATE})
            for f, held in per_flow.items()}


def _earlier(actor: Actor, label: str | None) -> Branch | None:
    """Tasks due before a label's span: a document with one is listed under that earlier label."""
    if label == TODAY:
        return Branch("t.due < {p}", (actor.today,))
    if label == SOON:
        return Branch("t.due <= {p}", (actor.today,))
    return None


def deadlines(actor: Actor, limit: int = 500, offset: int = 0, *,
              label: str | None = None, where: Branch | None = None) -> list[InboxItem]:
    """Overdue, due today, due within N working days; 主任 and 督查室 see everyone's.
    One row per document, at its most urgent deadline, in the lists' order (due, urgency, that
    task's id); one page of them, or of those whose most urgent deadline has ``label``
    (OVERDUE, TODAY, SOON); ``where``: a filter line's condition (list_filter.task_condition),
    a document listed at its most urgent deadline among the tasks it keeps."""
    branches = _deadline_branches(actor)
    want = offset + limit
    keys = _flow_keys(branches, _deadline_span(actor, label), want, _earlier(actor, label),
                      where)
    flows = sorted(keys, key=keys.__getitem__)[offset:want]
    if not flows:
        return []
    ids = [keys[f][2] for f in flows]
    rows = {row["id"]: row for row in _select().where(Task.id.in_(ids)).dicts()}
    holders = _holders(branches, _deadline_span(actor, None), flows)
    out = []
    for item in _items(actor.person, [rows[i] for i in ids if i in rows], actor.now):
        held = holders.get(item.flow_id)
        if held is not None and held.count:
            item = replace(item, holder_count=held.count, holders=held.names,
                           circulating=held.circulating)
        out.append(item)
    return out


def deadline_tasks(actor: Actor, limit: int = 500, offset: int = 0) -> list[InboxItem]:
    """The tasks behind ``deadlines``, one row each (督查室's load per holder counts these)."""
    rows = _page(_deadline_branches(actor), limit, offset, _deadline_span(actor, None))
    return _items(actor.person, rows, actor.now)


def deadline_counts(actor: Actor, *, where: Branch | None = None) -> DeadlineCounts:
    """How many documents ``deadlines`` lists, each under its most urgent deadline's label:
    one aggregate over the waiting tasks up to the horizon, read branch by branch through the
    (state, …, due) indexes, grouped by flow. Every due date up to the horizon is at most N
    working days away, so a document neither overdue nor due today is 即将到期. (Grouped on
    ``flow_id + 0``: on the bare column SQLite would walk every task by the flow index to
    spare itself the sort of the few waiting ones.)"""
    today = actor.today
    arms, params = [], []
    for branch in _deadline_branches(actor):
        text, values = _and(branch, _deadline_span(actor, None), where or EVERYONE)
        arms.append(f"SELECT t.flow_id, t.due FROM {tasks_from(bool(where))} t.state = {{p}}{text}")
        params += [WAITING, *values]
    row = _sql("SELECT SUM(CASE WHEN d.due < {p} THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN d.due = {p} THEN 1 ELSE 0 END), COUNT(*) FROM ("
               " SELECT MIN(u.due) AS due FROM (" + " UNION ALL ".join(arms) + ")"
               " AS u GROUP BY u.flow_id + 0) AS d", [today, today, *params]).fetchone()
    overdue, due_today, total = (int(x or 0) for x in row)
    return DeadlineCounts(overdue, due_today, total - overdue - due_today)
