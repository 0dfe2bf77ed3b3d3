"""督查事项 (SPEC §10; Part 2 §4; Part 5 督查室): the item and its own rules.

The path is data/workflows/supervision.toml on the engine:
  登记 → 签收 (lead unit, then each co-unit) → 反馈 (each report period) → 确认办结
Units have no logins: their 签收 and 反馈 are registered by 督查室 staff on their behalf, with
the unit's own date (Part 2 §4(一)2, the spec's header). This module keeps what is its own: the
item's fields by kind, the report cadence (data/rules.toml [supervision]), the status shown
(滞后 when a report is overdue), the numbered 催办单, a further 批示 and a 延期.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from govdesk.i18n import t, t_record
from govdesk.models import (
    Person,
    SupervisionItem,
    SupervisionNotice,
    SupervisionPart,
    SupervisionReport,
    Task,
    Unit,
    database,
)
from govdesk.models import supervision as states
from govdesk.models.flow import WAITING
from govdesk.services import audit, flow, org, sequence, validate
from govdesk.services.calendar import office_calendar
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.policy import is_director, is_secretariat
from govdesk.services.rules import office_rules

KIND = "supervision"
# The stored words screens offer (no screen imports govdesk.models)
KINDS, KEY_WORK, INSTRUCTION, ASSIGNMENT = (states.KINDS, states.KEY_WORK, states.INSTRUCTION,
                                            states.ASSIGNMENT)
NUMBER_PREFIX = "督查"  # the items' own numbers, gap-free per year
NOTICE_PREFIX = "督查催办"  # 催办单 numbers, gap-free per year
URGENCIES = ("普通", "加急", "特急")
BY_URGENCY = (states.INSTRUCTION, states.ASSIGNMENT)  # report by the 批示's urgency
SIGN, REPORT, CONFIRM, NOTED = "签收", "反馈", "确认办结", "阅批示"


def _label(name: str) -> str:
    return t(f"supervision.f_{name}")


def is_ducha(person: Person) -> bool:
    return person.section.code == "ducha" or person.admin


def may_instruct(person: Person) -> bool:
    """A further 批示: written by a leader, or recorded for them by 督查室 or 秘书科."""
    return (is_ducha(person) or is_secretariat(person) or is_director(person)
            or person.rank in org.LEADER_RANKS)


def require_ducha(person: Person) -> None:
    if not is_ducha(person):
        raise PermissionDenied(t("supervision.refuse.ducha_only"))


def number_of(row: SupervisionItem) -> str:
    return t_record("supervision.number", year=row.year, seq=row.seq)


# ---------------------------------------------------------------------------- cadence


add_months = engine.add_months  # the same day so many months later


def report_due(kind: str, urgency: str, start: date) -> date:
    """When a report is due, a period after ``start``: every so many months by kind, or by the
    批示's urgency for 批示件 and 交办 (data/rules.toml [supervision]); a day off moves it to
    the next working day."""
    rules = office_rules().supervision
    cal = office_calendar()
    if kind in BY_URGENCY:
        return cal.due_after(start, rules.instruction[urgency])
    return cal.next_workday(add_months(start, rules.cadence[kind]))


def next_period_due(row: SupervisionItem, today: date) -> date:
    """The lead unit reported: the next period's due. Periodic kinds keep their schedule (a
    cadence after the period's due, not after a late report), never a day already past."""
    if row.kind in BY_URGENCY or row.next_due is None:
        return report_due(row.kind, row.urgency, today)
    months = office_rules().supervision.cadence[row.kind]
    step = 1
    while True:
        due = office_calendar().next_workday(add_months(row.next_due, months * step))
        if due > today:
            return due
        step += 1


def shown_status(row: SupervisionItem, today: date) -> str:
    """未启动/推进中/滞后/已完成; an item whose report is overdue shows 滞后 (SPEC §10)."""
    if row.status == states.DONE:
        return states.DONE
    if row.next_due is not None and row.next_due < today:
        return states.LAGGING
    return row.status


def onsite(row: SupervisionItem, today: date) -> bool:
    """Late or slow: flagged for an on-site check (Part 2 §4(一)4 工作進展緩慢的單位,督查室將
    隨時深入現場進行督查)."""
    return shown_status(row, today) == states.LAGGING


# ---------------------------------------------------------------------------- register


def _units(value: Any) -> list[Unit]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        for sep in (",", "，", " ", "\u3000", ";", "；"):
            value = value.replace(sep, "、")
        value = [v for v in value.split("、") if v.strip()]
    if not isinstance(value, (list, tuple)):
        raise ValidationError(_label("co_units"), t("errors.pick_unit"), name="co_units")
    out = []
    for v in value:
        unit = validate.unit(v.strip() if isinstance(v, str) else v, _label("co_units"),
                             name="co_units")
        if unit is not None and unit not in out:
            out.append(unit)
    return out


