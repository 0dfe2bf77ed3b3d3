"""Working days: weekends and public holidays skipped, 调休 makeup days counted (SPEC §16).

Three sources, the most authoritative first:

1. data/holidays.toml: a year the office entered from the State Council's notice
   (国务院办公厅关于某年部分节假日安排的通知) replaces everything else for that year;
2. the ``chinese_calendar`` library, which knows the published schedules up to the year it was
   released (it raises NotImplementedError beyond);
3. for a year neither knows yet, the statutory holidays of 《全国年节及纪念日放假办法》 (as
   amended 2024) on top of the weekends, so that 元旦, 春节, 国庆 … are days off before the
   year's 调休 schedule is published. The lunar festivals are computed with ``lunar_python``,
   清明 from its solar term. Only the 调休 swaps are missing then, and admins are told so
   (``schedule_notice``).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from lunar_python import Lunar

from govdesk.i18n import t
from govdesk.models import Person
from govdesk.services.rules import NATURAL, WORKING, RulesError, Source, Table, Term, data_dir
from govdesk.services.rules import read_toml as _read_toml

HOLIDAYS_FILE = "holidays.toml"
# From this month on, admins are reminded to enter next year's schedule (it is usually
# published in November).
NOTICE_FROM_MONTH = 11


@dataclass
class OverrideYear:
    holidays: set[date] = field(default_factory=set)
    workdays: set[date] = field(default_factory=set)


@cache
def statutory_holidays(year: int) -> dict[date, str]:
    """The days off by law in ``year`` (全国年节及纪念日放假办法, as amended 2024), by name.

    元旦 1 day; 春节 4 days, 除夕 through 正月初三; 清明 1 day (the solar term); 劳动节 2 days
    (5-1, 5-2); 端午 1 day; 中秋 1 day; 国庆 3 days (10-1 … 10-3). A festival on a weekend is
    not moved here: moving days is what the year's 调休 schedule does."""
    out: dict[date, str] = {date(year, 1, 1): "元旦"}
    new_year = _solar(Lunar.fromYmd(year, 1, 1))
    for offset in range(-1, 3):  # 除夕 is the day before 正月初一, whatever its number
        out[new_year + timedelta(days=offset)] = "春节"
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    out[date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    out[date(year, 5, 1)] = out[date(year, 5, 2)] = "劳动节"
    out[_solar(Lunar.fromYmd(year, 5, 5))] = "端午节"
    out[_solar(Lunar.fromYmd(year, 8, 15))] = "中秋节"
    for day in (1, 2, 3):
        out[date(year, 10, day)] = "国庆节"
    return out


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@cache
def library_knows(year: int) -> bool:
    """Whether ``chinese_calendar`` holds the published schedule of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class _Year:
    """One year's working days as a table: ``workday[i]`` for the year's i-th day (0 = 1 January)
    and ``upto[i]``, how many working days the year has from 1 January through day i. Built once
    per year (a few ms: the library checks its whole table on every question), then every
    question about the year is a lookup."""

    first: date
    workday: bytes
    upto: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.upto[-1]

    def index(self, day: date) -> int:
        return (day - self.first).days


class WorkCalendar:
    """Working-day arithmetic in O(1) per question (per year spanned): a table per year of
    working-day counts, so a deadline label ten years overdue costs what one due today costs."""

    def __init__(self, overrides: dict[int, OverrideYear] | None = None):
        self.overrides = overrides or {}
        self._years: dict[int, _Year] = {}

    @classmethod
    def from_table(cls, table: dict, source: Source | None = None) -> WorkCalendar:
        """The years of holidays.toml; with ``source`` every fault names the file and line."""
        source = source or Source(data_dir() / HOLIDAYS_FILE)
        root = Table(source, table, ())
        overrides: dict[int, OverrideYear] = {}
        for key in list(table):
            if not str(key).isdigit() or not 1900 < int(key) < 2200:
                raise source.error((str(key),), "not_year")
            year = int(key)
            entry = root.table(key)
            holidays, workdays = entry.dates("holidays"), entry.dates("workdays")
            entry.done()
            for name, days in (("holidays", holidays), ("workdays", workdays)):
                for day in days:
                    if day.year != year:
                        raise source.error((str(key), name), "wrong_year", value=day, year=year)
            for day in set(holidays) & set(workdays):
                raise source.error((str(key), "workdays"), "both", value=day)
            overrides[year] = OverrideYear(holidays=set(holidays), workdays=set(workdays))
        return cls(overrides)

    def knows_schedule(self, year: int) -> bool:
        """Whether the 调休 schedule of ``year`` is known (holidays.toml or the library)."""
        return year in self.overrides or library_knows(year)

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            first = date(year, 1, 1)
            days = (date(year + 1, 1, 1) - first).days
            flags = bytes(self._decide(first + timedelta(days=i)) for i in range(days))
            running, upto = 0, []
            for flag in flags:
                running += flag
                upto.append(running)
            table = self._years[year] = _Year(first, flags, tuple(upto))
        return table

    def is_workday(self, day: date) -> bool:
        year = self._year(day.year)
        return bool(year.workday[year.index(day)])

    def _decide(self, day: date) -> bool:
        override = self.overrides.get(day.year)
        if override is not None:
            if day in override.workdays:
                return True
            if day in override.holidays:
                return False
            return day.weekday() < 5
        if library_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The day ``days`` working days after ``start`` (start itself not counted)."""
        if days <= 0:
            return start
        year = self._year(start.year)
        want = year.upto[year.index(start)] + days  # counted from 1 January of start's year
        while want > year.total:
            want -= year.total
            year = self._year(year.first.year + 1)
        return year.first + timedelta(days=bisect_left(year.upto, want))

    def next_workday(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def due(self, start: date, days: int, kind: str = WORKING) -> date:
        if kind == NATURAL:
            return self.next_workday(start + timedelta(days=days))
        if kind != WORKING:
            raise ValueError(f"unknown day kind {kind!r}")
        return self.add_working_days(start, days)

    def due_after(self, start: date, term: Term) -> date:
        """The deadline of a rule of data/rules.toml (a Term) starting on ``start``."""
        return self.due(start, term.days, term.kind)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        first, last = self._year(start.year), self._year(end.year)
        count = last.upto[last.index(end)] - first.upto[first.index(start)]
        for year in range(start.year, end.year):
            count += self._year(year).total
        return count


@cache
def office_calendar() -> WorkCalendar:
    """The office's calendar: the library, with data/holidays.toml on top (checked)."""
    path = data_dir() / HOLIDAYS_FILE
    try:
        table = _read_toml(path)
    except FileNotFoundError:
        table = {}
    return WorkCalendar.from_table(table, Source(path))


def schedule_notice(person: Person, today: date, *, with_path: bool = True) -> str | None:
    """For an admin: the year whose 调休 schedule is missing, and where to enter it.

    This year's, whenever it is missing; next year's from November on, when the State Council
    has usually published it. Others are not told: they cannot fix it. ``with_path=False`` for
    a screen, which shows no file paths (only the office's language); the command line names
    the file."""
    if not person.admin:
        return None
    cal = office_calendar()
    for year in (today.year, today.year + 1):
        if year > today.year and today.month < NOTICE_FROM_MONTH:
            break
        if not cal.knows_schedule(year):
            if not with_path:
                return t("calendar.schedule_missing_screen", year=year)
            return t("calendar.schedule_missing", year=year, file=data_dir() / HOLIDAYS_FILE)
    return None


__all__ = ["OverrideYear", "RulesError", "WorkCalendar", "library_knows", "office_calendar",
           "schedule_notice", "statutory_holidays"]
