"""全文检索: one search over every kind of record the user may see (services.search), from `/`
anywhere outside a text field and from the palette. Typing searches as it goes (after a short
pause, in a worker; an older answer never replaces a newer one); Enter on a line opens it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen
from govdesk.services import search
from govdesk.widgets.filter_line import SearchBox

PAUSE = 0.15  # seconds of no typing before a search starts


class SearchScreen(DeskScreen):
    HOWTO = "howto.search"  # F1's how-to (screens/help.py)
    COMMAND_IDS = ("search.back", "search.open", "search.focus_text")
    DEFAULT_CSS = """
    SearchScreen #search-text { margin: 0 1; background: $boost; }
    SearchScreen #search-hint, SearchScreen #search-status { padding: 0 1; width: 100%; }
    SearchScreen #search-hint { color: $text-muted; }
    SearchScreen #search-status { background: $boost; text-style: bold; }
    SearchScreen #search-results { height: 1fr; }
    """

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._initial = text
        self._timer: Timer | None = None
        self._hits: dict[str, search.Hit] = {}

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Label(t("search.hint"), id="search-hint")
            yield SearchBox(value=self._initial, placeholder=t("search.placeholder"),
                            id="search-text", list_id="search-results")  # a paste comes cleaned
            yield Label(t("search.empty"), id="search-status")
            yield DataTable(id="search-results", cursor_type="row", zebra_stripes=True)

    def setup(self) -> None:
        super().setup()
        self.sub_title = t("search.title")
        table = self.query_one("#search-results", DataTable)
        for key in ("kind", "number", "title", "source", "date", "state"):
            table.add_column(t(f"search.col_{key}"), key=key)
        self.query_one("#search-text", Input).focus()

    # ------------------------------------------------------------------ load / show

    def data_query(self) -> str:
        return self.query_one("#search-text", Input).value.strip()

    def load_data(self, actor, text: str) -> tuple[str, list[search.Group]]:
        return text, (search.search(actor, text) if text else [])

    def show_data(self, data: tuple[str, list[search.Group]]) -> None:
        text, groups = data
        table = self.query_one("#search-results", DataTable)
        table.clear()
        self._hits = {}
        for group in groups:
            for hit in group.hits:
                key = f"{hit.kind}:{hit.id}"
                self._hits[key] = hit
                table.add_row(group.label, hit.number, hit.title, hit.source,
                              hit.on.isoformat() if hit.on else "", term(hit.state) if hit.state
                              else "", key=key)
        status = self.query_one("#search-status", Label)
        if not text:
            status.update(t("search.empty"))
        elif not groups:
            status.update(t("search.none", text=text))
        else:
            status.update("  ·  ".join(
                t("search.group_more" if g.more else "search.group", kind=g.label, n=len(g.hits))
                for g in groups))

    # ------------------------------------------------------------------ keys

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search-text":
            return
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PAUSE, self.refresh_data)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search-text":
            return
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.refresh_data()
        table = self.query_one("#search-results", DataTable)
        table.focus()

    def on_key(self, event) -> None:
        """↓ from the text goes to the results, as in any list with a search box above it."""
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self.query_one("#search-results", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one("#search-results", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        hit = self._hits.get(key or "")
        if hit is not None:
            registry.open_record(self.app, hit.kind, hit.id)

    def action_focus_text(self) -> None:
        self.query_one("#search-text", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
