"""人大常委会专项工作报告登记簿 (SPEC §11; Part 2 §5(二)): each letter of the 人大, newest first,
where its report is now; ``n`` registers a letter (督查室), Enter opens one. Reached from 督查室
(``k``) and the palette."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen, run_service
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.services import inbox as inbox_service
from govdesk.services import special_report
from govdesk.services.suggestion import require_supervision
from govdesk.widgets import badge
from govdesk.widgets.paged_table import Page, PagedTable


def new_special_report(app: App, done=None) -> None:
    """The letter's form, for 督查室 (asked in a worker); a saved one opens, for 通知."""
    run_service(app.screen, require_supervision, app.actor(),
                done=lambda _ok: _form(app, done),
                refused=lambda exc: app.notify(str(exc), severity="error"), writes=False)


def _form(app: App, done) -> None:
    saved: list[int] = []

    def apply(values: dict) -> None:
        saved.append(special_report.register(app.actor(), values).id)

    def closed(ok: bool | None) -> None:
        if ok and saved:
            app.notify(t("special_report.saved"))
            registry.open_record(app, special_report.KIND, saved[-1])
        if done is not None:
            done(bool(ok))

    fields = [
        Field("letter_number", t("special_report.f_letter_number")),
        Field("title", t("special_report.f_title")),
        Field("letter", t("special_report.f_letter")),
        Field("meeting_on", t("special_report.f_meeting_on")),
    ]
    app.push_screen(FieldsModal(t("special_report.new_title"), apply, fields,
                                note=t("special_report.new_note")), closed)


PAGE = 100


class SpecialReportRegisterScreen(DeskScreen):
    HOWTO = "howto.special_report_register"
    COMMAND_IDS = ("special_report_register.back", "special_report_register.new",
                   "special_report_register.open")
    DEFAULT_CSS = """
    SpecialReportRegisterScreen #report-register { height: 1fr; }
    SpecialReportRegisterScreen .panel-title { background: $boost; text-style: bold;
                                               width: 100%; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Label(id="report-title", classes="panel-title")
            yield PagedTable(self._load_page, id="report-register", page_size=PAGE,
                             threaded=True, title="title", narrow=(("number", 8),))

    def setup(self) -> None:
        super().setup()
        self.sub_title = t("special_report.registers")
        table = self.query_one("#report-register", PagedTable)
        for key in ("title", "department", "state", "due", "number"):
            table.add_column(t(f"special_report.col_{key}"), key=key)
        table.focus()

    def load_data(self, actor, query) -> list:
        return self._rows(actor, Page(PAGE))

    def _load_page(self, page: Page):
        return self._rows(self.actor, page)

    @staticmethod
    def _rows(actor, page: Page):
        today = actor.today

        def label(due) -> str:
            if due is None or due > today:
                return ""
            return inbox_service.OVERDUE if due < today else inbox_service.TODAY

        return [(r.id, [r.title, term(r.department), term(r.state),
                        badge.deadline(label(r.due), r.due) if r.due else "", r.letter_number])
                for r in special_report.register_page(actor, **page.keyset_args())]

    def show_data(self, rows: list) -> None:
        table = self.query_one("#report-register", PagedTable)
        table.show_first_page(rows)
        more = "+" if len(rows) >= table.page_size else ""
        self.query_one("#report-title", Label).update(
            t("special_report.register_title", n=len(rows), more=more))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_selected()

    def action_open_selected(self) -> None:
        key = self.query_one("#report-register", PagedTable).selected_key()
        if key is not None:
            registry.open_record(self.app, special_report.KIND, int(key))

    def action_new_special_report(self) -> None:
        new_special_report(self.app, lambda _ok: self.refresh_data())

    def action_back(self) -> None:
        self.app.pop_screen()
