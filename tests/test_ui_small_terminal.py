"""An 80×24 terminal: Home shows today's schedule, eight inbox rows and the deadlines; lists keep
their state, deadline and holder columns and cut the title with "…"; F1 lists every key and
scrolls; check boxes say ☑/☐ without colour; 繁體 writes the office's own names in Traditional.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from govdesk.app import GovDesk
from govdesk.i18n import term
from govdesk.screens.help import HelpScreen
from govdesk.services import org
from govdesk.widgets.checkbox import CHECKED, UNCHECKED, Checkbox
from govdesk.widgets.desk_table import ELLIPSIS
from govdesk.widgets.paged_table import PagedTable
from tests.conftest import NOW
from tests.helpers.workers import settle, wait_for

SMALL = (80, 24)


def desk(login: str = "lixm") -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW, settings={})


def screen_lines(app) -> list[str]:
    """The screen as the user reads it, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def visible_rows(table: DataTable) -> int:
    """Rows the table has room to show, under its header."""
    return min(table.row_count, table.scrollable_content_region.height - table.header_height)


def on_screen(app, table: DataTable) -> bool:
    return table.region.bottom <= app.size.height and table.region.height > 0


def column_end(table: DataTable, key: str) -> int:
    """The cell where a column ends, counted from the table's left edge."""
    end = 0
    for column in table.ordered_columns:
        end += column.get_render_width(table)
        if column.key.value == key:
            return end
    raise KeyError(key)


async def test_home_at_80x24_shows_today_eight_inbox_rows_and_the_deadlines(demo_db):
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "周四 11-26" in text  # NOW: Thursday 26 November, today's schedule
        inbox = app.screen.query_one("#inbox", DataTable)
        assert inbox.row_count >= 8
        assert visible_rows(inbox) >= 8 and on_screen(app, inbox)
        deadlines = app.screen.query_one("#deadlines", DataTable)
        assert visible_rows(deadlines) >= 2 and on_screen(app, deadlines)
        schedule = app.screen.query_one("#schedule", DataTable)
        assert on_screen(app, schedule) and schedule.row_count >= 1
        # every leader's day is on screen, not one leader's week
        leaders = {w.leader.name for w in app.screen.query_one("#schedule")._shown[0]}
        assert all(name in text for name in leaders)
        # the inbox keeps its last column and cuts long titles
        assert column_end(inbox, "col_note") <= inbox.size.width
        assert any(ELLIPSIS in line for line in lines)


async def test_home_on_a_large_terminal_shows_the_week(demo_db):
    app = desk()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "周一 11-23" in text and "▶周四 11-26" in text
        await pilot.resize_terminal(*SMALL)
        await pilot.pause(0.2)
        text = "\n".join(screen_lines(app))
        assert "周一 11-23" not in text and "周四 11-26" in text
        # resized while another section shows: Home follows when shown again
        await pilot.press("1")
        await settle(pilot)
        await pilot.resize_terminal(160, 48)
        await pilot.pause(0.2)
        await pilot.press("0")
        await settle(pilot)
        assert "周一 11-23" in "\n".join(screen_lines(app))


async def test_the_register_keeps_state_deadline_and_holder_at_80_columns(demo_db):
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        table = app.screen.query_one("#register", PagedTable)
        await wait_for(pilot, lambda: table.row_count > 0, "the register's first page")
        room = table.size.width - table.styles.scrollbar_size_vertical
        for key in ("state", "due", "holders"):
            assert column_end(table, key) <= room, key
        lines = screen_lines(app)
        header = next(line for line in lines if line.strip().startswith("收文编号"))
        assert all(name in header for name in ("状态", "期限", "在办"))
        titles = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        cut_title = next(t for t in titles if len(t) * 2 > table.columns["title"].width)
        shown = [line for line in lines if cut_title[:3] in line]
        assert shown and ELLIPSIS in shown[0]
        # the stored title is whole: only the drawing is cut
        assert ELLIPSIS not in cut_title
        await pilot.resize_terminal(200, 48)
        await pilot.pause(0.3)
        assert any(cut_title in line for line in screen_lines(app))


async def test_help_lists_every_key_and_scrolls_at_80x24(demo_db):
    from govdesk import commands

    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        offered = list(commands.offered(app.screen))
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", DataTable)
        assert table.row_count == len(offered)
        assert table.max_scroll_y > 0  # more keys than the box shows: it scrolls
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1
        assert table.scroll_y == table.max_scroll_y
        last = str(table.get_row_at(table.row_count - 1)[1])
        assert any(last in line for line in screen_lines(app))


class Boxes(App):
    def compose(self) -> ComposeResult:
        yield Checkbox("甲", id="off")
        yield Checkbox("乙", True, id="on")


async def test_check_boxes_show_their_state_as_a_character():
    app = Boxes()
    async with app.run_test(size=(40, 8)) as pilot:
        lines = screen_lines(app)
        assert any(UNCHECKED in line and "甲" in line for line in lines)
        assert any(CHECKED in line and "乙" in line for line in lines)
        app.query_one("#off", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert any(CHECKED in line and "甲" in line for line in screen_lines(app))


async def test_the_forms_use_the_check_box_with_a_character(demo_db):
    app = desk()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("n")  # 新登记收文
        await settle(pilot)
        boxes = list(app.screen.query("Checkbox"))
        assert boxes and all(isinstance(box, Checkbox) for box in boxes)
        assert any(UNCHECKED in line for line in screen_lines(app))


async def test_traditional_shows_section_and_post_names_in_traditional(demo_db, hant):
    app = desk()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "15" in app.sub_title, "the header's count")
        assert "秘書科 文書" in app.sub_title
        assert "李晓梅" in app.sub_title  # a person's name as she writes it
        await pilot.press("1")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "秘書科人員" in text and "副科長" in text
        assert "陈海林" in text  # names are names
        assert "秘书科" not in text
    # stored as it was
    assert org.section("mishu").name == "秘书科"


def test_term_converts_office_names_only_in_traditional(hant):
    from govdesk.i18n import set_office_words

    set_office_words(["秘书科", "办一科", "办二科", "副科长"])
    try:
        assert term("秘书科") == "秘書科"
        assert term("办一科、办二科") == "辦一科、辦二科"
        assert term("副科长") == "副科長"
        assert term("陈海林") == "陈海林"  # not an office word: a person's name
        assert term("秘书科、陈海林") == "秘書科、陈海林"
    finally:
        set_office_words([])
