"""请假 of department heads (SPEC §7; Part 3 §22): the request and its own rules.

The path is data/workflows/leave.toml on the engine:
  正职: 分管审批 (the unit's 分管副区长) → 区长审批 (or the acting head, 代) → 销假
  副职: 分管审批 → 销假
This module keeps only what is its own: the request's fields and checks, who may ask (the head
for themselves, 秘书科 for any head), the two holder rules (the unit's 分管副区长; the requester
for 销假), which approval a grade takes, and the 销假's return date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from govdesk.i18n import t, t_record
from govdesk.models import LeaveRequest, Person, Task, database
from govdesk.models import leave as states
from govdesk.services import audit, flow, org, validate
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.policy import can_act, is_director, is_secretariat

KIND = "leave"
PORTFOLIO_STEP = "分管审批"


def _label(name: str) -> str:
    """The form's label of field ``name``, in the user's language (a refusal names it)."""
    return t(f"leave.f_{name}")


def is_head(person: Person) -> bool:
    return person.unit_id is not None and person.post in states.GRADES


def may_register_for_others(person: Person) -> bool:
    """秘书科 registers the written notice a head sends the office (Part 3 §22)."""
    return is_secretariat(person) or person.admin


def heads_for(actor: Actor) -> list[Person]:
    """The heads this actor may ask leave for: every head for 秘书科, else only themselves."""
    if may_register_for_others(actor.person):
        return org.unit_heads()
    return [actor.person] if is_head(actor.person) else []


# ---------------------------------------------------------------------------- register


def clean_fields(actor: Actor, fields: dict) -> dict:
    """Check the request form; raise on the first bad field, naming it."""
    if not isinstance(fields, dict):
        raise ValidationError(_label("person"), t("errors.required"), name="person")
    person = validate.person(fields.get("person") or None, _label("person"), name="person")
    if person is None and is_head(actor.person):
        person = actor.person
    if person is None:
        raise ValidationError(_label("person"), t("errors.required"), name="person")
    if not is_head(person) or not person.active:
        raise ValidationError(_label("person"), t("leave.refuse.not_head", name=person.name),
                              name="person")
    if person.id != actor.person.id and not may_register_for_others(actor.person):
        raise PermissionDenied(t("leave.refuse.own_only"))
    for key in ("starts_on", "ends_on"):
        if fields.get(key) in (None, ""):
            raise ValidationError(_label(key), t("errors.required"), name=key)
    starts = validate.day(fields, "starts_on", _label("starts_on"), actor.today)
    ends = validate.day(fields, "ends_on", _label("ends_on"), actor.today)
    if ends < starts:
        raise ValidationError(_label("ends_on"), t("leave.refuse.ends_before"), name="ends_on")
    return {
        "person": person,
        "starts_on": starts,
        "ends_on": ends,
        "destination": validate.text(fields, "destination", _label("destination"),
                                     required=True, limit=200),
        "reason": validate.text(fields, "reason", _label("reason"), required=True),
        "contact": validate.text(fields, "contact", _label("contact"), limit=100),
    }


def register(actor: Actor, fields: dict) -> LeaveRequest:
    """A head's leave, asked by the head or registered for them by 秘书科: to the unit's
    分管副区长 at once."""
    clean = clean_fields(actor, fields)
    person = clean["person"]
    with database.atomic():
        clash = LeaveRequest.select().where(
            (LeaveRequest.person == person)
            & LeaveRequest.state.in_((states.PORTFOLIO, states.HEAD_REVIEW, states.APPROVED))
            & (LeaveRequest.starts_on <= clean["ends_on"])
            & (LeaveRequest.ends_on >= clean["starts_on"])).first()
        if clash is not None:
            raise ValidationError(_label("starts_on"), t(
                "leave.refuse.overlap", start=f"{clash.starts_on:%m-%d}",
                end=f"{clash.ends_on:%m-%d}"), name="starts_on")
        title = t_record("leave.record_title", unit=person.unit.short, name=person.name,
                            start=f"{clean['starts_on']:%m-%d}", end=f"{clean['ends_on']:%m-%d}")
        row = LeaveRequest.create(
            **clean, unit=person.unit, grade=person.post, title=title,
            state=states.PORTFOLIO, registered_by=actor.person,
            created_at=actor.now, updated_at=actor.now)
        note = t_record("leave.record_note", start=f"{clean['starts_on']:%Y-%m-%d}",
                           end=f"{clean['ends_on']:%Y-%m-%d}", place=clean["destination"],
                           reason=clean["reason"])
        engine.start(actor, KIND, row, registered=("请假申请", note))
        audit.record(actor, "leave.register", "leave_request", row.id,
                     after=audit.snapshot(row))
    return row


def get(actor: Actor, leave_id: Any, *, record_open: bool = True) -> LeaveRequest:
    return engine.open_record(actor, KIND, leave_id, record_open=record_open)


# ---------------------------------------------------------------------------- decisions


def approval_of(task: Task, row: LeaveRequest) -> str:
    """At 分管审批 a 正职's leave is reported on to the 区长 (forward); everywhere else the
    approver's 同意 ends the approvals (approve)."""
    if task.step == PORTFOLIO_STEP and row.grade == states.HEAD:
        return "forward"
    return "approve"


