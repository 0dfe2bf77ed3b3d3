"""A list's filter line: one line of ``keyword:value`` tokens and free words, parsed here and
applied in SQL inside the lists' own queries.

    类:收文 急:特急 在办:黄晓敏 单位:财政 期限:11-01..11-30 防汛

Keywords are the office's words (类 急 状态 在办 单位 期限) or ASCII aliases (kind urgency
state holder unit due); a full-width colon (：) works like ``:`` and Traditional characters
like Simplified ones. A value may list alternatives (``急:特急,加急``). Free words are looked
for in the title. ``parse`` is pure; ``check`` also looks the holders up, so a name nobody
bears is refused before the list changes.

On a task list the filter becomes extra conditions on the task (``t``) and flow (``f``) rows
the index-driven branches already read (``task_condition``); on a register, extra WHERE
clauses of ``register_page`` and words for its full-text search (``register_where``). Fields
the viewer does not see on a redacted row — its title, its 来文单位 / 主送 — are matched only
on records within the viewer's clearance, so a filter never tells more about a secret
document than its redacted row already shows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from peewee import SQL, Expression

from govdesk.i18n import t
from govdesk.models import Flow, Person, Section, Task
from govdesk.models.flow import WAITING
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError
from govdesk.services.fulltext import simplified
from govdesk.services.inbox import Branch
from govdesk.services.pinyin import matches

# keyword (normalised: NFKC, lower case, Simplified) → what it filters
KEYWORDS = {
    "类": "kind", "种类": "kind", "kind": "kind", "type": "kind",
    "急": "urgency", "紧急": "urgency", "缓急": "urgency", "urgency": "urgency",
    "状态": "state", "步骤": "state", "环节": "state", "state": "state", "step": "state",
    "在办": "holder", "经办": "holder", "holder": "holder", "who": "holder",
    "单位": "unit", "unit": "unit", "from": "unit", "to": "unit",
    "期限": "date", "日期": "date", "due": "date", "date": "date",
}
KINDS = {"收文": "incoming", "发文": "outgoing", "请假": "leave",
         "incoming": "incoming", "in": "incoming", "outgoing": "outgoing", "out": "outgoing",
         "leave": "leave", "建议提案": "suggestion", "建议": "suggestion", "提案": "suggestion",
         "suggestion": "suggestion", "专项工作报告": "special_report", "专项报告": "special_report",
         "special_report": "special_report", "信访": "petition", "信访件": "petition",
         "petition": "petition"}
URGENCIES = ("特急", "加急", "普通")
MAX_LINE = 500
_ALTERNATIVES = re.compile(r"[,、|/]")
_DAY = re.compile(r"^(?:(\d{4})[-/.])?(\d{1,2})[-/.](\d{1,2})$")
_RANGE = re.compile(r"\.\.|~")


@dataclass(frozen=True)
class ListFilter:
    """What a filter line asks for (each tuple: any of its values)."""

    text: str = ""  # the line as typed
    kinds: tuple[str, ...] = ()  # flow kinds: incoming / outgoing / leave
    urgencies: tuple[str, ...] = ()
    states: tuple[str, ...] = ()  # a register's state, a task's step (part of it)
    holders: tuple[str, ...] = ()  # names or initials, as typed (normalised)
    units: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    words: tuple[str, ...] = ()  # in the title

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.urgencies or self.states or self.holders or self.units
                    or self.since or self.until or self.words)


NONE = ListFilter()


def _norm(text: str) -> str:
    return simplified(unicodedata.normalize("NFKC", text).lower())


def _refuse(message: str) -> ValidationError:
    return ValidationError(t("listview.f_filter"), message, name="filter")


def _day(value: str, today: date, token: str) -> date:
    m = _DAY.match(value)
    if m is None:
        raise _refuse(t("listview.bad_date", token=token))
    year = int(m.group(1)) if m.group(1) else today.year
    try:
        return date(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _refuse(t("listview.bad_date", token=token)) from None


def parse(text: str, today: date) -> ListFilter:
    """The filter a line asks for; a token it cannot read is refused, naming it."""
    if not isinstance(text, str):
        raise _refuse(t("errors.not_text"))
    line = unicodedata.normalize("NFKC", text).strip()
    if len(line) > MAX_LINE or "\x00" in line:
        raise _refuse(t("listview.too_long", n=MAX_LINE))
    found: dict[str, list[str]] = {k: [] for k in ("kind", "urgency", "state", "holder", "unit",
                                                   "words")}
    since = until = None
    for token in line.split():
        key, colon, value = token.partition(":")
        if not colon:
            found["words"].append(token)
            continue
        what = KEYWORDS.get(_norm(key))
        if what is None:
            raise _refuse(t("listview.bad_keyword", token=token))
        if not value:
            raise _refuse(t("listview.no_value", token=token))
        if what == "date":
            parts = _RANGE.split(value)
            if len(parts) == 1:
                since = until = _day(value, today, token)
            elif len(parts) == 2:
                since = _day(parts[0], today, token) if parts[0] else None
                until = _day(parts[1], today, token) if parts[1] else None
                if since and until and since > until:
                    raise _refuse(t("listview.bad_range", token=token))
            else:
                raise _refuse(t("listview.bad_date", token=token))
            continue
        values = [v for v in _ALTERNATIVES.split(value) if v]
        if what == "kind":
            kinds = [KINDS.get(_norm(v)) for v in values]
            if None in kinds:
                raise _refuse(t("listview.bad_kind", token=token))
            found["kind"] += kinds
        elif what == "urgency":
            urgencies = [_norm(v) for v in values]
            if any(u not in URGENCIES for u in urgencies):
                raise _refuse(t("listview.bad_urgency", token=token))
            found["urgency"] += urgencies
        else:
            found[what] += [_norm(v) for v in values]
    return ListFilter(text=text.strip(), kinds=tuple(dict.fromkeys(found["kind"])),
                      urgencies=tuple(dict.fromkeys(found["urgency"])),
                      states=tuple(found["state"]), holders=tuple(found["holder"]),
                      units=tuple(found["unit"]), since=since, until=until,
                      words=tuple(found["words"]))


# ---------------------------------------------------------------------------- holders


def holder_ids(names: tuple[str, ...]) -> tuple[list[int], list[int]]:
    """The people and sections whose name (or its pinyin, its initials) holds any of
    ``names``, as the pickers match them; a name that finds no one is refused."""
    people: list[int] = []
    sections: list[int] = []
    if not names:
        return people, sections
    all_people = list(Person.select(Person.id, Person.name, Person.pinyin, Person.initials)
                      .order_by(Person.id).tuples())
    all_sections = list(Section.select(Section.id, Section.name).order_by(Section.id).tuples())
    for name in names:
        p = [i for i, n, full, ini in all_people if matches(name, n, full or "", ini or "")]
        s = [i for i, n in all_sections if matches(name, n, "", "")]
        if not p and not s:
            raise _refuse(t("listview.no_holder", name=name))
        people += p
        sections += s
    return sorted(set(people)), sorted(set(sections))


def check(actor: Actor, text: str) -> ListFilter:
    """``parse``, and the holders looked up (worker thread): refused as a whole or taken."""
    flt = parse(text, actor.today)
    holder_ids(flt.holders)
    return flt


# ---------------------------------------------------------------------------- task lists


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _marks(values) -> str:
    return ", ".join("{p}" for _ in values)


def task_condition(actor: Actor, flt: ListFilter) -> Branch | None:
    """The filter as one more condition on a task list's rows (``t`` the task, ``f`` its
    flow), or None for no filter. Only the task's own columns, its flow by primary key and
    the record by primary key are read: the list's branches still walk their indexes."""
    if flt.empty:
        return None
    parts: list[str] = []
    params: list = []
    clearance = actor.person.clearance
    if flt.kinds:
        parts.append(f"f.kind IN ({_marks(flt.kinds)})")
        params += flt.kinds
    if flt.urgencies:
        parts.append(f"t.urgency IN ({_marks(flt.urgencies)})")
        params += flt.urgencies
    if flt.states:
        parts.append("(" + " OR ".join("t.step LIKE {p} ESCAPE '\\'" for _ in flt.states) + ")")
        params += [_like(s) for s in flt.states]
    if flt.holders:
        people, sections = holder_ids(flt.holders)
        held = []
        if people:
            held.append(f"t.holder_id IN ({_marks(people)})")
            params += people
        if sections:
            held.append(f"(t.holder_id IS NULL AND t.holder_section_id IN ({_marks(sections)}))")
            params += sections
        parts.append("(" + " OR ".join(held) + ")")
    if flt.since is not None:
        parts.append("t.due >= {p}")
        params.append(flt.since)
    if flt.until is not None:
        parts.append("t.due <= {p}")
        params.append(flt.until)
    if flt.units:
        arms, values = [], []
        for unit in flt.units:
            arms.append("(f.kind = 'incoming' AND EXISTS (SELECT 1 FROM incoming_document d"
                        " WHERE d.id = f.record_id AND d.from_name LIKE {p} ESCAPE '\\'))")
            arms.append("(f.kind = 'outgoing' AND EXISTS (SELECT 1 FROM outgoing_document d"
                        " WHERE d.id = f.record_id AND (d.main_to LIKE {p} ESCAPE '\\'"
                        " OR d.issuer LIKE {p} ESCAPE '\\')))")
            values += [_like(unit)] * 3
        parts.append("f.secrecy <= {p} AND (" + " OR ".join(arms) + ")")
        params += [clearance, *values]
    for word in flt.words:
        parts.append("f.secrecy <= {p} AND (f.title LIKE {p} ESCAPE '\\'"
                     " OR f.title LIKE {p} ESCAPE '\\')")
        params += [clearance, _like(word), _like(simplified(word))]
    return Branch(" AND ".join(parts), tuple(params))


