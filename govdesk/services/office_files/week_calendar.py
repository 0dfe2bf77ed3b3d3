"""The leaders' week as an iCalendar (SPEC §15 "Leader schedules → .ics"): one event an entry
or an absence, in the office's time zone with its VTIMEZONE. An event's UID is its record's id
at the database's own name (schema.database_id), so a calendar exported again updates its
events rather than adding them twice.
"""

from __future__ import annotations

from datetime import UTC, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from govdesk.i18n import t
from govdesk.models import Absence
from govdesk.services import schema
from govdesk.services.clock import office_timezone
from govdesk.services.context import Actor
from govdesk.services.office_files.week_data import Week, absence_words, entry_lines, span

if TYPE_CHECKING:
    import icalendar


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
            t("week.calendar", who=week.leaders[0].name, start=start, end=end))
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
        ev = event(f"schedule-entry-{e.id}", e.person_id, e.title, entry_lines(week, e))
        ev.add("dtstart", e.start.replace(tzinfo=zone))
        ev.add("dtend", e.end.replace(tzinfo=zone))
        if e.place:
            ev.add("location", e.place)
        cal.add_component(ev)
    for a in week.absences():
        summary, lines = absence_words(a)
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
