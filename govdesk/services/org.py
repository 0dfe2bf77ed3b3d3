"""The organisation: loading it from data/, and the questions every module asks of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from govdesk.i18n import t
from govdesk.models import (
    SECRECY_LEVELS,
    Absence,
    Oversight,
    Person,
    Portfolio,
    Section,
    Unit,
)
from govdesk.services import unit_groups
from govdesk.services.errors import NotFound, ValidationError
from govdesk.services.fulltext import normalise
from govdesk.services.pinyin import matches, pinyin_keys
from govdesk.services.rules import load_toml
from govdesk.services.schema import get_meta, set_meta

# Keys 1–6 follow this order (issue: 秘书科, 综合调研科, 跟线秘书, 信息科, 督查室, 接待办).
DESK_SECTIONS = ("mishu", "diaoyan", "line", "xinxi", "ducha", "jiedai")
LINE_SECTIONS = ("ban1", "ban2")
VICE_RANKS = ("常务副区长", "副区长")
LEADER_RANKS = ("区长", "常务副区长", "副区长")
# Sections that draft 发文 (the leaders' "sections" do not).
NOT_DRAFTING = ("lingdao", "zhuren")


# ---------------------------------------------------------------------- plain choices
# What pickers and forms hold: frozen, names resolved, no database behind them. The services
# take them back wherever they take a unit, a person or a section (validate.unit/person/section).


@dataclass(frozen=True)
class PersonChoice:
    id: int
    login: str
    name: str
    section_code: str
    section_name: str
    post: str
    rank: str | None = None


@dataclass(frozen=True)
class UnitChoice:
    id: int
    code: str
    name: str
    short: str
    kind: str


@dataclass(frozen=True)
class SectionChoice:
    id: int
    code: str
    name: str
    members: tuple[PersonChoice, ...] = ()  # filled only where asked (传阅 to a section)


def person_choice(person: Person) -> PersonChoice:
    return PersonChoice(person.id, person.login, person.name, person.section.code,
                        person.section.name, person.post, person.rank)


def unit_choice(unit: Unit) -> UnitChoice:
    return UnitChoice(unit.id, unit.code, unit.name, unit.short, unit.kind)


def section_choice(section: Section,
                   members: tuple[PersonChoice, ...] = ()) -> SectionChoice:
    return SectionChoice(section.id, section.code, section.name, members)


def organisation_table() -> dict[str, Any]:
    return load_toml("organisation.toml")


def load_organisation(table: dict[str, Any] | None = None) -> None:
    """Fill an empty database's organisation from the TOML table (inside a transaction)."""
    table = table or organisation_table()
    for key, value in table.get("district", {}).items():
        set_meta(f"district.{key}", str(value))
    for order, row in enumerate(table["sections"], start=1):
        Section.create(code=row["code"], name=row["name"], order=order)
    units: dict[str, Unit] = {}
    for row in table["units"]:
        full, initials = pinyin_keys(row["short"])
        units[row["code"]] = Unit.create(
            code=row["code"],
            name=row["name"],
            short=row["short"],
            kind=row["kind"],
            level=row["level"],
            key_enterprise=row.get("key_enterprise", False),
            party=row.get("party", False),
            pinyin=full,
            initials=initials,
        )
    for row in table["units"]:
        if row.get("supervisor"):
            unit = units[row["code"]]
            unit.supervisor = units[row["supervisor"]]
            unit.save()
    sections = {s.code: s for s in Section.select()}
    people: dict[str, Person] = {}
    for row in table["people"]:
        full, initials = pinyin_keys(row["name"])
        people[row["login"]] = Person.create(
            login=row["login"],
            name=row["name"],
            section=sections[row["section"]],
            post=row["post"],
            rank=row.get("rank"),
            clearance=SECRECY_LEVELS.index(row.get("clearance", "无")),
            phone=row.get("phone", ""),
            active=row.get("active", True),
            admin=row.get("admin", False),
            unit=units[row["unit"]] if row.get("unit") else None,
            pinyin=full,
            initials=initials,
        )
    for row in table["people"]:
        person = people[row["login"]]
        if row.get("follows"):
            person.follows = people[row["follows"]]
            person.save()
        for code in row.get("portfolio", []):
            Portfolio.create(leader=person, unit=units[code])
        for code in row.get("oversees", []):
            Oversight.create(deputy=person, section=sections[code])
    unit_groups.store_groups(table.get("groups", []), set(units))


