"""建议提案登记簿 (SPEC §11; Part 2 §5(一)): the NPC suggestions and CPPCC proposals, newest
first, where each is now; ``n`` registers one of the batch handed over after the 两会 (督查室),
``t`` shows 建议 only, 提案 only, or both, Enter opens one. Reached from 督查室 (``j``) and the
palette."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen, run_service
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.services import inbox as inbox_service
from govdesk.services import suggestion
from govdesk.services.vocab import suggestion_states
from govdesk.widgets import badge
from govdesk.widgets.paged_table import Page, PagedTable


def new_suggestion(app: App, done=None, *, batch: bool = False) -> None:
    """The registration form, for 督查室 (Part 2 §5(一)1; asked in a worker, anyone else is
    told so); a refusal names the field and keeps what was typed. A saved one opens, for 交办;
    in ``batch`` (from the register: the batch handed over after the 两会) the form comes
    back empty for the next one, its 类别, 会议 and 年度 kept, until Esc."""
    run_service(app.screen, suggestion.require_supervision, app.actor(),
                done=lambda _ok: _form(app, done, batch, {}),
                refused=lambda exc: app.notify(str(exc), severity="error"), writes=False)


def _form(app: App, done, batch: bool, kept: dict) -> None:
    saved: list[tuple[int, dict]] = []

    def apply(values: dict) -> None:  # in a worker
        saved.append((suggestion.register(app.actor(), values).id, values))

    def closed(ok: bool | None) -> None:
        if ok and saved:
            row_id, values = saved[-1]
            if batch:
                app.notify(t("suggestion.saved_next", number=values.get("number", "")))
                _form(app, done, batch, {k: values.get(k, "") for k in KEPT})
                return
            app.notify(t("suggestion.saved"))
            registry.open_record(app, suggestion.KIND, row_id)
        if done is not None:
            done(bool(ok) or bool(kept))

    today = app.actor().today
    fields = [
        Field("source", t("suggestion.f_source"),
              kept.get("source") or suggestion_states.SOURCES[0],
              choices=[(term(s), s) for s in suggestion_states.SOURCES]),
        Field("number", t("suggestion.f_number")),
        Field("proposer", t("suggestion.f_proposer")),
        Field("group", t("suggestion.f_group")),
        Field("title", t("suggestion.f_title")),
        Field("category", t("suggestion.f_category")),
        Field("body", t("suggestion.f_body")),
        Field("session", t("suggestion.f_session"), kept.get("session", "")),
        Field("year", t("suggestion.f_year"), kept.get("year") or str(today.year)),
    ]
    app.push_screen(SuggestionFormModal(t("suggestion.new_title"), apply, fields,
                                        note=t("suggestion.new_note"),
                                        draft=("suggestion", None)), closed)


KEPT = ("source", "session", "year")  # what the next one of a batch shares


class SuggestionFormModal(FieldsModal):
    """Nine fields, one line each, so it fits an 80×24 terminal."""

    DEFAULT_CSS = """
    SuggestionFormModal Input, SuggestionFormModal Select { margin-bottom: 0; }
    """


PAGE = 100


class SuggestionRegisterScreen(DeskScreen):
    HOWTO = "howto.suggestion_register"
    COMMAND_IDS = ("suggestion_register.back", "suggestion_register.new",
                   "suggestion_register.source", "suggestion_register.open")
    DEFAULT_CSS = """
    SuggestionRegisterScreen #suggestion-register { height: 1fr; }
    SuggestionRegisterScreen .panel-title { background: $boost; text-style: bold;
                                            width: 100%; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.source: str | None = None  # 建议, 提案, or both

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Label(id="suggestion-title", classes="panel-title")
            yield PagedTable(self._load_page, id="suggestion-register", page_size=PAGE,
                             threaded=True, title="title",
                             narrow=(("proposer", 6), ("lead", 8)))

    def setup(self) -> None:
        super().setup()
        self.sub_title = t("suggestion.registers")
        table = self.query_one("#suggestion-register", PagedTable)
        for key in ("number", "title", "state", "due", "lead", "proposer"):
            table.add_column(t(f"suggestion.col_{key}"), key=key)
        table.focus()

    def data_query(self):
        return self.source

    def load_data(self, actor, source) -> list:
        return self._rows(actor, Page(PAGE), source)

    def _load_page(self, page: Page):
        return self._rows(self.actor, page, self.source)

    @staticmethod
    def _rows(actor, page: Page, source):
        today = actor.today
        rows = suggestion.register_page(actor, source=source, **page.keyset_args())

        def label(due) -> str:
            if due is None or due > today:
                return ""
            return inbox_service.OVERDUE if due < today else inbox_service.TODAY

        return [(r.id, [f"{term(r.source)}{r.number}", r.title,
                        term(r.state) + (f"·{term(r.feedback)}" if r.feedback else ""),
                        badge.deadline(label(r.due), r.due) if r.due else "",
                        term(r.lead_unit), r.proposer]) for r in rows]

    def show_data(self, rows: list) -> None:
        table = self.query_one("#suggestion-register", PagedTable)
        table.show_first_page(rows)
        more = "+" if len(rows) >= table.page_size else ""
        which = term(self.source) if self.source else t("suggestion.both")
        self.query_one("#suggestion-title", Label).update(
            t("suggestion.register_title", which=which, n=len(rows), more=more))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_selected()

    def action_open_selected(self) -> None:
        key = self.query_one("#suggestion-register", PagedTable).selected_key()
        if key is not None:
            registry.open_record(self.app, suggestion.KIND, int(key))

    def action_new_suggestion(self) -> None:
        new_suggestion(self.app, lambda _ok: self.refresh_data(), batch=True)

    def action_cycle_source(self) -> None:
        order = [None, *suggestion_states.SOURCES]
        self.source = order[(order.index(self.source) + 1) % len(order)]
        self.refresh_data()

    def action_back(self) -> None:
        self.app.pop_screen()
