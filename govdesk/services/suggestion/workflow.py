"""建议提案: NPC suggestions and CPPCC proposals (SPEC §11; Part 2 §5(一)), and their rules.

The path is data/workflows/suggestion.toml on the engine: 交办 → 协办意见 (co-units) and 拟复
(lead unit) → 审核 (督查室) → 阅批 (主管领导) → 寄送 → 反馈 → 重新答复 (不满意) / 落实 (adopted).
This module keeps only what is its own: the fields and checks, who may register and assign
(督查室), the terms in months (data/rules.toml [suggestion]) set on the tasks, the 主管领导 holder
rule, the co-units' round, the 6-month extension, and which feedback action a word leads to.
Units have no logins: 督查室 registers each unit's opinion and reply on its behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from peewee import JOIN

from govdesk.i18n import t, t_record
from govdesk.models import Person, Suggestion, Task, Unit, database
from govdesk.models import suggestion as states
from govdesk.models.flow import WAITING
from govdesk.services import flow, org, validate
from govdesk.services.calendar import office_calendar
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.policy import can_act
from govdesk.services.rules import office_rules

KIND = "suggestion"
SEARCH_CODE = 4  # in the full-text index (收文 1, 发文 2): fixed once records are indexed
SECTION = "ducha"
REPLY_STEPS = ("拟复", "审核", "阅批", "寄送")
CO_STEP, SECOND_STEP = "协办意见", "重新答复"


def _label(name: str) -> str:
    return t(f"suggestion.f_{name}")


def is_supervision(person: Person) -> bool:
    """督查室 handles the suggestions (Part 2 §5(一)1); an admin may too."""
    return person.section.code == SECTION or person.admin


def require_supervision(actor: Actor) -> None:
    if not is_supervision(actor.person):
        raise PermissionDenied(t("suggestion.refuse.not_supervision"))


# ---------------------------------------------------------------------------- terms


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (a day the month lacks is its last day)."""
    return engine.add_months(start, months)


def term_due(start: date, months: int) -> date:
    """A term of months from ``start``; one ending on a day off moves to the next working day."""
    return office_calendar().next_workday(add_months(start, months))


def reply_due(assigned_on: date, complex_: bool = False) -> date:
    suggestion_rules = office_rules().suggestion
    return term_due(assigned_on, suggestion_rules.complex_reply_months if complex_
                    else suggestion_rules.reply_months)


def co_opinion_due(assigned_on: date) -> date:
    suggestion_rules = office_rules().suggestion
    return term_due(assigned_on, suggestion_rules.co_opinion_months)


def second_reply_due(feedback_on: date) -> date:
    suggestion_rules = office_rules().suggestion
    return term_due(feedback_on, suggestion_rules.second_reply_months)


def _record_due(row: Suggestion) -> date | None:
    if row.state == states.REDO:
        return row.second_due
    if row.replied_on is None:
        return row.reply_due
    return None


def _set_dues(row: Suggestion) -> None:
    """The tasks of the reply carry the reply's deadline; the second reply its own."""
    engine.set_task_dues(KIND, row, ((REPLY_STEPS, row.reply_due),
                                     ((SECOND_STEP,), row.second_due)))


# ---------------------------------------------------------------------------- register


def co_unit_ids(row: Suggestion) -> list[int]:
    return [int(x) for x in row.co_units.split(",") if x.strip().isdigit()]


def clean_fields(fields: dict, today: date) -> dict:
    if not isinstance(fields, dict):
        raise ValidationError(_label("title"), t("errors.required"), name="title")
    source = validate.choice(fields, "source", _label("source"), states.SOURCES, states.NPC)
    year = validate.integer(fields, "year", _label("year"), default=today.year, low=2000,
                            high=2100)
    return {
        "source": source, "year": year,
        "session": validate.text(fields, "session", _label("session"), limit=100),
        "number": validate.text(fields, "number", _label("number"), required=True, limit=40),
        "proposer": validate.text(fields, "proposer", _label("proposer"), required=True,
                                  limit=200),
        "group": validate.text(fields, "group", _label("group"), limit=100),
        "title": validate.text(fields, "title", _label("title"), required=True, limit=500),
        "category": validate.text(fields, "category", _label("category"), limit=40),
        "body": validate.text(fields, "body", _label("body"), required=True),
    }


