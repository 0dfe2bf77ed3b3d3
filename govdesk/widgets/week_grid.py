"""The leaders' week as a grid: one row per leader, one column per day, entries one per line.

Column widths are explicit: DataTable's automatic widths go wrong with double-width Chinese
text, and fixed widths let each cell wrap onto several lines (rows take the height they need).
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import DataTable

from govdesk.i18n import t, term
from govdesk.services.schedule import WeekView, week_of

LEADER_WIDTH = 10
STATUS_WIDTH = 16
DAY_WIDTH = 23


def week_days(today: date, weeks: list[WeekView]) -> list[date]:
    """Monday–Friday, plus Saturday/Sunday when anyone has something on them."""
    monday, _ = week_of(today)
    days = [monday + timedelta(days=i) for i in range(7)]
    return [d for d in days if d.weekday() < 5 or any(
        e.start.date() == d for w in weeks for e in w.entries)]


def status_text(week: WeekView) -> Text:
    away = week.away_now
    if away is None:
        return Text(t("home.present"))
    text = Text(f"{t('home.away')} {away.start:%m-%d}–{away.end:%m-%d}", style="bold yellow")
    if away.destination:
        text.append(f"\n{away.destination}")
    if week.acting is not None:
        text.append(f"\n{t('home.acting_by', name=week.acting.name)}")
    return text


def day_text(week: WeekView, day: date) -> Text:
    text = Text()
    if any(a.start.date() <= day <= a.end.date() for a in week.absences):
        text.append(f"[{t('home.away')}]", style="yellow")
    for e in week.entries:
        if e.start.date() == day:
            if text:
                text.append("\n")
            # No space after the time: a space would let the wrap break there, leaving the
            # time alone on its line; CJK text folds anywhere.
            text.append(f"{e.start:%H:%M}", style="bold cyan")
            text.append(e.title)
    return text


class WeekGrid(DataTable):
    """Fed with ``show(weeks, today)``; the cursor moves leader by leader."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self._shown: tuple[list[WeekView], date] | None = None
        self._day_width = DAY_WIDTH

    def _fit_day_width(self, days: int) -> int:
        """Wide terminals get wider day columns (fewer wrapped lines); narrow ones scroll."""
        width = self.size.width or self.app.size.width
        spare = width - LEADER_WIDTH - STATUS_WIDTH - 2 * (days + 2) - 2
        return max(DAY_WIDTH, spare // max(days, 1))

    def on_resize(self) -> None:
        if self._shown and self._fit_day_width(len(self.columns) - 2) != self._day_width:
            self.show(*self._shown)

    def show(self, weeks: list[WeekView], today: date) -> None:
        self._shown = (weeks, today)
        keep = self.cursor_row
        self.clear(columns=True)
        days = week_days(today, weeks)
        self._day_width = self._fit_day_width(len(days))
        self.add_column(t("home.col_leader"), width=LEADER_WIDTH)
        self.add_column(t("home.col_status"), width=STATUS_WIDTH)
        for d in days:
            label = f"{t(f'home.weekday_{d.weekday()}')} {d:%m-%d}"
            if d == today:
                label = f"▶{label}"
            self.add_column(label, width=self._day_width)
        for week in weeks:
            leader = Text(term(week.leader.rank or week.leader.post), style="dim")
            leader.append(f"\n{week.leader.name}", style="bold")
            self.add_row(leader, status_text(week), *(day_text(week, d) for d in days),
                         height=None, key=str(week.leader.id))
        if weeks:
            self.move_cursor(row=min(keep, len(weeks) - 1))
