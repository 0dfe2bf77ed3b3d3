"""Working-day arithmetic from per-year tables (services/calendar.py) answers exactly what
walking the calendar one day at a time answers: across years the library knows, years only
the statutory holidays cover, and years of data/holidays.toml, in both directions."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from govdesk.services.calendar import OverrideYear, WorkCalendar, office_calendar

# A year entered by the office (a made-up schedule) beside the library's and the statute's.
OVERRIDES = {2031: OverrideYear(holidays={date(2031, 3, 3), date(2031, 3, 4)},
                                workdays={date(2031, 3, 8)})}
CALENDARS = [WorkCalendar(), WorkCalendar(OVERRIDES), office_calendar()]
DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2036, 12, 31))


def walk_between(cal: WorkCalendar, start: date, end: date) -> int:
    if end < start:
        return -walk_between(cal, end, start)
    return sum(cal._decide(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def walk_add(cal: WorkCalendar, start: date, days: int) -> date:
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += cal._decide(day)
    return day


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(CALENDARS))), DAYS, DAYS)
def test_between_is_the_walk(which, start, end):
    cal = CALENDARS[which]
    assert cal.working_days_between(start, end) == walk_between(cal, start, end)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(CALENDARS))), DAYS, st.integers(min_value=-3, max_value=800))
def test_adding_is_the_walk(which, start, days):
    cal = CALENDARS[which]
    assert cal.add_working_days(start, days) == walk_add(cal, start, days)
    assert cal.is_workday(start) == cal._decide(start)


def test_an_entered_year_and_the_turn_of_a_year():
    cal = WorkCalendar(OVERRIDES)
    assert not cal.is_workday(date(2031, 3, 3)) and cal.is_workday(date(2031, 3, 8))
    # The office's 2031 replaces everything else for that year: 元旦 is a working day there.
    assert cal.add_working_days(date(2030, 12, 31), 1) == date(2031, 1, 1)
    # Without it, 2031's 元旦 is off by statute: 2030-12-31 (Tue) + 1 working day is 01-02.
    plain = WorkCalendar()
    assert plain.add_working_days(date(2030, 12, 31), 1) == date(2031, 1, 2)
    assert plain.working_days_between(date(2030, 12, 31), date(2031, 1, 2)) == 1
    # A decade overdue is one lookup per year spanned, and still exact.
    assert cal.working_days_between(date(2016, 11, 26), date(2026, 11, 26)) == walk_between(
        cal, date(2016, 11, 26), date(2026, 11, 26))
