"""The 秘书科's 差错 publications (Supp. §5(四)(六)) as .docx in the 简报 layout and as .txt:
the statistics of a period (by category, section, person) and the yearly evaluation of each
section's documents. Both take the figures once from services/outgoing/error_register and print
the same rows in either format.

The 差错 screen, whose figures these are, opens for every user, so neither file refuses anyone;
the register itself, a list of each 差错 with whom it names, is for 秘书科 and administrators
(services/exports). Keep the figures in step with the screen if it gains a rule.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

from govdesk.i18n import t
from govdesk.services import office_files
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError
from govdesk.services.office_files import bulletin, wordfile
from govdesk.services.outgoing import error_register as er


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def stats_period(request: office_files.Request, today: date) -> tuple[date, date]:
    """The days the statistics cover, both in: as asked, else the whole month of the one date
    given (either end), else this month."""
    since, until = request.since, request.until
    if since is not None and until is not None:
        return since, until
    day = since or until or today
    return day.replace(day=1), _month_end(day)


def stats_title(since: date, until: date) -> str:
    """2026年11月公文差错统计 for a whole month, else the days: 2026年11月1日至11月20日…"""
    if since.day == 1 and until == _month_end(since):
        span = t("publications.stats_month", year=since.year, month=since.month)
    else:
        first, last = bulletin.span_days(since, until)
        span = t("publications.stats_span", start=first, end=last)
    return t("publications.stats_title", span=span)


def stats_sheet(stats: er.ErrorStats, since: date, until: date, title: str,
                day: date) -> bulletin.Sheet:
    """The statistics laid out: an overview, then one heading and table per grouping."""
    body: list[str | bulletin.Table] = [
        wordfile.first_level(1, t("publications.overview")),
        t("publications.stats_overview", start=wordfile.chinese_date(since),
          end=wordfile.chinese_date(until), n=stats.total)]
    for n, (heading, head, rows) in enumerate(er.statistics_tables(stats), 2):
        body.append(wordfile.first_level(n, heading))
        body.append(bulletin.Table(tuple(head), tuple(tuple(r) for r in rows)) if rows
                    else t("error_register.none"))
    return bulletin.Sheet("error_stats", day, title, tuple(body),
                          period=bulletin.span_text(since, until))


def _build_stats(actor: Actor, request: office_files.Request, path: Path, fmt: str
                 ) -> office_files.Made:
    since, until = stats_period(request, actor.today)
    stats = er.statistics(since, until + timedelta(days=1))  # [start, end)
    title = stats_title(since, until)
    sheet = stats_sheet(stats, since, until, title, actor.today)
    made = bulletin.save(sheet, er.statistics_text(stats, title), path, fmt)
    return office_files.Made(made, bulletin.summary(sheet))


def evaluation_year(request: office_files.Request, today: date) -> int:
    """The year evaluated: ``--record`` (2026 or 2026年), else the year of ``--from`` (or of
    ``--to``), else this year; a year that is not one is refused naming the option."""
    if request.record is not None:
        text = request.record.strip().removesuffix("年度").removesuffix("年")
        if not (text.isdigit() and len(text) == 4):
            raise ValidationError(t("publications.f_year"),
                                  t("publications.bad_year", value=request.record),
                                  name="record")
        er.period_bounds(int(text))  # 2000–2100, the register's own bounds
        return int(text)
    since, until = request.since, request.until
    if since is not None and until is not None and since.year != until.year:
        # a period across two years: which year's evaluation is wanted is not for us to guess
        raise ValidationError(t("publications.f_year"), t(
            "publications.two_years", since=since, until=until), name="from")
    day = since or until or today
    return day.year


def evaluation_sheet(year: int, rows: list[er.SectionEvaluation], day: date) -> bulletin.Sheet:
    body: tuple[str | bulletin.Table, ...] = (
        t("publications.evaluation_overview", year=year,
          documents=sum(e.documents for e in rows), flawed=sum(e.with_errors for e in rows)),
        bulletin.Table(tuple(er.evaluation_head()),
                       tuple(tuple(er.evaluation_row(e)) for e in rows)))
    return bulletin.Sheet("error_evaluation", day, t("error_register.evaluation_title", year=year),
                          body, period=t("publications.evaluation_period", year=year))


def _build_evaluation(actor: Actor, request: office_files.Request, path: Path, fmt: str
                      ) -> office_files.Made:
    year = evaluation_year(request, actor.today)
    rows = er.yearly_evaluation(year)
    sheet = evaluation_sheet(year, rows, actor.today)
    made = bulletin.save(sheet, er.evaluation_text(year, rows), path, fmt)
    return office_files.Made(made, bulletin.summary(sheet))


office_files.register(office_files.FileKind(
    "error_stats", ("差错统计", "errors-stats"), (".docx", ".txt"), frozenset({"period"}),
    _build_stats))
office_files.register(office_files.FileKind(
    "error_evaluation", ("差错年度评价", "errors-year"), (".docx", ".txt"),
    frozenset({"record", "period"}), _build_evaluation))
