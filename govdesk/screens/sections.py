"""Section screens for keys 2–6 (秘书科, key 1, has its own module: secretariat.py).

综合调研科 and 信息科 live here; 跟线秘书, 督查室 and 接待办 have their own modules and are
re-exported so ``from govdesk.screens.sections import …`` finds all five.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Select

from govdesk.i18n import t, term
from govdesk.screens.line import LineSecretariesScreen
from govdesk.screens.reception import ReceptionScreen
from govdesk.screens.section_panes import TabbedSectionScreen
from govdesk.screens.supervision import SupervisionScreen
from govdesk.services import section_work
from govdesk.widgets.desk_table import columns
from govdesk.widgets.filter_line import SearchBox


class PortfolioPane:
    """The leaders' 分管 table (who oversees which units, who follows them) as a tab."""

    def compose_portfolio(self) -> ComposeResult:
        yield Label(t("section.portfolio_title"), id="portfolio-title", classes="panel-title")
        yield columns(DataTable(id="portfolio"),
                      ("home.col_leader", 16), ("section.col_secretary", 8),
                      ("section.col_unit_count", 4), ("section.col_units", 42))

    def fill_portfolio(self, rows: list[section_work.PortfolioView]) -> None:
        table = self.query_one("#portfolio", DataTable)  # type: ignore[attr-defined]
        table.clear()
        for row in rows:
            leader = Text(f"{term(row.leader.rank)} ", style="dim")
            leader.append(row.leader.name, style="bold")
            units = "、".join(row.units) or t("common.none")
            table.add_row(leader, "、".join(row.secretaries), str(len(row.units)), units,
                          height=None, key=str(row.leader.id))


class ResearchScreen(PortfolioPane, TabbedSectionScreen):
    SECTION_CODES = ("diaoyan",)
    PANES = ("work", "portfolio", "members")

    def compose_pane(self, pane: str) -> ComposeResult:
        if pane == "portfolio":
            yield from self.compose_portfolio()

    def load_panes(self, actor, query) -> list[section_work.PortfolioView]:
        return section_work.portfolio_views()

    def show_panes(self, panes: list[section_work.PortfolioView]) -> None:
        self.fill_portfolio(panes)


class InformationScreen(PortfolioPane, TabbedSectionScreen):
    """信息科: units submit information; the directory finds one by characters or pinyin."""

    SECTION_CODES = ("xinxi",)
    PANES = ("work", "units", "portfolio", "members")
    _kinds_shown = False
    DEFAULT_CSS = """
    InformationScreen #unit-filter { height: auto; }
    InformationScreen #unit-search { width: 1fr; }
    InformationScreen #unit-kind { width: 24; }
    """

    def compose_pane(self, pane: str) -> ComposeResult:
        if pane == "portfolio":
            yield from self.compose_portfolio()
        elif pane == "units":
            yield Label(id="units-title", classes="panel-title")
            with Horizontal(id="unit-filter"):
                yield SearchBox(placeholder=t("section.unit_search_hint"), id="unit-search",
                                list_id="units", compact=False)
                # The kinds arrive with the first load (show_panes).
                yield Select([], prompt=t("section.all_kinds"), id="unit-kind")
            yield columns(DataTable(id="units"),
                          ("section.col_unit_short", 14), ("section.col_kind", 8),
                          ("section.col_level", 4), ("section.col_unit_leader", 8),
                          ("section.col_secretary", 8), ("section.col_unit_name", 36))

    def extra_query(self) -> tuple[str, str]:
        query = self.query_one("#unit-search", Input).value
        kind = self.query_one("#unit-kind", Select).value
        return query, "" if kind is Select.NULL else str(kind)

    def load_panes(self, actor, query: tuple[str, str]):
        return (section_work.portfolio_views(), section_work.unit_directory(*query),
                section_work.unit_kinds())

    def show_panes(self, panes) -> None:
        portfolio, units, kinds = panes
        self.fill_portfolio(portfolio)
        self.fill_units(units)
        select = self.query_one("#unit-kind", Select)
        if not self._kinds_shown:  # once: setting the options again would drop the choice
            self._kinds_shown = True
            select.set_options([(k, k) for k in kinds])

    def fill_units(self, rows: list[section_work.UnitRow]) -> None:
        table = self.query_one("#units", DataTable)
        table.clear()
        for u in rows:
            table.add_row(term(u.short), u.kind, u.level, u.leader, u.secretary, term(u.name),
                          key=str(u.id))
        self.query_one("#units-title", Label).update(t("section.units_title", n=len(rows)))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "unit-search":
            self.refresh_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "unit-search":
            self.query_one("#units", DataTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "unit-kind":
            self.refresh_data()


__all__ = [
    "InformationScreen",
    "LineSecretariesScreen",
    "ReceptionScreen",
    "ResearchScreen",
    "SupervisionScreen",
]
