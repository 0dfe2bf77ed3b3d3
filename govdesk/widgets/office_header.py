"""The header line with the office's clock: the time where the office is (the ``timezone``
setting), the same clock every deadline and timeline uses, not the server's."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Header
from textual.widgets._header import HeaderClock, HeaderIcon, HeaderTitle


class OfficeClock(HeaderClock):
    def render(self) -> Text:
        now = self.app.actor().now if hasattr(self.app, "actor") else None
        return Text(now.strftime(self.time_format)) if now else super().render()


class OfficeHeader(Header):
    def __init__(self) -> None:
        super().__init__(show_clock=True)

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield HeaderTitle()
        yield OfficeClock().data_bind(Header.time_format)
