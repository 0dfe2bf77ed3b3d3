"""Measure deadline labels over a decade: the per-year tables of services/calendar.py beside
walking the calendar one day at a time (what every label cost before), in the same run.

Usage: python scripts/bench_calendar.py [--rows N] [--runs N]
500 rows due between today and ten years ago, as on Home of a decade's database. Prints
medians; asserts nothing (timing belongs in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta


def walk(cal, start: date, end: date) -> int:
    """The old way: one question to the calendar per day."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += cal._decide(day)
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from govdesk.services.calendar import WorkCalendar

    today = date(2026, 11, 26)
    rng = random.Random(1)
    dues = [today - timedelta(days=rng.randrange(0, 3650)) for _ in range(args.rows)]

    cold = WorkCalendar()
    start = time.perf_counter()
    [cold.working_days_between(due, today) for due in dues]
    first = (time.perf_counter() - start) * 1000

    def timed(call) -> float:
        runs = []
        for _ in range(args.runs):
            start = time.perf_counter()
            call()
            runs.append((time.perf_counter() - start) * 1000)
        return statistics.median(runs)

    table = timed(lambda: [cold.working_days_between(due, today) for due in dues])
    old = timed(lambda: [walk(cold, due, today) for due in dues[: max(1, args.rows // 10)]]) * 10
    print(f"{args.rows} labels, due up to 10 years ago (median of {args.runs}):")
    print(f"  day-by-day walk (baseline)   {old:10.1f} ms   (measured on a tenth, ×10)")
    print(f"  per-year tables, first use   {first:10.1f} ms   (builds the years it meets)")
    print(f"  per-year tables, warm        {table:10.3f} ms   ({old / table:,.0f}× faster)")


if __name__ == "__main__":
    main()
