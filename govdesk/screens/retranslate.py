"""Re-word a screen's fixed texts after a language change, in place.

A fixed text is one a widget shows exactly as the catalog wrote it (a column heading, a tab, a
label, an input's placeholder, a button or check box, a select's prompt and options): its old-language
string is looked up in the old catalog and replaced with the same key's string in the new one.
What the user typed (an input's value, a select's choice) is never touched, and table cells are
data, left alone. Texts built with values in them (``待办 {n} 件``) are the screen's to re-render:
DeskScreen refreshes on LanguageChanged.
"""

from __future__ import annotations

from functools import cache

from rich.text import Text
from textual.content import Content
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    RadioButton,
    Select,
    Static,
    Tab,
)

from govdesk.i18n import catalog


@cache
def _translations(old: str, new: str) -> dict[str, str]:
    """Old-language fixed string → new-language string (entries without placeholders)."""
    before, after = catalog(old), catalog(new)
    out: dict[str, str] = {}
    for key, text in before.items():
        if "{" not in text and key in after and text not in out:
            out[text] = after[key]
    return out


def _plain(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (Text, Content)):
        return value.plain
    return None


def retranslate(root: Widget, old: str, new: str) -> None:
    """Re-word every fixed text under ``root`` (``root`` included) from ``old`` to ``new``."""
    if old == new:
        return
    words = _translations(old, new)

    def swap(value: object) -> str | None:
        plain = _plain(value)
        return words.get(plain) if plain is not None else None

    for widget in root.walk_children(with_self=True):
        if isinstance(widget, DataTable):
            changed = False
            for column in widget.columns.values():
                if (new_label := swap(column.label)) is not None:
                    column.label = Text(new_label)
                    changed = True
            if changed:
                widget._require_update_dimensions = True
                widget.refresh()
        elif isinstance(widget, Tab):
            if (new_label := swap(widget.label)) is not None:
                widget.label = new_label
        elif isinstance(widget, (Button, Checkbox, RadioButton)):
            if (new_label := swap(widget.label)) is not None:
                widget.label = new_label
        elif isinstance(widget, Static):
            if (new_text := swap(widget.content)) is not None:
                widget.update(new_text)
        elif isinstance(widget, Input):
            if (new_text := swap(widget.placeholder)) is not None:
                widget.placeholder = new_text
        elif isinstance(widget, Select):
            _retranslate_select(widget, swap)


def _retranslate_select(select: Select, swap) -> None:
    if (prompt := swap(select.prompt)) is not None:
        select.prompt = prompt
    options = [(swap(label) or label, value) for label, value in select._options
               if value is not Select.NULL]
    if all(swap(label) is None for label, value in select._options if value is not Select.NULL):
        return
    value = select.value
    with select.prevent(Select.Changed):
        select.set_options(options)
        if value is not Select.NULL:
            select.value = value
