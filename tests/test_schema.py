"""Schema version, refusing newer databases, and the backup every migration takes (SPEC §14)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from govdesk.models import Person, close_database, database, open_database
from govdesk.services import schema
from govdesk.services.errors import SchemaError


def test_fresh_database_gets_the_current_version(tmp_path):
    path = tmp_path / "fresh.db"
    open_database(path)
    try:
        assert schema.schema_version() == 0
        assert schema.ensure_schema() == []
        assert schema.schema_version() == schema.SCHEMA_VERSION
        triggers = {r[0] for r in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()}
        assert {"audit_entry_no_update", "audit_entry_no_delete"} <= triggers
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        # Running it again is a no-op.
        assert schema.ensure_schema() == []
    finally:
        close_database()
    assert list(tmp_path.glob("*.bak")) == []


def test_newer_database_is_refused(db):
    newer = str(schema.SCHEMA_VERSION + 1)
    schema.set_meta("schema_version", newer)
    with pytest.raises(SchemaError, match=f"结构版本是 {newer}") as err:
        schema.ensure_schema()
    assert "升级 govdesk" in str(err.value)
    assert schema.get_meta("schema_version") == newer


def test_migration_backs_up_first(db, monkeypatch):
    people = Person.select().count()
    seen: dict[str, object] = {}

    def add_column() -> None:
        # The backup must already exist when the migration runs.
        seen["backups"] = sorted(p.name for p in db.parent.glob("*.bak"))
        database.execute_sql("ALTER TABLE person ADD COLUMN nickname VARCHAR(40) DEFAULT ''")

    ours = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", ours + 1)
    monkeypatch.setitem(schema.MIGRATIONS, ours + 1, add_column)
    applied = schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30, 5))
    assert applied == [ours + 1]
    assert schema.schema_version() == ours + 1
    backup = db.with_name(f"{db.name}.v{ours}-20261126-093005.bak")
    assert seen["backups"] == [backup.name]
    assert backup.exists()
    cols = [r[1] for r in database.execute_sql("PRAGMA table_info(person)").fetchall()]
    assert "nickname" in cols

    # The backup opens and holds the database as it was before the migration.
    raw = sqlite3.connect(str(backup))
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(ours),)
        assert raw.execute("SELECT count(*) FROM person").fetchone()[0] == people
        old_cols = [r[1] for r in raw.execute("PRAGMA table_info(person)").fetchall()]
        assert "nickname" not in old_cols
    finally:
        raw.close()
    # And govdesk itself can open it.
    close_database()
    open_database(backup)
    assert schema.schema_version() == ours
    assert Person.select().count() == people


def test_failed_migration_changes_nothing_but_keeps_the_backup(db, monkeypatch):
    def broken() -> None:
        database.execute_sql("ALTER TABLE person ADD COLUMN half_done INTEGER")
        raise RuntimeError("migration bug")

    ours = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", ours + 1)
    monkeypatch.setitem(schema.MIGRATIONS, ours + 1, broken)
    with pytest.raises(RuntimeError):
        schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30))
    assert schema.schema_version() == ours
    cols = [r[1] for r in database.execute_sql("PRAGMA table_info(person)").fetchall()]
    assert "half_done" not in cols
    assert len(list(db.parent.glob("*.bak"))) == 1


def test_no_backup_when_nothing_to_migrate(db):
    assert schema.ensure_schema() == []
    assert list(db.parent.glob("*.bak")) == []


def test_version_1_gains_unit_heads_and_leave(tmp_path):
    """v2 (Part 3 §22): a version-1 database gets Person.unit and the leave_request table,
    keeping its people."""
    from govdesk.models import ALL_MODELS, LeaveRequest

    open_database(tmp_path / "v1.db")
    unit = Person._meta.fields["unit"]
    Person._meta.remove_field("unit")  # the tables as version 1 had them
    try:
        database.create_tables([m for m in ALL_MODELS if m is not LeaveRequest])
        database.execute_sql("INSERT INTO section (code, name, \"order\") VALUES ('m', 'M', 1)")
        database.execute_sql(
            "INSERT INTO person (login, name, section_id, post, clearance, phone, active, admin,"
            " pinyin, initials) VALUES ('a', 'A', 1, '科员', 0, '', 1, 0, '', '')")
        schema.set_meta("schema_version", "1")
    finally:
        Person._meta.add_field("unit", unit)
    try:
        assert "unit_id" not in {c.name for c in database.get_columns("person")}
        assert schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30)) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        assert "unit_id" in {c.name for c in database.get_columns("person")}
        assert any(i.columns == ["unit_id"] for i in database.get_indexes("person"))
        assert database.table_exists("leave_request")
        assert schema.schema_version() == schema.SCHEMA_VERSION == 11
        assert any(i.columns == ["state", "due"] for i in database.get_indexes("task"))
        assert any(i.columns == ["at"] for i in database.get_indexes("reminder"))
        assert Person.get(Person.login == "a").unit is None
        assert len(list(tmp_path.glob("v1.db.v1-*.bak"))) == 1
    finally:
        close_database()


def _indexes() -> set[tuple[str, str]]:
    return set(database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall())


def test_version_4_gains_the_list_indexes_a_fresh_schema_has(tmp_path):
    """v5: the 催办 log's index (reminder_at) and the unheld section turns' index; a migrated
    schema has the indexes a fresh one has, under the same names."""
    open_database(tmp_path / "fresh.db")
    try:
        schema.ensure_schema()
        fresh = _indexes()
    finally:
        close_database()
    assert {"reminder_at", "task_state_holder_section_id_holder_id_due"} <= {
        name for name, _sql in fresh}
    open_database(tmp_path / "v4.db")
    try:
        schema.ensure_schema()
        database.execute_sql('DROP INDEX "reminder_at"')
        database.execute_sql('DROP INDEX "task_state_holder_section_id_holder_id_due"')
        schema.set_meta("schema_version", "4")
        assert schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30)) == [5, 6, 7, 8, 9, 10, 11]
        assert _indexes() == fresh
        schema._v5_list_indexes()  # idempotent
        assert _indexes() == fresh
    finally:
        close_database()


def test_version_7_gains_the_register_sort_indexes(tmp_path):
    """v8: a version-7 database gets the indexes the registers' sorts walk
    (services.register_sort), as a fresh schema has them."""
    from govdesk.services import register_sort

    open_database(tmp_path / "v7.db")
    try:
        schema.ensure_schema()
        fresh = _indexes()
        names = {name for name, _sql in fresh}
        assert {name for name, *_ in register_sort.INDEXES} <= names
        for name, *_ in register_sort.INDEXES:
            database.execute_sql(f'DROP INDEX "{name}"')
        schema.set_meta("schema_version", "7")
        assert schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30)) == [8, 9, 10, 11]
        assert _indexes() == fresh
        schema._v8_register_sorts()  # idempotent
        assert _indexes() == fresh
        assert schema.schema_version() == schema.SCHEMA_VERSION
    finally:
        close_database()


def test_version_6_gains_the_form_drafts_table(tmp_path):
    """v7 (issue 11): a version-6 database gets form_draft, with its one-per-form index, as a
    fresh schema has it."""
    open_database(tmp_path / "v6.db")
    try:
        schema.ensure_schema()
        fresh = _indexes()
        database.execute_sql('DROP TABLE "form_draft"')
        schema.set_meta("schema_version", "6")
        assert schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30)) == [7, 8, 9, 10, 11]
        assert database.table_exists("form_draft")
        assert _indexes() == fresh
        schema._v7_form_drafts()  # idempotent
        assert schema.schema_version() == schema.SCHEMA_VERSION
    finally:
        close_database()


def test_version_8_gains_the_supervision_tables(tmp_path):
    """v9 (issue 12): a database from before gets the 督查事项 tables as a fresh schema has them."""
    open_database(tmp_path / "v8.db")
    try:
        schema.ensure_schema()
        fresh = _indexes()
        for table in ("supervision_bulletin", "supervision_notice", "supervision_report",
                      "supervision_part", "supervision_item"):
            database.execute_sql(f'DROP TABLE "{table}"')
        schema.set_meta("schema_version", "8")
        assert schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30)) == [9, 10, 11]
        assert database.table_exists("supervision_item")
        assert _indexes() == fresh
        schema._v9_supervision()  # idempotent
    finally:
        close_database()


def test_version_9_gains_the_suggestion_tables(tmp_path):
    """v10 (issue 12): a database from before gets the 建议提案 and 专项工作报告 tables as a
    fresh schema has them."""
    open_database(tmp_path / "v9.db")
    try:
        schema.ensure_schema()
        fresh = _indexes()
        for table in ("special_report", "suggestion"):
            database.execute_sql(f'DROP TABLE "{table}"')
        schema.set_meta("schema_version", "9")
        assert schema.ensure_schema(now=datetime(2026, 11, 26, 9, 30)) == [10, 11]
        assert database.table_exists("suggestion") and database.table_exists("special_report")
        assert _indexes() == fresh
        schema._v10_suggestions()  # idempotent
    finally:
        close_database()
