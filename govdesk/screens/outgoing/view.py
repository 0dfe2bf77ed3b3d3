"""What the 发文 detail screen shows, as Rich renderables: the chain, the fields, the body,
revisions, dispatch records and 差错. Pure rendering of the plain view
(services/outgoing/views.py) and the timeline's hops; the screen (outgoing/detail) acts."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from govdesk.i18n import t, term
from govdesk.services.outgoing.views import OutgoingDetail
from govdesk.services.vocab import SECRECY_LEVELS
from govdesk.widgets.timeline import TimelineTable


def chain_text(doc: OutgoingDetail, tasks, timeline: TimelineTable) -> Text:
    """Who signs and why; then each step of the chain: ✓ done, ▶ waiting, · still to come."""
    rule = doc.signer
    text = Text(t("outgoing.signer_line", rank=rule.rank, reason=rule.reason), style="dim")
    if doc.signed_at:
        text.append("\n" + t("outgoing.signed_line", name=doc.signer_name,
                             at=f"{doc.signed_at:%Y-%m-%d %H:%M}",
                             written=doc.written_date or ""))
    if not doc.chain:
        text.append("\n" + t("outgoing.chain_not_yet"))
        return text
    text.append("\n" + t("outgoing.chain_title") + " ", style="bold")
    for i, step in enumerate(doc.chain):
        hops = [task for task in tasks if task.step == step.name]
        last = hops[-1] if hops else None
        if last is not None and last.state == "waiting":
            mark, style, who = "▶", "bold yellow", timeline.who(last)
        elif last is not None and last.state == "done":
            mark, style, who = "✓", "green", timeline.who(last)
        elif last is not None and last.state == "skipped":  # reviewed as he signed
            mark, style, who = "–", "dim", timeline.who(last)
        else:
            mark, style, who = "·", "dim", step.holder
        if i:
            text.append(" → ", style="dim")
        text.append(t("outgoing.chain_step", mark=mark, name=term(step.name), who=who),
                    style=style)
    return text


def fields_table(doc: OutgoingDetail) -> Table:
    grid = Table.grid(expand=True, padding=(0, 1))
    for _ in range(2):
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
    yes, no = t("common.yes"), t("common.no")
    secrecy = term(SECRECY_LEVELS[doc.secrecy])
    if doc.secrecy and doc.secrecy_years:
        secrecy += t("outgoing.years", n=doc.secrecy_years)
    if doc.origin == "department":
        review = doc.review_section.name if doc.review_section else ""
        origin = doc.drafting_unit + t("outgoing.review_by", name=review)
    else:
        origin = doc.drafting_section.name if doc.drafting_section else ""
    kinds = [t(f"outgoing.f_{k}") for k in ("normative", "upward", "appointment")
             if getattr(doc, k)]
    pairs = [
        ("issuer", term(doc.issuer)), ("doc_kind", term(doc.doc_kind)),
        ("title", doc.title), ("urgency", term(doc.urgency)),
        ("main_to", doc.main_to), ("secrecy", secrecy),
        ("cc", doc.cc), ("kinds", t("outgoing.sep").join(kinds) or t("common.none")),
        ("drafter", doc.drafter.name), ("origin", origin),
        ("lead_leader", doc.lead_leader),
        ("signature", t("outgoing.signature_line", signature=doc.signature,
                                  sealed=yes if doc.sealed else no)),
        ("restricted", doc.recipients if doc.restricted else no),
        ("revision", str(doc.revision)),
        ("print", t("outgoing.print_line", org=doc.print_org, date=doc.print_date,
                    copies=doc.copies) if doc.print_date else ""),
        ("first_reader", f"{doc.first_reader} {doc.first_read_at:%m-%d %H:%M}"
         if doc.first_reader and doc.first_read_at else doc.first_reader),
    ]
    for i in range(0, len(pairs), 2):
        row: list = []
        for key, value in pairs[i:i + 2]:
            row += [t(f"outgoing.f_{key}"), Text(str(value))]
        grid.add_row(*row)
    if doc.attachments:
        grid.add_row(t("outgoing.f_attachments"), Text(doc.attachments), "", "")
    return grid


def body_text(doc: OutgoingDetail) -> Text:
    text = Text(t("outgoing.body_title") + "\n", style="bold")
    text.append(doc.body or t("common.none"))
    return text


def records_text(doc: OutgoingDetail) -> Text:
    """Kept revisions, dispatch records and recorded 差错."""
    text = Text()
    text.append(t("outgoing.revisions_title", n=len(doc.revisions)) + "\n", style="bold")
    for r in doc.revisions:
        text.append(t("outgoing.rev_line", no=r.no, by=r.by, at=f"{r.at:%m-%d %H:%M}",
                      note=r.note) + "\n")
    if doc.dispatches:
        text.append(t("outgoing.dispatch_title", n=len(doc.dispatches)) + "\n", style="bold")
        for d in doc.dispatches:
            ways = [t("outgoing.d_electronic")] if d.electronic else []
            ways += [t("outgoing.d_paper")] if d.paper else []
            text.append(t("outgoing.dispatch_line", recipient=d.recipient, copies=d.copies,
                          ways="/".join(ways), numbers=d.copy_numbers) + "\n")
    if doc.errors:
        text.append(t("outgoing.errors_title", n=len(doc.errors)) + "\n", style="bold")
        for e in doc.errors:
            text.append(t("outgoing.error_line", category=term(e.category), step=term(e.step),
                          section=e.section, person=e.person, note=e.note,
                          at=f"{e.at:%m-%d}") + "\n", style="yellow")
    return text
