"""`govdesk demo` is dated back from the moment it is built, by the office clock the desk reads:
nothing done lies after that moment (however early, or on a day off), deadlines fall around
it, and the years in its titles are the year it is built in."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from peewee import DateTimeField

from govdesk.models import (
    ALL_MODELS,
    Absence,
    IncomingDocument,
    OutgoingDocument,
    ScheduleEntry,
    Task,
    close_database,
    open_database,
)
from govdesk.models.flow import WAITING
from govdesk.services import clock, demo, org
from govdesk.services.calendar import office_calendar

PLANS = {Absence, ScheduleEntry}  # what is planned may lie ahead; what was done may not
# Dates that say when something was done (the rest — deadlines, leave dates — may lie ahead).
DONE_DATES = {(IncomingDocument, "received_on"), (OutgoingDocument, "written_date"),
              (OutgoingDocument, "print_date")}

MOMENTS = [
    datetime(2026, 11, 26, 9, 30),   # the tests' NOW: a Thursday morning
    datetime(2026, 11, 30, 7, 15),   # a Monday before the office opens
    datetime(2026, 11, 29, 15, 0),   # a Sunday
    datetime(2026, 11, 26, 21, 40),  # an evening
    datetime(2027, 3, 3, 10, 0),     # another year
]


def _build(path, now):
    demo.build(path, now)
    open_database(path, create=False)


def _latest_done() -> list[tuple[str, str, object]]:
    rows = []
    for model in ALL_MODELS:
        if model in PLANS:
            continue
        for field in model._meta.sorted_fields:
            if isinstance(field, DateTimeField) or (model, field.name) in DONE_DATES:
                latest = model.select(field).where(field.is_null(False)).order_by(
                    field.desc()).scalar()
                if latest is not None:
                    rows.append((model.__name__, field.name, latest))
    return rows


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: m.strftime("%a-%H%M"))
def test_nothing_done_after_the_moment_it_is_built(tmp_path, now):
    _build(tmp_path / "demo.db", now)
    try:
        latest = _latest_done()
        assert latest
        for model, field, value in latest:
            limit = now if not isinstance(value, date) or isinstance(value, datetime) \
                else now.date()
            assert value <= limit, f"{model}.{field} = {value} after {now}"
        # The demo's own "today": the last working day already begun.
        day = demo.DemoClock.at_moment(now).today
        cal = office_calendar()
        assert cal.is_workday(day) and day <= now.date()
        assert (now.date() - day).days <= 4
        # Work arrived that day, and deadlines fall on both sides of it.
        assert IncomingDocument.select().where(IncomingDocument.received_on == day).exists()
        dues = [t.due for t in Task.select().where((Task.state == WAITING)
                                                   & Task.due.is_null(False))]
        assert min(dues) < day < max(dues)
        # The 区长 is away now: his signature waits on the acting head (代).
        assert org.away_on(org.by_rank("区长"), now) is not None
        assert Task.select().where((Task.state == WAITING)
                                   & Task.acting_for.is_null(False)).exists()
        # Titles speak of the year it is built in.
        titles = [d.title for d in OutgoingDocument.select()]
        assert any(f"{day.year}年" in title for title in titles)
        assert not any("{" in title for title in titles)
    finally:
        close_database()


def test_the_demo_reads_the_office_clock(tmp_path):
    """Built without a moment, the demo takes the office clock's now (pinned here, as the
    desk's clock is in tests)."""
    moment = datetime(2026, 11, 26, 9, 30)
    clock.pin(moment)
    try:
        _build(tmp_path / "demo.db", None)
        latest = max(v for _m, _f, v in _latest_done() if isinstance(v, datetime))
        assert latest <= moment
        assert latest.date() == moment.date()
    finally:
        clock.pin(None)
        close_database()


def test_the_hours_of_a_day_under_way_are_squeezed_before_now():
    at = demo.DemoClock.at_moment(datetime(2026, 11, 26, 9, 30))
    assert at.today == date(2026, 11, 26)
    times = [at.at(at.today, h, m) for h, m in ((8, 30), (9, 10), (10, 30), (14, 0), (17, 0))]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(t <= datetime(2026, 11, 26, 9, 30) for t in times)
    assert at.at(date(2026, 11, 25), 16) == datetime(2026, 11, 25, 16)  # a day gone: as is
    sunday = demo.DemoClock.at_moment(datetime(2026, 11, 29, 15))
    assert sunday.today == date(2026, 11, 27)  # the Friday before
    assert sunday.at(sunday.today, 17) == datetime(2026, 11, 27, 17)
