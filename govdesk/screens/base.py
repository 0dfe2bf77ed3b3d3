"""What every desk screen shares: the header line, data refresh, opening records."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from govdesk.commands import HasCommands
from govdesk.messages import DataChanged, LanguageChanged


class DeskScreen(HasCommands, Screen):
    """A top-level section screen. Subclasses fill ``compose_body`` and ``refresh_data``."""

    TITLE_KEY = "app.home"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual runs the on_mount of every class in the MRO, so subclasses extend setup().
        self.setup()
        self.refresh_data()

    def setup(self) -> None:
        """Columns, first focus: whatever must exist before the first refresh_data()."""

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def on_data_changed(self, message: DataChanged) -> None:
        self.refresh_data()

    def on_language_changed(self, message: LanguageChanged) -> None:
        """Fixed texts were re-worded in place (screens/retranslate.py); what carries values
        (titles with counts, rows with states) is drawn again in the new language."""
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the screen shows from the services."""

    @property
    def actor(self):
        return self.app.actor()
