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
from typing import Any

from textual.app import App

Opener = Callable[[App, int], None]
_openers: dict[str, Opener] = {}
# A kind whose 催办 is not the engine's (the holders' modal of screens/triage.py): a 督查事项's
# is its numbered 催办单. Called as reminder(node, record_id, title, then).
Reminder = Callable[[Any, int, str, Any], None]
_reminders: dict[str, Reminder] = {}

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


def register_reminder(kind: str, reminder: Reminder) -> None:
    _reminders[kind] = reminder


def _loaded(kind: str) -> None:
    if kind in LAZY_SCREENS:
        importlib.import_module(LAZY_SCREENS[kind])


def opener_of(kind: str) -> Opener | None:
    """The kind's opener, importing its screens the first time."""
    if kind not in _openers:
        _loaded(kind)
    return _openers.get(kind)


def reminder_of(kind: str) -> Reminder | None:
    """The kind's own 催办, if it has one (its screens imported the first time)."""
    if kind not in _reminders and kind not in _openers:
        _loaded(kind)
    return _reminders.get(kind)


def open_record(app: App, kind: str, record_id: int) -> bool:
    opener = opener_of(kind)
    if opener is None:
        return False
    opener(app, record_id)
    return True
