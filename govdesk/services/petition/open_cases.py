"""The 督查室 screen's 信访 tab (issue 13 item 2, "late answers flagged … in 督查室"): the cases
still open, the late first (late on the district's 5/10-day answer or on a statutory clock),
then by their nearest deadline, each with the days left of that clock. The rows are the
register's own (services.petition.views), so petitioners are masked for the reader exactly as
the register masks them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govdesk.models import Petition
from govdesk.services.context import Actor
from govdesk.services.petition import clocks, views

LIMIT = 500  # open cases shown at most (an office has tens; a big database a few hundred)


@dataclass(frozen=True)
class OpenCase:
    row: views.CaseRow
    clock: str  # the nearest running clock (catalog petition.clock.<name>); "" if none
    left: int | None  # its days left today (negative: overdue by that many)
    working: bool  # ``left`` counts working days (the district's clock), else calendar days

    @property
    def late(self) -> bool:
        return self.row.late


@dataclass(frozen=True)
class OpenCases:
    cases: list[OpenCase]
    late: int  # of the cases shown, late on any clock
    more: bool  # more open cases than shown


def _nearest(row: Petition, today: date) -> clocks.Clock | None:
    running = [c for c in clocks.clocks(row, [], today) if c.running]
    return min(running, key=lambda c: (c.due, c.statutory)) if running else None


def open_cases(actor: Actor, *, limit: int = LIMIT) -> OpenCases:
    """The open cases (not yet 办结 nor told 不予受理) for ``actor``: late first, then by the
    nearest deadline, then the newest."""
    limit = max(1, min(int(limit), LIMIT))
    rows = list(Petition.select().where(Petition.closed_on.is_null())
                .order_by(Petition.id.desc()).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    lines = views._rows(actor, rows)  # the register's rows: masked for the reader
    out = []
    for row, line in zip(rows, lines, strict=True):
        clock = _nearest(row, actor.today)
        out.append(OpenCase(line, clock.name if clock else "",
                            clock.left if clock else None,
                            clock is not None and clock.kind == clocks.WORKING))
    out.sort(key=lambda c: (not c.late, c.row.due or date.max, -c.row.id))
    return OpenCases(out, sum(1 for c in out if c.late), more)