def clean_fields(actor: Actor, fields: dict) -> dict:
    """Check the item form; raise on the first bad field, naming it."""
    if not isinstance(fields, dict):
        raise ValidationError(_label("kind"), t("errors.required"), name="kind")
    kind = validate.choice(fields, "kind", _label("kind"), states.KINDS, states.KEY_WORK)
    title = validate.text(fields, "title", _label("title"), required=True, limit=200)
    lead = validate.unit(fields.get("lead_unit") or None, _label("lead_unit"), name="lead_unit")
    if lead is None:
        raise ValidationError(_label("lead_unit"), t("errors.required"), name="lead_unit")
    co = _units(fields.get("co_units"))
    if lead in co:
        raise ValidationError(_label("co_units"), t("supervision.refuse.lead_in_co",
                                                    unit=lead.short), name="co_units")
    leader = validate.person(fields.get("leader") or None, _label("leader"), name="leader")
    instructed_by = validate.person(fields.get("instructed_by") or None,
                                    _label("instructed_by"), name="instructed_by")
    clean = {
        "kind": kind, "title": title, "lead_unit": lead, "co_units": co,
        "target": validate.text(fields, "target", _label("target"), limit=2000),
        "responsible": validate.text(fields, "responsible", _label("responsible"), limit=50),
        "liaison": validate.text(fields, "liaison", _label("liaison"), limit=50),
        "urgency": validate.choice(fields, "urgency", _label("urgency"), URGENCIES, "普通"),
        "instruction": validate.text(fields, "instruction", _label("instruction"), limit=2000),
        "leader": leader if leader is not None else org.portfolio_leader(lead),
        "instructed_by": instructed_by, "meeting_on": None, "instructed_on": None,
    }
    if kind == states.KEY_WORK:
        if fields.get("meeting_on") in (None, ""):
            raise ValidationError(_label("meeting_on"), t("errors.required"), name="meeting_on")
        clean["meeting_on"] = validate.day(fields, "meeting_on", _label("meeting_on"),
                                           actor.today)
        if clean["meeting_on"] > actor.today:
            raise ValidationError(_label("meeting_on"), t("supervision.refuse.future"),
                                  name="meeting_on")
    if kind == states.INSTRUCTION:
        if instructed_by is None:
            raise ValidationError(_label("instructed_by"), t("errors.required"),
                                  name="instructed_by")
        if instructed_by.rank not in (*org.LEADER_RANKS, "主任", "副主任"):
            raise ValidationError(_label("instructed_by"), t(
                "supervision.refuse.not_leader", name=instructed_by.name), name="instructed_by")
        if not clean["instruction"]:
            raise ValidationError(_label("instruction"), t("errors.required"),
                                  name="instruction")
        clean["instructed_on"] = validate.day(fields, "instructed_on", _label("instructed_on"),
                                              actor.today)
        if clean["instructed_on"] > actor.today:
            raise ValidationError(_label("instructed_on"), t("supervision.refuse.future"),
                                  name="instructed_on")
        if clean["leader"] is None or fields.get("leader") in (None, ""):
            clean["leader"] = instructed_by
    return clean


def register(actor: Actor, fields: dict) -> SupervisionItem:
    """督查室 registers an item and hands the lead unit's 签收 out at once."""
    require_ducha(actor.person)
    clean = clean_fields(actor, fields)
    co = clean.pop("co_units")
    year = actor.today.year
    with database.atomic():
        seq = sequence.next_number(NUMBER_PREFIX, year)
        row = SupervisionItem.create(
            **clean, year=year, seq=seq, status=states.NOT_STARTED, state="待签收",
            registered_by=actor.person, created_at=actor.now, updated_at=actor.now)
        SupervisionPart.create(item=row, unit=row.lead_unit, role=states.LEAD)
        for unit in co:
            SupervisionPart.create(item=row, unit=unit, role=states.CO)
        note = t_record("supervision.record_note", kind=row.kind, unit=row.lead_unit.short,
                        co="、".join(u.short for u in co) or "—")
        if row.kind == states.INSTRUCTION:
            note += t_record("supervision.instruction_note", who=row.instructed_by.name,
                             day=f"{row.instructed_on:%Y-%m-%d}", text=row.instruction)
        engine.register_record(actor, KIND, row, registered=("登记", note),
                               note=row.lead_unit.short)
    return row


