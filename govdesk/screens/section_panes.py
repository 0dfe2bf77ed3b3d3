"""A section screen whose registers sit on tabs, so each stays readable at 80×24.

The shared work list (``#work``) and staff (``#members``) of SectionScreen become two of the
tabs; a section adds its own (``PANES``), reads them in ``load_panes`` (a worker) and fills
them in ``show_panes``. ``[`` and ``]`` step through the tabs; any table of tasks registered
in ``task_tables`` answers Enter (open) and ``u`` (催办) like the work list does.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable, Label, TabbedContent, TabPane

from govdesk.i18n import t
from govdesk.screens import registry
from govdesk.screens.home import STEP_WIDTH
from govdesk.screens.section import SectionScreen
from govdesk.services.inbox import InboxItem
from govdesk.widgets.desk_table import DeskTable
from govdesk.widgets.filter_line import FilterLine

# Explicit widths: automatic ones go wrong with double-width Chinese text.
TASK_COLUMNS = (("home.col_due", 16), ("home.col_urgency", 4), ("home.col_step", STEP_WIDTH),
                ("home.col_title", 44), ("home.col_holder", 16))


class TabbedSectionScreen(SectionScreen):
    # Order of the tabs; "work" and "members" are SectionScreen's own tables.
    PANES: tuple[str, ...] = ("work", "members")
    COMMAND_IDS = ("section.next_pane", "section.previous_pane")
    DEFAULT_CSS = """
    TabbedSectionScreen #section-info { width: 100%; height: 1; padding: 0 1; color: $text-muted; }
    TabbedSectionScreen #panes { height: 1fr; }
    TabbedSectionScreen #panes > ContentSwitcher { height: 1fr; }
    TabbedSectionScreen TabPane { height: 1fr; padding: 0; }
    TabbedSectionScreen TabPane DataTable { height: 1fr; }
    TabbedSectionScreen TabPane DataTable.short { height: auto; max-height: 9; }
    TabbedSectionScreen TabPane Input { margin: 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        # table id → {row key → task}, for every table whose rows are tasks
        self.task_tables: dict[str, dict[str, InboxItem]] = {"work": {}}

    def compose_body(self) -> ComposeResult:
        yield Label(id="section-info")
        with TabbedContent(id="panes"):
            for pane in self.PANES:
                with TabPane(t(f"section.tab_{pane}"), id=f"pane-{pane}"):
                    if pane == "work":
                        yield Label(id="work-title", classes="panel-title")
                        yield FilterLine(list_id="work")
                        yield DeskTable(id="work", cursor_type="row", zebra_stripes=True)
                    elif pane == "members":
                        yield Label(id="members-title", classes="panel-title")
                        yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
                    else:
                        yield from self.compose_pane(pane)

    def compose_pane(self, pane: str) -> ComposeResult:
        yield from ()

    def focus_first(self) -> None:
        """The section's first tab, not #work: focusing a table of a later tab brings that tab
        forward, and the tab bar scrolled to it stayed a few cells in on a narrow terminal,
        cutting the first tab's name."""
        self.call_after_refresh(self.show_pane, self.PANES[0])

    # ---- tabs ----

    def active_pane(self) -> str:
        """The tab showing ("items", "petitions" …), "" before the tabs are composed."""
        found = self.query("#panes")
        return found.first(TabbedContent).active.removeprefix("pane-") if found else ""

    def focus_pane(self) -> None:
        """Put the focus on the first input or table of the tab that is showing."""
        panes = self.query_one("#panes", TabbedContent)
        if not panes.active:
            return
        pane = self.query_one(f"#{panes.active}", TabPane)
        for widget in pane.query("Input, DataTable"):
            if widget.focusable:
                widget.focus()
                return

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.call_after_refresh(self.focus_pane)

    def _step_pane(self, step: int) -> None:
        panes = self.query_one("#panes", TabbedContent)
        ids = [f"pane-{p}" for p in self.PANES]
        current = ids.index(panes.active) if panes.active in ids else 0
        panes.active = ids[(current + step) % len(ids)]
        self.call_after_refresh(self.focus_pane)

    def action_next_pane(self) -> None:
        self._step_pane(1)

    def action_previous_pane(self) -> None:
        self._step_pane(-1)

    def show_pane(self, pane: str) -> None:
        self.query_one("#panes", TabbedContent).active = f"pane-{pane}"
        self.focus_pane()

    # ---- data ----

    def show_data(self, data) -> None:
        super().show_data(data)
        self.task_tables["work"] = dict(self._items)

    def load_extra(self, actor, query: Any) -> Any:
        return self.load_panes(actor, query)

    def show_extra(self, extra: Any) -> None:
        self._fill_info()
        self.show_panes(extra)

    def load_panes(self, actor, query: Any) -> Any:
        """Worker thread: each section reads its own tabs' data here (plain data)."""
        return None

    def show_panes(self, panes: Any) -> None:
        """UI thread: each section fills its own tabs here."""

    def _fill_info(self) -> None:
        heading = self._heading
        parts = [self.section_name]
        if heading and heading.overseers:
            parts.append(t("section.overseen_by", names="、".join(heading.overseers)))
        if heading and heading.heads:
            parts.append(t("section.heads", names="、".join(heading.heads)))
        self.query_one("#section-info", Label).update(" · ".join(parts))

    def fill_tasks(self, table: DataTable, items: list[InboxItem], *, with_holder: bool = True,
                   note=None) -> None:
        """Fill a table of tasks (due, urgency, step, title, holder) keeping the cursor."""
        from govdesk.screens.home import item_cells

        keep = table.cursor_row
        table.clear()
        for item in items:
            cells = item_cells(item, with_holder=with_holder)
            if note is not None:
                cells[-1] = note(item)
            table.add_row(*cells, key=str(item.task_id))
        self.task_tables[table.id or ""] = {str(i.task_id): i for i in items}
        if items:
            table.move_cursor(row=min(keep, len(items) - 1))

    # ---- the task under the cursor, whichever task table has the focus ----

    def _current(self) -> InboxItem | None:
        """The task under the cursor of the focused task table; none on other tables."""
        table = self.focused
        if not isinstance(table, DataTable) or table.id not in self.task_tables:
            return None
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.task_tables.get(table.id or "", {}).get(key)

    def reveal_list(self, table_id: str) -> None:
        if table_id == "work":
            self.query_one("#panes", TabbedContent).active = "pane-work"

    def action_cycle_filter(self) -> None:
        """The filter is the work list's: bring that tab forward so the change is seen."""
        super().action_cycle_filter()
        self.show_pane("work")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id in self.task_tables:
            event.stop()
            event.prevent_default()  # SectionScreen's handler would open it a second time
            item = self._current()
            if item is not None:
                registry.open_record(self.app, item.kind, item.record_id)
