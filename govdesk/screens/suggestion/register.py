"""建议提案登记簿 (SPEC §11; Part 2 §5(一)): the NPC suggestions and CPPCC proposals, newest
first, where each is now; ``n`` registers one of the batch handed over after the 两会 (督查室),
``t`` shows 建议 only, 提案 only, or both, Enter opens one. Reached from 督查室 (``j``) and the
palette."""

from __future__ import annotations

from textual.app import App

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import run_service
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.import_sheet import offered, open_import
from govdesk.screens.record_register import RecordRegisterScreen
from govdesk.services import suggestion
from govdesk.services.vocab import suggestion_states
from govdesk.widgets.paged_table import Page


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


class SuggestionRegisterScreen(RecordRegisterScreen):
    HOWTO = "howto.suggestion_register"
    COMMAND_IDS = ("suggestion_register.back", "suggestion_register.new",
                   "suggestion_register.source", "suggestion_register.open", "list.export",
                   "suggestion_register.import")
    KIND = EXPORT_KIND = suggestion.KIND
    TABLE_ID, TITLE_ID = "suggestion-register", "suggestion-title"
    COLUMNS = ("number", "title", "state", "due", "lead", "proposer")
    COLUMN_LABEL = "suggestion.col_{key}"
    NARROW = (("proposer", 6), ("lead", 8))
    SUB_TITLE, TITLE_KEY = "suggestion.registers", "suggestion.register_title"

    def available_commands(self) -> set[str]:
        ids = set(super().available_commands())
        if "import" not in self.granted:
            ids.discard("suggestion_register.import")
        return ids

    def person_checks(self) -> dict:
        return {**super().person_checks(), "import": lambda p: offered(p, "suggestion")}

    def action_import_sheet(self) -> None:
        """i: the 人大建议/政协提案 list into the register (screens/import_sheet.py)."""
        open_import(self, "suggestion")

    def __init__(self) -> None:
        super().__init__()
        self.source: str | None = None  # 建议, 提案, or both

    def data_query(self):
        return self.source

    def read_page(self, actor, page: Page, source) -> list:
        return suggestion.register_page(actor, source=source, **page.keyset_args())

    def cells(self, r, due: str) -> list:
        return [f"{term(r.source)}{r.number}", r.title,
                term(r.state) + (f"·{term(r.feedback)}" if r.feedback else ""), due,
                term(r.lead_unit), r.proposer]

    def title_values(self, source) -> dict:
        return {"which": term(source) if source else t("suggestion.both")}

    def new_record(self, done) -> None:
        new_suggestion(self.app, done, batch=True)

    action_new_suggestion = RecordRegisterScreen.action_new_record  # suggestion_register.new

    def action_cycle_source(self) -> None:
        order = [None, *suggestion_states.SOURCES]
        self.source = order[(order.index(self.source) + 1) % len(order)]
        self.refresh_data()
