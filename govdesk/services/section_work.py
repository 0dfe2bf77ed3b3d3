"""What a section's screen lists: tasks its people or the section hold, and its staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from peewee import JOIN

from govdesk.models import (
    Absence,
    Flow,
    Oversight,
    Person,
    Portfolio,
    Reminder,
    ScheduleEntry,
    Section,
    Task,
    Unit,
)
from govdesk.models.flow import WAITING
from govdesk.services import org
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.inbox import (
    OVERDUE,
    Branch,
    InboxItem,
    _and,
    _deadline_branches,
    _deadline_span,
    _items,
    _mine,
    _page,
    _sql,
    held_by,
    held_by_any,
    held_by_section,
    tasks_from,
)
from govdesk.services.pinyin import matches
from govdesk.services.policy import visible_title
from govdesk.services.schedule import (
    EntryView,
    LeaderWeek,
    PersonRef,
    WeekView,
    person_weeks,
    week_of,
    week_view,
)

SectionItem = InboxItem


# A section with more people than this is read as one branch (holder IN …), sorted by the
# database, rather than one indexed branch per person.
_BRANCH_PER_PERSON = 64


def _section_branches(actor: Actor, codes: tuple[str, ...], filter: str) -> list:
    if filter == "mine":
        return _mine(actor.person)
    ids = [s.id for s in Section.select(Section.id).where(Section.code.in_(codes))]
    people = [p for p, in Person.select(Person.id).where(Person.section.in_(ids)).tuples()]
    branches = [held_by_section(i) for i in ids]
    if len(people) > _BRANCH_PER_PERSON:
        return [*branches, held_by_any(people)]
    return branches + [held_by(p) for p in people]


def section_items(actor: Actor, codes: tuple[str, ...], filter: str = "all",
                  limit: int = 500, offset: int = 0, *,
                  where: Branch | None = None) -> list[InboxItem]:
    """Tasks the section or its people hold (``mine``: mine; ``overdue``: overdue ones), one
    page of them, most urgent first; ``where``: a filter line's condition
    (services.list_filter.task_condition)."""
    rows = _page(_section_branches(actor, codes, filter), limit, offset,
                 _section_span(actor, filter), where)
    return _items(actor.person, rows, actor.now)


def _section_span(actor: Actor, filter: str) -> Branch | None:
    return Branch("t.due < {p}", (actor.today,)) if filter == "overdue" else None


def section_count(actor: Actor, codes: tuple[str, ...], filter: str = "all", *,
                  where: Branch | None = None) -> int:
    """How many tasks ``section_items`` pages through: one count, the branches OR-ed (a task the
    section holds through one of its people is one task), each through its index."""
    branches = _section_branches(actor, codes, filter)
    if not branches:
        return 0
    text, params = _and(Branch(" OR ".join(f"({b.where})" for b in branches),
                               tuple(v for b in branches for v in b.params)),
                        _section_span(actor, filter) or Branch(""), where or Branch(""))
    return _sql(f"SELECT COUNT(*) FROM {tasks_from(bool(where))} t.state = {{p}}{text}",
                [WAITING, *params]).fetchone()[0]


def members(codes: tuple[str, ...]) -> list[Person]:
    return list(
        Person.select(Person, Section)
        .join(Section)
        .where(Section.code.in_(codes) & Person.active)
        .order_by(Section.order, Person.id)
    )


def overseers(codes: tuple[str, ...]) -> list[Person]:
    """The 副主任 who oversee (分管) these office sections (models.Oversight)."""
    return list(
        Person.select()
        .join(Oversight, on=(Oversight.deputy == Person.id))
        .join(Section)
        .where(Section.code.in_(codes) & Person.active)
        .distinct()
        .order_by(Person.id)
    )


def section_heads(codes: tuple[str, ...]) -> list[Person]:
    return [p for p in members(codes) if p.post == "科长"]


# ---- 跟线秘书: each line secretary, the leader followed, that leader's week and papers ----


@dataclass
class LineDesk:
    secretary: Person
    leader: Person | None
    week: LeaderWeek | None
    waiting: list[InboxItem] = field(default_factory=list)  # papers to take to the leader
    today: date = date.min

    @property
    def today_entries(self) -> list[ScheduleEntry]:
        return [e for e in (self.week.entries if self.week else []) if e.start.date() == self.today]


def leader_waiting(actor: Actor, leader: Person, limit: int = 200) -> list[InboxItem]:
    """Tasks waiting on one leader in person, most urgent first; titles redacted for the viewer."""
    return _items(actor.person, _page([held_by(leader.id)], limit), actor.now)


def line_desks(actor: Actor) -> list[LineDesk]:
    """Every line secretary (办一科/办二科 people who follow a leader), in section order."""
    secretaries = [p for p in members(org.LINE_SECTIONS) if p.follows_id]
    leaders = {p.follows_id: p.follows for p in secretaries}
    weeks = person_weeks(list(leaders.values()), actor.today, actor.now)
    out = []
    for sec in secretaries:
        leader = leaders[sec.follows_id]
        out.append(LineDesk(sec, leader, weeks.get(leader.id), leader_waiting(actor, leader),
                            actor.today))
    return out


# ---- 督查室: 催办 log and overdue counts over every holder ----


@dataclass(frozen=True)
class ReminderRow:
    id: int
    at: datetime
    by: str
    holder: str
    step: str
    title: str
    done: bool
    note: str
    task_id: int


def reminder_log(actor: Actor, limit: int = 200) -> list[ReminderRow]:
    """催办 log, newest first: who urged whom about what, and whether it has since been done."""
    By = Person.alias()
    Holder = Person.alias()
    q = (
        Reminder.select(
            Reminder.id, Reminder.at, Reminder.note, Reminder.task,
            By.name.alias("by_name"), Holder.name.alias("holder_name"),
            Section.name.alias("section_name"), Task.step, Task.state,
            Flow.title, Flow.secrecy, Flow.kind, Flow.record_id,
        )
        .join(Task).join(Flow)
        .switch(Reminder).join(By, on=(Reminder.by == By.id))
        .switch(Task).join(Holder, JOIN.LEFT_OUTER, on=(Task.holder == Holder.id))
        .switch(Task).join(Section, JOIN.LEFT_OUTER, on=(Task.holder_section == Section.id))
        .order_by(Reminder.at.desc(), Reminder.id.desc())
        .limit(limit)
    )
    rows = list(q.dicts())
    # A note or title naming a 信访 petitioner, shown or masked for this reader (one read
    # for the page: engine.ReaderPage).
    page = engine.shown_page(actor, [(r["kind"], r["record_id"]) for r in rows])
    return [
        ReminderRow(
            id=r["id"], at=r["at"], by=r["by_name"],
            holder=r["holder_name"] or r["section_name"] or "", step=r["step"],
            title=visible_title(actor.person, page.title(r["kind"], r["record_id"],
                                                         r["title"]), r["secrecy"]),
            done=r["state"] != WAITING, note=page.text(r["kind"], r["record_id"], r["note"]),
            task_id=r["task"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class HolderLoad:
    holder: str
    overdue: int
    soon: int
    reminders: int


def load_by_holder(items: list[InboxItem]) -> list[HolderLoad]:
    """Overdue / soon-due counts per holder of these items, worst first."""
    counts: dict[str, list[int]] = {}
    for i in items:
        row = counts.setdefault(i.holder, [0, 0, 0])
        if i.label == OVERDUE:
            row[0] += 1
        elif i.label:
            row[1] += 1
        row[2] += i.reminders
    return _worst_first(counts)


def _worst_first(counts: dict[str, list[int]]) -> list[HolderLoad]:
    rows = [HolderLoad(h, *c) for h, c in counts.items()]
    return sorted(rows, key=lambda r: (-r.overdue, -r.soon, r.holder))


def holder_loads(actor: Actor) -> list[HolderLoad]:
    """督查室's 超期统计: overdue / soon-due tasks and 催办 per holder over every deadline the
    viewer may see (inbox.deadlines), counted and grouped in the database."""
    counts: dict[str, list[int]] = {}
    for branch in _deadline_branches(actor):
        where, params = _and(branch, _deadline_span(actor, None))
        # Grouped on the task table alone; names are looked up once per holder, not per task.
        cursor = _sql(
            "SELECT h.name, s.name, g.overdue, g.n, g.reminders FROM ("
            " SELECT t.holder_id, t.holder_section_id,"
            " SUM(CASE WHEN t.due < {p} THEN 1 ELSE 0 END) AS overdue, COUNT(*) AS n,"
            " SUM(t.reminders) AS reminders FROM task t"
            f" WHERE t.state = {{p}}{where} GROUP BY t.holder_id, t.holder_section_id) g"
            " LEFT JOIN person h ON h.id = g.holder_id"
            " LEFT JOIN section s ON s.id = g.holder_section_id",
            [actor.today, WAITING, *params])
        for holder, section, overdue, n, reminders in cursor.fetchall():
            # Named as the lists name a holder: the person, else the section.
            row = counts.setdefault(holder or section or "", [0, 0, 0])
            row[0] += int(overdue or 0)
            row[1] += int(n) - int(overdue or 0)
            row[2] += int(reminders or 0)
    return _worst_first(counts)


# ---- 接待办: who is away, where, how to reach them, who acts ----


@dataclass(frozen=True)
class AbsenceRow:
    id: int
    person: str
    post: str
    start: datetime
    end: datetime
    destination: str
    reason: str
    contact: str
    documents_via: str
    acting: str
    status: str  # "now" / "coming" / "back"


def absences(actor: Actor, limit: int = 200) -> list[AbsenceRow]:
    """Absences of leaders and office heads from this Monday on (Part 1 §7, Part 3 §19)."""
    monday, _ = week_of(actor.today)
    Acting = Person.alias()
    q = (
        Absence.select(Absence, Person, Acting)
        .join(Person, on=(Absence.person == Person.id))
        .switch(Absence).join(Acting, JOIN.LEFT_OUTER, on=(Absence.acting == Acting.id))
        .where(Absence.end >= datetime.combine(monday, time.min))
        .order_by(Absence.start, Absence.id)
        .limit(limit)
    )
    out = []
    now = actor.now
    for a in q:
        acting = a.acting.name if a.acting_id else ""
        if not acting and a.person.rank == "区长" and a.start <= now <= a.end:
            acting = org.acting_head(now)[0].name
        status = "now" if a.start <= now <= a.end else ("coming" if a.start > now else "back")
        out.append(AbsenceRow(a.id, a.person.name, a.person.post, a.start, a.end,
                              a.destination, a.reason, a.contact, a.documents_via, acting,
                              status))
    return out


# ---- 综合调研科 / 信息科: leaders' portfolios and the unit directory ----


@dataclass
class PortfolioRow:
    leader: Person
    secretaries: list[str]
    units: list[Unit]


def portfolios() -> list[PortfolioRow]:
    """Each leader's 分管 units and who follows that leader, in schedule-sheet order."""
    leaders = org.leaders()
    ids = [p.id for p in leaders]
    units: dict[int, list[Unit]] = {i: [] for i in ids}
    for row in (Portfolio.select(Portfolio, Unit).join(Unit)
                .where(Portfolio.leader.in_(ids)).order_by(Unit.id)):
        units[row.leader_id].append(row.unit)
    secs: dict[int, list[str]] = {i: [] for i in ids}
    for p in Person.select().where(Person.follows.in_(ids) & Person.active).order_by(Person.id):
        secs[p.follows_id].append(p.name)
    return [PortfolioRow(p, secs[p.id], units[p.id]) for p in leaders]


