"""差错 statistics (SPEC §5; Supp. §5(四)(六)): by month or quarter, by section, person, category,
and the yearly evaluation of each section's documents. Plain text export for circulation."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from peewee import JOIN

from govdesk.i18n import t
from govdesk.models import ErrorRecord, OutgoingDocument, Person, Section
from govdesk.services.errors import ValidationError
from govdesk.services.outgoing.rules import ERROR_CATEGORIES
from govdesk.services.textwidth import pad


def _refuse(name: str, message: str, **values: object) -> ValidationError:
    """A refusal of the argument ``name``, labelled error_register.field.<name>."""
    return ValidationError(t(f"error_register.field.{name}"), t(message, **values), name=name)


def period_bounds(year: int, *, month: int | None = None, quarter: int | None = None
                  ) -> tuple[date, date]:
    """[start, end) of a month, a quarter, or the whole year."""
    for name, value in (("year", year), ("month", month), ("quarter", quarter)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise _refuse(name, "errors.integer")
    if not 2000 <= year <= 2100:
        raise _refuse("year", "errors.between", low=2000, high=2100)
    if month is not None and quarter is not None:
        raise _refuse("period", "error_register.month_or_quarter")
    if month is not None:
        if not 1 <= month <= 12:
            raise _refuse("month", "errors.between", low=1, high=12)
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
    elif quarter is not None:
        if not 1 <= quarter <= 4:
            raise _refuse("quarter", "errors.between", low=1, high=4)
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    else:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return start, end


@dataclass
class ErrorStats:
    start: date
    end: date
    total: int
    by_category: dict[str, int]
    by_section: dict[str, Counter]
    by_person: dict[str, Counter]


def statistics(start: date, end: date) -> ErrorStats:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, date):
            raise _refuse(name, "error_register.not_date")
    start = start.date() if isinstance(start, datetime) else start
    end = end.date() if isinstance(end, datetime) else end
    rows = (ErrorRecord.select(ErrorRecord, Section, Person)
            .join(Section, on=(ErrorRecord.section == Section.id))
            .switch(ErrorRecord)
            .join(Person, join_type=JOIN.LEFT_OUTER, on=(ErrorRecord.person == Person.id))
            .where((ErrorRecord.at >= datetime.combine(start, time.min))
                   & (ErrorRecord.at < datetime.combine(end, time.min))))
    by_category: Counter = Counter()
    by_section: dict[str, Counter] = defaultdict(Counter)
    by_person: dict[str, Counter] = defaultdict(Counter)
    total = 0
    unnamed = t("error_register.unnamed")
    for r in rows:
        total += 1
        by_category[r.category] += 1
        by_section[r.section.name][r.category] += 1
        who = r.person.name if r.person_id else unnamed
        by_person[who][r.category] += 1
    return ErrorStats(start, end, total, {c: by_category[c] for c in ERROR_CATEGORIES},
                      dict(by_section), dict(by_person))


@dataclass(frozen=True)
class SectionEvaluation:
    section: str
    documents: int
    with_errors: int
    errors: dict[str, int]

    @property
    def error_rate(self) -> float:
        return self.with_errors / self.documents if self.documents else 0.0


def yearly_evaluation(year: int) -> list[SectionEvaluation]:
    """每年对各科室所办公文进行综合评比 (Supp. §5(六)): documents drafted, how many had errors."""
    start, end = period_bounds(year)
    lo, hi = datetime.combine(start, time.min), datetime.combine(end, time.min)
    docs = (OutgoingDocument.select(OutgoingDocument.id, OutgoingDocument.drafting_section,
                                    OutgoingDocument.review_section)
            .where((OutgoingDocument.created_at >= lo) & (OutgoingDocument.created_at < hi)))
    doc_section: dict[int, int] = {}
    counts: Counter = Counter()
    for d in docs:
        sid = d.drafting_section_id or d.review_section_id
        if sid is None:
            continue
        doc_section[d.id] = sid
        counts[sid] += 1
    errors: dict[int, Counter] = defaultdict(Counter)
    flawed: dict[int, set[int]] = defaultdict(set)
    for r in ErrorRecord.select().where((ErrorRecord.at >= lo) & (ErrorRecord.at < hi)):
        errors[r.section_id][r.category] += 1
        if r.document_id in doc_section:  # only this year's documents count towards the rate
            flawed[r.section_id].add(r.document_id)
    out = []
    for section in Section.select().where(~Section.code.in_(["lingdao", "zhuren"])).order_by(
            Section.order):
        out.append(SectionEvaluation(section.name, counts[section.id], len(flawed[section.id]),
                                     {c: errors[section.id][c] for c in ERROR_CATEGORIES}))
    return out


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    from govdesk.services.textwidth import cells

    widths = [max(cells(str(x)) for x in col) + 2 for col in zip(header, *rows, strict=False)]
    return ["".join(pad(str(v), w) for v, w in zip(row, widths, strict=False)).rstrip()
            for row in [header, *rows]]


def statistics_tables(stats: ErrorStats) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, head row, rows) of the statistics — by category, by section, by person — as
    both the text and the .docx print them (categories, sections and names as stored)."""
    cats = list(ERROR_CATEGORIES)
    out = [(t("error_register.by_category"),
            [t("error_register.col_category"), t("error_register.col_count")],
            [[c, str(stats.by_category[c])] for c in cats])]
    for key, group in (("section", stats.by_section), ("person", stats.by_person)):
        rows = [[name, *[str(counter[c]) for c in cats], str(sum(counter.values()))]
                for name, counter in sorted(group.items(), key=lambda kv: -sum(kv[1].values()))]
        out.append((t(f"error_register.by_{key}"),
                    [t(f"error_register.col_{key}"), *cats, t("error_register.col_total")], rows))
    return out


def statistics_text(stats: ErrorStats, title: str) -> str:
    """The statistics for circulation, headed in the user's language (categories, sections and
    names are the office's records and stay as stored)."""
    lines = [title, t("error_register.period_line", start=f"{stats.start:%Y-%m-%d}",
                      end=f"{stats.end:%Y-%m-%d}"),
             t("error_register.total_line", n=stats.total)]
    for heading, head, rows in statistics_tables(stats):
        lines += ["", heading]
        lines += _table(head, rows) if rows else [t("error_register.none")]
    return "\n".join(lines) + "\n"


def evaluation_row(e: SectionEvaluation) -> list[str]:
    """One section's line as printed: documents, those with errors, the rate, each category."""
    return [e.section, str(e.documents), str(e.with_errors), f"{e.error_rate:.0%}",
            *[str(e.errors[c]) for c in ERROR_CATEGORIES]]


def evaluation_head() -> list[str]:
    return [t("error_register.col_section"), t("error_register.col_documents"),
            t("error_register.col_flawed"), t("error_register.col_rate"), *ERROR_CATEGORIES]


def evaluation_text(year: int, evaluation: list[SectionEvaluation] | None = None) -> str:
    """The yearly evaluation as plain text; ``evaluation`` when already computed (the .docx of
    the same year prints the same rows)."""
    if evaluation is None:
        evaluation = yearly_evaluation(year)
    rows = [evaluation_row(e) for e in evaluation]
    lines = [t("error_register.evaluation_title", year=year), ""]
    lines += _table(evaluation_head(), rows)
    return "\n".join(lines) + "\n"
