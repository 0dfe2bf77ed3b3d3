"""The write queue from outside (models/writelock.py): is it free, and a writer that holds it."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from govdesk.models.writelock import QUEUE_SUFFIX

HOLDER = (
    "import sys, time\n"
    "from govdesk.models import database, open_database\n"
    "open_database(sys.argv[1])\n"
    "with database.atomic():\n"
    "    print('held', flush=True); time.sleep(60)\n"
)


def queue_free(path) -> bool:
    fd = os.open(str(path) + QUEUE_SUFFIX, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


@contextmanager
def writer_inside_transaction(path) -> Iterator[subprocess.Popen]:
    """Another govdesk process stuck inside a write transaction until the block ends, when
    it is killed (SIGKILL) as a crashed or stopped writer would be."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()
