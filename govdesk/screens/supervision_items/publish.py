"""编发《督查专报》/《督查通报》 (SPEC §10): the publication and its period, compiled in a
worker from the items, saved as a text file in the export folder and shown."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from govdesk.commands import HasCommands
from govdesk.i18n import t, term
from govdesk.screens.base import OffersExports
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.services import export_folder, exporting, office_files
from govdesk.services.supervision import publications


def publish(app: App, done=None) -> None:
    made: list[tuple[publications.Issue, Path]] = []

    def apply(values: dict) -> None:  # in a worker: compile, keep, save as text
        actor = app.actor()
        issue = publications.compile_issue(actor, values)
        path = export_folder.save_text(actor.person.login, t(
            "supervision.export_name", kind=issue.kind, year=issue.year, seq=issue.seq),
            issue.text)
        made.append((issue, path))

    def closed(ok: bool | None) -> None:
        if ok and made:
            issue, path = made[-1]
            app.notify(t("supervision.published", kind=term(issue.kind), number=issue.number,
                         path=str(path)))
            app.push_screen(IssueScreen(issue))
        if done is not None:
            done(bool(ok))

    app.push_screen(FieldsModal(
        t("supervision.publish_title"), apply,
        [Field("kind", t("supervision.f_publication"), publications.PUBLICATIONS[0],
               choices=[(term(k), k) for k in publications.PUBLICATIONS]),
         Field("starts_on", t("supervision.f_starts_on")),
         Field("ends_on", t("supervision.f_ends_on"))],
        note=t("supervision.publish_note")), closed)


class IssueScreen(OffersExports, HasCommands, ModalScreen):
    """One issue as published: its text, scrolling; Esc closes."""

    COMMAND_IDS = ("supervision_issue.close", "list.export")
    DEFAULT_CSS = """
    IssueScreen { align: center middle; }
    IssueScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: thick $primary;
                             background: $surface; padding: 0 1; }
    IssueScreen VerticalScroll { height: 1fr; }
    IssueScreen Label { width: 100%; }
    """

    def __init__(self, issue: publications.Issue) -> None:
        super().__init__()
        self.issue = issue

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("supervision.issue_title", kind=term(self.issue.kind),
                          number=self.issue.number), classes="panel-title")
            with VerticalScroll(id="issue-scroll"):
                yield Static(self.issue.text, markup=False, id="issue-text")

    def export_offers(self) -> list:
        """e: the issue as the 简报-layout .docx, or its text."""
        kind = ("supervision_report" if self.issue.kind == publications.SPECIAL_REPORT
                else "supervision_notice")
        return [exporting.file_offer(kind, t("supervision.issue_title",
                                             kind=term(self.issue.kind),
                                             number=self.issue.number),
                                     t("supervision.export_name", kind=self.issue.kind,
                                       year=self.issue.year, seq=self.issue.seq
                                       ).removesuffix(".txt"),
                                     office_files.Request(record=str(self.issue.id)))]

    def action_close(self) -> None:
        self.dismiss()
