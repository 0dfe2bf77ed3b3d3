"""Measure: does the desk keep moving while a save waits for another process's write lock?

Usage: python scripts/bench_write_wait.py [--hold 3] [--runs 3]

On a fresh demo database, headless: the 收文登记 form is filled and saved (Ctrl+S) while a
second process sits inside a write transaction for ``--hold`` seconds. A 0.1 s timer counts
its ticks during the wait, and a key pressed meanwhile (Tab) is timed until it is handled;
the same is done with no other writer as the baseline, in the same run. Prints medians;
asserts nothing (timing belongs in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HOLDER = (
    "import sys, time\n"
    "from govdesk.models import database, open_database\n"
    "open_database(sys.argv[1])\n"
    "with database.atomic():\n"
    "    print('held', flush=True); time.sleep(float(sys.argv[2]))\n"
)


async def one_run(db: str, hold: float | None) -> tuple[int, float, float]:
    """(timer ticks during the wait, key latency in ms, save duration in s)."""
    from textual.widgets import Input

    from govdesk.app import GovDesk
    from govdesk.screens.incoming.form import IncomingFormScreen
    from govdesk.services import org

    app = GovDesk(person=org.person_by_login("lixm"), poll=False,
                  now=datetime(2026, 11, 26, 9, 30))
    ticks = 0

    def tick() -> None:
        nonlocal ticks
        ticks += 1

    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("1", "n")
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, IncomingFormScreen):
                break
        form = app.screen
        form.query_one("#from_name", Input).value = "黄岩区财政局"
        form.query_one("#title", Input).value = f"写锁测量 {time.time()}"
        form.query_one("#title", Input).focus()
        holder = None
        if hold is not None:
            holder = subprocess.Popen([sys.executable, "-c", HOLDER, db, str(hold)],
                                      stdout=subprocess.PIPE, text=True)
            assert holder.stdout.readline().strip() == "held"
        app.set_interval(0.1, tick)
        started = time.perf_counter()
        await pilot.press("ctrl+s")
        key_at = time.perf_counter()
        await pilot.press("tab")
        key_ms = (time.perf_counter() - key_at) * 1000
        while isinstance(app.screen, IncomingFormScreen) and time.perf_counter() - started < 30:
            await pilot.pause(0.05)
        took = time.perf_counter() - started
        if holder is not None:
            holder.wait(timeout=30)
        return ticks, key_ms, took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hold", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from govdesk.models import open_database
    from govdesk.services import demo

    db = str(Path(tempfile.mkdtemp()) / "bench.db")
    demo.build(Path(db), datetime(2026, 11, 26, 9, 30))
    open_database(db)
    for label, hold in (("no other writer (baseline)", None),
                        (f"another process holds the write lock {args.hold:g} s", args.hold)):
        rows = [asyncio.run(one_run(db, hold)) for _ in range(args.runs)]
        ticks = statistics.median(r[0] for r in rows)
        key = statistics.median(r[1] for r in rows)
        took = statistics.median(r[2] for r in rows)
        rate = ticks / took if took else 0
        print(f"{label}: save took {took:.2f} s, timer ticks {ticks:.0f} "
              f"({rate:.1f}/s of 10/s), a key pressed meanwhile handled in {key:.0f} ms "
              f"(median of {args.runs})")


if __name__ == "__main__":
    main()
