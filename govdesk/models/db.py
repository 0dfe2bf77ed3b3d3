"""The one database connection and how it is opened.

SQLite is opened in WAL mode with foreign keys on, a generous busy timeout and every write
transaction taken as ``BEGIN IMMEDIATE``: with deferred transactions two processes that both
read and then write fail with SQLITE_BUSY_SNAPSHOT, which no busy timeout can cure.

PostgreSQL (``postgresql://user:pass@host/db``) keeps the same contract: every write transaction
(the outermost ``database.atomic()``) first takes one transaction-scoped advisory lock, so writers
queue one after another exactly as with BEGIN IMMEDIATE, while readers never wait (MVCC). Waits are
bounded by ``lock_timeout`` (the busy timeout's twin) and a session idle inside a transaction is cut
off so it cannot hold the write lock forever.

A database file replaced or removed under an open desk (a restore, a copy put in place, a stray
``rm``) is noticed: the (device, inode) of the file and of its ``-wal`` are noted when it is
opened and compared again before every write and by the desk's poll (``storage_replaced``). From
then on this process writes nothing more (StorageError "replaced"): its connections still hold
the old file, and what they wrote there would be lost, or mixed into a file it does not belong
to. Reads go on. PostgreSQL has no files of ours to watch.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.db_url import register_database

from govdesk.errors import StorageError
from govdesk.i18n import t
from govdesk.models import userlock
from govdesk.models.failures import StorageErrors, as_storage_error, storage_error
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


_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|VACUUM|REINDEX)\b",
                     re.IGNORECASE)
WAL_SUFFIX = "-wal"


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


class WatchedSqliteDatabase(QueuedSqliteDatabase):
    """SQLite that stops writing once its file or ``-wal`` is not the one it opened.

    SQLite keeps the ``-wal`` in place while any connection is open (only the last one to close
    removes it), so while this process holds one the ``-wal`` must stay the same file too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._watch = threading.Lock()
        self._files: dict[str, tuple[int, int] | None] = {}
        self._replaced: str | None = None  # the message, once noticed; it never clears
        self._open_connections = 0

    def remember_files(self) -> None:
        """Note the file and its ``-wal`` as they are now (right after opening)."""
        name = str(self.database)
        if name == ":memory:" or name.startswith("file:"):
            return
        with self._watch:
            self._files = {name: _identity(name), name + WAL_SUFFIX: _identity(name + WAL_SUFFIX)}

    def files_replaced(self) -> str | None:
        """The refusal's message once the file or its ``-wal`` was replaced or removed, else
        None. Two stat calls; once noticed, remembered."""
        if self._replaced is not None or not self._files:
            return self._replaced
        with self._watch:
            for path, known in self._files.items():
                now = _identity(path)
                if known is None:
                    # Not there when we looked (no reader had opened the WAL yet): the first
                    # one seen is ours.
                    self._files[path] = now
                    continue
                if now == known:
                    continue
                what = "errors.storage_removed_file" if now is None else "errors.storage_replaced_file"
                self._replaced = str(storage_error("replaced", t(what, path=path)))
                break
        return self._replaced

    def _refuse_if_replaced(self) -> None:
        message = self.files_replaced()
        if message is not None:
            raise StorageError("replaced", message)

    def begin(self, lock_type=None):
        self._refuse_if_replaced()
        super().begin(lock_type)

    def commit(self):
        # Checked again at the end: a file replaced while the transaction ran loses it.
        self._refuse_if_replaced()
        super().commit()

    def execute_sql(self, sql, *args, **kwargs):
        if isinstance(sql, str) and _WRITES.match(sql):
            if self._replaced is not None:
                self._refuse_if_replaced()
            if not self.is_closed() and not self.connection().in_transaction:
                self._refuse_if_replaced()  # a write outside atomic(): its own transaction
        return super().execute_sql(sql, *args, **kwargs)

    def _connect(self):
        # Not even a reader opens the new file: this process's connections to the old one hold
        # the locks, so SQLite would take a new connection for the only one and, closing it,
        # checkpoint the old -wal into the new file or remove it.
        self._refuse_if_replaced()
        conn = super()._connect()
        with self._watch:
            self._open_connections += 1
        return conn

    def _close(self, conn):
        try:
            super()._close(conn)
        finally:
            with self._watch:
                self._open_connections -= 1
                if self._open_connections <= 0:
                    # The last connection of this process gone: SQLite may remove the -wal now
                    # (or another process, the last one, may); whichever comes next is ours.
                    self._open_connections = 0
                    wal = str(self.database) + WAL_SUFFIX
                    if wal in self._files:
                        self._files[wal] = None


def storage_replaced() -> str | None:
    """Whether the open database's file or ``-wal`` was replaced or removed since it was opened
    (the message to show), else None. Microseconds; always None for PostgreSQL."""
    db = database.obj
    if isinstance(db, WatchedSqliteDatabase):
        return db.files_replaced()
    return None


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
        db = WatchedSqliteDatabase(  # writers queue fairly: see models/writelock.py
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
        damaged = as_storage_error(exc)
        reason = damaged if damaged is not None and damaged.kind == "corrupt" else exc
        raise DatabaseOpenError(t("errors.open_failed", target=safe_target(target), reason=reason)) from exc
    if isinstance(db, WatchedSqliteDatabase):
        db.remember_files()
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
