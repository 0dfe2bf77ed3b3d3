"""Which database failures are the storage's, not the program's, and what the user is told.

A write refused because another writer held the database too long, a full or read-only disk, an
I/O error, a damaged file or a broken connection is not a bug: the transaction rolled back, nothing was saved,
and the same action will work once the cause is gone. Those become StorageError, a refusal every
screen already shows in place of a traceback, with the form kept. Anything else (a missing
table, a constraint, SQLITE_LOCKED from a clash inside one connection) stays a plain database
error: that one is a bug to fix.

They are told apart by the error *code* (SQLite's result code, PostgreSQL's SQLSTATE), not the
message: a PostgreSQL server set up for Chinese reports "由于锁超时，取消语句操作", not "lock
timeout". The message is the fallback for errors that carry no code (a connection peewee or the
driver found closed).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from peewee import DatabaseError, InterfaceError, OperationalError

from govdesk.errors import StorageError
from govdesk.i18n import t

# SQLite primary result codes → kind (sqlite_errorcode & 0xFF).
_SQLITE_CODES = {
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_CANTOPEN: "io",
    sqlite3.SQLITE_CORRUPT: "corrupt",  # "database disk image is malformed"
    sqlite3.SQLITE_NOTADB: "corrupt",  # "file is not a database" (a damaged first page)
}
# PostgreSQL SQLSTATE → kind; a class ("08") stands for all its codes.
_PG_CODES = {
    "55P03": "busy",  # lock_not_available: lock_timeout ran out
    "53100": "full",  # disk_full
    "25006": "readonly",  # read_only_sql_transaction (a standby, default_transaction_read_only)
    "58030": "io",  # io_error
    "57P01": "connection",  # admin_shutdown
    "57P02": "connection",  # crash_shutdown
    "57P03": "connection",  # cannot_connect_now
    "08": "connection",  # connection_exception
}
# Errors without a code: the driver's own words (English whatever the server's locale).
_TEXTS = (
    ("connection already closed", "connection"),
    ("server closed the connection", "connection"),
    ("could not connect", "connection"),
    ("connection not open", "connection"),
    ("database is locked", "busy"),
)
# Kinds a user can do nothing about but tell the administrator: the detail goes with them.
_FOR_ADMIN = {"full", "readonly", "io", "corrupt", "connection", "replaced"}


def _origin(exc: BaseException) -> BaseException:
    """The driver's exception behind peewee's wrapper (peewee passes it as the first arg)."""
    if exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc.__cause__ or exc.__context__ or exc


def storage_kind(exc: BaseException) -> str | None:
    for candidate in (exc, _origin(exc)):
        code = getattr(candidate, "sqlite_errorcode", None)
        if isinstance(code, int):
            return _SQLITE_CODES.get(code & 0xFF)
        state = getattr(candidate, "pgcode", None)
        if isinstance(state, str) and state:
            return _PG_CODES.get(state) or _PG_CODES.get(state[:2])
    text = str(exc).lower()
    return next((kind for needle, kind in _TEXTS if needle in text), None)


def storage_error(kind: str, detail: str = "") -> StorageError:
    message = t(f"errors.storage_{kind}")
    if detail and kind in _FOR_ADMIN:
        message += t("errors.storage_detail", detail=detail)
    return StorageError(kind, message)


def as_storage_error(exc: BaseException) -> StorageError | None:
    """The StorageError to raise in place of ``exc``, or None if ``exc`` is not the storage's."""
    kind = storage_kind(exc)
    if kind is None:
        return None
    detail = " ".join(str(_origin(exc)).split())[:200]
    return storage_error(kind, detail)


class StorageErrors:
    """Mixed into the database classes: the storage's failures leave as StorageError, and a
    broken connection is dropped so that the next call opens a fresh one."""

    def _translated(self, call, *args, **kwargs):
        try:
            with storage_errors():
                return call(*args, **kwargs)
        except StorageError as exc:
            if exc.kind == "connection":
                self._forget_connection()
            raise

    def _forget_connection(self) -> None:
        try:
            self._state.conn.close()
        except Exception:  # noqa: BLE001 - it is broken already; only forgetting it matters
            pass
        self._state.reset()

    def execute_sql(self, *args, **kwargs):
        return self._translated(super().execute_sql, *args, **kwargs)

    def begin(self, *args, **kwargs):
        return self._translated(super().begin, *args, **kwargs)

    def commit(self, *args, **kwargs):
        return self._translated(super().commit, *args, **kwargs)

    def rollback(self, *args, **kwargs):
        """A rollback on a connection that broke has nothing left to undo (the server dropped
        the transaction with it): it must not hide the error that got us here."""
        try:
            return super().rollback(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if storage_kind(exc) != "connection":
                raise
            self._forget_connection()


@contextmanager
def storage_errors() -> Iterator[None]:
    """Inside the block, a storage failure met outside execute_sql leaves as StorageError too:
    rows are fetched after the query ran, and a damaged page further on raises the driver's
    bare sqlite3.DatabaseError from the loop that reads them."""
    try:
        yield
    except StorageError:
        raise
    except (DatabaseError, InterfaceError, sqlite3.DatabaseError) as exc:
        replacement = as_storage_error(exc)
        if replacement is None:
            raise
        raise replacement from exc
