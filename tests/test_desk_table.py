"""Task lists use a wide terminal for whole titles and names, and keep their 80×24 layout."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import DataTable

from govdesk.app import GovDesk
from govdesk.services import org
from govdesk.widgets.desk_table import DeskTable
from tests.conftest import NOW

DECLARED_TITLE = 44  # home.add_task_columns
DECLARED_HOLDER = 22


def desk(login: str = "lixm") -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def width_of(table: DataTable, key: str) -> int:
    return table.columns[key].width  # type: ignore[index]


def longest(table: DataTable, key: str) -> int:
    return max(cell_len(getattr(c, "plain", str(c))) for c in table.get_column(key))


def used(table: DataTable) -> int:
    return sum(c.get_render_width(table) for c in table.columns.values())


def fits(table: DataTable) -> bool:
    """Every column is inside the table: no horizontal scrolling needed."""
    return used(table) <= table.size.width - table.styles.scrollbar_size_vertical


async def test_wide_terminal_shows_whole_titles_and_holders(demo_db):
    app = desk("linzh")  # the 主任 sees everyone's deadlines, with long titles and 代 holders
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause(0.3)
        table = app.screen.query_one("#deadlines", DeskTable)
        assert longest(table, "col_title") > DECLARED_TITLE  # the demo has titles that need it
        assert width_of(table, "col_title") == longest(table, "col_title")
        assert width_of(table, "col_holder") == max(DECLARED_HOLDER, longest(table, "col_holder"))
        assert fits(table)


async def test_small_terminal_keeps_the_declared_widths_and_a_resize_follows(demo_db):
    app = desk("linzh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        table = app.screen.query_one("#deadlines", DeskTable)
        assert width_of(table, "col_title") == DECLARED_TITLE
        assert width_of(table, "col_holder") == DECLARED_HOLDER
        await pilot.resize_terminal(200, 60)
        await pilot.pause(0.3)
        assert width_of(table, "col_title") == longest(table, "col_title")
        assert fits(table)
        for columns in range(100, 131, 2):
            await pilot.resize_terminal(columns, 40)
            await pilot.pause(0.2)
            title = width_of(table, "col_title")
            assert DECLARED_TITLE <= title <= longest(table, "col_title"), columns
            if title > DECLARED_TITLE:  # widened: then everything is on screen
                assert fits(table), columns
            if title < longest(table, "col_title"):  # cut: only because the room is used up
                assert used(table) >= table.size.width - table.styles.scrollbar_size_vertical
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        assert width_of(table, "col_title") == DECLARED_TITLE


async def test_section_work_lists_stretch_too(demo_db):
    app = desk("linzh")
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("5")  # 督查室: everyone's deadlines
        await pilot.pause(0.3)
        table = app.screen.query_one("#due", DeskTable)
        assert width_of(table, "col_title") == longest(table, "col_title") > DECLARED_TITLE
        assert width_of(table, "col_holder") == longest(table, "col_holder")
        assert fits(table)
