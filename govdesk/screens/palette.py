"""The command palette (ctrl+p) in the user's language.

Textual's own palette writes its prompt, its "no matches" line and its system commands in
English; a clerk reading 简体 or 繁體 everywhere else should not meet them here. The app's
system commands are narrowed to enlarging the focused table, from the catalog (the desk's own
commands come from govdesk/commands.py through the app's provider); help is govdesk's own F1 list, which speaks the user's
language, so Textual's English key panel is not offered.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets.option_list import Option

from govdesk.i18n import t


class DeskPalette(CommandPalette):
    def __init__(self) -> None:
        super().__init__(placeholder=t("app.palette_search"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's method of the same name with its English line replaced (textual is pinned
        to one version in pyproject.toml; tests/test_palette.py fails if this stops working)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("app.palette_no_match"), style="not bold")),
                           disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def system_commands(screen: Screen) -> Iterable[SystemCommand]:
    """The desk's system commands, worded from the catalog (quit is the registry's app.quit,
    offered with the other commands)."""
    if screen.maximized is not None:
        yield SystemCommand(t("app.minimize"), t("app.minimize_help"), screen.action_minimize)
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(t("app.maximize"), t("app.maximize_help"), screen.action_maximize)
