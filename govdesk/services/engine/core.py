"""The engine every workflow runs on: one place for the life of a record that passes through hands.

A module registers a ``Workflow`` (its record table, its own holder rules and guards) beside its
spec (data/workflows/<kind>.toml). The engine then gives every module the same: opening a record
with the clearance check and the audit of secret opens, the task a person may act on now,
``available_actions``, one ``advance`` that completes a task and hands out the next in one
transaction with its audit entries, step deadlines, the denormalised Flow fields kept in sync,
and the current holders for a register page. Inbox, deadlines, 催办 and timelines already read
only the Flow/Task tables, so a new workflow appears there with no code of its own.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import JOIN, Model, fn

from govdesk.i18n import t, term
from govdesk.models import Flow, Person, Section, Task, database
from govdesk.models.flow import DONE, RETURNED, WAITING
from govdesk.services import audit, flow, fulltext, org, validate
from govdesk.services.calendar import office_calendar
from govdesk.services.context import Actor
from govdesk.services.engine.spec import (
    CLOSE,
    DYNAMIC,
    STAY,
    ActionSpec,
    SpecError,
    StepSpec,
    WorkflowSpec,
    load,
    workflows_dir,
)
from govdesk.services.engine.spec import _line_of as line_of
from govdesk.services.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from govdesk.services.policy import can_act, can_view, require_act

URGENT = ("特急", "加急")

HolderRule = Callable[[Actor, Model], list[flow.Hand]]
Guard = Callable[[Actor, Model, Task], bool]
# The module's actions on the record itself rather than on a task (edit, 传阅, 借阅 …), given
# the actor, the record and its waiting tasks: the ids the service would accept now.
RecordActions = Callable[[Actor, Model, list[Task]], set[str]]


@dataclass(frozen=True)
class Shown:
    """A page of one kind's records as one reader may see them (``Workflow.shown``)."""

    titles: dict[int, str] = field(default_factory=dict)  # absent: the stored copy
    text: Callable[[int | None, str], str] = lambda record_id, text: text


@dataclass
class Workflow:
    """What a module tells the engine about its records; everything else is in the spec.

    ``holders``: the module's own holder rules (e.g. "drafter", "deputy"), each giving the hands
    for a step from the record. ``guards``: per action id, whether this actor may take it on
    this record now beyond holding the task (e.g. only the 主任 signs). ``record_due``: the
    record's own deadline, which caps steps whose due rule says ``cap``."""

    kind: str
    model: type[Model]
    holders: dict[str, HolderRule] = field(default_factory=dict)
    guards: dict[str, Guard] = field(default_factory=dict)
    record_actions: RecordActions = lambda actor, record, waiting: set()
    # After a task held 代 went back to the leader now returned: the module's own follow-up,
    # in the same transaction (given the leader's new task).
    after_hand_back: Callable[[Actor, Model, Task], None] | None = None
    record_due: Callable[[Model], date | None] = lambda record: getattr(record, "due", None)
    title: Callable[[Model], str] = lambda record: record.title
    secrecy: Callable[[Model], int] = lambda record: getattr(record, "secrecy", 0)
    urgency: Callable[[Model], str] = lambda record: getattr(record, "urgency", "普通")
    # The module's own words (catalog keys) for a record or task not found, and for a record
    # above the reader's clearance; each takes ``id``.
    # How a module refuses an action asked at the wrong step (given the action's id and the
    # task's step); by default named by the action: "归档：这一步不是归档".
    wrong_step: Callable[[str, str], ValidationError] = lambda action, step: ValidationError(
        t(f"engine.action.{action}"), t("engine.not_this_step",
                                        action=t(f"engine.action.{action}")))
    not_found: str = "engine.no_record"
    task_not_found: str = "engine.no_task"
    no_clearance: str = "engine.no_clearance"
    # The one search (services.search): the kind's code in the full-text index (fixed once
    # records are indexed, never reused), the record's searchable fields, and what a result
    # line shows beside the title: (number, from whom, date).
    search_code: int | None = None
    search_texts: Callable[[Model], Sequence[str]] = lambda record: (record.title,)
    search_line: Callable[[Model], tuple[str, str, date | None]] = (
        lambda record: ("", "", None))
    # Records found for this reader beyond the index (given the actor, the words, the most
    # wanted): fields kept out of the index because not everyone may find by them (信访's
    # petitioners, services.petition.masking).
    search_more: Callable[[Actor, str, int], list[Model]] | None = None
    # Texts not every reader sees alike (信访's petitioners, services.petition.masking): given
    # the reader and a page's record ids, ``shown`` gives the records' titles for this reader
    # and a renderer of the texts stored about them (opinions, notes, audit entries) — one
    # read per page, never per row. ``marker``: what a stored text needing it holds (a text
    # without it is shown as stored). ``stored_text``: a text typed about a record (a 催办
    # note) as it is stored. ``audit_tables``: the module's own audit tables, their row ids →
    # the record ids they belong to. None: every reader sees texts as stored, at no cost.
    shown: Callable[[Actor | None, Sequence[int]], Shown] | None = None
    marker: str = ""
    stored_text: Callable[[int, str], str] | None = None
    audit_tables: dict[str, Callable[[Sequence[int]], dict[int, int]]] = field(
        default_factory=dict)

    @property
    def spec(self) -> WorkflowSpec:
        return load(self.kind, tuple(sorted(self.holders)))