@dataclass(frozen=True)
class UnitRow:
    id: int
    short: str
    name: str
    kind: str
    level: str
    leader: str
    secretary: str


def unit_kinds() -> list[str]:
    return [u.kind for u in Unit.select(Unit.kind).distinct().order_by(Unit.kind)]


def unit_directory(query: str = "", kind: str = "") -> list[UnitRow]:
    """Units matching characters, full pinyin or initials (`fgj`, `fagai`), with their 分管领导."""
    # Either script (SPEC §0), as pinyin.matches normalises; initials anywhere too: `fgj`
    # finds 区发改局 (qfgj) despite the 区 in front.
    units = [
        u for u in Unit.select().order_by(Unit.id)
        if (not kind or u.kind == kind) and matches(query, u.short + u.name, u.pinyin, u.initials)
    ]
    lead: dict[int, Person] = {}
    for row in (Portfolio.select(Portfolio, Person).join(Person)
                .where(Person.active & Portfolio.unit.in_([u.id for u in units]))):
        lead.setdefault(row.unit_id, row.leader)
    follower: dict[int, str] = {}
    for p in (Person.select().where(Person.follows.in_([p.id for p in lead.values()])
                                    & Person.active).order_by(Person.id)):
        follower.setdefault(p.follows_id, p.name)
    out = []
    for u in units:
        leader = lead.get(u.id)
        out.append(UnitRow(u.id, u.short, u.name, u.kind, u.level,
                           leader.name if leader else "",
                           follower.get(leader.id, "") if leader else ""))
    return out


