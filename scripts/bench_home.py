"""Measure, on a demo database: launch → Home drawn (headless), and the inbox/deadline queries.

Usage: python scripts/bench_home.py [--db PATH] [--as LOGIN] [--runs N]
Prints numbers; asserts nothing (timing belongs in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--as", dest="login", default="lixm")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from govdesk.models import open_database
    from govdesk.services import demo, org
    from govdesk.services import inbox as inbox_service
    from govdesk.services.context import Actor

    path = args.db
    if path is None:
        path = str(Path(tempfile.mkdtemp()) / "bench.db")
        t0 = time.perf_counter()
        demo.build(Path(path))
        print(f"demo database built in {(time.perf_counter() - t0) * 1000:.0f} ms")
    open_database(path)
    actor = Actor(org.person_by_login(args.login), datetime.now())

    for name, fn in (("inbox", inbox_service.inbox), ("deadlines", inbox_service.deadlines),
                     ("inbox_count", inbox_service.inbox_count)):
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            fn(actor)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{name}: median {statistics.median(times):.2f} ms, max {max(times):.2f} ms "
              f"({args.runs} runs)")

    async def launch() -> float:
        from govdesk.app import GovDesk
        from govdesk.screens.home import HomeScreen

        t0 = time.perf_counter()
        app = GovDesk(person=actor.person, poll=False)
        async with app.run_test(size=(160, 48)) as pilot:
            while not isinstance(app.screen, HomeScreen) or not app.screen.query("#inbox"):
                await pilot.pause(0.01)
            await pilot.pause()
            return (time.perf_counter() - t0) * 1000

    t0 = time.perf_counter()
    import govdesk.app  # noqa: F401

    print(f"import govdesk.app: {(time.perf_counter() - t0) * 1000:.0f} ms")
    draws = [asyncio.run(launch()) for _ in range(5)]
    print(f"launch → Home drawn (headless, 160×48): median {statistics.median(draws):.0f} ms, "
          f"max {max(draws):.0f} ms (5 runs)")


if __name__ == "__main__":
    main()
