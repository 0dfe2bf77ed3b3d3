"""Who acts and when: passed into every service so tests pin the clock and the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from govdesk.models import Person
from govdesk.services.clock import office_now


@dataclass(frozen=True)
class Actor:
    person: Person
    # The office's clock (its time zone), never the server's naive local time.
    now: datetime = field(default_factory=office_now)

    @property
    def today(self) -> date:
        return self.now.date()

    def at(self, now: datetime) -> Actor:
        return Actor(self.person, now)