def get(actor: Actor, item_id: Any, *, record_open: bool = True) -> SupervisionItem:
    return engine.open_record(actor, KIND, item_id, record_open=record_open)


def parts(row: SupervisionItem) -> list[SupervisionPart]:
    """The lead unit first, then the co-units in the order they were given."""
    return list(SupervisionPart.select(SupervisionPart, Unit).join(
        Unit, on=(SupervisionPart.unit == Unit.id)).where(SupervisionPart.item == row)
        .order_by(SupervisionPart.role.desc(), SupervisionPart.id))


def _unit_day(actor: Actor, value: Any, row: SupervisionItem) -> date:
    day = validate.day({"unit_date": value}, "unit_date", _label("unit_date"), actor.today)
    if day > actor.today:
        raise ValidationError(_label("unit_date"), t("supervision.refuse.future"),
                              name="unit_date")
    if day < row.created_at.date():
        raise ValidationError(_label("unit_date"), t("supervision.refuse.before_item"),
                              name="unit_date")
    return day


def _set_due(row: SupervisionItem, step: str, due: date) -> None:
    engine.set_task_dues(KIND, row, (((step,), due),))


# ---------------------------------------------------------------------------- the cycle


def sign(actor: Actor, task_id: Any, unit_date: Any = None) -> SupervisionItem:
    """A unit's 签收 of its part, registered for it: the next unit's 签收 follows, and once every
    unit has signed the first report is due a period after the last 签收."""
    turn = engine.turn(actor, KIND, task_id, "sup_sign")
    row = turn.record
    day = _unit_day(actor, unit_date, row)
    waiting = [p for p in parts(row) if p.signed_on is None]
    if not waiting:
        raise ValidationError(_label("unit"), t("supervision.refuse.all_signed"), name="unit")
    part, rest = waiting[0], waiting[1:]
    opinion = t_record("supervision.signed", unit=part.unit.short, day=f"{day:%Y-%m-%d}")
    with database.atomic():
        SupervisionPart.update(signed_on=day).where(SupervisionPart.id == part.id).execute()
        if rest:
            return engine.advance(actor, turn, opinion, to=SIGN, note=rest[0].unit.short)
        due = report_due(row.kind, row.urgency, actor.today)
        row = engine.advance(actor, turn, opinion, to=REPORT, state="推进中",
                             values={"next_due": due})
        _set_due(row, REPORT, due)
    return row


def _report_fields(actor: Actor, row: SupervisionItem, fields: dict) -> dict:
    if not isinstance(fields, dict):
        raise ValidationError(_label("report"), t("errors.required"), name="report")
    unit = validate.unit(fields.get("unit") or None, _label("unit"), name="unit")
    if unit is None:
        unit = row.lead_unit
    part = SupervisionPart.get_or_none((SupervisionPart.item == row)
                                       & (SupervisionPart.unit == unit))
    if part is None:
        raise ValidationError(_label("unit"), t("supervision.refuse.not_a_unit",
                                                unit=unit.short), name="unit")
    progress = validate.integer(fields, "progress", _label("progress"), default=row.progress,
                                low=0, high=100)
    status = validate.choice(fields, "status", _label("status"),
                             (states.UNDER_WAY, states.LAGGING), states.UNDER_WAY)
    return {"part": part, "unit": unit,
            "text": validate.text(fields, "text", _label("report"), required=True, limit=4000),
            "progress": progress, "status": status,
            "unit_date": _unit_day(actor, fields.get("unit_date"), row)}


def report(actor: Actor, task_id: Any, fields: dict) -> SupervisionItem:
    """A unit's 反馈 for the period, registered for it. The lead unit's closes the period: the
    next report is due a cadence on; a co-unit's is kept and the period stays open."""
    turn = engine.turn(actor, KIND, task_id, "sup_report")
    row = turn.record
    clean = _report_fields(actor, row, fields)
    lead = clean["part"].role == states.LEAD
    due = next_period_due(row, actor.today) if lead else turn.task.due
    opinion = t_record("supervision.reported", unit=clean["unit"].short, text=clean["text"],
                       progress=clean["progress"], status=clean["status"],
                       day=f"{clean['unit_date']:%Y-%m-%d}")
    with database.atomic():
        _keep_report(actor, row, clean, final=False)
        values = {"progress": clean["progress"], "latest_report": clean["text"],
                  "latest_report_on": clean["unit_date"]}
        if lead:
            values |= {"status": clean["status"], "next_due": due}
        row = engine.advance(actor, turn, opinion, values=values)
        if due is not None:
            _set_due(row, REPORT, due)
    return row