def district(key: str, default: str = "") -> str:
    return get_meta(f"district.{key}", default) or default


def person_by_login(login: str) -> Person:
    person = Person.get_or_none(Person.login == login)
    if person is None:
        raise NotFound(t("work.no_person", login=login))
    return person


def section(code: str) -> Section:
    return Section.get(Section.code == code)


def leader_choices() -> list[PersonChoice]:
    """``leaders()`` as plain choices, for a form's 领导 list."""
    return [person_choice(p) for p in leaders()]


def drafting_section_choices() -> list[SectionChoice]:
    """The sections that draft 发文, in the office's order."""
    rows = Section.select().where(~Section.code.in_(NOT_DRAFTING)).order_by(Section.order)
    return [section_choice(s) for s in rows]


def active_people() -> list[PersonChoice]:
    """Everyone active, section by section (a 差错's responsible person)."""
    rows = (Person.select(Person, Section).join(Section).where(Person.active)
            .order_by(Section.order, Person.id))
    return [person_choice(p) for p in rows]


def leaders() -> list[Person]:
    """区长, 常务副区长, then the 副区长 — the order of the weekly schedule sheet."""
    order = {rank: i for i, rank in enumerate(LEADER_RANKS)}
    rows = Person.select().where(Person.rank.in_(LEADER_RANKS) & Person.active)
    return sorted(rows, key=lambda p: (order[p.rank], p.id))


def by_rank(rank: str) -> Person | None:
    return (
        Person.select().where((Person.rank == rank) & Person.active).order_by(Person.id).first()
    )


def director() -> Person | None:
    return by_rank("主任")


def away_on(person: Person, when: datetime) -> Absence | None:
    return (
        Absence.select()
        .where((Absence.person == person) & (Absence.start <= when) & (Absence.end >= when))
        .order_by(Absence.start)
        .first()
    )


def acting_head(when: datetime) -> tuple[Person, Person | None]:
    """Who takes work meant for the 区长 at ``when``: (holder, acting_for or None) — Part 1 §7."""
    head = by_rank("区长")
    if head is None:
        raise NotFound(t("work.no_head"))
    absence = away_on(head, when)
    if absence is None:
        return head, None
    acting = absence.acting or by_rank("常务副区长")
    return (acting, head) if acting else (head, None)


def stand_in(person: Person, when: datetime) -> tuple[Person, Person | None]:
    """Route to ``person``, or to the acting head when the 区长 is away."""
    if person.rank == "区长":
        return acting_head(when)
    return person, None


def unit_heads() -> list[Person]:
    """Every active head of a district unit (post 正职/副职, Part 3 §22), by unit."""
    return list(Person.select(Person, Unit).join(Unit, on=(Person.unit == Unit.id))
                .where(Person.active).order_by(Unit.id, Person.post.desc(), Person.id))


def portfolio_leader(unit: Unit) -> Person | None:
    row = (
        Portfolio.select(Portfolio, Person)
        .join(Person)
        .where((Portfolio.unit == unit) & Person.active)
        .first()
    )
    return row.leader if row else None


def _pick_args(query: Any, limit: Any) -> None:
    if not isinstance(query, str):
        raise ValidationError(t("work.f_query"), t("errors.not_text"))
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValidationError(t("work.f_count"), t("errors.integer"))


