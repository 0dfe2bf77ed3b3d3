"""Waiting for the screens' workers in Pilot tests (screens load and save in thread workers,
govdesk/screens/base.py)."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot, rounds: int = 50) -> None:
    """Until no load or save worker runs (the poll's own worker aside) and the UI has caught up
    with what they delivered; a shown result may start a further refresh, hence the rounds."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        busy = [w for w in app.workers if w.is_running and w.group != "poll"]
        if not busy:
            return
        await app.workers.wait_for_complete(busy)
    raise AssertionError("the workers never settled")
