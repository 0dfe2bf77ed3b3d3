"""Who has an SQLite database open: a shared ``flock`` on ``<db>-users`` per process.

Every process that opens a database file through ``open_database`` takes a shared lock on the
side file ``<db>-users`` and keeps it for as long as the database is open (until
``close_database``). peewee connects once per thread, so the lock belongs to the process and the
path, not to a connection: one descriptor per database path, held here at module level.

A restore (services.maintenance.restore) must be the only user: it turns its own lock (or a new
one) into an exclusive one without waiting (``sole_user``); if any desk still holds a shared
lock, it refuses. A process that cannot open or create the ``-users`` file (its permissions were
not set by ``govdesk init``) simply takes no lock, as with the write queue's file.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

USERS_SUFFIX = "-users"

_held: dict[str, int] = {}  # real path of the database → descriptor holding the lock
_pinned: set[str] = set()  # paths whose lock a restore holds exclusively: close keeps it


class InUse(Exception):
    """Others have the database open; ``count`` of them when the kernel says (else None)."""

    def __init__(self, count: int | None):
        super().__init__(count)
        self.count = count


class BeingRestored(Exception):
    """A restore holds the database exclusively right now."""


def _key(path: str | os.PathLike) -> str:
    return os.path.realpath(os.fspath(path))


def share(path: str | os.PathLike) -> None:
    """Take this process's shared lock for ``path`` (once; later calls keep the first)."""
    key = _key(path)
    if key in _held:
        return
    try:
        fd = os.open(key + USERS_SUFFIX, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o660)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BeingRestored() from None
    except OSError:
        os.close(fd)
        return
    _held[key] = fd


def unshare(path: str | os.PathLike) -> None:
    """Let this process's lock for ``path`` go (not while a restore holds it)."""
    key = _key(path)
    if key in _pinned:
        return
    fd = _held.pop(key, None)
    if fd is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def holders(path: str | os.PathLike) -> int | None:
    """How many other processes hold a lock on ``path``'s users file (Linux /proc/locks), or
    None when that cannot be read."""
    try:
        st = os.stat(_key(path) + USERS_SUFFIX)
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    want = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids = set()
    for line in lines:
        parts = line.split()
        # "1: FLOCK  ADVISORY  READ  1234 08:01:5678 0 EOF" ("->" marks a waiter)
        if "FLOCK" not in parts or "->" in parts:
            continue
        i = parts.index("FLOCK")
        if len(parts) > i + 4 and parts[i + 4] == want and parts[i + 3] != str(os.getpid()):
            pids.add(parts[i + 3])
    return len(pids)


@contextmanager
def sole_user(path: str | os.PathLike) -> Iterator[None]:
    """Hold ``path`` exclusively for the block, or raise InUse at once. Inside the block this
    process may close and reopen the database (its lock stays); afterwards the lock is shared
    again if the database is still open here, else let go."""
    key = _key(path)
    fd = _held.get(key)
    own = fd is None
    if own:
        try:
            fd = os.open(key + USERS_SUFFIX, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o660)
        except OSError:
            fd = None
    if fd is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Converting a lock is not atomic: the shared one is gone now; take it back.
            if own:
                os.close(fd)
            else:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            raise InUse(holders(path)) from None
        _held[key] = fd
        _pinned.add(key)
    try:
        yield
    finally:
        if fd is not None:
            _pinned.discard(key)
            if own:
                unshare(key)
            else:
                fcntl.flock(fd, fcntl.LOCK_SH)
