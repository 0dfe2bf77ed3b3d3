"""Leaders' weeks: what each does, who is away, who acts (SPEC §2, §7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from govdesk.i18n import t
from govdesk.models import Absence, Person, ScheduleEntry, database
from govdesk.services import audit, org, validate
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@dataclass
class LeaderWeek:
    leader: Person
    entries: list[ScheduleEntry] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    away_now: Absence | None = None
    acting: Person | None = None  # who acts while away (for the 区长: the acting head)


def leader_weeks(today: date, now: datetime | None = None) -> list[LeaderWeek]:
    """区长, 常务副区长, then the 副区长: each one's week, absences, and who acts."""
    now = now or datetime.combine(today, time(9))
    people = org.leaders()
    weeks = person_weeks(people, today, now)
    return [weeks[p.id] for p in people]


def person_weeks(people: list[Person], today: date, now: datetime) -> dict[int, LeaderWeek]:
    """This week's schedule and absences of any people, keyed by person id."""
    monday, sunday = week_of(today)
    start = datetime.combine(monday, time.min)
    end = datetime.combine(sunday, time.max)
    ids = [p.id for p in people]
    weeks = {p.id: LeaderWeek(p) for p in people}
    for e in (ScheduleEntry.select().where(
            ScheduleEntry.person.in_(ids) & (ScheduleEntry.start >= start)
            & (ScheduleEntry.start <= end)).order_by(ScheduleEntry.start)):
        weeks[e.person_id].entries.append(e)
    for a in (Absence.select().where(
            Absence.person.in_(ids) & (Absence.start <= end) & (Absence.end >= start))
            .order_by(Absence.start)):
        week = weeks[a.person_id]
        week.absences.append(a)
        if a.start <= now <= a.end:
            week.away_now = a
            week.acting = a.acting
            if week.leader.rank == "区长" and week.acting is None:
                week.acting = org.acting_head(now)[0]  # Part 1 §7
    return weeks


def _leader(person: object, name: str = "person", label: str = "work.f_leader") -> Person:
    if not isinstance(person, Person):
        raise ValidationError(t(label), t("errors.pick_person"), name=name)
    return person


def _moment(value: object, name: str, label: str) -> datetime:
    """``value`` as a moment; ``name`` the argument, ``label`` its catalog key."""
    if not isinstance(value, datetime):
        raise ValidationError(t(label), t("work.not_moment"), name=name)
    if not 2000 <= value.year <= 2100:
        raise ValidationError(t(label), t("errors.date_range"), name=name)
    return value


def add_entry(actor: Actor, person: Person, start: datetime, end: datetime, title: str,
              place: str = "") -> ScheduleEntry:
    person = _leader(person)
    start = _moment(start, "start", "work.f_start")
    end = _moment(end, "end", "work.f_end")
    title = validate.text({"title": title}, "title", t("work.f_title"), required=True, limit=200)
    place = validate.text({"place": place}, "place", t("work.f_place"), limit=200)
    if end <= start:
        raise ValidationError(t("work.f_end"), t("work.end_after_start"), name="end")
    with database.atomic():
        entry = ScheduleEntry.create(person=person, start=start, end=end, title=title,
                                     place=place)
        audit.record(actor, "schedule.add", "schedule_entry", entry.id,
                     after=audit.snapshot(entry))
    return entry


def add_absence(actor: Actor, person: Person, start: datetime, end: datetime, *,
                destination: str = "", reason: str = "", contact: str = "",
                documents_via: str = "", acting: Person | None = None) -> Absence:
    person = _leader(person)
    start = _moment(start, "start", "work.f_leave")
    end = _moment(end, "end", "work.f_return")
    texts = {key: validate.text({key: value}, key, t(f"work.f_{key}"), limit=200)
             for key, value in (("destination", destination), ("reason", reason),
                                ("contact", contact), ("documents_via", documents_via))}
    destination, reason = texts["destination"], texts["reason"]
    contact, documents_via = texts["contact"], texts["documents_via"]
    if acting is not None:
        acting = _leader(acting, "acting", "work.f_acting")
    if end <= start:
        raise ValidationError(t("work.f_return"), t("work.return_after_leave"), name="end")
    if person.rank == "区长" and acting is None:
        acting = org.by_rank("常务副区长")  # Part 1 §7
    with database.atomic():
        absence = Absence.create(person=person, start=start, end=end, destination=destination,
                                 reason=reason, contact=contact, documents_via=documents_via,
                                 acting=acting)
        audit.record(actor, "absence.add", "absence", absence.id, after=audit.snapshot(absence))
    return absence


# ---- plain views for the screens: frozen, names resolved, no peewee rows ----


@dataclass(frozen=True)
class PersonRef:
    """A person as a screen shows one."""

    id: int
    name: str
    post: str
    rank: str

    @classmethod
    def of(cls, person: Person) -> PersonRef:
        return cls(person.id, person.name, person.post, person.rank or "")


@dataclass(frozen=True)
class EntryView:
    start: datetime
    end: datetime
    title: str
    place: str


@dataclass(frozen=True)
class AbsenceView:
    start: datetime
    end: datetime
    destination: str
    reason: str
    contact: str
    documents_via: str


@dataclass(frozen=True)
class WeekView:
    """A LeaderWeek as plain data (the same attribute names, so widgets take either)."""

    leader: PersonRef
    entries: tuple[EntryView, ...]
    absences: tuple[AbsenceView, ...]
    away_now: AbsenceView | None
    acting: PersonRef | None


def _absence_view(a: Absence) -> AbsenceView:
    return AbsenceView(a.start, a.end, a.destination or "", a.reason or "", a.contact or "",
                       a.documents_via or "")


def week_view(week: LeaderWeek) -> WeekView:
    return WeekView(
        PersonRef.of(week.leader),
        tuple(EntryView(e.start, e.end, e.title, e.place or "") for e in week.entries),
        tuple(_absence_view(a) for a in week.absences),
        _absence_view(week.away_now) if week.away_now is not None else None,
        PersonRef.of(week.acting) if week.acting is not None else None)


def leader_week_views(today: date, now: datetime | None = None) -> list[WeekView]:
    """leader_weeks as plain data, for the screens."""
    return [week_view(w) for w in leader_weeks(today, now)]
