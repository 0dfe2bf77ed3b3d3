"""Working days: weekends and public holidays skipped, 调休 makeup days counted (SPEC §16).

The library knows the official schedule up to the year it was released; later years come from
data/holidays.toml, which the office fills in from the State Council's notice each year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import chinese_calendar

from govdesk.services.rules import load_toml


@dataclass
class OverrideYear:
    holidays: set[date] = field(default_factory=set)
    workdays: set[date] = field(default_factory=set)


class WorkCalendar:
    def __init__(self, overrides: dict[int, OverrideYear] | None = None):
        self.overrides = overrides or {}

    @classmethod
    def from_table(cls, table: dict) -> WorkCalendar:
        overrides: dict[int, OverrideYear] = {}
        for year, entry in table.items():
            overrides[int(year)] = OverrideYear(
                holidays={date.fromisoformat(str(d)) for d in entry.get("holidays", [])},
                workdays={date.fromisoformat(str(d)) for d in entry.get("workdays", [])},
            )
        return cls(overrides)

    def is_workday(self, day: date) -> bool:
        override = self.overrides.get(day.year)
        if override is not None:
            if day in override.workdays:
                return True
            if day in override.holidays:
                return False
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The day ``days`` working days after ``start`` (start itself not counted)."""
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def next_workday(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def due(self, start: date, days: int, kind: str = "working") -> date:
        if kind == "natural":
            return self.next_workday(start + timedelta(days=days))
        if kind != "working":
            raise ValueError(f"unknown day kind {kind!r}")
        return self.add_working_days(start, days)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


@cache
def office_calendar() -> WorkCalendar:
    try:
        table = load_toml("holidays.toml")
    except FileNotFoundError:
        table = {}
    return WorkCalendar.from_table(table)