_workflows: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    code = workflow.search_code
    if code is not None and any(other.search_code == code and other.kind != workflow.kind
                                for other in _workflows.values()):
        raise ValueError(f"search code {code} of {workflow.kind} is taken")
    _workflows[workflow.kind] = workflow
    return workflow


def workflow(kind: str) -> Workflow:
    try:
        return _workflows[kind]
    except KeyError:
        raise NotFound(t("engine.no_workflow", kind=kind)) from None


def kinds() -> tuple[str, ...]:
    return tuple(_workflows)


def check_all() -> None:
    """Read every registered workflow's spec now (start-up): a bad file is a clear message
    before anyone is half-way through a form."""
    for wf in _workflows.values():
        spec = wf.spec
        for step in spec.steps.values():
            if step.due is not None and step.due.start and not hasattr(wf.model, step.due.start):
                # A due rule counting from a date the record does not have (``due.from``).
                text = (workflows_dir() / spec.source).read_text(encoding="utf-8")
                raise SpecError(t("engine.spec_error", file=spec.source,
                                  name=f"steps.{step.name}.due.from",
                                  line=line_of(text, ["steps", step.name, "due"], "from"),
                                  problem=t("engine.spec_no_field", field=step.due.start)))


# ---------------------------------------------------------------------------- records


def record(kind: str, record_id: Any) -> Model:
    """The record itself, without any check (the module's own reads inside a transaction)."""
    wf = workflow(kind)
    key = validate.record_id(record_id)
    row = None if key is None else wf.model.get_or_none(wf.model.id == key)
    if row is None:
        raise NotFound(t(wf.not_found, id=record_id))
    return row


def open_record(actor: Actor, kind: str, record_id: Any, *, record_open: bool = True) -> Model:
    """The record, if the actor is cleared for it; opening a secret one is audited (SPEC §14).

    ``record_open=False`` is a screen re-reading what it already has open (two users with it
    open would otherwise wake each other forever with audit entries)."""
    wf = workflow(kind)
    row = record(kind, record_id)
    if not can_view(actor.person, wf.secrecy(row)):
        raise PermissionDenied(t(wf.no_clearance))
    if wf.secrecy(row) > 0 and record_open:
        with database.atomic():
            audit.record(actor, f"{kind}.open_secret", wf.spec.table, row.id)
    return row


def conflict(kind: str, record_id: int, message: str,
             form_values: Callable[[Model], dict[str, str]]) -> ConflictError:
    """The refusal of a save over a stale version (raise it; the transaction then rolls back),
    with what a form needs to settle it field by field: the record's version and its values
    of the form's fields now (``form_values``, the module's), and who saved it last and when
    (by the audit trail)."""
    row = record(kind, record_id)
    last = audit.last_change(workflow(kind).spec.table, row.id)
    by, at = "", None
    if last is not None:
        person = Person.get_or_none(Person.login == last[0])
        by, at = (person.name if person else last[0]), last[1]
    return ConflictError(message, current_version=getattr(row, "version", None),
                         theirs=form_values(row), saved_by=by, saved_at=at)


def note_on_timeline(actor: Actor, kind: str, record_id: int, step: str, text: str) -> None:
    """Something done to the record itself, at once, shown on its timeline as a hop done by
    the actor (``step`` a stored word, ``text`` its opinion): e.g. a finished record changed,
    with the reason. In the caller's transaction."""
    flow.record_done(actor, flow_of(kind, record_id), step, text)