def _keep_report(actor: Actor, row: SupervisionItem, clean: dict, *, final: bool) -> None:
    report = SupervisionReport.create(
        item=row, unit=clean["unit"], final=final, text=clean["text"],
        progress=clean["progress"], status=clean["status"], unit_date=clean["unit_date"],
        recorded_by=actor.person, recorded_at=actor.now)
    SupervisionPart.update(last_report_on=clean["unit_date"],
                           reports=SupervisionPart.reports + 1).where(
        SupervisionPart.id == clean["part"].id).execute()
    audit.record(actor, "supervision.report", "supervision_report", report.id,
                 after=audit.snapshot(report))


def final_report(actor: Actor, task_id: Any, fields: dict) -> SupervisionItem:
    """The lead unit's final report (only the lead unit's): to the 督查室 to confirm 办结."""
    turn = engine.turn(actor, KIND, task_id, "sup_final")
    row = turn.record
    clean = _report_fields(actor, row, {**fields, "progress": fields.get("progress") or 100})
    if clean["part"].role != states.LEAD:
        raise ValidationError(_label("unit"), t("supervision.refuse.final_lead_only",
                                                unit=row.lead_unit.short), name="unit")
    opinion = t_record("supervision.final", unit=clean["unit"].short, text=clean["text"],
                       day=f"{clean['unit_date']:%Y-%m-%d}")
    with database.atomic():
        _keep_report(actor, row, clean, final=True)
        return engine.advance(actor, turn, opinion, values={
            "progress": clean["progress"], "latest_report": clean["text"],
            "latest_report_on": clean["unit_date"], "next_due": None})


def confirm(actor: Actor, task_id: Any, opinion: str = "") -> SupervisionItem:
    """督查室 confirms the 办结: the item is 已完成 and its flow closes."""
    turn = engine.turn(actor, KIND, task_id, "sup_confirm")
    opinion = validate.text({"opinion": opinion}, "opinion", _label("opinion"), limit=2000)
    return engine.advance(actor, turn, opinion or t_record("supervision.confirmed"),
                          values={"status": states.DONE, "next_due": None})


def reopen(actor: Actor, task_id: Any, reason: str) -> SupervisionItem:
    """Not yet done: back to reporting, the next report due a period from today."""
    turn = engine.turn(actor, KIND, task_id, "sup_reopen")
    reason = validate.text({"reason": reason}, "reason", _label("reopen_reason"),
                           required=True, limit=2000)
    row = turn.record
    due = report_due(row.kind, row.urgency, actor.today)
    with database.atomic():
        row = engine.advance(actor, turn, reason, values={"next_due": due})
        _set_due(row, REPORT, due)
    return row


def noted(actor: Actor, task_id: Any) -> SupervisionItem:
    turn = engine.turn(actor, KIND, task_id, "sup_noted")
    return engine.advance(actor, turn, t_record("supervision.noted"))


# ---------------------------------------------------------------------------- on the item


def _open_item(actor: Actor, item_id: Any) -> SupervisionItem:
    row = get(actor, item_id, record_open=False)
    if engine.flow_of(KIND, row.id).state != "open":
        raise ValidationError(_label("title"), t("supervision.refuse.closed"), name="title")
    return row


def add_instruction(actor: Actor, item_id: Any, fields: dict) -> SupervisionItem:
    """A further 批示 on the item: on its timeline, and a 阅批示 for the 督查室 clerk."""
    if not may_instruct(actor.person):
        raise PermissionDenied(t("supervision.refuse.instruct"))
    row = _open_item(actor, item_id)
    if not isinstance(fields, dict):
        fields = {}
    leader = validate.person(fields.get("leader") or None, _label("instructed_by"),
                             name="leader")
    if leader is None:
        if actor.person.rank not in (*org.LEADER_RANKS, "主任", "副主任"):
            raise ValidationError(_label("instructed_by"), t("errors.required"), name="leader")
        leader = actor.person
    if leader.rank not in (*org.LEADER_RANKS, "主任", "副主任"):
        raise ValidationError(_label("instructed_by"), t("supervision.refuse.not_leader",
                                                         name=leader.name), name="leader")
    text = validate.text(fields, "text", _label("instruction"), required=True, limit=2000)
    day = validate.day(fields, "day", _label("instructed_on"), actor.today)
    if day > actor.today:
        raise ValidationError(_label("instructed_on"), t("supervision.refuse.future"),
                              name="day")
    opinion = t_record("supervision.instruction_note", who=leader.name,
                       day=f"{day:%Y-%m-%d}", text=text)
    with database.atomic():
        engine.note_on_timeline(actor, KIND, row.id, "批示", opinion)
        engine.hand_out(actor, KIND, engine.flow_of(KIND, row.id), NOTED, row,
                        note=t_record("supervision.instruction_by", who=leader.name),
                        due=False)
        audit.record(actor, "supervision.instruction", "supervision_item", row.id,
                     after={"leader": leader.login, "day": day.isoformat(), "text": text})
    return SupervisionItem.get_by_id(row.id)


