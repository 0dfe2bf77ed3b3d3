"""《督查专报》 and 《督查通报》 (SPEC §10; seed Part 2 §4, Part 5 督查室 2 and 6) as .docx in the
简报 layout and as .txt: an issue already compiled and kept (services/supervision/publications),
named by its id or its number, printed as it was published — the figures are those of the day it
was compiled, not recounted. Read through ``publications.published``: the 督查室's, as compiling
is.
"""

from __future__ import annotations

from pathlib import Path

from govdesk.i18n import t, t_record
from govdesk.models import SupervisionBulletin
from govdesk.models import supervision as states
from govdesk.services import office_files
from govdesk.services.context import Actor
from govdesk.services.office_files import bulletin
from govdesk.services.supervision import publications

# The lines of the kept text the masthead prints instead (publications._text: 《name》, the
# number, 编 and date); the rest, from the period on, is the body.
HEAD_LINES = 3


def issue_sheet(kind: str, row: SupervisionBulletin) -> bulletin.Sheet:
    """The kept issue laid out: its body lines as paragraphs (一、 headings in 黑体, each item's
    latest report indented under it), in the records' language like the text."""
    lines = [line for line in row.text.splitlines()[HEAD_LINES:] if line.strip()]
    return bulletin.Sheet(kind, row.compiled_at.date(), t_record("publications.sup_title"),
                          tuple(lines), seq=row.seq)


def _builder(publication: str, kind: str):
    def build(actor: Actor, request: office_files.Request, path: Path, fmt: str
              ) -> office_files.Made:
        row = publications.published(actor, publication, request.record or "")
        sheet = issue_sheet(kind, row)
        made = bulletin.save(sheet, row.text, path, fmt)
        name = bulletin.layout().publications[kind].name
        return office_files.Made(made, t("publications.made", name=name,
                                         issue=publications.issue_number(row)))
    return build


for _publication, _kind, _words in (
        (states.SPECIAL_REPORT, "supervision_report", ("督查专报", "zhuanbao")),
        (states.BULLETIN, "supervision_notice", ("督查通报", "tongbao"))):
    office_files.register(office_files.FileKind(
        _kind, _words, (".docx", ".txt"), frozenset({"record"}),
        _builder(_publication, _kind), needs=frozenset({"record"})))
