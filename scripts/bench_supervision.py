"""Measure the 督查室 on a generated database (`govdesk demo --scale year|decade`): opening its
screen (the data its load_panes reads: the items' register page, 需要关注, the units'
statistics, the suggestions' statistics), one register page with each filter, one item's
detail, and compiling a 《督查专报》 for two months — each beside a baseline measured in the
same run: the plain SQL that reads the same rows.

Usage: python scripts/bench_supervision.py --db /work/bench/year.db [--runs 7] [--as guojw]

The database is opened as it is, no migration run; the 《督查专报》 is compiled inside a
transaction that is rolled back, so nothing is kept. Prints medians; asserts nothing (timing
belongs in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

PAGE = 200  # the screen's page of items


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def line(label: str, ours: float, plain: float, what: str = "plain SQL") -> None:
    from govdesk.services.textwidth import pad

    print(f"  {pad(label, 46)} {ours:9.2f} ms   ({what} {plain:8.2f} ms)")


def sql(query: str, *args) -> Callable[[], object]:
    from govdesk.models import database

    return lambda: database.execute_sql(query, args).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--as", dest="login", default="guojw")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from govdesk.models import SupervisionItem, database, open_database
    from govdesk.models import supervision as states
    from govdesk.services import inbox, org, section_work
    from govdesk.services.context import Actor
    from govdesk.services.schema import get_meta
    from govdesk.services.suggestion import stats as suggestion_stats
    from govdesk.services.supervision import publications, views
    from govdesk.services.supervision import workflow as sup

    open_database(Path(args.db), create=False)
    built = get_meta("demo_built_on")
    day = datetime.fromisoformat(built).date() if built else datetime.now().date()
    actor = Actor(org.person_by_login(args.login), datetime.combine(day, dtime(10, 30)))
    runs = args.runs
    today = actor.today.isoformat()
    n_items = SupervisionItem.select().count()
    n_sug = database.execute_sql("SELECT COUNT(*) FROM suggestion").fetchone()[0]
    print(f"{args.db}: {n_items} 督查事项, {n_sug} 建议提案; as {args.login}, today {today}")

    # ------------------------------------------------------------ the screen's load
    print("督查室 screen (load_panes' supervision data):")
    first_page = ("SELECT i.*, u.short, p.name FROM supervision_item i"
                  " JOIN unit u ON u.id = i.lead_unit_id LEFT JOIN person p ON p.id = i.leader_id"
                  f" ORDER BY i.id DESC LIMIT {PAGE}")
    cases = [
        ("register page (first)", lambda: views.register_page(actor, limit=PAGE),
         sql(first_page)),
        ("需要关注 (主任)", lambda: views.attention(Actor(org.director(), actor.now)),
         sql("SELECT * FROM supervision_item WHERE (kind = ? OR (next_due < ? AND status != ?))"
             " AND state != '已办结' ORDER BY next_due LIMIT 200",
             states.INSTRUCTION, today, states.DONE)),
        ("unit statistics (this year)", lambda: views.unit_statistics(actor),
         sql("SELECT lead_unit_id, status, COUNT(*) FROM supervision_item WHERE year = ?"
             " GROUP BY 1, 2", actor.today.year)),
        ("suggestion statistics (this year)",
         lambda: suggestion_stats.statistics(actor, year=actor.today.year),
         sql("SELECT lead_unit_id, state, feedback, COUNT(*) FROM suggestion WHERE year = ?"
             " GROUP BY 1, 2, 3", actor.today.year)),
    ]
    total_ours = total_plain = 0.0
    for label, ours_fn, plain_fn in cases:
        ours, plain = median_ms(ours_fn, runs), median_ms(plain_fn, runs)
        total_ours, total_plain = total_ours + ours, total_plain + plain
        line(label, ours, plain)
    line("the four together", total_ours, total_plain)

    def whole_load() -> None:
        [i for i in inbox.deadlines(actor) if i.label]
        inbox.deadline_counts(actor)
        section_work.reminder_log(actor)
        section_work.holder_loads(actor)
        for _label, fn, _plain in cases:
            fn()

    line("whole load_panes (with deadlines, 催办, loads)", median_ms(whole_load, runs),
         total_plain, "the four plain SQL")

    # ------------------------------------------------------------ filters
    print(f"register page ({PAGE} rows) with each filter:")
    unit_id, = database.execute_sql(
        "SELECT unit_id FROM supervision_part GROUP BY unit_id ORDER BY COUNT(*) DESC"
        " LIMIT 1").fetchone()
    from govdesk.models import Unit

    unit = Unit.get_by_id(unit_id)
    leader = org.portfolio_leader(unit) or org.leaders()[1]
    filters = [(f"kind {k}", {"kind": k}, "i.kind = ?", (k,)) for k in states.KINDS]
    filters += [(f"status {s}", {"status": s}, "i.status = ?", (s,))
                for s in (states.NOT_STARTED, states.UNDER_WAY, states.DONE)]
    filters += [
        (f"status {states.LAGGING}", {"status": states.LAGGING},
         "i.next_due < ? AND i.status != ?", (today, states.DONE)),
        ("overdue only", {"overdue": True}, "i.next_due < ? AND i.status != ?",
         (today, states.DONE)),
        (f"unit {unit.short}", {"unit": unit.short},
         "i.id IN (SELECT item_id FROM supervision_part WHERE unit_id = ?)", (unit.id,)),
        (f"leader {leader.name}", {"leader": leader.login},
         "(i.leader_id = ? OR i.instructed_by_id = ?)", (leader.id, leader.id)),
    ]
    for label, kw, where, params in filters:
        ours = median_ms(lambda kw=kw: views.register_page(actor, limit=PAGE, **kw), runs)
        plain = median_ms(sql(first_page.replace(" ORDER BY", f" WHERE {where} ORDER BY"),
                              *params), runs)
        line(label, ours, plain)

    # ------------------------------------------------------------ one item
    print("one item's detail (the item with the most reports):")
    item_id, n_reports = database.execute_sql(
        "SELECT item_id, COUNT(*) FROM supervision_report GROUP BY item_id"
        " ORDER BY COUNT(*) DESC LIMIT 1").fetchone()

    def detail() -> None:
        row = sup.get(actor, item_id, record_open=False)
        views.detail_view(actor, row)

    def detail_sql() -> None:
        for q in ("SELECT * FROM supervision_item WHERE id = ?",
                  "SELECT * FROM supervision_part WHERE item_id = ?",
                  "SELECT * FROM supervision_report WHERE item_id = ?",
                  "SELECT * FROM supervision_notice WHERE item_id = ?",
                  "SELECT t.* FROM task t JOIN flow f ON f.id = t.flow_id"
                  " WHERE f.kind = 'supervision' AND f.record_id = ?"):
            database.execute_sql(q, (item_id,)).fetchall()

    line(f"detail #{item_id} ({n_reports} reports)", median_ms(detail, runs),
         median_ms(detail_sql, runs), "its rows in SQL")

    # ------------------------------------------------------------ 《督查专报》
    print("《督查专报》 for the two months up to today (compiled, rolled back):")
    start = sup.add_months(actor.today, -2) + timedelta(days=1)
    compiler = Actor(org.person_by_login("guojw"), actor.now)
    counted = []

    def compile_issue() -> None:
        with database.atomic() as txn:
            issue = publications.compile_issue(compiler, {
                "kind": states.SPECIAL_REPORT, "starts_on": start.isoformat(),
                "ends_on": today})
            counted.append(sum(issue.counts.values()))
            txn.rollback()

    plain = sql("SELECT i.*, u.short FROM supervision_item i JOIN unit u"
                " ON u.id = i.lead_unit_id WHERE DATE(i.created_at) <= ? AND i.id NOT IN"
                " (SELECT record_id FROM flow WHERE kind = 'supervision'"
                " AND closed_at IS NOT NULL AND DATE(closed_at) < ?)", today,
                start.isoformat())
    ours = median_ms(compile_issue, runs)
    line(f"compile ({counted[-1]} items)", ours, median_ms(plain, runs), "its items in SQL")


if __name__ == "__main__":
    main()
