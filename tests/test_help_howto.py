"""F1 tells each screen's work as well as its keys: the how-to names the keys the user's keymap
gives (a remapped key is told as remapped), and every how-to's key references are commands."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from textual.widgets import Static

from govdesk.app import GovDesk
from govdesk.commands import REGISTRY
from govdesk.i18n import t
from govdesk.screens.help import HelpScreen, howto_text
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.services import org
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("config_file")

CATALOGS = Path(__file__).parents[1] / "govdesk" / "i18n"


def howto_on_screen(app) -> str:
    assert isinstance(app.screen, HelpScreen)
    return str(app.screen.query_one("#help-howto-text", Static).render())


def test_every_howto_names_only_commands_and_reads_in_both_scripts():
    for lang in ("zh-Hans", "zh-Hant"):
        table = tomllib.loads((CATALOGS / lang / "howto.toml").read_text("utf-8"))
        refs = {ref for text in table.values() for ref in re.findall(r"\{k:([a-z_.]+)\}", text)}
        assert refs, lang
        assert refs <= set(REGISTRY), refs - set(REGISTRY)
    text = howto_text("howto.secretariat", {})
    assert "{k:" not in text and "n 登记" in text


def test_a_remapped_key_is_told_as_remapped():
    assert "Ctrl+N 登记" in howto_text("howto.secretariat",
                                        {"secretariat.new_incoming": "ctrl+n"})


async def test_f1_on_the_register_a_record_and_a_form_gives_its_howto(demo_db):
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert "期限提醒" in howto_on_screen(app)
        await pilot.press("escape", "1")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        text = howto_on_screen(app)
        assert "初审（受理 / 转办 / 退文）" in text and "o 在收文、发文登记簿之间切换" in text
        await pilot.press("escape", "ctrl+l", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IncomingDetailScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert "初审 i" in howto_on_screen(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IncomingDetailScreen)
        await pilot.press("escape", "n")
        await pilot.pause()
        assert isinstance(app.screen, IncomingFormScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert "Ctrl+S 保存" in howto_on_screen(app)
        assert t("howto.heading") in [str(w.render()) for w in app.screen.query(".panel-title")]