# ---------------------------------------------------------------------------- registers


@dataclass(frozen=True)
class RegisterFilter:
    """A filter as a register applies it: extra WHERE clauses and words for its search."""

    where: Expression | None
    words: str
    nothing: bool = False  # the register cannot hold what is asked (类 of another kind)


def _any(expressions: list) -> Expression:
    out = expressions[0]
    for e in expressions[1:]:
        out = out | e
    return out


def register_where(actor: Actor, kind: str, model, flt: ListFilter,
                   sort: str | None = None) -> RegisterFilter:
    """The filter on the ``kind`` register (model IncomingDocument / OutgoingDocument). The
    page walks the index of its ``sort`` (services.register_sort): the date range and the
    holder's documents are checked on the rows it reads — not used to find rows in another
    order, all of them then sorted — except a date range on the very column sorted by."""
    from govdesk.services.register_sort import unindexed

    if flt.empty:
        return RegisterFilter(None, "")
    if flt.kinds and kind not in flt.kinds:
        return RegisterFilter(None, "", nothing=True)
    clauses: list = []
    D = model
    if flt.urgencies:
        clauses.append(D.urgency.in_(list(flt.urgencies)))
    if flt.states:
        clauses.append(_any([D.state.contains(s) for s in flt.states]))
    day = D.received_on if kind == "incoming" else D.written_date
    if not (kind == "incoming" and sort == "received_on"):
        day = unindexed(day)
    if flt.since is not None:
        clauses.append(day >= flt.since)
    if flt.until is not None:
        clauses.append(day <= flt.until)
    if flt.units:
        if kind == "incoming":
            unit = _any([D.from_name.contains(u) for u in flt.units])
        else:
            unit = _any([D.main_to.contains(u) | D.issuer.contains(u) for u in flt.units])
        clauses.append(unit & (D.secrecy <= actor.person.clearance))
    if flt.holders:
        people, sections = holder_ids(flt.holders)
        held = [Task.holder.in_(people)] if people else []
        if sections:
            held.append(Task.holder.is_null() & Task.holder_section.in_(sections))
        waiting = (Flow.select(Flow.record_id).join(Task, on=(Task.flow == Flow.id))
                   .where((Flow.kind == kind) & (Task.state == WAITING) & _any(held)))
        clauses.append(unindexed(D.id).in_(waiting))
    where = None
    for clause in clauses:
        where = clause if where is None else where & clause
    return RegisterFilter(where, " ".join(flt.words))


