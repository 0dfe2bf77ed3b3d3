"""A section's own screen: the work its people hold (from the task engine) and its people.

Modules that belong to a section add their own registers to its screen as they arrive; until
then every section already shows its real work list and staff from the organisation.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.models import SECRECY_LEVELS, Person, Section
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen
from govdesk.screens.home import add_task_columns, item_cells
from govdesk.services import section_work
from govdesk.services.errors import ServiceError
from govdesk.widgets.desk_table import DeskTable

FILTERS = ("all", "mine", "overdue")


class SectionScreen(DeskScreen):
    """Shows one or more office sections (跟线秘书 spans 办一科 and 办二科)."""

    SECTION_CODES: tuple[str, ...] = ()
    NAME_KEY = ""
    COMMAND_IDS = ("section.cycle_filter", "section.remind", "section.new_draft")
    DEFAULT_CSS = """
    SectionScreen .panel-title { background: $boost; text-style: bold; width: 100%; padding: 0 1; }
    SectionScreen #work { height: 2fr; }
    SectionScreen #members { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = "all"
        self._items: dict[str, section_work.SectionItem] = {}

    @property
    def section_name(self) -> str:
        return t(self.NAME_KEY) if self.NAME_KEY else "、".join(
            s.name for s in Section.select().where(Section.code.in_(self.SECTION_CODES)))

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Label(id="work-title", classes="panel-title")
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
        self.query_one("#work", DataTable).focus()

    def refresh_data(self) -> None:
        items = section_work.section_items(self.actor, self.SECTION_CODES, self.filter)
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
            t("section.work_title", name=self.section_name, n=len(items))
            + f"  [{t('section.filter_label')}：{label}]")
        self._fill_members()
        self.refresh_extra()

    def refresh_extra(self) -> None:
        """Section-specific panels refresh here."""

    def _fill_members(self) -> None:
        people = section_work.members(self.SECTION_CODES)
        table = self.query_one("#members", DataTable)
        table.clear()
        for person in people:
            follows = person.follows.name if person.follows_id else ""
            table.add_row(person.name, person.post, term(SECRECY_LEVELS[person.clearance]),
                          person.phone, follows, key=str(person.id))
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
        from govdesk.screens.outgoing_form import OutgoingFormScreen

        def saved(doc_id: int | None) -> None:
            self.refresh_data()
            if doc_id is not None:
                registry.open_record(self.app, "outgoing", doc_id)

        self.app.push_screen(OutgoingFormScreen(), saved)

    def action_remind(self) -> None:
        item = self._current()
        if item is None:
            return
        try:
            section_work.remind(self.actor, item.task_id)
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(t("section.reminded", title=item.title))
        self.refresh_data()


__all__ = ["SectionScreen", "Person"]
