"""全文检索 through the keys: `/` from anywhere outside a text field, typing in a burst, Enter
opens the record, Esc goes back; the palette offers it; a secret title never shows."""

from __future__ import annotations

import pytest
from helpers.workers import settle, wait_for
from textual.widgets import DataTable, Input, Label

from govdesk.app import GovDesk
from govdesk.i18n import t
from govdesk.screens.home import HomeScreen
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.search import SearchScreen
from govdesk.services import org
from govdesk.services.engine import core as engine
from tests.conftest import NOW

SIZE = (160, 48)


pytestmark = pytest.mark.usefixtures("config_file")


def rows(table: DataTable) -> list[list[str]]:
    return [[getattr(c, "plain", str(c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]


async def _open_search(pilot, app) -> SearchScreen:
    await settle(pilot)
    await pilot.press("slash")
    await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
    return app.screen


async def test_slash_types_and_opens_a_record(demo_db):
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(pilot, app)
        assert screen.focused is screen.query_one("#search-text", Input)
        await pilot.press(*"防汛")  # one burst, as over a slow link
        table = screen.query_one("#search-results", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0, "results")
        found = rows(table)
        assert all("防汛" in row[2] for row in found)
        assert found[0][0] == "收文"
        status = str(screen.query_one("#search-status", Label).render())
        assert "收文" in status
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncomingDetailScreen), "the record")
        await settle(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "back to search")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "back home")


async def test_traditional_finds_simplified_and_nothing_is_said_plainly(demo_db):
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(pilot, app)
        await pilot.press(*"關於", "enter")
        table = screen.query_one("#search-results", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0, "results")
        assert screen.focused is table  # Enter in the text goes to the results
        kinds = [row[0] for row in rows(table)]
        order = [t(f"search.kind.{wf.kind}") for wf in engine.searchable()]
        assert kinds == sorted(kinds, key=order.index)  # grouped by kind
        assert kinds[0] == "收文" and "发文" in kinds
        await pilot.press("slash")  # back to the words
        assert screen.focused is screen.query_one("#search-text", Input)
        await pilot.press("ctrl+a", *"溪口村防汛无此", "enter")
        await wait_for(pilot, lambda: table.row_count == 0, "no results")
        status = str(screen.query_one("#search-status", Label).render())
        assert "没有找到" in status


async def test_a_secret_title_is_not_matched_for_a_clerk(demo_db):
    from govdesk.models import IncomingDocument

    secret = IncomingDocument.select().where(IncomingDocument.secrecy >= 1).first()
    app = GovDesk(person=org.person_by_login("zhangyt"), poll=False, now=NOW)  # clearance 无
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(pilot, app)
        await pilot.press(*secret.title[:6], "enter")
        await settle(pilot)
        table = screen.query_one("#search-results", DataTable)
        assert all(secret.title not in row[2] and row[1] != secret.number
                   for row in rows(table))


async def test_the_palette_offers_the_search(demo_db):
    from textual.command import CommandPalette

    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"全文检索")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
