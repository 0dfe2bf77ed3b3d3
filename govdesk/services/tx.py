"""The write transaction every service uses: atomic, audited, and free of think time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from govdesk.models import database


@contextmanager
def write() -> Iterator[None]:
    """One write transaction (BEGIN IMMEDIATE on SQLite); nested calls join the outer one."""
    with database.atomic():
        yield