def no_rows() -> Expression:
    return SQL("0 = 1")


# ---------------------------------------------------------------------------- the title


def summary(flt: ListFilter) -> str:
    """The filter in force, as a panel title says it."""
    return flt.text


def narrow(actor: Actor, kind: str, model, query, text: str, line: str,
           sort: str | None = None):
    """A register's query narrowed by its search box and its filter line: (query, the words
    left for the full-text search), or (None, "") when nothing can match. A box that holds a
    document number (or a bare number) finds that number exactly, not every record holding
    its digits (services.doc_numbers) when this register holds a document of that number the
    viewer may see; else the text is looked for as words, as before (``88号`` may be part of a
    来文字号 黄财〔2026〕88号); a filter line that cannot be read is refused. ``sort``: the column the
    register is sorted by (services.register_sort), whose index the page walks."""
    from govdesk.services import doc_numbers

    number = doc_numbers.parse(text, actor.today) if text else None
    if number is not None:
        exact = doc_numbers.condition(number, kind) & (model.secrecy <= actor.person.clearance)
        # A number no document of this register bears may be another's (a 来文字号): then
        # the words are looked for as before.
        if model.select(model.id).where(exact).exists():
            query, text = query.where(exact), ""
    if line:
        narrowed = register_where(actor, kind, model, parse(line, actor.today), sort=sort)
        if narrowed.nothing:
            return None, ""
        if narrowed.where is not None:
            query = query.where(narrowed.where)
        text = " ".join(x for x in (text, narrowed.words) if x)
    return query, text


