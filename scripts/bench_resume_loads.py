"""How many loads each screen asks for on a first visit to every section, and on each visit
after that with nothing changed (screens/base.py: a screen loads again only when what it shows
may have changed).

Usage: python scripts/bench_resume_loads.py [--db PATH]
Without --db a demo database is built in a temporary folder. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

from govdesk.app import GovDesk
from govdesk.models import open_database
from govdesk.screens.base import DeskScreen
from govdesk.services import demo, org

NOW = datetime(2026, 11, 26, 9, 30)


def count_loads() -> tuple[Counter, Counter]:
    """(loads asked for, loads that ran) per screen class, from now on."""
    asked, ran = Counter(), Counter()
    refresh, load = DeskScreen.refresh_data, DeskScreen._load_in_thread

    def counting_refresh(self) -> None:
        asked[type(self).__name__] += 1
        refresh(self)

    def counting_load(self, *args) -> None:
        ran[type(self).__name__] += 1
        load(self, *args)

    DeskScreen.refresh_data, DeskScreen._load_in_thread = counting_refresh, counting_load
    return asked, ran


async def visit(login: str) -> None:
    asked, ran = count_loads()
    app = GovDesk(person=org.person_by_login(login), poll=False, now=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        async def settle() -> None:
            for _ in range(100):
                await pilot.pause()
                if not any(w.is_running for w in app.workers):
                    return
                await app.workers.wait_for_complete()

        await settle()
        print(f"{'visit':<7}{'key':<4}{'screen':<24}{'asked':>6}{'ran':>5}")
        name = type(app.screen).__name__
        print(f"{'first':<7}{'0':<4}{name:<24}{asked[name]:>6}{ran[name]:>5}")
        for round_, keys in (("first", "123456"), ("again", "0123456")):
            for key in keys:
                asked.clear()
                ran.clear()
                await pilot.press(key)
                await settle()
                name = type(app.screen).__name__
                print(f"{round_:<7}{key:<4}{name:<24}{asked[name]:>6}{ran[name]:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--login", default="lixm")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("GOVDESK_CONFIG", str(Path(tmp) / "config.toml"))
        path = args.db
        if path is None:
            path = Path(tmp) / "demo.db"
            demo.build(path, datetime(2026, 11, 26, 9, 30))
        open_database(path)
        asyncio.run(visit(args.login))


if __name__ == "__main__":
    main()
