"""Errors a service raises for the user to read; every message is already in the user's words."""

from __future__ import annotations

from govdesk.errors import ServiceError, StorageError

__all__ = ["ServiceError", "StorageError", "ValidationError", "ConflictError", "PermissionDenied",
           "NotFound", "SchemaError"]


class ValidationError(ServiceError):
    """Bad input: names the field so the form can point at it."""

    def __init__(self, field: str, message: str, *, name: str | None = None):
        super().__init__(f"{field}：{message}")
        self.field = field  # the field as the user sees it, in the user's language
        self.message = message
        self.name = name  # the form's name for it (``fields[name]``), the same in every language


class ConflictError(ServiceError):
    """Someone else saved the record since it was read; the caller keeps what the user typed."""


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class SchemaError(ServiceError):
    """The database's schema is one this version cannot open."""