def register(actor: Actor, fields: dict) -> Suggestion:
    """One suggestion or proposal of the batch handed over after the 两会 (Part 2 §5(一)1):
    to 督查室's 交办 at once. The same number twice in a year and kind is refused."""
    require_supervision(actor)
    clean = clean_fields(fields, actor.today)
    with database.atomic():
        S = Suggestion
        twin = S.get_or_none((S.source == clean["source"]) & (S.year == clean["year"])
                             & (S.number == clean["number"]))
        if twin is not None:
            raise ValidationError(_label("number"), t("suggestion.refuse.duplicate",
                                                      number=clean["number"]), name="number")
        row = S.create(**clean, state=states.REGISTERED, registered_by=actor.person,
                       created_at=actor.now, updated_at=actor.now)
        engine.register_record(actor, KIND, row, registered=("登记", t_record(
            "suggestion.registered_note", source=row.source, number=row.number,
            proposer=row.proposer)))
    return row


def register_batch(actor: Actor, batch: list[dict]) -> list[Suggestion]:
    """A whole batch in one transaction: one bad entry saves none (it is named by its place)."""
    require_supervision(actor)
    if not isinstance(batch, list) or not batch:
        raise ValidationError(_label("batch"), t("errors.required"), name="batch")
    out = []
    with database.atomic():
        for n, fields in enumerate(batch, 1):
            try:
                out.append(register(actor, fields))
            except ValidationError as exc:
                raise ValidationError(t("suggestion.batch_entry", n=n, field=exc.field),
                                      exc.message, name=exc.name) from None
    return out


def get(actor: Actor, record_id: Any, *, record_open: bool = True) -> Suggestion:
    return engine.open_record(actor, KIND, record_id, record_open=record_open)


# ---------------------------------------------------------------------------- 交办


def _units(value: Any, label: str, name: str) -> list[Unit]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, (list, tuple)) else [
        v for v in str(value).replace("，", ",").replace("、", ",").split(",")]
    out: list[Unit] = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        unit = validate.unit(item.strip() if isinstance(item, str) else item, label, name=name)
        if unit is not None and unit not in out:
            out.append(unit)
    return out


def assign(actor: Actor, task_id: Any, *, lead: Any, co: Any = (), category: Any = "",
           complex: bool = False, approved_by: Any = "", reason: Any = "") -> Suggestion:
    """交办: classify, name the lead unit and the co-units. The reply is due 3 months from
    today (6 for a complex one, which needs who approved it and why); each co-unit's opinion
    within a month."""
    turn = engine.turn(actor, KIND, task_id, "assign")
    lead_unit = validate.unit(lead, _label("lead_unit"), name="lead_unit")
    if lead_unit is None:
        raise ValidationError(_label("lead_unit"), t("errors.required"), name="lead_unit")
    if org.portfolio_leader(lead_unit) is None:
        raise ValidationError(_label("lead_unit"), t("suggestion.refuse.no_leader",
                                                     unit=lead_unit.short), name="lead_unit")
    co_units = _units(co, _label("co_units"), "co_units")
    if lead_unit in co_units:
        raise ValidationError(_label("co_units"), t("suggestion.refuse.lead_in_co",
                                                    unit=lead_unit.short), name="co_units")
    category = validate.text({"category": category}, "category", _label("category"), limit=40)
    extension = _extension(complex, approved_by, reason)
    today = actor.today
    values = {"lead_unit": lead_unit, "co_units": ",".join(str(u.id) for u in co_units),
              "assigned_on": today, "complex": bool(complex), "extension": extension,
              "reply_due": reply_due(today, bool(complex))}
    if category:
        values["category"] = category
    opinion = t_record("suggestion.assigned_note", lead=lead_unit.short,
                       co="、".join(u.short for u in co_units) or "—")

    def hand_co(row: Suggestion) -> None:
        if co_units:
            engine.hand_out(actor, KIND, turn.flow, CO_STEP, row, due=co_opinion_due(today),
                            hands=[flow.Hand(section=org.section(SECTION), note=u.short)
                                   for u in co_units])

    with database.atomic():
        row = engine.advance(actor, turn, opinion, values=values, effect=hand_co,
                             note=lead_unit.short)
        _set_dues(row)
    return Suggestion.get_by_id(row.id)


