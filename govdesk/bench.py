"""`python -m govdesk.bench --db PATH [--json out.json]`: how long the desk's questions take.

Each figure is the median of repeated runs, printed beside a baseline measured in the same run
(the plain SQL of the same rows, a bare Textual app, a plain SQL script), so the ratio holds on
a noisy machine. Measure on a big database (`govdesk demo --scale decade`); nothing here is
asserted — speed lives in the benchmark, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

# A child's own peak RSS in kB. Not getrusage's ru_maxrss: Linux carries the parent's high-water
# mark across fork and exec, so every child would report at least this (big) process.
PEAK_RSS = r"""
def peak_rss_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

# Run in a child process: launch → Home drawn with its rows (headless), then print the time
# since the interpreter started and the peak RSS.
_LAUNCH_CHILD = r"""
import time; t0 = time.perf_counter()
""" + PEAK_RSS + r"""
import asyncio, sys
from govdesk.models import open_database
open_database(sys.argv[1], create=False)
from govdesk.services import org
from govdesk.app import GovDesk
from govdesk.screens.home import HomeScreen
from textual.widgets import DataTable
async def main():
    app = GovDesk(person=org.person_by_login(sys.argv[2]), poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        while True:
            s = app.screen
            if isinstance(s, HomeScreen) and s.query("#inbox") and \
                    s.query_one("#inbox", DataTable).row_count:
                break
            await pilot.pause(0.005)
        await pilot.pause()
        print((time.perf_counter() - t0) * 1000, peak_rss_kb())
asyncio.run(main())
"""

_BARE_CHILD = r"""
import time; t0 = time.perf_counter()
""" + PEAK_RSS + r"""
import asyncio
from textual.app import App
from textual.widgets import DataTable, Footer, Header
class Bare(App):
    def compose(self):
        yield Header(); yield DataTable(id="t"); yield Footer()
    def on_mount(self):
        t = self.query_one(DataTable); t.add_columns("a", "b", "c")
        for i in range(20):
            t.add_row(str(i), "x" * 20, "y" * 30)
async def main():
    app = Bare()
    async with app.run_test(size=(160, 48)) as pilot:
        while not app.query_one(DataTable).row_count:
            await pilot.pause(0.005)
        await pilot.pause()
        print((time.perf_counter() - t0) * 1000, peak_rss_kb())
asyncio.run(main())
"""

# What `govdesk today` counts, as one plain SQL script in a bare interpreter.
_TODAY_SQL_CHILD = r"""
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
me = db.execute("SELECT id, section_id FROM person WHERE login = ?", (sys.argv[2],)).fetchone()
mine = "t.state = 'waiting' AND (t.holder_id = ? OR (t.holder_id IS NULL AND t.holder_section_id = ?))"
n = db.execute("SELECT COUNT(*) FROM task t WHERE " + mine, me).fetchone()[0]
rows = db.execute("SELECT t.due, t.step, f.title FROM task t JOIN flow f ON f.id = t.flow_id "
                  "WHERE " + mine + " ORDER BY t.due IS NULL, t.due, t.id LIMIT 20", me).fetchall()
by = db.execute("SELECT CASE WHEN t.due < ? THEN 0 WHEN t.due = ? THEN 1 ELSE 2 END, COUNT(*) "
                "FROM task t WHERE t.state = 'waiting' AND t.due <= ? GROUP BY 1",
                (sys.argv[3], sys.argv[3], sys.argv[4])).fetchall()
print(n, len(rows), by)
"""


@dataclass
class Figure:
    what: str
    ms: float  # the median, in ``unit`` (ms unless said)
    baseline: str
    baseline_ms: float
    runs: int
    unit: str = "ms"  # "ms", "B" (bytes to the terminal) or "MB" (peak RSS)
    target: float | None = None  # at most this much, in ``unit``

    @property
    def ratio(self) -> float:
        return self.ms / self.baseline_ms if self.baseline_ms else float("inf")


def _median(fn: Callable[[], object], *, runs: int, budget: float) -> tuple[float, int]:
    """Median ms of ``fn`` over ``runs`` runs, fewer (at least 3) if they pass ``budget`` s."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < runs and (len(times) < 3 or time.perf_counter() - started < budget):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), len(times)


def _env() -> dict[str, str]:
    """The environment of a child: this checkout first on its path."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}


