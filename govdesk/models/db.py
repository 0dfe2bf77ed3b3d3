"""The one database connection and how it is opened.

SQLite is opened in WAL mode with foreign keys on, a generous busy timeout and every write
transaction taken as ``BEGIN IMMEDIATE``: with deferred transactions two processes that both
read and then write fail with SQLITE_BUSY_SNAPSHOT, which no busy timeout can cure.
"""

from __future__ import annotations

from pathlib import Path

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect as connect_url

database = DatabaseProxy()

BUSY_TIMEOUT_SECONDS = 10

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
    "cache_size": -16 * 1024,
}


class DatabaseOpenError(Exception):
    """The database cannot be opened; the message is for the user."""


def is_url(target: str) -> bool:
    return "://" in target


def open_database(target: str | Path, *, create: bool = True):
    """Open a database file (or a ``postgresql://`` URL) and bind the models to it."""
    target = str(target)
    if is_url(target):
        db = connect_url(target)
    else:
        path = Path(target).expanduser()
        if not create and not path.exists():
            raise DatabaseOpenError(f"数据库文件不存在：{path}")
        if not path.parent.exists():
            raise DatabaseOpenError(f"数据库所在目录不存在：{path.parent}")
        db = SqliteDatabase(
            str(path),
            pragmas=SQLITE_PRAGMAS,
            timeout=BUSY_TIMEOUT_SECONDS,
            lock_type="IMMEDIATE",
            check_same_thread=False,
        )
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # sqlite3.OperationalError and friends
        raise DatabaseOpenError(f"无法打开数据库 {target}：{exc}") from exc
    return db


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def data_version() -> tuple[int, int]:
    """Moves whenever anyone commits: SQLite's counter of commits by *other* connections, plus
    this connection's own count of changed rows. Costs microseconds to read."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        others = db.execute_sql("PRAGMA data_version").fetchone()[0]
        return others, db.connection().total_changes
    return 0, 0
