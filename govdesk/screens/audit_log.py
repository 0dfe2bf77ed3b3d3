"""审计日志 for admins (SPEC §14): filter by who, action, table and date; see before/after."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from govdesk.i18n import t
from govdesk.screens.base import DeskScreen
from govdesk.services import audit
from govdesk.services.errors import ServiceError
from govdesk.widgets.filter_line import SearchBox
from govdesk.widgets.paged_table import Page, PagedTable

# Before/after of the rows read last: more than the table's window of pages (3 × 200) holds.
DETAILS_KEPT = 2000


class AuditLogScreen(DeskScreen):
    HOWTO = "howto.audit"  # F1's how-to (screens/help.py)
    COMMAND_IDS = ("audit.back", "audit.focus_filter", "list.export")
    DEFAULT_CSS = """
    AuditLogScreen #filters { height: auto; }
    AuditLogScreen #filters Input { width: 1fr; }
    AuditLogScreen #audit-table { height: 2fr; }
    AuditLogScreen #audit-detail { height: 1fr; background: $boost; padding: 0 1; }
    AuditLogScreen .panel-title { background: $boost; text-style: bold; width: 100%;
                                  padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, dict] = {}
        self._since: datetime | None = None
        self._query: dict | None = None  # the filters of the list shown

    def compose_body(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="filters"):
                yield SearchBox(placeholder=t("audit.who"), id="f-who",
                                list_id="audit-table")
                yield SearchBox(placeholder=t("audit.action"), id="f-action",
                                list_id="audit-table")
                yield SearchBox(placeholder=t("audit.table"), id="f-table",
                                list_id="audit-table")
                yield SearchBox(placeholder=t("audit.since"), id="f-since",
                                list_id="audit-table")
            yield Label(id="audit-title", classes="panel-title")
            yield PagedTable(self._load, id="audit-table", page_size=200, threaded=True)
            yield Static(id="audit-detail")

    def export_offers(self) -> list:
        """e: the whole trail as the administrator may read it (its .xlsx keeps a filter on
        every column; the boxes here search it on screen)."""
        from govdesk.services import exporting

        return [exporting.register_offer("audit", self.app.actor().now.date())]

    def setup(self) -> None:
        super().setup()
        self.sub_title = t("audit.title")
        table = self.query_one("#audit-table", PagedTable)
        for key in ("id", "at", "actor", "action", "table", "record"):
            table.add_column(t(f"audit.col_{key}"), key=key)
        table.focus()

    def data_query(self) -> dict:
        value = lambda wid: self.query_one(wid, Input).value.strip()  # noqa: E731
        return {"who": value("#f-who"), "action": value("#f-action"),
                "table": value("#f-table"), "since": self._since,
                "limit": self.query_one("#audit-table", PagedTable).page_size}

    def load_data(self, actor, query: dict) -> tuple[dict, list[dict]]:
        return query, self._browse(actor, query, Page(query["limit"]))

    @staticmethod
    def _browse(actor, query: dict, page: Page) -> list[dict]:
        return audit.browse(actor, who=query["who"], action=query["action"],
                            table=query["table"], since=query["since"], **page.keyset_args())

    def _cells(self, rows: list[dict]):
        # Also from the table's worker (later pages): one dict item at a time, atomic. The
        # details of rows read long ago go, as the table's own window drops their pages.
        for row in rows:
            key = str(row["id"])
            self._rows.pop(key, None)
            self._rows[key] = row
        while len(self._rows) > DETAILS_KEPT:
            del self._rows[next(iter(self._rows))]
        return [(row["id"], [str(row["id"]), f"{row['at']:%Y-%m-%d %H:%M:%S}", row["actor"],
                             row["action"], row["table"], str(row["record_id"] or "")])
                for row in rows]

    def _load(self, page: Page):
        """The pages after the first, in the table's worker: the filters as last shown."""
        if self._query is None:
            return []
        return self._cells(self._browse(self.actor, self._query, page))

    def show_data(self, data: tuple[dict, list[dict]]) -> None:
        self._query, rows = data
        table = self.query_one("#audit-table", PagedTable)
        self._rows = {}
        cells = self._cells(rows)
        table.show_first_page(cells)
        self.query_one("#audit-title", Label).update(t("audit.count", n=len(cells)))

    def load_failed(self, error: ServiceError) -> None:
        self.app.notify(str(error), severity="error")
        if self.app.screen is self:
            self.app.pop_screen()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        since = self.query_one("#f-since", Input).value.strip()
        try:
            self._since = datetime.fromisoformat(since) if since else None
        except ValueError:
            self.app.notify(t("audit.bad_date"), severity="error")
            return
        self.refresh_data()
        self.query_one("#audit-table", PagedTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self._rows.get(event.row_key.value or "")
        if row is None:
            return
        self.query_one("#audit-detail", Static).update(
            f"{t('audit.before')}：{row['before'] or '—'}\n{t('audit.after')}：{row['after'] or '—'}")

    def action_focus_filter(self) -> None:
        self.query_one("#f-who", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
