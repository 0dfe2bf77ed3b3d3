"""PostgreSQL: numbering and conflicts across real processes, the append-only audit log, search,
the change counter, and `govdesk migrate-db` from the demo SQLite file.

Needs a server (GOVDESK_TEST_PG=postgresql://…, printed by .ci/setup-postgres.sh, or
`pytest --db postgresql://…`); without one this module is skipped with the reason. The rest of
the service suite runs against PostgreSQL too (see PG_MODULES in conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from helpers import pg

URL, _WHY = pg.status()
if not URL:
    pytest.skip(pg.reason(), allow_module_level=True)

import peewee  # noqa: E402
import psycopg2  # noqa: E402

from govdesk import cli  # noqa: E402
from govdesk.models import (  # noqa: E402
    ALL_MODELS,
    AuditEntry,
    Counter,
    IncomingDocument,
    close_database,
    data_version,
    database,
    open_database,
)
from govdesk.services import audit, inbox, incoming, schema  # noqa: E402
from govdesk.services.context import Actor  # noqa: E402
from govdesk.services.org import person_by_login  # noqa: E402

HELPERS = Path(__file__).parent / "helpers"
ROOT = Path(__file__).resolve().parent.parent
ON_PG = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
FORM = {"from_unit": "cz", "title": "原标题", "doc_kind": "报告"}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _run_together(tmp_path: Path, commands: list[list[str]]) -> list[str]:
    """Start the workers, wait until all are ready, let them go at once; their stdout."""
    go = tmp_path / "go"
    procs = []
    for i, args in enumerate(commands):
        ready = tmp_path / f"ready{i}"
        procs.append((ready, subprocess.Popen(
            [sys.executable, *[a.replace("{ready}", str(ready)) for a in args], str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in procs):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for _, p in procs), [p.communicate() for _, p in procs]
        time.sleep(0.01)
    go.touch()
    out = []
    for _, p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, stderr
        out.append(stdout)
    return out


@ON_PG
def test_two_processes_number_without_gap_or_duplicate(db, tmp_path):
    assert Counter.select().where(Counter.prefix == "incoming").count() == 0  # first row races
    close_database()
    each = 20
    outs = _run_together(tmp_path, [
        [str(HELPERS / "register_worker.py"), db, login, str(each), "{ready}"]
        for login in ("lixm", "chenhl")])
    seqs = sorted(seq for out in outs for seq, _number in json.loads(out))
    assert seqs == list(range(1, 2 * each + 1))
    open_database(db)
    stored = sorted(d.seq for d in IncomingDocument.select())
    assert stored == seqs
    assert Counter.get(Counter.prefix == "incoming").value == 2 * each
    registered = AuditEntry.select().where(AuditEntry.action == "incoming.register").count()
    assert registered == 2 * each


@ON_PG
def test_two_processes_same_version_exactly_one_wins(db, tmp_path):
    doc = incoming.register(Actor(person_by_login("lixm"), datetime(2026, 11, 26, 9)), FORM)
    close_database()
    people = {"lixm": "李晓梅改的标题", "chenhl": "陈海林改的标题"}
    outs = _run_together(tmp_path, [
        [str(HELPERS / "update_worker.py"), db, login, str(doc.id), title, "{ready}"]
        for login, title in people.items()])
    results = [json.loads(o) for o in outs]
    assert sorted(r["result"] for r in results) == ["conflict", "ok"]
    winner = next(r for r in results if r["result"] == "ok")
    assert winner["version"] == 2
    open_database(db)
    stored = IncomingDocument.get_by_id(doc.id)
    assert stored.version == 2
    assert stored.title in people.values()
    updates = AuditEntry.select().where(AuditEntry.action == "incoming.update").count()
    assert updates == 1


@ON_PG
def test_audit_log_is_append_only(db, as_user):
    incoming.register(as_user("lixm"), FORM)
    entry = AuditEntry.select().first()
    with pytest.raises(peewee.IntegrityError, match="append-only"), database.atomic():
        AuditEntry.update(actor="someone-else").where(AuditEntry.id == entry.id).execute()
    with pytest.raises(peewee.IntegrityError, match="append-only"), database.atomic():
        AuditEntry.delete().where(AuditEntry.id == entry.id).execute()
    assert AuditEntry.get_by_id(entry.id).actor == "lixm"
    # Also for anyone going round the application with psql or psycopg2.
    raw = psycopg2.connect(db)
    try:
        for sql in ("UPDATE audit_entry SET actor = 'x'", "DELETE FROM audit_entry",
                    "TRUNCATE audit_entry"):
            with pytest.raises(psycopg2.errors.RestrictViolation), raw.cursor() as cur:
                cur.execute(sql)
            raw.rollback()
    finally:
        raw.close()
    assert AuditEntry.select().count() >= 1


@ON_PG
def test_schema_is_version_1_and_idempotent(db):
    assert schema.schema_version() == schema.SCHEMA_VERSION
    assert schema.ensure_schema() == []
    schema.create_audit_triggers()  # again: replaces, does not duplicate
    triggers = {r[0] for r in database.execute_sql(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass"
        " AND NOT tgisinternal").fetchall()}
    assert triggers == {"audit_entry_no_update", "audit_entry_no_delete",
                        "audit_entry_no_truncate"}


@ON_PG
def test_version_2_trail_is_chained_by_the_migration(db, as_user):
    """Schema v3 on PostgreSQL: the columns added, the old entries chained in id order with
    the UPDATE trigger lifted and put back in the one transaction."""
    incoming.register(as_user("lixm"), FORM)
    incoming.register(as_user("lixm"), {**FORM, "title": "第二份"})
    n = AuditEntry.select().count()
    with database.atomic():  # back to version 2's table
        database.execute_sql("ALTER TABLE audit_entry DROP COLUMN hash, DROP COLUMN prev_hash")
        schema.set_meta("schema_version", "2")
    assert schema.ensure_schema() == [3, 4, 5, 6, 7, 8, 9, 10, 11]  # v4–v11 find theirs made already
    report = audit.verify_chain()
    assert report.intact and report.checked == n
    with pytest.raises(peewee.IntegrityError, match="append-only"), database.atomic():
        AuditEntry.update(actor="x").where(AuditEntry.id == 1).execute()
    incoming.register(as_user("lixm"), {**FORM, "title": "第三份"})
    assert audit.verify_chain().checked > n


@ON_PG
def test_a_tampered_entry_is_named_on_postgresql(db, as_user):
    incoming.register(as_user("lixm"), FORM)
    raw = psycopg2.connect(db)
    try:
        with raw, raw.cursor() as cur:  # the database owner, round govdesk
            cur.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_update")
            cur.execute("UPDATE audit_entry SET actor = 'someone' WHERE id = 1")
            cur.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_update")
    finally:
        raw.close()
    report = audit.verify_chain()
    assert (report.bad_id, report.problem) == (1, "hash")


@ON_PG
def test_search_is_case_insensitive_and_finds_chinese(db, as_user):
    clerk = as_user("lixm")
    incoming.register(clerk, {**FORM, "title": "关于 WiFi 覆盖工程的报告"})
    incoming.register(clerk, {**FORM, "title": "关于征地补偿标准的请示", "doc_kind": "请示"})
    assert [r.title for r in incoming.register_page(clerk, text="wifi")] == [
        "关于 WiFi 覆盖工程的报告"]
    assert [r.title for r in incoming.register_page(clerk, text="WIFI")] == [
        "关于 WiFi 覆盖工程的报告"]
    assert [r.title for r in incoming.register_page(clerk, text="征地")] == ["关于征地补偿标准的请示"]
    assert len(incoming.register_page(clerk, text="收〔2026〕")) == 2
    assert incoming.register_page(clerk, text="没有这样的文") == []
    assert incoming.register_page(clerk, text="wi\x00fi") == []  # PostgreSQL cannot hold NUL


@ON_PG
def test_long_text_is_kept_as_on_sqlite(db, as_user):
    # peewee declares VARCHAR(255), which SQLite ignores; a title may have 500 characters.
    title = "关于" + "长" * 400 + "的报告"
    doc = incoming.register(as_user("lixm"), {**FORM, "title": title})
    assert IncomingDocument.get_by_id(doc.id).title == title


@ON_PG
def test_change_counter_moves_on_another_process_commit(db, tmp_path):
    before = data_version()
    assert data_version() == before  # reading changes nothing
    _run_together(tmp_path, [[str(HELPERS / "register_worker.py"), db, "lixm", "1", "{ready}"]])
    after = data_version()
    assert after != before and after[0] > before[0]


def _counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in ALL_MODELS}


def _inbox_view(login: str) -> list[tuple]:
    actor = Actor(person_by_login(login), datetime(2026, 11, 26, 9, 30))
    return [(i.task_id, i.title, i.step, i.due, i.holder, i.label) for i in inbox.inbox(actor)]


@pytest.fixture
def empty_pg(_pg_workspace):
    """The run's working database without govdesk's tables (a new database costs seconds)."""
    yield _pg_workspace.empty()
    _pg_workspace.restore_schema()


def test_migrate_db_copies_the_demo(demo_path, empty_pg, capsys):
    open_database(demo_path)
    source_counts = _counts()
    source_inbox = {login: _inbox_view(login) for login in ("lixm", "linzh", "wangjm")}
    next_seq = Counter.get(Counter.prefix == "incoming").value + 1
    source_chain = audit.verify_chain()
    close_database()
    assert source_chain.intact and source_chain.checked == source_counts["audit_entry"]

    code = cli.main(["migrate-db", "--from", f"sqlite:///{demo_path}", "--to", empty_pg])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "各表行数核对一致" in out and "audit_entry" in out
    assert "govdesk:govdesk@" not in out  # the password is masked

    open_database(empty_pg)
    assert _counts() == source_counts
    assert {login: _inbox_view(login) for login in source_inbox} == source_inbox
    assert any(source_inbox.values())
    # The audit chain came along unchanged and still verifies there.
    assert audit.verify_chain() == source_chain
    # Ids and numbers continue after the copied ones; the audit log is append-only there too.
    doc = incoming.register(Actor(person_by_login("lixm"), datetime(2026, 11, 27, 9)), FORM)
    assert doc.seq == next_seq
    assert doc.id == source_counts["incoming_document"] + 1
    with pytest.raises(peewee.IntegrityError), database.atomic():
        AuditEntry.delete().execute()
    close_database()

    # A second copy into the now non-empty database is refused and changes nothing.
    code = cli.main(["migrate-db", "--from", str(demo_path), "--to", empty_pg])
    assert code == cli.EXIT_DB
    assert "不是空的" in capsys.readouterr().err
    open_database(empty_pg)
    assert IncomingDocument.select().count() == source_counts["incoming_document"] + 1


@ON_PG
def test_file_backup_points_to_pg_dump(db, tmp_path, capsys):
    assert cli.main(["backup", "--db", db, str(tmp_path / "copy.db")]) == cli.EXIT_USER
    assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "copy.db").exists()


@ON_PG
def test_a_writer_held_too_long_gives_busy(db, as_user):
    """PostgreSQL's twin of the SQLite busy case (tests/test_storage_errors.py): another session
    holding the write lock past lock_timeout gives StorageError('busy'), nothing saved."""
    from govdesk.errors import StorageError
    from govdesk.models.db import PG_WRITE_LOCK_KEY

    other = psycopg2.connect(db)
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (PG_WRITE_LOCK_KEY,))
        database.execute_sql("SET lock_timeout = 300")
        before = IncomingDocument.select().count()
        with pytest.raises(StorageError) as caught:
            incoming.register(as_user("lixm"), FORM)
        assert caught.value.kind == "busy"
        assert IncomingDocument.select().count() == before
    finally:
        other.rollback()
        other.close()
    assert incoming.register(as_user("lixm"), FORM).title == FORM["title"]


@ON_PG
def test_a_broken_connection_is_reported_then_replaced(db, as_user):
    """The server ends our session (a restart, an administrator): the next call says the
    connection broke — a StorageError, not a traceback — and the one after works again on a
    new connection, inside a transaction as well as outside one."""
    from govdesk.errors import StorageError

    def kill_my_session():
        pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        other = psycopg2.connect(db)
        other.autocommit = True
        with other.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
        other.close()

    kill_my_session()
    with pytest.raises(StorageError) as caught:
        IncomingDocument.select().count()
    assert caught.value.kind == "connection"
    assert IncomingDocument.select().count() == 0  # a fresh connection

    kill_my_session()
    with pytest.raises(StorageError) as caught:
        incoming.register(as_user("lixm"), FORM)
    assert caught.value.kind == "connection"
    assert incoming.register(as_user("lixm"), FORM).title == FORM["title"]


@ON_PG
def test_a_petition_on_postgresql_its_repeat_its_clocks_and_who_finds_it(db):
    """信访 (schema v11) on PostgreSQL: registered, linked as a repeat, transferred with its
    反馈卡, its answer due in working days; the one search finds it by its words for everyone
    and by the petitioner's phone only for the 督查室."""
    from govdesk.models import Task
    from govdesk.services import petition, search
    from govdesk.services.engine import core as engine

    ducha = Actor(person_by_login("shenyj"), datetime(2026, 11, 26, 9, 30))
    clerk = Actor(person_by_login("zhangyt"), datetime(2026, 11, 26, 9, 30))
    fields = {"channel": "区长信箱", "summary": "菜场占道经营扰民",
              "people": [{"name": "王秀兰", "phone": "13857605678"}]}
    first = petition.register(ducha, fields)
    again = petition.register(ducha, {**fields, "summary": "噪音仍未解决"})
    assert again.repeat_of_id == first.id and again.repeat_reason == "same_phone"
    f = engine.flow_of(petition.KIND, first.id)
    row = petition.propose(ducha, Task.get((Task.flow == f) & (Task.step == "拟办")).id,
                           {"proposal": "拟转执法局", "leader": "zhoudw"})
    leader = Actor(person_by_login("zhoudw"), ducha.now)
    row = petition.instruct(leader, Task.get((Task.flow == f) & (Task.step == "阅批")).id,
                            "同意")
    row = petition.transfer(ducha, Task.get((Task.flow == f) & (Task.step == "转办")).id,
                            {"lead_unit": "区综合行政执法局"})
    assert petition.card_number(row) == "信访反馈卡〔2026〕1号"
    assert str(row.answer_due) == "2026-12-03"
    assert search.search(clerk, "占道经营")[0].kind == "petition"
    assert search.search(clerk, "13857605678") == []
    assert {h.id for h in search.search(ducha, "13857605678")[0].hits} == {first.id, again.id}
