"""A language change from the settings screen takes full effect in the running desk, with no
new start: key names, headings and forms are re-worded in place (tests/test_ui_sections.py
drives the switch over open forms). A fresh start in a language speaks it from the first
frame, too."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from govdesk import cli

ROOT = Path(__file__).resolve().parent.parent

FOOTER = """
import asyncio, sys
from govdesk.i18n import set_language
set_language(sys.argv[2])
from govdesk.models import open_database
open_database(sys.argv[1])
from textual.widgets._footer import FooterKey
from govdesk.app import GovDesk
from govdesk.services import org

async def main():
    app = GovDesk(person=org.person_by_login("lixm"), poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        print("|".join(k.description for k in app.screen.query(FooterKey)))

asyncio.run(main())
"""


def _footer(db: Path, language: str, tmp_path: Path) -> list[str]:
    env = dict(os.environ, GOVDESK_CONFIG=str(tmp_path / "none.toml"),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", FOOTER, str(db), language], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout.strip().split("|")


def test_a_fresh_start_names_the_keys_in_the_new_language(demo_path, tmp_path):
    assert "帮助" in _footer(demo_path, "zh-Hans", tmp_path)
    hant = _footer(demo_path, "zh-Hant", tmp_path)
    assert "幫助" in hant and "設置" in hant and "帮助" not in hant


def test_the_footer_speaks_the_new_language_without_a_new_start(demo_db, tmp_path,
                                                               monkeypatch):
    """What a fresh start in 繁體 shows (above), a switch in the running desk shows too: the
    process is not started again and stays running."""
    from textual.widgets import Select
    from textual.widgets._footer import FooterKey

    from govdesk.app import GovDesk
    from govdesk.i18n import set_language
    from govdesk.services import org

    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr(os, "execv", lambda *a: (_ for _ in ()).throw(AssertionError(a)))

    async def switch():
        app = GovDesk(person=org.person_by_login("lixm"), poll=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            assert "帮助" in [k.description for k in app.screen.query(FooterKey)]
            await pilot.press("f2")
            await pilot.pause()
            app.screen.query_one("#language", Select).value = "zh-Hant"
            await pilot.click("#save")
            await pilot.pause()
            hant = [k.description for k in app.screen.query(FooterKey)]
            assert "幫助" in hant and "設置" in hant and "帮助" not in hant
            assert app.is_running
        return app

    try:
        app = asyncio.run(switch())
    finally:
        set_language("zh-Hans")
    assert app.return_value is None


def test_quitting_ends_the_command_line_without_a_new_start(demo_path, monkeypatch, tmp_path):
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr("govdesk.app.GovDesk.run", lambda self: None)
    monkeypatch.setattr(os, "execv", lambda *a: (_ for _ in ()).throw(AssertionError(a)))
    assert cli.main(["--db", str(demo_path), "--as", "lixm"]) == 0