# ---------------------------------------------------------------------------- 督查事项
#
# The 督查室's register of 督查事项 (services/supervision/views.register_page) reads a line of
# its own words:
#
#     类:重点工作 单位:财政 领导:张 状态:滞后 逾期 旧城改造
#
# 类 the item's kind, 单位 its lead unit or a co-unit, 领导 its 分管领导 or the leader who
# instructed it, 状态 its status as shown (滞后 also when a report is overdue), 逾期 only
# those whose report is overdue; free words are looked for in the title. ASCII aliases (kind
# unit leader status overdue) and Traditional characters work as on every list.

ITEM_KEYWORDS = {
    "类": "kind", "类别": "kind", "种类": "kind", "kind": "kind", "type": "kind",
    "单位": "unit", "牵头": "unit", "协办": "unit", "unit": "unit",
    "领导": "leader", "分管": "leader", "批示": "leader", "leader": "leader",
    "状态": "status", "state": "status", "status": "status",
}
ITEM_KINDS = {
    "重点工作": "重点工作", "重点": "重点工作", "key": "重点工作", "keywork": "重点工作",
    "大项目": "大项目", "项目": "大项目", "project": "大项目",
    "会议安排事项": "会议安排事项", "会议": "会议安排事项", "meeting": "会议安排事项",
    "领导批示件": "领导批示件", "批示件": "领导批示件", "批示": "领导批示件",
    "instruction": "领导批示件",
    "特别交办事项": "特别交办事项", "交办": "特别交办事项", "assignment": "特别交办事项",
    "上级决策部署": "上级决策部署", "上级": "上级决策部署", "higher": "上级决策部署",
}
ITEM_STATUSES = {
    "未启动": "未启动", "not_started": "未启动", "new": "未启动",
    "推进中": "推进中", "进行中": "推进中", "under_way": "推进中", "doing": "推进中",
    "滞后": "滞后", "late": "滞后", "lagging": "滞后",
    "已完成": "已完成", "完成": "已完成", "done": "已完成",
}
ITEM_OVERDUE = ("逾期", "超期", "overdue")


@dataclass(frozen=True)
class ItemFilter:
    """What a 督查事项 filter line asks for (each tuple: any of its values)."""

    text: str = ""
    kinds: tuple[str, ...] = ()  # 重点工作 …
    units: tuple[str, ...] = ()  # unit names as typed (normalised)
    leaders: tuple[str, ...] = ()  # people's names or initials, as typed (normalised)
    statuses: tuple[str, ...] = ()  # 未启动 / 推进中 / 滞后 / 已完成
    overdue: bool = False
    words: tuple[str, ...] = ()  # in the title

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.units or self.leaders or self.statuses or self.overdue
                    or self.words)


