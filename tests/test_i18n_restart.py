"""A language change from the settings screen takes full effect by starting govdesk again:
key names and headings are made when govdesk starts (tests/test_ui_sections.py drives the
switch itself)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from govdesk import cli
from govdesk.app import RESTART

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


def test_the_command_line_starts_govdesk_again_with_the_same_arguments(demo_path, monkeypatch,
                                                                       tmp_path):
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr("govdesk.app.GovDesk.run", lambda self: RESTART)
    started = []

    def execv(path, args):
        started.append((path, args))
        raise SystemExit(0)  # execv does not return

    monkeypatch.setattr(os, "execv", execv)
    argv = ["--db", str(demo_path), "--as", "lixm"]
    try:
        cli.main(argv)
    except SystemExit:
        pass
    assert started == [(sys.executable, [sys.executable, "-P", "-m", "govdesk", *argv])]


def test_no_restart_when_the_user_just_quits(demo_path, monkeypatch, tmp_path):
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr("govdesk.app.GovDesk.run", lambda self: None)
    monkeypatch.setattr(os, "execv", lambda *a: (_ for _ in ()).throw(AssertionError(a)))
    assert cli.main(["--db", str(demo_path), "--as", "lixm"]) == 0
