"""Service calls made from a worker thread (screens load and save off the UI thread).

peewee keeps one connection per thread (``thread_safe=True``, the default for both SQLite and
PostgreSQL): a worker thread opens its own on its first query. ``in_worker`` runs one piece of
work and then closes that thread's connection, so a pool thread neither keeps a PostgreSQL
session nor an SQLite file open between jobs. The UI thread's own connection is never closed
here. Screens and widgets import this module, never ``govdesk.models``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from govdesk.models import close_database
from govdesk.models.failures import storage_errors
from govdesk.models.writelock import on_wait

T = TypeVar("T")


def in_worker(call: Callable[..., T], *args: object,
              on_wait_for_lock: Callable[[], None] | None = None) -> T:
    """``call(*args)``, then this thread's connection let go (unless this is the main thread).

    ``on_wait_for_lock`` is called from this thread whenever a write transaction inside
    ``call`` finds another writer holding the database and starts to wait its turn."""
    try:
        with on_wait(on_wait_for_lock), storage_errors():
            return call(*args)
    finally:
        if threading.current_thread() is not threading.main_thread():
            close_database()


def reading(call: Callable[..., T], *args: object) -> T:
    """``call(*args)`` on a thread that keeps its connection (the desk's poll): a damaged
    page met while reading rows is a StorageError, as everywhere else."""
    with storage_errors():
        return call(*args)


def release_thread() -> None:
    """Close the calling thread's connection (a long-lived worker thread that is stopping)."""
    if threading.current_thread() is not threading.main_thread():
        close_database()
