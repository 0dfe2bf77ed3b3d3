"""What the desk's poll watches besides the records: the database file itself, and an
administrator's warning that the database is about to be restored.

Both are read in the poll thread and handed to the UI as plain data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from govdesk.models.db import storage_replaced as _storage_replaced

# Written by the administrator's restore while desks are open: {"by": name, "at": iso time,
# "what": "restore"}; removed when it is over.
NOTICE_KEY = "maintenance.notice"


@dataclass(frozen=True)
class MaintenanceNotice:
    by: str  # who is about to do it ("" when the note does not say)
    at: str  # when, "2026-11-26 17:30" ("" when the note does not say)
    what: str  # "restore", or what else the note names


def storage_replaced() -> str | None:
    """The message to show once the database file (or its -wal) was replaced or removed under
    this process, which from then on saves nothing; None while it is the one we opened."""
    return _storage_replaced()


def _when(value: object) -> str:
    text = str(value or "")
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


def maintenance_notice() -> MaintenanceNotice | None:
    """The administrator's warning, if one stands. A note that is not the JSON agreed on still
    warns (it was written on purpose), only without the name and the time."""
    from govdesk.services.schema import get_meta

    raw = get_meta(NOTICE_KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return MaintenanceNotice("", "", "restore")
    return MaintenanceNotice(str(data.get("by") or ""), _when(data.get("at")),
                             str(data.get("what") or "restore"))
