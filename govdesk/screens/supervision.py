"""督查室 (key 5): everyone's overdue and soon-due work, 催办, the 催办 log, who is behind.

SPEC §2: 主任 and 督查室 see everyone's deadlines (services.policy.sees_all_deadlines decides;
anyone else opening this screen sees the deadlines that are theirs to see). ``u`` urges the
holder of the task under the cursor; every 催办 is logged (models.Reminder).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens.base import run_service
from govdesk.screens.section_panes import TASK_COLUMNS, TabbedSectionScreen
from govdesk.services import inbox as inbox_service
from govdesk.services import section_work
from govdesk.services.errors import ServiceError
from govdesk.services.policy import sees_all_deadlines
from govdesk.services.suggestion import stats as suggestion_stats
from govdesk.widgets.desk_table import DeskTable, columns


@dataclass(frozen=True)
class SupervisionData:
    items: list[inbox_service.InboxItem]  # overdue and soon-due tasks the viewer may see
    sees_all: bool
    counts: inbox_service.DeadlineCounts  # of all of them, not only the rows shown
    reminders: list[section_work.ReminderRow]
    load: list[section_work.HolderLoad]
    suggestions: suggestion_stats.Statistics | None = None  # 建议提案 by lead unit, this year


class SupervisionScreen(TabbedSectionScreen):
    SECTION_CODES = ("ducha",)
    PANES = ("deadlines", "reminders", "load", "suggestions", "work", "members")
    COMMAND_IDS = ("supervision.suggestions", "supervision.special_reports",
                   "supervision.export_suggestions")
    TAG_TABLES = {"due": "due-title", "work": "work-title"}

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

        elif pane == "suggestions":
            yield Label(id="suggestions-title", classes="panel-title")
            yield columns(DataTable(id="suggestions"), *SUGGESTION_COLUMNS)

    def load_panes(self, actor, query) -> SupervisionData:
        items = [i for i in inbox_service.deadlines(actor) if i.label]
        return SupervisionData(items, sees_all_deadlines(actor.person),
                               inbox_service.deadline_counts(actor),
                               section_work.reminder_log(actor),
                               section_work.holder_loads(actor),
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

        load = data.load
        table = self.query_one("#load", DataTable)
        table.clear()
        for row in load:
            overdue_cell = Text(str(row.overdue), style="bold red" if row.overdue else "")
            table.add_row(row.holder, overdue_cell, str(row.soon), str(row.reminders),
                          key=row.holder)
        self.query_one("#load-title", Label).update(t("section.load_title", n=len(load)))

        self.show_suggestions(data.suggestions)

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
                          str(row.answered), rate_bar(row.on_time_rate, row.on_time, row.due),
                          rate_bar(row.satisfaction_rate, row.satisfied, row.feedbacks),
                          rate_bar(row.adoption_rate, row.adopted, row.sent),
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
BAR = 4  # cells of a rate's bar


def rate_bar(rate: float | None, part: int, whole: int) -> Text:
    """██░░ 50%: a rate drawn, the number beside it; "—" where there is nothing to count."""
    if rate is None:
        return Text("—", style="dim")
    full = round(rate * BAR)
    style = "green" if rate >= 0.9 else ("yellow" if rate >= 0.6 else "red")
    return Text.assemble(("█" * full, style), ("░" * (BAR - full), "dim"),
                         f" {round(rate * 100)}%")
