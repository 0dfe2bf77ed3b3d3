"""The command palette and every screen speak the user's language: no English from Textual's
own palette, footer or system commands reaches a clerk."""

from __future__ import annotations

import html
import re

import pytest
from textual.command import CommandInput, CommandList
from textual.widgets import DataTable

from govdesk.app import GovDesk
from govdesk.i18n import set_language, t
from govdesk.screens.home import HomeScreen
from govdesk.screens.palette import DeskPalette
from govdesk.services import org
from tests.conftest import NOW

SIZE = (160, 48)
MODE_KEYS = "1234560"
KEY_NAMES = {"Esc", "Tab", "Ctrl", "Shift", "Enter", "Space"}


pytestmark = pytest.mark.usefixtures("config_file")


def desk() -> GovDesk:
    return GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)


def english_words(app: GovDesk) -> set[str]:
    """Latin words of two letters or more on the drawn screen, except the product's name and
    the names printed on the keys themselves."""
    svg = app.export_screenshot()
    drawn = " ".join(html.unescape(part) for part in re.findall(r">([^<]*)</text>", svg))
    return set(re.findall(r"[A-Za-z]{2,}", drawn)) - {"govdesk"} - KEY_NAMES


def options(palette: DeskPalette) -> list[str]:
    listing = palette.query_one(CommandList)
    prompts = [listing.get_option_at_index(i).prompt for i in range(listing.option_count)]
    # A command's first line is its name; a second line, if any, is its help.
    return [str(getattr(getattr(p, "renderable", p), "plain", p)).split("\n")[0]
            for p in prompts]


async def open_palette(pilot) -> DeskPalette:
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    palette = pilot.app.screen
    assert isinstance(palette, DeskPalette)
    return palette


async def test_every_section_and_the_palette_draw_no_english(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = {}
        for key in MODE_KEYS:
            await pilot.press(key)
            await pilot.pause(0.2)
            seen[key] = english_words(app)
        palette = await open_palette(pilot)
        seen["palette"] = english_words(app)
        assert {k: v for k, v in seen.items() if v} == {}
        assert palette.query_one(CommandInput).placeholder == "搜索命令…"
        listed = options(palette)
        assert "退出" in listed and "返回首页" in listed
        assert not [o for o in listed if re.search(r"[A-Za-z]{3,}", o.replace("govdesk", ""))]


async def test_footer_names_the_palette_key_in_chinese(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        svg = html.unescape(app.export_screenshot())
        assert "命令面板" in svg
        assert "palette" not in svg


async def test_a_search_with_no_match_says_so_in_chinese(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        palette = await open_palette(pilot)
        await pilot.press(*"xyzw")
        await pilot.pause(DeskPalette._NO_MATCHES_COUNTDOWN + 0.4)
        assert "没有匹配的命令" in options(palette)
        assert "No matches found" not in html.unescape(app.export_screenshot())


async def test_traditional_palette(demo_db, hant):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        palette = await open_palette(pilot)
        listed = options(palette)
        assert "返回首頁" in listed and "退出" in listed
        await pilot.press(*"xyzw")
        await pilot.pause(DeskPalette._NO_MATCHES_COUNTDOWN + 0.4)
        assert "沒有匹配的命令" in options(palette)


async def test_palette_matches_across_scripts(demo_db, hant):
    """A Simplified query finds the Traditional label, and the other way round."""
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        palette = await open_palette(pilot)
        await pilot.press(*"首页")
        await pilot.pause(0.3)
        assert "返回首頁" in options(palette)
        await pilot.press("escape")
        await pilot.pause()
        set_language("zh-Hans")
        palette = await open_palette(pilot)
        await pilot.press(*"首頁")
        await pilot.pause(0.3)
        assert "返回首页" in options(palette)


async def test_palette_enlarges_the_inbox_and_escape_restores_it(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, DataTable)
        await open_palette(pilot)
        await pilot.press(*t("app.maximize"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.maximized is app.screen.query_one("#inbox")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_quit_from_the_palette(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await open_palette(pilot)
        await pilot.press(*"退出")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
    assert not app.is_running
