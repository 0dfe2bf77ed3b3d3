"""秘书科 (key 1): its work list, the 收文 register (paged), and the registration form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Select

from govdesk.i18n import t
from govdesk.models import incoming as states
from govdesk.screens import registry
from govdesk.screens.incoming_form import IncomingFormScreen
from govdesk.screens.section import SectionScreen
from govdesk.services import inbox as inbox_service
from govdesk.services import incoming
from govdesk.widgets import badge
from govdesk.widgets.paged_table import PagedTable

STATES = (states.REGISTERED, states.SIGNING, states.READING, states.SORTING, states.CLOSED,
          states.ARCHIVED, states.RETURNED, states.TRANSFERRED)

FINISHED = (states.CLOSED, states.ARCHIVED, states.RETURNED, states.TRANSFERRED)


class SecretariatScreen(SectionScreen):
    SECTION_CODES = ("mishu",)
    BINDINGS = [
        *SectionScreen.BINDINGS,
        Binding("n", "new_incoming", t("incoming.new")),
        Binding("enter", "open_selected", t("incoming.open"), show=False),
        Binding("slash", "search", t("incoming.search")),
        Binding("t", "cycle_state", t("incoming.cycle_state")),
        Binding("ctrl+l", "register_focus", t("incoming.focus_register")),
    ]
    DEFAULT_CSS = """
    SecretariatScreen #reg-filters { height: 1; }
    SecretariatScreen #reg-filters Label { width: auto; padding: 0 1; }
    SecretariatScreen #reg-search { width: 1fr; }
    SecretariatScreen #reg-state { width: 24; }
    SecretariatScreen #work { height: 2fr; }
    SecretariatScreen #register { height: 3fr; }
    SecretariatScreen #members { height: 1fr; min-height: 3; }
    """

    def compose_extra(self) -> ComposeResult:
        yield Label(id="register-title", classes="panel-title")
        with Horizontal(id="reg-filters"):
            yield Label(t("incoming.search_label"))
            yield Input(placeholder=t("incoming.search_placeholder"), id="reg-search",
                        compact=True)
            yield Select([(s, s) for s in STATES], prompt=t("incoming.all_states"),
                         id="reg-state", compact=True)
        yield PagedTable(self._load_page, id="register", page_size=100)

    def setup(self) -> None:
        super().setup()
        table = self.query_one("#register", PagedTable)
        for key in ("number", "title", "from_name", "urgency", "state", "received_on", "due",
                    "holders"):
            table.add_column(t(f"incoming.col_{key}"), key=key)

    # ------------------------------------------------------------------ register

    @property
    def state_filter(self) -> str | None:
        value = self.query_one("#reg-state", Select).value
        return None if value is Select.NULL else str(value)

    def _load_page(self, after_id, limit: int):
        today = self.actor.today
        rows = incoming.register_page(
            self.actor, state=self.state_filter,
            text=self.query_one("#reg-search", Input).value.strip(),
            before_id=after_id, limit=limit)
        return [
            (r.id, [r.number, r.title, r.from_name, badge.urgency(r.urgency), r.state,
                    f"{r.received_on:%m-%d}", badge.deadline(self._due_label(r, today), r.due), r.holders])
            for r in rows
        ]

    @staticmethod
    def _due_label(row: incoming.RegisterRow, today) -> str:
        if row.due is None or row.state in FINISHED:
            return ""
        if row.due < today:
            return inbox_service.OVERDUE
        return inbox_service.TODAY if row.due == today else ""

    def refresh_extra(self) -> None:
        table = self.query_one("#register", PagedTable)
        table.reload()
        self.query_one("#register-title", Label).update(
            t("incoming.register_title", n=table.row_count,
              more="+" if table.row_count >= table.page_size else ""))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "reg-search":
            self.refresh_extra()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reg-search":
            self.query_one("#register", PagedTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "reg-state":
            self.refresh_extra()

    def action_search(self) -> None:
        self.query_one("#reg-search", Input).focus()

    def action_register_focus(self) -> None:
        self.query_one("#register", PagedTable).focus()

    def action_cycle_state(self) -> None:
        select = self.query_one("#reg-state", Select)
        current = self.state_filter
        order = [None, *STATES]
        nxt = order[(order.index(current) + 1) % len(order)]
        select.value = Select.NULL if nxt is None else nxt

    # ------------------------------------------------------------------ opening

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "register":
            event.stop()
            self.action_open_selected()
        else:
            super().on_data_table_row_selected(event)

    def action_open_selected(self) -> None:
        key = self.query_one("#register", PagedTable).selected_key()
        if key is not None:
            registry.open_record(self.app, "incoming", int(key))

    def action_new_incoming(self) -> None:
        def saved(doc_id: int | None) -> None:
            self.refresh_data()
            if doc_id is not None:
                table = self.query_one("#register", PagedTable)
                try:
                    table.move_cursor(row=table.get_row_index(str(doc_id)))
                except Exception:  # filtered out of the current view
                    pass
                table.focus()

        self.app.push_screen(IncomingFormScreen(), saved)
