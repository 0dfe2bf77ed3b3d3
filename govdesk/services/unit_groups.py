"""Groups of units as the office writes them in 主送/抄送 (各乡镇人民政府、各街道办事处，区政府各部门 …)
and their expansion into the member units that 分发 registers, one row and one copy each.

The groups are organisation data (``[[groups]]`` in data/organisation.toml: a name, its aliases,
its member unit kinds, unit codes and other groups), loaded with the organisation into the
database; a database loaded before groups existed reads them from the organisation file.
In 主送/抄送 the group stays as written (that is how the document addresses them); 分发 expands.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from govdesk.models import Unit
from govdesk.services.fulltext import normalise
from govdesk.services.schema import get_meta, set_meta

META_KEY = "org.groups"
# How recipients are written one after another: 、，, ；; and spaces (full-width too), new lines.
_SEPARATORS = re.compile(r"[、，,；;\s\u3000]+")


@dataclass(frozen=True)
class UnitGroup:
    name: str
    aliases: tuple[str, ...]
    kinds: tuple[str, ...]
    units: tuple[str, ...]  # unit codes
    parts: tuple[str, ...] = ()  # other groups' names, whose units come first


@dataclass(frozen=True)
class GroupUse:
    """One group named in the text and how many units it became (before merging)."""

    name: str  # as typed
    units: int


@dataclass(frozen=True)
class Expansion:
    """What a line of recipients stands for: each name once, in the order written."""

    names: tuple[str, ...]  # units by their short name; other names as typed
    groups: tuple[GroupUse, ...]
    merged: int  # names dropped because they were already there (or named twice)


def store_groups(rows: list[dict[str, Any]], unit_codes: set[str]) -> None:
    """Keep the organisation's groups in the database (org.load_organisation calls it)."""
    groups = []
    names = {row["name"] for row in rows}
    for row in rows:
        unknown = [c for c in row.get("units", []) if c not in unit_codes]
        unknown += [p for p in row.get("parts", []) if p not in names or p == row["name"]]
        if unknown:
            raise ValueError(f"groups: {row['name']}: unknown units or groups {unknown}")
        groups.append({"name": row["name"], "aliases": list(row.get("aliases", [])),
                       "kinds": list(row.get("kinds", [])), "units": list(row.get("units", [])),
                       "parts": list(row.get("parts", []))})
    set_meta(META_KEY, json.dumps(groups, ensure_ascii=False))


def groups() -> list[UnitGroup]:
    stored = get_meta(META_KEY)
    if stored is None:
        from govdesk.services.org import organisation_table

        rows = organisation_table().get("groups", [])
    else:
        rows = json.loads(stored)
    return [UnitGroup(r["name"], tuple(r.get("aliases", ())), tuple(r.get("kinds", ())),
                      tuple(r.get("units", ())), tuple(r.get("parts", ()))) for r in rows]


def members(group: UnitGroup, everyone: list[UnitGroup] | None = None,
            _inside: tuple[str, ...] = ()) -> list[Unit]:
    """The group's units: its parts' units, then its kinds' (directory order), then its unit
    codes (as listed); each unit once."""
    everyone = groups() if everyone is None else everyone
    by_name = {g.name: g for g in everyone}
    out: list[Unit] = []
    for part in group.parts:
        if part in by_name and part not in _inside:  # a loop of parts ends where it closes
            out += members(by_name[part], everyone, (*_inside, group.name))
    if group.kinds:
        out.extend(Unit.select().where(Unit.kind.in_(list(group.kinds))).order_by(Unit.id))
    if group.units:
        listed = {u.code: u for u in Unit.select().where(Unit.code.in_(list(group.units)))}
        out += [listed[c] for c in group.units if c in listed]
    seen: set[int] = set()
    return [u for u in out if not (u.id in seen or seen.add(u.id))]


@dataclass(frozen=True)
class RecipientBook:
    """Plain data to expand recipients with, read once (in a worker) and then used as often as
    the user types: each group's member units and every unit's names."""

    groups: dict[str, tuple[str, ...]]  # normalised group name or alias → member short names
    units: dict[str, int]  # normalised short or full name → unit id

    def key(self, name: str) -> str:
        unit = self.units.get(normalise(name))
        return f"u{unit}" if unit is not None else normalise(name)

    def expand(self, texts: list[str] | tuple[str, ...] | str,
               have: tuple[str, ...] | list[str] = ()) -> Expansion:
        """The recipients ``texts`` name, groups replaced by their member units, each once.

        ``have``: recipients already listed (a unit already there is not added again). Names
        are compared as the directory compares them (either script, full or short name)."""
        if isinstance(texts, str):
            texts = [texts]
        seen = {self.key(n) for n in have}
        names: list[str] = []
        uses: list[GroupUse] = []
        merged = 0

        def add(name: str) -> None:
            nonlocal merged
            k = self.key(name)
            if k in seen:
                merged += 1
                return
            seen.add(k)
            names.append(name)

        for text in texts:
            tokens = split(text)
            i = 0
            while i < len(tokens):
                # The longest run of names that is one group as a whole (各乡镇人民政府、街道办事处).
                j, found = next(((j, self.groups[normalise("、".join(tokens[i:j]))])
                                 for j in range(len(tokens), i, -1)
                                 if normalise("、".join(tokens[i:j])) in self.groups),
                                (i + 1, None))
                if found is None:
                    add(tokens[i])
                else:
                    uses.append(GroupUse("、".join(tokens[i:j]), len(found)))
                    for name in found:
                        add(name)
                i = j
        return Expansion(tuple(names), tuple(uses), merged)


def book() -> RecipientBook:
    by_name: dict[str, tuple[str, ...]] = {}
    everyone = groups()
    for group in everyone:
        shorts = tuple(u.short for u in members(group, everyone))
        for name in (group.name, *group.aliases):
            by_name.setdefault(normalise(name), shorts)
    units: dict[str, int] = {}
    for u in Unit.select(Unit.id, Unit.name, Unit.short).order_by(Unit.id):
        for n in (u.short, u.name):
            units.setdefault(normalise(n), u.id)
    return RecipientBook(by_name, units)


def split(text: str) -> list[str]:
    return [p for p in _SEPARATORS.split(text or "") if p]


def expand(texts: list[str] | tuple[str, ...] | str,
           have: tuple[str, ...] | list[str] = ()) -> Expansion:
    """``book().expand(texts, have)``: for one expansion read straight from the database."""
    return book().expand(texts, have)


def is_group(name: str) -> bool:
    key = normalise(name)
    return any(key == normalise(n) for g in groups() for n in (g.name, *g.aliases))
