"""Workflow specs: the steps of a record's path, declared once as data (data/workflows/*.toml).

A spec names each step, who holds it (a holder rule), the actions allowed at it and where each
leads, its deadline rule and the seed/SPEC text it comes from. The engine (engine.core) reads
nothing else to route a record, so the TOML file is the one place a path is written down, and
the table-driven tests walk it.

Loaded once and checked whole when govdesk starts: an office that edits a file wrongly is told
the file, the key and its line, never shown a traceback.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from govdesk.i18n import t
from govdesk.services.errors import ServiceError
from govdesk.services.rules import data_dir

# Where an action may lead besides a named step.
CLOSE = "@close"  # the flow ends (its state: the action's ``close``)
STAY = "@stay"  # nothing is handed out now (a parallel round still open, a record action)
DYNAMIC = "@chain"  # the module picks one of the spec's steps marked ``chain = true``

DAY_KINDS = ("working", "natural")
BUILTIN_HOLDERS = ("section", "director", "head", "chosen", "actor", "chain")


class SpecError(ServiceError):
    """A workflow file an office edited wrongly: names the file, the key and the line."""


@dataclass(frozen=True)
class DueRule:
    """How long a holder has: ``days`` of ``kind``; ``urgent_days`` for 特急/加急 (same kind;
    0 = the same working day); ``cap``: the record's own deadline caps the step's; ``start``
    (``from`` in the file): the record's date field the days count from, instead of the day
    the step is handed out (a 销假 is due the working day after the leave's ``ends_on``)."""

    days: int
    kind: str = "working"
    urgent_days: int | None = None
    cap: bool = False
    start: str = ""


@dataclass(frozen=True)
class ActionSpec:
    id: str
    to: tuple[str, ...]  # step names, or CLOSE / STAY / DYNAMIC
    state: str = ""  # the record's state afterwards ("" = unchanged)
    close: str = "closed"  # the flow's state when the action closes it
    returned: bool = False  # the task ends as 退回 (退改), not 已办
    join: tuple[str, ...] = ()  # hand out only once no task of these steps is still waiting
    cancel_waiting: bool = False  # every other waiting task of the flow ends (办结)
    opinion_required: bool = False
    cite: str = ""

    @property
    def label_key(self) -> str:
        return f"engine.action.{self.id}"


@dataclass(frozen=True)
class StepSpec:
    name: str
    holder: str  # a holder rule: "section:mishu", "director", "head", "chosen", or a module's
    actions: dict[str, ActionSpec] = field(default_factory=dict)
    due: DueRule | None = None
    parallel: bool = False  # many hands at once (传阅, 会签): one round of tasks
    chain: bool = False  # one of the steps a module strings into a chain (发文 review)
    signs: bool = False  # completing it is the signature
    cite: str = ""

    @property
    def holder_rule(self) -> str:
        return self.holder.split(":", 1)[0]

    @property
    def holder_arg(self) -> str:
        return self.holder.split(":", 1)[1] if ":" in self.holder else ""


@dataclass(frozen=True)
class WorkflowSpec:
    kind: str
    first: str
    steps: dict[str, StepSpec]
    table: str  # the record's audit table name
    cite: str = ""
    source: str = ""  # the file it came from, for messages

    def step(self, name: str) -> StepSpec:
        return self.steps[name]

    def actions_at(self, step: str) -> tuple[ActionSpec, ...]:
        spec = self.steps.get(step)
        return tuple(spec.actions.values()) if spec else ()

    def chain_steps(self) -> tuple[StepSpec, ...]:
        return tuple(s for s in self.steps.values() if s.chain)

    def transitions(self) -> list[tuple[str, str, str]]:
        """(step, action, destination) for every edge: what the table-driven tests walk."""
        out = []
        for step in self.steps.values():
            for action in step.actions.values():
                for to in action.to:
                    out.append((step.name, action.id, to))
        return out


# ---------------------------------------------------------------------------- loading


def _line_of(text: str, table: list[str], key: str | None) -> int:
    """The line of ``key`` inside the TOML table ``table`` (1-based), for a message to an office
    that edited its file: the deepest ``[header]`` on the path, then each remaining part of the
    path in order within that section (dotted and inline keys); the nearest line found if the
    key itself is not written there. It points at the place; it does not parse TOML again."""
    lines = text.splitlines()
    parts = [*table, key] if key else list(table)
    start, used = 0, 0
    for n in range(len(parts), 0, -1):
        quoted = [rf'(?:"{re.escape(p)}"|{re.escape(p)})' for p in parts[:n]]
        header = re.compile(r"^\s*\[\[?\s*" + r"\s*\.\s*".join(quoted) + r"\s*\]")
        found = next((i for i, line in enumerate(lines) if header.match(line)), None)
        if found is not None:
            start, used = found, n
            break
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
               len(lines))
    at = start
    for part in parts[used:]:
        pattern = re.compile(rf'(^|[\s{{,.])"?{re.escape(part)}"?\s*[=.]')
        found = next((i for i in range(at, end) if pattern.search(lines[i])), None)
        if found is None:
            break
        at = found
    return at + 1


