"""The audit trail is a hash chain: a change made round govdesk (by the file's owner with raw
sqlite3, triggers lifted) is found and named by ``audit.verify_chain`` and ``govdesk audit
--verify``; the v3 migration chains a trail written before."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from test_cli import run

from govdesk.models import AuditEntry, close_database, database, open_database
from govdesk.services import audit, incoming, schema

FORM = {"from_unit": "cz", "title": "关于链条的报告", "doc_kind": "报告"}


def _fill(as_user, n: int = 3) -> None:
    for i in range(n):
        incoming.register(as_user("lixm"), {**FORM, "title": f"关于链条的报告{i}"})


def test_a_fresh_trail_verifies(db, as_user):
    _fill(as_user)
    report = audit.verify_chain()
    assert report.intact and report.problem is None
    assert report.checked == AuditEntry.select().count() > 0
    head = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (report.head_id, report.head_hash) == (head.id, head.hash)
    first = AuditEntry.select().order_by(AuditEntry.id).first()
    assert first.id == 1 and first.prev_hash == audit.GENESIS
    assert head.hash == audit.entry_hash(head.id, head.at, head.actor, head.action, head.table,
                                         head.record_id, head.before, head.after,
                                         head.prev_hash)


def test_an_empty_trail_is_intact(tmp_path):
    open_database(tmp_path / "empty.db")
    try:
        schema.ensure_schema()
        report = audit.verify_chain()
        assert report.intact and report.checked == 0 and report.head_id == 0
    finally:
        close_database()


def _chained_file(db_path: Path, as_user) -> int:
    """The organisation database with a few entries; returns the count."""
    open_database(db_path)
    try:
        _fill(as_user, 4)
        return AuditEntry.select().count()
    finally:
        close_database()


def _raw(db_path: Path, *statements: tuple) -> None:
    """As the file's owner, round govdesk: lift the triggers, change, put them back."""
    conn = sqlite3.connect(str(db_path))
    try:
        with conn:
            conn.execute("DROP TRIGGER audit_entry_no_update")
            conn.execute("DROP TRIGGER audit_entry_no_delete")
            for sql, args in statements:
                conn.execute(sql, args)
            for sql in schema._APPEND_ONLY_SQLITE:
                conn.execute(sql)
    finally:
        conn.close()


def _verify(db_path: Path) -> audit.ChainReport:
    open_database(db_path)
    try:
        return audit.verify_chain()
    finally:
        close_database()


def test_an_edited_entry_is_named(db_path, as_user):
    n = _chained_file(db_path, as_user)
    victim = n // 2
    _raw(db_path, ("UPDATE audit_entry SET after = ? WHERE id = ?",
                   (json.dumps({"title": "改过的标题"}, ensure_ascii=False), victim)))
    report = _verify(db_path)
    assert (report.bad_id, report.problem) == (victim, "hash")
    assert report.checked == victim - 1 and report.head_id == victim - 1
    assert f"#{victim} " in report.reason() and "改动" in report.reason()


def test_a_deleted_entry_is_named(db_path, as_user):
    n = _chained_file(db_path, as_user)
    victim = n // 2
    _raw(db_path, ("DELETE FROM audit_entry WHERE id = ?", (victim,)))
    report = _verify(db_path)
    assert (report.bad_id, report.problem, report.missing_from) == (victim + 1, "gap", victim)
    assert f"#{victim}" in report.reason() and "删除" in report.reason()


def test_an_entry_deleted_and_written_again_under_its_id_is_named(db_path, as_user):
    n = _chained_file(db_path, as_user)
    # Deleted and written again under its id with other words, its old hash copied along.
    conn = sqlite3.connect(str(db_path))
    row = conn.execute("SELECT at, actor, action, \"table\", record_id, before, after,"
                       " prev_hash, hash FROM audit_entry WHERE id = ?", (2,)).fetchone()
    conn.close()
    _raw(db_path, ("DELETE FROM audit_entry WHERE id = 2", ()),
         ("INSERT INTO audit_entry (id, at, actor, action, \"table\", record_id, before, after,"
          " prev_hash, hash) VALUES (2, ?, 'someone', ?, ?, ?, ?, ?, ?, ?)",
          (row[0], row[2], row[3], row[4], row[5], row[6], row[7], row[8])))
    report = _verify(db_path)
    assert (report.bad_id, report.problem) == (2, "hash")
    assert n > 2