def flow_of(kind: str, record_id: int) -> Flow:
    return flow.flow_of(kind, record_id)


def set_state(actor: Actor, kind: str, row: Model, state: str = "", **values: Any) -> Model:
    """Change the record (its state and/or fields), bump its version, audit before/after, and
    keep the Flow's copy of title, 密级, 紧急程度 and deadline in step."""
    wf = workflow(kind)
    model = wf.model
    before = audit.snapshot(row)
    if state:
        values["state"] = state
    extra = {"updated_at": actor.now} if hasattr(model, "updated_at") else {}
    if hasattr(model, "version"):
        extra["version"] = model.version + 1
    model.update(**values, **extra).where(model.id == row.id).execute()
    row = model.get_by_id(row.id)
    action = f"{kind}.{state}" if state else f"{kind}.update"
    audit.record(actor, action, wf.spec.table, row.id, before, audit.snapshot(row))
    sync_flow(kind, row)
    return row


def sync_flow(kind: str, row: Model) -> None:
    """The Flow's denormalised fields (Home reads them in one query) and the record's entry in
    the full-text index follow the record."""
    wf = workflow(kind)
    Flow.update(title=wf.title(row), secrecy=wf.secrecy(row), urgency=wf.urgency(row),
                due=wf.record_due(row)).where(
        (Flow.kind == kind) & (Flow.record_id == row.id)).execute()
    index(kind, row)


def index(kind: str, row: Model) -> None:
    """The record's entry in the full-text index, in the caller's transaction."""
    wf = workflow(kind)
    if wf.search_code is not None:
        fulltext.put(wf.search_code, row.id, wf.secrecy(row), wf.search_texts(row))


def searchable() -> list[Workflow]:
    """The workflows whose records the one search finds, by their code (收文, 发文, …)."""
    return sorted((wf for wf in _workflows.values() if wf.search_code is not None),
                  key=lambda wf: wf.search_code)


# ---------------------------------------------------------------------------- what a reader sees


class ReaderPage:
    """A generic list's page (Home, the inbox, `govdesk today`, the one search, the 催办记录,
    the audit view) as one reader may see it: the records of each kind with a ``shown`` hook
    read once for the page; every other kind's texts pass as stored, at no cost."""

    def __init__(self, actor: Actor | None, records: Iterable[tuple[str, int | None]]):
        # ``actor`` None: a reader who is no one (the system operator's export) sees masks.
        wanted: dict[str, set[int]] = {}
        for kind, record_id in records:
            wf = _workflows.get(kind)
            if wf is not None and wf.shown is not None:
                ids = wanted.setdefault(kind, set())
                if record_id is not None:
                    ids.add(record_id)
        self._shown = {kind: _workflows[kind].shown(actor, sorted(ids))
                       for kind, ids in wanted.items()}

    def title(self, kind: str, record_id: int, stored: str) -> str:
        shown = self._shown.get(kind)
        return stored if shown is None else shown.titles.get(record_id, stored)

    def text(self, kind: str, record_id: int | None, stored: str) -> str:
        shown = self._shown.get(kind)
        marker = _workflows[kind].marker if shown is not None else ""
        if shown is None or not stored or (marker and marker not in stored):
            return stored
        return shown.text(record_id, stored)


def shown_page(actor: Actor, records: Iterable[tuple[str, int | None]]) -> ReaderPage:
    """The page of ``records`` ((kind, record id) pairs) as ``actor`` may see it."""
    return ReaderPage(actor, records)


def shown_texts(actor: Actor, kind: str, texts: Sequence[tuple[int, str]]) -> list[str]:
    """Stored texts of one kind's records ((record id, text) pairs) as ``actor`` may see
    them, read once for all of them."""
    page = ReaderPage(actor, [(kind, record_id) for record_id, _ in texts])
    return [page.text(kind, record_id, text) for record_id, text in texts]


def stored_text(kind: str, record_id: int, text: str) -> str:
    """A text typed about a record (a 催办 note) as it is stored (``Workflow.stored_text``)."""
    wf = _workflows.get(kind)
    if wf is None or wf.stored_text is None or not text:
        return text
    return wf.stored_text(record_id, text)


def _markers() -> dict[str, Workflow]:
    return {wf.marker: wf for wf in _workflows.values() if wf.shown is not None and wf.marker}


