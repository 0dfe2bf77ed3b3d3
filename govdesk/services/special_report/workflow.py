"""人大常委会 special work reports (专项工作报告, SPEC §11; Part 2 §5(二)) and their own rules.

The path is data/workflows/special_report.toml: 通知 → 报送 → 初审 → 阅批 → 印送 → 审议意见 →
研究处理 → 把关. This module keeps what is its own: the letter's fields, the reporting
department and the 人大's dates (the report's due date, the opinions' deadline) set on the
tasks, the 主管领导 holder rule; the departments' work is registered by 督查室 on their behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from peewee import JOIN

from govdesk.i18n import t, t_record
from govdesk.models import SpecialReport, Task, Unit, database
from govdesk.models import suggestion as states
from govdesk.services import flow, org, validate
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import ValidationError
from govdesk.services.policy import can_act
from govdesk.services.suggestion.workflow import is_supervision, require_supervision, unit_day

KIND = "special_report"
SEARCH_CODE = 5
WRITE_STEPS = ("报送", "初审", "阅批", "印送")
FOLLOW_STEPS = ("研究处理", "把关")


def _label(name: str) -> str:
    return t(f"special_report.f_{name}")


def _record_due(row: SpecialReport) -> date | None:
    if row.sent_on is None:
        return row.report_due
    if row.closed_on is None and row.opinions_due is not None:
        return row.opinions_due
    return None


def _set_dues(row: SpecialReport) -> None:
    """The report's tasks carry the 人大's due date; the handling's the opinions' deadline."""
    engine.set_task_dues(KIND, row, ((WRITE_STEPS, row.report_due),
                                     (FOLLOW_STEPS, row.opinions_due)))


def _date(value: Any, key: str, today: date, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(_label(key), t("errors.required"), name=key)
        return None
    return validate.day({key: value}, key, _label(key), today)


def register(actor: Actor, fields: dict) -> SpecialReport:
    """The 人大's letter: which report it asks for (Part 2 §5(二)1); to 督查室's 通知."""
    require_supervision(actor)
    if not isinstance(fields, dict):
        raise ValidationError(_label("title"), t("errors.required"), name="title")
    clean = {
        "year": validate.integer(fields, "year", _label("year"), default=actor.today.year,
                                 low=2000, high=2100),
        "letter_number": validate.text(fields, "letter_number", _label("letter_number"),
                                       required=True, limit=60),
        "title": validate.text(fields, "title", _label("title"), required=True, limit=500),
        "letter": validate.text(fields, "letter", _label("letter")),
        "meeting_on": _date(fields.get("meeting_on"), "meeting_on", actor.today,
                            required=False),
    }
    with database.atomic():
        row = SpecialReport.create(**clean, state=states.R_NOTIFY, registered_by=actor.person,
                                   created_at=actor.now, updated_at=actor.now)
        engine.register_record(actor, KIND, row, registered=("登记", clean["letter_number"]))
    return row


def get(actor: Actor, record_id: Any, *, record_open: bool = True) -> SpecialReport:
    return engine.open_record(actor, KIND, record_id, record_open=record_open)


def notify(actor: Actor, task_id: Any, *, department: Any, report_due: Any) -> SpecialReport:
    """督查室 names the reporting department and the date its report is due (the 人大's)."""
    turn = engine.turn(actor, KIND, task_id, "notify")
    unit = validate.unit(department, _label("department"), name="department")
    if unit is None:
        raise ValidationError(_label("department"), t("errors.required"), name="department")
    if org.portfolio_leader(unit) is None:
        raise ValidationError(_label("department"), t("suggestion.refuse.no_leader",
                                                      unit=unit.short), name="department")
    due = _date(report_due, "report_due", actor.today)
    if due < actor.today:
        raise ValidationError(_label("report_due"), t("special_report.refuse.past"),
                              name="report_due")
    with database.atomic():
        row = engine.advance(actor, turn, t_record("special_report.notified", unit=unit.short,
                                                   due=f"{due:%Y-%m-%d}"),
                             values={"department": unit, "report_due": due}, note=unit.short)
        _set_dues(row)
    return SpecialReport.get_by_id(row.id)


def _unit_work(actor: Actor, task_id: Any, action: str, key: str, value: Any,
               on: Any) -> SpecialReport:
    """The department's text (its report, its handling), registered by 督查室 on its behalf
    with the department's date: kept in ``key`` and said on the timeline."""
    turn = engine.turn(actor, KIND, task_id, action)
    text = validate.text({key: value}, key, _label(key), required=True)
    day = unit_day(on, actor.today)
    said = t_record("suggestion.unit_said", unit=turn.record.department.short,
                    day=f"{day:%Y-%m-%d}", text=text)
    with database.atomic():
        row = engine.advance(actor, turn, said, values={key: text})
        _set_dues(row)
    return SpecialReport.get_by_id(row.id)


def submit_report(actor: Actor, task_id: Any, report: Any, on: Any = None) -> SpecialReport:
    """The department's report, registered by 督查室 on its behalf."""
    return _unit_work(actor, task_id, "submit_report", "report", report, on)


def review(actor: Actor, task_id: Any, *, passed: bool, opinion: Any = "") -> SpecialReport:
    """初审 (督查室) or 把关 (督查室, after the handling): on, or back with what to change; 把关
    passed closes it."""
    return engine.pass_or_send_back(actor, KIND, task_id, passed=passed, opinion=opinion,
                                    label=_label("opinion"), forward=("review_pass", "forward"),
                                    passed_opinion=t_record("suggestion.review_ok"),
                                    passed_values=_closed_if_forward(task_id, actor.today),
                                    then=_set_dues)


def _closed_if_forward(task_id: Any, today: date) -> dict[str, Any] | None:
    """把关 passed (``forward``) is the end: the day it closed."""
    task = engine.task_of(KIND, task_id)
    return {"closed_on": today} if task.step == "把关" else None


def approve(actor: Actor, task_id: Any, *, agreed: bool = True,
            opinion: Any = "") -> SpecialReport:
    return engine.pass_or_send_back(actor, KIND, task_id, passed=agreed, opinion=opinion,
                                    label=_label("opinion"), forward="approve",
                                    passed_opinion=t_record("engine.action.approve"),
                                    then=_set_dues)


def send_report(actor: Actor, task_id: Any, on: Any = None) -> SpecialReport:
    """印送区人大: the day it was sent."""
    turn = engine.turn(actor, KIND, task_id, "send_report")
    day = validate.day({"on": on}, "on", _label("sent_on"), actor.today)
    with database.atomic():
        row = engine.advance(actor, turn, t_record("special_report.sent", day=f"{day:%Y-%m-%d}"),
                             values={"sent_on": day})
        _set_dues(row)
    return SpecialReport.get_by_id(row.id)


def opinions(actor: Actor, task_id: Any, text: Any = "", due: Any = None) -> SpecialReport:
    """The committee's opinions and the date their handling is due; with none, it ends here."""
    text = validate.text({"opinions": text}, "opinions", _label("opinions"))
    if not text:
        turn = engine.turn(actor, KIND, task_id, "no_opinions")
        return engine.advance(actor, turn, t_record("special_report.no_opinions"),
                              values={"closed_on": actor.today})
    turn = engine.turn(actor, KIND, task_id, "opinions")
    day = _date(due, "opinions_due", actor.today)
    if day < actor.today:
        raise ValidationError(_label("opinions_due"), t("special_report.refuse.past"),
                              name="opinions_due")
    with database.atomic():
        row = engine.advance(actor, turn, text, values={"opinions": text, "opinions_due": day},
                             note=turn.record.department.short)
        _set_dues(row)
    return SpecialReport.get_by_id(row.id)


def report_back(actor: Actor, task_id: Any, handling: Any, on: Any = None) -> SpecialReport:
    """The department's 研究处理情况, registered by 督查室 on its behalf."""
    return _unit_work(actor, task_id, "report_back", "handling", handling, on)


@dataclass(frozen=True)
class RegisterRow:
    id: int
    letter_number: str
    title: str
    department: str
    state: str
    due: date | None


def register_page(actor: Actor, *, state: str | None = None, before_id: int | None = None,
                  after_id: int | None = None, limit: int = 200) -> list[RegisterRow]:
    """One page of the register, newest first (keyset-paged by id)."""
    R = SpecialReport
    q = R.select(R, Unit).join(Unit, JOIN.LEFT_OUTER, on=(R.department == Unit.id))
    rows, dues = engine.register_rows(KIND, q, state=state, before_id=before_id,
                                      after_id=after_id, limit=limit)
    return [RegisterRow(r.id, r.letter_number, r.title,
                        r.department.short if r.department_id else "", r.state, dues.get(r.id))
            for r in rows]


def _leader(actor: Actor, row: SpecialReport) -> list[flow.Hand]:
    """阅批: the reporting department's 分管副区长 (or who stands in for them)."""
    return engine.unit_leader(actor, row.department if row.department_id else None,
                              lambda: ValidationError(_label("department"), t(
                                  "suggestion.refuse.no_leader", unit="—"), name="department"))


def _record_actions(actor: Actor, row: SpecialReport, waiting: list[Task]) -> set[str]:
    if is_supervision(actor.person) and any(not can_act(actor.person, t_) for t_ in waiting):
        return {"remind"}
    return set()


engine.register(engine.Workflow(
    KIND, SpecialReport, holders={"leader": _leader}, record_actions=_record_actions,
    record_due=_record_due, not_found="special_report.refuse.no_record",
    search_code=SEARCH_CODE,
    search_texts=lambda row: (row.letter_number, row.title, row.letter, row.report,
                              row.opinions, row.handling),
    search_line=lambda row: (row.letter_number,
                             row.department.short if row.department_id else "",
                             row.report_due or row.created_at.date())))
