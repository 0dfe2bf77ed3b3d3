"""Task lists use a wide terminal for whole titles and names; a small one cuts the title with
"…" and keeps every other column on screen."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from govdesk.app import GovDesk
from govdesk.services import org
from govdesk.widgets.desk_table import TITLE_MIN, DeskTable, cut, fit_widths
from tests.conftest import NOW

DECLARED_TITLE = 44  # home.add_task_columns
DECLARED_HOLDER = 22


def desk(login: str = "lixm") -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def width_of(table: DataTable, key: str) -> int:
    return table.columns[key].width  # type: ignore[index]


def longest(table: DataTable, key: str) -> int:
    return max(cell_len(getattr(c, "plain", str(c))) for c in table.get_column(key))


def screen_lines(app) -> list[str]:
    """The screen as the user reads it, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


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


async def test_small_terminal_cuts_the_title_and_keeps_every_column_and_a_resize_follows(demo_db):
    app = desk("linzh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        table = app.screen.query_one("#deadlines", DeskTable)
        assert fits(table)  # 期限 … 在办 all on screen, no horizontal scrolling
        assert TITLE_MIN <= width_of(table, "col_title") < longest(table, "col_title")
        lines = screen_lines(app)
        assert any(line.rstrip().endswith("…") or "… " in line for line in lines)
        await pilot.resize_terminal(200, 60)
        await pilot.pause(0.3)
        assert width_of(table, "col_title") == longest(table, "col_title")
        assert fits(table)
        for columns in range(80, 131, 5):
            await pilot.resize_terminal(columns, 40)
            await pilot.pause(0.2)
            title = width_of(table, "col_title")
            assert TITLE_MIN <= title <= longest(table, "col_title"), columns
            assert fits(table), columns
            if title < longest(table, "col_title"):  # cut: only because the room is used up
                room = table.size.width - table.styles.scrollbar_size_vertical
                assert used(table) >= room - 1, columns  # a wide character left out whole
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        assert fits(table)


def test_fit_widths_gives_way_in_order():
    natural = {"due": 16, "title": 40, "name": 20}
    assert fit_widths(100, natural, "title", [("name", 10)], 2) == natural
    # The title first (to TITLE_COMFORT), then the name, then the title again.
    assert fit_widths(16 + 30 + 20 + 6, natural, "title", [("name", 10)], 2)["title"] == 30
    got = fit_widths(16 + 20 + 20 + 6, natural, "title", [("name", 10)], 2)
    assert got == {"due": 16, "title": 24, "name": 16}
    got = fit_widths(16 + 12 + 10 + 6, natural, "title", [("name", 10)], 2)
    assert got == {"due": 16, "title": 12, "name": 10}
    assert fit_widths(30, natural, "title", [("name", 10), ("name", 0)], 2)["name"] == 0
    # A declared width wider than anything in the column goes first, before the title.
    got = fit_widths(16 + 40 + 4 + 6, {"due": 16, "title": 40, "name": 22}, "title",
                     [("name", 10)], 2, loose=[("name", 4)])
    assert got == {"due": 16, "title": 40, "name": 4}


def test_cut_ends_with_an_ellipsis_at_a_character_boundary():
    assert cut(Text("关于开展检查"), 12).plain == "关于开展检查"
    assert cut(Text("关于开展检查"), 11).plain == "关于开展检…"
    assert cut(Text("关于开展检查"), 10).plain == "关于开展…"  # 9 cells: no half character
    assert cut(Text("ab关于"), 4).plain == "ab…"


async def test_section_work_lists_stretch_too(demo_db):
    app = desk("linzh")
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("5")  # 督查室: everyone's deadlines, on their tab
        await pilot.pause(0.3)
        app.screen.show_pane("deadlines")
        await pilot.pause(0.3)
        table = app.screen.query_one("#due", DeskTable)
        assert width_of(table, "col_title") == longest(table, "col_title") > DECLARED_TITLE
        assert width_of(table, "col_holder") == longest(table, "col_holder")
        assert fits(table)