def audit_reader(actor: Actor | None, entries: Sequence[tuple[str, int | None, str]]
                 ) -> list[str]:
    """Audit entries' texts ((table, row id, text) triples) as ``actor`` may see them: an
    entry holding a kind's ``marker`` is rendered by that kind's hook for the record it
    belongs to (a task's or flow's record, the kind's own table, or the module's
    ``audit_tables``); one it cannot be traced to is rendered as belonging to none (masked
    whole). A page with no marker in it reads nothing."""
    markers = _markers()
    needs = [(n, table, row_id) for n, (table, row_id, text) in enumerate(entries)
             if text and any(m in text for m in markers)]
    out = [text for _, _, text in entries]
    if not needs:
        return out
    by_table: dict[str, set[int]] = {}
    for _, table, row_id in needs:
        if row_id is not None:
            by_table.setdefault(table, set()).add(row_id)
    owners: dict[tuple[str, int], tuple[str, int]] = {}
    for table, ids in by_table.items():
        if table == "flow":
            q = Flow.select(Flow.id, Flow.kind, Flow.record_id).where(Flow.id.in_(sorted(ids)))
            owners |= {(table, i): (k, r) for i, k, r in q.tuples()}
        elif table == "task":
            q = (Task.select(Task.id, Flow.kind, Flow.record_id).join(Flow)
                 .where(Task.id.in_(sorted(ids))))
            owners |= {(table, i): (k, r) for i, k, r in q.tuples()}
        for wf in _workflows.values():
            if wf.shown is None:
                continue
            if table == wf.spec.table:
                owners |= {(table, i): (wf.kind, i) for i in ids}
            elif table in wf.audit_tables:
                owners |= {(table, i): (wf.kind, r)
                           for i, r in wf.audit_tables[table](sorted(ids)).items()}
    found: list[tuple[int, str, int | None]] = []
    for n, table, row_id in needs:
        owner = owners.get((table, row_id)) if row_id is not None else None
        if owner is None:
            text = entries[n][2]
            kind = next(wf.kind for m, wf in markers.items() if m in text)
            found.append((n, kind, None))
        else:
            found.append((n, *owner))
    page = ReaderPage(actor, [(kind, record_id) for _, kind, record_id in found])
    for n, kind, record_id in found:
        out[n] = page.text(kind, record_id, entries[n][2])
    return out


def start(actor: Actor, kind: str, row: Model, *, registered: tuple[str, str] | None = None,
          hands: Sequence[flow.Hand] | None = None, note: str = "") -> Flow:
    """Open the record's flow: an optional hop already done (e.g. 登记), then the spec's first
    step to its holders."""
    wf = workflow(kind)
    f = flow.start(actor, kind, row.id, wf.title(row), secrecy=wf.secrecy(row),
                   urgency=wf.urgency(row), due=wf.record_due(row))
    if registered:
        flow.record_done(actor, f, *registered)
    hand_out(actor, kind, f, wf.spec.first, row, hands=hands, note=note)
    index(kind, row)
    return f


def register_record(actor: Actor, kind: str, row: Model, *, registered: tuple[str, str],
                    hands: Sequence[flow.Hand] | None = None, note: str = "") -> Flow:
    """A record just created: its flow started (``start``, the 登记 hop ``registered`` done)
    and its registration audited (``<kind>.register``, the record as saved). In the caller's
    transaction."""
    f = start(actor, kind, row, registered=registered, hands=hands, note=note)
    audit.record(actor, f"{kind}.register", workflow(kind).spec.table, row.id,
                 after=audit.snapshot(row))
    return f


# ---------------------------------------------------------------------------- deadlines


def step_due(kind: str, step: str, row: Model | None, start: date) -> date | None:
    """The step's deadline from its rule in the spec, capped by the record's own if the rule
    says so. 特急/加急 use the rule's ``urgent_days``; 0 days is the same working day. A rule
    ``from`` a record's date field counts from that date (if set) instead of ``start``."""
    wf = workflow(kind)
    spec = wf.spec.steps.get(step)
    rule = spec.due if spec else None
    cap = wf.record_due(row) if (row is not None and rule is not None and rule.cap) else None
    if rule is None:
        return None
    if rule.start and row is not None and getattr(row, rule.start, None) is not None:
        start = getattr(row, rule.start)
    urgency = wf.urgency(row) if row is not None else "普通"
    days = rule.urgent_days if (urgency in URGENT and rule.urgent_days is not None) else rule.days
    cal = office_calendar()
    due = cal.next_workday(start) if days == 0 else cal.due(start, days, rule.kind)
    if cap is not None and cap < due:
        due = cap
    return due


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier, for a negative number); a day the month lacks
    is its last day. Terms in months (a reply's three, a report's cadence) count from it."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def set_task_dues(kind: str, row: Model,
                  dues: Sequence[tuple[Sequence[str], date | None]]) -> None:
    """Deadlines the record sets rather than the steps' rules (a reply's term, the 人大's date):
    the record's waiting tasks of each group of steps get its date (None: left as they are),
    and the flow's deadline follows the record's (``record_due``). In the caller's
    transaction."""
    f = flow_of(kind, row.id)
    for steps, due in dues:
        if due is not None:
            Task.update(due=due).where((Task.flow == f) & (Task.state == WAITING)
                                       & Task.step.in_(list(steps))).execute()
    Flow.update(due=workflow(kind).record_due(row)).where(Flow.id == f.id).execute()


