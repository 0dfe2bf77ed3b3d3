"""督查室 (key 5): everyone's overdue and soon-due work, 催办, the 催办 log, who is behind; and
the tabs of the 督查室's own modules, each in its own file: 督查事项 (screens/supervision_items/
pane.py), 建议提案 (screens/suggestion/pane.py) and 信访 (screens/petition/pane.py).

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
from govdesk.screens.import_sheet import offered
from govdesk.screens.petition.pane import (
    PETITION_COMMANDS,
    PETITION_PANES,
    PETITION_TAG_TABLES,
    PetitionPane,
)
from govdesk.screens.section_panes import TASK_COLUMNS, TabbedSectionScreen
from govdesk.screens.suggestion.pane import SUGGESTION_COMMANDS, SUGGESTION_PANES, SuggestionPane
from govdesk.screens.supervision_items.pane import (
    ITEM_COMMANDS,
    ITEM_LIST,
    ITEM_PANES,
    ITEM_TAG_TABLES,
    ItemsPane,
)
from govdesk.services import exporting, section_work
from govdesk.services import inbox as inbox_service
from govdesk.services.petition import open_cases as petition_cases
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
    items_line: str = ""  # the register's filter line it was read with
    items_sort: tuple[str, bool] | None = None  # … and its sort (S)
    months: list[items_views.MonthStatus] = field(default_factory=list)  # by status, by month
    satisfaction: suggestion_stats.Satisfaction | None = None  # 满意/基本满意/不满意
    suggestions: suggestion_stats.Statistics | None = None  # 建议提案 by lead unit, this year
    petitions: petition_cases.OpenCases | None = None  # 信访: the open cases, the late first


class SupervisionScreen(PetitionPane, ItemsPane, SuggestionPane, TabbedSectionScreen):
    HOWTO = "howto.supervision"  # F1's how-to (screens/help.py)
    SECTION_CODES = ("ducha",)
    # 督查事项 first (the 督查室's own work), then 建议提案 and 信访, then everyone's deadlines.
    PANES = (*ITEM_PANES, *SUGGESTION_PANES, *PETITION_PANES, "deadlines", "reminders", "load", "work",
             "members")
    TAG_TABLES = {"due": "due-title", "work": "work-title", **ITEM_TAG_TABLES,
                  **PETITION_TAG_TABLES}
    COMMAND_IDS = (*ITEM_COMMANDS, *SUGGESTION_COMMANDS, *PETITION_COMMANDS, "list.export")
    DEFAULT_CSS = """
    SupervisionScreen #sup-chart-box { height: 1fr; }
    SupervisionScreen #sup-chart, SupervisionScreen #suggestion-satisfaction {
        height: auto; padding: 0 1;
    }
    """

    def available_commands(self) -> set[str]:
        # n and w are the 信访 tab's own while it shows (screens/petition/pane.py); i imports a
        # 督查台账 on the 督查事项 tabs, for the 督查室.
        ids = self.petition_commands(super().available_commands())
        if self.active_pane() not in ITEM_PANES or "import" not in self.granted:
            ids.discard("supervision.import_items")
        return ids

    def person_checks(self) -> dict:
        return {**super().person_checks(), "import": lambda p: offered(p, "supervision")}

    def filter_lists(self) -> dict[str, str]:
        return {**super().filter_lists(), **self.item_lists()}

    def export_offers(self) -> list:
        """e: the 督查事项 register as its line filters it, 建议提案 and 信访 — the tab showing
        first."""
        today = self.app.actor().now.date()
        offers = {"items": exporting.register_offer("supervision", today,
                                                    self.line_of(ITEM_LIST) or ""),
                  "suggestions": exporting.register_offer("suggestion", today),
                  "petitions": exporting.register_offer("petition", today)}
        active = self.active_pane()
        first = "items" if active in ITEM_PANES else active
        return sorted(offers.values(), key=lambda o: o is not offers.get(first))

    def reveal_list(self, table_id: str) -> None:
        if not self.reveal_items(table_id):
            super().reveal_list(table_id)

    def extra_query(self):
        return self.items_query()

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
        elif pane == "load":
            yield Label(id="load-title", classes="panel-title")
            yield columns(DataTable(id="load"),
                          ("home.col_holder", 16), ("section.col_overdue", 8),
                          ("section.col_soon", 8), ("section.col_reminders", 8))
        elif pane in ITEM_PANES:
            yield from self.compose_items_pane(pane)
        elif pane in SUGGESTION_PANES:
            yield from self.compose_suggestion_pane(pane)
        elif pane in PETITION_PANES:
            yield from self.compose_petition_pane(pane)

    def load_panes(self, actor, query) -> SupervisionData:
        items = [i for i in inbox_service.deadlines(actor) if i.label]
        return SupervisionData(items, sees_all_deadlines(actor.person),
                               inbox_service.deadline_counts(actor),
                               section_work.reminder_log(actor),
                               section_work.holder_loads(actor),
                               **self.load_items(actor, query),
                               **self.load_suggestions(actor),
                               **self.load_petitions(actor))

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

        self.show_suggestions(data.suggestions, data.satisfaction)
        self.show_petitions(data.petitions)
