"""The one database connection and how it is opened.

SQLite is opened in WAL mode with foreign keys on, a generous busy timeout and every write
transaction taken as ``BEGIN IMMEDIATE``: with deferred transactions two processes that both
read and then write fail with SQLITE_BUSY_SNAPSHOT, which no busy timeout can cure.

PostgreSQL (``postgresql://user:pass@host/db``) keeps the same contract: every write transaction
(the outermost ``database.atomic()``) first takes one transaction-scoped advisory lock, so writers
queue one after another exactly as with BEGIN IMMEDIATE, while readers never wait (MVCC). Waits are
bounded by ``lock_timeout`` (the busy timeout's twin) and a session idle inside a transaction is cut
off so it cannot hold the write lock forever.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlparse

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.db_url import register_database

from govdesk.i18n import t
from govdesk.models import userlock
from govdesk.models.failures import StorageErrors
from govdesk.models.writelock import QueuedSqliteDatabase, announce_wait

database = DatabaseProxy()

BUSY_TIMEOUT_SECONDS = 10

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
    "cache_size": -16 * 1024,
}


# Any constant works; it only has to be the same for every govdesk process on the database.
PG_WRITE_LOCK_KEY = 0x60DE5C
PG_OPTIONS = (
    f"-c lock_timeout={BUSY_TIMEOUT_SECONDS * 1000}"
    " -c idle_in_transaction_session_timeout=60000"
)


class GovdeskPostgresqlDatabase(StorageErrors, PostgresqlDatabase):
    """PostgreSQL with SQLite's one-writer-at-a-time semantics (see the module docstring)."""

    def begin(self, isolation_level=None):
        super().begin(isolation_level)
        # Through execute_sql, so that running out of lock_timeout becomes StorageError("busy").
        # A failure here is inside atomic()'s __enter__, whose __exit__ never runs: roll back
        # here, or the session stays in an aborted transaction and refuses every later query.
        try:
            # First without waiting, so that a writer who must wait can say so (on_wait).
            got = self.execute_sql("SELECT pg_try_advisory_xact_lock(%s)",
                                   (PG_WRITE_LOCK_KEY,)).fetchone()[0]
            if not got:
                announce_wait()
                self.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PG_WRITE_LOCK_KEY,))
        except BaseException:
            try:
                self.rollback()
            except Exception:  # noqa: BLE001 - the first error is the one to report
                pass
            raise


register_database(GovdeskPostgresqlDatabase, "postgres", "postgresql")


class DatabaseOpenError(Exception):
    """The database cannot be opened; the message is for the user."""


def is_url(target: str) -> bool:
    return "://" in target


def is_postgres(target: str) -> bool:
    return urlparse(str(target)).scheme in ("postgres", "postgresql")


def _connect_url(target: str):
    if is_postgres(target):
        query = urlparse(target).query
        defaults = {"options": PG_OPTIONS, "connect_timeout": 5, "application_name": "govdesk"}
        extra = {k: v for k, v in defaults.items() if f"{k}=" not in query}
        return connect_url(target, unquote_user=True, unquote_password=True, **extra)
    return connect_url(target)


def open_database(target: str | Path, *, create: bool = True):
    """Open a database file (or a ``postgresql://`` URL) and bind the models to it."""
    target = str(target)
    if is_url(target):
        try:
            db = _connect_url(target)
        except (RuntimeError, ValueError) as exc:  # unknown scheme, no database name
            raise DatabaseOpenError(t("errors.open_bad_url", target=safe_target(target), reason=exc)) from exc
    else:
        path = Path(target).expanduser()
        if not create and not path.exists():
            raise DatabaseOpenError(t("errors.open_missing", path=path))
        if not path.parent.exists():
            raise DatabaseOpenError(t("errors.open_no_dir", path=path.parent))
        if str(path) != ":memory:":  # say "I have it open" for as long as it is (models/userlock.py)
            try:
                userlock.share(path)
            except userlock.BeingRestored:
                raise DatabaseOpenError(t("errors.open_restoring", path=path)) from None
        db = QueuedSqliteDatabase(  # writers queue fairly: see models/writelock.py
            str(path),
            pragmas=SQLITE_PRAGMAS,
            timeout=BUSY_TIMEOUT_SECONDS,
            lock_type="IMMEDIATE",
            check_same_thread=False,
        )
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # sqlite3.OperationalError, psycopg2.OperationalError and friends
        raise DatabaseOpenError(t("errors.open_failed", target=safe_target(target), reason=exc)) from exc
    return db


def safe_target(target: str) -> str:
    """The target for messages, without a password in a URL."""
    parsed = urlparse(target)
    if parsed.password:
        return target.replace(f":{parsed.password}@", ":***@", 1)
    return target


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()
    # A worker thread closes only its own connection (services/session.py); the process still
    # has the database open until the main thread closes it.
    if (isinstance(database.obj, SqliteDatabase) and database.obj.database != ":memory:"
            and threading.current_thread() is threading.main_thread()):
        userlock.unshare(database.obj.database)


def data_version() -> tuple[int, int]:
    """Moves whenever anyone commits: SQLite's counter of commits by *other* connections, plus
    this connection's own count of changed rows. Costs microseconds to read.

    On PostgreSQL: the newest audit entry (every audited change, by anyone) and the server's next
    transaction id (moves on any committed write, also unaudited ones; a write to another
    database on the same server only costs a needless refresh). One indexed lookup."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        others = db.execute_sql("PRAGMA data_version").fetchone()[0]
        return others, db.connection().total_changes
    if isinstance(db, PostgresqlDatabase):
        row = db.execute_sql(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM audit_entry),"
            " txid_snapshot_xmax(txid_current_snapshot())").fetchone()
        return int(row[0]), int(row[1])
    return 0, 0
