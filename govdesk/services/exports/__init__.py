"""Every register (台账) as a file: .xlsx (openpyxl) and .csv (UTF-8 with BOM, so Excel opens
it), for ``govdesk export`` (SPEC §15; issue 14 items 4 and 7).

The rows come from the registers' own queries — the pages the screens show, read page by page
with their keyset arguments — so what a file holds is what its reader may see: titles above
the reader's clearance redacted (policy.visible_title), a 信访 petitioner masked unless the
reader may see them (services.petition.masking), the audit log for those who may browse it.
The 借阅 and 差错 registers have no page of their own elsewhere; theirs are here, for 秘书科
and administrators, titles redacted the same way.

A register's date (``--from``/``--to``): 收文 its 收文日期, 发文 its 更新时间, 借阅 the day
lent, 差错 the day recorded, the audit log the entry's time, 督查事项 and 建议提案 the day
registered, 信访 its 登记日期.

The file is written whole or not at all (services/user_files.py).
"""

from __future__ import annotations

import csv
import io
import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from govdesk.i18n import t, term
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.textwidth import cells
from govdesk.services.user_files import atomic_write

if TYPE_CHECKING:
    from govdesk.services.context import Actor

PAGE = 1000  # rows read per page of a register

# canonical kind → the words and ASCII aliases that name it (the first word is its name)
KINDS: dict[str, tuple[str, ...]] = {
    "incoming": ("收文", "incoming", "in"),
    "outgoing": ("发文", "outgoing", "out"),
    "loans": ("借阅", "loans", "loan"),
    "errors": ("差错", "errors", "error"),
    "audit": ("审计日志", "audit", "log"),
    "supervision": ("督查事项", "supervision", "ducha"),
    "suggestion": ("建议提案", "suggestion", "proposal"),
    "petition": ("信访", "petition"),
    "leave": ("请假", "leave"),
    "special_report": ("专项工作报告", "special_report", "report"),
}
FORMATS = (".xlsx", ".csv")
MAX_WIDTH = 60  # a column no wider than this (in Latin character cells)


def kind_of(word: str) -> str | None:
    """The register a word names (Chinese, Traditional or an ASCII alias), or None."""
    from govdesk.services.fulltext import simplified

    key = simplified(word.strip()).lower()
    for kind, names in KINDS.items():
        if key in names or key in (simplified(t(f"exports.word.{kind}")),
                                   simplified(kind_name(kind))):
            return kind
    return None


def kind_name(kind: str) -> str:
    return t(f"exports.kind.{kind}")


@dataclass
class Table:
    """A register as plain rows: a header and the typed values of each row (date, datetime,
    int, str)."""

    kind: str
    header: list[str]
    rows: Iterator[list[Any]]


# ---------------------------------------------------------------------------- the rows


def _head(*keys: str) -> list[str]:
    return [t(f"exports.col.{k}") for k in keys]


def _yes(value: bool) -> str:
    return t("exports.yes") if value else ""


