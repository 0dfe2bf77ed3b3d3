"""Where each kind of record opens: a flow's kind → a function that pushes its detail screen.

Modules register themselves here, so Home can open anything in the inbox without knowing it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

Opener = Callable[[App, int], None]
_openers: dict[str, Opener] = {}


def register(kind: str, opener: Opener) -> None:
    _openers[kind] = opener


def open_record(app: App, kind: str, record_id: int) -> bool:
    opener = _openers.get(kind)
    if opener is None:
        return False
    opener(app, record_id)
    return True
