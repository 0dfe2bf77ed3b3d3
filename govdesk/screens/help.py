"""F1 / ?: how the screen's work is done, then the keys of the screen the user is on, read
from its live bindings.

A screen names its how-to by a catalog key (``HOWTO = "howto.secretariat"``). The text names
keys as ``{k:command.id}``, filled with the key the user's keymap gives that command, so a
remapped key is told right; an id the registry does not know is a programming error (a test
reads every how-to).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

KEY_NAMES = {"question_mark": "?", "enter": "Enter", "escape": "Esc", "delete": "Del",
             "left_square_bracket": "[", "right_square_bracket": "]", "slash": "/",
             "semicolon": ";",
             "number_sign": "#"}


def key_label(keys: str) -> str:
    """`f1,question_mark` → `F1 / ?`; `ctrl+s` → `Ctrl+S`, as users read keys."""
    out = []
    for key in keys.split(","):
        key = key.strip()
        if key in KEY_NAMES:
            out.append(KEY_NAMES[key])
            continue
        parts = key.split("+")
        out.append("+".join(p.capitalize() if len(p) > 1 or i < len(parts) - 1 else p.upper()
                            for i, p in enumerate(parts)) if "+" in key or len(key) > 1
                   else key)
    return " / ".join(out)


_KEY_REF = re.compile(r"\{k:([a-z_.]+)\}")


def howto_text(key: str, keymap: Mapping[str, str]) -> str:
    """The how-to ``key`` in the user's language, each ``{k:id}`` replaced by its keys."""
    from govdesk.commands import REGISTRY
    from govdesk.i18n import t

    def keys(match: re.Match) -> str:
        command = REGISTRY[match.group(1)]
        return key_label(keymap.get(command.id, command.keys)) or command.text

    return _KEY_REF.sub(keys, t(key)) if key else ""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", show=False)]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: thick $primary;
                            background: $surface; padding: 0 1; }
    HelpScreen DataTable { height: 1fr; }
    HelpScreen #help-howto { height: auto; max-height: 50%; margin-bottom: 1; }
    HelpScreen Label { width: 100%; }
    HelpScreen .help-note { width: 100%; height: auto; }
    """

    def __init__(self, screen_title: str, rows: list[tuple[str, str]], note: str,
                 howto: str = ""):
        super().__init__()
        self.screen_title = screen_title
        self.rows = rows
        self.note = note
        self.howto = howto

    def compose(self) -> ComposeResult:
        from govdesk.i18n import t

        with Vertical():
            yield Label(t("help.title", screen=self.screen_title), classes="panel-title")
            if self.howto:
                yield Label(t("howto.heading"), classes="panel-title")
                with VerticalScroll(id="help-howto", can_focus=False):
                    yield Static(self.howto, markup=False, id="help-howto-text")
            table = DataTable(cursor_type="row", id="help-keys")
            table.add_columns(t("help.key"), t("help.action"))
            for key, description in self.rows:
                table.add_row(key, description)
            yield table
            yield Label(self.note, id="help-note", classes="help-note")  # wraps, never cut
            yield Label(t("help.close_hint"), classes="help-note")

    def on_mount(self) -> None:
        self.query_one("#help-keys", DataTable).focus()

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss()
