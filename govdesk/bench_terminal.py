"""The benchmark's figures for the terminal (called from govdesk/bench.py).

- Bytes written to a real pty per list move (Down on Home's inbox, Down in the 收文 register)
  and per screen switch (the section keys 1–6 and 0), at 80×24 and 160×48, beside a bare
  Textual app showing the same rows in a DataTable (and switching between two such screens).
  A key's bytes are all that arrive until the terminal has been quiet for ``QUIET`` seconds.
- Section switch time in a headless Pilot run in a child process: from the key to the new
  screen loaded and drawn, first visit and again; peak RSS after every screen was visited.

scripts/bench_idle_bytes.py drives a pty the same way.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

from govdesk.bench import PEAK_RSS

QUIET = 0.5  # s without output after a list move: its drawing is done
SWITCH_QUIET = 1.5  # after a screen switch (its load may start drawing late on two busy cores)
FOCUS_REGISTER = "\x0c"  # ctrl+l: 秘书科's register takes the focus (its work list has it)
DOWN = "\x1b[B"
SIZES = ((80, 24), (160, 48))
MOVES = 9  # presses per kind of move (median of their bytes)
UP = "\x1b[A"


class Terminal:
    """A program in a pty of ``cols``×``rows``; ``send`` a key, count the bytes it draws."""

    def __init__(self, argv: list[str], cols: int, rows: int, env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the program, in the new terminal
            os.environ.update(env, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
            os.execvp(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = b""  # everything drawn so far (for waiting on a text)

    def read_until_quiet(self, quiet: float = QUIET, limit: float = 30.0) -> int:
        """Bytes until ``quiet`` s pass without any (at most ``limit`` s)."""
        total, end = 0, time.monotonic() + limit
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                break
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            total += len(chunk)
            self.screen = (self.screen + chunk)[-200_000:]
        return total

    def settle(self, first: float) -> None:
        """Wait for the first screen: output, then ``first`` s of quiet at most twice."""
        self.read_until_quiet(quiet=first, limit=120)
        self.read_until_quiet(quiet=1.0, limit=30)

    def send(self, keys: str, quiet: float = QUIET) -> int:
        os.write(self.fd, keys.encode())
        return self.read_until_quiet(quiet)

    def switch(self, key: str) -> int:
        return self.send(key, SWITCH_QUIET)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


# A bare Textual app: a header, a DataTable of the rows it is given (focused), a footer; key 1
# switches to a second screen of the same kind (the register's rows), 0 back.
_BARE_APP = r"""
import json, sys
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header
data = json.load(open(sys.argv[1], encoding="utf-8"))
class Table(Screen):
    def __init__(self, rows):
        super().__init__(); self.rows = rows
    def compose(self):
        yield Header(); yield DataTable(cursor_type="row", zebra_stripes=True); yield Footer()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns(*[f"c{i}" for i in range(len(self.rows[0]))])
        t.add_rows(self.rows); t.focus()
class Bare(App):
    BINDINGS = [("1", "switch_mode('reg')", "register"), ("0", "switch_mode('home')", "home")]
    MODES = {"home": lambda: Table(data["inbox"]), "reg": lambda: Table(data["register"])}
    def on_mount(self):
        self.switch_mode("home")