def urge(actor: Actor, item_id: Any, note: str = "") -> SupervisionNotice:
    """催办: a numbered 催办单 (gap-free per year, audited) to the units that still owe their
    签收 or report; the waiting task counts the 催办 like any other (inbox, 催办 log)."""
    person = actor.person
    if not (is_ducha(person) or is_director(person)):
        raise PermissionDenied(t("supervision.refuse.urge"))
    row = _open_item(actor, item_id)
    note = validate.text({"note": note}, "note", _label("urge_note"), limit=500)
    f = engine.flow_of(KIND, row.id)
    task = (Task.select().where((Task.flow == f) & (Task.state == WAITING)
                                & Task.step.in_((SIGN, REPORT)))
            .order_by(Task.id).first())
    if task is None:
        raise ValidationError(_label("urge_note"), t("supervision.refuse.nothing_owed"),
                              name="note")
    if task.step == SIGN:
        owed = [p.unit.short for p in parts(row) if p.signed_on is None]
    else:
        # The lead unit owes the period's report; a co-unit, until it has given its first.
        owed = [p.unit.short for p in parts(row)
                if p.role == states.LEAD or p.last_report_on is None]
    with database.atomic():
        seq = sequence.next_number(NOTICE_PREFIX, actor.today.year)
        notice = SupervisionNotice.create(
            year=actor.today.year, seq=seq, item=row, units="、".join(owed), note=note,
            issued_by=person, issued_at=actor.now)
        flow.remind(actor, task, t_record("supervision.notice_note",
                                                  number=notice_number(notice), note=note))
        audit.record(actor, "supervision.urge", "supervision_notice", notice.id,
                     after=audit.snapshot(notice))
    return notice


def notice_number(notice: SupervisionNotice) -> str:
    return t_record("supervision.notice_number", year=notice.year, seq=notice.seq)


def extend(actor: Actor, item_id: Any, fields: dict) -> SupervisionItem:
    """延期: the current report's deadline put back, with the reason (marked 延期)."""
    require_ducha(actor.person)
    row = _open_item(actor, item_id)
    if not isinstance(fields, dict):
        fields = {}
    if row.next_due is None:
        raise ValidationError(_label("new_due"), t("supervision.refuse.nothing_owed"),
                              name="new_due")
    if fields.get("new_due") in (None, ""):
        raise ValidationError(_label("new_due"), t("errors.required"), name="new_due")
    new_due = validate.day(fields, "new_due", _label("new_due"), actor.today)
    if new_due <= row.next_due or new_due <= actor.today:
        raise ValidationError(_label("new_due"), t("supervision.refuse.extend_later",
                                                   due=f"{row.next_due:%Y-%m-%d}"),
                              name="new_due")
    reason = validate.text(fields, "reason", _label("extend_reason"), required=True, limit=500)
    with database.atomic():
        engine.note_on_timeline(actor, KIND, row.id, "延期", t_record(
            "supervision.extended", old=f"{row.next_due:%Y-%m-%d}",
            new=f"{new_due:%Y-%m-%d}", reason=reason))
        row = engine.set_state(actor, KIND, row, next_due=new_due, extended=True)
        _set_due(row, REPORT, new_due)
    return row


# ---------------------------------------------------------------------------- the workflow


def _record_actions(actor: Actor, row: SupervisionItem, waiting: list[Task]) -> set[str]:
    person = actor.person
    out: set[str] = set()
    if not waiting:
        return out
    if may_instruct(person):
        out.add("sup_instruct")
    if (is_ducha(person) or is_director(person)) and any(
            task.step in (SIGN, REPORT) for task in waiting):
        out.add("sup_urge")
    if is_ducha(person) and row.next_due is not None:
        out.add("sup_extend")
    return out


def _search_texts(row: SupervisionItem) -> tuple[str, ...]:
    return (row.title, number_of(row), row.kind, row.lead_unit.name, row.lead_unit.short,
            row.target, row.instruction, row.responsible, row.liaison)


engine.register(engine.Workflow(
    KIND, SupervisionItem, record_actions=_record_actions,
    record_due=lambda row: row.next_due,
    title=lambda row: row.title,
    not_found="supervision.refuse.no_item",
    search_code=3, search_texts=_search_texts,
    search_line=lambda row: (number_of(row), row.lead_unit.short, row.created_at.date())))
