"""A check box whose state is a character, ☑ or ☐, not only a colour: Textual's own draws the
same "X" checked or not and tells them apart by colour alone, which a monochrome terminal,
a colour-blind reader or a printed screenshot loses."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox as TextualCheckbox

CHECKED = "☑"
UNCHECKED = "☐"


class Checkbox(TextualCheckbox):
    BUTTON_LEFT = ""
    BUTTON_RIGHT = ""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return CHECKED if self.value else UNCHECKED

    @property
    def _button(self) -> Content:
        return Content.styled(self.BUTTON_INNER, self.get_visual_style("toggle--button"))
