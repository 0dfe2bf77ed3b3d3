"""Writers wait their turn in the kernel, not in SQLite's busy loop.

SQLite's busy handler sleeps and polls (1, 2, 5 … then 100 ms at a time), so under load a
writer that has waited a while polls rarely and newcomers keep taking the lock before it: with
32 processes writing, some waits passed the 10 s busy timeout and the user saw "database is
locked" (measured with ``python -m govdesk.tools.stress``, see docs/reliability.md).

Here every write transaction first takes an exclusive ``flock`` on a small queue file beside
the database (``<db>-queue``), blocking in the kernel, which wakes a waiter the moment the lock
is let go; only then does it ``BEGIN IMMEDIATE``. The kernel drops the lock when a process dies
(SIGKILL included). It is a file of its own, not the database: closing any descriptor of the
database file would drop the POSIX locks SQLite holds on it in this process. Readers never take
it. A user who cannot open the queue file (e.g. its permissions were not set by ``govdesk init``)
simply does not queue. SQLite's own busy timeout still covers any writer
that does not queue here (another tool, an older govdesk).

The wait is bounded by the same busy timeout: a writer stuck inside its transaction (stopped
with SIGSTOP, say) must not freeze everyone's screen for good. The kernel's blocking wait has
no timeout, so when the lock is not free at once a short-lived thread waits on a descriptor of
its own; if the time runs out first, the caller gets a StorageError("busy") and the thread, should
it still get the lock later, lets it go at once.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from peewee import SqliteDatabase

from govdesk.models.failures import StorageErrors, storage_error


def _queue_off() -> bool:  # to measure the difference (docs/reliability.md)
    return os.environ.get("GOVDESK_WRITE_QUEUE") == "0"


QUEUE_SUFFIX = "-queue"


_listeners = threading.local()


@contextmanager
def on_wait(callback: Callable[[], None] | None) -> Iterator[None]:
    """While the block runs, ``callback()`` is called (in this thread) each time a write
    transaction of this thread finds the write lock taken by someone else and starts to wait:
    a screen saving in a worker says "waiting for the database" instead of looking stuck."""
    previous = getattr(_listeners, "callback", None)
    _listeners.callback = callback
    try:
        yield
    finally:
        _listeners.callback = previous


def announce_wait() -> None:
    """Tell this thread's listener (if any) that its writer waits for another one."""
    callback = getattr(_listeners, "callback", None)
    if callback is None:
        return
    try:
        callback()
    except Exception:  # noqa: BLE001 - a notice must never break the write it is about
        pass


def _let_go(fd: int) -> None:
    """Unlock, then close: closing alone would keep the lock while a forked child still holds a
    copy of the descriptor."""
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class _Waiter:
    """Waits for the queue lock in a thread of its own, on its own open file (a lock taken on
    the caller's descriptor could not be given up separately)."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        self.guard = threading.Lock()
        self.done = threading.Event()
        self.got = False
        self.abandoned = False

    def run(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            ok = True
        except OSError:
            ok = False
        with self.guard:
            if ok and not self.abandoned:
                self.got = True
            elif ok:
                _let_go(self.fd)  # the caller gave up meanwhile: straight back
            else:
                os.close(self.fd)
            self.done.set()


def wait_turn(path: str, timeout: float) -> int | None:
    """Block until the queue lock on ``path`` is ours, at most ``timeout`` seconds; returns the
    descriptor holding it (``_let_go`` it), or None when the queue file is gone (then SQLite's
    busy timeout alone orders the writers)."""
    try:
        waiter = _Waiter(path)
    except OSError:
        return None
    threading.Thread(target=waiter.run, name="govdesk-write-queue", daemon=True).start()
    try:
        waiter.done.wait(timeout)
    except BaseException:
        # Interrupted (Ctrl+C, a signal handler's exception): a lock nobody will release
        # would stop every writer of every process.
        with waiter.guard:
            if waiter.got:
                waiter.got = False
                _let_go(waiter.fd)
            else:
                waiter.abandoned = True
        raise
    with waiter.guard:
        if waiter.got:
            return waiter.fd
        waiter.abandoned = True
    raise storage_error("busy")


class QueuedSqliteDatabase(StorageErrors, SqliteDatabase):
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

    def _take_turn(self, fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._queue.held = fd
        except BlockingIOError:
            announce_wait()
            self._queue.held = wait_turn(str(self.database) + QUEUE_SUFFIX, self._timeout)

    def _release(self) -> None:
        held = getattr(self._queue, "held", None)
        if held is None:
            return
        self._queue.held = None
        if held == getattr(self._queue, "fd", None):
            fcntl.flock(held, fcntl.LOCK_UN)
        else:
            _let_go(held)  # a waiter's own descriptor

    def begin(self, lock_type=None):
        fd = self._queue_fd()
        if fd is not None:
            self._take_turn(fd)
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

    def execute_sql(self, sql, *args, **kwargs):
        # SQLite ends the whole transaction by itself on some errors (a full disk, an I/O
        # error); a nested atomic()'s ROLLBACK TO / RELEASE SAVEPOINT would then fail with
        # "no such savepoint" and hide the error that caused it.
        if (isinstance(sql, str) and sql.startswith(("ROLLBACK TO SAVEPOINT", "RELEASE SAVEPOINT"))
                and not self.is_closed() and not self.connection().in_transaction):
            return None
        return super().execute_sql(sql, *args, **kwargs)

    def rollback(self):
        try:
            # SQLite rolls back by itself on some errors (a full disk, an I/O error); a second
            # ROLLBACK would fail and hide the error that caused it.
            if self.is_closed() or self.connection().in_transaction:
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
