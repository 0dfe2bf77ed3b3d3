"""督查室 (key 5): everyone's overdue and soon-due work, 催办, the 催办 log, who is behind.

SPEC §2: 主任 and 督查室 see everyone's deadlines (services.policy.sees_all_deadlines decides;
anyone else opening this screen sees the deadlines that are theirs to see). ``u`` urges the
holder of the task under the cursor; every 催办 is logged (models.Reminder).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens.base import run_service
from govdesk.screens.section_panes import TASK_COLUMNS, TabbedSectionScreen
from govdesk.services import bulk, section_work
from govdesk.services import inbox as inbox_service
from govdesk.services.errors import ServiceError
from govdesk.services.policy import sees_all_deadlines
from govdesk.services.suggestion import stats as suggestion_stats
from govdesk.services.supervision import views as items_views
from govdesk.widgets.desk_table import DeskTable, columns


@dataclass(frozen=True)
class SupervisionData:
    items: list[inbox_service.InboxItem]  # overdue and soon-due tasks the viewer may see
    sees_all: bool
    counts: inbox_service.DeadlineCounts  # of all of them, not only the rows shown
    reminders: list[section_work.ReminderRow]
    load: list[section_work.HolderLoad]
    # 督查事项 (SPEC §10): the register as filtered, and the leaders' 需要关注
    sup_items: list[items_views.ItemRow] = field(default_factory=list)
    attention: list[items_views.ItemRow] = field(default_factory=list)
    unit_stats: list[items_views.UnitStats] = field(default_factory=list)
    suggestions: suggestion_stats.Statistics | None = None  # 建议提案 by lead unit, this year


class SupervisionScreen(TabbedSectionScreen):
    HOWTO = "howto.supervision"  # F1's how-to (screens/help.py)
    SECTION_CODES = ("ducha",)
    PANES = ("deadlines", "reminders", "load", "items", "attention", "sup_stats",
             "suggestions", "work", "members")
    TAG_TABLES = {"due": "due-title", "work": "work-title", "sup-items": "sup-items-title",
                  "sup-attention": "sup-attention-title"}
    ITEM_TABLES = ("sup-items", "sup-attention")  # rows keyed by the item's id
    COMMAND_IDS = ("supervision.new_item", "supervision.item_kind", "supervision.item_overdue",
                   "supervision.open_item", "supervision.publish", "supervision.suggestions",
                   "supervision.special_reports", "supervision.export_suggestions")
    item_kind: str | None = None  # the 督查事项 tab's kind filter (k), None: every kind
    item_overdue = False  # only the items whose report is overdue (o)

    def compose_pane(self, pane: str) -> ComposeResult:
        if pane == "deadlines":
            yield Label(id="due-title", classes="panel-title")
            yield columns(DeskTable(id="due"), *TASK_COLUMNS)
        elif pane == "reminders":
            yield Label(id="reminders-title", classes="panel-title")
            yield columns(DeskTable(id="reminders"),
                          ("section.col_reminded_at", 11), ("section.col_reminded_by", 8),
                          ("section.col_reminded_whom", 10), ("home.col_step", 14),
                          ("home.col_title", 40), ("section.col_state", 6),
                          ("section.col_reminder_note", 24))
        elif pane in ("items", "attention"):
            yield Label(id=f"sup-{pane}-title", classes="panel-title")
            yield columns(DeskTable(id=f"sup-{pane}", narrow=ITEM_NARROW), *ITEM_COLUMNS)
        elif pane == "sup_stats":
            yield Label(id="sup-stats-title", classes="panel-title")
            yield columns(DataTable(id="sup-stats"),
                          ("supervision.col_unit", 12), ("supervision.col_items", 6),
                          ("supervision.col_done", 6), ("supervision.col_late", 6),
                          ("supervision.col_on_time", 34))
        elif pane == "load":
            yield Label(id="load-title", classes="panel-title")
            yield columns(DataTable(id="load"),
                          ("home.col_holder", 16), ("section.col_overdue", 8),
                          ("section.col_soon", 8), ("section.col_reminders", 8))

        elif pane == "suggestions":
            yield Label(id="suggestions-title", classes="panel-title")
            yield columns(DataTable(id="suggestions"), *SUGGESTION_COLUMNS)

    def load_panes(self, actor, query) -> SupervisionData:
        items = [i for i in inbox_service.deadlines(actor) if i.label]
        return SupervisionData(items, sees_all_deadlines(actor.person),
                               inbox_service.deadline_counts(actor),
                               section_work.reminder_log(actor),
                               section_work.holder_loads(actor),
                               items_views.register_page(actor, kind=self.item_kind,
                                                         overdue=self.item_overdue),
                               items_views.attention(actor),
                               items_views.unit_statistics(actor),
                               suggestion_stats.statistics(actor, year=actor.today.year))

    def show_panes(self, data: SupervisionData) -> None:
        items = data.items
        counts = data.counts
        scope = t("section.scope_all") if data.sees_all else t("section.scope_own")
        self.query_one("#due-title", Label).update(
            t("section.due_title", scope=scope, overdue=counts.overdue,
              soon=counts.today + counts.soon))
        self.fill_tasks(self.query_one("#due", DataTable), items)

        log = data.reminders
        table = self.query_one("#reminders", DataTable)
        table.clear()
        for r in log:
            state = (Text(t("section.state_done"), style="green") if r.done
                     else Text(t("section.state_waiting"), style="yellow"))
            table.add_row(f"{r.at:%m-%d %H:%M}", r.by, r.holder, term(r.step), r.title, state,
                          r.note, key=str(r.id))
        self.query_one("#reminders-title", Label).update(
            t("section.reminders_title", n=len(log)))

        self.show_items(data)

        load = data.load
        table = self.query_one("#load", DataTable)
        table.clear()
        for row in load:
            overdue_cell = Text(str(row.overdue), style="bold red" if row.overdue else "")
            table.add_row(row.holder, overdue_cell, str(row.soon), str(row.reminders),
                          key=row.holder)
        self.query_one("#load-title", Label).update(t("section.load_title", n=len(load)))

        self.show_suggestions(data.suggestions)

    # ---- 督查事项 (SPEC §10; screens/supervision_items/) ----

    def show_items(self, data: SupervisionData) -> None:
        from govdesk.screens.supervision_items.detail import status_text

        for pane, rows in (("items", data.sup_items), ("attention", data.attention)):
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
        self.query_one("#sup-items-title", Label).update(t(
            "supervision.items_title", n=len(data.sup_items), late=late,
            kind=term(self.item_kind) if self.item_kind else t("supervision.all_kinds"),
            overdue=t("supervision.only_overdue") if self.item_overdue else ""))
        self.query_one("#sup-attention-title", Label).update(
            t("supervision.attention_title", n=len(data.attention)))
        table = self.query_one("#sup-stats", DataTable)
        table.clear()
        for u in data.unit_stats:
            late = Text(str(u.late), style="bold red" if u.late else "")
            table.add_row(term(u.unit), str(u.items), str(u.done), late, rate_bar(u),
                          key=u.unit)
        self.query_one("#sup-stats-title", Label).update(
            t("supervision.stats_title", year=self.actor.today.year, n=len(data.unit_stats)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id in ("sup-items", "sup-attention"):
            event.stop()
            event.prevent_default()
            self.action_open_item(event.data_table.id)
            return
        super().on_data_table_row_selected(event)

    def action_open_item(self, table_id: str | None = None) -> None:
        from govdesk.screens import registry

        focused = self.focused
        if table_id is None:
            if not isinstance(focused, DataTable) or focused.id not in ("sup-items",
                                                                        "sup-attention"):
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
        if not (isinstance(focused, DataTable) and focused.id in ("sup-items", "sup-attention")):
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

    def action_item_kind(self) -> None:
        """k: the next kind (after the last, every kind again)."""
        from govdesk.services.supervision.workflow import KINDS

        order = (None, *KINDS)
        self.item_kind = order[(order.index(self.item_kind) + 1) % len(order)]
        self.show_pane("items")
        self.refresh_data()

    def action_item_overdue(self) -> None:
        self.item_overdue = not self.item_overdue
        self.show_pane("items")
        self.refresh_data()


    def tag_item(self, table_id: str, key: str) -> bulk.Item | None:
        if table_id in self.ITEM_TABLES:
            return bulk.Item(bulk.SUPERVISION, int(key))
        return super().tag_item(table_id, key)

    def bulk_actions(self, table_id: str) -> tuple[str, ...]:
        """督查事项 tagged: a 催办单 each (their units hold nothing the desk could urge)."""
        return (bulk.URGE,) if table_id in self.ITEM_TABLES else super().bulk_actions(table_id)

    # ---- 建议提案 (SPEC §11; screens/suggestion/) ----

    def show_suggestions(self, stats: suggestion_stats.Statistics | None) -> None:
        """建议提案 by lead unit: the counts, and each rate as a bar with its figure beside it."""
        if stats is None:
            return
        self._suggestion_stats = stats
        table = self.query_one("#suggestions", DataTable)
        table.clear()
        for row in [*stats.units, stats.total] if stats.units else []:
            name = term(row.unit) if row.unit else t("suggestion.stats_total")
            table.add_row(name, str(row.total), str(row.todo), str(row.doing), str(row.replied),
                          str(row.answered), suggestion_rate_bar(row.on_time_rate, row.on_time, row.due),
                          suggestion_rate_bar(row.satisfaction_rate, row.satisfied, row.feedbacks),
                          suggestion_rate_bar(row.adoption_rate, row.adopted, row.sent),
                          key=row.unit or "*")
        self.query_one("#suggestions-title", Label).update(t(
            "suggestion.stats_title", year=stats.year, n=stats.total.total,
            unassigned=stats.unassigned))

    _suggestion_stats: suggestion_stats.Statistics | None = None

    def action_export_suggestions(self) -> None:
        """The 建议提案 figures shown, as a text file (the error register's export folder)."""
        if self._suggestion_stats is None:
            return
        run_service(self, _export_suggestions, self._suggestion_stats,
                    done=lambda path: self.notify(t("suggestion.exported", path=str(path))),
                    refused=lambda exc: self.notify(str(exc), severity="error"), writes=False)

    def action_suggestion_register(self) -> None:
        from govdesk.screens.suggestion.register import SuggestionRegisterScreen

        self.app.push_screen(SuggestionRegisterScreen())

    def action_special_report_register(self) -> None:
        from govdesk.screens.special_report.register import SpecialReportRegisterScreen

        self.app.push_screen(SpecialReportRegisterScreen())

ITEM_COLUMNS = (("supervision.col_number", 15), ("supervision.col_kind", 10),
                ("home.col_title", 30), ("supervision.col_unit", 10),
                ("supervision.col_status", 16), ("supervision.col_progress", 4),
                ("supervision.col_due", 5))
# On a small terminal the kind, then the status's badges, then the number give way first.
ITEM_NARROW = (("col_kind", 0), ("col_status", 8), ("col_number", 8))


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



def _export_suggestions(stats: suggestion_stats.Statistics):
    """In a worker: the figures as text in the export folder."""
    from govdesk.screens.outgoing.error_register import export_dir

    try:
        path = export_dir() / t("suggestion.export_name", year=stats.year or "")
        path.write_text(suggestion_stats.statistics_text(stats), encoding="utf-8")
    except OSError as exc:
        raise ServiceError(str(exc)) from exc
    return path


SUGGESTION_COLUMNS = (("suggestion.col_unit", 8), ("suggestion.col_total", 4),
                      ("suggestion.col_todo", 4), ("suggestion.col_doing", 4),
                      ("suggestion.col_replied", 6), ("suggestion.col_answered", 6),
                      ("suggestion.col_on_time", 9), ("suggestion.col_satisfied", 9),
                      ("suggestion.col_adopted", 9))
SUGGESTION_BAR = 4  # cells of a rate's bar


def suggestion_rate_bar(rate: float | None, part: int, whole: int) -> Text:
    """██░░ 50%: a rate drawn, the number beside it; "—" where there is nothing to count."""
    if rate is None:
        return Text("—", style="dim")
    full = round(rate * SUGGESTION_BAR)
    style = "green" if rate >= 0.9 else ("yellow" if rate >= 0.6 else "red")
    return Text.assemble(("█" * full, style), ("░" * (SUGGESTION_BAR - full), "dim"),
                         f" {round(rate * 100)}%")