# ---------------------------------------------------------------------------- holders


def holders(actor: Actor, kind: str, step: StepSpec, row: Model) -> list[flow.Hand]:
    """Who a step goes to by its holder rule (the 区长 rule already gives the acting head)."""
    rule, arg = step.holder_rule, step.holder_arg
    if rule == "section":
        return [flow.Hand(section=org.section(arg))]
    if rule == "director":
        head = org.director()
        if head is None:
            raise ValidationError(t("engine.f_holder"), t("engine.no_director"))
        return [flow.Hand(person=head)]
    if rule == "head":
        person, acting_for = org.acting_head(actor.now)
        return [flow.Hand(person=person, acting_for=acting_for)]
    if rule == "actor":
        return [flow.Hand(person=actor.person)]
    own = workflow(kind).holders.get(rule)
    if own is None:  # "chosen" / "chain": the caller names them
        raise ValidationError(t("engine.f_holder"), t("engine.holders_needed",
                                                       step=term(step.name)))
    return own(actor, row)


def unit_leader(actor: Actor, unit: Any,
                refusal: Callable[[], ValidationError]) -> list[flow.Hand]:
    """A module's holder rule for a step of a unit's 主管领导: the unit's 分管副区长
    (org.portfolio_leader), or who stands in for them now; ``refusal`` (the module's words)
    when there is no unit or it has no such leader."""
    leader = org.portfolio_leader(unit) if unit is not None else None
    if leader is None:
        raise refusal()
    holder, acting_for = org.stand_in(leader, actor.now)
    return [flow.Hand(person=holder, acting_for=acting_for)]


def hand_out(actor: Actor, kind: str, f: Flow, step: str, row: Model, *,
             hands: Sequence[flow.Hand] | None = None, note: str = "",
             round: int | None = None, due: date | None | bool = True) -> list[int]:
    """Give ``step`` to its holders (the rule's, or ``hands`` for chosen ones), due by the
    step's rule; nobody receives a record above their clearance."""
    wf = workflow(kind)
    spec = wf.spec.steps[step]
    given = list(hands) if hands is not None else holders(actor, kind, spec, row)
    if note:
        given = [flow.Hand(person=h.person, section=h.section, acting_for=h.acting_for,
                           step=h.step, note=h.note or note) for h in given]
    for hand in given:
        if hand.step and hand.step not in wf.spec.steps:
            raise ValidationError(t("engine.f_holder"), t("engine.unknown_step",
                                                           step=term(hand.step)))
        if hand.person is not None and not can_view(hand.person, wf.secrecy(row)):
            raise ValidationError(t("engine.f_holder"), t("engine.holder_clearance",
                                                           name=hand.person.name))
    when = step_due(kind, step, row, actor.today) if due is True else (due or None)
    return flow.hand_out(actor, f, step, given, due=when, round=round)


# ---------------------------------------------------------------------------- turns


@dataclass(frozen=True)
class Turn:
    """A task someone is about to act on, checked: the right kind, a step that allows the
    action, theirs to act on, a record they are cleared for."""

    task: Task
    record: Model
    flow: Flow
    step: StepSpec
    action: ActionSpec
    kind: str


def task_of(kind: str, task_id: Any) -> Task:
    key = validate.record_id(task_id)
    task = None if key is None else Task.get_or_none(Task.id == key)
    if task is None or task.flow.kind != kind:
        raise NotFound(t(workflow(kind).task_not_found, id=task_id))
    return task


