"""The leaders' week as files (SPEC §7 "printable week sheet", §15 "Leader schedules → .ics"):
a calendar (.ics) a calendar program subscribes to or imports, and the week sheet
(《区长一周日程安排》 for one leader, 《区政府领导一周工作安排》 for all) as a landscape A4 .docx
and as plain text.

Everything is read through services.schedule as Home and 接待办 read it: every user sees every
leader's week there (entries, absences with where, the contact and who acts), so the files
hold the same; the schedule has no private or secret entry. An event's UID is its record's id
at the database's own name (schema.database_id), so a calendar exported again updates its
events rather than adding them twice. The sheet's layout is data/week_sheet.toml.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from govdesk.i18n import t
from govdesk.models import Absence, Person, ScheduleEntry
from govdesk.services import office_files, org, schema
from govdesk.services.clock import office_timezone
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError
from govdesk.services.fulltext import simplified
from govdesk.services.office_files import wordfile
from govdesk.services.office_files.gongwen import layout as gongwen_layout
from govdesk.services.schedule import LeaderWeek, person_weeks, week_of

if TYPE_CHECKING:
    import icalendar

SEPARATOR = "、"


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


# ------------------------------------------------------------------------ what is asked


@dataclass(frozen=True)
class Week:
    """The week asked for: its Monday, the leaders (one, or every one), each one's week."""

    monday: date
    leaders: tuple[Person, ...]
    weeks: dict[int, LeaderWeek]
    combined: bool
    others: dict[int, tuple[str, ...]]  # entry id → the other leaders at the same event

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def entries(self) -> list[ScheduleEntry]:
        return [e for p in self.leaders for e in self.weeks[p.id].entries]

    def absences(self) -> list[Absence]:
        return [a for p in self.leaders for a in self.weeks[p.id].absences]


def find_leader(who: str) -> Person:
    """The leader ``who`` names: a login, or a name (Traditional as well); one not found, not
    a leader, or a name two leaders share is refused naming --leader."""
    typed = who.strip()
    leaders = org.leaders()
    found = [p for p in Person.select().where(Person.login == typed)]
    if not found:
        key = simplified(typed)
        found = [p for p in Person.select().where(Person.active) if simplified(p.name) == key]
    label = t("office_files.f_leader")
    if not found:
        known = SEPARATOR.join(f"{p.login}（{p.name}）" for p in leaders)
        raise ValidationError(label, t("week.no_leader", who=typed, known=known), name="leader")
    ids = {p.id for p in leaders}
    among = [p for p in found if p.id in ids]
    if not among:
        raise ValidationError(label, t("week.not_leader", name=found[0].name), name="leader")
    if len(among) > 1:
        raise ValidationError(label, t("week.same_name", who=typed, logins=SEPARATOR.join(
            p.login for p in among)), name="leader")
    return among[0]


def monday_of(actor: Actor, since: date | None, until: date | None) -> date:
    """The week asked for (any day of it, --from or --to), this week by the office's clock when
    neither is given; a period over two weeks is refused naming --to."""
    day = since or until or actor.today
    monday, _ = week_of(day)
    if since is not None and until is not None and week_of(until)[0] != monday:
        raise ValidationError(t("office_files.f_period"),
                              t("week.one_week", since=since, until=until), name="period")
    return monday


def the_week(actor: Actor, request: office_files.Request) -> Week:
    """The week of ``request`` as the screens read it: every leader's (person_weeks), so an
    entry can say who else attends, then the one asked for."""
    monday = monday_of(actor, request.since, request.until)
    everyone = org.leaders()
    chosen = (find_leader(request.leader),) if request.leader is not None else tuple(everyone)
    weeks = person_weeks(everyone, monday, actor.now)
    return Week(monday, chosen, weeks, request.leader is None, _together(everyone, weeks))


def _together(leaders: list[Person], weeks: dict[int, LeaderWeek]) -> dict[int, tuple[str, ...]]:
    """For each entry, the other leaders with the same item at the same time: one meeting
    several leaders attend is entered once for each."""
    names = {p.id: p.name for p in leaders}
    events: dict[tuple, list[ScheduleEntry]] = {}
    for p in leaders:
        for e in weeks[p.id].entries:
            events.setdefault((e.start, e.end, e.title.strip()), []).append(e)
    return {e.id: tuple(names[o.person_id] for o in group if o.person_id != e.person_id)
            for group in events.values() for e in group}


def span(week: Week) -> tuple[str, str]:
    """The week as the office writes it: 2026年11月23日 — 11月29日 (the year once)."""
    start, end = week.monday, week.sunday
    tail = wordfile.chinese_date(end) if end.year != start.year else f"{end.month}月{end.day}日"
    return wordfile.chinese_date(start), tail


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


# ------------------------------------------------------------------------------- .ics


