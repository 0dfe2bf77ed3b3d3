"""The footer, fitted to the terminal: the keys that do not fit are left out whole.

Textual's footer lays every key in one row and docks the palette's key over its right end, so
at 80 columns the keys past the edge ran under it (``^p命 面板``, half a ``帮助``). Here the
keys are laid out only while they fit, in the screen's order, with F1 (which lists every key
of the screen, those left out included) and the palette's key always kept.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

KEPT_ACTIONS = ("help", "app.help")  # F1: how to reach everything the footer leaves out


def key_cells(key: FooterKey) -> int:
    """The cells a footer key takes: `` key `` and ``description `` (Textual's own padding)."""
    width = cell_len(key.key_display) + 2
    if key.description:
        width += cell_len(key.description) + 1
    if key.has_class("-command-palette"):
        width += 2  # its padding and the rule before it
    return width


class DeskFooter(Footer):
    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        room = self.size.width or self.app.size.width
        if not room or any(not isinstance(k, FooterKey) for k in keys):
            yield from keys  # not laid out yet, or grouped keys: as Textual lays them
            return
        kept = [k for k in keys if k.has_class("-command-palette") or k.action in KEPT_ACTIONS]
        used = sum(key_cells(k) for k in kept)
        for key in keys:
            if key in kept:
                continue
            if used + key_cells(key) <= room:
                kept.append(key)
                used += key_cells(key)
        yield from (k for k in keys if k in kept)  # in the screen's order

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != getattr(self, "_laid_for", None):
            self._laid_for = event.size.width
            self._drawn = None  # the keys that fit change with the width
            self.call_after_refresh(self.recompose)

    # Textual recomposes the footer on every change of the screen's bindings — each focus move
    # as a screen opens and fills its tabs (a dozen times for the 督查室), each time building
    # and styling every key anew: a third of the time to open a section. Here the keys are laid
    # out again only when what they show has changed, once however many changes came together.
    _drawn: tuple | None = None
    _pending = False

    def _shown(self) -> tuple:
        return tuple((key, b.action, b.description, b.key_display, enabled, tooltip)
                     for key, (_, b, enabled, tooltip) in self.screen.active_bindings.items()
                     if b.show)

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._relay_if_changed)

    async def _relay_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        shown = self._shown()
        if shown != self._drawn:
            self._drawn = shown
            await self.recompose()
