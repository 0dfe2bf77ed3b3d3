"""Home: my inbox, deadlines, and the leaders' week (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen
from govdesk.screens.list_view import COMMAND_IDS as LIST_COMMANDS
from govdesk.screens.list_view import (
    ListView,
    resolve_line,
    resolve_task_sort,
    task_sort_query,
    task_where,
)
from govdesk.screens.triage import Triage
from govdesk.services import bulk, exporting, office_files, schedule, supervision
from govdesk.services import inbox as inbox_service
from govdesk.services.calendar import schedule_notice
from govdesk.services.policy import sees_all_deadlines
from govdesk.services.schedule import WeekView, leader_week_views
from govdesk.services.supervision import views as items_views
from govdesk.services.today import holders_line
from govdesk.widgets import badge
from govdesk.widgets.desk_table import DeskTable, columns
from govdesk.widgets.filter_line import FilterLine
from govdesk.widgets.home_schedule import HomeSchedule

# 发文·分管副主任审核: the kind, a dot and the longest step names (7 characters), 19 cells.
STEP_WIDTH = 19


def item_cells(item: inbox_service.InboxItem, *, with_holder: bool) -> list:
    """An inbox row. Its last cell: in others' lists the holder; in my own list only what I
    need to know — for whom I act (and whether they are back), how often I was urged."""
    acting = ""
    if item.acting_for:
        back = t("home.leader_back") if item.leader_back else ""
        acting = f"{t('common.acting')}{item.acting_for}{back}"
    urged = t("common.reminded", n=item.reminders) if item.reminders else ""
    kind = t(f"home.kind_{item.kind}")
    step = term(item.step)
    if not kind.startswith("home."):
        step = f"{kind}·{step}"
    cells = [badge.deadline(item.label, item.due), badge.urgency(item.urgency), step,
             item.title]
    if with_holder and item.holder_count > 1:  # a document several hold: how many, who
        last = holders_line(item)
    elif with_holder:
        last = term(item.holder) + (f"（{acting}）" if acting else "") + (
            f" {urged}" if urged else "")
    else:
        last = " ".join(x for x in (acting, urged) if x)
    cells.append(last)
    return cells


def add_task_columns(table: DataTable, last: str) -> None:
    """The columns of a task list. Fixed widths: a DataTable that starts empty keeps its header
    widths when rows arrive later (live refresh), which cut every cell to two characters. In a
    DeskTable the title and the last column then grow into a wider terminal."""
    columns(table, ("home.col_due", 16), ("home.col_urgency", 4), ("home.col_step", STEP_WIDTH),
            ("home.col_title", 44), (last, 22))


ATTENTION_ROWS = 5  # 需要关注 on Home: the first few; the 督查室 screen's tab has them all
ATTENTION_COLUMNS = (("supervision.col_number", 15), ("home.col_title", 28),
                     ("supervision.col_unit", 10), ("supervision.col_status", 16),
                     ("supervision.col_due", 8))
OPENS = ("inbox", "attention", "deadlines")  # the tables Enter opens a record from


@dataclass(frozen=True)
class HomeData:
    inbox: list[inbox_service.InboxItem]
    inbox_count: int  # all that waits on me, not only the rows shown
    deadlines: list[inbox_service.InboxItem]
    counts: inbox_service.DeadlineCounts  # 已超期 n, 今日到期 n, 即将到期 n, counted in SQL
    sees_all: bool  # 主任 and 督查室 see everyone's deadlines
    today: date
    weeks: list[WeekView]
    notice: str | None  # admins: a year's holiday schedule is missing
    line: str = ""  # the inbox's filter line in force (screens/list_view.py)
    deadlines_line: str = ""  # … and the deadlines'
    sorts: tuple = (None, None)  # the inbox's and the deadlines' sorts in force
    # 需要关注 (SPEC §10; issue 12 item 2): a leader's 批示 items and the overdue items of their
    # portfolio; empty (and the panel hidden) for everyone else
    attention: list[items_views.ItemRow] = field(default_factory=list)


class HomeScreen(Triage, ListView, DeskScreen):
    HOWTO = "howto.home"  # F1's how-to (screens/help.py)
    CSS_PATH = "home.tcss"
    COMMAND_IDS = ("home.open", "home.refresh", *LIST_COMMANDS, "list.export")
    TAG_TABLES = {"inbox": "inbox-title", "deadlines": "deadlines-title"}  # screens/triage.py

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[str, inbox_service.InboxItem] = {}

    def compose_body(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Label(id="schedule-notice")  # admins: a year's holiday schedule is missing
            yield Label(id="inbox-title", classes="panel-title")
            yield FilterLine(list_id="inbox")
            yield DeskTable(id="inbox", cursor_type="row", zebra_stripes=True)
            yield Label(id="attention-title", classes="panel-title")
            yield columns(DeskTable(id="attention", cursor_type="row", zebra_stripes=True,
                                    narrow=(("col_unit", 0),)), *ATTENTION_COLUMNS)
            yield Label(id="deadlines-title", classes="panel-title")
            yield FilterLine(list_id="deadlines")
            yield DeskTable(id="deadlines", cursor_type="row", zebra_stripes=True)
            yield Label(id="schedule-title", classes="panel-title")
            yield HomeSchedule(id="schedule")

    def export_offers(self) -> list:
        """e: the leaders' week shown here, as the printable sheet or a calendar (.ics)."""
        start, end = schedule.week_of(self.app.actor().now.date())
        return [exporting.file_offer(
            "week", t("exporting.week_what", start=f"{start:%m-%d}", end=f"{end:%m-%d}"),
            t("exporting.week_stem", start=f"{start:%Y%m%d}"),
            office_files.Request(since=start, until=end))]

    def setup(self) -> None:
        super().setup()
        add_task_columns(self.query_one("#inbox", DataTable), "home.col_note")
        add_task_columns(self.query_one("#deadlines", DataTable), "home.col_holder")
        self.query_one("#inbox", DataTable).focus()

    def filter_lists(self) -> dict[str, str]:
        return {"inbox": "home.inbox", "deadlines": "home.deadlines"}

    def data_query(self) -> tuple:
        return (self.line_of("inbox"), self.line_of("deadlines"),
                task_sort_query(self, "inbox"), task_sort_query(self, "deadlines"))

    def load_data(self, actor, query: tuple) -> HomeData:
        line = resolve_line(actor, "home.inbox", query[0])
        where = task_where(actor, line)
        due_line = resolve_line(actor, "home.deadlines", query[1])
        due_where = task_where(actor, due_line)
        return HomeData(inbox=inbox_service.inbox(actor, where=where),
                        inbox_count=inbox_service.inbox_count(actor, where=where), line=line,
                        deadlines=inbox_service.deadlines(actor, where=due_where),
                        counts=inbox_service.deadline_counts(actor, where=due_where),
                        deadlines_line=due_line,
                        sees_all=sees_all_deadlines(actor.person), today=actor.today,
                        weeks=leader_week_views(actor.today, actor.now),
                        notice=schedule_notice(actor.person, actor.today, with_path=False),
                        sorts=(resolve_task_sort(actor, "home.inbox", query[2]),
                               resolve_task_sort(actor, "home.deadlines", query[3])),
                        attention=items_views.attention(actor, limit=ATTENTION_ROWS))

    def show_data(self, data: HomeData) -> None:
        label = self.query_one("#schedule-notice", Label)
        label.update(Text(data.notice or "", style="bold yellow"))
        label.display = bool(data.notice)
        self._items = {}
        self._fill_inbox(data)
        self._fill_attention(data)
        self._fill_deadlines(data)
        self._fill_schedule(data)

    def _fill(self, table: DataTable, items, *, with_holder: bool) -> None:
        keep = table.cursor_row
        table.clear()
        for item in items:
            table.add_row(*item_cells(item, with_holder=with_holder), key=str(item.task_id))
        self._items.update({str(i.task_id): i for i in items})
        if items:
            table.move_cursor(row=min(keep, len(items) - 1))

    def _fill_inbox(self, data: HomeData) -> None:
        self.note_line("inbox", data.line)
        self.note_sort("inbox", data.sorts[0])
        items = self.sorted_items("inbox", data.inbox)
        self.query_one("#inbox-title", Label).update(
            t("home.inbox_title", n=data.inbox_count)
            + self.filter_title("inbox", data.inbox_count)
            + self.sort_note("inbox", len(items), data.inbox_count))
        self._fill(self.query_one("#inbox", DataTable), items, with_holder=False)

    def _fill_attention(self, data: HomeData) -> None:
        """需要关注: shown to a leader while something needs them, the most overdue first."""
        from govdesk.screens.supervision_items.detail import status_text

        rows = data.attention
        table = self.query_one("#attention", DataTable)
        title = self.query_one("#attention-title", Label)
        table.display = title.display = bool(rows)
        keep = table.cursor_row
        table.clear()
        for r in rows:
            table.add_row(r.number, r.title, term(r.lead_unit), status_text(r.status, r.badges),
                          f"{r.next_due:%m-%d}" if r.next_due else "—", key=str(r.id))
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        more = t("home.attention_more") if len(rows) >= ATTENTION_ROWS else ""
        title.update(t("home.attention_title", n=len(rows), more=more))

    def _fill_deadlines(self, data: HomeData) -> None:
        self.note_line("deadlines", data.deadlines_line)
        self.note_sort("deadlines", data.sorts[1])
        items = self.sorted_items("deadlines", data.deadlines)
        counts = data.counts
        title = t("home.deadlines_title", overdue=counts.overdue, today=counts.today,
                  soon=counts.soon)
        if data.sees_all:
            title += t("home.deadlines_all")
        title += self.filter_title("deadlines", counts.total)
        title += self.sort_note("deadlines", len(items), counts.total)
        self.query_one("#deadlines-title", Label).update(title)
        self._fill(self.query_one("#deadlines", DataTable), items, with_holder=True)

    def _fill_schedule(self, data: HomeData) -> None:
        table = self.query_one("#schedule", HomeSchedule)
        table.show(data.weeks, data.today)
        self.query_one("#schedule-title", Label).update(table.title())

    def on_resize(self) -> None:
        # The week on a large terminal, today only on a small one (widgets/home_schedule.py).
        table = self.query_one("#schedule", HomeSchedule)
        if table.fit():
            self.query_one("#schedule-title", Label).update(table.title())

    def action_open_item(self) -> None:
        focused = self.focused
        if not isinstance(focused, DataTable) or focused.id not in OPENS:
            return
        if not focused.row_count:
            return
        key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value
        if focused.id == "attention":  # rows keyed by the 督查事项's id
            registry.open_record(self.app, supervision.KIND, int(key))
            return
        item = self._items.get(key)
        if item is not None:
            registry.open_record(self.app, item.kind, item.record_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id in OPENS:
            event.stop()
            self.action_open_item()

    def action_refresh(self) -> None:
        self.refresh_data()

    def tag_item(self, table_id: str, key: str) -> bulk.Item | None:
        item = self._items.get(key)
        return None if item is None else bulk.Item(item.kind, item.record_id, item.task_id)
