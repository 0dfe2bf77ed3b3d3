"""请假登记簿 (SPEC §7; Part 3 §22): department heads' leave, newest first, where each is now;
``n`` registers one (the head's written notice, or the head asking for themselves), Enter opens
it. Reached from 秘书科 and the palette."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen, run_service
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.services import inbox as inbox_service
from govdesk.services import leave
from govdesk.services.engine import core as engine
from govdesk.widgets import badge
from govdesk.widgets.paged_table import Page, PagedTable


def head_choices(actor) -> list[tuple[str, str]]:
    """Worker thread: the heads the user may register leave for, as (label, login)."""
    return [(t("leave.head_choice", unit=h.unit.short, name=h.name, grade=term(h.post)),
             h.login) for h in leave.heads_for(actor)]


def new_leave(app: App, done=None) -> None:
    """The request form: who, from, to, where, why, how to reach them. A refusal names the
    field and keeps what was typed; a saved request opens. The heads' list is read in a
    worker; the form opens when it comes."""
    run_service(app.screen, head_choices, app.actor(),
                done=lambda choices: _leave_form(app, choices, done),
                refused=lambda exc: app.notify(str(exc), severity="error"), writes=False)


def _leave_form(app: App, choices: list[tuple[str, str]], done) -> None:
    if not choices:
        app.notify(t("leave.no_heads"), severity="warning")
        return
    saved: list = []

    def apply(values: dict) -> None:  # in a worker, with the holders named for the notice
        row = leave.register(app.actor(), values)
        saved.append((row.id, engine.holders_by_record(leave.KIND, [row.id]).get(row.id, "")))

    def closed(ok: bool | None) -> None:
        if ok and saved:
            row_id, who = saved[-1]
            app.notify(t("leave.saved", who=who))
            registry.open_record(app, leave.KIND, row_id)
        if done is not None:
            done(bool(ok))

    fields = [
        Field("person", t("leave.f_person"), choices[0][1], choices=choices),
        Field("starts_on", t("leave.f_starts_on")),
        Field("ends_on", t("leave.f_ends_on")),
        Field("destination", t("leave.f_destination")),
        Field("reason", t("leave.f_reason")),
        Field("contact", t("leave.f_contact")),
    ]
    app.push_screen(LeaveFormModal(t("leave.new_title"), apply, fields,
                                   note=t("leave.new_note"), draft=("leave", None)), closed)


class LeaveFormModal(FieldsModal):
    """The request form: six fields, one line each, so it fits an 80×24 terminal."""

    DEFAULT_CSS = """
    LeaveFormModal Input, LeaveFormModal Select { margin-bottom: 0; }
    """


PAGE = 100  # rows per page of the register


class LeaveRegisterScreen(DeskScreen):
    HOWTO = "howto.leave_register"  # F1's how-to (screens/help.py)
    COMMAND_IDS = ("leave_register.back", "leave_register.new", "leave_register.open")
    DEFAULT_CSS = """
    LeaveRegisterScreen #leave-register { height: 1fr; }
    LeaveRegisterScreen .panel-title { background: $boost; text-style: bold; width: 100%;
                                       padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Label(id="leave-title", classes="panel-title")
            yield PagedTable(self._load_page, id="leave-register", page_size=PAGE,
                             threaded=True, title="title",
                             narrow=(("destination", 8), ("holders", 8)))

    def setup(self) -> None:
        super().setup()
        self.sub_title = t("leave.registers")
        table = self.query_one("#leave-register", PagedTable)
        # The place last: on an 80-column terminal it narrows first.
        for key in ("title", "grade", "period", "state", "due", "holders", "destination"):
            table.add_column(t(f"leave.col_{key}"), key=key)
        table.focus()

    def load_data(self, actor, query) -> list:
        return self._rows(actor, Page(PAGE))

    def _load_page(self, page: Page):
        """The pages after the first, in the table's worker."""
        return self._rows(self.actor, page)

    @staticmethod
    def _rows(actor, page: Page):
        today = actor.today
        rows = leave.register_page(actor, **page.keyset_args())

        def label(due) -> str:
            if due is None or due > today:
                return ""
            return inbox_service.OVERDUE if due < today else inbox_service.TODAY

        return [(r.id, [f"{term(r.unit)} {r.person}", term(r.grade),
                        f"{r.starts_on:%m-%d}—{r.ends_on:%m-%d}", term(r.state),
                        badge.deadline(label(r.due), r.due) if r.due else "", term(r.holders),
                        r.destination]) for r in rows]

    def show_data(self, rows: list) -> None:
        table = self.query_one("#leave-register", PagedTable)
        table.show_first_page(rows)
        more = "+" if len(rows) >= table.page_size else ""
        self.query_one("#leave-title", Label).update(
            t("leave.register_title", n=len(rows), more=more))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_selected()

    def action_open_selected(self) -> None:
        key = self.query_one("#leave-register", PagedTable).selected_key()
        if key is not None:
            registry.open_record(self.app, leave.KIND, int(key))

    def action_new_leave(self) -> None:
        new_leave(self.app, lambda _ok: self.refresh_data())

    def action_back(self) -> None:
        self.app.pop_screen()
