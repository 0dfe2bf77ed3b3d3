"""The leaders' week sheet (SPEC §7 "printable week sheet", §15): 《区长一周日程安排》 for one
leader, 《区政府领导一周工作安排》 for all, as a landscape A4 .docx and as plain text. The layout
is data/week_sheet.toml; the page is the GB/T 9704-2012 one of data/gongwen.toml, turned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from govdesk.i18n import t
from govdesk.models import Absence
from govdesk.services import org
from govdesk.services.office_files import wordfile
from govdesk.services.office_files.gongwen import layout as gongwen_layout
from govdesk.services.office_files.week_data import Week, absence_words, entry_lines, span


@dataclass(frozen=True)
class Period:
    """A part of the day (上午/下午/晚上): the hours it runs, ``start`` ≤ h < ``end``."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class SheetLayout:
    title: dict[str, str]
    days: dict[str, Any]
    periods: tuple[Period, ...]
    columns: dict[str, list]
    fonts: dict[str, str]
    sizes: dict[str, float]


@cache
def layout() -> SheetLayout:
    """data/week_sheet.toml, read once; a missing table names the file and the table."""
    doc, tables = wordfile.layout_file("week_sheet.toml",
                                       ("title", "days", "columns", "fonts", "sizes"))
    periods = tuple(Period(p["name"], int(p["from"]), int(p["to"]))
                    for p in doc.get("periods", []))
    if not periods or periods[0].start != 0 or periods[-1].end != 24 or any(
            a.end != b.start for a, b in zip(periods, periods[1:], strict=False)):
        raise ValueError("week_sheet.toml: [[periods]] must cover the day from 0 to 24 without gaps")
    return SheetLayout(periods=periods, **tables)


def posts(week: Week) -> str:
    """What the sheet and the calendar are called after: the one leader's post (his name
    before it when others hold it too), or 区政府领导 for all."""
    lay = layout()
    if week.combined:
        return lay.title["all"]
    leader = week.leaders[0]
    shared = sum(1 for p in org.leaders() if p.rank == leader.rank) > 1
    who = lay.title["post_shared" if shared else "post_alone"].format(
        name=leader.name, rank=leader.rank or leader.post)
    return lay.title["leader"].format(who=who)


@dataclass(frozen=True)
class Line:
    """One thing in a part of a day: its time, what, where."""

    time: str
    content: str
    place: str

    def text(self) -> str:
        """As one line of the combined sheet: 09:00—10:30 区长办公会（一号会议室）."""
        head = f"{self.time} {self.content}" if self.time else self.content
        return f"{head}（{self.place}）" if self.place else head


@dataclass(frozen=True)
class Slot:
    """A part of one day: what each leader does in it (leader id → lines)."""

    day: date
    period: Period
    lines: dict[int, tuple[Line, ...]]


def _hours(moment: datetime) -> float:
    return moment.hour + moment.minute / 60 + moment.second / 3600


def _period_of(moment: datetime, periods: Iterable[Period]) -> Period:
    hour = _hours(moment)
    return next(p for p in periods if p.start <= hour < p.end)


def _absence_line(a: Absence, day: date, period: Period) -> Line | None:
    """The absence in this part of this day, if it overlaps it: 08:00起 / 至18:00 where it
    begins or ends in it (or as it ends)."""
    begins = datetime.combine(day, time()) + timedelta(hours=period.start)
    ends = datetime.combine(day, time()) + timedelta(hours=period.end)
    if not (a.start < ends and a.end > begins):
        return None
    marks = []  # none at midnight: a whole day away is just away
    if begins <= a.start and a.start.time() != time.min:
        marks.append(t("week.from_time", time=f"{a.start:%H:%M}"))
    if a.end <= ends and a.end.time() != time.min:
        marks.append(t("week.until_time", time=f"{a.end:%H:%M}"))
    summary, _ = absence_words(a)
    acting = [t("week.acting", name=a.acting.name)] if a.acting_id else []
    return Line(" ".join(marks), "，".join([summary, *acting]), "")


def slots(week: Week) -> list[Slot]:
    """The sheet's rows: each day (星期六/星期日 as data/week_sheet.toml [days] says), each part
    of it, each leader's entries by the hour they start and absences where they overlap."""
    lay = layout()
    days = week.days
    if lay.days.get("weekend") == "when_used":
        used = {e.start.date() for e in week.entries()}
        days = [d for d in days if d.weekday() < 5 or d in used]
    out = []
    for day in days:
        for period in lay.periods:
            lines: dict[int, tuple[Line, ...]] = {}
            for p in week.leaders:
                here: list[Line] = []
                for a in week.weeks[p.id].absences:
                    line = _absence_line(a, day, period)
                    if line is not None:
                        here.append(line)
                for e in week.weeks[p.id].entries:
                    if e.start.date() == day and _period_of(e.start, lay.periods) == period:
                        when = f"{e.start:%H:%M}—{e.end:%H:%M}"
                        if e.end.date() != e.start.date():
                            when = f"{e.start:%H:%M}—{e.end:%m-%d %H:%M}"
                        content = "；".join([e.title, *entry_lines(week, e)])
                        here.append(Line(when, content, e.place or ""))
                lines[p.id] = tuple(here)
            out.append(Slot(day, period, lines))
    return out


def day_name(day: date) -> tuple[str, str]:
    return layout().days["names"][day.weekday()], f"{day.month}月{day.day}日"


