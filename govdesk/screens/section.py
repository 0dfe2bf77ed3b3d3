"""A section's own screen: the work its people hold (from the task engine) and its people.

Modules that belong to a section add their own registers to its screen as they arrive; until
then every section already shows its real work list and staff from the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen
from govdesk.screens.home import add_task_columns, item_cells
from govdesk.screens.list_view import COMMAND_IDS as LIST_COMMANDS
from govdesk.screens.list_view import (
    ListView,
    resolve_line,
    resolve_task_sort,
    task_sort_query,
    task_where,
)
from govdesk.screens.triage import Triage, remind_holders
from govdesk.services import bulk, section_work
from govdesk.widgets.desk_table import DeskTable
from govdesk.widgets.filter_line import FilterLine

FILTERS = ("all", "mine", "overdue")


@dataclass(frozen=True)
class SectionData:
    """What a section screen shows, read in one worker (DeskScreen.load_data)."""

    items: list[section_work.SectionItem]
    count: int  # all the filter finds, not only the rows shown
    heading: section_work.SectionHeading
    members: list[section_work.MemberRow]
    extra: Any  # the section's own panels (load_extra → show_extra)
    line: str = ""  # the work list's filter line in force (screens/list_view.py)
    sort: tuple[str, bool] | None = None  # … and its sort


class SectionScreen(Triage, ListView, DeskScreen):
    """Shows one or more office sections (跟线秘书 spans 办一科 and 办二科)."""
    HOWTO = "howto.section"  # F1's how-to (screens/help.py)

    SECTION_CODES: tuple[str, ...] = ()
    NAME_KEY = ""
    COMMAND_IDS = ("section.cycle_filter", "section.remind", "section.new_draft", *LIST_COMMANDS)
    TAG_TABLES = {"work": "work-title"}  # space, T, ; (screens/triage.py)
    DEFAULT_CSS = """
    SectionScreen .panel-title { background: $boost; text-style: bold; width: 100%; padding: 0 1; }
    SectionScreen #work { height: 2fr; }
    SectionScreen #members { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = "all"
        self._items: dict[str, section_work.SectionItem] = {}
        self._heading: section_work.SectionHeading | None = None

    @property
    def section_name(self) -> str:
        if self.NAME_KEY:
            return t(self.NAME_KEY)
        return term(self._heading.name) if self._heading else ""

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Label(id="work-title", classes="panel-title")
            yield FilterLine(list_id="work")
            yield DeskTable(id="work", cursor_type="row", zebra_stripes=True)
            yield from self.compose_extra()
            yield Label(id="members-title", classes="panel-title")
            yield DataTable(id="members", cursor_type="row", zebra_stripes=True)

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def setup(self) -> None:
        super().setup()
        add_task_columns(self.query_one("#work", DataTable), "home.col_holder")
        self.query_one("#members", DataTable).add_columns(
            t("section.col_name"), t("section.col_post"), t("section.col_clearance"),
            t("section.col_phone"), t("section.col_follows"))
        self.focus_first()

    def focus_first(self) -> None:
        """Where the keys go when the section opens: its work list."""
        self.query_one("#work", DataTable).focus()

    def filter_lists(self) -> dict[str, str]:
        return {"work": "+".join(self.SECTION_CODES) + ".work"}

    def data_query(self) -> tuple[str, Any, str | None, Any]:
        return self.filter, self.extra_query(), self.line_of("work"), task_sort_query(self,
                                                                                      "work")

    def load_data(self, actor, query: tuple[str, Any, str | None, Any]) -> SectionData:
        filter, extra, line, sort = query
        line = resolve_line(actor, self.filter_lists()["work"], line)
        sort = resolve_task_sort(actor, self.filter_lists()["work"], sort)
        where = task_where(actor, line)
        return SectionData(
            items=section_work.section_items(actor, self.SECTION_CODES, filter, where=where),
            count=section_work.section_count(actor, self.SECTION_CODES, filter, where=where),
            heading=section_work.section_heading(self.SECTION_CODES),
            members=section_work.member_rows(self.SECTION_CODES),
            extra=self.load_extra(actor, extra), line=line, sort=sort)

    def show_data(self, data: SectionData) -> None:
        self._heading = data.heading
        self.note_line("work", data.line)
        self.note_sort("work", data.sort)
        items = self.sorted_items("work", data.items)
        table = self.query_one("#work", DataTable)
        keep = table.cursor_row
        table.clear()
        self._items = {str(i.task_id): i for i in items}
        for item in items:
            table.add_row(*item_cells(item, with_holder=True), key=str(item.task_id))
        if items:
            table.move_cursor(row=min(keep, len(items) - 1))
        label = t(f"section.filter_{self.filter}")
        self.query_one("#work-title", Label).update(
            t("section.work_title", name=self.section_name, n=data.count)
            + f"  [{t('section.filter_label')}：{label}]" + self.filter_title("work", data.count)
            + self.sort_note("work", len(items), data.count))
        self._fill_members(data.members)
        self.show_extra(data.extra)

    def extra_query(self) -> Any:
        """UI thread: what the section's own panels ask for (their filters)."""
        return None

    def load_extra(self, actor, query: Any) -> Any:
        """Worker thread: the section's own panels' data (plain data, no widgets)."""
        return None

    def show_extra(self, extra: Any) -> None:
        """UI thread: fill the section's own panels."""

    def _fill_members(self, people: list[section_work.MemberRow]) -> None:
        table = self.query_one("#members", DataTable)
        table.clear()
        for person in people:
            table.add_row(person.name, term(person.post), term(person.clearance),
                          person.phone, person.follows, key=str(person.id))
        self.query_one("#members-title", Label).update(
            t("section.members_title", name=self.section_name, n=len(people)))

    def action_cycle_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.refresh_data()

    def _current(self) -> section_work.SectionItem | None:
        table = self.query_one("#work", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._items.get(key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "work":
            item = self._current()
            if item is not None:
                registry.open_record(self.app, item.kind, item.record_id)

    def action_new_draft(self) -> None:
        """拟稿: anyone may draft; the drafter's section is the default 起草科室. Once saved the
        draft opens, so the drafter can check it and 送审 (s) from there."""
        from govdesk.screens.outgoing.form import OutgoingFormScreen

        def saved(doc_id: int | None) -> None:
            self.refresh_data()
            if doc_id is not None:
                registry.open_record(self.app, "outgoing", doc_id)

        self.app.push_screen(OutgoingFormScreen(), saved)

    def action_remind(self) -> None:
        """催办 every holder still holding the document under the cursor (screens/triage.py)."""
        item = self._current()
        if item is not None:
            remind_holders(self, item.kind, item.record_id, item.title, then=self.refresh_data)

    def tag_item(self, table_id: str, key: str) -> bulk.Item | None:
        tables = getattr(self, "task_tables", {"work": self._items})  # tabbed sections': all
        item = tables.get(table_id, {}).get(key)
        return None if item is None else bulk.Item(item.kind, item.record_id, item.task_id)


__all__ = ["SectionScreen"]
