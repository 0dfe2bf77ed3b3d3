"""Settings: the UI language, kept where the person's settings live (services/settings.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select

from govdesk.commands import HasCommands
from govdesk.i18n import LANGUAGES, language, t
from govdesk.screens.base import run_service
from govdesk.services import settings


class SettingsScreen(HasCommands, ModalScreen[str | None]):
    COMMAND_IDS = ("settings.cancel",)
    DEFAULT_CSS = """
    SettingsScreen { align: center middle; }
    SettingsScreen > Vertical { width: 60; height: auto; border: thick $primary;
                                background: $surface; padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("settings.title"), classes="panel-title")
            yield Label(t("settings.language"))
            yield Select([(name, code) for code, name in LANGUAGES.items()], value=language(),
                         allow_blank=False, id="language")
            yield Button(t("settings.save"), variant="primary", id="save")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def action_save(self) -> None:
        value = self.query_one("#language", Select).value
        if value is Select.NULL:
            return
        choice = str(value)

        def done(where: str) -> None:
            self.app.notify(t("settings.saved_to", path=where))
            self.dismiss(choice)

        def refused(error) -> None:
            self.app.notify(str(error), severity="error")

        run_service(self, settings.save, self.app.person.login, {"language": choice},
                    done=done, refused=refused, writes=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
