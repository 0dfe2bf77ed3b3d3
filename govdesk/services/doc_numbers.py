"""Documents by their number, exactly: 收〔2026〕31号, 黄政发〔2026〕3号, or a bare 31.

People write the year's brackets as they come to hand — 〔2026〕, [2026], (2026), （2026）,
［2026］ — and leave out the 号; a bare number means this year's document of the list's kind
with that sequence (every 发文 prefix has its own sequence, so a bare 3 may name several).
A number is matched exactly, by the registers' unique indexes (number; year and seq), never
as a substring: 31 is not 131, nor 2031. A record above the viewer's clearance is never found
(``find`` answers as if there were no such number), so a number never confirms that a secret
document exists.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from peewee import Expression

from govdesk.models import IncomingDocument, OutgoingDocument
from govdesk.services import org
from govdesk.services.context import Actor
from govdesk.services.fulltext import simplified

_BRACKETS = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "]": "〕", ")": "〕", "】": "〕"})
_NUMBER = re.compile(r"^(\D*?)〔(\d{4})〕0*(\d{1,9})号?$")
_BARE = re.compile(r"^0*(\d{1,9})号?$")
MODELS = {"incoming": IncomingDocument, "outgoing": OutgoingDocument}


@dataclass(frozen=True)
class NumberQuery:
    prefix: str | None  # None: a bare number (the list's kind)
    year: int
    seq: int

    def label(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.seq}号" if self.prefix is not None \
            else str(self.seq)


def parse(text: str, today: date) -> NumberQuery | None:
    """The number ``text`` writes, or None when it is not one."""
    if not isinstance(text, str) or len(text) > 60:
        return None
    s = simplified(unicodedata.normalize("NFKC", text)).translate(_BRACKETS)
    s = re.sub(r"\s+", "", s)
    m = _NUMBER.match(s)
    if m is not None:
        seq = int(m.group(3))
        return NumberQuery(m.group(1), int(m.group(2)), seq) if seq else None
    m = _BARE.match(s)
    if m is not None and int(m.group(1)):
        return NumberQuery(None, today.year, int(m.group(1)))
    return None


def incoming_prefix() -> str:
    return org.district("incoming_prefix", "收")


def kinds_of(query: NumberQuery, kind: str | None) -> list[str]:
    """Which registers a number can be in: a bare one in the list's kind (收文 when the list
    holds several), the 收文 prefix in 收文, any other prefix in 发文."""
    if query.prefix is None:
        return [kind or "incoming"]
    if query.prefix in ("", incoming_prefix()):
        return ["incoming"] if query.prefix else ["incoming", "outgoing"]
    return ["outgoing"]


def condition(query: NumberQuery, kind: str) -> Expression:
    """The register's rows with exactly this number (through its unique indexes)."""
    D = MODELS[kind]
    if query.prefix:
        return D.number == f"{query.prefix}〔{query.year}〕{query.seq}号"
    numbers = _bare.get(kind)
    if numbers is None:
        return (D.year == query.year) & (D.seq == query.seq)
    # Each issuer numbers on its own: the bare number under every prefix, by the number's index.
    return D.number.in_(numbers(query.year, query.seq))


# kind → the numbers a bare sequence stands for in a year (a kind with several prefixes
# registers it: its module, so that no workflow imports another through this one).
_bare: dict[str, Callable[[int, int], list[str]]] = {}


def bare_numbers(kind: str, numbers: Callable[[int, int], list[str]]) -> None:
    _bare[kind] = numbers


@dataclass(frozen=True)
class Found:
    kind: str
    id: int
    number: str


def find(actor: Actor, text: str, kind: str | None = None) -> list[Found]:
    """The documents numbered ``text`` that the viewer may see, 收文 before 发文, newest
    first; [] when ``text`` is no number or no visible document bears it."""
    query = parse(text, actor.today)
    if query is None:
        return []
    out = []
    for k in kinds_of(query, kind):
        D = MODELS[k]
        rows = (D.select(D.id, D.number)
                .where(condition(query, k) & (D.secrecy <= actor.person.clearance))
                .order_by(D.id.desc()).limit(20))
        out += [Found(k, r.id, r.number or "") for r in rows]
    return out
