"""Where each kind of record opens: a flow's kind → a function that pushes its detail screen.

Modules register themselves here, so Home can open anything in the inbox without knowing it.
The record screens of the workflows below are imported when a record of their kind is first
opened, not with the app: together they cost tens of milliseconds of start-up (收文 and 发文
detail, their modals, the picker and the timeline) that a desk which only reads its inbox
never needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from textual.app import App

Opener = Callable[[App, int], None]
_openers: dict[str, Opener] = {}

# kind → the module that registers its opener when imported
LAZY_SCREENS = {
    "incoming": "govdesk.screens.incoming.detail",
    "outgoing": "govdesk.screens.outgoing.detail",
    "leave": "govdesk.screens.leave.detail",
    "supervision": "govdesk.screens.supervision_items.detail",
    "suggestion": "govdesk.screens.suggestion.detail",
    "special_report": "govdesk.screens.special_report.detail",
    "petition": "govdesk.screens.petition.detail",
}


def register(kind: str, opener: Opener) -> None:
    _openers[kind] = opener


def opener_of(kind: str) -> Opener | None:
    """The kind's opener, importing its screens the first time."""
    opener = _openers.get(kind)
    if opener is None and kind in LAZY_SCREENS:
        importlib.import_module(LAZY_SCREENS[kind])
        opener = _openers.get(kind)
    return opener


def open_record(app: App, kind: str, record_id: int) -> bool:
    opener = opener_of(kind)
    if opener is None:
        return False
    opener(app, record_id)
    return True
