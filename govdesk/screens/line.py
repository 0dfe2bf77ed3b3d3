"""跟线秘书 (key 3, 办一科 + 办二科): each line secretary's leader, that leader's week and papers.

SPEC §12: a line secretary sees their leader's schedule and the papers to deliver the same day
(urgent ones at once). The papers are the tasks waiting on the leader in person.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from govdesk.i18n import t, term
from govdesk.screens.section_panes import TASK_COLUMNS, TabbedSectionScreen
from govdesk.services import section_work
from govdesk.widgets.desk_table import DeskTable, columns
from govdesk.widgets.week_grid import status_text


class LineSecretariesScreen(TabbedSectionScreen):
    SECTION_CODES = ("ban1", "ban2")
    NAME_KEY = "app.line"
    PANES = ("line", "work", "members")

    def __init__(self) -> None:
        super().__init__()
        self._desks: dict[str, section_work.LineDeskView] = {}
        self._picked_own = False

    def compose_pane(self, pane: str) -> ComposeResult:
        if pane != "line":
            return
        yield Label(id="line-title", classes="panel-title")
        # At 80 columns the leader's status narrows, so today's entries keep room.
        yield columns(DeskTable(id="line-desks", classes="short", stretch=("col_today",),
                                narrow=(("col_leader_status", 16),)),
                      ("section.col_secretary", 8), ("section.col_leader", 18),
                      ("section.col_leader_status", 32), ("section.col_papers", 6),
                      ("section.col_today", 60))
        yield Label(id="line-papers-title", classes="panel-title")
        yield columns(DeskTable(id="line-papers"), *TASK_COLUMNS[:4], ("home.col_note", 16))
        yield Label(id="line-week-title", classes="panel-title")
        yield columns(DeskTable(id="line-week", stretch=("col_item", "col_place"),
                                narrow=(("col_place", 12),)),
                      ("section.col_date", 10), ("section.col_time", 11),
                      ("section.col_item", 36), ("section.col_place", 30))

    def load_panes(self, actor, query) -> list[section_work.LineDeskView]:
        return section_work.line_desk_views(actor)

    def show_panes(self, desks: list[section_work.LineDeskView]) -> None:
        actor = self.actor
        self._desks = {str(d.secretary.id): d for d in desks}
        table = self.query_one("#line-desks", DataTable)
        keep = table.cursor_row
        table.clear()
        for d in desks:
            leader = (f"{term(d.leader.rank or d.leader.post)} {d.leader.name}" if d.leader
                      else "")
            status = status_text(d.week) if d.week else Text("")
            status = Text(" ".join(status.plain.split("\n")), style=status.style)
            today = "；".join(f"{e.start:%H:%M} {e.title}" for e in d.today_entries)
            papers = Text(str(len(d.waiting)))
            if any(i.urgency != "普通" for i in d.waiting):
                papers.append(f" {t('section.urgent_mark')}", style="bold red")
            table.add_row(d.secretary.name, leader, status, papers, today,
                          key=str(d.secretary.id))
        self.query_one("#line-title", Label).update(t("section.line_title", n=len(desks)))
        if desks:
            row = min(keep, len(desks) - 1)
            if not self._picked_own:  # a line secretary starts on their own leader
                self._picked_own = True
                mine = [i for i, d in enumerate(desks) if d.secretary.id == actor.person.id]
                row = mine[0] if mine else row
            table.move_cursor(row=row)
        self._fill_leader()

    def _selected(self) -> section_work.LineDeskView | None:
        table = self.query_one("#line-desks", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._desks.get(key or "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "line-desks":
            self._fill_leader()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "line-desks":  # Enter on a line: to that leader's papers
            event.stop()
            event.prevent_default()
            self.query_one("#line-papers", DataTable).focus()

    def _fill_leader(self) -> None:
        desk = self._selected()
        papers = self.query_one("#line-papers", DataTable)
        week = self.query_one("#line-week", DataTable)
        if desk is None or desk.leader is None:
            self.fill_tasks(papers, [])
            week.clear()
            self.query_one("#line-papers-title", Label).update("")
            self.query_one("#line-week-title", Label).update("")
            return
        leader = desk.leader.name
        self.query_one("#line-papers-title", Label).update(
            t("section.papers_title", leader=leader, n=len(desk.waiting)))
        self.fill_tasks(papers, desk.waiting, with_holder=False)
        week.clear()
        rows = []
        for a in desk.week.absences if desk.week else []:
            where = "，".join(x for x in (a.destination, a.reason) if x)
            via = "，".join(x for x in (a.contact, a.documents_via) if x)
            day = f"{t(f'home.weekday_{a.start.weekday()}')} {a.start:%m-%d}"
            rows.append((a.start, Text(day, style="yellow"),
                         Text(f"{t('home.away')}→{a.end:%m-%d %H:%M}", style="bold yellow"),
                         where, via))
        for e in desk.week.entries if desk.week else []:
            day = f"{t(f'home.weekday_{e.start.weekday()}')} {e.start:%m-%d}"
            style = "bold" if e.start.date() == self.actor.today else ""
            rows.append((e.start, Text(day, style=style), f"{e.start:%H:%M}–{e.end:%H:%M}",
                         e.title, e.place))
        rows.sort(key=lambda r: r[0])
        for i, row in enumerate(rows):
            week.add_row(*row[1:], key=str(i))
        self.query_one("#line-week-title", Label).update(
            t("section.leader_week_title", leader=leader, n=len(rows)))
