"""Which database failures are the storage's, not the program's, and what the user is told.

A write refused because another writer held the database too long, a full or read-only disk, an
I/O error or a broken connection is not a bug: the transaction rolled back, nothing was saved,
and the same action will work once the cause is gone. Those become StorageError, a refusal every
screen already shows in place of a traceback, with the form kept. Anything else (a missing
table, a constraint) stays a plain database error: that one is a bug to fix.
"""

from __future__ import annotations

import sqlite3

from peewee import OperationalError

from govdesk.errors import StorageError
from govdesk.i18n import t

# Substrings of SQLite's and PostgreSQL's messages → kind. Order matters: first match wins.
_KINDS = (
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("database is busy", "busy"),
    ("lock timeout", "busy"),
    ("disk is full", "full"),
    ("no space left", "full"),
    ("readonly database", "readonly"),
    ("read-only", "readonly"),
    ("disk i/o error", "io"),
    ("unable to open database file", "io"),
    ("server closed the connection", "connection"),
    ("connection already closed", "connection"),
    ("could not connect", "connection"),
    ("terminating connection", "connection"),
)


def storage_kind(exc: BaseException) -> str | None:
    text = str(exc).lower()
    return next((kind for needle, kind in _KINDS if needle in text), None)


def storage_error(kind: str) -> StorageError:
    return StorageError(kind, t(f"errors.storage_{kind}"))


def as_storage_error(exc: BaseException) -> StorageError | None:
    """The StorageError to raise in place of ``exc``, or None if ``exc`` is not the storage's."""
    kind = storage_kind(exc)
    return storage_error(kind) if kind else None


class StorageErrors:
    """Mixed into the database classes: the storage's failures leave as StorageError."""

    def _translated(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except StorageError:
            raise
        except (OperationalError, sqlite3.OperationalError) as exc:
            replacement = as_storage_error(exc)
            if replacement is None:
                raise
            raise replacement from exc

    def execute_sql(self, *args, **kwargs):
        return self._translated(super().execute_sql, *args, **kwargs)

    def begin(self, *args, **kwargs):
        return self._translated(super().begin, *args, **kwargs)

    def commit(self, *args, **kwargs):
        return self._translated(super().commit, *args, **kwargs)
