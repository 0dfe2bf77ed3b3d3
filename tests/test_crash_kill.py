"""Crash safety (issue 4 item 3): SIGKILL writers at random points, then check the database.

A light "zygote" process (``python -c``, importing only govdesk.services) forks a fresh writer
on demand; the writer registers 收文, accepts them, drafts 发文, and after each commit writes
the id to its own log with os.write (so the line is in the kernel once the commit returned).
The test kills it after a random short delay with SIGKILL, ≥100 times, and after each kill
checks: the database opens, integrity_check passes, everything reported committed is there,
nothing is half-written (each document has its flow, tasks and audit entries) and the
numbers have no gap. A second test kills a schema migration half-way.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from govdesk.models import close_database, open_database
from govdesk.services import maintenance, schema
from govdesk.tools.stress import check_invariants

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("GOVDESK_KILLS", "110"))

ZYGOTE = textwrap.dedent("""
    import os, signal, sys
    from datetime import datetime
    from govdesk.models import open_database
    from govdesk.services import incoming, org, outgoing
    from govdesk.services.context import Actor

    db, logs = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel

    def writer():
        open_database(db, create=False)
        clerk = org.person_by_login("lixm")
        drafter = org.person_by_login("yej")
        log = os.open(os.path.join(logs, f"{os.getpid()}.log"),
                      os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        i = 0
        while True:
            i += 1
            now = datetime.now()
            doc = incoming.register(Actor(clerk, now), {
                "from_unit": "cz", "title": f"断电测试 {os.getpid()}-{i}", "doc_kind": "报告"})
            os.write(log, f"R {doc.id} {doc.seq}\\n".encode())
            task = incoming.current_task_for(Actor(clerk, now), doc)
            incoming.decide_intake(Actor(clerk, now), task.id, "受理", "符合受文规定")
            os.write(log, f"A {doc.id}\\n".encode())
            if i % 3 == 0:
                draft = outgoing.create_draft(Actor(drafter, now), {
                    "issuer": "区政府办公室", "doc_kind": "通知",
                    "title": f"关于断电测试{i}的通知", "main_to": "区政府各部门",
                    "body": "现将有关事项通知如下。"})
                os.write(log, f"O {draft.id}\\n".encode())

    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                writer()
            finally:
                os._exit(0)
        sys.stdout.write(f"{pid}\\n")
        sys.stdout.flush()
""")


def _gone(pid: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.002)
    raise AssertionError(f"writer {pid} did not die")


def _reported(logs: Path) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {"R": set(), "A": set(), "O": set()}
    for log in logs.glob("*.log"):
        for line in log.read_text().splitlines():
            kind, ident, *_ = line.split()
            out[kind].add(int(ident))
    return out


def _check_after_kill(db: Path, reported: dict[str, set[int]]) -> None:
    """Runs in this process with its own connection, as the next user would."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        incoming = {r[0]: r[1:] for r in conn.execute(
            "SELECT id, state, seq, year FROM incoming_document")}
        missing = reported["R"] - incoming.keys()
        assert not missing, f"reported committed but gone: {sorted(missing)[:5]}"
        for doc_id in reported["A"]:
            assert incoming[doc_id][0] != "已登记", f"收文 {doc_id} lost its 受理"
        drafts = {r[0] for r in conn.execute("SELECT id FROM outgoing_document")}
        assert reported["O"] <= drafts
        # Nothing half-written: every document has its flow, its tasks and its audit entry.
        for kind, table, first_steps in (("incoming", "incoming_document", {"登记", "初审"}),
                                         ("outgoing", "outgoing_document", {"起草"})):
            rows = conn.execute(f"""
                SELECT d.id, f.id,
                       (SELECT group_concat(step) FROM task t WHERE t.flow_id = f.id),
                       (SELECT COUNT(*) FROM audit_entry a
                         WHERE a."table" = '{table}' AND a.record_id = d.id
                           AND a.action IN ('incoming.register', 'outgoing.create'))
                FROM {table} d LEFT JOIN flow f ON f.kind = '{kind}' AND f.record_id = d.id
            """).fetchall()
            for doc_id, flow_id, steps, audited in rows:
                assert flow_id is not None, f"{table} {doc_id} has no flow"
                assert first_steps <= set((steps or "").split(",")), (table, doc_id, steps)
                assert audited == 1, (table, doc_id, audited)
        # Numbers: 1..counter, no gap, no duplicate.
        top = dict(conn.execute("SELECT year, value FROM counter WHERE prefix = 'incoming'"))
        for year, value in top.items():
            seqs = sorted(s for _, s, y in incoming.values() if y == year)
            assert seqs == list(range(1, value + 1)), f"gap in 收文编号 {year}"
    finally:
        conn.close()


