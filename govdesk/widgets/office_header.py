"""The header line with the office's clock: the time where the office is (the ``timezone``
setting), the same clock every deadline and timeline uses, not the server's.

The clock shows hours and minutes and is drawn again only when the minute it shows changes:
a desk nobody touches sends nothing to its terminal for a minute at a time (Textual's own
clock redraws every second, 70–100 bytes a second to every idle desk over SSH)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.events import Mount
from textual.widgets import Header
from textual.widgets._header import HeaderClock, HeaderIcon, HeaderTitle

CLOCK_FORMAT = "%H:%M"


class OfficeClock(HeaderClock):
    DEFAULT_CSS = "OfficeClock { width: 7; }"

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # not HeaderClock's handler, which redraws every second
        self._shown = ""  # what render() last drew
        self.set_interval(1, self._tick, name="office clock")

    def _text(self) -> str:
        now = self.app.actor().now if hasattr(self.app, "actor") else None
        return now.strftime(self.time_format) if now else ""

    def _tick(self) -> None:
        if self._text() != self._shown:
            self.refresh()

    def render(self) -> Text:
        if not hasattr(self.app, "actor"):
            return super().render()
        self._shown = self._text()
        return Text(self._shown)


class OfficeHeader(Header):
    def __init__(self) -> None:
        super().__init__(show_clock=True, time_format=CLOCK_FORMAT)

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield HeaderTitle()
        yield OfficeClock().data_bind(Header.time_format)
