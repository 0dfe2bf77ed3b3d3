"""F1 / ?: the keys of the screen the user is on, read from its live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

KEY_NAMES = {"question_mark": "?", "enter": "Enter", "escape": "Esc", "delete": "Del",
             "left_square_bracket": "[", "right_square_bracket": "]", "slash": "/",
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


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", show=False)]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: thick $primary;
                            background: $surface; padding: 0 1; }
    HelpScreen DataTable { height: 1fr; }
    """

    def __init__(self, screen_title: str, rows: list[tuple[str, str]], note: str):
        super().__init__()
        self.screen_title = screen_title
        self.rows = rows
        self.note = note

    def compose(self) -> ComposeResult:
        from govdesk.i18n import t

        with Vertical():
            yield Label(t("help.title", screen=self.screen_title), classes="panel-title")
            table = DataTable(cursor_type="row", id="help-keys")
            table.add_columns(t("help.key"), t("help.action"))
            for key, description in self.rows:
                table.add_row(key, description)
            yield table
            yield Label(self.note)
            yield Label(t("help.close_hint"))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss()
