"""秘书科 (key 1): its work list, the 收文 and 发文 registers (paged, toggled with o), the
收文 registration form, 拟稿 (w) and the 差错 register (x)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, DataTable, Input, Label, Select

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.list_view import (
    REGISTER_SORT,
    register_keyset,
    resolve_line,
    resolve_sort,
)
from govdesk.screens.section import SectionScreen
from govdesk.screens.triage import remind_holders
from govdesk.services import bulk, exporting, exports, incoming, outgoing, register_sort
from govdesk.services import inbox as inbox_service
from govdesk.services.policy import may_register_incoming
from govdesk.services.vocab import incoming_states as states
from govdesk.services.vocab import outgoing_states as out_states
from govdesk.widgets import badge
from govdesk.widgets.filter_line import FilterLine, SearchBox
from govdesk.widgets.paged_table import Page, PagedTable

STATES = (states.REGISTERED, states.SIGNING, states.READING, states.SORTING, states.CLOSED,
          states.ARCHIVED, states.RETURNED, states.TRANSFERRED)

OUT_STATES = (out_states.DRAFTING, out_states.REVIEWING, out_states.RETURNED, out_states.SIGNED,
              out_states.NUMBERED, out_states.PRINTED, out_states.PROOFREAD,
              out_states.DISPATCHED)

# On a narrow terminal these give way, in order, before the title is cut further (0: the
# column is left out; the record shows it): 状态, 期限 and 在办 stay on screen.
IN_NARROW = (("from_name", 12), ("holders", 8), ("received_on", 0), ("from_name", 0))
OUT_NARROW = (("issuer", 6), ("drafter", 6), ("updated_at", 0), ("issuer", 0))

FINISHED = (states.CLOSED, states.ARCHIVED, states.RETURNED, states.TRANSFERRED)


@dataclass(frozen=True)
class RegisterQuery:
    """Which register is showing and what its filters ask for (read on the UI thread)."""

    outgoing: bool
    text: str
    state: str | None
    page_size: int
    line: str | None = None  # the filter line in force (None: the kept one, read in the worker)
    sort: tuple[str, bool] | None = None  # (column key, descending) chosen with S
    sort_known: bool = False  # False: the kept sort is read in the worker

    @property
    def order(self) -> register_sort.Sort:
        kind = "outgoing" if self.outgoing else "incoming"
        return register_sort.Sort.of(kind, *(self.sort or (register_sort.NUMBER, True)))


class SecretariatScreen(SectionScreen):
    HOWTO = "howto.secretariat"  # F1's how-to (screens/help.py)
    SECTION_CODES = ("mishu",)
    COMMAND_IDS = ("secretariat.new_incoming", "secretariat.open_selected", "secretariat.search",
                   "secretariat.cycle_state", "secretariat.register_focus",
                   "secretariat.toggle_register", "secretariat.error_register",
                   "secretariat.leave_register", "secretariat.import_incoming",
                   "list.export")
    TAG_TABLES = {**SectionScreen.TAG_TABLES, "register": "register-title",
                  "out-registry": "out-register-title"}
    DEFAULT_CSS = """
    SecretariatScreen .reg-filters { height: 1; }
    SecretariatScreen .reg-filters Label { width: auto; padding: 0 1; }
    SecretariatScreen .reg-filters Input { width: 1fr; }
    SecretariatScreen .reg-filters Select { width: 24; }
    SecretariatScreen #work { height: 2fr; }
    SecretariatScreen #registers { height: 3fr; }
    SecretariatScreen #registers > Vertical { height: 1fr; }
    SecretariatScreen PagedTable { height: 1fr; }
    SecretariatScreen #members { height: 1fr; min-height: 3; }
    """

    def compose_extra(self) -> ComposeResult:
        with ContentSwitcher(id="registers", initial="in-register"):
            with Vertical(id="in-register"):
                yield Label(id="register-title", classes="panel-title")
                with Horizontal(classes="reg-filters"):
                    yield Label(t("incoming.search_label"))
                    yield SearchBox(placeholder=t("incoming.search_placeholder"), id="reg-search",
                                    list_id="register")
                    yield Select([(term(s), s) for s in STATES], prompt=t("incoming.all_states"),
                                 id="reg-state", compact=True)
                yield FilterLine(list_id="register")
                yield PagedTable(self._load_page, id="register", page_size=100,
                                 threaded=True, title="title", narrow=IN_NARROW)
            with Vertical(id="out-register"):
                yield Label(id="out-register-title", classes="panel-title")
                with Horizontal(classes="reg-filters"):
                    yield Label(t("incoming.search_label"))
                    yield SearchBox(placeholder=t("outgoing.search_placeholder"), id="out-search",
                                    list_id="out-registry")
                    yield Select([(term(s), s) for s in OUT_STATES], prompt=t("incoming.all_states"),
                                 id="out-state", compact=True)
                yield FilterLine(list_id="out-registry")
                yield PagedTable(self._load_page, id="out-registry", page_size=100,
                                 threaded=True, title="title", narrow=OUT_NARROW)

    _select_after: int | None = None  # a document just registered
    _query_shown: RegisterQuery | None = None

    def setup(self) -> None:
        super().setup()
        table = self.query_one("#register", PagedTable)
        for key in ("number", "title", "from_name", "urgency", "state", "received_on", "due",
                    "holders"):
            table.add_column(t(f"incoming.col_{key}"), key=key)
        out = self.query_one("#out-registry", PagedTable)
        for key in ("number", "title", "issuer", "doc_kind", "urgency", "state", "drafter",
                    "updated_at"):
            out.add_column(t(f"outgoing.col_{key}"), key=key)

    @property
    def showing_outgoing(self) -> bool:
        return self.query_one("#registers", ContentSwitcher).current == "out-register"

    def _ids(self) -> tuple[str, str, str]:
        """(search, state, table) ids of the register showing."""
        if self.showing_outgoing:
            return "out-search", "out-state", "out-registry"
        return "reg-search", "reg-state", "register"

    def action_toggle_register(self) -> None:
        switcher = self.query_one("#registers", ContentSwitcher)
        switcher.current = "in-register" if self.showing_outgoing else "out-register"
        self.refresh_data()
        self.action_register_focus()

    # ------------------------------------------------------------------ register

    def _state(self, select_id: str) -> str | None:
        value = self.query_one(f"#{select_id}", Select).value
        return None if value is Select.NULL else str(value)

    @property
    def state_filter(self) -> str | None:
        return self._state("reg-state")

    # ------------------------------------------------------------------ l, S, # (list_view)

    def filter_lists(self) -> dict[str, str]:
        return {**super().filter_lists(), "register": "mishu.incoming",
                "out-registry": "mishu.outgoing"}

    def list_kind(self, table_id: str) -> str | None:
        return {"register": "incoming", "out-registry": "outgoing"}.get(table_id)

    def export_offers(self) -> list:
        """e: the register showing as it is filtered (its line, its search words, its state),
        then the other one, and 借阅 and 差错 whole for those who may have them."""
        today = self.app.actor().now.date()
        offers = []
        for search_id, state_id, table_id in self._register_ids():
            offers.append(exporting.register_offer(
                self.list_kind(table_id), today, self.line_of(table_id) or "",
                self.query_one(f"#{search_id}", Input).value.strip(), self._state(state_id)))
        if "clerk" in self.granted:
            offers += [exporting.register_offer(kind, today) for kind in exports.CLERKS_ONLY]
        return offers

    def _register_ids(self) -> list[tuple[str, str, str]]:
        """(search, state, table) of both registers, the one showing first."""
        both = [("reg-search", "reg-state", "register"), ("out-search", "out-state",
                                                           "out-registry")]
        return both[::-1] if self.showing_outgoing else both

    def sortable(self, table_id: str) -> tuple[str, ...] | None:
        kind = self.list_kind(table_id)
        return REGISTER_SORT[kind] if kind is not None else None

    def current_list(self) -> str:
        """The register showing when the focus is anywhere in it (its search box, its state)."""
        focused = self.focused
        if focused is not None and any(getattr(n, "id", None) == "registers"
                                       for n in focused.ancestors_with_self):
            return self._ids()[2]
        return super().current_list()

    def extra_query(self) -> RegisterQuery:
        search_id, state_id, table_id = self._ids()
        return RegisterQuery(self.showing_outgoing,
                             self.query_one(f"#{search_id}", Input).value.strip(),
                             self._state(state_id),
                             self.query_one(f"#{table_id}", PagedTable).page_size,
                             self.line_of(table_id), self.sort_of(table_id),
                             table_id in self.sort_known)

    def load_extra(self, actor, query: RegisterQuery):
        # Only the register showing is read; the other is reloaded when toggled to.
        key = "mishu.outgoing" if query.outgoing else "mishu.incoming"
        kind = "outgoing" if query.outgoing else "incoming"
        query = replace(query, line=resolve_line(actor, key, query.line),
                        sort=resolve_sort(actor, key, query.sort, query.sort_known,
                                          REGISTER_SORT[kind]), sort_known=True)
        return query, self._register_rows(actor, query, Page(query.page_size))

    def show_extra(self, extra) -> None:
        query, rows = extra
        if query.outgoing != self.showing_outgoing:
            return  # toggled meanwhile: the refresh that toggle asked for brings the other
        table_id = "out-registry" if query.outgoing else "register"
        table = self.query_one(f"#{table_id}", PagedTable)
        self.note_line(table_id, query.line or "")
        self.note_sort(table_id, query.sort)
        self._query_shown = query  # what the later pages continue
        keep = None  # the record the cursor is on stays under it (PagedTable)
        if self._select_after is not None and not query.outgoing:
            doc_id, self._select_after = self._select_after, None
            if any(str(key) == str(doc_id) for key, _ in rows):  # not filtered out of view
                keep = doc_id
        table.show_first_page(rows, keep=keep)
        more = "+" if len(rows) >= table.page_size else ""
        found = self.filter_title(table_id, f"{len(rows)}{more}")
        kind = "outgoing" if query.outgoing else "incoming"
        order = query.order
        if order == register_sort.Sort():
            title = t(f"{kind}.register_title", n=len(rows), more=more)
        elif order == register_sort.Sort(register_sort.NUMBER, False):
            title = t(f"listview.{kind}_oldest_first", n=len(rows), more=more)
        else:
            title = t(f"listview.{kind}_sorted", n=len(rows), more=more,
                      column=t(f"{kind}.col_{order.column}"),
                      way=t("listview.sort_down" if order.descending else "listview.sort_up"))
        self.query_one("#out-register-title" if query.outgoing else "#register-title",
                       Label).update(title + found)

    def _register_rows(self, actor, query: RegisterQuery, page: Page):
        """A page of the register showing, as (key, cells); always in a worker thread (the
        screen's load for the first page, the table's for the pages after it)."""
        args = dict(state=query.state, text=query.text, filter=query.line or "",
                    **register_keyset(page, query.order))
        if query.outgoing:
            rows = outgoing.register_page(actor, **args)
            return [(r.cursor, [r.number, r.title, term(r.issuer), term(r.doc_kind),
                            badge.urgency(r.urgency), term(r.state), r.drafter,
                            f"{r.updated_at:%m-%d %H:%M}"]) for r in rows]
        today = actor.today
        rows = incoming.register_page(actor, **args)
        return [
            (r.cursor, [r.number, r.title, term(r.from_name), badge.urgency(r.urgency),
                    term(r.state), f"{r.received_on:%m-%d}",
                    badge.deadline(self._due_label(r, today), r.due), term(r.holders)])
            for r in rows
        ]

    def _load_page(self, page: Page):
        """The pages after the first, in the table's worker: the register as last shown."""
        if self._query_shown is None:
            return []
        return self._register_rows(self.actor, self._query_shown, page)

    @staticmethod
    def _due_label(row: incoming.RegisterRow, today) -> str:
        if row.due is None or row.state in FINISHED:
            return ""
        if row.due < today:
            return inbox_service.OVERDUE
        return inbox_service.TODAY if row.due == today else ""

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("reg-search", "out-search"):
            self.refresh_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("reg-search", "out-search"):
            self.action_register_focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("reg-state", "out-state"):
            self.refresh_data()

    def action_search(self) -> None:
        self.query_one(f"#{self._ids()[0]}", Input).focus()

    def action_register_focus(self) -> None:
        self.query_one(f"#{self._ids()[2]}", PagedTable).focus()

    def action_cycle_state(self) -> None:
        _, state_id, _ = self._ids()
        select = self.query_one(f"#{state_id}", Select)
        current = self._state(state_id)
        order = [None, *(OUT_STATES if self.showing_outgoing else STATES)]
        nxt = order[(order.index(current) + 1) % len(order)]
        select.value = Select.NULL if nxt is None else nxt

    def action_error_register(self) -> None:
        from govdesk.screens.outgoing.error_register import ErrorRegisterScreen

        self.app.push_screen(ErrorRegisterScreen())

    def action_leave_register(self) -> None:
        from govdesk.screens.leave.register import LeaveRegisterScreen

        self.app.push_screen(LeaveRegisterScreen())

    # ------------------------------------------------------------------ opening

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id in ("register", "out-registry"):
            event.stop()
            event.prevent_default()
            self.action_open_selected()
        else:
            super().on_data_table_row_selected(event)

    def action_open_selected(self) -> None:
        _, _, table_id = self._ids()
        key = self.query_one(f"#{table_id}", PagedTable).selected_key()
        if key is not None:
            registry.open_record(self.app, "outgoing" if self.showing_outgoing else "incoming",
                                 int(key))

    def tag_item(self, table_id: str, key: str) -> bulk.Item | None:
        if table_id in ("register", "out-registry"):  # a register's key is the record's id
            return bulk.Item("incoming" if table_id == "register" else "outgoing", int(key))
        return super().tag_item(table_id, key)

    def action_remind(self) -> None:
        """u on a register: 催办 every holder of the record under the cursor."""
        table = self.focused
        if isinstance(table, PagedTable) and table.id in ("register", "out-registry"):
            key = table.selected_key()
            if key is not None:
                number, title = (str(getattr(c, "plain", c)) for c in table.get_row(key)[:2])
                remind_holders(self, "incoming" if table.id == "register" else "outgoing",
                               int(key), f"{number} {title}", then=self.refresh_data)
            return
        super().action_remind()

    def bulk_actions(self, table_id: str) -> tuple[str, ...]:
        return (bulk.REMIND,) if table_id == "out-registry" else bulk.ACTIONS

    def person_checks(self) -> dict:
        return {**super().person_checks(), "import": may_register_incoming,
                "clerk": exports.clerk}

    def available_commands(self) -> set[str]:
        ids = set(super().available_commands())
        if "import" not in self.granted:
            ids.discard("secretariat.import_incoming")
        return ids

    def action_import_incoming(self) -> None:
        """i: an office's existing 收文台账 into the register (screens/import_sheet)."""
        from govdesk.screens.import_sheet import open_import  # with its first use

        open_import(self, "incoming")

    def action_new_incoming(self) -> None:
        from govdesk.screens.incoming.form import IncomingFormScreen  # with its first use

        def saved(doc_id: int | None) -> None:
            self._select_after = doc_id  # the cursor goes to it once the register shows it
            self.refresh_data()
            if doc_id is not None:
                self.query_one("#register", PagedTable).focus()

        self.app.push_screen(IncomingFormScreen(), saved)

