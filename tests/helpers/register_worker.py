"""Run in its own process: register N incoming documents in the given database.

Usage: python register_worker.py DB LOGIN COUNT READY_FILE GO_FILE
Waits for GO_FILE (after touching READY_FILE) so all workers start together, then prints the
收文编号 it got, one JSON list on stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from govdesk.models import close_database, open_database
from govdesk.services import incoming, org
from govdesk.services.context import Actor


def main() -> None:
    db, login, count, ready, go = sys.argv[1:6]
    open_database(db)
    clerk = org.person_by_login(login)
    Path(ready).touch()
    deadline = time.monotonic() + 30
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.005)
    numbers = []
    for i in range(int(count)):
        actor = Actor(clerk, datetime(2026, 11, 26, 10, 0))
        doc = incoming.register(actor, {
            "from_unit": "cz", "title": f"{login} 并发登记 {os.getpid()}-{i}",
            "doc_kind": "报告", "received_on": "2026-11-26",
        })
        numbers.append([doc.seq, doc.number])
    close_database()
    print(json.dumps(numbers, ensure_ascii=False))


if __name__ == "__main__":
    main()
