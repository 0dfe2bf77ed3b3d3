"""The 督查室 screen's 督查事项 tabs (SPEC §10; issue 12 items 1, 2 and 6): the register as
filtered, the leaders' 需要关注 and the 督查统计 by lead unit.

``ItemsPane`` is mixed into the SupervisionScreen (screens/supervision.py, before its
TabbedSectionScreen): it composes the three tabs, fills them from the screen's one load, opens
an item (Enter), issues a 催办单 (``u``), registers (``n``) and publishes (``p``) and answers
the triage (tagging, bulk 催办).

The register narrows by its filter line (``l``, screens/list_view.py): 类 单位 领导 状态 逾期
and words of the title (services/list_filter.parse_items), applied in SQL by
``views.register_page``, checked in a worker before it is put in force and kept per person
like every list's. ``k`` (the next kind) and ``o`` (only the overdue) rewrite that line.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, Static

from govdesk.i18n import t, term
from govdesk.services import bulk, list_filter
from govdesk.services.errors import ValidationError
from govdesk.services.supervision import views as items_views
from govdesk.widgets import bars
from govdesk.widgets.desk_table import DeskTable, columns
from govdesk.widgets.filter_line import FilterLine

ITEM_PANES = ("items", "attention", "sup_stats")
ITEM_LIST = "sup-items"  # the register, whose filter line is its own
ITEM_LIST_KEY = "ducha.items"  # its filter kept under (services/settings.py)
ITEM_TABLES = ("sup-items", "sup-attention")  # rows keyed by the item's id
ITEM_TAG_TABLES = {"sup-items": "sup-items-title", "sup-attention": "sup-attention-title"}
ITEM_COMMANDS = ("supervision.new_item", "supervision.item_kind", "supervision.item_overdue",
                 "supervision.open_item", "supervision.publish", "supervision.import_items")

ITEM_COLUMNS = (("supervision.col_number", 15), ("supervision.col_kind", 10),
                ("home.col_title", 30), ("supervision.col_unit", 10),
                ("supervision.col_status", 16), ("supervision.col_progress", 4),
                ("supervision.col_due", 5))
# On a small terminal the kind, then the status's badges, then the unit give way; the number
# (what the item is called on the phone) stays whole.
ITEM_NARROW = (("col_kind", 0), ("col_status", 8), ("col_unit", 6))

# S on the register: the rows loaded, sorted by a column (its key → the sort key of a row).
_STATUS_ORDER = {"滞后": 0, "未启动": 1, "推进中": 2, "已完成": 3}
ITEM_SORT = {
    "col_number": lambda r: r.id,
    "col_kind": lambda r: r.kind,
    "col_title": lambda r: r.title,
    "col_unit": lambda r: r.lead_unit,
    "col_status": lambda r: (_STATUS_ORDER.get(r.status, 9), -r.urged),
    "col_progress": lambda r: r.progress,
    "col_due": lambda r: (r.next_due is None, r.next_due or date.min),
}

BAR = 15  # cells of a full bar


def rate_bar(u: items_views.UnitStats) -> Text:
    """The on-time rate drawn as a bar with its numbers beside it (never colour alone)."""
    rate = u.on_time_rate
    if rate is None:
        return Text(t("supervision.no_reports"), style="dim")
    full = round(rate * BAR / 100)
    style = "green" if rate >= 90 else "yellow" if rate >= 60 else "red"
    return Text.assemble(("█" * full, style), ("░" * (BAR - full), "dim"),
                         f" {rate}%（{u.on_time}/{u.reports}）")


# 未启动 ░, 推进中 ▒, 滞后 ▓, 已完成 █: a character each as well as a colour.
STATUS_PARTS = (("未启动", "░", "dim"), ("推进中", "▒", "cyan"), ("滞后", "▓", "bold red"),
                ("已完成", "█", "green"))


def month_chart(year: int, months: list[items_views.MonthStatus]) -> Text:
    """督查事项 by status at each month end, a stacked bar each with its counts beside it;
    then the reports given each month, a sparkline with its numbers under it."""
    out = Text(t("supervision.chart_title", year=year), style="bold")
    if not months:
        return out
    parts = [bars.Part(term(status), char, style) for status, char, style in STATUS_PARTS]
    rows = [(t("supervision.chart_month", month=m.month),
             [m.count(status) for status, _, _ in STATUS_PARTS]) for m in months]
    out.append("\n")
    out.append_text(bars.stacked_bars(rows, parts, total_label=t("supervision.chart_total")))
    out.append("\n\n")
    out.append(t("supervision.chart_reports_title", year=year), style="bold")
    out.append("\n")
    out.append_text(bars.spark_rows(
        t("supervision.chart_reports"),
        [t("supervision.chart_month", month=m.month) for m in months],
        [m.reports for m in months], column=5, style="cyan"))
    return out


class ItemFilterLine(FilterLine):
    """The register's filter line: its hint gives the register's own words."""

    def __init__(self) -> None:
        super().__init__(list_id=ITEM_LIST)
        self.placeholder = t("supervision.filter_hint")

    def retranslate(self) -> None:
        self.placeholder = t("supervision.filter_hint")


class ItemsPane:
    """Mixed into the SupervisionScreen (a TabbedSectionScreen, a ListView)."""

    def compose_items_pane(self, pane: str) -> ComposeResult:
        if pane in ("items", "attention"):
            yield Label(id=f"sup-{pane}-title", classes="panel-title")
            if pane == "items":
                yield ItemFilterLine()
            yield columns(DeskTable(id=f"sup-{pane}", narrow=ITEM_NARROW), *ITEM_COLUMNS)
        elif pane == "sup_stats":
            yield Label(id="sup-stats-title", classes="panel-title")
            yield columns(DataTable(id="sup-stats", classes="short"),
                          ("supervision.col_unit", 12), ("supervision.col_items", 6),
                          ("supervision.col_done", 6), ("supervision.col_late", 6),
                          ("supervision.col_on_time", 34))
            with VerticalScroll(id="sup-chart-box"):
                yield Static(id="sup-chart")

    # ---- the filter line (screens/list_view.py) ----

    def item_lists(self) -> dict[str, str]:
        return {ITEM_LIST: ITEM_LIST_KEY}

    def items_query(self) -> tuple:
        """UI thread: the register's filter line in force (None: the kept one not read yet)
        and its sort (S: the rows loaded, sorted by a column; kept for the person)."""
        return (self.line_of(ITEM_LIST), self.sort_of(ITEM_LIST), ITEM_LIST in self.sort_known)

    def item_filter(self) -> list_filter.ItemFilter:
        """The line in force, as read (it was checked before it was put in force)."""
        try:
            return list_filter.parse_items(self.line_of(ITEM_LIST) or "")
        except ValidationError:
            return list_filter.ItemFilter()

    def line_grammar(self, table_id: str):
        """The register's line: checked by its own words, kept as its own."""
        if table_id == ITEM_LIST:
            return list_filter.check_items, list_filter.parse_items, ITEM_LIST_KEY
        return super().line_grammar(table_id)

    def reveal_items(self, table_id: str) -> bool:
        if table_id == ITEM_LIST:
            self.show_pane("items")
            return True
        return False

    # ---- the data ----

    def load_items(self, actor, query: tuple) -> dict:
        """Worker thread: the register as filtered, 需要关注 and the statistics."""
        from govdesk.screens.list_view import resolve_sort

        line, sort, known = query
        line = list_filter.resolve_item_line(actor, ITEM_LIST_KEY, line)
        return {"sup_items": items_views.register_page(actor, line=line),
                "items_line": line,
                "items_sort": resolve_sort(actor, ITEM_LIST_KEY, sort, known, tuple(ITEM_SORT)),
                "attention": items_views.attention(actor),
                "unit_stats": items_views.unit_statistics(actor),
                "months": items_views.monthly_status(actor, actor.today.year)}

    def show_items(self, data) -> None:
        from govdesk.screens.supervision_items.detail import status_text

        self.note_line(ITEM_LIST, data.items_line)
        self.note_sort(ITEM_LIST, data.items_sort)
        sort = self.sort_of(ITEM_LIST)
        items = data.sup_items
        if sort is not None and sort[0] in ITEM_SORT:
            items = sorted(items, key=ITEM_SORT[sort[0]], reverse=sort[1])
        for pane, rows in (("items", items), ("attention", data.attention)):
            table = self.query_one(f"#sup-{pane}", DataTable)
            keep = table.cursor_row
            table.clear()
            for r in rows:
                table.add_row(r.number, term(r.kind), r.title, term(r.lead_unit),
                              status_text(r.status, r.badges), f"{r.progress}%",
                              f"{r.next_due:%m-%d}" if r.next_due else "—", key=str(r.id))
            if rows:
                table.move_cursor(row=min(keep, len(rows) - 1))
        late = sum(1 for r in data.sup_items if r.status == "滞后")
        flt = self.item_filter()
        self.query_one("#sup-items-title", Label).update(t(
            "supervision.items_title", n=len(data.sup_items), late=late,
            kind="、".join(term(k) for k in flt.kinds) or t("supervision.all_kinds"),
            overdue=t("supervision.only_overdue") if flt.overdue else "")
            + self.filter_title(ITEM_LIST, len(data.sup_items)))
        self.query_one("#sup-attention-title", Label).update(
            t("supervision.attention_title", n=len(data.attention)))
        table = self.query_one("#sup-stats", DataTable)
        table.clear()
        for u in data.unit_stats:
            late = Text(str(u.late), style="bold red" if u.late else "")
            table.add_row(term(u.unit), str(u.items), str(u.done), late, rate_bar(u),
                          key=u.unit)
        self.query_one("#sup-stats-title", Label).update(t(
            "supervision.stats_title", year=self.actor.today.year,
            n=len(data.unit_stats)))
        self.query_one("#sup-chart", Static).update(
            month_chart(self.actor.today.year, data.months))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id in ITEM_TABLES:
            event.stop()
            event.prevent_default()
            self.action_open_item(event.data_table.id)
            return
        super().on_data_table_row_selected(event)

    def action_open_item(self, table_id: str | None = None) -> None:
        from govdesk.screens import registry

        focused = self.focused
        if table_id is None:
            if not isinstance(focused, DataTable) or focused.id not in ITEM_TABLES:
                return
            table_id = focused.id
        table = self.query_one(f"#{table_id}", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            registry.open_record(self.app, "supervision", int(key))

    def action_remind(self) -> None:
        """u on a 督查事项 (or 需要关注) row: a numbered 催办单 to the units that owe their 签收
        or report; on a task list, 催办 of its holders as on every section."""
        focused = self.focused
        if not (isinstance(focused, DataTable) and focused.id in ITEM_TABLES):
            super().action_remind()
            return
        if not focused.row_count:
            return
        item_id = int(focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value)
        from govdesk.screens.supervision_items.detail import urge_item

        urge_item(self, item_id, str(focused.get_row_at(focused.cursor_row)[2]),
                  then=self.refresh_data)

    def action_new_item(self) -> None:
        from govdesk.screens.supervision_items.form import new_item

        new_item(self.app, lambda _ok: self.refresh_data())

    def action_publish(self) -> None:
        """编发《督查专报》/《督查通报》 (screens/supervision_items/publish.py)."""
        from govdesk.screens.supervision_items.publish import publish

        publish(self.app)

    def action_import_items(self) -> None:
        """i: an existing 督查台账 into the register (screens/import_sheet.py)."""
        from govdesk.screens.import_sheet import open_import  # with its first use

        open_import(self, "supervision")

    def action_item_kind(self) -> None:
        """k: the next kind (after the last, every kind again), as the line's 类."""
        from govdesk.services.supervision.workflow import KINDS

        line = self.line_of(ITEM_LIST) or ""
        kinds = self.item_filter().kinds
        order = (None, *KINDS)
        now = kinds[0] if len(kinds) == 1 else None
        kind = order[(order.index(now) + 1) % len(order)]
        rest = list_filter.drop_item_tokens(line, "kind")
        token = t("supervision.filter_kind_token", kind=term(kind)) if kind else ""
        self.show_pane("items")
        self.apply_line(ITEM_LIST, " ".join(x for x in (token, rest) if x))

    def action_item_overdue(self) -> None:
        """o: only the items whose report is overdue, or all again: the line's 逾期."""
        line = self.line_of(ITEM_LIST) or ""
        if self.item_filter().overdue:
            line = list_filter.drop_item_tokens(line, "overdue")
        else:
            line = " ".join(x for x in (line, t("supervision.filter_overdue_token")) if x)
        self.show_pane("items")
        self.apply_line(ITEM_LIST, line)

    # ---- triage (screens/triage.py) ----

    def tag_item(self, table_id: str, key: str) -> bulk.Item | None:
        if table_id in ITEM_TABLES:
            return bulk.Item(bulk.SUPERVISION, int(key))
        return super().tag_item(table_id, key)

    def bulk_actions(self, table_id: str) -> tuple[str, ...]:
        """督查事项 tagged: a 催办单 each (their units hold nothing the desk could urge)."""
        if table_id in ITEM_TABLES:
            return (bulk.URGE,)
        return super().bulk_actions(table_id)