def _within(day: date | datetime | None, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    if day is None:
        return False
    if isinstance(day, datetime):
        day = day.date()
    return (since is None or day >= since) and (until is None or day <= until)


def _date_line(since: date | None, until: date | None) -> str:
    """The registers' filter line for a date range (services.list_filter ``日期:a..b``)."""
    if since is None and until is None:
        return ""
    return f"date:{since.isoformat() if since else ''}..{until.isoformat() if until else ''}"


def _paged(read: Callable[[int | None], list], key=lambda r: r.id) -> Iterator:
    """Every row of a register read newest first, page by page (``read(before_id)``)."""
    before = None
    while True:
        page = read(before)
        yield from page
        if len(page) < PAGE:
            return
        before = key(page[-1])


def _incoming(actor: Actor, since, until, line: str = "", text: str = "",
              state: str | None = None) -> Table:
    from govdesk.models import SECRECY_LEVELS
    from govdesk.services import incoming

    line = " ".join(x for x in (line, _date_line(since, until)) if x)

    def rows():
        for r in _paged(lambda b: incoming.register_page(actor, filter=line, text=text,
                                                         state=state, before_id=b,
                                                         limit=PAGE)):
            yield [r.number, r.title, r.from_name, term(r.urgency),
                   term(SECRECY_LEVELS[r.secrecy]), term(r.state), r.received_on, r.due,
                   r.holders]

    return Table("incoming", _head("number", "title", "from_name", "urgency", "secrecy",
                                   "state", "received_in", "due", "holders"), rows())


def _outgoing(actor: Actor, since, until, line: str = "", text: str = "",
              state: str | None = None) -> Table:
    from govdesk.services import outgoing

    def rows():
        for r in _paged(lambda b: outgoing.register_page(actor, filter=line, text=text,
                                                         state=state, before_id=b,
                                                         limit=PAGE)):
            if _within(r.updated_at, since, until):
                yield [r.number, r.title, r.issuer, term(r.doc_kind), term(r.urgency),
                       term(r.state), r.drafter, r.updated_at]

    return Table("outgoing", _head("number", "title", "issuer", "doc_kind", "urgency",
                                   "state", "drafter", "updated_at"), rows())


CLERKS_ONLY = ("loans", "errors")  # 借阅 and 差错: 秘书科 and administrators


def clerk(person) -> bool:
    """Whether ``person`` may export the 借阅 and 差错 registers (the desk offers them so)."""
    from govdesk.services.policy import is_secretariat

    return is_secretariat(person) or bool(person.admin)


def _newest_page(q, at, key, since: date | None, until: date | None, before: int | None
                 ) -> list:
    """One page of ``q``, newest ``key`` first below ``before``, its time ``at`` within the
    days asked (both in)."""
    if since is not None:
        q = q.where(at >= datetime.combine(since, time.min))
    if until is not None:
        q = q.where(at <= datetime.combine(until, time.max))
    if before is not None:
        q = q.where(key < before)
    return list(q.order_by(key.desc()).limit(PAGE))


def _require_clerk(actor: Actor) -> None:
    if not clerk(actor.person):
        raise PermissionDenied(t("exports.clerks_only"))


def _loans(actor: Actor, since, until, line: str = "") -> Table:
    from govdesk.models import IncomingDocument, Loan, Person
    from govdesk.services.policy import visible_title

    _require_clerk(actor)
    D = IncomingDocument

    def read(before):
        q = (Loan.select(Loan, D.number, D.title, D.secrecy, Person.name)
             .join(D, on=(Loan.document == D.id)).switch(Loan)
             .join(Person, on=(Loan.borrower == Person.id)))
        return _newest_page(q, Loan.lent_at, Loan.id, since, until, before)

    def rows():
        for loan in _paged(read):
            doc = loan.document
            yield [doc.number, visible_title(actor.person, doc.title, doc.secrecy),
                   loan.borrower.name, loan.lent_at, loan.due_back, loan.returned_at,
                   _yes(loan.returned_at is None and loan.due_back < actor.today)]

    return Table("loans", _head("number", "title", "borrower", "lent_at", "due_back",
                                "returned_at", "overdue"), rows())


def _errors(actor: Actor, since, until, line: str = "") -> Table:
    from peewee import JOIN

    from govdesk.models import ErrorRecord, OutgoingDocument, Person, Section
    from govdesk.services.policy import visible_title

    _require_clerk(actor)
    E, D = ErrorRecord, OutgoingDocument
    Made = Person.alias("made")
    By = Person.alias("by")

    def read(before):
        q = (E.select(E, D.number, D.title, D.secrecy, Section.name, Made.name, By.name)
             .join(D, JOIN.LEFT_OUTER, on=(E.document == D.id)).switch(E)
             .join(Section, on=(E.section == Section.id)).switch(E)
             .join(Made, JOIN.LEFT_OUTER, on=(E.person == Made.id)).switch(E)
             .join(By, on=(E.by == By.id)))
        return _newest_page(q, E.at, E.id, since, until, before)

    def rows():
        for e in _paged(read):
            doc = e.document if e.document_id is not None else None
            yield [e.at, term(e.category), e.section.name,
                   e.person.name if e.person_id is not None else "", term(e.step) if e.step
                   else "", doc.number or "" if doc else "",
                   visible_title(actor.person, doc.title, doc.secrecy) if doc else "",
                   e.note, e.by.name]

    return Table("errors", _head("at", "category", "section", "person", "step", "number",
                                 "title", "note", "recorded_by"), rows())


def _audit(actor: Actor, since, until, line: str = "") -> Table:
    from govdesk.services import audit

    start = datetime.combine(since, time.min) if since is not None else None
    audit.browse(actor, limit=1)  # refused here, before a file is begun, for those not allowed

    def rows():
        for r in _paged(lambda b: audit.browse(actor, since=start, before_id=b, limit=PAGE),
                        key=lambda r: r["id"]):
            if until is None or r["at"].date() <= until:
                yield [r["id"], r["at"], r["actor"], r["action"], r["table"],
                       r["record_id"], r["before"], r["after"]]

    return Table("audit", _head("id", "at", "actor", "action", "table", "record_id",
                                "before", "after"), rows())


def _registered(model, ids: list[int], since, until) -> set[int]:
    """Of ``ids``, those registered (created) within the range."""
    q = model.select(model.id).where(model.id.in_(ids))
    if since is not None:
        q = q.where(model.created_at >= datetime.combine(since, time.min))
    if until is not None:
        q = q.where(model.created_at <= datetime.combine(until, time.max))
    return {r.id for r in q}


def _ranged(read: Callable[[int | None], list], model, since, until) -> Iterator:
    """The rows of ``read``'s pages registered within the range (one read per page)."""
    if since is None and until is None:
        yield from _paged(read)
        return
    before = None
    while True:
        page = read(before)
        keep = _registered(model, [r.id for r in page], since, until) if page else set()
        yield from (r for r in page if r.id in keep)
        if len(page) < PAGE:
            return
        before = page[-1].id


def _supervision(actor: Actor, since, until, line: str = "") -> Table:
    from govdesk.models import SupervisionItem
    from govdesk.services.supervision import views

    def rows():
        for r in _ranged(lambda b: views.register_page(actor, line=line, before_id=b,
                                                       limit=PAGE),
                         SupervisionItem, since, until):
            yield [r.number, term(r.kind), r.title, r.lead_unit, r.leader, term(r.status),
                   r.progress, r.latest_report_on, r.next_due, r.urged, _yes(r.extended)]

    return Table("supervision", _head("number", "item_kind", "title", "lead_unit", "leader",
                                      "status", "progress", "latest_report_on", "next_due",
                                      "urged", "extended"), rows())


def _suggestion(actor: Actor, since, until, line: str = "") -> Table:
    from govdesk.models import Suggestion
    from govdesk.services import suggestion

    def rows():
        for r in _ranged(lambda b: suggestion.register_page(actor, before_id=b, limit=PAGE),
                         Suggestion, since, until):
            yield [r.number, term(r.source), r.proposer, r.title, r.lead_unit, term(r.state),
                   term(r.feedback) if r.feedback else "", r.due]

    return Table("suggestion", _head("number", "source", "proposer", "title", "lead_unit",
                                     "state", "feedback", "due"), rows())


def _petition(actor: Actor, since, until, line: str = "") -> Table:
    from govdesk.services.petition import masking, views

    def read(before):
        return views.register_page(actor, before_id=before, limit=PAGE)

    def rows():
        before = None
        while True:
            page = read(before)
            kept = [r for r in page if _within(r.received_on, since, until)]
            ids = [r.id for r in kept]
            allowed = masking.allowed_ids(actor.person, ids) if ids else set()
            people = masking.people_by_case(ids) if ids else {}
            for r in kept:
                mine = people.get(r.id) or []
                phone = masking.shown(mine[0], r.id in allowed).phone if mine else ""
                yield [r.number, term(r.channel), r.title, r.petitioner, phone, r.received_on,
                       term(r.state), r.due, _yes(r.late), _yes(r.repeat)]
            if len(page) < PAGE:
                return
            before = page[-1].id

    return Table("petition", _head("number", "channel", "title", "petitioner", "phone",
                                   "received_on", "state", "due", "late", "repeat"), rows())


def _leave(actor: Actor, since, until, line: str = "") -> Table:
    from govdesk.models import LeaveRequest
    from govdesk.services.leave import workflow as leave

    def rows():
        for r in _ranged(lambda b: leave.register_page(actor, before_id=b, limit=PAGE),
                         LeaveRequest, since, until):
            yield [r.person, r.unit, term(r.grade), r.starts_on, r.ends_on, r.destination,
                   term(r.state), r.holders, r.due]

    return Table("leave", _head("leave_person", "unit", "grade", "starts_on", "ends_on",
                                "destination", "state", "holders", "due"), rows())


def _special_report(actor: Actor, since, until, line: str = "") -> Table:
    from govdesk.models import SpecialReport
    from govdesk.services.special_report import workflow as reports

    def rows():
        for r in _ranged(lambda b: reports.register_page(actor, before_id=b, limit=PAGE),
                         SpecialReport, since, until):
            yield [r.letter_number, r.title, r.department, term(r.state), r.due]

    return Table("special_report", _head("letter_number", "title", "department", "state",
                                         "due"), rows())


# The registers whose screens have a filter line (services.list_filter): the export takes it.
FILTERED = ("incoming", "outgoing", "supervision")

READERS: dict[str, Callable[..., Table]] = {
    "incoming": _incoming, "outgoing": _outgoing, "loans": _loans, "errors": _errors,
    "audit": _audit, "supervision": _supervision, "suggestion": _suggestion,
    "petition": _petition, "leave": _leave, "special_report": _special_report,
}


def table(actor: Actor, kind: str, since: date | None = None, until: date | None = None,
          line: str = "", text: str = "", state: str | None = None) -> Table:
    """The ``kind`` register as ``actor`` may see it, its rows read as they are written;
    ``line`` the register's filter line as on its screen (收文, 发文 and 督查事项 only);
    ``text`` and ``state`` the 收文/发文 register's search box and state as on 秘书科's screen."""
    if kind not in READERS:
        raise ValidationError(t("exports.f_kind"), t("exports.bad_kind", kind=kind,
                                                     kinds=kind_list()), name="kind")
    if since is not None and until is not None and since > until:
        raise ValidationError(t("exports.f_dates"), t("exports.bad_range", since=since,
                                                      until=until), name="from")
    if line:
        from govdesk.services import list_filter

        if kind not in FILTERED:
            raise ValidationError(t("exports.f_filter"), t("exports.no_filter",
                                                           kind=kind_name(kind)), name="filter")
        if kind == "supervision":
            list_filter.check_items(actor, line)
        else:
            list_filter.check(actor, line)
    if text or state:
        return READERS[kind](actor, since, until, line, text=text, state=state)
    return READERS[kind](actor, since, until, line)


def kind_list() -> str:
    """The kinds as --help lists them: 收文（incoming、in）…"""
    return "；".join(f"{t(f'exports.word.{k}')}（{'、'.join(names[1:])}）"
                    for k, names in KINDS.items())


# ---------------------------------------------------------------------------- the writers


DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else _text(value)
    if text.isascii() and "\n" not in text:
        return len(text)
    return max((cells(line) for line in text.splitlines()), default=0)


def _formula_safe(text: str) -> str:
    """Text Excel would read as a formula (=…) kept as text, with the quote Excel hides."""
    return "'" + text if text.startswith("=") else text


PROGRESS_EVERY = 500  # rows between two progress calls


def write_csv(tbl: Table, out, progress: Callable[[int], None] | None = None) -> int:
    writer = csv.writer(out)
    writer.writerow(tbl.header)
    n = 0
    for row in tbl.rows:
        writer.writerow([_formula_safe(_text(v)) for v in row])
        n += 1
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
    return n


def _safe(value: Any, illegal) -> Any:
    """A value as a cell: control characters a workbook cannot hold dropped, text that would
    be read as a formula kept as text."""
    if isinstance(value, str):
        value = _formula_safe(illegal.sub("", value))
    return value


def write_xlsx(tbl: Table, path: Path | BinaryIO,
               progress: Callable[[int], None] | None = None) -> int:
    """The register as a workbook (write-only: rows streamed, not held): a bold frozen
    header with a filter, dates as dates, numbers as numbers, columns as wide as their
    widest cell (an East Asian character counts two)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # The widths must be set before the first row of a write-only sheet: the rows are read
    # once into a temporary file of plain values while their widths are measured.
    widths = [cells(h) for h in tbl.header]
    with tempfile.TemporaryFile() as spool:  # typed values kept for the second pass
        n = 0
        for row in tbl.rows:
            for i, value in enumerate(row):
                widths[i] = max(widths[i], _width(value))
            pickle.dump(row, spool)
            n += 1
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(n)  # the rows read: the second pass only writes them out
        spool.seek(0)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(kind_name(tbl.kind)[:31])
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(w, MAX_WIDTH) + 2
        ws.freeze_panes = "A2"
        last = get_column_letter(max(len(tbl.header), 1))
        ws.auto_filter.ref = f"A1:{last}{n + 1}"
        bold = Font(bold=True)
        head = []
        for h in tbl.header:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for _ in range(n):
            row = pickle.load(spool)
            out = []
            for value in row:
                if isinstance(value, datetime):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = DATETIME_FORMAT
                    out.append(cell)
                elif isinstance(value, date):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = DATE_FORMAT
                    out.append(cell)
                else:
                    out.append(_safe(value, ILLEGAL_CHARACTERS_RE))
            ws.append(out)
    wb.save(path)
    return n


def format_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return suffix if suffix in FORMATS else None


def export(actor: Actor, kind: str, path: Path, since: date | None = None,
           until: date | None = None, line: str = "",
           progress: Callable[[int], None] | None = None, *, text: str = "",
           state: str | None = None) -> int:
    """Write the ``kind`` register to ``path`` (.xlsx or .csv by its suffix); the number of
    rows written. Written under a temporary name in the same folder and renamed into place.
    ``progress(rows)`` is called every PROGRESS_EVERY rows (the desk's export shows it)."""
    path = Path(path)
    fmt = format_of(path)
    if fmt is None:
        raise ValidationError(t("exports.f_out"), t("exports.bad_suffix", suffix=path.suffix
                                                    or "—"), name="out")
    tbl = table(actor, kind, since, until, line, text, state)
    written: list[int] = []

    def write(fh) -> None:
        if fmt == ".csv":
            out = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
            written.append(write_csv(tbl, out, progress))
            out.flush()
            out.detach()  # the binary file stays the writer's to close
        else:
            written.append(write_xlsx(tbl, fh, progress))

    atomic_write(path, write)
    return written[0]
