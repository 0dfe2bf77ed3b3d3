"""The 直线电话受理中心's briefings (seed Part 5 直线电话受理中心 2(4): 定期编发各类简报; SPEC §9)
as .docx in the 简报 layout and as .txt: the 信访 briefing and the 直线电话's own, of a week
(Monday to Sunday) or a calendar month. The figures are services/petition/briefing's, counted
once for both formats, masked as that service masks them (counts only, a name typed into a
category under its mask), and read with its rule: the 督查室 and the hotline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from govdesk.i18n import t
from govdesk.services import office_files
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError
from govdesk.services.office_files import bulletin, wordfile
from govdesk.services.petition import briefing as briefings


def period(request: office_files.Request, today: date) -> tuple[str, date]:
    """(week or month, a day in it) of ``--from``/``--to``: the week of the one date given (this
    week without either); both given, they must be a whole week or a whole month."""
    since, until = request.since, request.until
    if since is None or until is None:
        return briefings.WEEK, since or until or today
    for kind in (briefings.WEEK, briefings.MONTH):
        if briefings.period_of(kind, since) == (since, until):
            return kind, since
    raise ValidationError(t("office_files.f_period"),
                          t("publications.brief_period", since=since, until=until), name="to")


def _pairs(head: tuple[str, str], pairs: list[tuple[str, int]]) -> bulletin.Table | str:
    if not pairs:
        return t("petition.brief_none")
    return bulletin.Table(head, tuple((name, str(n)) for name, n in pairs))


def _heading(n: int, key: str) -> str:
    return wordfile.first_level(n, t(key).rstrip("：:"))


def briefing_sheet(b: briefings.Briefing, day: date) -> bulletin.Sheet:
    """The 信访 briefing laid out: the summary line, then a table per count."""
    units = bulletin.Table(
        tuple(t(f"publications.col_{c}") for c in ("unit", "cases", "answered", "due",
                                                   "on_time", "rate")),
        tuple((u.unit, str(u.cases), str(u.answered), str(u.due), str(u.on_time),
               briefings.rate_text(u.on_time_rate)) for u in b.units))
    body = (
        t("petition.brief_summary", cases=b.cases, repeats=b.repeats, calls=b.calls,
          inside=b.calls_in_scope),
        _heading(1, "petition.brief_by_channel"),
        _pairs((t("publications.col_channel"), t("publications.col_count")), b.by_channel),
        _heading(2, "petition.brief_by_category"),
        _pairs((t("publications.col_category"), t("publications.col_count")), b.by_category),
        _heading(3, "petition.brief_elsewhere"),
        _pairs((t("publications.col_place"), t("publications.col_calls")), b.calls_elsewhere),
        _heading(4, "petition.brief_by_unit"),
        units if b.units else t("petition.brief_none"))
    return bulletin.Sheet("petition_briefing", day, t(f"publications.brief_heading_{b.period}"),
                          body,
                          period=bulletin.span_text(b.starts_on, b.ends_on))


def hotline_sheet(f: briefings.CallFigures, day: date) -> bulletin.Sheet:
    body = (
        t("publications.hotline_summary", calls=f.calls, inside=f.in_scope,
          outside=f.calls - f.in_scope),
        _heading(1, "publications.hotline_by_scope"),
        _pairs((t("publications.col_scope"), t("publications.col_calls")), f.by_scope),
        _heading(2, "petition.brief_by_category"),
        _pairs((t("publications.col_category"), t("publications.col_calls")), f.by_category),
        _heading(3, "petition.brief_elsewhere"),
        _pairs((t("publications.col_place"), t("publications.col_calls")), f.elsewhere))
    return bulletin.Sheet("hotline_briefing", day, t(f"publications.hotline_heading_{f.period}"),
                          body,
                          period=bulletin.span_text(f.starts_on, f.ends_on))


def _builder(figures: Callable[[Actor, str, date], Any],
             sheet_of: Callable[[Any, date], bulletin.Sheet], text_of: Callable[[Any], str]):
    """A kind's builder: the figures of the period asked for, counted once (and refused by the
    service to whoever may not have them), laid out as the .docx or given as the .txt."""
    def build(actor: Actor, request: office_files.Request, path: Path, fmt: str
              ) -> office_files.Made:
        kind, day = period(request, actor.today)
        data = figures(actor, kind, day)
        sheet = sheet_of(data, actor.today)
        made = bulletin.save(sheet, text_of(data), path, fmt)
        return office_files.Made(made, bulletin.summary(sheet))
    return build


office_files.register(office_files.FileKind(
    "petition_briefing", ("信访简报", "petition-brief"), (".docx", ".txt"),
    frozenset({"period"}),
    _builder(briefings.briefing, briefing_sheet, briefings.briefing_text)))
office_files.register(office_files.FileKind(
    "hotline_briefing", ("热线简报", "hotline-brief"), (".docx", ".txt"),
    frozenset({"period"}),
    _builder(briefings.hotline_briefing, hotline_sheet, briefings.hotline_text)))
