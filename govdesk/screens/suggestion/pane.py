"""The 督查室 screen's 建议提案 tab (SPEC §11 "Statistics per unit"; issue 12 items 4 and 6):
the year's suggestions and proposals by lead unit — counts 待办/在办/已答复/已反馈 and each
rate drawn with its figure beside it — and ``ctrl+e``, the figures as a text file; ``j`` opens
the 建议提案 register, ``g`` the 人大常委会's special work reports.

``SuggestionPane`` is mixed into the SupervisionScreen (screens/supervision.py).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label, Static

from govdesk.i18n import t, term
from govdesk.screens.base import run_service
from govdesk.services import export_folder
from govdesk.services.suggestion import stats as suggestion_stats
from govdesk.widgets import bars
from govdesk.widgets.desk_table import columns

SUGGESTION_PANES = ("suggestions",)
SUGGESTION_COMMANDS = ("supervision.suggestions", "supervision.special_reports",
                       "supervision.export_suggestions")

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


# 满意 green, 基本满意 yellow, 不满意 red; the numbers beside say it without them.
FEEDBACK_STYLES = {"满意": "green", "基本满意": "yellow", "不满意": "bold red"}


def satisfaction_chart(s: suggestion_stats.Satisfaction) -> Text:
    """The deputies' feedback: 满意/基本满意/不满意, a bar each with its count and share."""
    out = Text(t("suggestion.satisfaction_title", year=s.year or "", n=s.total), style="bold")
    out.append("\n")
    if not s.total:
        out.append(t("suggestion.satisfaction_none"), style="dim")
        return out
    out.append_text(bars.count_bars(
        [(term(label), n, FEEDBACK_STYLES.get(label, "")) for label, n in s.counts()],
        width=30, total=s.total))
    return out


def _export_suggestions(login: str, stats: suggestion_stats.Statistics):
    """In a worker: the figures as text in the export folder."""
    return export_folder.save_text(login, t("suggestion.export_name", year=stats.year or ""),
                                   suggestion_stats.statistics_text(stats))


class SuggestionPane:
    """Mixed into the SupervisionScreen (a TabbedSectionScreen)."""

    _suggestion_stats: suggestion_stats.Statistics | None = None

    def compose_suggestion_pane(self, pane: str) -> ComposeResult:
        if pane == "suggestions":
            yield Label(id="suggestions-title", classes="panel-title")
            yield columns(DataTable(id="suggestions"), *SUGGESTION_COLUMNS)
            yield Static(id="suggestion-satisfaction")

    def load_suggestions(self, actor) -> dict:
        """Worker thread: 建议提案 by lead unit, this year, and the feedback on the replies."""
        year = actor.today.year
        return {"suggestions": suggestion_stats.statistics(actor, year=year),
                "satisfaction": suggestion_stats.satisfaction(actor, year=year)}

    def show_suggestions(self, stats: suggestion_stats.Statistics | None,
                         satisfaction: suggestion_stats.Satisfaction | None = None) -> None:
        """建议提案 by lead unit: the counts, and each rate as a bar with its figure beside it;
        under them, 满意/基本满意/不满意 as bars with their numbers."""
        if satisfaction is not None:
            self.query_one("#suggestion-satisfaction", Static).update(
                satisfaction_chart(satisfaction))
        if stats is None:
            return
        self._suggestion_stats = stats
        table = self.query_one("#suggestions", DataTable)
        table.clear()
        for row in [*stats.units, stats.total] if stats.units else []:
            name = term(row.unit) if row.unit else t("suggestion.stats_total")
            table.add_row(name, str(row.total), str(row.todo), str(row.doing), str(row.replied),
                          str(row.answered),
                          suggestion_rate_bar(row.on_time_rate, row.on_time, row.due),
                          suggestion_rate_bar(row.satisfaction_rate, row.satisfied,
                                              row.feedbacks),
                          suggestion_rate_bar(row.adoption_rate, row.adopted, row.sent),
                          key=row.unit or "*")
        self.query_one("#suggestions-title", Label).update(t(
            "suggestion.stats_title", year=stats.year, n=stats.total.total,
            unassigned=stats.unassigned))

    def action_export_suggestions(self) -> None:
        """The 建议提案 figures shown, as a text file (the error register's export folder)."""
        if self._suggestion_stats is None:
            return
        run_service(self, _export_suggestions, self.app.actor().person.login,
                    self._suggestion_stats,
                    done=lambda path: self.notify(t("suggestion.exported", path=str(path))),
                    refused=lambda exc: self.notify(str(exc), severity="error"), writes=False)

    def action_suggestion_register(self) -> None:
        from govdesk.screens.suggestion.register import SuggestionRegisterScreen

        self.app.push_screen(SuggestionRegisterScreen())

    def action_special_report_register(self) -> None:
        from govdesk.screens.special_report.register import SpecialReportRegisterScreen

        self.app.push_screen(SpecialReportRegisterScreen())