def test_sigkill_writers_at_random_points(db_path, tmp_path):
    org_db = db_path
    logs = tmp_path / "logs"
    logs.mkdir()
    zygote = subprocess.Popen([sys.executable, "-c", ZYGOTE, str(org_db), str(logs)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    rng = random.Random(4)
    kills = 0
    started = time.monotonic()
    try:
        for _ in range(KILLS):
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            pid = int(zygote.stdout.readline())
            # Mostly short (mid-first-transaction), sometimes long enough for many commits.
            time.sleep(rng.choice([rng.uniform(0.0, 0.03), rng.uniform(0.02, 0.25)]))
            os.kill(pid, signal.SIGKILL)
            _gone(pid)
            kills += 1
            _check_after_kill(org_db, _reported(logs))
    finally:
        zygote.kill()
        zygote.wait()
    elapsed = time.monotonic() - started
    reported = _reported(logs)
    assert kills >= 100
    assert len(reported["R"]) > 50, "the writers hardly committed anything"
    # The whole database still meets every invariant the stress test checks.
    open_database(org_db, create=False)
    try:
        result = check_invariants()
    finally:
        close_database()
    assert result["failures"] == []
    print(f"\n{kills} kills in {elapsed:.1f}s; {len(reported['R'])} 收文, "
          f"{len(reported['A'])} 受理, {len(reported['O'])} 发文 reported committed, all present")


# ---------------------------------------------------------------------------- migration


MIGRATOR = textwrap.dedent("""
    import sys, time
    from govdesk.models import database, open_database
    from govdesk.services import schema

    db, mode = sys.argv[1], sys.argv[2]

    def migrate_to_next():
        database.execute_sql("ALTER TABLE incoming_document ADD COLUMN stress_note TEXT")
        database.execute_sql("UPDATE incoming_document SET stress_note = 'migrated'")
        database.execute_sql("CREATE TABLE stress_new (id INTEGER PRIMARY KEY, v TEXT)")
        database.execute_sql("INSERT INTO stress_new (v) SELECT title FROM incoming_document")
        if mode == "sleep":
            print("MIGRATING", flush=True)
            time.sleep(60)  # killed here, in the middle of the migration's transaction

    # One version past the current schema: the test's own migration, whatever the version now.
    schema.SCHEMA_VERSION += 1
    schema.MIGRATIONS[schema.SCHEMA_VERSION] = migrate_to_next
    open_database(db, create=False)
    print(schema.ensure_schema(), flush=True)
""")


def _state(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "version": conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0],
            "columns": [r[1] for r in conn.execute("PRAGMA table_info(incoming_document)")],
            "tables": {r[0] for r in conn.execute("SELECT name FROM sqlite_master")},
            "docs": conn.execute("SELECT COUNT(*) FROM incoming_document").fetchone()[0],
            "audit": conn.execute("SELECT COUNT(*) FROM audit_entry").fetchone()[0],
        }
    finally:
        conn.close()


def test_kill_during_schema_migration(demo_path, tmp_path):
    current = schema.SCHEMA_VERSION
    before = _state(demo_path)
    assert before["version"] == str(current) and before["docs"] > 0
    proc = subprocess.Popen([sys.executable, "-c", MIGRATOR, str(demo_path), "sleep"],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "MIGRATING"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    # The pre-migration backup was taken first and is whole.
    backups = sorted(demo_path.parent.glob(demo_path.name + f".v{current}-*.bak"))
    assert len(backups) == 1
    assert maintenance.verify(backups[0]) == "ok"
    # The database itself is untouched: the migration's transaction never committed.
    after = _state(demo_path)
    assert after == before
    assert "stress_note" not in after["columns"] and "stress_new" not in after["tables"]

    # The backup restores cleanly over the original and holds the same data.
    maintenance.restore(None, backups[0], demo_path)
    restored = _state(demo_path)
    assert restored == {**before, "audit": before["audit"] + 1}  # + who restored what
    open_database(demo_path, create=False)
    try:
        assert check_invariants()["failures"] == []
    finally:
        close_database()

    # Run again to the end: fully migrated, in one piece.
    done = subprocess.run([sys.executable, "-c", MIGRATOR, str(demo_path), "run"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"[{current + 1}]"
    migrated = _state(demo_path)
    assert migrated["version"] == str(current + 1) and migrated["integrity"] == "ok"
    assert "stress_note" in migrated["columns"] and "stress_new" in migrated["tables"]
    assert migrated["docs"] == before["docs"]
    conn = sqlite3.connect(demo_path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM incoming_document WHERE stress_note IS NULL"
                            ).fetchone()[0] == 0
    finally:
        conn.close()
