"""A record register: one kind's records as a paged table, newest first, where each is now.

Enter opens the selected record through screens/registry.py, Esc goes back, ``n`` registers
one (the kind's own form; the register loads again when it closes). A register declares:

- ``KIND`` — the record kind it opens; ``TABLE_ID``/``TITLE_ID`` — its widgets' ids;
- ``COLUMNS`` and ``COLUMN_LABEL`` (a catalog key with ``{key}``), ``TITLE_COLUMN`` and
  ``NARROW`` (the PagedTable's: the column that takes the room left, the ones that narrow);
- ``SUB_TITLE`` and ``TITLE_KEY`` (with ``n`` and ``more``; ``title_values`` adds the rest);
- ``data_query()`` (base.py), if it has a filter: the query each page is read with;
- ``read_page(actor, page, query)`` — in the worker: the service call reading one page;
- ``cells(row, due)`` — a row's cells (``due``: its deadline as a badge, or "");
- ``new_record(done)`` — the kind's registration form, ``done`` called when it closes.

The first page is read by the screen's load (base.py: ``data_query`` → ``load_data`` →
``show_data``); the pages after it by the table's worker, with the query the first page was
read with. A refresh keeps the cursor on its record (PagedTable.show_first_page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from govdesk.i18n import t
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen
from govdesk.services import inbox as inbox_service
from govdesk.widgets import badge
from govdesk.widgets.desk_table import Narrow
from govdesk.widgets.paged_table import Page, PagedTable, Row

PAGE = 100  # rows per page of a register


def due_badge(due: date | None, today: date) -> str:
    """A register's 期限 cell: the date, marked when it is today or past."""
    if due is None:
        return ""
    label = "" if due > today else (inbox_service.OVERDUE if due < today
                                    else inbox_service.TODAY)
    return badge.deadline(label, due)


class RecordRegisterScreen(DeskScreen):
    """The register's show, open and back; a subclass declares the rest (module docstring)."""

    KIND: ClassVar[str] = ""
    TABLE_ID: ClassVar[str] = "register"
    TITLE_ID: ClassVar[str] = "register-title"
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    COLUMN_LABEL: ClassVar[str] = ""  # e.g. "leave.col_{key}"
    TITLE_COLUMN: ClassVar[str] = "title"
    NARROW: ClassVar[Narrow] = ()
    SUB_TITLE: ClassVar[str] = ""
    TITLE_KEY: ClassVar[str] = ""
    PAGE: ClassVar[int] = PAGE
    EXPORT_KIND: ClassVar[str] = ""  # its register's kind for e (services/exports), if it has one
    DEFAULT_CSS = """
    RecordRegisterScreen .register-table { height: 1fr; }
    RecordRegisterScreen .panel-title { background: $boost; text-style: bold; width: 100%;
                                        padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._page_query: Any = None  # the query the shown first page was read with

    def export_offers(self) -> list:
        if not self.EXPORT_KIND:
            return []
        from govdesk.services import exporting

        return [exporting.register_offer(self.EXPORT_KIND, self.app.actor().now.date())]

    # ------------------------------------------------------------------ what a register says

    def read_page(self, actor, page: Page, query: Any) -> Sequence[Any]:
        """Worker thread: one page of the register's rows (each with ``id`` and ``due``)."""
        raise NotImplementedError

    def cells(self, row: Any, due: str) -> list[Any]:
        """A row's cells, in the order of ``COLUMNS``."""
        raise NotImplementedError

    def new_record(self, done: Callable[[bool], None]) -> None:
        """Open the kind's registration form; ``done`` when it closes."""
        raise NotImplementedError

    def title_values(self, query: Any) -> dict[str, Any]:
        """UI thread: the title's values besides ``n`` and ``more`` (the name of the filter
        the shown rows were read with)."""
        return {}

    # ------------------------------------------------------------------ show

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Label(id=self.TITLE_ID, classes="panel-title")
            yield PagedTable(self._load_page, id=self.TABLE_ID, classes="register-table",
                             page_size=self.PAGE, threaded=True, title=self.TITLE_COLUMN,
                             narrow=self.NARROW)

    @property
    def table(self) -> PagedTable:
        return self.query_one(f"#{self.TABLE_ID}", PagedTable)

    def setup(self) -> None:
        super().setup()
        self.sub_title = t(self.SUB_TITLE)
        table = self.table
        for key in self.COLUMNS:
            table.add_column(t(self.COLUMN_LABEL.format(key=key)), key=key)
        table.focus()

    def load_data(self, actor, query: Any) -> tuple[Any, list[Row]]:
        return query, self._rows(actor, Page(self.PAGE), query)

    def _load_page(self, page: Page) -> list[Row]:
        """The pages after the first, in the table's worker."""
        return self._rows(self.actor, page, self._page_query)

    def due_cell(self, row: Any, today: date) -> Any:
        """A row's 期限 cell (a kind whose rows can be late without a date says its own)."""
        return due_badge(row.due, today)

    def _rows(self, actor, page: Page, query: Any) -> list[Row]:
        today = actor.today
        return [(r.id, self.cells(r, self.due_cell(r, today)))
                for r in self.read_page(actor, page, query)]

    def show_data(self, data: tuple[Any, list[Row]]) -> None:
        query, rows = data
        self._page_query = query
        table = self.table
        table.show_first_page(rows)
        more = "+" if len(rows) >= table.page_size else ""
        self.query_one(f"#{self.TITLE_ID}", Label).update(
            t(self.TITLE_KEY, n=len(rows), more=more, **self.title_values(query)))

    # ------------------------------------------------------------------ open, new, back

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_selected()

    def action_open_selected(self) -> None:
        key = self.table.selected_key()
        if key is not None:
            registry.open_record(self.app, self.KIND, int(key))

    def action_new_record(self) -> None:
        self.new_record(lambda _ok: self.refresh_data())

    def action_back(self) -> None:
        self.app.pop_screen()
