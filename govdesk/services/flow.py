"""The flow/task engine under every module (DESIGN.md): a record passes from hand to hand.

A module starts a Flow for its record, hands out Tasks (one holder each, person or section;
parallel turns such as 传阅 share a round), and completes them. Inbox, deadlines and 催办 read
only these tables, so a new module gets them for free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN

from govdesk.i18n import t
from govdesk.models import Flow, Person, Reminder, Section, Task, database
from govdesk.models.flow import CANCELLED, DONE, SKIPPED, WAITING
from govdesk.services import audit, org
from govdesk.services.context import Actor
from govdesk.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from govdesk.services.policy import is_secretariat, require_act

URGENCY_RANK = {"特急": 0, "加急": 1, "普通": 2}


@dataclass(frozen=True)
class Hand:
    """Who a task goes to: a person (optionally standing in for another) or a whole section."""

    person: Person | None = None
    section: Section | None = None
    acting_for: Person | None = None
    step: str = ""
    note: str = ""

    def label(self) -> str:
        if self.person is not None:
            return self.person.name + ("（代）" if self.acting_for else "")
        return self.section.name if self.section else "?"


def start(actor: Actor, kind: str, record_id: int, title: str, *, secrecy: int = 0,
          urgency: str = "普通", due: date | None = None) -> Flow:
    flow = Flow.create(
        kind=kind, record_id=record_id, title=title, secrecy=secrecy, urgency=urgency,
        due=due, created_at=actor.now,
    )
    audit.record(actor, "flow.start", "flow", flow.id, after=audit.snapshot(flow))
    return flow


def flow_of(kind: str, record_id: int) -> Flow:
    flow = Flow.get_or_none((Flow.kind == kind) & (Flow.record_id == record_id))
    if flow is None:
        raise NotFound(t("work.no_flow", kind=kind, id=record_id))
    return flow


def next_round(flow: Flow) -> int:
    last = Task.select(Task.round).where(Task.flow == flow).order_by(Task.round.desc()).first()
    return (last.round + 1) if last else 1


def hand_out(actor: Actor, flow: Flow, step: str, hands: Sequence[Hand], *,
             due: date | None, round: int | None = None) -> list[int]:
    """Give one round of tasks to many hands at once (one INSERT, so 200 readers are instant)."""
    if not hands:
        raise ValidationError(t("work.f_holders"), t("work.pick_one"))
    round = round or next_round(flow)
    rows = [
        {
            "flow": flow.id,
            "round": round,
            "step": hand.step or step,
            "holder": hand.person.id if hand.person else None,
            "holder_section": hand.section.id if hand.section else None,
            "acting_for": hand.acting_for.id if hand.acting_for else None,
            "due": due,
            "urgency": flow.urgency,
            "state": WAITING,
            "note": hand.note,
            "created_at": actor.now,
        }
        for hand in hands
    ]
    for chunk_start in range(0, len(rows), 200):
        Task.insert_many(rows[chunk_start : chunk_start + 200]).execute()
    ids = [
        t.id
        for t in Task.select(Task.id).where((Task.flow == flow) & (Task.round == round))
    ]
    audit.record(
        actor, "flow.hand_out", "flow", flow.id,
        after={"step": step, "round": round, "to": [h.label() for h in hands]},
    )
    return ids


def complete(actor: Actor, task: Task, opinion: str = "", *, state: str = DONE) -> Task:
    require_act(actor.person, task)
    before = audit.snapshot(task)
    updated = (
        Task.update(state=state, opinion=opinion, acted_at=actor.now, acted_by=actor.person,
                    read_at=task.read_at or actor.now)
        .where((Task.id == task.id) & (Task.state == WAITING))
        .execute()
    )
    if not updated:
        raise ConflictError(t("work.taken"))
    task = Task.get_by_id(task.id)
    audit.record(actor, f"task.{state}", "task", task.id, before, audit.snapshot(task))
    return task


def record_done(actor: Actor, flow: Flow, step: str, opinion: str = "", *, round: int | None = None) -> Task:
    """A hop that happened at once (e.g. 登记, 告知来文单位): stored so the timeline shows it."""
    task = Task.create(
        flow=flow, round=round or next_round(flow), step=step, holder=actor.person,
        holder_section=actor.person.section, due=None, urgency=flow.urgency, state=DONE,
        opinion=opinion, created_at=actor.now, read_at=actor.now, acted_at=actor.now,
        acted_by=actor.person,
    )
    audit.record(actor, "task.done", "task", task.id, after=audit.snapshot(task))
    return task


def record_skipped(actor: Actor, flow: Flow, step: str, person: Person, note: str) -> Task:
    """A step passed over on arrival (kept in the timeline with why), e.g. a review by the
    leader who signs himself that day."""
    task = Task.create(
        flow=flow, round=next_round(flow), step=step, holder=person, due=None,
        urgency=flow.urgency, state=SKIPPED, opinion=note, created_at=actor.now,
        acted_at=actor.now, acted_by=actor.person,
    )
    audit.record(actor, "task.skipped", "task", task.id, after=audit.snapshot(task))
    return task


def round_open(flow: Flow, round: int) -> int:
    return Task.select().where(
        (Task.flow == flow) & (Task.round == round) & (Task.state == WAITING)
    ).count()


def cancel_waiting(actor: Actor, flow: Flow) -> int:
    n = (
        Task.update(state=CANCELLED, acted_at=actor.now, acted_by=actor.person)
        .where((Task.flow == flow) & (Task.state == WAITING))
        .execute()
    )
    if n:
        audit.record(actor, "flow.cancel_waiting", "flow", flow.id, after={"cancelled": n})
    return n


def close(actor: Actor, flow: Flow, state: str = "closed") -> None:
    before = audit.snapshot(flow)
    Flow.update(state=state, closed_at=actor.now).where(Flow.id == flow.id).execute()
    audit.record(actor, "flow.close", "flow", flow.id, before, {"state": state})


def mark_read(actor: Actor, task: Task) -> bool:
    """First opening by the holder: the sender sees who has read it and when. True when it
    was marked now (the desk's lists then load again)."""
    if task.read_at is None and task.holder_id == actor.person.id:
        with database.atomic():
            marked = Task.update(read_at=actor.now).where(
                (Task.id == task.id) & Task.read_at.is_null()
            ).execute()
            audit.record(actor, "task.read", "task", task.id)
        return bool(marked)
    return False


def remind(actor: Actor, task: Task, note: str = "") -> Reminder:
    """催办: logged, counted on the task, and shown in the holder's inbox."""
    if task.state != WAITING:
        raise ValidationError(t("work.f_remind"), t("work.already_done"))
    with database.atomic():
        reminder = Reminder.create(task=task, by=actor.person, at=actor.now, note=note)
        Task.update(reminders=Task.reminders + 1, last_reminded=actor.now).where(
            Task.id == task.id
        ).execute()
        audit.record(actor, "task.remind", "task", task.id, after={"note": note})
    return reminder


def can_hand_back(person: Person, task: Task, when: datetime) -> bool:
    """Whether ``person`` may give a task held 代 back to the leader it was held for: the
    leader is back (Part 1 §7: the acting head acts for the period of the absence only), and
    ``person`` holds the task or is 秘书科, who route the office's papers."""
    if task.state != WAITING or task.acting_for_id is None:
        return False
    if task.holder_id != person.id and not is_secretariat(person):
        return False
    principal = Person.get_or_none(Person.id == task.acting_for_id)
    return principal is not None and org.away_on(principal, when) is None


def hand_back(actor: Actor, task_id: int) -> Task:
    """代 ends: the task held for an absent leader goes to that leader, now back, with the same
    step, round, deadline and request. The acting head's task is kept in the timeline as
    withdrawn, with who it went back to. Returns the leader's new task."""
    with database.atomic():
        task = Task.get_or_none(Task.id == task_id)
        if task is None:
            raise NotFound(t("work.no_task", id=task_id))
        if task.state != WAITING:
            raise ConflictError(t("work.taken"))
        if task.acting_for_id is None:
            raise ValidationError(t("work.f_hand_back"), t("work.not_acting"))
        principal = Person.get_by_id(task.acting_for_id)
        if org.away_on(principal, actor.now) is not None:
            raise ValidationError(t("work.f_hand_back"),
                                  t("work.still_away", name=principal.name))
        if task.holder_id != actor.person.id and not is_secretariat(actor.person):
            raise PermissionDenied(t("work.not_yours"))
        before = audit.snapshot(task)
        note = f"{principal.name}已返回，交还本人办理"  # the office's record: Simplified
        taken = (
            Task.update(state=CANCELLED, opinion=note, acted_at=actor.now, acted_by=actor.person)
            .where((Task.id == task.id) & (Task.state == WAITING))
            .execute()
        )
        if not taken:
            raise ConflictError(t("work.taken"))
        new = Task.create(
            flow=task.flow, round=task.round, step=task.step, holder=principal,
            due=task.due, urgency=task.urgency, state=WAITING, note=task.note,
            created_at=actor.now,
        )
        audit.record(actor, "task.handed_back", "task", task.id, before,
                     {**audit.snapshot(Task.get_by_id(task.id)), "to_task": new.id})
    return new


def timeline(flow: Flow) -> list[Task]:
    """Every hop, in order: who, when, what was asked and what they wrote."""
    return list(
        Task.select(Task, Person)
        .join(Person, on=(Task.holder == Person.id), join_type=JOIN.LEFT_OUTER)
        .where(Task.flow == flow)
        .order_by(Task.round, Task.created_at, Task.id)
    )


def holders_now(flow: Flow) -> list[Task]:
    return [t for t in timeline(flow) if t.state == WAITING]


def waiting_tasks(flow: Flow, steps: Iterable[str] | None = None) -> list[Task]:
    q = Task.select().where((Task.flow == flow) & (Task.state == WAITING))
    if steps is not None:
        q = q.where(Task.step.in_(list(steps)))
    return list(q.order_by(Task.id))
