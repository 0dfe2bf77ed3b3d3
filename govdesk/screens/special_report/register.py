"""人大常委会专项工作报告登记簿 (SPEC §11; Part 2 §5(二)): each letter of the 人大, newest first,
where its report is now; ``n`` registers a letter (督查室), Enter opens one. Reached from 督查室
(``k``) and the palette."""

from __future__ import annotations

from textual.app import App

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import run_service
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.record_register import RecordRegisterScreen
from govdesk.services import special_report
from govdesk.services.suggestion import require_supervision
from govdesk.widgets.paged_table import Page


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


class SpecialReportRegisterScreen(RecordRegisterScreen):
    HOWTO = "howto.special_report_register"
    COMMAND_IDS = ("special_report_register.back", "special_report_register.new",
                   "special_report_register.open", "list.export")
    EXPORT_KIND = "special_report"
    KIND = special_report.KIND
    TABLE_ID, TITLE_ID = "report-register", "report-title"
    COLUMNS = ("title", "department", "state", "due", "number")
    COLUMN_LABEL = "special_report.col_{key}"
    NARROW = (("number", 8),)
    SUB_TITLE, TITLE_KEY = "special_report.registers", "special_report.register_title"

    def read_page(self, actor, page: Page, query) -> list:
        return special_report.register_page(actor, **page.keyset_args())

    def cells(self, r, due: str) -> list:
        return [r.title, term(r.department), term(r.state), due, r.letter_number]

    def new_record(self, done) -> None:
        new_special_report(self.app, done)

    action_new_special_report = RecordRegisterScreen.action_new_record  # …_register.new
