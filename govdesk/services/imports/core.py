"""The import engine every kind shares: header row, column mapping, preview, one-transaction
import.

``preview`` reads the sheet and checks every row with the kind's own form checks, so a row
is refused in the words the form would use; it writes nothing. ``run`` registers the good
rows of a preview through the kind's registration (audit, search index and numbering as the
form would) in one transaction: a failure on any row leaves the database as it was.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from govdesk.i18n import t
from govdesk.models import Person, database
from govdesk.services import audit
from govdesk.services.context import Actor
from govdesk.services.errors import ServiceError, ValidationError, ValidationErrors
from govdesk.services.fulltext import normalise
from govdesk.services.imports import layouts
from govdesk.services.imports.sheet import Cell, Row, column_letter, read_rows
from govdesk.services.rules import data_dir

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------------------- the kinds


@dataclass(frozen=True)
class Good:
    """A row that passed the form's checks: what the registration takes, the duplicate key
    (来文单位+来文字号+日期 for a 收文), and what the kind keeps from the sheet (a 收文编号)."""

    row: int
    fields: dict[str, Any]
    key: Hashable
    keep: Any = None


@dataclass(frozen=True)
class ImportKind:
    """One kind of register a sheet can fill.

    ``fields`` the form's fields a column may fill (form order); ``label(field)`` a field as
    the form names it; ``may_import(person)`` raises PermissionDenied for whoever may not
    register one; ``begin(actor)`` the state one preview's checks share (caches, the numbers
    taken); ``check(state, row, values)`` a row's cells (field → cell) as a Good, refused with
    the form's ValidationErrors; ``existing(actor, keys)`` which keys the database holds already
    (key → the record's number); ``register(actor, good)`` registers one row and returns
    (its number, whether the sheet's number was kept); ``claim(state, good)``, asked of
    a row that is no duplicate, refuses what it keeps from the sheet when another record or
    an earlier row of the file has it already (a 收文编号)."""

    kind: str
    words: tuple[str, ...]
    fields: tuple[str, ...]
    label: Callable[[str], str]
    may_import: Callable[[Person], None]
    begin: Callable[[Actor], Any]
    check: Callable[[Any, int, dict[str, Cell]], Good]
    existing: Callable[[Actor, list[Hashable]], dict[Hashable, str | None]]
    register: Callable[[Actor, Good], tuple[str, bool]]
    claim: Callable[[Any, Good], None] = lambda state, good: None
    aliases: dict[str, str] = field(default_factory=dict)  # error name → the field's column
    order: Callable[[Good], Any] = lambda good: 0  # the order rows are registered in
    table: str = ""  # the register's table, named by the import's own audit entry
    same: str = ""  # catalog key: the fields a duplicate shares (来文单位、来文字号、收文日期)

    @property
    def name(self) -> str:
        return self.words[0]


# ---------------------------------------------------------------------------- data


@cache
def settings_of_file() -> dict[str, Any]:
    """data/imports.toml, read once."""
    with (data_dir() / "imports.toml").open("rb") as f:
        return tomllib.load(f)


def synonyms(kind: ImportKind) -> dict[str, str]:
    """Normalised header → field, from data/imports.toml (the field's own label too)."""
    table = settings_of_file().get(kind.kind, {})
    out: dict[str, str] = {}
    for name in kind.fields:
        for word in [kind.label(name), *table.get(name, [])]:
            out.setdefault(normalise(word), name)
    return out


def aliases(kind: ImportKind, field_name: str) -> dict[str, str]:
    """The sheet's words data/imports.toml reads as a stored value (非密 → 无)."""
    table = settings_of_file().get(kind.kind, {}).get("aliases", {})
    return {normalise(k): v for k, v in table.get(field_name, {}).items()}


# ---------------------------------------------------------------------------- cells


def as_text(cell: Cell) -> str:
    """A cell as the form's text: a whole number without ".0", a date as 2026-11-26."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                  r"(?:[\sT]+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 system, leap-year bug included)


def as_day(cell: Cell) -> date | str | None:
    """A date cell as a date: Excel's dates and datetimes, its serial numbers (a date column
    formatted as 常规), and the ways a clerk types one (2026/11/26, 2026.11.26, 2026年11月26日,
    20261126, with a time after it). Anything else is handed on as typed, for the form's
    date check to refuse in its own words."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if 1 <= cell < 2958466:
            return _EXCEL_EPOCH + timedelta(days=int(cell))
        return str(cell)
    text = str(cell).strip()
    match = _DAY.match(text) or _COMPACT_DAY.match(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            return text
    return text


@dataclass
class FormState:
    """What one preview's checks of a plain form share: the actor, and data/imports.toml's
    aliases of the fields that have them (field → normalised word → stored value)."""

    actor: Actor
    aliases: dict[str, dict[str, str]]


def form_state(kind: ImportKind, actor: Actor, *names: str) -> FormState:
    return FormState(actor, {name: aliases(kind, name) for name in names})


def form_fields(state: FormState, values: dict[str, Cell], names: Sequence[str],
                days: Sequence[str] = ()) -> dict[str, Any]:
    """A row's cells as a form hands them to its service: text, ``days`` as dates, and an
    alias replaced by the value it stands for."""
    fields: dict[str, Any] = {name: as_day(values.get(name)) if name in days
                              else as_text(values.get(name)) for name in names if name in values}
    for name, table in state.aliases.items():
        if name in fields:
            fields[name] = table.get(normalise(fields[name]), fields[name])
    return fields


def existing_among(keys: list[Hashable], rows: Iterable[Any], key: Callable[[Any], Hashable],
                   label: Callable[[Any], str | None]) -> dict[Hashable, str | None]:
    """Of ``keys``, those a stored row has (key → how the row is known): a kind's
    ``existing``, given the rows worth comparing and how to key and name one."""
    wanted = set(keys)
    out: dict[Hashable, str] = {}
    for row in rows:
        found = key(row)
        if found in wanted:
            out.setdefault(found, label(row))
    return out


# ---------------------------------------------------------------------------- the preview


@dataclass(frozen=True)
class Column:
    """A column of the sheet and the field it fills (None: not imported), and why: "map"
    (the user's 列名=字段), "saved" (this layout's mapping, kept), "auto" (a known header)."""

    index: int
    header: str
    field: str | None
    how: str = ""

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class Problem:
    """One refusal of one row: its row and column as Excel shows them, the field as the form
    names it, and the form's words."""

    row: int
    column: str  # "C", or "" when no column holds the field
    header: str
    field: str
    message: str

    def line(self) -> str:
        where = (t("imports.at_cell", column=self.column, header=self.header)
                 if self.column else t("imports.no_column"))
        return t("imports.problem", row=self.row, where=where, field=self.field,
                 message=self.message)


@dataclass(frozen=True)
class Duplicate:
    row: int
    why: str

    def line(self) -> str:
        return t("imports.duplicate", row=self.row, why=self.why)


@dataclass
class Preview:
    kind: ImportKind
    header_row: int
    columns: list[Column]
    layout: str
    rows: int  # data rows read (empty rows left out)
    problems: list[Problem]
    duplicates: list[Duplicate]
    good: list[Good]

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def mapping(self) -> dict[str, str]:
        """Normalised header → field ("" for a column left out): what ``layouts`` keeps."""
        return {normalise(c.header): c.field or "" for c in self.columns if c.header}

    def column_of(self, name: str) -> Column | None:
        name = self.kind.aliases.get(name, name)
        return next((c for c in self.columns if c.field == name), None)

    def summary(self) -> str:
        return t("imports.summary", rows=self.rows, good=len(self.good),
                 bad=len(self.bad_rows), duplicates=len(self.duplicates))


def parse_mapping(kind: ImportKind, items: Sequence[str]) -> dict[str, str]:
    """The user's 列名=字段 list as normalised header → field ("" for 列名= : leave it out).
    A field is named by its key, its label on the form or a header data/imports.toml knows."""
    words = synonyms(kind)
    out: dict[str, str] = {}
    label = t("imports.f_mapping")
    for item in items:
        header, sep, target = str(item).partition("=")
        if not sep or not normalise(header):
            raise ValidationError(label, t("imports.bad_map_item", item=item), name="map")
        target = target.strip()
        if target in ("", "-"):
            out[normalise(header)] = ""
            continue
        name = target if target in kind.fields else words.get(normalise(target))
        if name is None:
            raise ValidationError(label, t("imports.unknown_field", field=target,
                                           fields=field_list(kind)), name="map")
        out[normalise(header)] = name
    return out


def field_list(kind: ImportKind) -> str:
    return "、".join(f"{kind.label(n)}（{n}）" for n in kind.fields)


def _header_row(kind: ImportKind, rows: list[Row], explicit: dict[str, str],
                kept: dict[str, dict[str, str]]) -> int:
    """The index in ``rows`` of the header row: the first of the top rows that is a layout
    with a kept mapping, holds every header the user mapped, or has enough cells naming a
    field (a merged title row names none)."""
    conf = settings_of_file()
    known = set(synonyms(kind)) | set(explicit)
    least = int(conf.get("header_min_fields", 2))
    for i, row in enumerate(rows[: int(conf.get("header_search_rows", 30))]):
        headers = [as_text(c) for c in row.cells]
        if layouts.layout_key(kind.kind, headers) in kept:
            return i
        named = {normalise(h) for h in headers} & known
        if len(named) >= least or (explicit and set(explicit) <= named):
            return i
    raise ValidationError(t("imports.f_file"), t("imports.no_header", kind=kind.name,
                                                 examples="、".join(
                                                     kind.label(n) for n in kind.fields[:4])))


def _columns(kind: ImportKind, headers: list[str], explicit: dict[str, str],
             saved: dict[str, str]) -> list[Column]:
    words = synonyms(kind)
    keys = [normalise(h) for h in headers]
    missing = [h for h in explicit if h not in keys]
    if missing:
        raise ValidationError(t("imports.f_mapping"),
                              t("imports.map_no_column", header=missing[0],
                                headers="、".join(h for h in headers if h)), name="map")
    chosen: dict[int, tuple[str | None, str]] = {}
    used: set[str] = set()
    for source, table in (("map", explicit), ("saved", saved), ("auto", words)):
        for i, key in enumerate(keys):
            if i in chosen or not key or key not in table:
                continue
            name = table[key] or None
            if name is not None and (name in used or name not in kind.fields):
                continue
            chosen[i] = (name, source)
            if name:
                used.add(name)
    return [Column(i, h, *chosen.get(i, (None, ""))) for i, h in enumerate(headers)]


def preview(actor: Actor, kind: ImportKind, data: bytes, suffix: str, *,
            mapping: dict[str, str] | None = None, progress: Progress | None = None) -> Preview:
    """Read and check the sheet; nothing is written. ``mapping`` (``parse_mapping``) comes
    before the layout's saved mapping, which comes before the headers data/imports.toml
    knows."""
    kind.may_import(actor.person)
    explicit = dict(mapping or {})
    rows = read_rows(data, suffix)
    kept = layouts.kept(actor.person.login)
    at = _header_row(kind, rows, explicit, kept)
    headers = [as_text(c) for c in rows[at].cells]
    layout = layouts.layout_key(kind.kind, headers)
    columns = _columns(kind, headers, explicit, kept.get(layout, {}))
    body = rows[at + 1:]
    result = Preview(kind, rows[at].number, columns, layout, len(body), [], [], [])
    state = kind.begin(actor)
    checked: list[Good] = []
    mapped = [c for c in columns if c.field]
    for n, row in enumerate(body, start=1):
        values = {c.field: row.cells[c.index] if c.index < len(row.cells) else None
                  for c in mapped}
        try:
            checked.append(kind.check(state, row.number, values))
        except ValidationErrors as exc:
            result.problems.extend(_problems(result, row.number, exc.errors))
        except ValidationError as exc:
            result.problems.extend(_problems(result, row.number, [exc]))
        if progress is not None:
            progress(n, len(body))
    _sort_out(actor, result, checked, state)
    result.problems.sort(key=lambda p: p.row)
    return result


def _problems(result: Preview, row: int, errors: list[ValidationError]) -> list[Problem]:
    out = []
    for e in errors:
        column = result.column_of(e.name) if e.name else None
        out.append(Problem(row, column.letter if column else "", column.header if column else "",
                           e.field, e.message))
    return out


def _dup_existing(kind: ImportKind, number: str | None) -> str:
    """A duplicate of a stored record, named by its number — unless the reader may not see
    that record (a secret 收文 above their clearance): then only that there is one."""
    if number is None:
        return t("imports.dup_existing_hidden", same=t(kind.same))
    return t("imports.dup_existing", number=number, same=t(kind.same))


def _sort_out(actor: Actor, result: Preview, checked: list[Good], state: Any) -> None:
    """Duplicates of the database or of an earlier row; then what a row keeps from the sheet
    that another has (kind.claim)."""
    kind = result.kind
    existing = kind.existing(actor, [g.key for g in checked])
    seen: dict[Hashable, int] = {}
    for good in checked:
        if good.key in existing:
            result.duplicates.append(Duplicate(good.row,
                                               _dup_existing(kind, existing[good.key])))
            continue
        if good.key in seen:
            result.duplicates.append(Duplicate(good.row, t("imports.dup_row", row=seen[good.key],
                                                           same=t(kind.same))))
            continue
        seen[good.key] = good.row
        try:
            kind.claim(state, good)
        except ValidationError as exc:
            result.problems.extend(_problems(result, good.row, [exc]))
            continue
        result.good.append(good)


# ---------------------------------------------------------------------------- the import


@dataclass(frozen=True)
class Imported:
    row: int
    number: str
    kept: bool  # the sheet's number kept (else one assigned)


@dataclass
class Result:
    imported: list[Imported]
    duplicates: list[Duplicate]  # the preview's, and rows registered by others since
    problems: list[Problem]

    def summary(self) -> str:
        kept = sum(1 for i in self.imported if i.kept)
        return t("imports.done", n=len(self.imported), kept=kept,
                 assigned=len(self.imported) - kept, duplicates=len(self.duplicates),
                 bad=len({p.row for p in self.problems}))


def run(actor: Actor, plan: Preview, progress: Progress | None = None) -> Result:
    """Register every good row of ``plan`` in one transaction, in the kind's order (a 收文
    whose number the sheet keeps before those numbered anew, so no new number takes a kept
    one); a row someone registered since the preview is skipped as a duplicate. Any failure
    rolls every row back. The layout's mapping is kept for the next file of its shape."""
    kind = plan.kind
    kind.may_import(actor.person)
    duplicates = list(plan.duplicates)
    done: list[Imported] = []
    goods = sorted(plan.good, key=kind.order)
    with database.atomic():
        existing = kind.existing(actor, [g.key for g in goods])
        todo = []
        for good in goods:
            if good.key in existing:
                duplicates.append(Duplicate(good.row, _dup_existing(kind, existing[good.key])))
            else:
                todo.append(good)
        for n, good in enumerate(todo, start=1):
            number, kept = kind.register(actor, good)
            done.append(Imported(good.row, number, kept))
            if progress is not None:
                progress(n, len(todo))
        # The import as one act too: which rows of which layout, kept or numbered anew.
        audit.record(actor, f"{kind.kind}.import", kind.table, None, after={
            "layout": plan.layout, "rows": plan.rows,
            "imported": {str(i.row): i.number for i in done},
            "kept": sum(1 for i in done if i.kept),
            "duplicates": [d.row for d in duplicates], "bad": plan.bad_rows})
    try:
        layouts.keep(actor.person.login, plan.layout, plan.mapping())
    except ServiceError:
        pass  # the rows are in; settings that cannot be written only lose the mapping
    done.sort(key=lambda i: i.row)
    duplicates.sort(key=lambda d: d.row)
    return Result(done, duplicates, list(plan.problems))



# ---------------------------------------------------------------------------- as text


def column_line(plan: Preview, column: Column) -> str:
    """One column and the field it fills, as the CLI and the screen show it."""
    if not column.field:
        return t("imports.map_unmapped", letter=column.letter, header=column.header)
    return t("imports.map_line", letter=column.letter, header=column.header,
             field=plan.kind.label(column.field), how=t(f"imports.how_{column.how}"))


def preview_lines(plan: Preview) -> list[str]:
    """The mapping, the bad rows, the duplicates and the count, for the command line."""
    lines = [t("imports.cli.columns", row=plan.header_row)]
    lines += ["  " + column_line(plan, c) for c in plan.columns if c.header]
    if plan.problems:
        lines += [t("imports.cli.problems")] + ["  " + p.line() for p in plan.problems]
    if plan.duplicates:
        lines += [t("imports.cli.duplicates")] + ["  " + d.line() for d in plan.duplicates]
    lines.append(plan.summary())
    return lines


def result_lines(result: Result) -> list[str]:
    """Each imported row and its number (kept or given), then the count."""
    lines = [t("imports.cli.imported")] if result.imported else []
    for done in result.imported:
        key = "imports.kept_number" if done.kept else "imports.assigned_number"
        lines.append("  " + t(key, row=done.row, number=done.number))
    lines.append(result.summary())
    return lines
