"""Errors a service raises for the user to read; every message is already in the user's words."""

from __future__ import annotations

from datetime import datetime

from govdesk.errors import ServiceError, StorageError

__all__ = ["ServiceError", "StorageError", "ValidationError", "ValidationErrors", "ConflictError",
           "PermissionDenied", "NotFound", "SchemaError"]


class ValidationError(ServiceError):
    """Bad input: names the field so the form can point at it."""

    def __init__(self, field: str, message: str, *, name: str | None = None):
        super().__init__(f"{field}：{message}")
        self.field = field  # the field as the user sees it, in the user's language
        self.message = message
        self.name = name  # the form's name for it (``fields[name]``), the same in every language


class ValidationErrors(ValidationError):
    """Several fields refused at once (a form's save checks every field before it answers).

    Reads as its first refusal (``str``, ``field``, ``message``, ``name``), so a caller that
    knows one field at a time still works; ``errors`` holds them all, in the form's order."""

    def __init__(self, errors: list[ValidationError]):
        first = errors[0]
        super().__init__(first.field, first.message, name=first.name)
        self.errors = list(errors)


class ConflictError(ServiceError):
    """Someone else saved the record since it was read; the caller keeps what the user typed.

    Where the service can say, it carries what a form needs to settle the conflict: the
    record's version now (``current_version``), its current values of the form's fields as
    the form writes them (``theirs``: name → text), and who saved it last and when
    (``saved_by``, ``saved_at``). All plain data, none of it required."""

    def __init__(self, message: str = "", *, current_version: int | None = None,
                 theirs: dict[str, str] | None = None, saved_by: str = "",
                 saved_at: datetime | None = None):
        super().__init__(message)
        self.current_version = current_version
        self.theirs = theirs
        self.saved_by = saved_by
        self.saved_at = saved_at


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class SchemaError(ServiceError):
    """The database's schema is one this version cannot open."""
