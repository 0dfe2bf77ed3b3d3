"""The UI thread never waits for the database (DESIGN "The UI thread never waits").

Another govdesk process holds the write lock (tests/helpers/write_queue.py) while the user
saves 收文登记: the desk keeps moving (its timers tick, keys work), the form says it is waiting
for the database and keeps every value; once the other writer lets go the save completes. When
the other writer holds on past the busy timeout the user is told the database is busy and the
form keeps what was typed. A process holding SQLite's exclusive lock (readers wait too) cannot
stop the change poll or the screens' refreshes from leaving the keys alive.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers.workers import settle, wait_for
from helpers.write_queue import queue_free, writer_inside_transaction
from textual.widgets import Input, Label, Select

from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, close_database, database
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.services import org
from tests.conftest import NOW

# Each test blocks the database on purpose: Pilot pauses must not wait for the workers.
pytestmark = pytest.mark.db_blocked

TITLE = "关于写锁被占用时登记收文的测试通知"
TYPED = {"from_name": "黄岩区财政局", "doc_number": "黄财〔2026〕7号", "title": TITLE,
         "pages": "3"}


@pytest.fixture(autouse=True)
def config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))


def desk() -> GovDesk:
    return GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)


def form_text(form, selector: str) -> str:
    return str(form.query_one(selector, Label).render())


async def open_filled_form(pilot) -> IncomingFormScreen:
    await pilot.press("1")
    await pilot.press("n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, IncomingFormScreen)
    for key, value in TYPED.items():
        form.query_one(f"#{key}", Input).value = value
    form.query_one("#doc_kind", Select).value = "报告"
    form.query_one("#title", Input).focus()
    await pilot.pause()
    return form


def typed(form) -> dict:
    values = {key: form.query_one(f"#{key}", Input).value for key in TYPED}
    values["doc_kind"] = form.query_one("#doc_kind", Select).value
    return values



async def test_a_save_waiting_for_another_writer_leaves_the_desk_moving(db):
    app = desk()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_filled_form(pilot)
        ticks: list[int] = []
        app.set_interval(0.05, lambda: ticks.append(1))
        with writer_inside_transaction(db):
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: "等待数据库" in form_text(form, "#form-error"),
                           "the form says it waits for the database")
            assert form.saving
            assert app.screen is form
            # Still waiting, and the event loop runs: the timer ticks, keys are handled.
            before = len(ticks)
            await wait_for(pilot, lambda: len(ticks) >= before + 5, "the timer ticks")
            assert form.saving
            await pilot.press("ctrl+s", "enter", "escape")  # neither saves twice nor closes
            saves = [w for w in app.workers if w.group == "save" and w.is_running]
            assert len(saves) == 1
            assert app.screen is form and form.saving
            # Disabled but intact.
            assert form.query_one("#title", Input).disabled
            assert typed(form) == dict(TYPED, doc_kind="报告")
            assert IncomingDocument.select().count() == 0
        # The other writer let go: the save goes through and the form closes.
        await wait_for(pilot, lambda: app.screen is not form, "the save completes")
        await settle(pilot)
        assert isinstance(app.screen, SecretariatScreen)
    doc = IncomingDocument.get()
    assert doc.title == TITLE and doc.doc_kind == "报告" and doc.pages == 3
    assert IncomingDocument.select().count() == 1  # saved once


async def test_a_writer_holding_on_past_the_busy_timeout_gives_busy_and_keeps_the_form(db):
    app = desk()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_filled_form(pilot)
        with writer_inside_transaction(db):
            database.obj._timeout = 1.0  # the busy timeout, shortened for the test
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not form.saving, "the save gives up")
            await settle(pilot)
            assert app.screen is form  # still open
            message = form_text(form, "#form-error")
            assert "数据库正忙" in message and "没有保存" in message
            assert typed(form) == dict(TYPED, doc_kind="报告")  # every value kept
            assert not form.query_one("#title", Input).disabled  # editable again
            assert app.focused is form.query_one("#title", Input)  # the cursor where it was
            assert IncomingDocument.select().count() == 0
        await wait_for(pilot, lambda: queue_free(db), "the queue is free again")
        database.obj._timeout = 10
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form, "the second save completes")
        await settle(pilot)
    assert IncomingDocument.get().title == TITLE


# Holds SQLite's exclusive lock in exclusive locking mode: even readers wait (up to the busy
# timeout) — the worst another process can do to the desk's reads.
EXCLUSIVE = (
    "import sqlite3, sys, time\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)\n"
    "c.execute('PRAGMA locking_mode=EXCLUSIVE')\n"
    "c.execute('BEGIN EXCLUSIVE')\n"
    "print('held', flush=True); time.sleep(60)\n"
)


async def test_a_locked_database_does_not_stop_the_keys(db):
    person = org.person_by_login("lixm")
    close_database()  # no connection of ours may stand in the lock's way
    holder = subprocess.Popen([sys.executable, "-c", EXCLUSIVE, str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        app = GovDesk(person=person, poll=False, now=NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.poll_changes()  # the change poll: PRAGMA data_version cannot be read now
            await pilot.pause()
            poll = [w for w in app.workers if w.group == "poll"]
            assert poll and poll[0].is_running
            # While the poll (and Home's refresh) wait for the database, keys still work.
            await pilot.press("1")
            assert app.current_mode == "mishu"
            assert isinstance(app.screen, SecretariatScreen)
            await pilot.press("5")
            assert app.current_mode == "ducha"
            await pilot.press("0")
            assert app.current_mode == "home"
            assert poll[0].is_running  # all of that happened while the poll was waiting
            holder.kill()
            holder.wait()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running
            # The desk caught up: Home shows its data once the lock is gone.
            app.screen.refresh_data()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen.shown_generation == app.screen._generation
    finally:
        holder.kill()
        holder.wait()


async def test_the_register_pages_on_in_a_worker(db, as_user):
    """The 收文 register shows 100 rows; moving down near the end reads the next page in the
    table's worker, which continues the register as shown."""
    from govdesk.services import incoming
    from govdesk.widgets.paged_table import PagedTable

    clerk = as_user("lixm")
    for i in range(130):
        incoming.register(clerk, {"from_unit": "cz", "title": f"分页测试来文{i:03d}",
                                  "doc_kind": "报告"})
    app = desk()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        table = app.screen.query_one("#register", PagedTable)
        assert table.row_count == 100
        assert "+" in str(app.screen.query_one("#register-title", Label).render())
        table.focus()
        table.move_cursor(row=95)
        await settle(pilot)
        assert table.row_count == 130
        assert table.at_bottom
        keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(130)]
        assert len(set(keys)) == 130  # no page twice


