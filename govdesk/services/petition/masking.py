"""Petitioners' personal data are need-to-know (SPEC §9; issue "信访 … kept to those who may see
it" item 5): the one place that says who sees a petitioner's name, phone, address and ID number
and what everyone else sees instead.

Seen by: the 督查室 and the 直线电话受理中心 (the sections that handle 信访, Part 2 §3(一) and
Part 5 直线电话受理中心), and whoever holds or held a step of that case (its handler: the leader
who 阅批 it). Everyone else — administrators too — gets ``138****5678``, ``张*``,
``3301**********1234`` and the address cut to its district.

What everyone may read is kept free of the raw values to begin with: the values live only in
``PetitionPerson`` (and a call's caller); a name or number typed into the matter or an opinion is
stored as a token (``tokenise``) and written back for each reader (``render``); the case's title
(copied to Home, ``govdesk today`` and the inbox), its index entry and its audit entries hold
only masks or tokens, so no query a masked user can run finds or shows them. Every generic
reader (Home, the inbox, `govdesk today`, the one search, the 催办记录, the audit view, a
timeline) shows them per reader through the engine's hook (``engine.Workflow.shown``, given by
services.petition.workflow): as they are to those allowed, masked to everyone else.
Those allowed find a case by those fields through ``services.petition.views.find_personal``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govdesk.models import Flow, Person, PetitionPerson, Task

KIND = "petition"
SECTIONS = ("ducha", "zhixian")  # 督查室, 直线电话受理中心 (data/organisation.toml)
FIELDS = ("name", "phone", "address", "id_number")
# A district's 区/县 (not 小区, 社区, 园区 …), else a city's 市 (not 市场).
_DISTRICT = (re.compile(r"^.*?(?<![小社园景校厂矿城街])[区县](?![域])"), re.compile(r"^.*?市(?!场)"))


def is_staff(person: Person) -> bool:
    """督查室 or 直线电话受理中心: sees every case's petitioners."""
    return person.section.code in SECTIONS


def handled_ids(person: Person, record_ids: Iterable[int] | None = None) -> set[int]:
    """The cases (record ids) ``person`` holds or held a step of."""
    q = (Flow.select(Flow.record_id).join(Task, on=(Task.flow == Flow.id))
         .where((Flow.kind == KIND) & (Task.holder == person)))
    if record_ids is not None:
        ids = list(record_ids)
        if not ids:
            return set()
        q = q.where(Flow.record_id.in_(ids))
    return {rid for (rid,) in q.distinct().tuples()}


def may_see(person: Person, record_id: int) -> bool:
    return is_staff(person) or bool(handled_ids(person, [record_id]))


def allowed_ids(person: Person, record_ids: Sequence[int]) -> set[int]:
    """Of ``record_ids``, those whose petitioners ``person`` may see (one query for a page)."""
    if is_staff(person):
        return set(record_ids)
    return handled_ids(person, record_ids)


def people_by_case(record_ids: Iterable[int]) -> dict[int, list[PetitionPerson]]:
    """Each case's petitioners in order, for a page of cases (one query)."""
    ids = sorted(set(record_ids))
    out: dict[int, list[PetitionPerson]] = {i: [] for i in ids}
    if ids:
        for p in (PetitionPerson.select().where(PetitionPerson.petition.in_(ids))
                  .order_by(PetitionPerson.position, PetitionPerson.id)):
            out[p.petition_id].append(p)
    return out


# ---------------------------------------------------------------------------- the masks


def mask_phone(phone: str) -> str:
    """13857605678 → 138****5678; a shorter number keeps its last 4 (or fewer) digits only."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    keep = min(4, max(len(phone) - 3, 1))
    return "*" * (len(phone) - keep) + phone[-keep:]


def mask_name(name: str) -> str:
    """张三强 → 张*: the family name only, never the length of the given name."""
    return name[:1] + "*" if name else ""


def mask_id(id_number: str) -> str:
    """330102198001011234 → 3301**********1234."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_address(address: str) -> str:
    """浙江省台州市黄岩区东城街道劝农路12号 → 浙江省台州市黄岩区: up to its district (区/县/市);
    one naming none is hidden whole."""
    if not address:
        return ""
    for pattern in _DISTRICT:
        match = pattern.match(address)
        if match and match.end() < len(address):
            return match.group(0) + "…"
    return "***"


MASKS = {"name": mask_name, "phone": mask_phone, "address": mask_address,
         "id_number": mask_id}


@dataclass(frozen=True)
class Petitioner:
    """One petitioner as a reader may see them (masked unless allowed)."""

    name: str
    phone: str
    address: str
    id_number: str
    masked: bool

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.phone or self.address or self.id_number)


def shown(person_row: PetitionPerson | dict, allowed: bool) -> Petitioner:
    values = person_row if isinstance(person_row, dict) else {
        f: getattr(person_row, f) for f in FIELDS}
    if allowed:
        return Petitioner(*(values.get(f, "") or "" for f in FIELDS), masked=False)
    return Petitioner(*(MASKS[f](values.get(f, "") or "") for f in FIELDS), masked=True)


def masked_dict(values: dict) -> dict:
    """A petitioner's fields masked (what an audit entry keeps)."""
    return {k: (MASKS[k](v or "") if k in MASKS else v) for k, v in values.items()}


_TOKEN = re.compile(r"⟦(\d+):(name|phone|address|id_number)⟧")


def _values(p: PetitionPerson | dict) -> dict:
    return p if isinstance(p, dict) else {f: getattr(p, f) for f in FIELDS}


def tokenise(text: str, people: Sequence[PetitionPerson | dict]) -> str:
    """``text`` as it is stored: each of the petitioners' own values (a name or number typed
    into the matter or an opinion) replaced by a token naming the petitioner and the field, so
    the record itself never holds them; ``render`` writes them back for a reader. Longest
    values first, so a name inside an address is not replaced half."""
    if not text:
        return text
    pairs: list[tuple[str, str]] = []
    for n, p in enumerate(people):
        values = _values(p)
        for f in FIELDS:
            value = (values.get(f) or "").strip()
            if len(value) >= 2:
                pairs.append((value, f"⟦{n}:{f}⟧"))
                if f == "id_number" and value.endswith("X"):
                    pairs.append((value[:-1] + "x", f"⟦{n}:{f}⟧"))
    for value, token in sorted(pairs, key=lambda p: -len(p[0])):
        text = text.replace(value, token)
    return text


def render(text: str, people: Sequence[PetitionPerson | dict], allowed: bool) -> str:
    """A stored text for a reader: the tokens as the values (allowed) or their masks."""
    if not text or "⟦" not in text:
        return text

    def one(match: re.Match) -> str:
        n, f = int(match.group(1)), match.group(2)
        if n >= len(people):
            return "*"
        value = _values(people[n]).get(f) or ""
        return value if allowed else MASKS[f](value)

    return _TOKEN.sub(one, text)