def turn(actor: Actor, kind: str, task_id: Any, action: str | Sequence[str]) -> Turn:
    """Find the task and check it may take ``action`` (the first of several names the step
    allows, for a module function serving more than one step) by this actor now."""
    wf = workflow(kind)
    task = task_of(kind, task_id)
    step = wf.spec.steps.get(task.step)
    names = (action,) if isinstance(action, str) else tuple(action)
    chosen = next((a for a in names if step is not None and a in step.actions), None)
    if step is None or chosen is None:
        raise wf.wrong_step(names[0], task.step)
    require_act(actor.person, task)
    row = record(kind, task.flow.record_id)
    if not can_view(actor.person, wf.secrecy(row)):
        raise PermissionDenied(t(wf.no_clearance))
    guard = wf.guards.get(chosen)
    if guard is not None and not guard(actor, row, task):
        raise PermissionDenied(t("engine.not_allowed", action=t(f"engine.action.{chosen}")))
    return Turn(task, row, task.flow, step, step.actions[chosen], kind)


def advance(actor: Actor, turn: Turn, opinion: str = "", *, to: str | None = None,
            hands: Sequence[flow.Hand] | None = None, note: str = "",
            state: str | None = None, values: dict[str, Any] | None = None,
            effect: Callable[[Model], Any] | None = None) -> Model:
    """Complete the turn and move the record on, in one transaction with its audit entries.

    ``to``: the destination among the action's (needed only when it has several); ``hands``
    for a chosen or chained step; ``state``/``values``: what the record becomes (the action's
    spec state by default); ``effect``: the module's own writes, inside the same transaction,
    before the next step is handed out. Returns the record as it now is."""
    action = turn.action
    if action.opinion_required and not (opinion or "").strip():
        raise ValidationError(t("engine.f_opinion"), t("errors.required"), name="opinion")
    destination = _destination(turn, to)
    with database.atomic():
        flow.complete(actor, turn.task, opinion, state=RETURNED if action.returned else DONE)
        if action.cancel_waiting:
            flow.cancel_waiting(actor, turn.flow)
        row = turn.record
        if effect is not None:
            row = effect(row) or row
        # Others of the round (or another round) still hold it: nothing moves on yet, and the
        # record keeps its state until the last of them returns it.
        held = bool(action.join and flow.waiting_tasks(turn.flow, action.join))
        new_state = "" if held else (action.state if state is None else state)
        if new_state or values:
            row = set_state(actor, turn.kind, row, new_state, **(values or {}))
        if held:
            pass
        elif destination == CLOSE:
            flow.close(actor, turn.flow, action.close)
        elif destination != STAY:
            hand_out(actor, turn.kind, turn.flow, destination, row, hands=hands, note=note)
    return workflow(turn.kind).model.get_by_id(row.id)


def pass_or_send_back(actor: Actor, kind: str, task_id: Any, *, passed: bool,
                      opinion: Any = "", label: str, forward: str | Sequence[str],
                      back: str = "send_back", passed_opinion: str = "",
                      passed_values: dict[str, Any] | None = None,
                      then: Callable[[Model], Any] | None = None) -> Model:
    """A review or 阅批 turn: passed on (``forward``: the action, or the first of several the
    step allows) with the opinion, or ``passed_opinion`` when none was written; or sent back
    (``back``) with the reason, which the spec's ``opinion_required`` makes a must — a missing
    one is refused naming the field (``label``, name ``opinion``). ``passed_values``: what the
    record also becomes when passed on; ``then``: the module's follow-up once the record has
    moved (the next step's deadlines), in the same transaction. Returns the record as it now
    is."""
    current = turn(actor, kind, task_id, forward if passed else back)
    text = validate.text({"opinion": opinion}, "opinion", label,
                         required=current.action.opinion_required)
    with database.atomic():
        row = advance(actor, current, text or (passed_opinion if passed else ""),
                      values=passed_values if passed else None)
        if then is not None:
            then(row)
    return workflow(kind).model.get_by_id(row.id)


def _destination(turn: Turn, to: str | None) -> str:
    allowed = turn.action.to
    spec = workflow(turn.kind).spec
    if to is None:
        if len(allowed) != 1 or allowed[0] == DYNAMIC:
            raise ValueError(f"{turn.kind}.{turn.action.id}: destination needed")
        return allowed[0]
    if to in allowed or (DYNAMIC in allowed and to in spec.steps and spec.steps[to].chain):
        return to
    raise ValueError(f"{turn.kind}.{turn.action.id} cannot lead to {to!r}")


# ---------------------------------------------------------------------------- what one may do