async def test_a_detail_screen_opened_while_the_database_is_locked_fills_once_it_is_free(db):
    """Another process holds SQLite's exclusive lock (no reads either) as the user opens a
    收文 from Home: the detail screen comes up at once and waits for its data in a worker —
    the keys still work (back to Home and in again) — and fills when the lock is let go; the
    first screen's late answer goes nowhere."""
    from helpers.workers import finished_within

    from govdesk.screens.home import HomeScreen
    from govdesk.screens.incoming.detail import IncomingDetailScreen
    from govdesk.services import incoming
    from govdesk.widgets.timeline import TimelineTable
    from tests.conftest import actor

    doc = incoming.register(actor("lixm"), {"from_name": "区财政局", "title": "锁住时打开的来文",
                                            "doc_kind": "报告"})
    app = desk()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        close_database()  # no connection of ours may stand in the lock's way
        holder = subprocess.Popen([sys.executable, "-c", EXCLUSIVE, str(db)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "held"
            ticks: list[int] = []
            app.set_interval(0.05, lambda: ticks.append(1))
            home.query_one("#inbox").focus()
            await pilot.press("enter")
            await pilot.pause()
            first = app.screen
            assert isinstance(first, IncomingDetailScreen) and first.doc_id == doc.id
            loads = [w for w in app.workers if w.node is first and w.is_running]
            assert loads  # its load waits for the database …
            before = len(ticks)
            await wait_for(pilot, lambda: len(ticks) >= before + 5, "the timer ticks")
            assert first.doc is None and first.shown_generation == 0
            # … while the keys work: back to Home, and the same record opened again.
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is home
            home.query_one("#inbox").focus()
            await pilot.press("enter")
            await pilot.pause()
            second = app.screen
            assert isinstance(second, IncomingDetailScreen) and second is not first
            assert second.doc is None
            assert [w for w in app.workers if w.node is second and w.is_running]  # waiting
        finally:
            holder.kill()
            holder.wait()
        # The lock is gone: the screen fills.
        assert await finished_within(list(app.workers), 15)
        await settle(pilot)
        assert app.screen is second
        assert second.doc is not None and second.doc.title == "锁住时打开的来文"
        assert second.query_one("#timeline", TimelineTable).row_count == len(second._tasks) >= 2
        assert [task.step for task in second.my_tasks] == ["初审"]
        assert first.doc is None  # the closed screen's answer was dropped