def _extension(complex_: bool, approved_by: Any, reason: Any) -> str:
    if not complex_:
        return ""
    who = validate.person(approved_by or None, _label("approved_by"), name="approved_by")
    if who is None:
        raise ValidationError(_label("approved_by"), t("errors.required"), name="approved_by")
    why = validate.text({"reason": reason}, "reason", _label("reason"), required=True,
                        limit=500)
    return t_record("suggestion.extension_note", who=who.name, reason=why)


def extend(actor: Actor, record_id: Any, *, approved_by: Any, reason: Any) -> Suggestion:
    """A complex one found so after 交办: 6 months from 交办 instead of 3, with who approved it
    and why, on the timeline; only before the reply is sent."""
    require_supervision(actor)
    with database.atomic():
        row = engine.record(KIND, record_id)
        if row.assigned_on is None or row.replied_on is not None or row.complex:
            raise ValidationError(_label("reply_due"), t("suggestion.refuse.no_extension"),
                                  name="reply_due")
        extension = _extension(True, approved_by, reason)
        row = engine.set_state(actor, KIND, row, complex=True, extension=extension,
                               reply_due=reply_due(row.assigned_on, True))
        engine.note_on_timeline(actor, KIND, row.id, "延期", extension)
        _set_dues(row)
    return Suggestion.get_by_id(row.id)


# ---------------------------------------------------------------------------- the units' work


def unit_day(on: Any, today: date) -> date:
    """The unit's own date of what 督查室 registers on its behalf (today if none): not later
    than today."""
    day = validate.day({"on": on}, "on", _label("unit_date"), today)
    if day > today:
        raise ValidationError(_label("unit_date"), t("suggestion.refuse.future"), name="on")
    return day


def co_opinion(actor: Actor, task_id: Any, opinion: Any, on: Any = None) -> Suggestion:
    """A co-unit's opinion to the lead unit, registered by 督查室 on its behalf, with the
    unit's date."""
    turn = engine.turn(actor, KIND, task_id, "co_opinion")
    text = validate.text({"opinion": opinion}, "opinion", _label("co_opinion"), required=True)
    day = unit_day(on, actor.today)
    return engine.advance(actor, turn, t_record("suggestion.unit_said", unit=turn.task.note,
                                                day=f"{day:%Y-%m-%d}", text=text))


def pending_co_units(row: Suggestion) -> list[str]:
    f = engine.flow_of(KIND, row.id)
    return [task.note for task in Task.select().where(
        (Task.flow == f) & (Task.state == WAITING) & (Task.step == CO_STEP)).order_by(Task.id)]


def submit(actor: Actor, task_id: Any, reply: Any, *, adopted: bool = False,
           on: Any = None) -> Suggestion:
    """The lead unit's draft reply (and whether it adopts the suggestion), registered by
    督查室; refused while a co-unit's opinion is awaited."""
    turn = engine.turn(actor, KIND, task_id, "submit")
    waiting = pending_co_units(turn.record)
    if waiting:
        raise ValidationError(_label("reply"), t("suggestion.refuse.co_pending",
                                                 units="、".join(waiting)), name="reply")
    text = validate.text({"reply": reply}, "reply", _label("reply"), required=True)
    day = unit_day(on, actor.today)
    with database.atomic():
        row = engine.advance(actor, turn, t_record(
            "suggestion.unit_said", unit=turn.record.lead_unit.short, day=f"{day:%Y-%m-%d}",
            text=t_record("suggestion.draft_note", adopted=t_record(
                "suggestion.adopted_yes" if adopted else "suggestion.adopted_no"))),
            values={"reply": text, "adopted": bool(adopted)})
        _set_dues(row)
    return Suggestion.get_by_id(row.id)


