"""Measure `govdesk export 收文` on a generated database (`govdesk demo --scale year|decade`): the
register's rows read through the export (the register's own pages, titles redacted, holders
read), written to .xlsx and to .csv — each beside the plain SQL that reads the same rows, in
the same run.

Usage: python scripts/bench_export.py --db /tmp/xlsx-decade.db [--rows 100000] [--runs 3]
       [--as lixm]

``--rows`` takes the newest that many 收文 (by 收文日期, as ``--from`` would); all of them when
the database holds fewer. Files are written to a temporary folder and deleted. Prints medians;
asserts nothing (timing belongs in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path


def median_s(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as", dest="login", default="lixm")
    args = parser.parse_args()

    from govdesk.models import database, open_database
    from govdesk.services import exports, org
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor

    open_database(args.db, create=False)
    actor = Actor(org.person_by_login(args.login), office_now())
    total = database.execute_sql("SELECT COUNT(*) FROM incoming_document").fetchone()[0]
    since = None
    if args.rows < total:
        (day,) = database.execute_sql(
            "SELECT received_on FROM incoming_document ORDER BY received_on DESC LIMIT 1 "
            "OFFSET ?", (args.rows - 1,)).fetchone()
        since = date.fromisoformat(str(day)[:10])
    where, params = ("WHERE received_on >= ?", (since.isoformat(),)) if since else ("", ())

    def plain() -> int:
        rows = database.execute_sql(
            "SELECT id, number, title, from_name, urgency, secrecy, state, received_on, due "
            f"FROM incoming_document {where} ORDER BY id DESC", params).fetchall()
        return len(rows)

    def rows() -> int:
        return sum(1 for _ in exports.table(actor, "incoming", since).rows)

    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))

    def write(suffix: str) -> Callable[[], int]:
        def run() -> int:
            out = folder / f"收文{suffix}"
            n = exports.export(actor, "incoming", out, since)
            size[suffix] = out.stat().st_size
            out.unlink()
            return n
        return run

    size: dict[str, int] = {}
    sql_s, n_sql = median_s(plain, args.runs)
    rows_s, n_rows = median_s(rows, args.runs)
    xlsx_s, n_xlsx = median_s(write(".xlsx"), args.runs)
    csv_s, n_csv = median_s(write(".csv"), args.runs)
    folder.rmdir()
    since_text = f" from {since}" if since else ""
    print(f"收文 register{since_text}: {n_sql:,} rows (of {total:,}), as {args.login}, "
          f"median of {args.runs}:")
    print(f"  plain SQL read of the rows        {sql_s:8.2f} s")
    print(f"  the export's rows (register pages) {rows_s:7.2f} s   ({n_rows:,} rows)")
    print(f"  written to .xlsx                  {xlsx_s:8.2f} s   ({n_xlsx:,} rows, "
          f"{size['.xlsx'] / 1e6:.1f} MB)")
    print(f"  written to .csv                   {csv_s:8.2f} s   ({n_csv:,} rows, "
          f"{size['.csv'] / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
