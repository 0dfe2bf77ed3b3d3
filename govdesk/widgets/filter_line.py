"""A list's search box and its filter line.

``SearchBox``: a one-line field that belongs to a list (``list_id``): Esc goes back to the
list, keeping what was typed, so a second Esc does what Esc does on the list (close the
screen, say) and the first never does it by surprise.

``FilterLine``: the list's filter line (``l``, services.list_filter). It shows while it is
typed in or holds the filter in force (``applied``), and is hidden otherwise, so a list
without a filter keeps its room. Esc goes back to the list with the filter in force as it
was (what was typed and not applied is dropped); Enter (Input.Submitted) asks the screen
to apply the line: the screen checks it, applies it and keeps it (widgets never write).
"""

from __future__ import annotations

from textual import events

from govdesk.commands import HasCommands
from govdesk.i18n import t
from govdesk.widgets.fields import FieldInput


class SearchBox(HasCommands, FieldInput):
    COMMAND_IDS = ("search_box.leave",)

    def __init__(self, *args, list_id: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.list_id = list_id

    def action_leave_box(self) -> None:
        if self.list_id:
            for target in self.screen.query(f"#{self.list_id}"):
                if target.focusable:
                    target.focus()
                    return
        self.screen.focus_next()


class FilterLine(SearchBox):
    DEFAULT_CSS = """
    FilterLine { height: 1; background: $boost; }
    """

    def __init__(self, *, list_id: str, id: str | None = None) -> None:
        super().__init__(placeholder=t("listview.filter_hint"), list_id=list_id,
                         id=id or f"{list_id}-filter")
        self.applied = ""
        self.display = False
        # Focused only through ``l``: Tab, a tab's first focus or a digit never lands here.
        self.can_focus = False

    def retranslate(self) -> None:
        self.placeholder = t("listview.filter_hint")

    def open(self) -> None:
        """Show the line and put the cursor at its end."""
        self.display = True
        self.can_focus = True
        self.focus()

    def show_applied(self, text: str) -> None:
        """The filter in force is ``text``: the line says it, and shows only if there is one."""
        self.applied = text
        self.value = text
        self.display = bool(text) or self.has_focus

    def action_leave_box(self) -> None:
        self.value = self.applied
        super().action_leave_box()

    def _on_blur(self, event: events.Blur) -> None:
        self.display = bool(self.applied)
        self.can_focus = False