def _child(script: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                         check=True, env=_env())
    return [float(v) for v in out.stdout.split()[:2]]


def _run(cmd: list[str]) -> Callable[[], object]:
    env = _env()
    return lambda: subprocess.run(cmd, capture_output=True, check=True, env=env)


def machine() -> dict[str, str]:
    """nproc, CPU model, RAM, Python and SQLite: what a figure was measured on."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "ram": ram,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "system": platform.platform()}


def measure(db: str, *, runs: int = 5, budget: float = 20.0, terminal: bool = True,
            say: Callable[[str], None] = print) -> dict:
    """Every figure; ``terminal``: also those of a real pty and of section switches (about
    three minutes more, govdesk/bench_terminal.py)."""
    from govdesk import bench_records as records
    from govdesk.models import (
        IncomingDocument,
        OutgoingDocument,
        Person,
        Section,
        Task,
        open_database,
    )
    from govdesk.services import inbox, org, section_work
    from govdesk.services.calendar import office_calendar
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor
    from govdesk.services.policy import sees_all_deadlines
    from govdesk.services.rules import office_rules

    open_database(db, create=False)
    raw = sqlite3.connect(db)
    now = office_now()
    figures: list[Figure] = []

    def sql_of(query) -> Callable[[], object]:
        text, params = query.sql()
        return lambda: raw.execute(text, params).fetchall()

    def add(what: str, fn, baseline: str, base, *, n: int = runs,
            target: float | None = None) -> None:
        base_ms, _ = _median(base, runs=n, budget=budget)
        ms, done = _median(fn, runs=n, budget=budget)
        figures.append(Figure(what, ms, baseline, base_ms, done, target=target))
        say(f"  {what}: {ms:.1f} ms ({baseline} {base_ms:.1f} ms, {done} runs)")

    facts = {"incoming": IncomingDocument.select().count(),
             "outgoing": OutgoingDocument.select().count(), "tasks": Task.select().count(),
             "waiting": Task.select().where(Task.state == "waiting").count(),
             "people": Person.select().count()}
    say(f"database {db}: {facts}")

    cli = [sys.executable, "-m", "govdesk", "today", "--db", db, "--as", "lixm"]
    horizon = office_calendar().add_working_days(now.date(),
                                                 office_rules().home.soon_working_days)
    add("govdesk today --as lixm", _run(cli), "plain SQL script",
        _run([sys.executable, "-c", _TODAY_SQL_CHILD, db, "lixm", now.date().isoformat(),
              horizon.isoformat()]), n=min(runs, 3), target=300)

    for login in ("lixm", "linzh"):
        actor = Actor(org.person_by_login(login), now)
        person = actor.person
        q = inbox._query(person, mine=not sees_all_deadlines(person)).where(
            Task.due <= horizon).limit(500)
        add(f"inbox.deadlines {login}", lambda a=actor: inbox.deadlines(a), "its SQL",
            sql_of(q), target=20)
        q = inbox._query(person, mine=True).limit(500)
        add(f"inbox.inbox {login}", lambda a=actor: inbox.inbox(a), "its SQL", sql_of(q),
            target=20)

    clerk = Actor(org.person_by_login("lixm"), now)
    for code in ("diaoyan", "xinxi", "ducha"):
        ids = [s.id for s in Section.select().where(Section.code == code)]
        members = Person.select(Person.id).where(Person.section.in_(ids))
        q = inbox._query(clerk.person, mine=False).where(
            Task.holder_section.in_(ids) | Task.holder.in_(members)).limit(500)
        add(f"section_items {code}",
            lambda c=code: section_work.section_items(clerk, (c,)), "its SQL", sql_of(q),
            target=50)

    leaders = [p.follows for p in section_work.members(org.LINE_SECTIONS) if p.follows_id]
    queries = [sql_of(inbox._query(lead, mine=False).where(Task.holder == lead.id).limit(200))
               for lead in leaders]
    add("line_desks", lambda: section_work.line_desks(clerk), "their SQL",
        lambda: [q() for q in queries], target=50)

    records.registers(add, clerk, raw)
    records.timelines(add, raw)
    records.pickers(add, raw)
    records.searches(add, clerk, raw, target=50)
    circulated = records.circulation(add, clerk, target=200)
    if circulated:
        records.circulated_timeline(add, clerk, *circulated)

    launches, bares = [], []
    for _ in range(min(runs, 3)):
        bares.append(_child(_BARE_CHILD))
        launches.append(_child(_LAUNCH_CHILD, db, "lixm"))
    figures.append(Figure("launch → Home drawn (headless 160×48)",
                          statistics.median(r[0] for r in launches), "bare Textual app",
                          statistics.median(r[0] for r in bares), len(launches)))
    say(f"  launch: {figures[-1].ms:.0f} ms (bare {figures[-1].baseline_ms:.0f} ms)")
    figures[-1].target = 1000
    rss = {"launch_peak_rss_mb": max(r[1] for r in launches) / 1024,
           "bare_peak_rss_mb": max(r[1] for r in bares) / 1024,
           "bench_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    result = {"db": db, "facts": facts, "machine": machine(), "rss": rss}
    if terminal:
        from govdesk import bench_terminal

        result["terminal"] = bench_terminal.measure(db, figures, runs=runs, env=_env(),
                                                    say=say)
    result["figures"] = [{**asdict(f), "ratio": f.ratio} for f in figures]
    return result


def table(result: dict) -> str:
    """The figures as a Markdown table (also readable on a terminal)."""
    lines = ["| what | median | baseline | baseline median | ratio | runs | target |",
             "|---|---:|---|---:|---:|---:|---|"]
    for f in result["figures"]:
        unit = f.get("unit", "ms")
        target = f.get("target")
        verdict = ""
        if target is not None:
            verdict = (f"≤ {_value(target, unit)}: "
                       + ("met" if f["ms"] <= target else f"missed by {_value(f['ms'] - target, unit)}"))
        lines.append(f"| {f['what']} | {_value(f['ms'], unit)} | {f['baseline']} | "
                     f"{_value(f['baseline_ms'], unit)} | {f['ratio']:.1f}× | {f['runs']} | "
                     f"{verdict} |")
    rss = result["rss"]
    lines.append(f"| peak RSS, launch → Home | {rss['launch_peak_rss_mb']:.0f} MB | bare Textual "
                 f"app | {rss['bare_peak_rss_mb']:.0f} MB | "
                 f"{rss['launch_peak_rss_mb'] / rss['bare_peak_rss_mb']:.1f}× | | ≤ 80 MB: "
                 + ("met" if rss["launch_peak_rss_mb"] <= 80 else
                    f"missed by {rss['launch_peak_rss_mb'] - 80:.0f} MB") + " |")
    lines.append(f"| peak RSS, this benchmark (all services) | {rss['bench_peak_rss_mb']:.0f} MB"
                 " | | | | | |")
    return "\n".join(lines)


def _ms(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.2f} ms" if value < 1 else f"{value:.1f} ms"


def _value(value: float, unit: str) -> str:
    if unit == "ms":
        return _ms(value)
    if unit == "B":
        return f"{value / 1024:.2f} KB" if value >= 1024 else f"{value:.0f} B"
    return f"{value:.0f} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govdesk.bench", description=__doc__)
    parser.add_argument("--db", required=True, help="SQLite database to measure")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per figure after which fewer runs (at least 3) suffice")
    parser.add_argument("--no-terminal", action="store_true",
                        help="leave out the pty bytes and the section switches (minutes)")
    args = parser.parse_args(argv)
    if not Path(args.db).exists():
        parser.error(f"no database at {args.db}")
    result = measure(args.db, runs=args.runs, budget=args.budget,
                     terminal=not args.no_terminal, say=lambda line: print(line, file=sys.stderr))
    m = result["machine"]
    print(f"{m['nproc']} × {m['cpu']}, {m['ram']} RAM, Python {m['python']}, "
          f"SQLite {m['sqlite']}; {result['facts']}")
    print(table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
