"""``python -m govdesk`` with the command line's clock pinned: ``python -m
tests.helpers.pinned_cli 2026-11-26T09:30 today --db …``.

The demo database the tests copy is built once for tests.conftest.NOW; a command reading it with
the wall clock on a later day sees every deadline days older, and what it prints drifts with the
calendar. Tests that compare that output pin the office clock here (services/clock.py, where
every "now" of the command line comes from), as the Pilot tests do through GovDesk(now=…)."""

from __future__ import annotations

import sys
from datetime import datetime

from govdesk import cli
from govdesk.services import clock


def pin(moment: datetime) -> None:
    """Every "now" and "today" of the run is ``moment``: they all come from the office clock."""
    clock.pin(moment)


if __name__ == "__main__":
    pin(datetime.fromisoformat(sys.argv[1]))
    raise SystemExit(cli.main(sys.argv[2:]))
