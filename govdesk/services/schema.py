"""Schema version, forward migrations, and the backup every migration takes first (SPEC §14)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from peewee import SqliteDatabase

from govdesk.models import ALL_MODELS, Meta, database
from govdesk.services.errors import SchemaError

SCHEMA_VERSION = 1

# version → function that brings a database from version-1 to version. Each runs in one
# transaction after the backup; add new ones at the end, never edit an old one.
MIGRATIONS: dict[int, Callable[[], None]] = {}

_APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]


def get_meta(key: str, default: str | None = None) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else default


def set_meta(key: str, value: str) -> None:
    Meta.insert(key=key, value=value).on_conflict_replace().execute()


def schema_version() -> int:
    if not database.table_exists("meta"):
        return 0
    return int(get_meta("schema_version", "0") or 0)


def create_schema() -> None:
    with database.atomic():
        database.create_tables(ALL_MODELS)
        if isinstance(database.obj, SqliteDatabase):
            for sql in _APPEND_ONLY_SQLITE:
                database.execute_sql(sql)
        set_meta("schema_version", str(SCHEMA_VERSION))


def backup_to(target: Path) -> Path:
    """A consistent copy of the open SQLite database, taken while others may be writing."""
    db = database.obj
    if not isinstance(db, SqliteDatabase):
        raise SchemaError("只有 SQLite 数据库可以用文件备份")
    target = Path(target)
    dest = sqlite3.connect(str(target))
    try:
        db.connection().backup(dest)
    finally:
        dest.close()
    return target


def ensure_schema(*, now: datetime | None = None) -> list[int]:
    """Create a fresh schema or bring an older one forward; return the versions applied."""
    version = schema_version()
    if version == 0:
        create_schema()
        return []
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"数据库的结构版本是 {version}，比本程序支持的 {SCHEMA_VERSION} 新；请升级 govdesk。"
        )
    pending = [v for v in sorted(MIGRATIONS) if version < v <= SCHEMA_VERSION]
    if pending and isinstance(database.obj, SqliteDatabase):
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        path = Path(database.obj.database)
        backup_to(path.with_name(f"{path.name}.v{version}-{stamp}.bak"))
    for target in pending:
        with database.atomic():
            MIGRATIONS[target]()
            set_meta("schema_version", str(target))
    return pending
