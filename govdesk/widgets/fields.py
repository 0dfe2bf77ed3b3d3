"""The fields every form is made of: a one-line ``FieldInput`` and a multi-line ``FieldArea``.

Entering a field puts the cursor after what it holds, selecting nothing, so the next key adds
to it instead of replacing it (a 印发日期 that was ``2026-12-01`` must not become ``abc``).
A paste is cleaned first (services.plain_text.clean): what the services would refuse is
taken out, and a one-line field gets the whole paste on its line, breaks made spaces
(Textual's Input kept only what came before the first break, \\x0b included).
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Button, Input, TextArea

from govdesk.services.plain_text import clean


class FieldInput(Input):
    """A one-line form field."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("select_on_focus", False)
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)

    def _on_focus(self, event: events.Focus) -> None:
        self.cursor_position = len(self.value)

    def post_message(self, message: Message) -> bool:
        posted = super().post_message(message)
        if posted and isinstance(message, Input.Submitted):
            # The form moves the focus on when it hears of the Enter: the keys typed after
            # it wait until then (govdesk/key_order.py).
            continues = getattr(self.app, "key_continues_with", None)
            if continues is not None:
                continues(message, self)
        return posted

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # not Input's own paste: it keeps the first line only
        event.stop()
        text = clean(event.text)
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)


class FieldArea(TextArea):
    """A multi-line form field: a paste keeps its line breaks and loses the rest."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # TextArea's own paste would insert the text as it came
        event.stop()
        if self.read_only:
            return
        text = clean(event.text, multiline=True)
        if text and (result := self._replace_via_keyboard(text, *self.selection)):
            self.move_cursor(result.end_location)


class PickButton(Button):
    """A form's 选择… button: for the mouse. Tab passes it by (what is typed after a Tab is
    for the next field, and a button drops it); the keyboard opens the picker with the
    field's key, which the form's hint names."""

    can_focus = False
