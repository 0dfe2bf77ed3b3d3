"""When the database cannot take a write — another writer holds it too long, the disk is full,
the file is read-only — the user gets a StorageError naming the cause, nothing is half-saved,
the screen keeps what was typed, and the same action works once the cause is gone
(govdesk/models/failures.py, models/writelock.py)."""

from __future__ import annotations

import sqlite3
import time

import pytest
from helpers.workers import settle
from helpers.write_queue import queue_free, writer_inside_transaction
from textual.widgets import Input, Label

from govdesk.app import GovDesk
from govdesk.errors import StorageError
from govdesk.models import AuditEntry, IncomingDocument, database
from govdesk.models.writelock import QUEUE_SUFFIX
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.services import incoming, org
from govdesk.services.errors import ServiceError
from tests.conftest import NOW

FIELDS = {"from_unit": "cz", "title": "关于存储故障演练的报告", "doc_kind": "报告"}


def _counts() -> tuple[int, int]:
    return IncomingDocument.select().count(), AuditEntry.select().count()


def test_a_full_disk_refuses_the_write_and_saves_nothing(db, as_user):
    before = _counts()
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")
    big = dict(FIELDS, summary="摘" * 19000)  # needs new overflow pages
    with pytest.raises(StorageError) as caught:
        incoming.register(as_user("lixm"), big)
    assert caught.value.kind == "full"
    assert "磁盘已满" in str(caught.value) and "没有保存" in str(caught.value)
    assert isinstance(caught.value, ServiceError)  # every screen shows it as a refusal
    assert _counts() == before
    database.execute_sql("PRAGMA max_page_count = 1073741823")
    doc = incoming.register(as_user("lixm"), big)
    assert doc.number == "收〔2026〕1号"  # the refused attempt used no number


def test_a_read_only_database_refuses_the_write(db, as_user):
    before = _counts()
    database.execute_sql("PRAGMA query_only = 1")
    try:
        with pytest.raises(StorageError) as caught:
            incoming.register(as_user("lixm"), FIELDS)
    finally:
        database.execute_sql("PRAGMA query_only = 0")
    assert caught.value.kind == "readonly"
    assert _counts() == before


def test_a_writer_held_too_long_gives_busy_not_a_frozen_screen(db, as_user):
    """A writer stopped inside its transaction holds the write queue; the next writer waits
    the busy timeout, then is told the database is busy, instead of waiting for ever."""
    before = _counts()
    with writer_inside_transaction(db):
        database.obj._timeout = 0.5  # the busy timeout, shortened for the test
        with pytest.raises(StorageError) as caught:
            incoming.register(as_user("lixm"), FIELDS)
        assert caught.value.kind == "busy"
        assert "数据库正忙" in str(caught.value)
        assert _counts() == before
    # The abandoned wait gives the lock straight back once it gets it.
    deadline = time.monotonic() + 5
    while not queue_free(db) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert queue_free(db)
    assert incoming.register(as_user("lixm"), FIELDS).number == "收〔2026〕1号"