def pick_people(query: str, limit: int = 20) -> list[PersonChoice]:
    """Active people matching ``query`` (name in either script, pinyin or initials), as plain
    choices."""
    _pick_args(query, limit)
    rows = (Person.select(Person.id, Person.login, Person.name, Section.code, Section.name,
                          Person.post, Person.rank, Person.pinyin, Person.initials)
            .join(Section).where(Person.active).order_by(Person.id).tuples())
    out: list[PersonChoice] = []
    for pid, login, name, code, section, post, rank, full, initials in rows.iterator():
        if len(out) >= limit:
            break  # what the picker shows is found: the rest of the office is not read
        if matches(query, name, full, initials):
            out.append(PersonChoice(pid, login, name, code, section, post, rank))
    return out


def pick_units(query: str, limit: int = 20) -> list[UnitChoice]:
    """Units matching ``query`` (short or full name in either script, pinyin or initials), as
    plain choices."""
    _pick_args(query, limit)
    rows = Unit.select().order_by(Unit.id)
    return [
        unit_choice(u) for u in rows if matches(query, u.short + u.name, u.pinyin, u.initials)
    ][:limit]


def unit_named(name: str) -> UnitChoice | None:
    """The directory's unit whose short or full name ``name`` is, in either script (compared
    as the one search compares text: fulltext.normalise)."""
    key = normalise(name)
    if not key:
        return None
    for u in Unit.select().order_by(Unit.id):
        if key in (normalise(u.short), normalise(u.name)):
            return unit_choice(u)
    return None


CLOSE_ENOUGH = 0.5  # difflib's ratio below which a unit is not offered as "did you mean"


def closest_units(name: str, limit: int = 3) -> list[UnitChoice]:
    """The directory's units nearest a name typed freely, nearest first: one whose name holds
    the typed text or is held in it (财政局, 黄岩区财政局办公室), then one that sounds the same
    (财正局: caizhengju), then by difflib's similarity ratio of the normalised names."""
    key = normalise(name)
    if not key:
        return []
    full, _initials = pinyin_keys(key)
    ranked = []
    for u in Unit.select().order_by(Unit.id):
        names = [n for n in (normalise(u.short), normalise(u.name)) if n]
        ratio = max((SequenceMatcher(None, key, n).ratio() for n in names), default=0.0)
        if any(key in n or n in key for n in names):
            tier = 0
        elif len(full) >= 4 and u.pinyin and (full in u.pinyin or u.pinyin in full):
            tier = 1
        elif ratio >= CLOSE_ENOUGH:
            tier = 2
        else:
            continue
        ranked.append((tier, -ratio, u.id, u))
    ranked.sort(key=lambda r: r[:3])
    return [unit_choice(r[3]) for r in ranked[:limit]]


def pick_sections(query: str, *, with_members: bool = False) -> list[SectionChoice]:
    """Sections matching ``query`` (name or its pinyin); ``with_members``: each with its
    active people (传阅 to a whole section)."""
    _pick_args(query, 0)
    out = []
    for s in Section.select().order_by(Section.order):
        full, initials = pinyin_keys(s.name)
        if not matches(query, s.name, full, initials):
            continue
        members: tuple[PersonChoice, ...] = ()
        if with_members:
            rows = (Person.select(Person, Section).join(Section)
                    .where((Person.section == s.id) & Person.active).order_by(Person.id))
            members = tuple(person_choice(p) for p in rows)
        out.append(section_choice(s, members))
    return out


def people_lines() -> list[str]:
    rows = Person.select(Person, Section).join(Section).order_by(Section.order, Person.id)
    return [f"{p.login}\t{p.name}\t{p.section.name}\t{p.post}" for p in rows]


def office_words() -> list[str]:
    """The organisation's own names as stored — sections, posts, ranks, units (full and short)
    — which the desk shows in the reader's language (govdesk.i18n.term); people's names are
    not among them."""
    words = [s.name for s in Section.select(Section.name)]
    words += [p.post for p in Person.select(Person.post).distinct()]
    words += [p.rank for p in Person.select(Person.rank).distinct()]
    for unit in Unit.select(Unit.name, Unit.short):
        words += [unit.name, unit.short]
    return [w for w in words if w]
