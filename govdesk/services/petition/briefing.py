"""The 直线电话受理中心's periodic briefing (Part 5 直线电话受理中心 2(4): 定期編發各類簡報; SPEC §9
"periodic briefings with statistics by category and unit"): for a week or a month, the cases
received by channel and by category, the calls in and out of scope, and per responsible unit the
cases transferred and the on-time rate of their answers — drawn as bars with the figures beside
them, as plain text to save; and the 直线电话's own briefing of its calls by scope, category and
where the out-of-scope callers were sent. Counts only: no petitioner or caller appears in
either. The .docx of both (office_files/pubs_petition) prints the same figures."""

from __future__ import annotations

import calendar as _cal
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from govdesk.i18n import t
from govdesk.models import HotlineCall, Petition, PetitionUnit, Unit
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError
from govdesk.services.petition import masking
from govdesk.services.petition import workflow as pet

WEEK, MONTH = "week", "month"
BAR = 20  # the longest bar, in cells


@dataclass(frozen=True)
class UnitLine:
    unit: str
    cases: int  # transferred to it (as lead unit) in the period
    answered: int
    due: int  # answered, or past their answer's deadline unanswered
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class Briefing:
    period: str  # WEEK or MONTH
    starts_on: date
    ends_on: date
    cases: int
    by_channel: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    calls: int
    calls_in_scope: int
    calls_elsewhere: list[tuple[str, int]]  # out of scope, by where they were sent
    units: list[UnitLine]
    repeats: int


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The week (Monday–Sunday) or the calendar month holding ``day``."""
    if kind == WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == MONTH:
        return day.replace(day=1), day.replace(day=_cal.monthrange(day.year, day.month)[1])
    raise ValidationError(t("petition.f_period"), t("errors.one_of", choices="周、月"),
                          name="period")


def briefing(actor: Actor, kind: str = WEEK, day: date | None = None) -> Briefing:
    """The briefing of the week or month holding ``day`` (today by default)."""
    pet.require_staff(actor.person)
    start, end = period_of(kind, day or actor.today)
    cases = list(Petition.select().where((Petition.received_on >= start)
                                         & (Petition.received_on <= end)))
    channels = Counter(c.channel for c in cases)
    # A petitioner's name typed into a category is counted under its mask (the file goes out).
    people = masking.people_by_case(c.id for c in cases if "⟦" in (c.category or ""))
    categories = Counter(masking.render(c.category, people.get(c.id, []), allowed=False)
                         or t("petition.no_category") for c in cases)
    calls = call_figures(kind, start, end)
    transferred = list(
        PetitionUnit.select(PetitionUnit, Petition, Unit)
        .join(Petition, on=(PetitionUnit.petition == Petition.id))
        .switch(PetitionUnit).join(Unit, on=(PetitionUnit.unit == Unit.id))
        .where(PetitionUnit.lead & (Petition.accepted_on >= start)
               & (Petition.accepted_on <= end)))
    per_unit: dict[str, list[int]] = {}
    for pu in transferred:
        case = pu.petition
        line = per_unit.setdefault(pu.unit.short, [0, 0, 0, 0])
        line[0] += 1
        answered = case.answered_on is not None
        due = answered or (case.answer_due is not None and case.answer_due < actor.today)
        line[1] += answered
        line[2] += due
        line[3] += answered and case.answer_due is not None and case.answered_on <= case.answer_due
    units = sorted((UnitLine(u, *v) for u, v in per_unit.items()),
                   key=lambda u: (-u.cases, u.unit))
    return Briefing(kind, start, end, len(cases), channels.most_common(),
                    categories.most_common(), calls.calls, calls.in_scope, calls.elsewhere,
                    units, sum(c.repeat_of_id is not None for c in cases))


@dataclass(frozen=True)
class CallFigures:
    """The 直线电话's calls of a period: how many, how many in scope, by scope item, by category
    (a caller's name typed into it counted under its mask), and out of scope by where the
    caller was sent."""

    period: str
    starts_on: date
    ends_on: date
    calls: int
    in_scope: int
    by_scope: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    elsewhere: list[tuple[str, int]]


def call_figures(kind: str, start: date, end: date) -> CallFigures:
    """The calls from ``start`` to ``end`` (both days in) counted; who may read them is the
    caller's to check (``briefing``, ``hotline_briefing``)."""
    from govdesk.services.petition.hotline import scope_item

    calls = list(HotlineCall.select().where(
        (HotlineCall.called_at >= start) & (HotlineCall.called_at < end + timedelta(days=1))))
    scopes = Counter((scope_item(c.scope).name if scope_item(c.scope) else c.scope)
                     for c in calls)
    categories = Counter(masking.render(c.category, [{"name": c.caller, "phone": c.phone}],
                                        allowed=False) or t("petition.no_category")
                         for c in calls)
    elsewhere = Counter((scope_item(c.scope).place if scope_item(c.scope) else c.scope)
                        for c in calls if not c.in_scope)
    return CallFigures(kind, start, end, len(calls), sum(c.in_scope for c in calls),
                       scopes.most_common(), categories.most_common(), elsewhere.most_common())


def hotline_briefing(actor: Actor, kind: str = WEEK, day: date | None = None) -> CallFigures:
    """The 直线电话's own briefing of the week or month holding ``day`` (today by default): for
    the 督查室 and the hotline, like the 信访 briefing; counts only, no caller in it."""
    pet.require_staff(actor.person)
    start, end = period_of(kind, day or actor.today)
    return call_figures(kind, start, end)


def bar(n: int, most: int) -> str:
    """A bar of ``n`` against the largest ``most``, at least one cell for anything counted."""
    if n <= 0 or most <= 0:
        return ""
    return "█" * max(1, round(BAR * n / most))


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


def bar_block(title: str, pairs: list[tuple[str, int]]) -> list[str]:
    """A count per line under ``title``: the name, its bar, the number; a blank line after."""
    lines = [title]
    most = max((n for _, n in pairs), default=0)
    width = max((len(k) for k, _ in pairs), default=0)
    for key, n in pairs:
        lines.append(f"  {key:\u3000<{width}} {bar(n, most):<{BAR}} {n}")
    if not pairs:
        lines.append("  " + t("petition.brief_none"))
    lines.append("")
    return lines


def hotline_text(f: CallFigures) -> str:
    """The 直线电话 briefing as plain text: the counts, each as a bar with its number."""
    lines = [hotline_title(f),
             t("publications.hotline_summary", calls=f.calls, inside=f.in_scope,
               outside=f.calls - f.in_scope), ""]
    lines += bar_block(t("publications.hotline_by_scope"), f.by_scope)
    lines += bar_block(t("petition.brief_by_category"), f.by_category)
    lines += bar_block(t("petition.brief_elsewhere"), f.elsewhere)
    return "\n".join(lines).rstrip("\n") + "\n"


def hotline_title(f: CallFigures) -> str:
    return t(f"publications.hotline_title_{f.period}", start=f"{f.starts_on:%Y-%m-%d}",
             end=f"{f.ends_on:%Y-%m-%d}")


def briefing_title(b: Briefing) -> str:
    return t(f"petition.brief_title_{b.period}", start=f"{b.starts_on:%Y-%m-%d}",
             end=f"{b.ends_on:%Y-%m-%d}")


def briefing_text(b: Briefing) -> str:
    """The briefing as plain text: each count a bar with its number beside it."""
    lines = [briefing_title(b),
             t("petition.brief_summary", cases=b.cases, repeats=b.repeats, calls=b.calls,
               inside=b.calls_in_scope), ""]

    lines += bar_block(t("petition.brief_by_channel"), b.by_channel)
    lines += bar_block(t("petition.brief_by_category"), b.by_category)
    lines += bar_block(t("petition.brief_elsewhere"), b.calls_elsewhere)
    lines.append(t("petition.brief_by_unit"))
    most = max((u.cases for u in b.units), default=0)
    for u in b.units:
        lines.append("  " + t("petition.brief_unit_line", unit=u.unit,
                              bar=f"{bar(u.cases, most):<{BAR}}", cases=u.cases,
                              answered=u.answered, rate=rate_text(u.on_time_rate),
                              on_time=u.on_time, due=u.due))
    if not b.units:
        lines.append("  " + t("petition.brief_none"))
    return "\n".join(lines) + "\n"


def compile_briefing(actor: Actor, fields: dict) -> tuple[Briefing, str]:
    """A briefing form's values (``period``: week/month, ``day``: a day in it, today if empty)
    → the briefing and its text; a bad value names its field."""
    from govdesk.services import validate

    if not isinstance(fields, dict):
        fields = {}
    period = fields.get("period") or WEEK
    if period not in (WEEK, MONTH):
        raise ValidationError(t("petition.f_period"), t("errors.one_of", choices="周、月"),
                              name="period")
    day = validate.day(fields, "day", t("petition.f_brief_day"), actor.today)
    made = briefing(actor, period, day)
    return made, briefing_text(made)
