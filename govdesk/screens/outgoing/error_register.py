"""差错登记与统计 (SPEC §5; Supp. §5(四)(六)): a month, a quarter or a year of 差错 by category,
section and person, the yearly evaluation of each section's documents, and a text export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Label, Select

from govdesk.i18n import t, term
from govdesk.screens.base import DeskScreen
from govdesk.services import exporting, exports, office_files
from govdesk.services.outgoing import error_register
from govdesk.services.outgoing.rules import ERROR_CATEGORIES
from govdesk.widgets.filter_line import SearchBox


@dataclass(frozen=True)
class ErrorRegisterData:
    year: int
    label: str
    stats: error_register.ErrorStats
    evaluation: list[error_register.SectionEvaluation]


# Period choices: whole year, Q1–Q4, months 1–12.
PERIODS = [("year", None), *[(f"q{q}", q) for q in range(1, 5)],
           *[(f"m{m}", m) for m in range(1, 13)]]


class ErrorRegisterScreen(DeskScreen):
    HOWTO = "howto.errors"  # F1's how-to (screens/help.py)
    COMMAND_IDS = ("errors.back", "errors.export", "errors.previous", "errors.next")
    _stats: error_register.ErrorStats | None = None
    DEFAULT_CSS = """
    ErrorRegisterScreen #period { height: 1; }
    ErrorRegisterScreen #period Label { width: auto; padding: 0 1; }
    ErrorRegisterScreen #year { width: 8; }
    ErrorRegisterScreen #span { width: 16; }
    ErrorRegisterScreen #tables { height: 1fr; }
    ErrorRegisterScreen DataTable { height: auto; max-height: 16; margin-bottom: 1; }
    ErrorRegisterScreen .panel-title { background: $boost; text-style: bold; width: 100%;
                                       padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="period"):
            yield Label(t("outgoing.err_year"))
            yield SearchBox(id="year", type="integer", list_id="by-category")
            yield Label(t("outgoing.err_span"))
            yield Select([(t(f"outgoing.period_{key}"), key) for key, _ in PERIODS],
                         value="year", allow_blank=False, id="span", compact=True)
            yield Label("", id="total")
        with VerticalScroll(id="tables"):
            for key in ("category", "section", "person", "evaluation"):
                yield Label(id=f"title-{key}", classes="panel-title")
                yield DataTable(id=f"by-{key}", cursor_type="row", zebra_stripes=True)

    def setup(self) -> None:
        super().setup()
        self.sub_title = t("outgoing.error_register")
        self.query_one("#year", Input).value = str(self.actor.today.year)
        cats = [term(c) for c in ERROR_CATEGORIES]
        self.query_one("#by-category", DataTable).add_columns(t("outgoing.err_category"),
                                                              t("outgoing.err_count"))
        for key in ("section", "person"):
            self.query_one(f"#by-{key}", DataTable).add_columns(
                t(f"outgoing.err_{key}"), *cats, t("outgoing.err_total"))
        self.query_one("#by-evaluation", DataTable).add_columns(
            t("outgoing.err_section"), t("outgoing.ev_documents"), t("outgoing.ev_flawed"),
            t("outgoing.ev_rate"), *cats)
        self.query_one("#span", Select).focus()

    def _period(self) -> tuple[int, int | None, int | None, str]:
        raw = self.query_one("#year", Input).value.strip()
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else self.actor.today.year
        span = str(self.query_one("#span", Select).value)
        number = dict(PERIODS)[span]
        month = number if span.startswith("m") else None
        quarter = number if span.startswith("q") else None
        label = t("outgoing.period_title", year=year, span=t(f"outgoing.period_{span}"))
        return year, month, quarter, label

    def data_query(self) -> tuple[int, int | None, int | None, str]:
        return self._period()

    def load_data(self, actor, query) -> ErrorRegisterData:
        year, month, quarter, label = query
        start, end = error_register.period_bounds(year, month=month, quarter=quarter)
        return ErrorRegisterData(year, label, error_register.statistics(start, end),
                                 error_register.yearly_evaluation(year))

    def show_data(self, data: ErrorRegisterData) -> None:
        year, label, stats = data.year, data.label, data.stats
        self.query_one("#total", Label).update(t("outgoing.err_total_line", title=label,
                                                 n=stats.total))
        cats = list(ERROR_CATEGORIES)
        table = self.query_one("#by-category", DataTable)
        table.clear()
        for c in cats:
            table.add_row(term(c), str(stats.by_category[c]))
        self.query_one("#title-category", Label).update(t("outgoing.err_by_category"))
        for key, group in (("section", stats.by_section), ("person", stats.by_person)):
            table = self.query_one(f"#by-{key}", DataTable)
            table.clear()
            for name, counter in sorted(group.items(), key=lambda kv: -sum(kv[1].values())):
                table.add_row(name, *[str(counter[c]) for c in cats],
                              str(sum(counter.values())))
            self.query_one(f"#title-{key}", Label).update(t(f"outgoing.err_by_{key}",
                                                            n=len(group)))
        table = self.query_one("#by-evaluation", DataTable)
        table.clear()
        for e in data.evaluation:
            table.add_row(e.section, str(e.documents), str(e.with_errors), f"{e.error_rate:.0%}",
                          *[str(e.errors[c]) for c in cats])
        self.query_one("#title-evaluation", Label).update(t("outgoing.ev_title", year=year))
        self._stats = stats

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "span":
            self.refresh_data()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "year":
            self.refresh_data()

    def action_step_period(self, step: int) -> None:
        select = self.query_one("#span", Select)
        keys = [key for key, _ in PERIODS]
        select.value = keys[(keys.index(str(select.value)) + step) % len(keys)]

    def action_back(self) -> None:
        self.app.pop_screen()

    def person_checks(self) -> dict:
        return {**super().person_checks(), "clerk": exports.clerk}

    def export_offers(self) -> list:
        """e: the period's statistics and the year's evaluation as publications (.docx, .txt),
        and the register itself (.xlsx, .csv)."""
        if self._stats is None:  # not shown yet
            return []
        year, _, _, label = self._period()
        stats, today = self._stats, self.app.actor().now.date()
        return [
            exporting.file_offer("error_stats", t("outgoing.err_total_line", title=label,
                                                  n=stats.total),
                                 t("exporting.error_stats_stem", start=f"{stats.start:%Y%m%d}",
                                   end=f"{stats.end - timedelta(days=1):%Y%m%d}"),
                                 office_files.Request(since=stats.start,
                                                      until=stats.end - timedelta(days=1))),
            exporting.file_offer("error_evaluation", t("outgoing.ev_title", year=year),
                                 t("exporting.error_evaluation_stem", year=year),
                                 office_files.Request(since=date(year, 1, 1),
                                                      until=date(year, 12, 31))),
            # the register itself for 秘书科 and administrators, who alone may have it
            exporting.register_offer("errors", today) if "clerk" in self.granted else None,
        ]
