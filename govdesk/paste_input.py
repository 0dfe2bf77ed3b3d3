"""A bracketed paste reaches the desk as one paste, whatever it holds.

Textual's terminal parser (textual._xterm_parser) reads an ESC inside a bracketed paste as the
start of a key sequence: the bytes after it (``[31m``, and the pasted text behind them up to
its search limit) leave the paste and arrive as separate key presses, ahead of the rest —
a title pasted with a colour code was stored as ``^[31m的通知关于\\t做好``: characters lost,
their order changed. ``PasteSafeParser`` holds a paste until its end marker and hands it on
with its ESC sequences taken out (services.plain_text.drop_escapes), so the only ESC the
parser meets inside is the end marker's. The field then cleans the rest (widgets.fields).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._xterm_parser import XTermParser
from textual.message import Message

from govdesk.services.plain_text import drop_escapes

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class PasteSafeParser(XTermParser):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pasting: list[str] | None = None  # the paste so far, while one is coming in

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of input
            if self._pasting is not None:
                data, self._pasting = drop_escapes("".join(self._pasting)), None
                if data:
                    yield from super().feed(data)
            yield from super().feed("")
            return
        data = self._screen(data)
        if data:  # (an empty feed would tell the parser the input has ended)
            yield from super().feed(data)

    def _screen(self, data: str) -> str:
        """What the parser may see of ``data`` now: outside a paste all of it; a paste only
        once it is whole, without its escapes."""
        out: list[str] = []
        while data:
            if self._pasting is None:
                start = data.find(PASTE_START)
                if start < 0:
                    out.append(data)
                    break
                out.append(data[:start + len(PASTE_START)])
                data = data[start + len(PASTE_START):]
                self._pasting = []
            self._pasting.append(data)
            held = "".join(self._pasting)
            end = held.find(PASTE_END)
            if end < 0:
                self._pasting = [held]
                break
            out.append(drop_escapes(held[:end]) + PASTE_END)
            data = held[end + len(PASTE_END):]
            self._pasting = None
        return "".join(out)


def install() -> None:
    """Have the terminal drivers parse input with PasteSafeParser."""
    from textual.drivers import linux_driver

    linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]
