"""Service calls from worker threads (govdesk/services/session.py), on SQLite and PostgreSQL:
each thread uses a connection of its own and lets it go when done, and a write that finds
another writer holding the database says so (the form's "等待数据库") before it waits."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from helpers.write_queue import writer_inside_transaction

from govdesk.models import IncomingDocument, database
from govdesk.services import incoming
from govdesk.services.session import in_worker

FIELDS = {"from_unit": "cz", "title": "关于工作线程保存的测试报告", "doc_kind": "报告"}


@contextmanager
def other_writer(db, backend):
    """Another session holding the write lock: a govdesk process on SQLite, a session holding
    the advisory write lock on PostgreSQL."""
    if backend == "sqlite":
        with writer_inside_transaction(db):
            yield
        return
    import psycopg2

    from govdesk.models.db import PG_WRITE_LOCK_KEY

    other = psycopg2.connect(db)
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (PG_WRITE_LOCK_KEY,))
        yield
    finally:
        other.rollback()
        other.close()


def test_a_worker_thread_lets_its_connection_go(db, as_user):
    seen = {}

    def work():
        seen["title"] = in_worker(incoming.register, as_user("lixm"), FIELDS).title
        seen["closed"] = database.is_closed()  # this thread's connection

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    assert seen == {"title": FIELDS["title"], "closed": True}
    assert IncomingDocument.select().count() == 1


def test_a_write_that_must_wait_says_so_then_goes_through(db, backend, as_user):
    waits: list[str] = []
    result = {}

    def work():
        result["doc"] = in_worker(incoming.register, as_user("lixm"), FIELDS,
                                  on_wait_for_lock=lambda: waits.append("waiting"))

    with other_writer(db, backend):
        thread = threading.Thread(target=work)
        thread.start()
        deadline = time.monotonic() + 10
        while not waits and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waits == ["waiting"]  # said before it waited
        assert thread.is_alive() and "doc" not in result
    thread.join(30)
    assert result["doc"].title == FIELDS["title"]
    assert waits == ["waiting"]


def test_a_write_that_need_not_wait_says_nothing(db, as_user):
    waits: list[str] = []
    in_worker(incoming.register, as_user("lixm"), FIELDS,
              on_wait_for_lock=lambda: waits.append("waiting"))
    assert waits == []
