"""What the 收文 detail screen shows, as plain data (DESIGN "The UI thread never waits"):
``detail_view`` reads the document's names, loans, intake checks and reading round in the
screen's worker, so the screen draws from frozen dataclasses and never reads a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from govdesk.models import IncomingDocument, Loan, Person
from govdesk.models.flow import DONE, RETURNED, WAITING
from govdesk.services.context import Actor
from govdesk.services.engine.core import Hop
from govdesk.services.incoming.workflow import (
    READER_ACTIONS,
    IntakeWarning,
    Reader,
    ReadingStatus,
    get,
    intake_warnings,
    suggest_readers,
)


@dataclass(frozen=True)
class UnitRef:
    """A unit as a modal shows it (``short``) and a service takes it back (``code``)."""

    code: str
    short: str


@dataclass(frozen=True)
class LoanView:
    id: int
    borrower: str
    lent_at: datetime
    due_back: date
    returned_at: datetime | None


@dataclass(frozen=True)
class IncomingDetail:
    """One 收文 with every name resolved: what its detail screen shows and its keys need."""

    id: int
    number: str
    title: str
    state: str
    from_name: str
    doc_number: str
    doc_kind: str
    secrecy: int
    secrecy_years: int | None
    urgency: str
    received_on: date
    due: date | None
    copy_no: str
    pages: int
    addressed_to: str
    addressed_leader: str  # the leader's name, "" when none
    is_request: bool
    attachments: str
    files: str
    urging_person: str
    intake: str
    intake_reason: str
    transfer_unit: str  # the short name, "" when none
    retention: str
    archive_no: str
    summary: str
    exception: str
    special_reason: str
    remit_unit: UnitRef | None  # 转办 goes there unless the clerk picks another
    warnings: tuple[IntakeWarning, ...]
    reading: ReadingStatus
    loans: tuple[LoanView, ...]


def _name(person: Person | None) -> str:
    return person.name if person is not None else ""


def detail_view(actor: Actor, doc: IncomingDocument, hops: list[Hop]) -> IncomingDetail:
    """The plain view of ``doc`` (already read through ``get``, clearance checked); ``hops``
    is its timeline (engine.timeline), from which the reading round is counted."""
    readers = [h for h in hops if h.step in READER_ACTIONS]
    reading = ReadingStatus(
        total=len(readers),
        read=sum(1 for h in readers if h.read_at is not None),
        done=sum(1 for h in readers if h.state in (DONE, RETURNED)),
        waiting=[h for h in readers if h.state == WAITING],
    )
    loans = tuple(
        LoanView(loan.id, loan.borrower.name, loan.lent_at, loan.due_back, loan.returned_at)
        for loan in Loan.select(Loan, Person).join(Person)
        .where(Loan.document == doc.id).order_by(Loan.id))
    remit = doc.remit_unit if doc.remit_unit_id is not None else None
    return IncomingDetail(
        id=doc.id, number=doc.number, title=doc.title, state=doc.state,
        from_name=doc.from_name, doc_number=doc.doc_number, doc_kind=doc.doc_kind,
        secrecy=doc.secrecy, secrecy_years=doc.secrecy_years, urgency=doc.urgency,
        received_on=doc.received_on, due=doc.due, copy_no=doc.copy_no, pages=doc.pages,
        addressed_to=doc.addressed_to,
        addressed_leader=_name(doc.addressed_leader) if doc.addressed_leader_id else "",
        is_request=doc.is_request, attachments=doc.attachments, files=doc.files,
        urging_person=_name(doc.urging_person) if doc.urging_person_id else "",
        intake=doc.intake or "", intake_reason=doc.intake_reason or "",
        transfer_unit=doc.transfer_unit.short if doc.transfer_unit_id else "",
        retention=doc.retention or "", archive_no=doc.archive_no or "",
        summary=doc.summary or "", exception=doc.exception or "",
        special_reason=doc.special_reason or "",
        remit_unit=UnitRef(remit.code, remit.short) if remit is not None else None,
        warnings=tuple(intake_warnings(doc)), reading=reading, loans=loans,
    )


def suggested_readers(actor: Actor, doc_id: int) -> list[Reader]:
    """签批's proposed readers (a worker reads them when the key is pressed; the modal takes
    the directory's rows it lets the user add to)."""
    return suggest_readers(get(actor, doc_id, record_open=False))