def _absence_words(a: Absence) -> tuple[str, list[str]]:
    """An absence's summary (外出：杭州) and the lines saying how to reach the leader."""
    where = a.destination or a.reason
    summary = t("week.away_to", where=where) if where else t("week.away")
    lines = []
    if a.reason and a.destination:
        lines.append(t("week.reason", reason=a.reason))
    if a.contact:
        lines.append(t("week.contact", contact=a.contact))
    if a.documents_via:
        lines.append(t("week.documents_via", via=a.documents_via))
    if a.acting_id:
        lines.append(t("week.acting", name=a.acting.name))
    return summary, lines


def _entry_lines(week: Week, e: ScheduleEntry) -> list[str]:
    lines = []
    if week.others.get(e.id):
        lines.append(t("week.with_others", names=SEPARATOR.join(week.others[e.id])))
    if (e.note or "").strip():
        lines.append(e.note.strip())
    return lines


def _all_day(a: Absence) -> bool:
    """An absence stored from midnight to midnight (or to the day's last moment) is whole
    days; any other is from its hour to its hour."""
    return a.start.time() == time.min and (a.end.time() == time.min
                                           or a.end.time() >= time(23, 59, 59))


def calendar(actor: Actor, week: Week) -> icalendar.Calendar:
    """The week as an iCalendar: one VEVENT an entry or an absence, times in the office's time
    zone with its VTIMEZONE, named for the leader and the week (X-WR-CALNAME)."""
    import icalendar  # here: ``govdesk export --help`` lists the kinds without loading it

    zone = ZoneInfo(office_timezone())
    start, end = span(week)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//govdesk//leaders' week//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = (t("week.calendar_all", start=start, end=end) if week.combined else
            t("week.calendar", who=f"{week.leaders[0].name}", start=start, end=end))
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone.key)
    domain = schema.database_id()
    stamp = actor.now.replace(tzinfo=zone).astimezone(UTC)
    names = {p.id: p.name for p in week.leaders}
    first = min([week.monday, *(a.start.date() for a in week.absences())])
    last = max([week.sunday, *(a.end.date() for a in week.absences())]) + timedelta(days=1)
    # Always there, the first component: a week with nothing on is still a valid calendar
    # (RFC 5545 3.6 wants one component at least) that a program can subscribe to.
    cal.add_component(icalendar.Timezone.from_tzid(zone.key, first_date=first, last_date=last))

    def event(uid: str, person_id: int, summary: str, lines: list[str]) -> icalendar.Event:
        ev = icalendar.Event()
        ev.add("uid", f"{uid}@{domain}")
        ev.add("dtstamp", stamp)
        ev.add("summary", f"{names[person_id]}：{summary}" if week.combined else summary)
        if lines:
            ev.add("description", "\n".join(lines))
        return ev

    for e in week.entries():
        ev = event(f"schedule-entry-{e.id}", e.person_id, e.title, _entry_lines(week, e))
        ev.add("dtstart", e.start.replace(tzinfo=zone))
        ev.add("dtend", e.end.replace(tzinfo=zone))
        if e.place:
            ev.add("location", e.place)
        cal.add_component(ev)
    for a in week.absences():
        summary, lines = _absence_words(a)
        ev = event(f"absence-{a.id}", a.person_id, summary, lines)
        if _all_day(a):
            until = a.end.date() + (timedelta(0) if a.end.time() == time.min else timedelta(1))
            ev.add("dtstart", a.start.date())
            ev.add("dtend", max(until, a.start.date() + timedelta(1)))
        else:
            ev.add("dtstart", a.start.replace(tzinfo=zone))
            ev.add("dtend", a.end.replace(tzinfo=zone))
        if a.destination:
            ev.add("location", a.destination)
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    return cal


# ------------------------------------------------------------------------- the sheet


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
        marks.append(f"{a.start:%H:%M}起")
    if a.end <= ends and a.end.time() != time.min:
        marks.append(f"至{a.end:%H:%M}")
    summary, _ = _absence_words(a)
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
                        content = "；".join([e.title, *_entry_lines(week, e)])
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


def sheet_text(week: Week, rows: list[Slot]) -> str:
    """The sheet as plain text: the title, the week, then each day's parts and their lines."""
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


# ---------------------------------------------------------------------------- the kind


def build(actor: Actor, request: office_files.Request, path: Path, fmt: str
          ) -> office_files.Made:
    """Write the week of ``request`` at ``path`` as ``fmt`` (.ics, .docx, .txt)."""
    week = the_week(actor, request)
    if fmt == ".ics":
        body = calendar(actor, week).to_ical()
        wordfile.atomic_write(path, lambda fh: fh.write(body))
    elif fmt == ".txt":
        wordfile.save_text(sheet_text(week, slots(week)), path)
    else:
        wordfile.save(_Sheet(week, slots(week)).write(), path)
    start, end = span(week)
    return office_files.Made(Path(path), t("week.made", title=f"《{posts(week)}》", start=start,
                                           end=end, entries=len(week.entries()),
                                           absences=len(week.absences())))


office_files.register(office_files.FileKind(
    "week", ("一周日程", "日程", "week", "schedule"), (".docx", ".ics", ".txt"),
    frozenset({"period", "leader"}), build))
