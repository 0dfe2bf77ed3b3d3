"""What the 发文 detail screen shows, as plain data (DESIGN "The UI thread never waits"):
``detail_view`` reads, in the screen's worker, the chain with the planned holders' names, the
kept revisions, dispatch records and 差错 of one document, so the screen draws from frozen
dataclasses and never reads a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from govdesk.i18n import t
from govdesk.models import (
    DispatchRecord,
    DraftRevision,
    ErrorRecord,
    OutgoingDocument,
    Person,
    Section,
)
from govdesk.services import org
from govdesk.services.context import Actor
from govdesk.services.outgoing.rules import Signer, marking, signer_rule
from govdesk.services.outgoing.workflow import ChainStep, chain_of, number_preview


@dataclass(frozen=True)
class SectionRef:
    code: str
    name: str


@dataclass(frozen=True)
class PersonRef:
    login: str
    name: str


@dataclass(frozen=True)
class PlannedStep:
    """One step of the review chain and who is to hold it (before anyone does)."""

    name: str
    holder: str


@dataclass(frozen=True)
class RevisionView:
    no: int
    by: str
    at: datetime
    note: str


@dataclass(frozen=True)
class DispatchView:
    recipient: str
    copies: int
    electronic: bool
    paper: bool
    copy_numbers: str


@dataclass(frozen=True)
class ErrorView:
    category: str
    step: str
    section: str
    person: str
    note: str
    at: datetime


@dataclass(frozen=True)
class OutgoingDetail:
    """One 发文 with every name resolved: what its detail screen shows and its keys need."""

    id: int
    number: str  # "" before 编号
    number_preview: str  # what 编号 would give now (a preview: someone may number first)
    title: str
    state: str
    issuer: str
    doc_kind: str
    urgency: str
    main_to: str
    cc: str
    secrecy: int
    secrecy_years: int | None
    normative: bool
    upward: bool
    appointment: bool
    attachments: str
    origin: str
    drafting_section: SectionRef | None
    drafting_unit: str  # names, "" when none
    review_section: SectionRef | None
    lead_leader: str
    drafter: PersonRef
    body: str
    restricted: bool
    recipients: str
    signature: str
    sealed: bool
    print_org: str
    print_date: date | None
    copies: int
    default_print_org: str  # what 印制 proposes: the document's 印发机关, else the office
    revision: int
    signer: Signer  # who signs and why
    signer_name: str
    signed_at: datetime | None
    written_date: date | None
    first_reader: str
    first_read_at: datetime | None
    backflow: bool
    marking: str  # 首页标注
    chain: tuple[PlannedStep, ...]
    revisions: tuple[RevisionView, ...]
    dispatches: tuple[DispatchView, ...]
    errors: tuple[ErrorView, ...]


def planned_holder(step: ChainStep) -> str:
    """Who a chain step still to come goes to: an outside signer, a person or a section."""
    if step.external:
        return t("outgoing.external_holder", name=step.external)
    if step.person:
        p = Person.get_or_none(Person.id == step.person)
        if p is None:
            return "?"
        leader = Person.get_or_none(Person.id == step.acting_for) if step.acting_for else None
        # The 区长 away: the acting head holds his steps, and the chain says for whom (Part 1 §7).
        return t("outgoing.holder.acting_for", name=p.name, leader=leader.name) if leader \
            else p.name
    s = Section.get_or_none(Section.id == step.section) if step.section else None
    return s.name if s else ""


def _section(section: Section | None) -> SectionRef | None:
    return SectionRef(section.code, section.name) if section is not None else None


def detail_view(actor: Actor, doc: OutgoingDocument) -> OutgoingDetail:
    """The plain view of ``doc`` (already read through ``get``, clearance checked)."""
    revisions = tuple(
        RevisionView(r.no, r.by.name, r.at, r.note)
        for r in DraftRevision.select(DraftRevision, Person).join(Person)
        .where(DraftRevision.document == doc.id).order_by(DraftRevision.no))
    dispatches = tuple(
        DispatchView(d.recipient, d.copies, d.electronic, d.paper, d.copy_numbers)
        for d in DispatchRecord.select().where(DispatchRecord.document == doc.id)
        .order_by(DispatchRecord.id))
    errors = tuple(
        ErrorView(e.category, e.step, e.section.name, e.person.name if e.person_id else "",
                  e.note, e.at)
        for e in ErrorRecord.select().where(ErrorRecord.document == doc.id)
        .order_by(ErrorRecord.id))
    drafter = doc.drafter
    return OutgoingDetail(
        id=doc.id, number=doc.number or "", title=doc.title, state=doc.state,
        number_preview=number_preview(doc, actor.today),
        issuer=doc.issuer, doc_kind=doc.doc_kind, urgency=doc.urgency, main_to=doc.main_to,
        cc=doc.cc, secrecy=doc.secrecy, secrecy_years=doc.secrecy_years,
        normative=doc.normative, upward=doc.upward, appointment=doc.appointment,
        attachments=doc.attachments, origin=doc.origin,
        drafting_section=_section(doc.drafting_section) if doc.drafting_section_id else None,
        drafting_unit=doc.drafting_unit.name if doc.drafting_unit_id else "",
        review_section=_section(doc.review_section) if doc.review_section_id else None,
        lead_leader=doc.lead_leader.name if doc.lead_leader_id else "",
        drafter=PersonRef(drafter.login, drafter.name), body=doc.body,
        restricted=doc.restricted, recipients=doc.recipients, signature=doc.signature,
        sealed=doc.sealed, print_org=doc.print_org, print_date=doc.print_date,
        copies=doc.copies, default_print_org=doc.print_org or org.district("office", ""),
        revision=doc.revision, signer=signer_rule(doc), signer_name=doc.signer_name,
        signed_at=doc.signed_at, written_date=doc.written_date,
        first_reader=doc.first_reader.name if doc.first_reader_id else "",
        first_read_at=doc.first_read_at, backflow=doc.backflow, marking=marking(doc),
        chain=tuple(PlannedStep(s.name, planned_holder(s)) for s in chain_of(doc)),
        revisions=revisions, dispatches=dispatches, errors=errors,
    )
