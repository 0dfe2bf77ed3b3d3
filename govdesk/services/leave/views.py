"""What the 请假 detail screen shows, as plain data (DESIGN "The UI thread never waits"):
``detail_view`` resolves the names and counts the working days in the screen's worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from govdesk.models import LeaveRequest
from govdesk.services.calendar import office_calendar
from govdesk.services.context import Actor


@dataclass(frozen=True)
class LeaveDetail:
    id: int
    title: str
    state: str
    person: str  # the name of who asks
    unit: str  # the unit's short name
    grade: str  # 正职 / 副职
    starts_on: date
    ends_on: date
    days: int  # working days, the first included when it is one
    destination: str
    reason: str
    contact: str
    registered_by: str
    created_at: datetime
    returned_on: date | None


def detail_view(actor: Actor, row: LeaveRequest) -> LeaveDetail:
    """The plain view of ``row`` (already read through ``get``, clearance checked)."""
    calendar = office_calendar()
    days = calendar.working_days_between(row.starts_on, row.ends_on) + (
        1 if calendar.is_workday(row.starts_on) else 0)
    return LeaveDetail(
        id=row.id, title=row.title, state=row.state, person=row.person.name,
        unit=row.unit.short, grade=row.grade, starts_on=row.starts_on, ends_on=row.ends_on,
        days=days, destination=row.destination, reason=row.reason, contact=row.contact,
        registered_by=row.registered_by.name, created_at=row.created_at,
        returned_on=row.returned_on,
    )
