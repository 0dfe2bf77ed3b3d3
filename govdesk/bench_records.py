"""The benchmark's figures for records: the registers' first and last pages, a timeline, the
picker per keystroke and 传阅 to 200 readers (called from govdesk/bench.py).

The baseline of a read is "its SQL": the statements the service sent, caught as it ran once
and replayed on a bare ``sqlite3`` connection. Writes never reach the database: each run of
传阅 (and of its baseline, a raw INSERT of as many task rows) is one transaction that is
rolled back, so the measured database stays as it was (the benchmark may be pointed at the
only copy of ten years); what is not counted is the commit itself (WAL, synchronous=NORMAL: a
write of the transaction's pages, no fsync).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from govdesk.models import IncomingDocument, OutgoingDocument, Person, Task, database
from govdesk.services import incoming, org, outgoing
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.widgets import picker

REGISTER_PAGE = 100  # the 收文/发文 registers' PagedTable page_size (screens/secretariat.py)
READERS = 200  # 传阅 to this many at once

Add = Callable[..., None]


@contextmanager
def captured_sql() -> Iterator[list[tuple[str, tuple]]]:
    """The (sql, params) of every statement sent while the block runs."""
    db = database.obj
    seen: list[tuple[str, tuple]] = []
    original = db.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        seen.append((sql, tuple(params or ())))
        return original(sql, params, *args, **kwargs)

    db.execute_sql = execute_sql
    try:
        yield seen
    finally:
        del db.execute_sql


def its_sql(fn: Callable[[], Any], conn: sqlite3.Connection) -> tuple[str, Callable[[], Any]]:
    """(the baseline's name, a replay of the statements ``fn`` sends) on ``conn``."""
    with captured_sql() as seen:
        fn()
    reads = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
    name = "its SQL" if len(reads) == 1 else f"its SQL ({len(reads)} statements)"
    return name, lambda: [conn.execute(s, p).fetchall() for s, p in reads]


@contextmanager
def rolled_back() -> Iterator[None]:
    """One write transaction that leaves nothing behind."""
    with database.atomic() as txn:
        yield
        txn.rollback()


def registers(add: Add, clerk: Actor, raw: sqlite3.Connection) -> None:
    """Each register's first page (newest) and last page (the oldest ids), as the screen asks
    for them; 收文's page has the holders column, 发文's service has none yet (so a row shows
    what its holders would cost, through the engine's holders_by_record)."""
    for name, model, page in (("incoming", IncomingDocument, incoming.register_page),
                              ("outgoing", OutgoingDocument, outgoing.register_page)):
        oldest = [i for i, in model.select(model.id).order_by(model.id)
                  .limit(REGISTER_PAGE).tuples()]
        last_before = oldest[-1] + 1 if oldest else None
        for label, before in (("first page", None), ("last page", last_before)):
            def call(p=page, b=before):
                return p(clerk, before_id=b, limit=REGISTER_PAGE)

            base_name, base = its_sql(call, raw)
            add(f"{name}.register_page {label} ({REGISTER_PAGE} rows)", call, base_name, base)
    ids = [r.id for r in outgoing.register_page(clerk, limit=REGISTER_PAGE)]

    def with_holders():
        rows = outgoing.register_page(clerk, limit=REGISTER_PAGE)
        return rows, engine.holders_by_record("outgoing", [r.id for r in rows])

    base_name, base = its_sql(with_holders, raw)
    if ids:
        add(f"outgoing first page + holders_by_record ({REGISTER_PAGE} rows; not in the "
            "service yet)", with_holders, base_name, base)


def most_hops(kind: str) -> tuple[int, int]:
    """(record id, hops) of the record of ``kind`` whose flow has the most tasks."""
    row = database.execute_sql(
        "SELECT f.record_id, COUNT(*) AS n FROM task t JOIN flow f ON f.id = t.flow_id "
        "WHERE f.kind = ? GROUP BY t.flow_id ORDER BY n DESC, f.record_id DESC LIMIT 1",
        (kind,)).fetchone()
    return (row[0], row[1]) if row else (0, 0)


def timelines(add: Add, raw: sqlite3.Connection) -> None:
    for kind in ("outgoing", "incoming"):
        record_id, hops = most_hops(kind)
        if not record_id:
            continue
        call = lambda k=kind, r=record_id: engine.timeline(k, r)  # noqa: E731
        base_name, base = its_sql(call, raw)
        add(f"engine.timeline {kind} #{record_id} ({hops} hops)", call, base_name, base)


def pickers(add: Add, raw: sqlite3.Connection) -> None:
    """What the 传阅 picker runs per keystroke (widgets/picker.py ``search``: sections with
    their members, then people by name, full pinyin or initials) over the whole directory; the
    queries name one person near the end of it, so no early stop shortens the scan."""
    rows = raw.execute("SELECT name, pinyin, initials FROM person WHERE active "
                       "ORDER BY id DESC LIMIT 1").fetchone()
    if not rows:
        return
    name, full, initials = rows
    picker.search(picker.PEOPLE, "", True)  # pypinyin loaded (the first keystroke's cost)
    count = raw.execute("SELECT COUNT(*) FROM person WHERE active").fetchone()[0]
    like = ("SELECT id, name FROM person WHERE active AND (name LIKE ?1 OR pinyin LIKE ?1 "
            "OR initials LIKE ?1) ORDER BY id LIMIT 50")
    for what, query in (("characters", name), ("full pinyin", full), ("initials", initials)):
        add(f"picker keystroke, {what} {query!r} ({count} people)",
            lambda q=query: picker.search(picker.PEOPLE, q, True),
            "SQL LIKE over names",
            lambda q=query: raw.execute(like, (f"%{q}%",)).fetchall())


def circulation(add: Add, clerk: Actor, *, target: float | None = None
                ) -> tuple[int, list] | None:
    """传阅 of an open 收文 to 200 readers, rolled back each run; its baseline inserts 200 task
    rows on the same connection, rolled back too. Returns (document, readers)."""
    doc = (IncomingDocument.select(IncomingDocument.id)
           .where(IncomingDocument.secrecy == 0).order_by(IncomingDocument.id.desc()))
    doc_id = None
    for d in doc.limit(50):
        f = engine.flow_of("incoming", d.id)
        if f.state == "open":
            doc_id, flow_row = d.id, f
            break
    if doc_id is None:
        return None
    busy = {h for h, in Task.select(Task.holder).where(Task.flow == flow_row).tuples()}
    readers = [p for p in Person.select().where(Person.active & (Person.id != clerk.person.id))
               .order_by(Person.id.desc()).limit(READERS + len(busy)) if p.id not in busy]
    readers = [org.person_choice(p) for p in readers[:READERS]]

    def circulate() -> None:
        with rolled_back():
            incoming.circulate(clerk, doc_id, readers, note="")

    conn = database.connection()
    template = conn.execute("SELECT * FROM task WHERE flow_id = ? ORDER BY id DESC LIMIT 1",
                            (flow_row.id,)).fetchone()
    columns = [c[1] for c in conn.execute("PRAGMA table_info(task)")]
    holder = columns.index("holder_id")
    rows = []
    for p in readers:
        row = list(template)
        row[0], row[holder] = None, p.id
        rows.append(row)
    insert = (f"INSERT INTO task ({', '.join(columns)}) "
              f"VALUES ({', '.join('?' * len(columns))})")

    def raw_insert() -> None:
        with rolled_back():
            database.connection().executemany(insert, rows)

    add(f"incoming.circulate to {len(readers)} readers (rolled back)", circulate,
        f"raw INSERT of {len(readers)} task rows (rolled back)", raw_insert, target=target)
    return doc_id, readers


def circulated_timeline(add: Add, clerk: Actor, doc_id: int, readers: list) -> None:
    """The timeline of the document just circulated (inside the rolled-back transaction, so
    on the desk's own connection): a record with hundreds of hops."""
    conn = database.connection()
    with database.atomic() as txn:
        try:
            incoming.circulate(clerk, doc_id, readers, note="")
        except Exception:  # noqa: BLE001 - a reader the rules refuse: the row is left out
            txn.rollback()
            return
        call = lambda: engine.timeline("incoming", doc_id)  # noqa: E731
        base_name, base = its_sql(call, conn)
        hops = len(call())
        add(f"engine.timeline incoming #{doc_id} after 传阅 ({hops} hops)", call, base_name,
            base)
        txn.rollback()


# The one search: words of 2, 3 and 4 characters, common and rare, in both scripts, and a
# document number (whose digit pairs are the most common of all).
SEARCH_TERMS = ("通知", "蜜橘", "防汛", "財政局", "营商环境", "關於", "收〔2016〕31号")


def searches(add: Add, clerk: Actor, raw: sqlite3.Connection, *,
             target: float | None = None) -> None:
    """The one search (every kind, grouped, ``search.PER_KIND`` lines each) and the 收文
    register's search box, per term, beside what search was before the index: ``LIKE`` over
    the same fields, newest first, stopping at as many lines."""
    from govdesk.services import search

    if not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'").fetchone():
        return  # a database from before the index (schema v6): open it with govdesk once
    like_in = ("SELECT id FROM incoming_document WHERE number LIKE ?1 OR from_name LIKE ?1 "
               "OR doc_number LIKE ?1 OR title LIKE ?1 OR summary LIKE ?1 "
               "ORDER BY id DESC LIMIT ?2")
    like_out = ("SELECT id FROM outgoing_document WHERE number LIKE ?1 OR issuer LIKE ?1 "
                "OR title LIKE ?1 OR body LIKE ?1 ORDER BY id DESC LIMIT ?2")
    n = search.PER_KIND + 1
    for term in SEARCH_TERMS:
        pattern = f"%{term}%"
        add(f"search {term!r} (every kind)", lambda q=term: search.search(clerk, q),
            "LIKE over the same fields",
            lambda p=pattern: (raw.execute(like_in, (p, n)).fetchall(),
                               raw.execute(like_out, (p, n)).fetchall()), target=target)
    for term in SEARCH_TERMS[:3]:
        pattern = f"%{term}%"
        add(f"incoming.register_page text={term!r} ({REGISTER_PAGE} rows)",
            lambda q=term: incoming.register_page(clerk, text=q, limit=REGISTER_PAGE),
            "LIKE over the same fields",
            lambda p=pattern: raw.execute(like_in, (p, REGISTER_PAGE)).fetchall(),
            target=target)
