"""Home's look at the leaders' week (SPEC §2): the whole week on a terminal with room for it;
on a small one (80×24) today only, two or three leaders a line, in three or four lines, so the
inbox and the deadlines keep their rows. The full week is on 接待科's screen (WeekGrid)."""

from __future__ import annotations

from datetime import date, timedelta

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from govdesk.i18n import t, term
from govdesk.services.schedule import WeekView, week_of
from govdesk.widgets.desk_table import EllipsisCells

# Smaller than this (columns, lines) and Home shows today only.
WEEK_WIDTH = 120
WEEK_HEIGHT = 36
PAIR_WIDTH = 38  # cells for a leader and their day, at least
MAX_PER_LINE = 3


def day_label(day: date) -> str:
    return f"{t(f'home.weekday_{day.weekday()}')} {day:%m-%d}"


def today_text(week: WeekView, day: date) -> Text:
    """A leader's day on one line: [外出] first, then each entry, "；" between them."""
    text = Text()
    if any(a.start.date() <= day <= a.end.date() for a in week.absences):
        text.append(f"[{t('home.away')}]", style="bold yellow")
    entries = [e for e in week.entries if e.start.date() == day]
    for i, e in enumerate(entries):
        if i:
            text.append("；")
        text.append(f"{e.start:%H:%M}", style="bold cyan")
        text.append(e.title)
    return text


class HomeSchedule(EllipsisCells, DataTable):
    """Fed with ``show(weeks, today)``; ``fit(size)`` when the terminal's size changes."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(**kwargs)
        self._shown: tuple[list[WeekView], date] | None = None
        self._layout: tuple[bool, int] | None = None  # (compact, width) last drawn

    @property
    def compact(self) -> bool:
        """Today only: the terminal is narrower or shorter than the week needs."""
        size = self.app.size
        return size.width < WEEK_WIDTH or size.height < WEEK_HEIGHT

    def title(self) -> str:
        """The panel's title for what is shown: today, or the week."""
        if self._shown is None:
            return ""
        today = self._shown[1]
        if self.compact:
            return t("home.schedule_today_title", day=day_label(today))
        monday, sunday = week_of(today)
        return t("home.schedule_title", start=f"{monday:%m-%d}", end=f"{sunday:%m-%d}")

    def fit(self) -> bool:
        """Draw again if the terminal's size asks for another layout; True if it did."""
        layout = (self.compact, self.app.size.width)
        if self._shown is None or layout == self._layout or (
                not layout[0] and self._layout is not None and not self._layout[0]):
            return False  # the week's columns keep their widths (they scroll)
        self.show(*self._shown)
        return True

    def show(self, weeks: list[WeekView], today: date) -> None:
        self._shown = (weeks, today)
        self._layout = (self.compact, self.app.size.width)
        self.clear(columns=True)
        if self.compact:
            self._show_today(weeks, today)
        else:
            self._show_week(weeks, today)
        # Its height as a number, at once: "auto" waited for the rows to be measured, and a
        # layout made before that left today's schedule no line at all under the inbox.
        self.styles.height = self.row_count + (1 if self.show_header else 0)

    def _show_today(self, weeks: list[WeekView], today: date) -> None:
        self.show_header = False
        self.show_cursor = False
        inner = self.app.size.width - 2
        per_line = max(1, min(MAX_PER_LINE, inner // PAIR_WIDTH, len(weeks) or 1))
        name_width = max((cell_len(w.leader.name) for w in weeks), default=6)
        day_width = inner // per_line - name_width - 4  # each column has a cell each side
        for i in range(per_line):
            self.add_column("", width=name_width, key=f"leader{i}")
            self.add_column("", width=day_width, key=f"day{i}")
        for start in range(0, len(weeks), per_line):
            cells: list[Text | str] = []
            for week in weeks[start:start + per_line]:
                cells += [Text(week.leader.name, style="bold"), today_text(week, today)]
            cells += [""] * (2 * per_line - len(cells))
            self.add_row(*cells)

    def _show_week(self, weeks: list[WeekView], today: date) -> None:
        self.show_header = True
        self.show_cursor = True
        monday, _ = week_of(today)
        days = [monday + timedelta(days=i) for i in range(7)]
        show = [d for d in days if d.weekday() < 5 or any(
            e.start.date() == d for w in weeks for e in w.entries)]
        self.add_column(t("home.col_leader"), width=18)
        self.add_column(t("home.col_status"), width=36)
        for d in show:
            self.add_column(f"{'▶' if d == today else ''}{day_label(d)}", width=26)
        for week in weeks:
            leader = f"{term(week.leader.rank)} {week.leader.name}"
            if week.away_now:
                a = week.away_now
                status = Text(f"{t('home.away')} {a.start:%m-%d}–{a.end:%m-%d} {a.destination}",
                              style="bold yellow")
                if week.acting:
                    status.append(f" {t('home.acting_by', name=week.acting.name)}")
            else:
                status = Text(t("home.present"))
            cells = []
            for day in show:
                entries = [e for e in week.entries if e.start.date() == day]
                away = any(a.start.date() <= day <= a.end.date() for a in week.absences)
                text = "；".join(f"{e.start:%H:%M} {e.title}" for e in entries)
                if away:
                    text = f"[{t('home.away')}] {text}"
                cells.append(text)
            self.add_row(leader, status, *cells, key=str(week.leader.id))
