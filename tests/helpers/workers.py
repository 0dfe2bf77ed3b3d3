"""Waiting for the screens' workers in Pilot tests (screens load and save in thread workers,
govdesk/screens/base.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from textual.pilot import Pilot
from textual.worker import Worker, WorkerCancelled


async def finished(workers: Iterable[Worker]) -> None:
    """Until each of these workers has ended; one cancelled (a newer refresh replaced it)
    counts as ended."""
    for worker in list(workers):
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()


async def finished_within(workers: Iterable[Worker], seconds: float) -> bool:
    try:
        await asyncio.wait_for(finished(workers), seconds)
    except TimeoutError:
        return False
    return True


async def settle(pilot: Pilot, rounds: int = 50) -> None:
    """Until no load or save worker runs (the poll's own worker aside) and the UI has caught up
    with what they delivered; a shown result may start a further refresh, hence the rounds."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        busy = [w for w in app.workers if w.is_running and w.group != "poll"]
        if not busy:
            return
        await finished(busy)
    raise AssertionError("the workers never settled")


async def wait_for(pilot: Pilot, condition, what: str, rounds: int = 200) -> None:
    """Pause (0.05 s at a time) until condition() holds; generous, so it never flakes."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never: {what}")
