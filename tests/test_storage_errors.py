"""When the database cannot take a write — another writer holds it too long, the disk is full,
the file is read-only — the user gets a StorageError naming the cause, nothing is half-saved,
the screen keeps what was typed, and the same action works once the cause is gone
(govdesk/models/failures.py, models/writelock.py)."""

from __future__ import annotations

import sqlite3
import time

import pytest
from helpers.write_queue import queue_free, writer_inside_transaction
from textual.widgets import Input, Label

from govdesk.app import GovDesk
from govdesk.errors import StorageError
from govdesk.models import AuditEntry, IncomingDocument, database
from govdesk.screens.incoming_form import IncomingFormScreen
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


async def test_the_form_keeps_what_was_typed_when_the_disk_refuses(db):
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IncomingFormScreen)
        form.query_one("#from_name", Input).value = "黄岩区财政局"
        form.query_one("#title", Input).value = FIELDS["title"]
        database.execute_sql("PRAGMA query_only = 1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open, not crashed, not dismissed
        message = str(form.query_one("#form-error", Label).render())
        assert "只能读不能写" in message and "没有保存" in message
        assert form.query_one("#title", Input).value == FIELDS["title"]
        assert IncomingDocument.select().count() == 0
        database.execute_sql("PRAGMA query_only = 0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not form
    assert IncomingDocument.get().title == FIELDS["title"]
