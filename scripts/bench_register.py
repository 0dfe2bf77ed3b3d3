"""Measure the registers on a big database: the first page, a page step deep in the list (down
and up), End (the oldest page), each beside the plain SQL of the same page; with ``--ui``, the
same through 秘书科's 收文 register in a headless app (key pressed → rows shown).

Usage: python scripts/bench_register.py --db /work/bench/decade.db [--runs 7] [--ui]

The database is opened read only (SQLite ``immutable``): nothing is written to it, no
migration runs, so a shared benchmark database can be used as it is. Prints medians; asserts
nothing (timing belongs in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

PAGE = 100  # 秘书科's page


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def open_read_only(path: str) -> None:
    from peewee import SqliteDatabase

    from govdesk.models import database

    uri = f"file:{Path(path).resolve()}?immutable=1"
    db = SqliteDatabase(uri, uri=True, check_same_thread=False,
                        pragmas={"cache_size": -16 * 1024, "query_only": 1})
    database.initialize(db)
    database.connect(reuse_if_open=True)


def services(actor, runs: int) -> None:
    from govdesk.models import database
    from govdesk.services import audit, incoming, outgoing

    def sql(query: str, *args) -> Callable[[], object]:
        return lambda: database.execute_sql(query, args).fetchall()

    for name, table, page in (
            ("收文 register", "incoming_document",
             lambda **kw: incoming.register_page(actor, limit=PAGE, **kw)),
            ("发文 register", "outgoing_document",
             lambda **kw: outgoing.register_page(actor, limit=PAGE, **kw)),
            ("audit log", "audit_entry", lambda **kw: audit.browse(actor, limit=PAGE, **kw))):
        low, high = database.execute_sql(f"SELECT MIN(id), MAX(id) FROM {table}").fetchone()
        deep = low + (high - low) // 20  # 95 % of the way down
        print(f"{name}: {high - low + 1} rows")
        cases = (
            ("open (first page)", {}, f"SELECT * FROM {table} ORDER BY id DESC LIMIT {PAGE}", ()),
            ("page step down, deep", {"before_id": deep},
             f"SELECT * FROM {table} WHERE id < ? ORDER BY id DESC LIMIT {PAGE}", (deep,)),
            ("page step up, deep", {"after_id": deep},
             f"SELECT * FROM {table} WHERE id > ? ORDER BY id LIMIT {PAGE}", (deep,)),
            ("End (oldest page)", {"after_id": 0},
             f"SELECT * FROM {table} ORDER BY id LIMIT {PAGE}", ()),
        )
        for label, kw, base, args in cases:
            ours = median_ms(lambda kw=kw, page=page: page(**kw), runs)
            plain = median_ms(sql(base, *args), runs)
            print(f"  {label:24} {ours:8.2f} ms   (plain SQL of the page {plain:6.2f} ms)")


async def until(pilot, condition) -> None:
    while not condition():
        await pilot.pause(0.001)


async def one_run(person, times: dict[str, list[float]]) -> None:
    """秘书科 once: open it, End, three page steps up and one down deep in the list, Home."""
    from govdesk.app import GovDesk
    from govdesk.widgets.paged_table import PagedTable

    app = GovDesk(person=person, poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.2)
        t0 = time.perf_counter()
        await pilot.press("1")
        screen = app.screen
        await until(pilot, lambda: screen.query("#register")
                    and screen.query_one("#register", PagedTable).row_count > 0)
        times["open 秘书科 (first page)"].append((time.perf_counter() - t0) * 1000)
        table = screen.query_one("#register", PagedTable)
        table.focus()
        await pilot.pause()

        async def timed(label: str, key: str, done) -> None:
            t0 = time.perf_counter()
            await pilot.press(key)
            await until(pilot, lambda: done() and not table.reading and not table._pending)
            times[label].append((time.perf_counter() - t0) * 1000)

        await timed("End", "end", lambda: table.at_bottom)
        # Deep in the list: the cursor crosses the prefetch line, the page above (then below)
        # is read and the window drawn again; three steps up fill the window, so the oldest
        # page is dropped and a step down reads it again.
        margin = table.page_size // 2
        for _step in range(3):
            table.move_cursor(row=margin)
            await until(pilot, lambda: not table.reading)
            first = table.keys_shown()[0]
            await timed("page step up, deep", "up", lambda f=first: table.keys_shown()[0] != f)
        table.move_cursor(row=table.row_count - margin - 1)
        await until(pilot, lambda: not table.reading)
        last = table.keys_shown()[-1]
        if not table.at_bottom:
            await timed("page step down, deep", "down", lambda: table.keys_shown()[-1] != last)
        await timed("Home", "home", lambda: table.at_top)
        # For scale: a key that reads nothing (the screen drawn again, the Pilot's wait).
        await timed("a plain cursor move", "down", lambda: True)


async def ui(person, runs: int) -> None:
    labels = ("open 秘书科 (first page)", "End", "page step up, deep", "page step down, deep",
              "Home", "a plain cursor move")
    times: dict[str, list[float]] = {label: [] for label in labels}
    for _ in range(runs):
        await one_run(person, times)
    print("收文 register in 秘书科 (headless 160×48, key → rows shown):")
    for label in labels:
        if times[label]:
            print(f"  {label:24} {statistics.median(times[label]):8.1f} ms"
                  f"  ({len(times[label])} runs)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--as", dest="login", default="lixm")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ui", action="store_true", help="also through the screen, headless")
    args = parser.parse_args()

    from govdesk.services import org
    from govdesk.services.context import Actor

    open_read_only(args.db)
    person = org.person_by_login(args.login)
    services(Actor(person, datetime.now()), args.runs)
    if args.ui:
        asyncio.run(ui(person, max(1, args.runs // 2)))


if __name__ == "__main__":
    main()
