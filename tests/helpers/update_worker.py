"""Run in its own process: read a 收文 (version 1), wait, then save an edit with that version.

Usage: python update_worker.py DB LOGIN DOC_ID NEW_TITLE READY_FILE GO_FILE
Prints one JSON object: {"read_version": …, "result": "ok" | "conflict", "version": …}.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from govdesk.models import IncomingDocument, close_database, open_database
from govdesk.services import incoming, org
from govdesk.services.context import Actor
from govdesk.services.errors import ConflictError


def main() -> None:
    db, login, doc_id, title, ready, go = sys.argv[1:7]
    open_database(db)
    actor = Actor(org.person_by_login(login), datetime(2026, 11, 26, 11, 0))
    doc = IncomingDocument.get_by_id(int(doc_id))
    read_version = doc.version
    form = {
        "from_unit": doc.from_unit.code, "title": title, "doc_kind": doc.doc_kind,
        "received_on": doc.received_on, "summary": f"{login} 修改",
    }
    Path(ready).touch()
    deadline = time.monotonic() + 30
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.002)
    try:
        saved = incoming.update(actor, doc.id, read_version, form)
        out = {"read_version": read_version, "result": "ok", "version": saved.version}
    except ConflictError as exc:
        out = {"read_version": read_version, "result": "conflict", "message": str(exc),
               "form_title": form["title"]}
    close_database()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