class TomlReader:
    """Typed reads from one parsed file, each failure naming the file, key and line."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text

    def fail(self, table: list[str], key: str | None, problem: str) -> SpecError:
        dotted = ".".join([*table, key] if key else table)
        return SpecError(t("engine.spec_error", file=self.path.name, name=dotted,
                           line=_line_of(self.text, table, key), problem=problem))

    def get(self, node: dict, table: list[str], key: str, kind: type | tuple[type, ...],
            default: Any = ..., *, allowed: set[str] | None = None) -> Any:
        if key not in node:
            if default is ...:
                raise self.fail(table, key, t("engine.spec_missing"))
            return default
        value = node[key]
        if isinstance(value, bool) and kind is not bool and bool not in (
                kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(table, key, t("engine.spec_type"))
        if not isinstance(value, kind):
            raise self.fail(table, key, t("engine.spec_type"))
        return value

    def only(self, node: dict, table: list[str], allowed: set[str]) -> None:
        for key in node:
            if key not in allowed:
                raise self.fail(table, key, t("engine.spec_unknown_key"))


def _due(r: TomlReader, node: Any, table: list[str]) -> DueRule | None:
    if node is None:
        return None
    if not isinstance(node, dict):
        raise r.fail(table[:-1], table[-1], t("engine.spec_type"))
    r.only(node, table, {"days", "kind", "urgent_days", "cap", "from"})
    days = r.get(node, table, "days", int)
    kind = r.get(node, table, "kind", str, "working")
    urgent = r.get(node, table, "urgent_days", int, None)
    if days < 0 or (urgent is not None and urgent < 0):
        raise r.fail(table, "days", t("engine.spec_negative"))
    if kind not in DAY_KINDS:
        raise r.fail(table, "kind", t("engine.spec_day_kind", kinds="、".join(DAY_KINDS)))
    return DueRule(days, kind, urgent, r.get(node, table, "cap", bool, False),
                   r.get(node, table, "from", str, ""))


def _str_list(r: TomlReader, node: dict, table: list[str], key: str) -> tuple[str, ...]:
    value = node.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise r.fail(table, key, t("engine.spec_type"))
    return tuple(value)


def parse(path: Path, extra_holders: tuple[str, ...] = ()) -> WorkflowSpec:
    """Read and check one workflow file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(t("engine.spec_error", file=path.name, name="-", line=1,
                          problem=t("engine.spec_encoding"))) from exc
    r = TomlReader(path, text)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise SpecError(t("engine.spec_error", file=path.name, name="-",
                          line=match.group(1) if match else 1, problem=str(exc))) from exc
    r.only(doc, [], {"kind", "first", "table", "cite", "steps"})
    kind = r.get(doc, [], "kind", str)
    steps_node = r.get(doc, [], "steps", dict)
    steps: dict[str, StepSpec] = {}
    for name, node in steps_node.items():
        table = ["steps", name]
        if not isinstance(node, dict):
            raise r.fail(["steps"], name, t("engine.spec_type"))
        r.only(node, table, {"holder", "actions", "due", "parallel", "chain", "signs", "cite"})
        holder = r.get(node, table, "holder", str)
        if holder.split(":", 1)[0] not in BUILTIN_HOLDERS + extra_holders:
            raise r.fail(table, "holder", t("engine.spec_holder", holder=holder))
        actions: dict[str, ActionSpec] = {}
        for action_id, a in r.get(node, table, "actions", dict, {}).items():
            at = [*table, "actions", action_id]
            if not isinstance(a, dict):
                raise r.fail([*table, "actions"], action_id, t("engine.spec_type"))
            r.only(a, at, {"to", "state", "close", "returned", "join", "cancel_waiting",
                           "opinion_required", "cite"})
            to = _str_list(r, a, at, "to")
            if not to:
                raise r.fail(at, "to", t("engine.spec_missing"))
            actions[action_id] = ActionSpec(
                id=action_id, to=to, state=r.get(a, at, "state", str, ""),
                close=r.get(a, at, "close", str, "closed"),
                returned=r.get(a, at, "returned", bool, False),
                join=_str_list(r, a, at, "join"),
                cancel_waiting=r.get(a, at, "cancel_waiting", bool, False),
                opinion_required=r.get(a, at, "opinion_required", bool, False),
                cite=r.get(a, at, "cite", str, ""),
            )
        steps[name] = StepSpec(
            name=name, holder=holder, actions=actions,
            due=_due(r, node.get("due"), [*table, "due"]),
            parallel=r.get(node, table, "parallel", bool, False),
            chain=r.get(node, table, "chain", bool, False),
            signs=r.get(node, table, "signs", bool, False),
            cite=r.get(node, table, "cite", str),
        )
    first = r.get(doc, [], "first", str)
    if first not in steps:
        raise r.fail([], "first", t("engine.spec_no_step", step=first))
    for step in steps.values():
        for action in step.actions.values():
            at = ["steps", step.name, "actions", action.id]
            for to in action.to + action.join:
                if to not in steps and to not in (CLOSE, STAY, DYNAMIC):
                    raise r.fail(at, "to" if to in action.to else "join",
                                 t("engine.spec_no_step", step=to))
            if DYNAMIC in action.to and not any(s.chain for s in steps.values()):
                raise r.fail(at, "to", t("engine.spec_no_chain"))
    return WorkflowSpec(kind=kind, first=first, steps=steps,
                        table=r.get(doc, [], "table", str), cite=r.get(doc, [], "cite", str),
                        source=path.name)


def workflows_dir() -> Path:
    return data_dir() / "workflows"


@cache
def load(kind: str, extra_holders: tuple[str, ...] = ()) -> WorkflowSpec:
    """The spec of ``kind`` (data/workflows/<kind>.toml), read once per process."""
    path = workflows_dir() / f"{kind}.toml"
    if not path.is_file():
        raise SpecError(t("engine.spec_missing_file", file=str(path)))
    spec = parse(path, extra_holders)
    if spec.kind != kind:
        raise SpecError(t("engine.spec_error", file=path.name, name="kind", line=_line_of(
            path.read_text(encoding="utf-8"), [], "kind"), problem=t("engine.spec_kind",
                                                                      kind=kind)))
    return spec