def parse_items(text: str, today: date | None = None) -> ItemFilter:
    """The 督查事项 filter a line asks for; a token it cannot read is refused, naming it."""
    if not isinstance(text, str):
        raise _refuse(t("errors.not_text"))
    line = unicodedata.normalize("NFKC", text).strip()
    if len(line) > MAX_LINE or "\x00" in line:
        raise _refuse(t("listview.too_long", n=MAX_LINE))
    found: dict[str, list[str]] = {k: [] for k in ("kind", "unit", "leader", "status", "words")}
    overdue = False
    for token in line.split():
        key, colon, value = token.partition(":")
        if not colon:
            if _norm(token) in ITEM_OVERDUE:
                overdue = True
            else:
                found["words"].append(token)
            continue
        what = ITEM_KEYWORDS.get(_norm(key))
        if what is None:
            raise _refuse(t("supervision.filter_bad_keyword", token=token))
        values = [v for v in _ALTERNATIVES.split(value) if v]
        if not values:
            raise _refuse(t("listview.no_value", token=token))
        if what == "kind":
            kinds = [ITEM_KINDS.get(_norm(v)) for v in values]
            if None in kinds:
                raise _refuse(t("supervision.filter_bad_kind", token=token))
            found["kind"] += kinds
        elif what == "status":
            statuses = [ITEM_STATUSES.get(_norm(v)) for v in values]
            if None in statuses:
                raise _refuse(t("supervision.filter_bad_status", token=token))
            found["status"] += statuses
        else:
            found[what] += [_norm(v) for v in values]
    return ItemFilter(text=text.strip(), kinds=tuple(dict.fromkeys(found["kind"])),
                      units=tuple(dict.fromkeys(found["unit"])),
                      leaders=tuple(dict.fromkeys(found["leader"])),
                      statuses=tuple(dict.fromkeys(found["status"])), overdue=overdue,
                      words=tuple(found["words"]))


def item_unit_ids(names: tuple[str, ...]) -> list[int]:
    """The units whose name or short name (or its pinyin, its initials) holds any of
    ``names``; a name that finds none is refused."""
    from govdesk.models import Unit

    if not names:
        return []
    every = list(Unit.select(Unit.id, Unit.name, Unit.short, Unit.pinyin, Unit.initials)
                 .order_by(Unit.id).tuples())
    out: list[int] = []
    for name in names:
        found = [i for i, full, short, py, ini in every
                 if matches(name, full, py or "", ini or "") or matches(name, short, "", "")]
        if not found:
            raise _refuse(t("supervision.filter_no_unit", name=name))
        out += found
    return sorted(set(out))


def item_leader_ids(names: tuple[str, ...]) -> list[int]:
    """The people whose name (or its pinyin, its initials) holds any of ``names``; a name
    that finds no one is refused."""
    if not names:
        return []
    every = list(Person.select(Person.id, Person.name, Person.pinyin, Person.initials)
                 .order_by(Person.id).tuples())
    out: list[int] = []
    for name in names:
        found = [i for i, n, full, ini in every if matches(name, n, full or "", ini or "")]
        if not found:
            raise _refuse(t("supervision.filter_no_leader", name=name))
        out += found
    return sorted(set(out))


def check_items(actor: Actor, text: str) -> ItemFilter:
    """``parse_items``, and the units and leaders looked up (worker thread)."""
    flt = parse_items(text, actor.today)
    item_unit_ids(flt.units)
    item_leader_ids(flt.leaders)
    return flt


def resolve_item_line(actor: Actor, key: str, line: str | None) -> str:
    """Worker thread: ``resolve_line`` for the 督查事项 register, whose line reads its own
    words; a kept line that no longer reads is dropped."""
    from govdesk.services import settings

    if line is not None:
        return line
    kept = settings.list_filters(actor.person.login).get(key, "")
    try:
        check_items(actor, kept)
    except ValidationError:
        return ""
    return kept


def keep_item_line(login: str, key: str, line: str) -> None:
    """``settings.set_list_filter`` for the 督查事项 register: only a line it reads is kept."""
    from govdesk.services import settings

    settings.set_list_filter(login, key, line, parse=parse_items)


def drop_item_tokens(line: str, what: str) -> str:
    """``line`` without its tokens of ``what`` ("kind", "unit", "leader", "status", or
    "overdue" for the bare word): ``k`` and ``o`` on the register rewrite its line so."""
    kept = []
    for token in unicodedata.normalize("NFKC", line).split():
        key, colon, _value = token.partition(":")
        norm = _norm(key)
        if colon and ITEM_KEYWORDS.get(norm) == what:
            continue
        if not colon and what == "overdue" and norm in ITEM_OVERDUE:
            continue
        kept.append(token)
    return " ".join(kept)
