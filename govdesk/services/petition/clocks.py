"""The clocks of a 信访 case (SPEC §9, §16): the district's own — 转办 the same working day, the
unit's answer in 5 or 10 working days (Part 2 §3) — and, beside them, the statutory ones of
《信访工作条例》(2022): 15 days from registering to accept/transfer or tell the petitioner, 60 days
from acceptance to resolve it (once extended by at most 30 with reason and approval), and for a
复查 or 复核 30 days to ask and 30 to decide. Terms in data/rules.toml [petition].

Each clock says when it started, when it is due, whether it stopped and when, and the days left
(working days for the district's, calendar days for the statutory ones). A case late on any
clock shows late: the district's answer clock and the statutory ones never contradict silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govdesk.models import Petition, PetitionReview
from govdesk.models import petition as states
from govdesk.services.calendar import office_calendar
from govdesk.services.rules import office_rules

WORKING, NATURAL = "working", "natural"
# Clock names (catalog petition.clock.<name>).
ANSWER, ACCEPT, RESOLVE = "answer", "accept", "resolve"
REVIEW_REQUEST, REVIEW_DECISION = "review_request", "review_decision"


@dataclass(frozen=True)
class Clock:
    name: str
    kind: str  # WORKING or NATURAL: how ``left`` counts
    started: date
    due: date
    stopped: date | None  # the day it was met (None: still running)
    left: int  # days left today (negative: overdue by that many); 0 once stopped
    late: bool  # overdue now, or met after its due date
    statutory: bool
    detail: str = ""  # 复查 / 复核, or an extension's days

    @property
    def running(self) -> bool:
        return self.stopped is None


def answer_days(importance: str, units: int) -> int:
    """Part 2 §3(三): 5 working days; 10 for an important matter or one of several units."""
    petition = office_rules().petition
    return (petition.important_answer_days if importance == states.IMPORTANT or units > 1
            else petition.answer_days)


def answer_due(importance: str, units: int, transferred: date) -> date:
    return office_calendar().due(transferred, answer_days(importance, units), WORKING)


def accept_due(registered: date) -> date:
    return office_calendar().due(registered, office_rules().petition.accept_days, NATURAL)


def resolve_due(accepted: date, extension_days: int = 0) -> date:
    petition = office_rules().petition
    return office_calendar().due(accepted, petition.resolve_days + extension_days, NATURAL)


def review_request_due(decided: date) -> date:
    return office_calendar().due(decided, office_rules().petition.review_request_days, NATURAL)


def review_decision_due(requested: date) -> date:
    return office_calendar().due(requested, office_rules().petition.review_decision_days,
                                 NATURAL)


def _clock(name: str, kind: str, started: date, due: date, stopped: date | None, today: date,
           *, statutory: bool, detail: str = "") -> Clock:
    if stopped is not None:
        return Clock(name, kind, started, due, stopped, 0, stopped > due, statutory, detail)
    if kind == WORKING:
        left = office_calendar().working_days_between(today, due)
    else:
        left = (due - today).days
    return Clock(name, kind, started, due, None, left, today > due, statutory, detail)


def clocks(row: Petition, reviews: list[PetitionReview], today: date) -> list[Clock]:
    """Every clock of the case that has started, in the order they start."""
    out: list[Clock] = []
    registered = row.created_at.date()
    decided = row.accepted_on or row.told_on
    out.append(_clock(ACCEPT, NATURAL, registered, accept_due(registered), decided, today,
                      statutory=True))
    if row.accepted_on is not None:
        if row.answer_due is not None:
            out.append(_clock(ANSWER, WORKING, row.accepted_on, row.answer_due,
                              row.answered_on, today, statutory=False))
        out.append(_clock(RESOLVE, NATURAL, row.accepted_on,
                          resolve_due(row.accepted_on, row.extension_days), row.closed_on,
                          today, statutory=True,
                          detail=str(row.extension_days) if row.extension_days else ""))
    last_decision = row.closed_on
    for review in sorted(reviews, key=lambda r: (r.requested_on, r.id)):
        if last_decision is not None:
            out.append(_clock(REVIEW_REQUEST, NATURAL, last_decision,
                              review_request_due(last_decision), review.requested_on, today,
                              statutory=True, detail=review.kind))
        out.append(_clock(REVIEW_DECISION, NATURAL, review.requested_on,
                          review_decision_due(review.requested_on), review.decided_on, today,
                          statutory=True, detail=review.kind))
        last_decision = review.decided_on
    return out


def is_late(row: Petition, reviews: list[PetitionReview], today: date) -> bool:
    """Late on any clock still running (an answer or decision overdue now)."""
    return any(c.late and c.running for c in clocks(row, reviews, today))