def test_a_lock_held_outside_the_queue_also_ends_in_busy(db, as_user):
    """Another tool (sqlite3 shell, an older govdesk) holding SQLite's own write lock: the
    busy timeout runs out with 'database is locked', which the user sees as busy."""
    other = sqlite3.connect(str(db), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        database.execute_sql("PRAGMA busy_timeout = 200")
        with pytest.raises(StorageError) as caught:
            incoming.register(as_user("lixm"), FIELDS)
        assert caught.value.kind == "busy"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _counts()[0] == 0
    assert incoming.register(as_user("lixm"), FIELDS).number == "收〔2026〕1号"


def _refuse_writes(on: bool) -> None:
    """Every connection read-only, as a read-only disk would make it: the saves run in worker
    threads, each on a connection of its own, so the pragma goes to every new connection."""
    db = database.obj
    db._pragmas = [p for p in db._pragmas if p[0] != "query_only"] + [("query_only", int(on))]
    database.execute_sql(f"PRAGMA query_only = {int(on)}")


async def test_the_form_keeps_what_was_typed_when_the_disk_refuses(db):
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncomingFormScreen)
        form.query_one("#from_name", Input).value = "黄岩区财政局"
        form.query_one("#title", Input).value = FIELDS["title"]
        _refuse_writes(True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open, not crashed, not dismissed
        message = str(form.query_one("#form-error", Label).render())
        assert "只能读不能写" in message and "没有保存" in message
        assert form.query_one("#title", Input).value == FIELDS["title"]
        assert IncomingDocument.select().count() == 0
        _refuse_writes(False)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    assert IncomingDocument.get().title == FIELDS["title"]


# ------------------------------------------------------------------ found in review


def test_failures_are_told_apart_by_code_not_by_wording():
    """A PostgreSQL server set up for Chinese words its errors in Chinese; the SQLSTATE says
    what happened. SQLITE_LOCKED (a clash inside one connection) is a bug, not 'busy'."""
    from govdesk.models.failures import storage_kind

    class ServerError(Exception):  # the shape of psycopg2's errors: a message and a pgcode
        def __init__(self, message: str, pgcode: str):
            super().__init__(message)
            self.pgcode = pgcode

    assert storage_kind(ServerError("错误:  由于锁超时，取消语句操作", "55P03")) == "busy"
    assert storage_kind(ServerError("错误:  磁盘空间不足", "53100")) == "full"
    assert storage_kind(ServerError("致命错误:  由于管理员命令中断联接", "57P01")) == "connection"
    assert storage_kind(ServerError("无法连接到服务器", "08006")) == "connection"
    assert storage_kind(ServerError("错误:  关系 \"x\" 不存在", "42P01")) is None

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(10)])
    reading = conn.execute("SELECT x FROM t")
    reading.fetchone()
    with pytest.raises(sqlite3.OperationalError) as locked:
        conn.execute("DROP TABLE t")
    assert locked.value.sqlite_errorcode & 0xFF == sqlite3.SQLITE_LOCKED
    assert storage_kind(locked.value) is None


def test_a_full_disk_inside_a_nested_transaction_still_says_full(db, as_user):
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")
    try:
        with pytest.raises(StorageError) as caught, database.atomic(), database.atomic():
            incoming.register(as_user("lixm"), dict(FIELDS, summary="摘" * 19000))
    finally:
        database.execute_sql("PRAGMA max_page_count = 1073741823")
    assert caught.value.kind == "full"
    assert "详情" in str(caught.value)  # the engine's own words, for the administrator
    assert _counts()[0] == 0


def test_an_interrupted_wait_does_not_keep_the_queue(db):
    """Ctrl+C (or any exception) while waiting for the queue: once the holder lets go, the
    queue is free for everyone, not held for ever by the abandoned wait."""
    import signal

    from govdesk.models.writelock import wait_turn

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    with writer_inside_transaction(db):
        previous = signal.signal(signal.SIGALRM, interrupt)
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        try:
            with pytest.raises(KeyboardInterrupt):
                wait_turn(str(db) + QUEUE_SUFFIX, 30)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    deadline = time.monotonic() + 5
    while not queue_free(db) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert queue_free(db)


def test_a_missing_queue_file_falls_back_to_sqlite_alone(db, as_user):
    from govdesk.models.writelock import wait_turn

    assert wait_turn(str(db) + ".no-such-queue", 1) is None


async def test_the_desk_stays_up_while_the_database_cannot_be_read(db, monkeypatch):
    """The poll that brings others' changes finds the database unreadable: one warning, no
    crash; when it can read again it says so and carries on."""
    import govdesk.app as app_module
    from govdesk.models.failures import storage_error

    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        def broken():
            raise storage_error("connection", "server closed the connection unexpectedly")

        async def poll() -> None:  # the poll runs in its own thread: wait for its answer
            app.poll_changes()
            await app.workers.wait_for_complete()
            await pilot.pause()

        monkeypatch.setattr(app_module, "data_version", broken)
        await poll()
        await poll()
        warnings = [n.message for n in app._notifications if "连接中断" in n.message]
        assert len(warnings) == 1  # said once, not every half second
        monkeypatch.undo()
        await poll()
        assert app.is_running
        assert any("已恢复" in n.message for n in app._notifications)
