"""The office's rules, read from data/rules.toml into typed tables, checked when govdesk starts.

Every number, list and code the office may change lives in data/rules.toml with the SPEC or seed
section it comes from; Python never repeats one as a fallback. The file is read once into the
frozen dataclasses below (``office_rules()``), and read strictly: a key of the wrong type, a
missing key, an unknown day kind, a negative number of days or a key nobody reads stops govdesk
at start with a ``RulesError`` that names the file, the key and its line, so an office that
edits the file wrongly is told at once rather than meeting a wrong deadline weeks later.

Because unknown keys are refused and every field is read by the code (tests/test_rules.py
checks both), a key in rules.toml is never silently ignored.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from govdesk.errors import ServiceError
from govdesk.i18n import t
from govdesk.models.org import SECRECY_LEVELS

WORKING, NATURAL = "working", "natural"
DAY_KINDS = (WORKING, NATURAL)
URGENT_LEVELS = ("特急", "加急")  # the 紧急程度 that carry a deadline (Supp. §3(三)3)
# 督查事项 kinds reporting every so many months, and the urgencies of a 批示 (SPEC §10).
SUPERVISION_CADENCED = ("重点工作", "大项目", "会议安排事项", "上级决策部署")
SUPERVISION_URGENCY = ("特急", "加急", "普通")
SECRET_LEVELS = SECRECY_LEVELS[1:]  # 秘密, 机密, 绝密: each has its longest 保密期限


def data_dir() -> Path:
    """The data folder: $GOVDESK_DATA, else the project's data/ beside the package."""
    env = os.environ.get("GOVDESK_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "data", here / "data"):
        if candidate.is_dir():
            return candidate
    return here.parent / "data"


class RulesError(ServiceError):
    """A data file (rules.toml, holidays.toml) the office edited cannot be used as it is.

    The message, in the user's language, names the file, the key and the line to fix."""

    def __init__(self, message: str, *, path: Path, key: str = "", line: int | None = None):
        super().__init__(message)
        self.path = path
        self.key = key
        self.line = line


@cache
def load_toml(name: str) -> dict[str, Any]:
    """A data file of the data folder as TOML (read once; see read_toml)."""
    return read_toml(data_dir() / name)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file; a syntax error becomes a RulesError with tomllib's line."""
    with open(path, "rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
            raise RulesError(t("rules.syntax", file=path, line=line or "?", error=exc),
                             path=path, line=line) from None


# ---------------------------------------------------------------------------- typed tables


@dataclass(frozen=True)
class Term:
    """A time allowed: ``days`` counted as ``kind`` says (working or natural days)."""

    days: int
    kind: str  # WORKING or NATURAL


@dataclass(frozen=True)
class IncomingRules:
    """收文 (SPEC §3)."""

    deadline: dict[str, Term]  # by 紧急程度: 特急, 加急 (Supp. §3(三)3)
    loan_days: int  # 借阅 period in natural days
    retention: dict[str, str]  # 保管期限 → its code in the 档号 (DA/T 22-2015), in order
    fonds: str  # 全宗号-门类代码 of the 档号
    party_words: tuple[str, ...]  # words of title/摘要 that suggest intake check (e)


@dataclass(frozen=True)
class CcRules:
    """抄送 order 党、政、军、群 (Supp. §3(一)7): which group each unit kind belongs to."""

    order: tuple[str, ...]  # the groups, in the order 抄送 must follow
    kinds: dict[str, str]  # unit kind (organisation.toml) → its group
    party_units: str  # the group of a unit marked party = true, whatever its kind
    other_kinds: str  # the group of a kind not listed in ``kinds``


@dataclass(frozen=True)
class OutgoingRules:
    """发文 (SPEC §4)."""

    written_date_grace_days: int  # Supp. §3(一)6
    cc: CcRules


@dataclass(frozen=True)
class HomeRules:
    """Home (SPEC §2)."""

    soon_working_days: int


@dataclass(frozen=True)
class SupervisionRules:
    """督查事项 (SPEC §10; Part 2 §4): how often each kind reports progress."""

    cadence: dict[str, int]  # months between reports, by kind (重点工作, 大项目, …)
    instruction: dict[str, Term]  # 批示件/交办: the report's term by urgency (特急/加急/普通)


@dataclass(frozen=True)
class SuggestionRules:
    """建议提案 (SPEC §11): terms in calendar months."""

    reply_months: int  # 交办 → reply sent
    complex_reply_months: int  # the same for a complex one, with approval
    co_opinion_months: int  # 交办 → the co-units' opinions
    second_reply_months: int  # 不满意 → the second reply


@dataclass(frozen=True)
class PetitionRules:
    """信访 (SPEC §9, §16): the district's answer terms in working days, the statutory clocks of
    《信访工作条例》 in calendar days, and the repeat window."""

    answer_days: int  # ordinary: the unit's answer, working days from the transfer
    important_answer_days: int  # important, or several units
    accept_days: int
    resolve_days: int
    extension_max_days: int
    review_request_days: int
    review_decision_days: int
    repeat_window_days: int


@dataclass(frozen=True)
class Rules:
    """All of data/rules.toml."""

    incoming: IncomingRules
    outgoing: OutgoingRules
    home: HomeRules
    secrecy: dict[str, int]  # longest 保密期限 per 密级 in years, also the default (SPEC §16)
    supervision: SupervisionRules
    suggestion: SuggestionRules
    petition: PetitionRules


# ---------------------------------------------------------------------------- strict reading


class Source:
    """One data file's text, to point a semantic error at the key's line."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def line_of(self, keys: tuple[str, ...]) -> int | None:
        """The line where the key ``keys`` (a dotted path) is written, or where its table is.

        Tables are found by their ``[a.b]`` headers, the key by ``key =`` below the header; a
        key inside an inline table (``"特急" = { days = 3 }``) is on its parent's line."""
        best: int | None = None
        best_depth = -1
        table: tuple[str, ...] = ()
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            header = re.match(r"^\[([^\[\]]+)\]", line)
            if header:
                table = tuple(_unquote(p) for p in _split_dotted(header.group(1)))
                if keys[:len(table)] == table and len(table) > best_depth:
                    best, best_depth = number, len(table)
                continue
            pair = re.match(r'^("[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*=', line)
            if not pair:
                continue
            full = (*table, _unquote(pair.group(1)))
            if keys[:len(full)] == full and len(full) > best_depth:
                best, best_depth = number, len(full)
        return best

    def error(self, keys: tuple[str, ...], problem: str, **values: object) -> RulesError:
        key = ".".join(keys)
        line = self.line_of(keys)
        message = t("rules.invalid", file=self.path, line=line or "?", name=key,
                    problem=t(f"rules.problem.{problem}", **values))
        return RulesError(message, path=self.path, key=key, line=line)


def _split_dotted(text: str) -> list[str]:
    return [p.strip() for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', text)]


def _unquote(key: str) -> str:
    key = key.strip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
        return key[1:-1]
    return key


class Table:
    """A TOML table read key by key; ``done()`` refuses whatever key was not read."""

    def __init__(self, source: Source, value: Any, keys: tuple[str, ...]):
        if not isinstance(value, dict):
            raise source.error(keys, "not_table")
        self.source = source
        self.value = value
        self.keys = keys
        self.read: set[str] = set()

    def _take(self, key: str) -> Any:
        if key not in self.value:
            raise self.source.error((*self.keys, key), "missing")
        self.read.add(key)
        return self.value[key]

    def table(self, key: str) -> Table:
        return Table(self.source, self._take(key), (*self.keys, key))

    def integer(self, key: str, *, low: int = 0) -> int:
        value = self._take(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.source.error((*self.keys, key), "not_integer")
        if value < low:
            raise self.source.error((*self.keys, key), "too_small", low=low)
        return value

    def text(self, key: str) -> str:
        value = self._take(key)
        if not isinstance(value, str) or not value.strip():
            raise self.source.error((*self.keys, key), "not_text")
        return value

    def one_of(self, key: str, choices: tuple[str, ...]) -> str:
        value = self._take(key)
        if value not in choices:
            raise self.source.error((*self.keys, key), "one_of", value=value,
                                    choices="、".join(choices))
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._take(key)
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, str) and v.strip() for v in value)):
            raise self.source.error((*self.keys, key), "not_texts")
        return tuple(value)

    def dates(self, key: str) -> tuple[date, ...]:
        """A list of dates, written as TOML dates or as "YYYY-MM-DD"; absent means none."""
        if key not in self.value:
            return ()
        value = self._take(key)
        if not isinstance(value, list):
            raise self.source.error((*self.keys, key), "not_dates")
        out = []
        for item in value:
            if isinstance(item, date):
                out.append(item)
                continue
            try:
                out.append(date.fromisoformat(str(item)))
            except ValueError:
                raise self.source.error((*self.keys, key), "bad_date", value=item) from None
        return tuple(out)

    def term(self, key: str) -> Term:
        entry = self.table(key)
        term = Term(days=entry.integer("days"), kind=entry.one_of("kind", DAY_KINDS))
        entry.done()
        return term

    def terms(self, *, required: tuple[str, ...] = ()) -> dict[str, Term]:
        """Every entry of this table as a Term (each ``{ days = …, kind = … }``)."""
        for key in required:
            if key not in self.value:
                raise self.source.error((*self.keys, key), "missing")
        return {key: self.term(key) for key in list(self.value)}

    def mapping(self, *, values: tuple[str, ...] | None = None) -> dict[str, str]:
        """Every entry of this table as text (optionally one of ``values``), in file order."""
        out = {}
        for key in list(self.value):
            out[key] = self.one_of(key, values) if values is not None else self.text(key)
        return out

    def done(self) -> None:
        for key in self.value:
            if key not in self.read:
                raise self.source.error((*self.keys, key), "unknown")


def parse_rules(raw: dict[str, Any], source: Source) -> Rules:
    """data/rules.toml → Rules, refusing anything the office could not have meant."""
    root = Table(source, raw, ())

    inc = root.table("incoming")
    deadline = inc.table("deadline")
    deadlines = deadline.terms(required=URGENT_LEVELS)
    for key in deadlines:
        if key not in URGENT_LEVELS:
            raise source.error(("incoming", "deadline", key), "one_of", value=key,
                               choices="、".join(URGENT_LEVELS))
    retention_table = inc.table("retention")
    retention = retention_table.mapping()
    if not retention:
        raise source.error(("incoming", "retention"), "empty")
    retention_table.done()
    intake = inc.table("intake")
    incoming = IncomingRules(
        deadline=deadlines,
        loan_days=inc.integer("loan_days", low=1),
        retention=retention,
        fonds=inc.text("fonds"),
        party_words=intake.texts("party_words"),
    )
    intake.done()
    inc.done()

    out = root.table("outgoing")
    cc_table = out.table("cc")
    order = cc_table.texts("order")
    kinds_table = cc_table.table("kinds")
    cc = CcRules(order=order, kinds=kinds_table.mapping(values=order),
                 party_units=cc_table.one_of("party_units", order),
                 other_kinds=cc_table.one_of("other_kinds", order))
    kinds_table.done()
    cc_table.done()
    outgoing = OutgoingRules(
        written_date_grace_days=out.integer("written_date_grace_days"),
        cc=cc,
    )
    out.done()

    home_table = root.table("home")
    home = HomeRules(soon_working_days=home_table.integer("soon_working_days"))
    home_table.done()

    secrecy_table = root.table("secrecy")
    secrecy = {level: secrecy_table.integer(level, low=1) for level in SECRET_LEVELS}
    secrecy_table.done()

    sup_table = root.table("supervision")
    cadence_table = sup_table.table("cadence")
    cadence = {kind: cadence_table.integer(kind, low=1) for kind in SUPERVISION_CADENCED}
    cadence_table.done()
    instruction_table = sup_table.table("instruction")
    instruction = instruction_table.terms(required=SUPERVISION_URGENCY)
    for key in instruction:
        if key not in SUPERVISION_URGENCY:
            raise source.error(("supervision", "instruction", key), "one_of", value=key,
                               choices="、".join(SUPERVISION_URGENCY))
    sup_table.done()
    sug_table = root.table("suggestion")
    suggestion = SuggestionRules(**{key: sug_table.integer(key, low=1) for key in (
        "reply_months", "complex_reply_months", "co_opinion_months", "second_reply_months")})
    sug_table.done()
    pet_table = root.table("petition")
    petition = PetitionRules(**{key: pet_table.integer(key, low=1) for key in (
        "answer_days", "important_answer_days", "accept_days", "resolve_days",
        "extension_max_days", "review_request_days", "review_decision_days",
        "repeat_window_days")})
    pet_table.done()
    root.done()
    return Rules(incoming=incoming, outgoing=outgoing, home=home, secrecy=secrecy,
                 supervision=SupervisionRules(cadence=cadence, instruction=instruction),
                 suggestion=suggestion, petition=petition)


@cache
def _rules_at(path: Path) -> tuple[Rules, dict[str, Any]]:
    raw = read_toml(path)
    return parse_rules(raw, Source(path)), raw


def office_rules() -> Rules:
    """The office's rules, typed and checked (read once per data folder)."""
    return _checked()[0]


def _checked() -> tuple[Rules, dict[str, Any]]:
    path = data_dir() / "rules.toml"
    try:
        return _rules_at(path)
    except FileNotFoundError:
        raise RulesError(t("rules.missing_file", file=path), path=path) from None


def reload() -> None:
    """Forget what was read, so the next use reads the data files again (after an edit)."""
    _rules_at.cache_clear()
    load_toml.cache_clear()


def check() -> None:
    """Read and check every data file the rules come from; raise RulesError on the first fault.

    The command line calls this before anything else, so an edited file that cannot be used
    stops govdesk with the file, key and line to fix (exit code 1), never a traceback."""
    office_rules()
    from govdesk.services.calendar import office_calendar

    office_calendar()


def rules() -> dict[str, Any]:
    """data/rules.toml as TOML, after it passed the check (for code not yet typed)."""
    return _checked()[1]


def rule(*path: str, default: Any = None) -> Any:
    """The raw value at ``path``, for call sites not yet moved to ``office_rules()``.

    There is no fallback: a path rules.toml lacks raises RulesError naming it. ``default`` is
    accepted only so that older call sites still run; it is never returned."""
    node: Any = rules()
    for depth, key in enumerate(path):
        if not isinstance(node, dict) or key not in node:
            source = Source(data_dir() / "rules.toml")
            raise source.error(tuple(path[:depth + 1]), "missing")
        node = node[key]
    return node