@dataclass(frozen=True)
class Available:
    """One action a person may take now: on which task, at which step, under what label."""

    task_id: int | None  # None: an action on the record, not on one task
    step: str
    action: str

    @property
    def label(self) -> str:
        return t(f"engine.action.{self.action}")


def current_task(actor: Actor, kind: str, record_id: int) -> Task | None:
    """The waiting task of this record the actor may act on now, if any (their own first,
    then their section's)."""
    f = flow.flow_of(kind, record_id)
    person = actor.person
    return (
        Task.select().where(
            (Task.flow == f) & (Task.state == WAITING)
            & ((Task.holder == person)
               | (Task.holder.is_null() & (Task.holder_section == person.section))))
        .order_by(Task.holder.is_null(), Task.id).first()
    )


def available_actions(actor: Actor, kind: str, record_id: int) -> list[Available]:
    """Every action the service would accept from this actor on this record now: the actions
    of the steps they hold, less those a guard refuses, plus handing a 代 task back."""
    wf = workflow(kind)
    f = flow.flow_of(kind, record_id)
    row = record(kind, record_id)
    if not can_view(actor.person, wf.secrecy(row)):
        return []
    out: list[Available] = []
    tasks = list(Task.select().where((Task.flow == f) & (Task.state == WAITING))
                 .order_by(Task.id))
    for task in tasks:
        if flow.can_hand_back(actor.person, task, actor.now):
            out.append(Available(task.id, task.step, "hand_back"))
        if not can_act(actor.person, task):
            continue
        step = wf.spec.steps.get(task.step)
        for action in step.actions.values() if step else ():
            guard = wf.guards.get(action.id)
            if guard is None or guard(actor, row, task):
                out.append(Available(task.id, task.step, action.id))
    out += [Available(None, "", a) for a in sorted(wf.record_actions(actor, row, tasks))]
    return out


def hand_back(actor: Actor, kind: str, task_id: Any) -> Task:
    """代 ends: the task held for a leader now back goes to that leader (flow.hand_back), and
    the module may follow up in the same transaction."""
    task = task_of(kind, task_id)
    wf = workflow(kind)
    with database.atomic():
        new = flow.hand_back(actor, task.id)
        if wf.after_hand_back is not None:
            wf.after_hand_back(actor, record(kind, task.flow.record_id), new)
    return new


def mark_read(actor: Actor, kind: str, task_ids: Sequence[int]) -> int:
    """The holder opened the record: the sender sees who has read it and when. How many
    tasks were marked read now."""
    return sum(flow.mark_read(actor, task_of(kind, task_id)) for task_id in task_ids)


def action_ids(actor: Actor, kind: str, record_id: int) -> set[str]:
    return {a.action for a in available_actions(actor, kind, record_id)}


def remind(actor: Actor, kind: str, task_id: Any, note: str = "") -> None:
    """催办 of any workflow's task (logged, counted, shown in the holder's inbox)."""
    task = task_of(kind, task_id)
    note = validate.text({"note": note}, "note", t("engine.f_remind_note"))
    flow.remind(actor, task, stored_text(kind, task.flow.record_id, note))


# ---------------------------------------------------------------------------- registers


def holders_by_record(kind: str, ids: list[int], label: str = "engine.holders") -> dict[int, str]:
    """Who holds each record now, for a register page: one name, or the first and a count
    (worded by the catalog key ``label``, with ``who`` and ``n``)."""
    if not ids:
        return {}
    q = (
        Task.select(Flow.record_id, fn.COUNT(Task.id).alias("n"),
                    fn.MIN(fn.COALESCE(Person.name, Section.name)).alias("who"))
        .join(Flow)
        .switch(Task).join(Person, JOIN.LEFT_OUTER, on=(Task.holder == Person.id))
        .switch(Task).join(Section, JOIN.LEFT_OUTER, on=(Task.holder_section == Section.id))
        .where((Flow.kind == kind) & Flow.record_id.in_(ids) & (Task.state == WAITING))
        .group_by(Flow.record_id)
        .tuples()
    )
    return {rid: (who if n == 1 else t(label, who=who, n=n)) for rid, n, who in q}


