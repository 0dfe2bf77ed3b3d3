"""The errors a user is shown instead of a traceback. Below every layer, so that the database
layer can raise them too; services/errors.py adds the services' own refusals."""

from __future__ import annotations

from peewee import OperationalError


class ServiceError(Exception):
    """Base of every refusal a screen shows instead of a traceback."""


class StorageError(ServiceError, OperationalError):
    """The database could not take the operation right now: a writer held it too long, the disk
    is full or read-only, the connection broke. Nothing was saved (the transaction rolled back);
    what the user typed stays in the form, and trying again later is the remedy.

    ``kind`` says which, for people and scripts that count them: busy, full, readonly, io,
    connection. It is also peewee's OperationalError, which is what it replaces, so code that
    caught that still does."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
