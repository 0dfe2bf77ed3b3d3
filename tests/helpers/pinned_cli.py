"""``python -m govdesk`` with the command line's clock pinned: ``python -m
tests.helpers.pinned_cli 2026-11-26T09:30 today --db …``.

The demo database the tests copy is built once for tests.conftest.NOW; a command reading it with
the wall clock on a later day sees every deadline days older, and what it prints drifts with the
calendar. Tests that compare that output pin the clock here, as the Pilot tests do through
GovDesk(now=…)."""

from __future__ import annotations

import sys
from datetime import date, datetime

from govdesk import cli


def pin(moment: datetime) -> None:
    class PinnedDateTime(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return moment if tz is None else moment.astimezone(tz)

    class PinnedDate(date):
        @classmethod
        def today(cls):  # type: ignore[override]
            return moment.date()

    cli.datetime = PinnedDateTime  # type: ignore[misc]
    cli.date = PinnedDate  # type: ignore[misc]


if __name__ == "__main__":
    pin(datetime.fromisoformat(sys.argv[1]))
    raise SystemExit(cli.main(sys.argv[2:]))
