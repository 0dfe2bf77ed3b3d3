"""The 区政府直线电话受理中心 (SPEC §9; Part 5 直线电话受理中心): a call recorded while on the phone
— caller, number, matter, category — and classified against the scope list of data/hotline.toml.
In scope, it becomes a 信访 case (channel 专线电话) and flows like any petition; out of scope
(党委, 人大, 政协, army, court, procuratorate, 来信来访) the caller is told where to go and that is
recorded with the place. The caller's name and number are personal data like a petitioner's
(services.petition.masking)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from govdesk.i18n import t, t_record
from govdesk.models import HotlineCall, Petition, database
from govdesk.models import petition as states
from govdesk.services import audit, sequence, validate
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError
from govdesk.services.petition import masking
from govdesk.services.petition import workflow as pet
from govdesk.services.rules import RulesError, Source, data_dir, read_toml

NUMBER_PREFIX = "热线"


@dataclass(frozen=True)
class ScopeItem:
    code: str
    name: str
    in_scope: bool
    place: str  # out of scope: where the caller is told to go


@cache
def scope_list() -> tuple[ScopeItem, ...]:
    """data/hotline.toml: the in-scope items, then where the rest belong; checked whole."""
    path = data_dir() / "hotline.toml"
    raw = read_toml(path)
    source = Source(path)
    out: list[ScopeItem] = []
    for table, in_scope in (("scope", True), ("elsewhere", False)):
        entries = raw.get(table)
        if not isinstance(entries, list) or not entries:
            raise source.error((table,), "empty")
        for entry in entries:
            wanted = {"code", "name", "cite"} | ({"place"} if not in_scope else set())
            for key in wanted:
                if not isinstance(entry.get(key), str) or not entry[key].strip():
                    raise source.error((table, key), "missing")
            for key in entry:
                if key not in wanted:
                    raise source.error((table, key), "unknown")
            out.append(ScopeItem(entry["code"], entry["name"], in_scope,
                                 entry.get("place", "")))
    codes = [s.code for s in out]
    if len(set(codes)) != len(codes):
        raise RulesError(t("petition.refuse.scope_codes", file=path), path=path)
    return tuple(out)


def scope_item(code: str) -> ScopeItem | None:
    return next((s for s in scope_list() if s.code == code), None)


def _label(name: str) -> str:
    return t(f"petition.f_{name}")


def record_call(actor: Actor, fields: dict) -> HotlineCall:
    """One call: caller, number, matter, category and its scope (a code of data/hotline.toml).
    In scope it is registered as a 信访 case from 专线电话 at once (its 拟办 to the 督查室);
    out of scope, what the caller was told and where, with the place from the list."""
    pet.require_staff(actor.person)
    if not isinstance(fields, dict):
        fields = {}
    caller = validate.text(fields, "caller", _label("caller"), limit=50)
    phone = pet.clean_phone(fields.get("phone"), _label("phone"), "phone")
    matter = validate.text(fields, "matter", _label("call_matter"), required=True, limit=4000,
                           multiline=True)
    category = validate.text(fields, "category", _label("category"), limit=50)
    code = fields.get("scope") or ""
    item = scope_item(code) if isinstance(code, str) else None
    if item is None:
        raise ValidationError(_label("scope"), t("errors.one_of", choices="、".join(
            s.name for s in scope_list())), name="scope")
    told = validate.text(fields, "told", _label("told"), limit=1000)
    person = {"name": caller, "phone": phone}
    year = actor.today.year
    with database.atomic():
        case = None
        if item.in_scope:
            summary = validate.text(fields, "summary", _label("summary"), limit=200) or \
                _summary_of(matter)
            case = pet.register(actor, {
                "channel": states.HOTLINE, "summary": summary, "matter": matter,
                "category": category or item.name, "place": fields.get("place") or "",
                "received_on": actor.today.isoformat(),
                "people": [person] if caller or phone else []})
        seq = sequence.next_number(NUMBER_PREFIX, year)
        where = "" if item.in_scope else (told or t_record("petition.told_where",
                                                            place=item.place))
        call = HotlineCall.create(
            year=year, seq=seq, caller=caller, phone=phone,
            matter=masking.tokenise(matter, [person]),
            category=masking.tokenise(category, [person]), scope=item.code,
            in_scope=item.in_scope, told_where=masking.tokenise(where, [person]),
            petition=case, recorded_by=actor.person, called_at=actor.now)
        audit.record(actor, "petition.call", "hotline_call", call.id, after={
            **audit.snapshot(call), "caller": masking.mask_name(caller),
            "phone": masking.mask_phone(phone)})
    return call


def told_text(call: HotlineCall) -> str:
    """Where an out-of-scope caller was sent, as the hotline staff who recorded it read it."""
    return masking.render(call.told_where, [{"name": call.caller, "phone": call.phone}], True)


def _summary_of(matter: str) -> str:
    first = matter.strip().splitlines()[0] if matter.strip() else ""
    return first[:60]


def call_number(call: HotlineCall) -> str:
    return t_record("petition.call_number", year=call.year, seq=call.seq)


@dataclass(frozen=True)
class CallRow:
    id: int
    number: str
    called_at: datetime
    caller: str  # masked unless allowed
    phone: str
    matter: str
    category: str
    scope: str  # the scope item's name
    in_scope: bool
    told_where: str
    petition_id: int | None
    petition_number: str


def calls(actor: Actor, *, day: date | None = None, limit: int = 200) -> list[CallRow]:
    """The calls, newest first (one day's, if given), the caller masked for those not allowed
    (the hotline and the 督查室 see them; a case's handler sees the caller of that case)."""
    q = HotlineCall.select().order_by(HotlineCall.id.desc()).limit(max(1, min(limit, 1000)))
    if day is not None:
        q = q.where((HotlineCall.called_at >= datetime.combine(day, datetime.min.time()))
                    & (HotlineCall.called_at < datetime.combine(day, datetime.max.time())))
    rows = list(q)
    case_ids = [r.petition_id for r in rows if r.petition_id]
    allowed_cases = masking.allowed_ids(actor.person, case_ids)
    # the cases' numbers in one query for the page, not one per call
    numbers = {c.id: pet.number_of(c) for c in Petition.select(
        Petition.id, Petition.year, Petition.seq).where(Petition.id.in_(case_ids))
    } if case_ids else {}
    out = []
    for r in rows:
        allowed = masking.is_staff(actor.person) or r.petition_id in allowed_cases
        person = {"name": r.caller, "phone": r.phone}
        shown = masking.shown(person, allowed)
        item = scope_item(r.scope)
        out.append(CallRow(
            r.id, call_number(r), r.called_at, shown.name, shown.phone,
            masking.render(r.matter, [person], allowed),
            masking.render(r.category, [person], allowed),
            item.name if item else r.scope, r.in_scope,
            masking.render(r.told_where, [person], allowed), r.petition_id,
            numbers.get(r.petition_id, "")))
    return out


def scope_choices() -> list[tuple[str, str, bool, str]]:
    """(code, name, in scope, place) for a form's picker, in the file's order."""
    return [(s.code, s.name, s.in_scope, s.place) for s in scope_list()]
