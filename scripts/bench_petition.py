"""Measure 信访 on a generated database (`govdesk demo --scale year|decade`): the register's first
page as 督查室 staff (who see the petitioners) and as a masked user (a 秘书科 clerk), a page with
each filter the register has (each channel; an old page by its keyset), one case's detail with
its clocks, the one search by a petitioner's phone number (staff and masked), the hotline's
calls and the weekly briefing — each beside a baseline measured in the same run: the plain SQL
that reads the same rows.

Usage: python scripts/bench_petition.py --db /work/bench/year.db [--runs 7] [--as guojw]
       [--masked zhangyt]

The database is opened as it is, no migration run; the detail is read without opening the
petitioners (record_open=False: no audit entry written), so nothing is kept. Prints medians;
asserts nothing (timing belongs in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from datetime import time as dtime
from pathlib import Path


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


def sql(*queries: tuple) -> Callable[[], object]:
    """The queries run one after the other, each (sql, *args); ``{ids}`` in one stands for the
    ids (first column) the last query without it returned."""
    from govdesk.models import database

    def run() -> None:
        ids: list = []
        for query, *args in queries:
            uses_ids = "{ids}" in query
            if uses_ids:
                query = query.replace("{ids}", ", ".join("?" * len(ids)) or "NULL")
                args = [*args, *ids]
            rows = database.execute_sql(query, args).fetchall()
            if not uses_ids:
                ids = [r[0] for r in rows]

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--as", dest="login", default="guojw")
    parser.add_argument("--masked", default="zhangyt")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from govdesk.models import Petition, database, open_database
    from govdesk.models import petition as states
    from govdesk.services import org, search
    from govdesk.services.context import Actor
    from govdesk.services.petition import briefing, hotline, masking, views
    from govdesk.services.schema import get_meta

    open_database(Path(args.db), create=False)
    built = get_meta("demo_built_on")
    day = datetime.fromisoformat(built).date() if built else datetime.now().date()
    now = datetime.combine(day, dtime(10, 30))
    staff = Actor(org.person_by_login(args.login), now)
    masked = Actor(org.person_by_login(args.masked), now)
    if not masking.is_staff(staff.person) or masking.is_staff(masked.person):
        raise SystemExit(f"--as {args.login} must be 督查室 or hotline staff, --masked"
                         f" {args.masked} neither")
    runs = args.runs
    n_cases = Petition.select().count()
    n_calls = database.execute_sql("SELECT COUNT(*) FROM hotline_call").fetchone()[0]
    n_people = database.execute_sql("SELECT COUNT(*) FROM petition_person").fetchone()[0]
    print(f"{args.db}: {n_cases} 信访件, {n_people} petitioners, {n_calls} calls;"
          f" as {args.login} and {args.masked}, today {day}")

    page = views.PAGE
    people = "SELECT * FROM petition_person WHERE petition_id IN ({ids}) ORDER BY position, id"
    reviews = "SELECT * FROM petition_review WHERE petition_id IN ({ids})"
    first_page = f"SELECT * FROM petition ORDER BY id DESC LIMIT {page}"
    handled = ("SELECT DISTINCT f.record_id FROM flow f JOIN task t ON t.flow_id = f.id"
               " WHERE f.kind = 'petition' AND t.holder_id = ? AND f.record_id IN ({ids})")

    # ------------------------------------------------------------ the register
    print(f"信访 register, first page ({page} rows):")
    line(f"as 督查室 ({args.login})", median_ms(lambda: views.register_page(staff), runs),
         median_ms(sql((first_page,), (people,), (reviews,)), runs))
    line(f"as a masked user ({args.masked})",
         median_ms(lambda: views.register_page(masked), runs),
         median_ms(sql((first_page,), (handled, masked.person.id), (people,), (reviews,)),
                   runs))

    print(f"register page ({page} rows) with each filter:")
    for channel in states.CHANNELS:
        q = f"SELECT * FROM petition WHERE channel = ? ORDER BY id DESC LIMIT {page}"
        line(f"channel {channel}",
             median_ms(lambda c=channel: views.register_page(staff, channel=c), runs),
             median_ms(sql((q, channel), (people,), (reviews,)), runs))
    deep = max(1, n_cases // 2)
    q = f"SELECT * FROM petition WHERE id < ? ORDER BY id DESC LIMIT {page}"
    line(f"older page (before #{deep})",
         median_ms(lambda: views.register_page(staff, before_id=deep), runs),
         median_ms(sql((q, deep), (people,), (reviews,)), runs))

    # ------------------------------------------------------------ one case
    print("one case's detail with its clocks (the case with the most steps):")
    case_id, n_steps = database.execute_sql(
        "SELECT f.record_id, COUNT(*) FROM task t JOIN flow f ON f.id = t.flow_id"
        " WHERE f.kind = 'petition' GROUP BY f.id ORDER BY COUNT(*) DESC, f.id DESC"
        " LIMIT 1").fetchone()

    def detail_sql() -> None:
        for q in ("SELECT * FROM petition WHERE id = ?",
                  "SELECT * FROM petition_person WHERE petition_id = ?",
                  "SELECT * FROM petition_unit WHERE petition_id = ?",
                  "SELECT * FROM petition_review WHERE petition_id = ?",
                  "SELECT t.* FROM task t JOIN flow f ON f.id = t.flow_id"
                  " WHERE f.kind = 'petition' AND f.record_id = ?"):
            database.execute_sql(q, (case_id,)).fetchall()

    for actor, who in ((staff, args.login), (masked, args.masked)):
        line(f"detail #{case_id} ({n_steps} steps) as {who}",
             median_ms(lambda a=actor: views.detail_view(a, case_id, record_open=False), runs),
             median_ms(detail_sql, runs), "its rows in SQL")

    # ------------------------------------------------------------ the one search
    phone, n_found = database.execute_sql(
        "SELECT phone, COUNT(DISTINCT petition_id) FROM petition_person WHERE phone != ''"
        " GROUP BY phone ORDER BY COUNT(DISTINCT petition_id) DESC, MAX(id) DESC"
        " LIMIT 1").fetchone()
    print(f"the one search by a petitioner's phone ({masking.mask_phone(phone)},"
          f" {n_found} cases):")
    by_phone = ("SELECT DISTINCT petition_id FROM petition_person WHERE phone LIKE ?"
                " ORDER BY petition_id DESC LIMIT 50", f"%{phone}%")
    found = {}
    for actor, who in ((staff, args.login), (masked, args.masked)):
        def one(a=actor, w=who) -> None:
            found[w] = sum(len(g.hits) for g in search.search(a, phone) if g.kind == "petition")

        plain = (sql(by_phone, ("SELECT * FROM petition WHERE id IN ({ids})",))
                 if actor is staff else sql(by_phone, (handled, actor.person.id)))
        ours = median_ms(one, runs)
        line(f"as {who} ({found[who]} 信访 hits)", ours, median_ms(plain, runs))

    # ------------------------------------------------------------ hotline and briefing
    print("the hotline's calls and the weekly briefing:")
    line("calls, newest 200 (as the hotline's list)",
         median_ms(lambda: hotline.calls(staff), runs),
         median_ms(sql(("SELECT * FROM hotline_call ORDER BY id DESC LIMIT 200",)), runs))
    start, end = briefing.period_of(briefing.WEEK, day)

    def brief() -> None:
        briefing.briefing_text(briefing.briefing(staff, briefing.WEEK, day))

    s, e = start.isoformat(), end.isoformat()
    line(f"weekly briefing {s}–{e}", median_ms(brief, runs), median_ms(sql(
        ("SELECT * FROM petition WHERE received_on BETWEEN ? AND ?", s, e),
        ("SELECT * FROM hotline_call WHERE called_at >= ? AND called_at < DATE(?, '+1 day')",
         s, e),
        ("SELECT pu.*, p.*, u.short FROM petition_unit pu JOIN petition p"
         " ON p.id = pu.petition_id JOIN unit u ON u.id = pu.unit_id"
         " WHERE pu.lead AND p.accepted_on BETWEEN ? AND ?", s, e)), runs),
         "its rows in SQL")


if __name__ == "__main__":
    main()
