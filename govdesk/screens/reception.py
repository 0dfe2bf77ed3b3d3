"""接待办 (key 6): the leaders' week and who is away — where, how to reach them, who acts.

Reception (SPEC §8) plans visits around the leaders' diaries; the absence reports (Part 1 §7,
Part 3 §19) say where a leader is, the contact, how documents reach them and who acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens.section_panes import TabbedSectionScreen
from govdesk.services import section_work
from govdesk.services.schedule import WeekView, leader_week_views, week_of
from govdesk.widgets.desk_table import columns
from govdesk.widgets.week_grid import WeekGrid

STATUS_STYLE = {"now": "bold yellow", "coming": "cyan", "back": "dim"}


@dataclass(frozen=True)
class ReceptionData:
    today: date
    weeks: list[WeekView]
    absences: list[section_work.AbsenceRow]


class ReceptionScreen(TabbedSectionScreen):
    SECTION_CODES = ("jiedai",)
    PANES = ("week", "absences", "work", "members")

    def compose_pane(self, pane: str) -> ComposeResult:
        if pane == "week":
            yield Label(id="week-title", classes="panel-title")
            yield WeekGrid(id="week")
        elif pane == "absences":
            yield Label(id="absences-title", classes="panel-title")
            yield columns(DataTable(id="absences"),
                          ("section.col_absence_state", 6), ("home.col_leader", 14),
                          ("section.col_period", 23), ("section.col_destination", 16),
                          ("section.col_contact", 14), ("section.col_documents_via", 16),
                          ("section.col_acting", 8), ("section.col_reason", 26))

    def load_panes(self, actor, query) -> ReceptionData:
        return ReceptionData(actor.today, leader_week_views(actor.today, actor.now),
                             section_work.absences(actor))

    def show_panes(self, data: ReceptionData) -> None:
        monday, sunday = week_of(data.today)
        weeks = data.weeks
        away = [w for w in weeks if w.away_now]
        self.query_one("#week-title", Label).update(
            t("section.week_title", start=f"{monday:%m-%d}", end=f"{sunday:%m-%d}",
              away=len(away)))
        self.query_one("#week", WeekGrid).show(weeks, data.today)

        rows = data.absences
        table = self.query_one("#absences", DataTable)
        table.clear()
        for a in rows:
            state = Text(t(f"section.absence_{a.status}"), style=STATUS_STYLE[a.status])
            table.add_row(state, f"{term(a.post)} {a.person}",
                          f"{a.start:%m-%d %H:%M}–{a.end:%m-%d %H:%M}", a.destination,
                          a.contact, a.documents_via, a.acting, a.reason, key=str(a.id))
        self.query_one("#absences-title", Label).update(
            t("section.absences_title", n=len(rows),
              now=sum(1 for a in rows if a.status == "now")))
