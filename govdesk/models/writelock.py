"""Writers wait their turn in the kernel, not in SQLite's busy loop.

SQLite's busy handler sleeps and polls (1, 2, 5 … then 100 ms at a time), so under load a
writer that has waited a while polls rarely and newcomers keep taking the lock before it: with
32 processes writing, some waits passed the 10 s busy timeout and the user saw "database is
locked" (measured with ``python -m govdesk.stress``, see docs/reliability.md).

Here every write transaction first takes an exclusive ``flock`` on a small queue file beside
the database (``<db>-queue``), blocking in the kernel, which wakes a waiter the moment the lock
is let go; only then does it ``BEGIN IMMEDIATE``. The kernel drops the lock when a process dies
(SIGKILL included). It is a file of its own, not the database: closing any descriptor of the
database file would drop the POSIX locks SQLite holds on it in this process. Readers never take
it. A user who cannot open the queue file (e.g. its permissions were not set by ``govdesk init``)
simply does not queue. SQLite's own busy timeout still covers any writer
that does not queue here (another tool, an older govdesk).
"""

from __future__ import annotations

import fcntl
import os
import threading

from peewee import SqliteDatabase


def _queue_off() -> bool:  # to measure the difference (docs/reliability.md)
    return os.environ.get("GOVDESK_WRITE_QUEUE") == "0"


QUEUE_SUFFIX = "-queue"


class QueuedSqliteDatabase(SqliteDatabase):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._queue = threading.local()

    def _queue_fd(self) -> int | None:
        """This thread's own descriptor (flock is per open file, so threads queue too)."""
        pid, fd = getattr(self._queue, "pid", None), getattr(self._queue, "fd", None)
        if fd is not None and pid == os.getpid():
            return fd
        name = str(self.database)
        if name == ":memory:" or name.startswith("file:") or _queue_off():
            return None
        try:
            fd = os.open(name + QUEUE_SUFFIX, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o660)
        except OSError:
            return None
        self._queue.pid, self._queue.fd = os.getpid(), fd
        return fd

    def _release(self) -> None:
        fd = getattr(self._queue, "fd", None)
        if fd is not None and getattr(self._queue, "held", False):
            self._queue.held = False
            fcntl.flock(fd, fcntl.LOCK_UN)

    def begin(self, lock_type=None):
        fd = self._queue_fd()
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._queue.held = True
        try:
            super().begin(lock_type)
        except BaseException:
            self._release()
            raise

    def commit(self):
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._release()

    def _close(self, conn):
        try:
            super()._close(conn)
        finally:
            self._release()
            fd = getattr(self._queue, "fd", None)
            if fd is not None and getattr(self._queue, "pid", None) == os.getpid():
                os.close(fd)
            self._queue.fd = None
