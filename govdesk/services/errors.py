"""Errors a service raises for the user to read; every message is already in the user's words."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every refusal a screen shows instead of a traceback."""


class ValidationError(ServiceError):
    """Bad input: names the field so the form can point at it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}：{message}")
        self.field = field
        self.message = message


class ConflictError(ServiceError):
    """Someone else saved the record since it was read; the caller keeps what the user typed."""


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class SchemaError(ServiceError):
    """The database's schema is one this version cannot open."""
