"""The two small questions of a form that keeps drafts (screens/drafts.py): 保存 / 放弃 /
继续编辑 when a changed form is closed, and 恢复 / 丢弃 when a form opens over a kept draft.
Esc and Enter always pick what loses nothing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from govdesk.commands import HasCommands
from govdesk.i18n import t

SAVE, DISCARD, KEEP = "save", "discard", "keep"
RESTORE = "restore"


class _ChoiceModal(HasCommands, ModalScreen[str]):
    """A title, a line, three or two buttons; keys choose, and the first focus is the safe
    choice (``SAFE``)."""

    SAFE = ""
    DEFAULT_CSS = """
    _ChoiceModal { align: center middle; }
    _ChoiceModal > Vertical { width: 60; max-width: 100%; height: auto; max-height: 100%;
                              border: thick $warning; background: $surface; padding: 0 1; }
    _ChoiceModal .note { height: auto; width: 100%; margin-bottom: 1; }
    _ChoiceModal .hint { color: $text-muted; height: auto; width: 100%; }
    _ChoiceModal Horizontal { height: auto; }
    _ChoiceModal Button { margin-right: 2; }
    """

    def __init__(self, title: str, note: str, buttons: list[tuple[str, str]], hint: str):
        super().__init__()
        self.title_text, self.note, self.buttons, self.hint = title, note, buttons, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="panel-title", id="choice-title")
            yield Label(self.note, classes="note")
            with Horizontal():
                for choice, label in self.buttons:
                    yield Button(label, id=f"choice-{choice}", compact=True)
            yield Label(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.SAFE}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-") or self.SAFE)


class CloseFormModal(_ChoiceModal):
    """保存 / 放弃 / 继续编辑, when a changed form is closed. Esc and Enter keep editing: a
    slip of the finger never throws typing away."""

    SAFE = KEEP
    COMMAND_IDS = ("close_form.save", "close_form.discard", "close_form.keep")

    def __init__(self) -> None:
        super().__init__(t("drafts.close_title"), t("drafts.close_note"),
                         [(KEEP, t("drafts.close_keep")), (SAVE, t("drafts.close_save")),
                          (DISCARD, t("drafts.close_discard"))], t("drafts.close_hint"))

    def action_save(self) -> None:
        self.dismiss(SAVE)

    def action_discard(self) -> None:
        self.dismiss(DISCARD)

    def action_keep(self) -> None:
        self.dismiss(KEEP)


class DraftOfferModal(_ChoiceModal):
    """上次未保存的内容（时间）：恢复 / 丢弃, when a form opens over a kept draft. Esc restores:
    only 丢弃, asked for by name, drops it."""

    SAFE = RESTORE
    COMMAND_IDS = ("draft_offer.restore", "draft_offer.discard")

    def __init__(self, saved_at: str) -> None:
        super().__init__(t("drafts.offer_title", at=saved_at), t("drafts.offer_note"),
                         [(RESTORE, t("drafts.offer_restore")),
                          (DISCARD, t("drafts.offer_discard"))], t("drafts.offer_hint"))

    def action_restore(self) -> None:
        self.dismiss(RESTORE)

    def action_discard(self) -> None:
        self.dismiss(DISCARD)
