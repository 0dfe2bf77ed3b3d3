"""Per-unit statistics of 建议提案 (SPEC §11 "Statistics per unit: on-time rate, satisfaction
rate, adoption rate"), as plain data for the 督查室 screen: one row per lead unit and the
office's total, counts 待办/在办/已答复/已反馈 beside the three rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import JOIN

from govdesk.models import Suggestion, Unit
from govdesk.models import suggestion as states
from govdesk.services import validate
from govdesk.services.context import Actor

# Which count each state goes to; 待交办 ones have no unit yet and are counted apart.
TODO = (states.HANDLING,)  # with the unit, no reply drafted yet
DOING = (states.REVIEW, states.APPROVAL, states.SENDING, states.REDO)
REPLIED = (states.REPLIED,)
ANSWERED = (states.IMPLEMENTING, states.CLOSED, states.IMPLEMENTED)  # 已反馈
CONTENT = (states.SATISFIED, states.FAIRLY)


@dataclass(frozen=True)
class UnitStats:
    unit: str  # the lead unit's short name ("" for the total)
    total: int
    todo: int  # 待办
    doing: int  # 在办
    replied: int  # 已答复, feedback awaited
    answered: int  # 已反馈
    on_time: int  # replies sent by their deadline
    due: int  # replies sent, and those past their deadline not sent
    satisfied: int  # 满意 + 基本满意
    feedbacks: int
    adopted: int
    sent: int  # replies sent

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time, self.due)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.feedbacks)

    @property
    def adoption_rate(self) -> float | None:
        return self._rate(self.adopted, self.sent)


@dataclass(frozen=True)
class Statistics:
    year: int | None
    unassigned: int  # 待交办: registered, no unit yet
    units: list[UnitStats]  # by total, most first
    total: UnitStats


def _stats(unit: str, rows: list[tuple], today: date) -> UnitStats:
    def count(test) -> int:
        return sum(1 for r in rows if test(r))

    # r: (state, reply_due, replied_on, feedback, adopted)
    return UnitStats(
        unit=unit, total=len(rows),
        todo=count(lambda r: r[0] in TODO), doing=count(lambda r: r[0] in DOING),
        replied=count(lambda r: r[0] in REPLIED), answered=count(lambda r: r[0] in ANSWERED),
        on_time=count(lambda r: r[2] is not None and r[1] is not None and r[2] <= r[1]),
        due=count(lambda r: r[2] is not None or (r[1] is not None and r[1] < today)),
        satisfied=count(lambda r: r[3] in CONTENT), feedbacks=count(lambda r: bool(r[3])),
        adopted=count(lambda r: r[2] is not None and r[4]),
        sent=count(lambda r: r[2] is not None))


def statistics(actor: Actor, *, year: int | None = None,
               source: str | None = None) -> Statistics:
    """Every lead unit's figures (of ``year``'s 两会 and one ``source``, if given)."""
    if year is not None:
        year = validate.integer({"year": year}, "year", "year", default=None, low=2000,
                                high=2100)
    S = Suggestion
    q = (S.select(S.state, S.reply_due, S.replied_on, S.feedback, S.adopted, Unit.short)
         .join(Unit, on=(S.lead_unit == Unit.id), join_type=JOIN.LEFT_OUTER))
    if year is not None:
        q = q.where(S.year == year)
    if source in states.SOURCES:
        q = q.where(S.source == source)
    by_unit: dict[str, list[tuple]] = {}
    every: list[tuple] = []
    unassigned = 0
    for state, due, replied, feedback, adopted, unit in q.tuples():
        if unit is None:
            unassigned += 1
            continue
        row = (state, _day(due), _day(replied), feedback, bool(adopted))
        by_unit.setdefault(unit, []).append(row)
        every.append(row)
    today = actor.today
    units = sorted((_stats(u, rows, today) for u, rows in by_unit.items()),
                   key=lambda s: (-s.total, s.unit))
    return Statistics(year, unassigned, units, _stats("", every, today))


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


def statistics_text(stats: Statistics) -> str:
    """The figures as plain text, one line per lead unit and the total: 《建议提案办理情况》 to
    save or hand on (SPEC §11 statistics per unit; §15 plain text)."""
    from govdesk.i18n import t

    lines = [t("suggestion.text_title", year=stats.year or t("suggestion.text_all_years")),
             t("suggestion.text_summary", n=stats.total.total, unassigned=stats.unassigned),
             ""]
    for row in [*stats.units, stats.total] if stats.units else []:
        lines.append(t(
            "suggestion.text_line", unit=row.unit or t("suggestion.stats_total"),
            total=row.total, todo=row.todo, doing=row.doing, replied=row.replied,
            answered=row.answered, on_time=_percent(row.on_time_rate),
            on_time_n=row.on_time, due=row.due,
            satisfied=_percent(row.satisfaction_rate), satisfied_n=row.satisfied,
            feedbacks=row.feedbacks, adopted=_percent(row.adoption_rate),
            adopted_n=row.adopted, sent=row.sent))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Satisfaction:
    """The deputies' and members' latest feedback on the replies (SPEC §11): how many said
    满意, 基本满意 and 不满意 (of ``year``'s 两会 and one ``source``, if given)."""

    year: int | None
    satisfied: int
    fairly: int
    dissatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.fairly + self.dissatisfied

    def counts(self) -> tuple[tuple[str, int], ...]:
        return ((states.SATISFIED, self.satisfied), (states.FAIRLY, self.fairly),
                (states.DISSATISFIED, self.dissatisfied))


def satisfaction(actor: Actor, *, year: int | None = None,
                 source: str | None = None) -> Satisfaction:
    """满意/基本满意/不满意: one count each, in SQL."""
    from peewee import fn

    if year is not None:
        year = validate.integer({"year": year}, "year", "year", default=None, low=2000,
                                high=2100)
    S = Suggestion
    q = (S.select(S.feedback, fn.COUNT(S.id))
         .where(S.feedback.in_((states.SATISFIED, states.FAIRLY, states.DISSATISFIED))))
    if year is not None:
        q = q.where(S.year == year)
    if source in states.SOURCES:
        q = q.where(S.source == source)
    found = dict(q.group_by(S.feedback).tuples())
    return Satisfaction(year, found.get(states.SATISFIED, 0), found.get(states.FAIRLY, 0),
                        found.get(states.DISSATISFIED, 0))
