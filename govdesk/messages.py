"""Messages screens exchange instead of calling each other."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Something was committed (by this user or another process); tables lists what."""

    def __init__(self, tables: frozenset[str]):
        super().__init__()
        self.tables = tables


class LanguageChanged(Message):
    """The user chose another UI language: screens re-word their fixed texts in place."""

    def __init__(self, old: str, new: str):
        super().__init__()
        self.old = old
        self.new = new


class SaveWaiting(Message):
    """A save running in a worker waits for another user's write to finish."""