def due_by_record(kind: str, ids: list[int]) -> dict[int, date]:
    """The earliest deadline of each record's waiting tasks, for a register page's 期限 column
    (a record none of whose waiting tasks has a deadline is left out)."""
    if not ids:
        return {}
    q = (Task.select(Flow.record_id, fn.MIN(Task.due)).join(Flow)
         .where((Flow.kind == kind) & Flow.record_id.in_(ids) & (Task.state == WAITING)
                & Task.due.is_null(False))
         .group_by(Flow.record_id).tuples())
    return {rid: (due if isinstance(due, date) else date.fromisoformat(str(due)))
            for rid, due in q}


def register_rows(kind: str, query: Any, *, state: str | None = None,
                  before_id: int | None = None, after_id: int | None = None,
                  limit: int = 200) -> tuple[list[Any], dict[int, date]]:
    """One page of a kind's register from ``query`` (the module's joins and own filters):
    those in ``state`` if given, newest first (``keyset``), with the earliest deadline of each
    one's waiting tasks (``due_by_record``). A filter that cannot match reads nothing."""
    if not validate.page_args(None, state, before_id=before_id, after_id=after_id,
                              limit=limit):
        return [], {}
    model = workflow(kind).model
    if state:
        query = query.where(model.state == state)
    rows = keyset(query, model.id, before_id, limit, after_id)
    return rows, due_by_record(kind, [r.id for r in rows])


def keyset(query: Any, id_field: Any, before_id: int | None, limit: int,
           after_id: int | None = None) -> list[Any]:
    """One page, newest first, keyset-paged by id (cost bounded by the page, not the years).

    ``before_id``: the rows older than it (the page below); ``after_id``: the rows newer than
    it (the page above), read oldest first from there and turned round, so the page is the
    one right above ``after_id`` and not the newest of the register. ``after_id=0`` is the
    oldest page (End: ids start at 1). Neither: the newest page."""
    if before_id is not None:
        query = query.where(id_field < before_id)
    if after_id is None:
        return list(query.order_by(id_field.desc()).limit(limit))
    return keyset_above(query, id_field, after_id, limit)


def keyset_above(query: Any, id_field: Any, after_id: int, limit: int) -> list[Any]:
    """The ``limit`` rows right above ``after_id`` (id > after_id), newest first."""
    rows = list(query.where(id_field > after_id).order_by(id_field.asc()).limit(limit))
    rows.reverse()
    return rows


@dataclass(frozen=True)
class Hop:
    """One hop of a record's timeline, names resolved, for a screen."""

    id: int  # the task's
    round: int
    step: str
    holder: str
    by_section: bool  # held by a section (the name is the section's; acted_by says who took it)
    acting_for: str
    acted_by: str
    state: str
    opinion: str
    note: str
    created_at: datetime
    read_at: datetime | None
    acted_at: datetime | None
    due: date | None
    reminders: int


def timeline(kind: str, record_id: int, actor: Actor | None = None) -> list[Hop]:
    """Every hop of the record's flow in order: who, when, what was asked and what they wrote
    — as ``actor`` may see it, when given (``Workflow.shown``: a 信访 petitioner's name in an
    opinion shown or masked); as stored otherwise (routing, never shown)."""
    f = flow.flow_of(kind, record_id)
    Holder, Acting, Actor_ = Person.alias(), Person.alias(), Person.alias()
    q = (
        Task.select(Task, Holder.name.alias("holder_name"), Section.name.alias("section_name"),
                    Acting.name.alias("acting_name"), Actor_.name.alias("actor_name"))
        .join(Holder, JOIN.LEFT_OUTER, on=(Task.holder == Holder.id))
        .switch(Task).join(Section, JOIN.LEFT_OUTER, on=(Task.holder_section == Section.id))
        .switch(Task).join(Acting, JOIN.LEFT_OUTER, on=(Task.acting_for == Acting.id))
        .switch(Task).join(Actor_, JOIN.LEFT_OUTER, on=(Task.acted_by == Actor_.id))
        .where(Task.flow == f)
        .order_by(Task.round, Task.created_at, Task.id)
        .dicts()
    )
    rows = list(q)
    page = (ReaderPage(actor, [(kind, record_id)])
            if actor is not None and workflow(kind).shown is not None else None)

    def shown(text: str) -> str:
        return text if page is None else page.text(kind, record_id, text)

    return [
        Hop(r["id"], r["round"], r["step"], r["holder_name"] or r["section_name"] or "",
            r["holder"] is None, r["acting_name"] or "", r["actor_name"] or "", r["state"],
            shown(r["opinion"]), shown(r["note"]),
            r["created_at"], r["read_at"], r["acted_at"], r["due"], r["reminders"])
        for r in rows
    ]