# ---- plain rows for the section screens (names resolved in the query, no lazy look-ups) ----


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    post: str
    clearance: str  # the 密级 name (SECRECY_LEVELS), to show through term()
    phone: str
    follows: str  # the leader a line secretary follows, "" for others


def member_rows(codes: tuple[str, ...]) -> list[MemberRow]:
    from govdesk.models import SECRECY_LEVELS

    people = members(codes)
    followed = {p.id: p.name for p in Person.select(Person.id, Person.name).where(
        Person.id.in_([m.follows_id for m in people if m.follows_id]))}
    return [MemberRow(p.id, p.name, p.post, SECRECY_LEVELS[p.clearance], p.phone,
                      followed.get(p.follows_id, "") if p.follows_id else "")
            for p in people]


@dataclass(frozen=True)
class SectionHeading:
    name: str  # "办一科、办二科"
    overseers: tuple[str, ...]  # 分管副主任 names
    heads: tuple[str, ...]  # 科长 names


def section_heading(codes: tuple[str, ...]) -> SectionHeading:
    names = "、".join(s.name for s in Section.select().where(Section.code.in_(codes)))
    return SectionHeading(names, tuple(p.name for p in overseers(codes)),
                          tuple(p.name for p in section_heads(codes)))


@dataclass(frozen=True)
class LineDeskView:
    """A LineDesk as plain data (the same attribute names)."""

    secretary: PersonRef
    leader: PersonRef | None
    week: WeekView | None
    waiting: list[InboxItem]
    today_entries: list[EntryView]


def line_desk_views(actor: Actor) -> list[LineDeskView]:
    out = []
    for d in line_desks(actor):
        week = week_view(d.week) if d.week is not None else None
        today = [e for e in (week.entries if week else ()) if e.start.date() == d.today]
        out.append(LineDeskView(PersonRef.of(d.secretary),
                                PersonRef.of(d.leader) if d.leader is not None else None,
                                week, list(d.waiting), today))
    return out


@dataclass(frozen=True)
class PortfolioView:
    leader: PersonRef
    secretaries: tuple[str, ...]
    units: tuple[str, ...]  # the units' short names


def portfolio_views() -> list[PortfolioView]:
    return [PortfolioView(PersonRef.of(r.leader), tuple(r.secretaries),
                          tuple(u.short for u in r.units)) for r in portfolios()]
