"""What the 信访 screens show, as plain data read in a worker (DESIGN "The UI thread never
waits"): the register page, one case's detail with its clocks, and — for those allowed — finding
a case by a petitioner's name, phone or ID number. Every text a petitioner's values could be in
goes through services.petition.masking for the reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from govdesk.models import Petition, PetitionPerson, PetitionReview
from govdesk.services import audit, fulltext, validate
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.petition import clocks, masking
from govdesk.services.petition import workflow as pet

PAGE = 50


@dataclass(frozen=True)
class CaseRow:
    id: int
    number: str
    channel: str
    title: str
    petitioner: str  # the first petitioner's name (masked unless allowed), and how many
    received_on: date
    state: str
    due: date | None
    late: bool  # late on any running clock
    repeat: bool


@dataclass(frozen=True)
class ReviewView:
    kind: str
    requested_on: date
    decision: str
    decided_on: date | None


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    masked: bool
    petitioners: list[masking.Petitioner]
    matter: str
    category: str
    place: str
    attachments: str
    importance: str
    anonymous: bool
    repeat_of: int | None  # the earlier case, one key away
    repeat_of_number: str
    repeat_reason: str
    proposal: str
    leader: str
    instruction: str
    card: str
    units: list[str]
    answer: str
    answered_on: date | None
    result: str
    closed_on: date | None
    extension_days: int
    extension_reason: str
    extension_by: str
    visited_on: date | None
    satisfaction: str
    visit_note: str
    reviews: list[ReviewView]
    clocks: list[clocks.Clock]
    timeline: list[engine.Hop]
    actions: list[engine.Available]
    registered_by: str
    created_at: datetime


def _first_petitioner(people: list[PetitionPerson], allowed: bool) -> str:
    if not people:
        return ""
    name = masking.shown(people[0], allowed).name
    return name if len(people) == 1 else f"{name}等{len(people)}人"


def _rows(actor: Actor, rows: list[Petition]) -> list[CaseRow]:
    ids = [r.id for r in rows]
    allowed = masking.allowed_ids(actor.person, ids)
    people = masking.people_by_case(ids)
    reviews: dict[int, list[PetitionReview]] = {i: [] for i in ids}
    closed = [r.id for r in rows if r.closed_on is not None]
    if closed:
        for review in (PetitionReview.select().where(PetitionReview.petition.in_(closed))
                       .order_by(PetitionReview.requested_on, PetitionReview.id)):
            reviews[review.petition_id].append(review)
    out = []
    for row in rows:
        mine = people[row.id]
        out.append(CaseRow(
            row.id, pet.number_of(row), row.channel,
            masking.render(row.summary, mine, row.id in allowed),
            _first_petitioner(mine, row.id in allowed), row.received_on, row.state,
            pet.record_due(row), clocks.is_late(row, reviews[row.id], actor.today),
            row.repeat_of_id is not None))
    return out


def register_page(actor: Actor, *, channel: str | None = None, before_id: int | None = None,
                  after_id: int | None = None, limit: int = PAGE) -> list[CaseRow]:
    """One page of the register, newest first (keyset by id: the cost of a page, not of the
    years)."""
    if not validate.page_args(None, channel, limit=limit, before_id=before_id,
                              after_id=after_id):
        return []
    q = Petition.select()
    if channel:
        q = q.where(Petition.channel == channel)
    return _rows(actor, engine.keyset(q, Petition.id, before_id, limit, after_id))


def detail_view(actor: Actor, record_id: int, *, record_open: bool = True) -> CaseDetail:
    """One case for ``actor``: petitioners unmasked only if allowed (that opening audited),
    the clocks with their days left, the timeline with its texts masked for the reader."""
    row = pet.get(actor, record_id, record_open=record_open)
    people = pet.people_of(row)
    allowed = masking.may_see(actor.person, row.id)
    if allowed and people and record_open:
        audit.record(actor, "petition.open_personal", "petition", row.id)

    def shown(text: str) -> str:
        return masking.render(text, people, allowed)

    reviews = pet.reviews_of(row)
    (line,) = _rows(actor, [row])
    earlier = row.repeat_of
    hops = engine.timeline(pet.KIND, row.id, actor)
    return CaseDetail(
        row=line, masked=not allowed, petitioners=[masking.shown(p, allowed) for p in people],
        matter=shown(row.matter), category=shown(row.category), place=shown(row.place),
        attachments=shown(row.attachments),
        importance=row.importance, anonymous=row.anonymous,
        repeat_of=earlier.id if earlier is not None else None,
        repeat_of_number=pet.number_of(earlier) if earlier is not None else "",
        repeat_reason=row.repeat_reason, proposal=shown(row.proposal),
        leader=row.leader.name if row.leader_id else "", instruction=shown(row.instruction),
        card=pet.card_number(row), units=[u.short for u in pet.units_of(row)],
        answer=shown(row.answer), answered_on=row.answered_on, result=shown(row.result),
        closed_on=row.closed_on, extension_days=row.extension_days,
        extension_reason=shown(row.extension_reason),
        extension_by=row.extension_by.name if row.extension_by_id else "",
        visited_on=row.visited_on, satisfaction=row.satisfaction,
        visit_note=shown(row.visit_note),
        reviews=[ReviewView(r.kind, r.requested_on, shown(r.decision), r.decided_on)
                 for r in reviews],
        clocks=clocks.clocks(row, reviews, actor.today),
        timeline=hops,
        actions=engine.available_actions(actor, pet.KIND, row.id),
        registered_by=row.registered_by.name, created_at=row.created_at)


def find_personal(actor: Actor, text: str, limit: int) -> list[Petition]:
    """Cases found by a petitioner's name, phone or ID number — for those allowed only: the
    督查室 and hotline staff any case, a handler the cases they handle; nobody else finds
    anything this way (and the index holds none of these values)."""
    words = (text or "").strip()
    if len(words) < 2 or len(words) > 50:
        return []
    person = actor.person
    staff = masking.is_staff(person)
    handled = None if staff else masking.handled_ids(person)
    if handled is not None and not handled:
        return []
    digits = "".join(ch for ch in words if ch.isdigit() or ch in "xX").upper()
    name = fulltext.simplified(words) if hasattr(fulltext, "simplified") else words
    cond = PetitionPerson.name == words
    if name != words:
        cond |= PetitionPerson.name == name
    if len(digits) >= 4 and len(digits) == len(words.replace(" ", "").replace("-", "")):
        cond |= PetitionPerson.phone.contains(digits) | PetitionPerson.id_number.contains(digits)
    q = (Petition.select().join(PetitionPerson, on=(PetitionPerson.petition == Petition.id))
         .where(cond))
    if handled is not None:
        q = q.where(Petition.id.in_(sorted(handled)))
    return list(q.distinct().order_by(Petition.id.desc()).limit(limit))