"""
BARE_TABLES = _BARE_APP + "Bare().run()\n"


MOVE_TARGET_BYTES = {(80, 24): 1.1 * 1024, (160, 48): 1.5 * 1024}  # per list move (KB = 1,024 B)
SWITCH_TARGET_MS = 150
RSS_TARGET_MB = {"home": 80, "all": 150}


def moves(term: Terminal, rows: int) -> tuple[list[int], list[int]]:
    """The bytes of list moves from the top of a focused list: within the view (Down and Up
    in turn, the cursor between its first two rows) and moves that scroll (Down with the
    cursor on the view's last row: past as many rows as the terminal has lines)."""
    term.send(DOWN)  # the first move also ends what was drawing (footer, highlight): not counted
    term.send(UP)
    within = [term.send(DOWN if i % 2 == 0 else UP) for i in range(MOVES + MOVES % 2)]
    term.send(DOWN * rows)
    scrolling = [term.send(DOWN) for _ in range(MOVES)]
    return within, scrolling


def _keys_bytes(argv: list[str], cols: int, rows: int, env: dict[str, str],
                bare: bool = False) -> dict[str, list[int]]:
    """The bytes of each press, by what was pressed: Down on Home's list, Down in the 收文
    register (秘书科, key 1, its register focused), the section keys (first visits, then again).
    The bare app has one list per screen and two screens (keys 1 and 0)."""
    term = Terminal(argv, cols, rows, env)
    try:
        term.settle(first=3.0 if not bare else 1.0)
        inbox, inbox_scrolling = moves(term, rows)
        switch = [term.switch("1")]
        if not bare:
            term.switch(FOCUS_REGISTER)
        register, register_scrolling = moves(term, rows)
        again = [term.switch("0")]
        if not bare:
            switch += [term.switch(key) for key in "23456"]
            again += [term.switch(key) for key in "1234560"]
        else:
            again += [term.switch(key) for key in "10"]
        return {"list move, Home inbox": inbox,
                "list move that scrolls, Home inbox": inbox_scrolling,
                "list move, 收文 register": register,
                "list move that scrolls, 收文 register": register_scrolling,
                "screen switch, first visit": switch, "screen switch, again": again}
    finally:
        term.close()


def measure(db: str, figures: list, *, runs: int, env: dict[str, str], say=print) -> dict:
    """Append the terminal's figures to ``figures``; return every press and switch measured."""
    with tempfile.TemporaryDirectory(prefix="govdesk-bench-") as folder:
        return _measure(db, figures, bare_rows(db, "lixm", folder), runs=runs, env=env, say=say)


def _measure(db: str, figures: list, rows: str, *, runs: int, env: dict[str, str],
             say=print) -> dict:
    from govdesk.bench import Figure  # noqa: PLC0415  (bench imports this module)
    from govdesk.commands import SECTION_MODES

    desk = [sys.executable, "-m", "govdesk", "--db", db, "--as", "lixm"]
    bare = [sys.executable, "-c", BARE_TABLES, rows]
    bare_name = "bare Textual app, DataTable of the same rows"
    out: dict = {"bytes": {}, "switch": [], "bare_switch": []}
    for cols, lines in SIZES:
        size = f"{cols}×{lines}"
        mine = _keys_bytes(desk, cols, lines, env)
        theirs = _keys_bytes(bare, cols, lines, env, bare=True)
        out["bytes"][size] = {"desk": mine, "bare": theirs}
        for what, presses in mine.items():
            move = what.startswith("list move")
            figures.append(Figure(
                f"bytes per {what} ({size}, pty)", statistics.median(presses), bare_name,
                statistics.median(theirs[what]), len(presses), unit="B",
                target=MOVE_TARGET_BYTES[(cols, lines)] if move else None))
            say(f"  bytes {size} {what}: {figures[-1].ms:.0f} B "
                f"(bare {figures[-1].baseline_ms:.0f} B)")
    modes = ",".join(code for code, _ in SECTION_MODES)
    keys = "".join(str(i) for i in range(1, len(SECTION_MODES) + 1)) + "0"
    for _ in range(min(runs, 3)):
        out["bare_switch"].append(child_json(BARE_SWITCH_CHILD, rows, env=env))
        out["switch"].append(child_json(SWITCH_CHILD, db, "lixm", keys, modes, env=env))
    first = [v for r in out["switch"] for k, v in r["first"].items() if k != "0"]
    again = [v for r in out["switch"] for v in r["again"].values()]
    again += [r["first"]["0"] for r in out["switch"]]
    bare_first = [r["first"]["1"] for r in out["bare_switch"]]
    bare_again = [v for r in out["bare_switch"] for v in r["again"].values()]
    bare_again += [r["first"]["0"] for r in out["bare_switch"]]
    switches = "bare Textual app, two DataTable screens"
    for what, times, base in ((f"section switch, first visit (keys 1–{keys[-2]}, headless)",
                               first, bare_first),
                              (f"section switch, again (keys 1–{keys[-2]} and 0, headless)",
                               again, bare_again)):
        done = [v for v in times if v is not None]
        if not done:
            continue
        figures.append(Figure(what, statistics.median(done), switches,
                              statistics.median(base), len(done), target=SWITCH_TARGET_MS))
        say(f"  {what}: {figures[-1].ms:.0f} ms (bare {figures[-1].baseline_ms:.0f} ms)"
            + (f", {len(times) - len(done)} not drawn within 30 s" if len(done) < len(times)
               else ""))
    for key, what in (("home", "peak RSS, Home (headless, before any switch)"),
                      ("all", "peak RSS after every screen (headless)")):
        figures.append(Figure(
            what, statistics.median(r[f"{key}_rss_mb"] for r in out["switch"]), switches,
            statistics.median(r[f"{key}_rss_mb"] for r in out["bare_switch"]),
            len(out["switch"]), unit="MB", target=RSS_TARGET_MB[key]))
    return out


def bare_rows(db: str, login: str, folder: str) -> str:
    """A JSON file (in ``folder``) of the rows Home's inbox and the 收文 register show, as
    text, for the bare app."""
    from govdesk.services import inbox, incoming, org
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor

    actor = Actor(org.person_by_login(login), office_now())
    items = inbox.inbox(actor)
    inbox_rows = [[i.label, str(i.due or ""), i.urgency, i.step, i.title, i.holder]
                  for i in items] or [["-"] * 6]
    page = incoming.register_page(actor, limit=100)
    register_rows = [[r.number, r.title, r.from_name, r.urgency, r.state, str(r.received_on),
                      str(r.due or ""), r.holders] for r in page] or [["-"] * 8]
    path = Path(folder) / "rows.json"
    path.write_text(json.dumps({"inbox": inbox_rows, "register": register_rows},
                               ensure_ascii=False), encoding="utf-8")
    return str(path)


# Headless, in a child process: each section key from Home, then each again; a key is posted
# to the app as the driver would post it, and its time runs until the new screen has loaded its
# lists and the compositor has made the frame that shows them (App._display, called once a
# frame is ready, also headless). Between keys the app is left to go idle.
_SWITCH_COMMON = PEAK_RSS + r"""
import asyncio, json, sys, time
from textual import events
from textual.widgets import DataTable
def rss():
    return peak_rss_kb() / 1024
async def timed(app, pilot, keys, modes, ready):
    frames = []
    display = app._display
    def noted(screen, renderable):
        if renderable is not None:
            frames.append((time.perf_counter(), screen))
        return display(screen, renderable)
    app._display = noted
    async def key(k, mode, limit=30.0):
        await pilot.pause(0.3)
        t0 = time.perf_counter()
        app.post_message(events.Key(k, k))
        end = t0 + limit
        while not (app.current_mode == mode and ready(app.screen)):
            if time.perf_counter() > end:
                return None
            await asyncio.sleep(0.001)
        loaded, screen = time.perf_counter(), app.screen
        while not any(t >= loaded and s is screen for t, s in frames):
            if time.perf_counter() > end:
                return None
            await asyncio.sleep(0.001)
        drawn = min(t for t, s in frames if t >= loaded and s is screen)
        return (drawn - t0) * 1000
    out = {"first": {}, "again": {}}
    for visit in ("first", "again"):
        for k in keys:
            out[visit][k] = await key(k, modes[k])
    return out
"""

SWITCH_CHILD = _SWITCH_COMMON + r"""
from govdesk.models import open_database
open_database(sys.argv[1], create=False)
from govdesk.services import org
from govdesk.app import GovDesk
from govdesk.screens.base import DeskScreen
def ready(screen):
    if isinstance(screen, DeskScreen) and screen.shown_generation < 1:
        return False
    tables = [t for t in screen.query(DataTable) if t.display and t.region.area]
    # A screen's lists are filled by its load; a table still empty may be loading its page.
    return not tables or any(t.row_count for t in tables)
async def main():
    app = GovDesk(person=org.person_by_login(sys.argv[2]), poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        while not (app.current_mode == "home" and ready(app.screen)):
            await pilot.pause(0.01)
        await pilot.pause(0.5)
        home = rss()
        modes = dict(zip("0123456", ["home", *sys.argv[4].split(",")]))
        out = await timed(app, pilot, sys.argv[3], modes, ready)
        out["home_rss_mb"], out["all_rss_mb"] = home, rss()
    print(json.dumps(out))
asyncio.run(main())
"""

BARE_SWITCH_CHILD = _SWITCH_COMMON + _BARE_APP + r"""
def ready(screen):
    return bool(screen.query(DataTable)) and screen.query_one(DataTable).row_count > 0
async def main():
    app = Bare()
    async with app.run_test(size=(160, 48)) as pilot:
        while not (app.current_mode == "home" and ready(app.screen)):
            await pilot.pause(0.01)
        await pilot.pause(0.5)
        home = rss()
        out = await timed(app, pilot, "10", {"1": "reg", "0": "home"}, ready)
        out["home_rss_mb"], out["all_rss_mb"] = home, rss()
    print(json.dumps(out))
asyncio.run(main())
"""


def child_json(script: str, *args: str, env: dict[str, str]) -> dict:
    import subprocess

    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                         check=True, env=env, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])
