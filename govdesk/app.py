"""The Textual application: modes (Home + six sections), global keys, palette, live refresh."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.screen import ModalScreen, Screen

from govdesk import config
from govdesk.i18n import LANGUAGES, language, set_language, t
from govdesk.messages import DataChanged
from govdesk.models import Person, data_version
from govdesk.screens import (
    incoming_detail,  # noqa: F401  (registers the 收文 opener)
    leave_detail,  # noqa: F401  (registers the 请假 opener)
    outgoing_detail,  # noqa: F401  (registers the 发文 opener)
)
from govdesk.screens.help import HelpScreen, key_label
from govdesk.screens.home import HomeScreen
from govdesk.screens.leave_register import LeaveRegisterScreen, new_leave
from govdesk.screens.palette import DeskPalette, system_commands
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.screens.sections import (
    InformationScreen,
    LineSecretariesScreen,
    ReceptionScreen,
    ResearchScreen,
    SupervisionScreen,
)
from govdesk.screens.settings import SettingsScreen
from govdesk.services import audit
from govdesk.services import inbox as inbox_service
from govdesk.services.context import Actor
from govdesk.services.errors import ServiceError

# Keys 1–6, in this order (issue #2 / DESIGN "Sections as modes").
SECTION_MODES = [
    ("mishu", "秘书科"),
    ("diaoyan", "综合调研科"),
    ("line", None),
    ("xinxi", "信息科"),
    ("ducha", "督查室"),
    ("jiedai", "接待办"),
]

POLL_SECONDS = 0.5


class SectionCommands(Provider):
    """Palette entries: go to Home or any section, help, settings."""

    def _commands(self):
        app: GovDesk = self.app  # type: ignore[assignment]
        yield t("app.go_home"), partial(app.switch_mode, "home")
        for code, _ in SECTION_MODES:
            yield t("app.go_section", name=app.mode_title(code)), partial(app.switch_mode, code)
        yield t("app.help"), app.action_help
        yield t("outgoing.palette_errors"), app.action_error_register
        yield t("leave.palette_new"), partial(new_leave, app)
        yield t("leave.palette_register"), lambda: app.push_screen(LeaveRegisterScreen())
        yield t("app.settings"), app.action_settings
        yield t("audit.palette"), app.action_audit_log

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback)

    async def discover(self) -> Hits:
        for text, callback in self._commands():
            yield Hit(1, text, callback)


# What run() returns when the user changed the language: the command line starts govdesk again.
RESTART = "restart"


class GovDesk(App):
    TITLE = "govdesk"
    COMMANDS = App.COMMANDS | {SectionCommands}
    MODES = {
        "home": HomeScreen,
        "mishu": SecretariatScreen,
        "diaoyan": ResearchScreen,
        "line": LineSecretariesScreen,
        "xinxi": InformationScreen,
        "ducha": SupervisionScreen,
        "jiedai": ReceptionScreen,
    }
    BINDINGS = [
        Binding("0", "switch_mode('home')", t("app.home"), show=False, id="go-home"),
        *[
            Binding(str(i), f"switch_mode('{code}')", name or t("app.line"), show=False,
                    id=f"go-{code}")
            for i, (code, name) in enumerate(SECTION_MODES, start=1)
        ],
        Binding("f1,question_mark", "help", t("app.help"), id="help"),
        Binding("f2", "settings", t("app.settings"), id="settings"),
        Binding("ctrl+q", "quit", t("app.quit"), id="quit"),
        # Declared here so the footer names it in the user's language (Textual adds an
        # English one otherwise).
        Binding("ctrl+p", "command_palette", t("app.palette"), show=False, priority=True,
                tooltip=t("app.palette")),
    ]

    def __init__(self, person: Person, db_target: str = "", *, now=None, poll: bool = True):
        saved = config.load().get("language")
        if saved:
            set_language(str(saved))
        self.started_in = language()  # the language the screens' fixed texts were made in
        super().__init__()
        self.person = person
        self.db_target = db_target
        self._now = now  # tests pin the clock
        self._poll = poll
        self._data_version: tuple[int, int] = (-1, -1)
        self._change_id = 0
        self._unreadable = False  # the last poll could not read the database

    def actor(self) -> Actor:
        return Actor(self.person, self._now() if callable(self._now) else (self._now or datetime.now()))

    def mode_title(self, code: str) -> str:
        for key, name in SECTION_MODES:
            if key == code:
                return name or t("app.line")
        return t("app.home")

    def on_mount(self) -> None:
        self.title = t("app.title")
        self._data_version = data_version()
        self._change_id = audit.latest_id()
        self.update_subtitle()
        self.switch_mode("home")
        if self._poll:
            self.set_interval(POLL_SECONDS, self.poll_changes)

    def update_subtitle(self) -> None:
        actor = self.actor()
        self.sub_title = t("app.subtitle", name=self.person.name,
                           section=self.person.section.name, post=self.person.post,
                           n=inbox_service.inbox_count(actor))

    def poll_changes(self) -> None:
        """Something was committed (by another process or by this one): read what changed.

        While the database cannot be read (a PostgreSQL restart, a broken disk) the desk stays
        up, says so once, and catches up as soon as it can read again."""
        try:
            version = data_version()
            if version != self._data_version:
                self._data_version = version
                self.notify_changes()
        except ServiceError as exc:
            if not self._unreadable:
                self._unreadable = True
                self.notify(str(exc), severity="warning")
            return
        if self._unreadable:
            self._unreadable = False
            self.notify(t("app.database_back"))

    def notify_changes(self) -> None:
        changes = audit.changes_since(self._change_id)
        if not changes:
            return
        self._change_id = changes[-1][0]
        self.update_subtitle()
        self.screen.post_message(DataChanged(frozenset(table for _, table, _ in changes)))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not DeskPalette.is_open(self):
            self.push_screen(DeskPalette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return system_commands(screen)

    def action_help(self) -> None:
        """The keys that work here: the focused widget's, its containers', the screen's, then
        the app's — only govdesk's own bindings (Textual's built-in ones speak English), and
        only those the screen allows now (check_action)."""
        screen = self.screen
        start = screen.focused or screen
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for node in [*start.ancestors_with_self, self]:
            for cls in type(node).__mro__:
                if not cls.__module__.startswith("govdesk") or "BINDINGS" not in cls.__dict__:
                    continue
                for binding in cls.__dict__["BINDINGS"]:
                    if not isinstance(binding, Binding) or not binding.description:
                        continue
                    if binding.description in seen:
                        continue
                    if node is screen and screen.check_action(binding.action, ()) is False:
                        continue
                    seen.add(binding.description)
                    rows.append((key_label(binding.key), binding.description))
        title = screen.sub_title or self.mode_title(self.current_mode)
        self.push_screen(HelpScreen(title, rows, t("help.sections")))

    def action_error_register(self) -> None:
        from govdesk.screens.error_register import ErrorRegisterScreen

        self.push_screen(ErrorRegisterScreen())

    def action_audit_log(self) -> None:
        from govdesk.screens.audit_log import AuditLogScreen

        if not audit.can_browse(self.person):
            self.notify(t("audit.palette") + "：" + t("common.no_permission"), severity="error")
            return
        self.push_screen(AuditLogScreen())

    def action_settings(self) -> None:
        def done(choice: str | None) -> None:
            if not choice:
                return
            set_language(choice)
            if choice != self.started_in:
                stacks = self._screen_stacks.values()  # every section's, not only this one
                if not any(isinstance(s, ModalScreen) for stack in stacks for s in stack):
                    # Key names and headings were set in the language govdesk started in;
                    # only a fresh start shows everything in the new one. Nothing typed is
                    # lost: no form is open.
                    self.exit(RESTART)
                    return
                self.notify(t("app.language_saved_later", name=LANGUAGES.get(choice, choice)))
            self.title = t("app.title")
            self.update_subtitle()
            self.screen.post_message(DataChanged(frozenset()))

        self.push_screen(SettingsScreen(), done)