def approve(actor: Actor, task_id: Any, opinion: str = "") -> LeaveRequest:
    """同意 (or 同意并报区长 for a 正职 at 分管审批)."""
    task = engine.task_of(KIND, task_id)
    row = engine.record(KIND, task.flow.record_id)
    turn = engine.turn(actor, KIND, task_id, approval_of(task, row))
    opinion = validate.text({"opinion": opinion}, "opinion", _label("opinion"))
    return engine.advance(actor, turn, opinion or t_record("engine.action.approve"))


def refuse(actor: Actor, task_id: Any, reason: str) -> LeaveRequest:
    """不予准假, with the reason (it goes back to the requester as the closing opinion)."""
    turn = engine.turn(actor, KIND, task_id, "refuse")
    reason = validate.text({"reason": reason}, "reason", _label("refuse_reason"),
                           required=True)
    return engine.advance(actor, turn, reason)


def cancel_leave(actor: Actor, task_id: Any, returned_on: Any = None) -> LeaveRequest:
    """销假 on return: the actual return date; done after its due, the request stays marked
    逾期销假."""
    turn = engine.turn(actor, KIND, task_id, "cancel_leave")
    row = turn.record
    back = validate.day({"returned_on": returned_on}, "returned_on", _label("returned_on"),
                        actor.today)
    if back < row.starts_on:
        raise ValidationError(_label("returned_on"), t("leave.refuse.back_before"),
                              name="returned_on")
    if back > actor.today:
        raise ValidationError(_label("returned_on"), t("leave.refuse.back_future"),
                              name="returned_on")
    late = turn.task.due is not None and actor.today > turn.task.due
    state = states.RESUMED_LATE if late else states.RESUMED
    return engine.advance(actor, turn, t_record("leave.resumed_opinion",
                                                   day=f"{back:%Y-%m-%d}"),
                          state=state, values={"returned_on": back})


def remind(actor: Actor, task_id: Any, note: str = "") -> None:
    engine.remind(actor, KIND, task_id, note)


# ---------------------------------------------------------------------------- register page


@dataclass(frozen=True)
class RegisterRow:
    id: int
    title: str
    person: str
    unit: str
    grade: str
    starts_on: date
    ends_on: date
    destination: str
    state: str
    holders: str
    due: date | None  # the earliest deadline of its waiting task (a 销假 not done: late)


def register_page(actor: Actor, *, state: str | None = None, before_id: int | None = None,
                  after_id: int | None = None, limit: int = 200) -> list[RegisterRow]:
    """One page of the leave register, newest first (keyset-paged by id)."""
    if not validate.page_args(None, state, before_id=before_id, after_id=after_id,
                               limit=limit):
        return []
    L = LeaveRequest
    q = L.select(L, Person).join(Person, on=(L.person == Person.id))
    if state:
        q = q.where(L.state == state)
    rows = engine.keyset(q, L.id, before_id, limit, after_id)
    ids = [r.id for r in rows]
    holders, dues = engine.holders_by_record(KIND, ids), engine.due_by_record(KIND, ids)
    return [RegisterRow(r.id, r.title, r.person.name, r.unit.short, r.grade, r.starts_on,
                        r.ends_on, r.destination, r.state, holders.get(r.id, ""),
                        dues.get(r.id)) for r in rows]


# ---------------------------------------------------------------------------- the workflow


def _portfolio(actor: Actor, row: LeaveRequest) -> list[flow.Hand]:
    leader = org.portfolio_leader(row.unit)
    if leader is None:
        raise ValidationError(_label("person"), t("leave.refuse.no_leader", unit=row.unit.short),
                              name="person")
    holder, acting_for = org.stand_in(leader, actor.now)
    return [flow.Hand(person=holder, acting_for=acting_for)]


def _requester(actor: Actor, row: LeaveRequest) -> list[flow.Hand]:
    """销假 goes back to whoever asked: the head, or the section of the clerk who registered it."""
    if row.registered_by_id == row.person_id:
        return [flow.Hand(person=row.person)]
    return [flow.Hand(section=row.registered_by.section)]


def _grade_guard(action: str):
    def guard(actor: Actor, row: LeaveRequest, task: Task) -> bool:
        return approval_of(task, row) == action
    return guard


def _record_actions(actor: Actor, row: LeaveRequest, waiting: list[Task]) -> set[str]:
    """催办 of whoever holds it: 秘书科, the office's leaders and the requester."""
    person = actor.person
    others = [task for task in waiting if not can_act(person, task)]
    asked = person.id in (row.person_id, row.registered_by_id)
    if others and (may_register_for_others(person) or is_director(person) or asked):
        return {"remind"}
    return set()


engine.register(engine.Workflow(
    KIND, LeaveRequest, holders={"portfolio": _portfolio, "requester": _requester},
    guards={"forward": _grade_guard("forward"), "approve": _grade_guard("approve")},
    record_actions=_record_actions, record_due=lambda row: None,
    not_found="leave.refuse.no_request"))