def test_a_replaced_entry_with_a_recomputed_hash_breaks_the_next_link(db_path, as_user):
    _chained_file(db_path, as_user)
    conn = sqlite3.connect(str(db_path))
    at, prev = conn.execute("SELECT at, prev_hash FROM audit_entry WHERE id = 2").fetchone()
    conn.close()
    after = json.dumps({"title": "另写的"}, ensure_ascii=False)
    moment = datetime.fromisoformat(at)
    digest = audit.entry_hash(2, moment, "someone", "x.y", "meta", None, None, after, prev)
    _raw(db_path, ("DELETE FROM audit_entry WHERE id = 2", ()),
         ("INSERT INTO audit_entry (id, at, actor, action, \"table\", record_id, before, after,"
          " prev_hash, hash) VALUES (2, ?, 'someone', 'x.y', 'meta', NULL, NULL, ?, ?, ?)",
          (at, after, prev, digest)))
    report = _verify(db_path)
    assert (report.bad_id, report.problem) == (3, "link")
    assert "#2" in report.reason() and "#3" in report.reason()


def test_version_2_trail_is_chained_by_the_migration(tmp_path):
    """A database built as version 2 had (and kept) entries without hashes; v3 chains them in
    id order, lifting and restoring the append-only trigger inside its transaction."""
    from govdesk.models import ALL_MODELS

    path = tmp_path / "v2.db"
    open_database(path)
    fields = {name: AuditEntry._meta.fields[name] for name in ("prev_hash", "hash")}
    for name in fields:
        AuditEntry._meta.remove_field(name)  # the table as version 2 had it
    try:
        database.create_tables(ALL_MODELS)
        for i in range(1, 6):
            database.execute_sql(
                "INSERT INTO audit_entry (at, actor, action, \"table\", record_id, before, after)"
                " VALUES (?, 'lixm', 'incoming.register', 'incoming_document', ?, NULL, ?)",
                (f"2026-11-2{i} 09:30:00", i, json.dumps({"title": f"旧{i}"}, ensure_ascii=False)))
        schema.create_audit_triggers()
        schema.set_meta("schema_version", "2")
    finally:
        for name, field in fields.items():
            AuditEntry._meta.add_field(name, field)
    try:
        assert "hash" not in {c.name for c in database.get_columns("audit_entry")}
        assert schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30)) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
        assert schema.schema_version() == schema.SCHEMA_VERSION
        report = audit.verify_chain()
        assert report.intact and report.checked == 5 and report.head_id == 5
        triggers = {r[0] for r in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()}
        assert {"audit_entry_no_update", "audit_entry_no_delete"} <= triggers
        with pytest.raises(Exception, match="append-only"), database.atomic():
            AuditEntry.update(actor="x").where(AuditEntry.id == 1).execute()
        # New entries continue the chain.
        audit.record(None, "test.after_migration", "meta", None)
        assert audit.verify_chain().checked == 6
        assert len(list(tmp_path.glob("v2.db.v2-*.bak"))) == 1
    finally:
        close_database()


def test_cli_verify(db_path, as_user, tmp_path):
    n = _chained_file(db_path, as_user)
    proc = run(["audit", "--verify", "--db", str(db_path)], tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert f"已核对 {n} 条审计记录，链条完整" in proc.stdout and f"#{n}" in proc.stdout
    _raw(db_path, ("UPDATE audit_entry SET actor = 'someone' WHERE id = 3", ()))
    proc = run(["audit", "--verify", "--db", str(db_path)], tmp_path / "home")
    assert proc.returncode == 1
    assert "已核对 2 条" in proc.stdout and "#3 的内容与其哈希不符" in proc.stdout
    proc = run(["audit", "--db", str(db_path)], tmp_path / "home")
    assert proc.returncode == 2 and "--verify" in proc.stderr