def review(actor: Actor, task_id: Any, *, passed: bool, opinion: Any = "") -> Suggestion:
    """督查室's review: on to the 主管领导, or back to the unit with what to change."""
    return engine.pass_or_send_back(actor, KIND, task_id, passed=passed, opinion=opinion,
                                    label=_label("opinion"), forward="review_pass",
                                    passed_opinion=t_record("suggestion.review_ok"),
                                    then=_set_dues)


def approve(actor: Actor, task_id: Any, *, agreed: bool = True, opinion: Any = "") -> Suggestion:
    """The 主管领导's 阅批: agreed, to be sent; or back to the unit with the reason."""
    return engine.pass_or_send_back(actor, KIND, task_id, passed=agreed, opinion=opinion,
                                    label=_label("opinion"), forward="approve",
                                    passed_opinion=t_record("engine.action.approve"),
                                    then=_set_dues)


def send_reply(actor: Actor, task_id: Any, on: Any = None) -> Suggestion:
    """督查室 sends the approved reply to the deputy (the day it was sent)."""
    turn = engine.turn(actor, KIND, task_id, "send_reply")
    day = unit_day(on, actor.today)
    return engine.advance(actor, turn, t_record("suggestion.sent_note", day=f"{day:%Y-%m-%d}"),
                          values={"replied_on": day})


def feedback_action(row: Suggestion, verdict: str) -> str:
    if verdict == states.DISSATISFIED:
        return "feedback_redo"
    return "feedback_adopted" if row.adopted else "feedback_close"


def feedback(actor: Actor, task_id: Any, verdict: Any, note: Any = "",
             on: Any = None) -> Suggestion:
    """The deputy's word on the reply: 满意/基本满意 ends it (an adopted one goes on to 落实);
    不满意 gives the unit a second reply, due a month from the feedback."""
    task = engine.task_of(KIND, task_id)
    row = engine.record(KIND, task.flow.record_id)
    if verdict not in states.FEEDBACKS:
        raise ValidationError(_label("feedback"), t("suggestion.refuse.feedback",
                                                    choices="、".join(states.FEEDBACKS)),
                              name="feedback")
    turn = engine.turn(actor, KIND, task_id, feedback_action(row, verdict))
    text = validate.text({"note": note}, "note", _label("note"))
    day = unit_day(on, actor.today)
    values: dict[str, Any] = {"feedback": verdict, "feedback_on": day}
    if verdict == states.DISSATISFIED:
        values["second_due"] = second_reply_due(day)
    opinion = t_record("suggestion.feedback_note", verdict=verdict, day=f"{day:%Y-%m-%d}")
    with database.atomic():
        row = engine.advance(actor, turn, f"{opinion} {text}".strip(), values=values,
                             note=row.lead_unit.short if row.lead_unit_id else "")
        _set_dues(row)
    return Suggestion.get_by_id(row.id)


def second_reply(actor: Actor, task_id: Any, reply: Any, on: Any = None) -> Suggestion:
    """The unit's second reply after talking with the deputy, sent; the feedback asked again."""
    turn = engine.turn(actor, KIND, task_id, "second_reply")
    text = validate.text({"reply": reply}, "reply", _label("reply"), required=True)
    day = unit_day(on, actor.today)
    return engine.advance(actor, turn, t_record(
        "suggestion.unit_said", unit=turn.record.lead_unit.short, day=f"{day:%Y-%m-%d}",
        text=text), values={"reply": text, "second_replied_on": day})


