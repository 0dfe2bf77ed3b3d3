"""Acting on many items at once (tagged in a list, mutt's ``;``) and 催办 of every holder.

Each item runs in its own transaction through the module's own service function (``incoming.
sign``, ``incoming.close``, ``engine.remind`` …), so every rule, permission and audit entry is
theirs: an item one of them refuses is rolled back alone, and the others go on. The answer is
plain data — the items done and the items refused, each with its label (编号 + title) and the
refusal's own message — for a result screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from govdesk.i18n import t, term
from govdesk.models import Person, Task, database
from govdesk.models.flow import WAITING
from govdesk.services import incoming, validate
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import NotFound, ServiceError, ValidationError
from govdesk.services.policy import can_act, visible_title

# What may be done to every tagged item (the ``;`` menu offers those that fit the list).
REMIND, CIRCULATE, SIGN, CLOSE, ARCHIVE = "remind", "circulate", "sign", "close", "archive"
URGE = "urge"  # a numbered 催办单 on a 督查事项 (services.supervision.urge)
ACTIONS = (REMIND, CIRCULATE, SIGN, CLOSE, ARCHIVE, URGE)
SUPERVISION = "supervision"
PETITION = "petition"  # a 信访 case's 催办 is its own (services.petition.urge)
# The actions on a 收文 only, and the step of the actor's task each acts on.
INCOMING_ONLY = (CIRCULATE, SIGN, CLOSE, ARCHIVE)
STEPS = {SIGN: "签批", CLOSE: "分送", ARCHIVE: "归档"}


@dataclass(frozen=True)
class Item:
    """One tagged row: a record (a register's row), or one task of it (a task list's row)."""

    kind: str
    record_id: int
    task_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    label: str  # 编号 + title (as the actor may see it), or a holder and the step
    reason: str = ""  # the refusal's message; "" when done
    key: int = 0  # the record's id (run), or the task's (remind_holders)
    kind: str = ""  # the record's workflow


@dataclass(frozen=True)
class BulkResult:
    done: tuple[Outcome, ...]
    refused: tuple[Outcome, ...]


@dataclass(frozen=True)
class HolderRow:
    """One holder still holding a record, for the 催办 modal."""

    task_id: int
    name: str  # the person (代 whom), or the section nobody in it has taken it for
    step: str
    since: date
    held_days: int
    overdue_days: int  # 0 when not overdue (or no deadline)
    mine: bool  # the actor holds it: not theirs to urge


def _refused(key: str, **values: object) -> str:
    return t(f"bulk.{key}", **values)


def label(actor: Actor, kind: str, record_id: int) -> str:
    """编号 + title of a record, the title redacted for the actor as every list shows it."""
    try:
        f = engine.flow_of(kind, record_id)
        row = engine.record(kind, record_id)
    except NotFound:
        return f"#{record_id}"
    number = getattr(row, "number", None) or ""
    title = visible_title(actor.person, engine.shown_page(actor, [(kind, record_id)]).title(
        kind, record_id, f.title), f.secrecy)
    return f"{number} {title}".strip()


def run(actor: Actor, action: str, items: Sequence[Item], *, note: str = "",
        people: Sequence[Any] = (), retention: str = "") -> BulkResult:
    """Do ``action`` to each item, each in its own transaction (module docstring).

    ``note``: the 催办 note, the 签批 opinion, the 办结 note, the 传阅 request; ``people``: the
    传阅 readers (org.PersonChoice); ``retention``: the 归档 保管期限."""
    if action not in ACTIONS:
        raise ValidationError(_refused("f_action"), t("errors.one_of",
                                                      choices=validate.joined(ACTIONS)))
    if action == CIRCULATE and not people:
        raise ValidationError(_refused("f_readers"), t("errors.pick_person"), name="people")
    if action == SIGN:  # one opinion for all: refused once, before any is signed
        note = validate.text({"opinion": note}, "opinion", t("incoming.sign_opinion"),
                             required=True)
    one = _ACTS[action]
    done: list[Outcome] = []
    refused: list[Outcome] = []
    seen: set[tuple[str, int]] = set()
    for item in items:
        if (item.kind, item.record_id) in seen:  # two tasks of one document: one item
            continue
        seen.add((item.kind, item.record_id))
        name = label(actor, item.kind, item.record_id)
        try:
            with database.atomic():
                engine.open_record(actor, item.kind, item.record_id, record_open=False)
                if action in INCOMING_ONLY and item.kind != incoming.KIND:
                    raise ValidationError(t(f"bulk.act_{action}"),
                                          _refused("incoming_only"))
                if action == URGE and item.kind != SUPERVISION:
                    raise ValidationError(t("bulk.act_urge"), _refused("supervision_only"))
                one(actor, item, note=note, people=people, retention=retention)
        except ServiceError as exc:
            refused.append(Outcome(name, str(exc), item.record_id, item.kind))
        else:
            done.append(Outcome(name, key=item.record_id, kind=item.kind))
    return BulkResult(tuple(done), tuple(refused))


def offered(actor: Actor, items: Sequence[Item],
            among: Sequence[str] = ACTIONS) -> tuple[str, ...]:
    """Of ``among``, the actions that would do something to at least one of the items — what
    the ``;`` menu offers (the engine's ``available_actions``: what the services would accept
    from this actor now; 催办 wherever someone else holds the record)."""
    out: set[str] = set()
    seen: set[tuple[str, int]] = set()
    for item in items:
        if set(among) <= out:
            break
        if (item.kind, item.record_id) in seen:
            continue
        seen.add((item.kind, item.record_id))
        try:
            available = engine.available_actions(actor, item.kind, item.record_id)
            f = engine.flow_of(item.kind, item.record_id)
        except ServiceError:
            continue
        if not available and not can_view_record(actor, item):
            continue
        ids = {a.action for a in available}
        if item.kind == PETITION:
            if "pet_urge" in ids:  # 督查室 urges whoever the case waits on, itself included
                out.add(REMIND)
            continue
        if item.kind == SUPERVISION:
            if "sup_urge" in ids:  # the 督查室 may issue a 催办单 while a unit owes its part
                out.add(URGE)
            continue
        if item.kind == incoming.KIND:
            out.update(a for a in (CIRCULATE, SIGN, CLOSE, ARCHIVE) if a in ids)
        waiting = Task.select().where((Task.flow == f) & (Task.state == WAITING))
        if any(not can_act(actor.person, task) for task in waiting):
            out.add(REMIND)
    return tuple(a for a in among if a in out)


def can_view_record(actor: Actor, item: Item) -> bool:
    try:
        engine.open_record(actor, item.kind, item.record_id, record_open=False)
    except ServiceError:
        return False
    return True


def _my_task(actor: Actor, item: Item, action: str) -> int:
    """The actor's task at the action's step of the item: the tagged task itself when it is at
    that step (its service then checks it is theirs), else theirs on the same record."""
    step = STEPS[action]
    if item.task_id is not None:
        task = Task.get_or_none(Task.id == item.task_id)
        if task is not None and task.step == step:
            return task.id
    f = engine.flow_of(item.kind, item.record_id)
    mine = [task for task in Task.select().where(
        (Task.flow == f) & (Task.state == WAITING) & (Task.step == step)).order_by(Task.id)
        if can_act(actor.person, task)]
    if not mine:
        raise ValidationError(t(f"bulk.act_{action}"),
                              _refused("not_at_step", step=term(step)))
    return mine[0].id


def _remind(actor: Actor, item: Item, *, note: str, **_: Any) -> None:
    if item.kind == SUPERVISION:  # a 督查事项's 催办 is its numbered 催办单 (SPEC §10)
        _urge(actor, item, note=note)
        return
    if item.kind == PETITION:
        from govdesk.services import petition

        petition.urge(actor, item.record_id, note)
        return
    f = engine.flow_of(item.kind, item.record_id)
    others = [task for task in Task.select().where((Task.flow == f) & (Task.state == WAITING))
              .order_by(Task.id) if not can_act(actor.person, task)]
    if not others:
        raise ValidationError(t("bulk.act_remind"), _refused("no_other_holder"))
    for task in others:
        engine.remind(actor, item.kind, task.id, note)


def _urge(actor: Actor, item: Item, *, note: str, **_: Any) -> None:
    from govdesk.services import supervision

    supervision.urge(actor, item.record_id, note)


def _circulate(actor: Actor, item: Item, *, note: str, people: Sequence[Any], **_: Any) -> None:
    incoming.circulate(actor, item.record_id, list(people), note)


def _sign(actor: Actor, item: Item, *, note: str, **_: Any) -> None:
    task_id = _my_task(actor, item, SIGN)
    # The readers each 签批 names by default: the ones its own form proposes.
    doc = engine.record(incoming.KIND, item.record_id)
    incoming.sign(actor, task_id, note, incoming.suggest_readers(doc))


def _close(actor: Actor, item: Item, *, note: str, **_: Any) -> None:
    incoming.close(actor, _my_task(actor, item, CLOSE), note)


def _archive(actor: Actor, item: Item, *, retention: str, **_: Any) -> None:
    incoming.archive(actor, _my_task(actor, item, ARCHIVE), retention)


_ACTS: dict[str, Callable[..., None]] = {
    REMIND: _remind, CIRCULATE: _circulate, SIGN: _sign, CLOSE: _close, ARCHIVE: _archive,
    URGE: _urge}


# ---------------------------------------------------------------------------- 催办 of every holder


def holders(actor: Actor, kind: str, record_id: int) -> list[HolderRow]:
    """Everyone still holding the record, in the order they were handed it: for the 催办
    modal (all of them at once, the actor's own marked)."""
    engine.open_record(actor, kind, record_id, record_open=False)
    hops = [h for h in engine.timeline(kind, record_id) if h.state == WAITING]
    tasks = {task.id: task for task in Task.select().where(Task.id.in_([h.id for h in hops]))}
    today = actor.today
    out = []
    for h in hops:
        since = h.created_at.date()
        name = h.holder + (f"（{t('common.acting')}{h.acting_for}）" if h.acting_for else "")
        overdue = (today - h.due).days if h.due is not None and h.due < today else 0
        out.append(HolderRow(h.id, name, h.step, since, (today - since).days, overdue,
                             can_act(actor.person, tasks[h.id])))
    return out


def remind_holders(actor: Actor, kind: str, task_ids: Sequence[int],
                   note: str = "") -> BulkResult:
    """One 催办 per task (each in its own transaction, through ``engine.remind``), with one
    note for all; a task done meanwhile, or the actor's own, is refused with the reason."""
    if not task_ids:
        raise ValidationError(t("bulk.f_holders"), t("work.pick_one"), name="holders")
    note = validate.text({"note": note}, "note", t("engine.f_remind_note"))
    done: list[Outcome] = []
    refused: list[Outcome] = []
    for task_id in task_ids:
        name = _holder_label(task_id)
        try:
            with database.atomic():
                task = engine.task_of(kind, task_id)
                engine.open_record(actor, kind, task.flow.record_id, record_open=False)
                if can_act(actor.person, task):
                    raise ValidationError(t("bulk.act_remind"), _refused("own_task"))
                engine.remind(actor, kind, task.id, note)
        except ServiceError as exc:
            refused.append(Outcome(name, str(exc), task_id, kind))
        else:
            done.append(Outcome(name, key=task_id, kind=kind))
    return BulkResult(tuple(done), tuple(refused))


def _holder_label(task_id: int) -> str:
    task = Task.get_or_none(Task.id == task_id)
    if task is None:
        return f"#{task_id}"
    who = Person.get_or_none(Person.id == task.holder_id) if task.holder_id else None
    name = who.name if who else (task.holder_section.name if task.holder_section_id else "")
    return f"{name}（{term(task.step)}）"
