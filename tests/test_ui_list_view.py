"""Lists a clerk can narrow, sort and jump in (screens/list_view.py), through Pilot: the
filter line (l) on a task list and on the registers, kept across a restart; saved filters
(L); sort (S); a document by its number (#); Esc out of a search box."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label, OptionList, TabbedContent
from textual.widgets.data_table import ColumnKey

from govdesk.app import GovDesk
from govdesk.i18n import t
from govdesk.models import IncomingDocument
from govdesk.screens.home import HomeScreen
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.list_view import DOWN, UP, JumpModal, SavedFiltersModal, SortModal
from govdesk.screens.outgoing.detail import OutgoingDetailScreen
from govdesk.screens.search import SearchScreen
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.services import incoming, org, settings
from govdesk.widgets.filter_line import FilterLine
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.usefixtures("config_file")

SIZE = (160, 48)


def desk(login: str = "lixm") -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def rows(table: DataTable) -> list[list[str]]:
    return [[getattr(c, "plain", str(c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]


def label(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


async def test_the_filter_line_narrows_the_work_list_and_survives_a_restart(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SecretariatScreen)
        work = screen.query_one("#work", DataTable)
        whole = rows(work)
        assert any("发文" in r[2] for r in whole)
        await pilot.press("l", *"类:收文", "enter")
        await pilot.pause()
        shown = rows(work)
        assert shown and all(r[2].startswith("收文") for r in shown)
        assert len(shown) < len(whole)
        assert t("listview.filter_shown", text="类:收文", n=len(shown)) in label(screen,
                                                                                 "#work-title")
        assert screen.focused is work
        line = screen.query_one("#work-filter", FilterLine)
        assert line.display and line.value == "类:收文"
    assert settings.list_filters("lixm") == {"mishu.work": "类:收文"}

    app = desk()  # a new desk on the same database and config file
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        work = app.screen.query_one("#work", DataTable)
        assert rows(work) == shown
        assert "类:收文" in label(app.screen, "#work-title")
        # An empty line clears it, and that is kept too.
        await pilot.press("l", *["backspace"] * 8, "enter")
        await pilot.pause()
        assert rows(work) == whole
        assert "类:收文" not in label(app.screen, "#work-title")
        assert not app.screen.query_one("#work-filter", FilterLine).display
    assert settings.list_filters("lixm") == {}


async def test_a_bad_token_is_named_and_the_list_stays(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        work = screen.query_one("#work", DataTable)
        await pilot.press("l", *"急:特急", "enter")
        await pilot.pause()
        urgent = rows(work)
        assert urgent and {r[1] for r in urgent} == {"特急"}
        await pilot.press("l", *["backspace"] * 4, *"类:公文", "enter")
        await pilot.pause()
        assert rows(work) == urgent  # as it was
        line = screen.query_one("#work-filter", FilterLine)
        assert screen.focused is line  # to put right
        assert any("类:公文" in str(n.message) for n in app._notifications)
        await pilot.press("escape")  # back to the list, the filter in force kept
        await pilot.pause()
        assert screen.focused is work
        assert line.value == "急:特急" and rows(work) == urgent
        await pilot.press("escape")  # Esc on the list does what it does there (nothing)
        await pilot.pause()
        assert isinstance(app.screen, SecretariatScreen)


async def test_the_incoming_register_takes_a_filter_line_kept_across_a_restart(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "ctrl+l")
        await pilot.pause()
        screen = app.screen
        register = screen.query_one("#register", DataTable)
        assert screen.focused is register
        whole = rows(register)
        await pilot.press("l", *"急:加急", "enter")
        await pilot.pause()
        shown = rows(register)
        assert shown and {r[3] for r in shown} == {"加急"} and len(shown) < len(whole)
        assert t("listview.filter_shown", text="急:加急", n=len(shown)) in label(
            screen, "#register-title")
        assert rows(screen.query_one("#work", DataTable))  # the work list is not filtered
        assert "急:加急" not in label(screen, "#work-title")
    assert settings.list_filters("lixm") == {"mishu.incoming": "急:加急"}

    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert rows(app.screen.query_one("#register", DataTable)) == shown


async def test_esc_leaves_the_register_search_box_keeping_the_text(demo_db):
    """A bare number in the box finds that 收文, not every one holding its digits; Esc goes
    back to the register; a second Esc does what Esc does there."""
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "slash", "2", "1")
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#reg-search", Input)
        assert screen.focused is box
        register = screen.query_one("#register", DataTable)
        assert [r[0] for r in rows(register)] == [f"收〔{TODAY.year}〕21号"]
        await pilot.press("escape")
        await pilot.pause()
        assert screen.focused is register and box.value == "21"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and box.value == "21"


async def test_esc_leaves_the_one_search_box_first_and_the_screen_second(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *f"收[{TODAY.year}]21号")
        await pilot.pause()
        search = app.screen
        assert isinstance(search, SearchScreen)
        results = search.query_one("#search-results", DataTable)
        await pilot.press("enter")
        await pilot.pause()
        assert [r[1] for r in rows(results)] == [f"收〔{TODAY.year}〕21号"]
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert app.screen is search and search.focused is results
        assert search.query_one("#search-text", Input).value == f"收[{TODAY.year}]21号"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_hash_opens_a_document_by_its_number(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "number_sign")
        await pilot.pause()
        assert isinstance(app.screen, JumpModal)
        await pilot.press(*f"收({TODAY.year})21号", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IncomingDetailScreen)
        assert app.screen.doc_id == IncomingDocument.get(
            IncomingDocument.number == f"收〔{TODAY.year}〕21号").id
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+l", "o", "number_sign", "2", "enter")  # the 发文 register
        await pilot.pause()
        assert isinstance(app.screen, OutgoingDetailScreen)


async def test_hash_does_not_tell_a_secret_number_to_someone_not_cleared(demo_db):
    secret = IncomingDocument.get(IncomingDocument.number == f"收〔{TODAY.year}〕5号")
    assert secret.secrecy > org.person_by_login("zhangyt").clearance
    app = desk("zhangyt")
    async with app.run_test(size=SIZE) as pilot:
        # (Pilot types 〔〕 as nothing; [ ] are what a keyboard has anyway.)
        await pilot.press("1", "number_sign", *f"收[{TODAY.year}]5号", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SecretariatScreen)
        messages = [str(n.message) for n in app._notifications]
        assert t("listview.not_found", number=f"收[{TODAY.year}]5号") in messages
        await pilot.press("number_sign", *f"收[{TODAY.year}]99号", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SecretariatScreen)
        assert t("listview.not_found", number=f"收[{TODAY.year}]99号") in [
            str(n.message) for n in app._notifications]


async def test_sort_a_task_list_by_a_column_and_back(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        work = screen.query_one("#work", DataTable)
        titles = [r[3] for r in rows(work)]
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SortModal)
        await pilot.press("down", "down", "down", "down", "enter")  # 不排序, 期限, 缓急, 环节, 标题
        await pilot.pause()
        assert [r[3] for r in rows(work)] == sorted(titles)
        assert str(work.columns[ColumnKey("col_title")].label).endswith(UP)
        await pilot.press("S", "enter")  # the cursor starts on the sorted column: reversed
        await pilot.pause()
        assert [r[3] for r in rows(work)] == sorted(titles, reverse=True)
        assert str(work.columns[ColumnKey("col_title")].label).endswith(DOWN)
        await pilot.press("S", "home", "enter")  # 不排序: the list's own order
        await pilot.pause()
        assert [r[3] for r in rows(work)] == titles
        assert not str(work.columns[ColumnKey("col_title")].label).endswith((UP, DOWN))


async def test_the_register_sorts_by_number_in_sql(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "ctrl+l", "S")
        await pilot.pause()
        assert isinstance(app.screen, SortModal)
        # 不排序 and the columns the register sorts by, in SQL; the title is not one of them.
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            "", "number", "from_name", "urgency", "state", "received_on", "due"]
        assert t("listview.sort_registers_note") in [
            str(w.render()) for w in app.screen.query(Label)]
        await pilot.press("down", "enter")
        await pilot.pause()
        register = app.screen.query_one("#register", DataTable)
        numbers = [r[0] for r in rows(register)]
        assert numbers[:3] == [f"收〔{TODAY.year}〕{n}号" for n in (1, 2, 3)]
        assert str(register.columns[ColumnKey("number")].label).endswith(UP)
        assert label(app.screen, "#register-title") == t(
            "listview.incoming_oldest_first", n=len(numbers), more="")
        await pilot.press("S", "enter")
        await pilot.pause()
        assert [r[0] for r in rows(register)] == numbers[::-1]


async def test_saved_filters_are_saved_picked_and_deleted(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "l", *"类:收文", "enter")
        await pilot.pause()
        screen = app.screen
        work = screen.query_one("#work", DataTable)
        incoming_only = rows(work)
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, SavedFiltersModal)
        await pilot.press(*"收文件", "enter")
        await pilot.pause()
        assert settings.saved_filters("lixm") == {"收文件": "类:收文"}
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("l", *["backspace"] * 8, "enter")
        await pilot.pause()
        assert rows(work) != incoming_only
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("enter")  # the first saved filter
        await pilot.pause()
        assert app.screen is screen and rows(work) == incoming_only
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert settings.saved_filters("lixm") == {}
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_home_inbox_takes_a_filter_line(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        inbox = app.screen.query_one("#inbox", DataTable)
        whole = rows(inbox)
        await pilot.press("l", *"急:加急,特急", "enter")
        await pilot.pause()
        shown = rows(inbox)
        assert shown and {r[1] for r in shown} <= {"加急", "特急"} and len(shown) < len(whole)
        assert "急:加急,特急" in label(app.screen, "#inbox-title")
        deadlines = app.screen.query_one("#deadlines", DataTable)
        await pilot.press("tab", "l", *"类:收文", "enter")  # the deadlines below it
        await pilot.pause()
        assert app.screen.focused is deadlines
        assert rows(deadlines) and all(r[2].startswith("收文") for r in rows(deadlines))
        assert "类:收文" in label(app.screen, "#deadlines-title")
        assert rows(inbox) == shown
    assert settings.list_filters("lixm") == {"home.inbox": "急:加急,特急",
                                             "home.deadlines": "类:收文"}


async def test_the_palette_opens_a_document_by_its_number(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*t("listview.jump"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, JumpModal)
        await pilot.press("2", "1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IncomingDetailScreen)


async def test_the_filter_line_brings_a_tabbed_work_list_forward(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5", "right_square_bracket")  # 督查室, on its second tab
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#panes", TabbedContent).active != "pane-work"
        await pilot.press("l", *"类:收文", "enter")
        await pilot.pause()
        assert screen.query_one("#panes", TabbedContent).active == "pane-work"
        work = screen.query_one("#work", DataTable)
        assert screen.focused is work
        assert all(r[2].startswith("收文") for r in rows(work))
        assert "类:收文" in label(screen, "#work-title")
    assert settings.list_filters("lixm") == {"ducha.work": "类:收文"}


async def test_esc_leaves_the_error_register_year_for_its_tables_first(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "x")
        await pilot.pause()
        errors = app.screen
        year = errors.query_one("#year", Input)
        year.focus()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is errors
        assert errors.focused is errors.query_one("#by-category", DataTable)
        assert year.value == str(TODAY.year)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SecretariatScreen)


async def test_the_register_sorts_by_any_column_kept_across_a_restart(demo_db):
    """S on the 收文 register by 来文单位: the rows come in that order from SQL, ▲ on its
    header, the title says so; again S reverses it; the sort is kept for the person, so the
    next desk opens the register sorted the same way. The 发文 register offers its own."""
    clerk = org.person_by_login("lixm")
    from tests.conftest import actor

    expected = [r.number for r in incoming.register_page(
        actor("lixm"), sort="from_name", descending=False, limit=1000)]
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "ctrl+l", "S")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # 不排序, 收文编号, 来文单位
        await pilot.pause()
        register = app.screen.query_one("#register", DataTable)
        assert [r[0] for r in rows(register)] == expected
        names = [r[2] for r in rows(register)]
        assert names == sorted(names)
        assert str(register.columns[ColumnKey("from_name")].label).endswith(UP)
        assert not str(register.columns[ColumnKey("number")].label).endswith((UP, DOWN))
        assert t("incoming.col_from_name") in label(app.screen, "#register-title")
        await pilot.press("S", "enter")  # on the sorted column: the other way
        await pilot.pause()
        assert [r[0] for r in rows(register)] == [r.number for r in incoming.register_page(
            actor("lixm"), sort="from_name", descending=True, limit=1000)]
        assert str(register.columns[ColumnKey("from_name")].label).endswith(DOWN)
        await pilot.pause()
    assert settings.list_sorts(clerk.login) == {"mishu.incoming": ("from_name", True)}
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        register = app.screen.query_one("#register", DataTable)
        assert [r[0] for r in rows(register)][:5] == [r.number for r in incoming.register_page(
            actor("lixm"), sort="from_name", descending=True, limit=5)]
        assert str(register.columns[ColumnKey("from_name")].label).endswith(DOWN)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("ctrl+l", "S")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            "", "number", "urgency", "state", "drafter", "updated_at"]


async def test_a_task_lists_sort_is_kept_across_a_restart(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        work = app.screen.query_one("#work", DataTable)
        titles = [r[3] for r in rows(work)]
        await pilot.press("S", "down", "down", "down", "down", "enter")  # 标题
        await pilot.pause()
        assert [r[3] for r in rows(work)] == sorted(titles)
        await pilot.pause()
    assert settings.list_sorts("lixm") == {"mishu.work": ("col_title", False)}
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        work = app.screen.query_one("#work", DataTable)
        assert [r[3] for r in rows(work)] == sorted(titles)
        assert str(work.columns[ColumnKey("col_title")].label).endswith(UP)
        await pilot.press("S", "home", "enter")  # 不排序: the list's own order, kept so
        await pilot.pause()
        assert [r[3] for r in rows(work)] == titles
        await pilot.pause()
    assert settings.list_sorts("lixm") == {}
