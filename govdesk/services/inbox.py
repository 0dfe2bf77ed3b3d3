"""Home's questions, each one query over the task engine (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN, Case

from govdesk.models import Flow, Person, Section, Task
from govdesk.models.flow import WAITING
from govdesk.services import org
from govdesk.services.calendar import office_calendar
from govdesk.services.context import Actor
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


def _query(person: Person, *, mine: bool):
    Acting = Person.alias()
    urgency_rank = Case(Flow.urgency, [("特急", 0), ("加急", 1)], 2)
    q = (
        Task.select(
            Task.id, Task.flow, Task.step, Task.due, Task.reminders, Task.urgency,
            Flow.kind, Flow.record_id, Flow.title, Flow.secrecy,
            Person.name.alias("holder_name"), Section.name.alias("section_name"),
            Acting.name.alias("acting_name"), Task.acting_for.alias("acting_id"),
        )
        .join(Flow)
        .switch(Task).join(Person, JOIN.LEFT_OUTER, on=(Task.holder == Person.id))
        .switch(Task).join(Section, JOIN.LEFT_OUTER, on=(Task.holder_section == Section.id))
        .switch(Task).join(Acting, JOIN.LEFT_OUTER, on=(Task.acting_for == Acting.id))
        .where(Task.state == WAITING)
    )
    if mine:
        q = q.where(
            (Task.holder == person.id)
            | (Task.holder.is_null() & (Task.holder_section == person.section_id))
        )
    return q.order_by(Task.due.is_null(), Task.due, urgency_rank, Task.id)


def _items(person: Person, query, now: datetime) -> list[InboxItem]:
    today = now.date()
    soon = office_rules().home.soon_working_days
    away: dict[int, bool] = {}  # per leader held for, looked up once
    out = []
    for row in query.dicts():
        acting_id = row["acting_id"]
        if acting_id is not None and acting_id not in away:
            away[acting_id] = org.away_on(acting_id, now) is not None
        title = visible_title(person, row["title"], row["secrecy"])
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


def inbox(actor: Actor, limit: int = 500) -> list[InboxItem]:
    """Everything waiting on me or my section, most urgent first (earliest due, then urgency)."""
    return _items(actor.person, _query(actor.person, mine=True).limit(limit), actor.now)


def inbox_count(actor: Actor) -> int:
    return _query(actor.person, mine=True).order_by().count()


def deadlines(actor: Actor, limit: int = 500) -> list[InboxItem]:
    """Overdue, due today, due within N working days; 主任 and 督查室 see everyone's."""
    soon = office_rules().home.soon_working_days
    horizon = office_calendar().add_working_days(actor.today, soon)
    everyone = sees_all_deadlines(actor.person)
    q = _query(actor.person, mine=not everyone).where(Task.due <= horizon).limit(limit)
    return _items(actor.person, q, actor.now)