def implemented(actor: Actor, task_id: Any, note: Any, on: Any = None) -> Suggestion:
    """An adopted suggestion done (Part 2 §5(一)5): what was done and when."""
    turn = engine.turn(actor, KIND, task_id, "implemented")
    text = validate.text({"note": note}, "note", _label("implementation"), required=True)
    day = unit_day(on, actor.today)
    return engine.advance(actor, turn, t_record(
        "suggestion.unit_said", unit=turn.record.lead_unit.short, day=f"{day:%Y-%m-%d}",
        text=text), values={"implemented_on": day})


def remind(actor: Actor, task_id: Any, note: str = "") -> None:
    engine.remind(actor, KIND, task_id, note)


# ---------------------------------------------------------------------------- register page


@dataclass(frozen=True)
class RegisterRow:
    id: int
    source: str
    number: str
    proposer: str
    title: str
    lead_unit: str
    state: str
    feedback: str
    due: date | None  # the earliest deadline of its waiting tasks


def register_page(actor: Actor, *, source: str | None = None, state: str | None = None,
                  before_id: int | None = None, after_id: int | None = None,
                  limit: int = 200) -> list[RegisterRow]:
    """One page of the register, newest first (keyset-paged by id)."""
    S = Suggestion
    q = S.select(S, Unit).join(Unit, on=(S.lead_unit == Unit.id), join_type=JOIN.LEFT_OUTER)
    if source in states.SOURCES:
        q = q.where(S.source == source)
    rows, dues = engine.register_rows(KIND, q, state=state, before_id=before_id,
                                      after_id=after_id, limit=limit)
    return [RegisterRow(r.id, r.source, r.number, r.proposer, r.title,
                        r.lead_unit.short if r.lead_unit_id else "", r.state, r.feedback,
                        dues.get(r.id)) for r in rows]


# ---------------------------------------------------------------------------- the workflow


def _leader(actor: Actor, row: Suggestion) -> list[flow.Hand]:
    """阅批: the lead unit's 分管副区长 (or who stands in for them)."""
    unit = row.lead_unit if row.lead_unit_id else None
    return engine.unit_leader(actor, unit, lambda: ValidationError(
        _label("lead_unit"), t("suggestion.refuse.no_leader", unit=unit.short if unit else "—"),
        name="lead_unit"))


def _verdict_guard(action: str):
    """At 反馈 the module offers the action a word leads to; each is allowed, as the word is
    the user's: the guard only keeps 落实 for an adopted one and 办结 for one not adopted."""
    def guard(actor: Actor, row: Suggestion, task: Task) -> bool:
        if action == "feedback_adopted":
            return row.adopted
        if action == "feedback_close":
            return not row.adopted
        return True
    return guard


def _record_actions(actor: Actor, row: Suggestion, waiting: list[Task]) -> set[str]:
    out = set()
    if not is_supervision(actor.person):
        return out
    if any(not can_act(actor.person, task) for task in waiting):
        out.add("remind")  # 催办 of the 主管领导 holding its 阅批
    if row.assigned_on is not None and row.replied_on is None and not row.complex:
        out.add("extend")
    return out


def _texts(row: Suggestion) -> tuple[str, ...]:
    return (row.number, row.proposer, row.group, row.title, row.category, row.body)


engine.register(engine.Workflow(
    KIND, Suggestion, holders={"leader": _leader},
    guards={"feedback_adopted": _verdict_guard("feedback_adopted"),
            "feedback_close": _verdict_guard("feedback_close")},
    record_actions=_record_actions, record_due=_record_due,
    title=lambda row: f"{row.source}{row.number} {row.title}",
    not_found="suggestion.refuse.no_record",
    search_code=SEARCH_CODE, search_texts=_texts,
    search_line=lambda row: (f"{row.source}{row.number}", row.proposer,
                             row.assigned_on or row.created_at.date())))