class _Sheet:
    """The .docx: title, the week, one table (one leader's, or every leader's columns)."""

    def __init__(self, week: Week, rows: list[Slot]):
        self.week, self.rows, self.lay = week, rows, layout()
        self.out = Document()
        all_ = "_all" if week.combined else ""
        self.body = float(self.lay.sizes[f"body{all_}"])
        self.header = float(self.lay.sizes[f"header{all_}"])

    def write(self) -> Document:
        lay = self.lay
        wordfile.setup_page(self.out, gongwen_layout().page, font=lay.fonts["body"],
                            size=self.body, landscape=True)
        wordfile.page_numbers(self.out, lay.fonts["page_number"],
                              float(lay.sizes["page_number"]))
        # python-docx's template opens with one empty paragraph: the title takes its place.
        title = self.out.paragraphs[0] if self.out.paragraphs else self.out.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        wordfile.add_run(title, posts(self.week), lay.fonts["title"], float(lay.sizes["title"]))
        start, end = span(self.week)
        dates = wordfile.paragraph(self.out, WD_ALIGN_PARAGRAPH.CENTER)
        dates.paragraph_format.space_after = Pt(float(lay.sizes["dates"]) / 2)
        wordfile.add_run(dates, lay.title["dates"].format(start=start, end=end),
                         lay.fonts["dates"], float(lay.sizes["dates"]))
        if not self.week.entries() and not self.week.absences():
            par = wordfile.paragraph(self.out, WD_ALIGN_PARAGRAPH.CENTER)
            wordfile.add_run(par, t("week.none"), lay.fonts["note"], self.body)
        else:
            self.table()
        return self.out

    def widths(self) -> list[float]:
        cols = self.lay.columns
        if not self.week.combined:
            return [float(w) for w in cols["leader_mm"]]
        fixed = [float(w) for w in cols["all_mm"]]
        rest = float(gongwen_layout().page["text_height_mm"]) - sum(fixed)
        return fixed + [rest / len(self.week.leaders)] * len(self.week.leaders)

    def headers(self) -> list[str]:
        cols = self.lay.columns
        if not self.week.combined:
            return list(cols["leader"])
        return [*cols["all"], *(f"{p.rank or p.post}\n{p.name}" for p in self.week.leaders)]

    def put(self, cell, lines: Iterable[str], font: str, size: float, *, centre=False) -> None:
        """Text in a cell, a paragraph a line (the cell's first paragraph reused)."""
        pars = list(cell.paragraphs)
        for i, text in enumerate(lines):
            par = pars[0] if i == 0 and pars else cell.add_paragraph()
            fmt = par.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            if centre:
                fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            wordfile.add_run(par, text, font, size)

    def plan(self) -> list[tuple[Slot, list[list[str]]]]:
        """The table's rows after the header: each with its slot and the text of the cells
        after 日期 and 时段. All leaders: a row a part of a day, a leader's lines in his
        column. One leader: a row a line (one empty where nothing is on), so each entry's
        time, content and place stand side by side however they wrap."""
        rows: list[tuple[Slot, list[list[str]]]] = []
        for slot in self.rows:
            if self.week.combined:
                rows.append((slot, [[line.text() for line in slot.lines[p.id]]
                                    for p in self.week.leaders]))
                continue
            lines = slot.lines[self.week.leaders[0].id] or (Line("", "", ""),)
            rows += [(slot, [[line.time], [line.content], [line.place]]) for line in lines]
        return rows

    def table(self) -> None:
        lay, body = self.lay, self.body
        widths, headers, plan = self.widths(), self.headers(), self.plan()
        table = self.out.add_table(rows=1 + len(plan), cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        fixed = OxmlElement("w:tblLayout")
        fixed.set(qn("w:type"), "fixed")
        wordfile.put(table._tbl.tblPr, fixed, wordfile.TBLPR)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)  # the grid, which LibreOffice lays out by
        # Each row's cells taken once: table.cell() walks the whole table every time.
        grid = [row.cells for row in table.rows]
        for row, row_cells in zip(table.rows, grid, strict=True):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, width in zip(row_cells, widths, strict=True):
                cell.width = Mm(width)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        header = table.rows[0]
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # again on each page
        for cell, text in zip(grid[0], headers, strict=True):
            self.put(cell, text.split("\n"), lay.fonts["header"], self.header, centre=True)
        font = lay.fonts["body"]
        for index, (_, cells) in enumerate(plan, start=1):
            centre = not self.week.combined  # one leader's time column
            for column, lines in enumerate(cells, start=2):
                self.put(grid[index][column], lines, font, body,
                         centre=centre and column == 2)
        for column, key in ((0, lambda slot: slot.day), (1, lambda slot: slot)):
            first = 0
            for index in range(1, len(plan) + 1):
                if index == len(plan) or key(plan[index][0]) != key(plan[first][0]):
                    cell = grid[1 + first][column]
                    if index - 1 > first:
                        cell = cell.merge(grid[index][column])
                    slot = plan[first][0]
                    text = day_name(slot.day) if column == 0 else (slot.period.name,)
                    self.put(cell, text, font, body, centre=True)
                    first = index


def write_sheet(week: Week) -> Document:
    """The week sheet as a .docx document, to be saved."""
    return _Sheet(week, slots(week)).write()


def sheet_text(week: Week) -> str:
    """The sheet as plain text: the title, the week, then each day's parts and their lines."""
    rows = slots(week)
    start, end = span(week)
    lay = layout()
    out = [f"《{posts(week)}》", lay.title["dates"].format(start=start, end=end), ""]
    if not week.entries() and not week.absences():
        return "\n".join([*out, t("week.none")])
    for slot in rows:
        if slot.period == lay.periods[0]:
            out.append("　".join(day_name(slot.day)))
        for p in week.leaders:
            for line in slot.lines[p.id]:
                who = f"{p.name}　" if week.combined else ""
                out.append(f"　　{slot.period.name}　{who}{line.text()}")
        if slot.period == lay.periods[-1]:
            out.append("")
    return "\n".join(out).rstrip("\n")
