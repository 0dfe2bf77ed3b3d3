"""The leaders' week asked for (govdesk export 一周日程, the desk's ``e``): which week, which
leader, and each one's entries and absences as services.schedule reads them for Home and
接待办 — every user sees every leader's week there (entries, absences with where, the contact
and who acts), so the files hold the same; the schedule has no private or secret entry.

week_calendar.py writes it as .ics, week_sheet.py as the printable sheet; week.py is the kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from govdesk.i18n import t
from govdesk.models import Absence, Person, ScheduleEntry
from govdesk.services import office_files, org
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError
from govdesk.services.fulltext import simplified
from govdesk.services.office_files import wordfile
from govdesk.services.schedule import LeaderWeek, person_weeks, week_of

SEPARATOR = "、"


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


def absence_words(a: Absence) -> tuple[str, list[str]]:
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


def entry_lines(week: Week, e: ScheduleEntry) -> list[str]:
    lines = []
    if week.others.get(e.id):
        lines.append(t("week.with_others", names=SEPARATOR.join(week.others[e.id])))
    if (e.note or "").strip():
        lines.append(e.note.strip())
    return lines
