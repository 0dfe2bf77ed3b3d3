"""The Textual application: modes (Home + six sections), global keys, palette, live refresh.

A failure nobody foresaw never puts a traceback (Textual's shows every frame's local variables)
on the user's screen: the report goes to a file only the user can read (services/crashlog.py)
and the desk ends with one sentence saying where it is, exit code 1.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen

from govdesk import commands, paste_input
from govdesk.commands import SECTION_MODES
from govdesk.i18n import DEFAULT_LANGUAGE, language, set_language, set_office_words, t, term
from govdesk.key_order import KeysInOrder
from govdesk.messages import DataChanged, LanguageChanged
from govdesk.models import Person, data_version
from govdesk.screens.help import HelpScreen, howto_text, key_label
from govdesk.screens.home import HomeScreen
from govdesk.screens.leave.register import LeaveRegisterScreen, new_leave
from govdesk.screens.palette import DeskPalette, system_commands
from govdesk.screens.retranslate import retranslate
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.screens.sections import (
    InformationScreen,
    LineSecretariesScreen,
    ReceptionScreen,
    ResearchScreen,
    SupervisionScreen,
)
from govdesk.screens.settings import SettingsScreen
from govdesk.services import audit, crashlog, org, watch
from govdesk.services import inbox as inbox_service
from govdesk.services import settings as personal_settings
from govdesk.services.clock import office_now
from govdesk.services.context import Actor
from govdesk.services.errors import ServiceError
from govdesk.services.fulltext import simplified
from govdesk.services.session import in_worker, reading, release_thread
from govdesk.services.visible import visible

POLL_SECONDS = 0.5
# A notice that must stay until the user acts on it (they may click it away; the header keeps
# saying it where it applies).
STANDING_NOTICE_SECONDS = 7 * 24 * 60 * 60


@dataclass(frozen=True)
class PollResult:
    """What one poll read in the poll thread."""

    version: tuple[int, int]
    change_id: int  # the newest change seen
    tables: frozenset[str]  # what changed since the last poll (empty: nothing, or baseline)
    inbox_count: int | None  # the subtitle's count, read when something changed
    replaced: str | None = None  # the database file was replaced or removed: the message
    notice_read: bool = False  # the maintenance note was read in this poll …
    notice: watch.MaintenanceNotice | None = None  # … and this is what stands (None: none)


class DeskCommands(Provider):
    """Palette entries: navigation (Home, the sections, help, settings, 差错统计, 审计日志) and
    the current screen's commands the user may use now, each with its key; choosing one runs
    the same action, on the same node, as the key (govdesk/commands.py)."""

    def _commands(self) -> list[tuple[str, str, object]]:
        """(label, help line naming the key, callback) of every command offered here now."""
        out = []
        for item in commands.offered(self.screen, past_modal=True):
            cmd = item.command
            if not cmd.palette:
                continue
            parts = [t("app.palette_key", keys=key_label(item.keys))] if item.keys else []
            if cmd.help:
                parts.append(cmd.help_text)
            out.append((cmd.palette_text, "  ".join(parts),
                        partial(self.app.run_action, cmd.action, item.node)))
        return out

    async def search(self, query: str) -> Hits:
        # Both scripts match both: the query and each label are compared in Simplified, one
        # character for one (fulltext.simplified), so the highlight falls on the label's own
        # characters whichever script either is in.
        matcher = self.matcher(simplified(query))
        for text, help_text, callback in self._commands():
            folded = simplified(text)
            score, offsets = matcher.fuzzy_search.match(matcher.query, folded)
            if score > 0:
                if folded == text:
                    shown = matcher.highlight(text)
                else:
                    shown = Content(text)
                    for offset in offsets:
                        if not text[offset].isspace():
                            shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(score, shown, callback, text=text, help=help_text or None)

    async def discover(self) -> Hits:
        for text, help_text, callback in self._commands():
            yield DiscoveryHit(text, callback, text=text, help=help_text or None)


class GovDesk(KeysInOrder, commands.HasCommands, App):
    TITLE = "govdesk"
    COMMANDS = App.COMMANDS | {DeskCommands}
    MODES = {
        "home": HomeScreen,
        "mishu": SecretariatScreen,
        "diaoyan": ResearchScreen,
        "line": LineSecretariesScreen,
        "xinxi": InformationScreen,
        "ducha": SupervisionScreen,
        "jiedai": ReceptionScreen,
    }
    COMMAND_IDS = ("app.home", *(f"app.section.{code}" for code, _ in SECTION_MODES),
                   "app.help", "app.help_mark", "app.settings", "app.error_register", "app.new_leave",
                   "app.leave_register", "app.new_supervision_item", "app.new_suggestion",
                   "app.suggestion_register", "app.special_report_register",
                   "app.petition_register", "app.new_petition", "app.new_call",
                   "app.audit_log", "app.search",
                   "app.quit", "app.palette")

    def __init__(self, person: Person, db_target: str = "", *, now=None, poll: bool = True,
                 settings: dict | None = None, office_words: Iterable[str] | None = None):
        settings = personal_settings.load(person.login) if settings is None else settings
        if settings.get("language"):
            set_language(str(settings["language"]))
        # Section, post and unit names shown in the reader's language (i18n.term), a few
        # hundred names: the command line reads them before the desk starts; otherwise a
        # worker reads them once mounted (the UI thread never waits for the database).
        self._office_words_read = office_words is not None
        if office_words is not None:
            set_office_words(office_words)
        super().__init__()
        self.person = person
        self.db_target = db_target
        self._now = now  # tests pin the clock
        self._poll = poll
        # Read in the poll thread only: PRAGMA data_version compares commits against one
        # connection, so every poll runs on the same thread (peewee: a connection per thread).
        self._data_version: tuple[int, int] | None = None  # None: the first poll sets it
        self._change_id = 0
        # Moves (to a value never used before) whenever data may have changed: the poll saw a
        # commit, or this desk wrote (screens/base.py). A screen remembers the mark of its last
        # load and, hidden meanwhile, loads again on its return only if the mark has moved.
        self._marks = itertools.count(1)
        self.change_mark = 0
        self._unreadable = False  # the last poll could not read the database
        self._polling = False  # a poll is running; the timer does not start another
        self._section_name = ""  # the header's section, read with the first count
        self._inbox_count: int | None = None  # the header's count, as last read
        self._writing_stopped: str | None = None  # the database file was replaced: why
        self._maintenance: watch.MaintenanceNotice | None = None  # the note last shown
        self._crash_message: str | None = None  # what the user is told on exit
        self._poll_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govdesk-poll")
        # Bindings were worded when their modules were imported, maybe in another language.
        commands.relabel([self])
        keymap, self._keymap_problems = commands.keymap_from_config(settings.get("keys"))
        self._keymap_problems += commands.clashes(keymap, self.COMMAND_IDS)
        self.set_keymap(keymap)

    def get_driver_class(self):
        paste_input.install()  # a paste that holds an escape sequence stays one paste
        return super().get_driver_class()

    def get_key_display(self, binding) -> str:
        # The footer names keys as the rest of the desk does (help.key_label): Textual's own
        # name for the space bar is the lower-case word.
        if binding.key == "space":
            return "Space"
        return super().get_key_display(binding)

    def actor(self) -> Actor:
        return Actor(self.person, self._now() if callable(self._now) else (self._now or office_now()))

    def mode_title(self, code: str) -> str:
        for key, name in SECTION_MODES:
            if key == code:
                return t(name)
        return t("app.home")

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.update_subtitle()
        self.switch_mode("home")
        if not self._office_words_read:
            self.run_worker(self._read_office_words, name="office-words", thread=True)
        if self._poll:
            self.poll_changes()  # the baseline: what "changed" is measured from
            self.set_interval(POLL_SECONDS, self.poll_changes)
        for problem in self._keymap_problems:
            self.notify(problem, severity="warning", timeout=10)

    def _read_office_words(self) -> None:
        """Worker: the organisation's names; in 繁體 the screens drawn meanwhile draw again."""
        try:
            words = in_worker(org.office_words)
        except ServiceError:
            return  # they stay as stored (Simplified) until the next start
        self.call_from_thread(self._have_office_words, words)

    def _have_office_words(self, words: list[str]) -> None:
        set_office_words(words)
        if language() != DEFAULT_LANGUAGE:
            self.update_subtitle()
            for stack in self._screen_stacks.values():
                for screen in stack:
                    screen.post_message(LanguageChanged(language(), language()))

    def available_commands(self) -> set[str]:
        out = super().available_commands()
        if not audit.can_browse(self.person):
            out.discard("app.audit_log")
        return out

    def on_unmount(self) -> None:
        pool = self._poll_thread
        pool.submit(release_thread)  # the poll thread's connection
        pool.shutdown(wait=False)

    def update_subtitle(self, count: int | None = None) -> None:
        """The header line: who I am and how much waits on me (counted in a worker)."""
        if count is None:
            self.run_worker(partial(self._count_inbox, self.actor()), name="subtitle",
                            group="subtitle", exclusive=True, thread=True)
            return
        self._inbox_count = count
        self.sub_title = t("app.subtitle", name=self.person.name,
                           section=term(self._section_name), post=term(self.person.post),
                           n=count) + (
            t("app.writing_stopped") if self._writing_stopped else "")

    def _count_inbox(self, actor: Actor) -> None:
        def read() -> int:
            self._section_name = self.person.section.name  # a look-up the first time
            return inbox_service.inbox_count(actor)

        try:
            count = in_worker(read)
        except ServiceError:
            return  # the poll says so when the database cannot be read
        try:
            self.call_from_thread(self.update_subtitle, count)
        except RuntimeError:  # stopped meanwhile
            pass

    def note_change(self) -> None:
        """Data may have changed (a commit the poll saw, a write of this desk): screens shown
        again later load again. Safe from any thread: each value is drawn once, so a screen's
        remembered mark never comes back once a later write has moved it."""
        self.change_mark = next(self._marks)

    def poll_changes(self) -> None:
        """Something was committed (by another process or by this one): read what changed.

        The reading runs in the poll thread, never on the event loop: a locked or slow
        database leaves the desk moving. While a poll runs the timer starts no other, so
        polls never pile up behind a lock. While the database cannot be read (a PostgreSQL
        restart, a broken disk) the desk stays up, says so once, and catches up as soon as it
        can read again."""
        if self._polling:
            return
        self._polling = True
        self.run_worker(self._poll_once, name="poll", group="poll", exclusive=True)

    async def _poll_once(self) -> None:
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(
                self._poll_thread, reading, self._read_changes, self._data_version,
                self._change_id, self.actor())
        except ServiceError as exc:
            if not self._unreadable:
                self._unreadable = True
                self.notify(str(exc), severity="warning")
            return
        finally:
            self._polling = False
        if self._unreadable:
            self._unreadable = False
            self.notify(t("app.database_back"))
        self.notify_changes(result)

    @staticmethod
    def _read_changes(known: tuple[int, int] | None, change_id: int,
                      actor: Actor) -> PollResult:
        """In the poll thread: whether the database file is still the one opened (two stat
        calls) and PRAGMA data_version (µs); only when that moved, the changes and the
        administrator's maintenance note."""
        replaced = watch.storage_replaced()
        version = data_version()
        if known is None:
            return PollResult(version, audit.latest_id(), frozenset(), None, replaced,
                              True, watch.maintenance_notice())
        if version == known:
            return PollResult(version, change_id, frozenset(), None, replaced)
        notice = watch.maintenance_notice()
        changes = audit.changes_since(change_id)
        if not changes:
            return PollResult(version, change_id, frozenset(), None, replaced, True, notice)
        return PollResult(version, changes[-1][0], frozenset(table for _, table, _ in changes),
                          inbox_service.inbox_count(actor), replaced, True, notice)

    def notify_changes(self, result: PollResult) -> None:
        """UI thread: take in what the poll read; tell the screen when something changed (only
        the screen shown: the others see the change mark moved when they come back)."""
        self._data_version = result.version
        self._change_id = result.change_id
        if result.replaced and not self._writing_stopped:
            self.stop_writing(result.replaced)
        if result.notice_read:
            self.show_maintenance(result.notice)
        if not result.tables:
            return
        self.note_change()  # for the screens hidden now, when they come back
        self.update_subtitle(result.inbox_count)
        self.screen.post_message(DataChanged(result.tables))

    def stop_writing(self, message: str) -> None:
        """The database file was replaced or removed: nothing more is saved (the database
        refuses every write); say so until the desk is closed."""
        self._writing_stopped = message
        self.notify(message, title=t("app.writing_stopped_title"), severity="error",
                    timeout=STANDING_NOTICE_SECONDS, markup=False)
        if self._inbox_count is not None:
            self.update_subtitle(self._inbox_count)
        else:  # no count yet, and none will come: a new reader would open the new file
            self.sub_title = (self.sub_title or self.person.name) + t("app.writing_stopped")

    def show_maintenance(self, notice: watch.MaintenanceNotice | None) -> None:
        """An administrator is about to restore (or otherwise maintain) the database: ask
        everyone to save and quit. Shown once per note; a note taken back may come again."""
        if notice == self._maintenance:
            return
        self._maintenance = notice
        if notice is None:
            return
        by = notice.by or t("app.maintenance_admin")
        when = t("app.maintenance_when", at=notice.at) if notice.at else ""
        if notice.what == "restore":
            message = t("app.maintenance_restore", by=by, when=when)
        else:
            message = t("app.maintenance_other", by=by, when=when, what=notice.what)
        self.notify(visible(message), title=t("app.maintenance_title"), severity="warning",
                    timeout=STANDING_NOTICE_SECONDS, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's handler of an exception nothing caught, which would print a traceback with
        every frame's local variables: the report goes to a private file instead, and the user
        is told where it is (the app still ends, exit code 1)."""
        self._return_code = 1
        if self._exception is None:  # Pilot tests re-raise the first one
            self._exception = error
            self._exception_event.set()
        original = getattr(error, "error", None)  # WorkerFailed: the worker's own exception
        cause = original if isinstance(original, BaseException) else error
        try:
            path = crashlog.write_report(cause, self.db_target)
        except Exception:  # noqa: BLE001 - the user must be told even so
            path = None
        if self._crash_message is None:
            self._crash_message = visible(
                t("errors.crashed", path=path) if path else
                t("errors.crashed_no_report", error=type(cause).__name__))
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """On exit: the one sentence of a crash as plain text, on one line (Rich would wrap
        or crop the path the user has to copy)."""
        if self._crash_message is not None:
            try:
                sys.stderr.write(self._crash_message + "\n")
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
        super()._print_error_renderables()

    # On the shared server the desk runs as the service account: nothing in it may write a
    # file the user names, start a program (a browser) or hand data to the terminal's own
    # clipboard or downloads. Textual offers these as actions any markup could name
    # (``[@click=app.screenshot(…)]``), so they are refused here, once, for every screen.
    def _not_offered(self, *args, **kwargs) -> None:
        self.notify(t("app.not_offered"), severity="warning", markup=False)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self._not_offered()

    deliver_screenshot = deliver_text = deliver_binary = _not_offered  # type: ignore[assignment]

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self._not_offered()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not DeskPalette.is_open(self):
            self.push_screen(DeskPalette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return system_commands(screen)

    def action_help(self) -> None:
        """The commands that work here now, as the footer and the palette offer them: the
        focused widget's, its containers', the screen's, then the app's (govdesk/commands.py)."""
        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss()  # F1 again closes it
            return
        rows = [(key_label(item.keys) if item.keys else t("help.palette_only"),
                 item.command.help_text) for item in commands.offered(screen)]
        title = screen.sub_title or self.mode_title(self.current_mode)
        howto = howto_text(getattr(screen, "HOWTO", ""), self._keymap)
        self.push_screen(HelpScreen(title, rows, t("help.sections"), howto))

    def action_new_leave(self) -> None:
        new_leave(self)

    def action_leave_register(self) -> None:
        self.push_screen(LeaveRegisterScreen())

    def action_new_supervision_item(self) -> None:
        from govdesk.screens.supervision_items.form import new_item

        new_item(self)

    def action_new_suggestion(self) -> None:
        from govdesk.screens.suggestion.register import new_suggestion

        new_suggestion(self)

    def action_suggestion_register(self) -> None:
        from govdesk.screens.suggestion.register import SuggestionRegisterScreen

        self.push_screen(SuggestionRegisterScreen())

    def action_special_report_register(self) -> None:
        from govdesk.screens.special_report.register import SpecialReportRegisterScreen

        self.push_screen(SpecialReportRegisterScreen())

    def action_petition_register(self) -> None:
        from govdesk.screens.petition.register import PetitionRegisterScreen

        self.push_screen(PetitionRegisterScreen())

    def action_new_petition(self) -> None:
        from govdesk.screens.petition.register import new_petition

        new_petition(self)

    def action_new_call(self) -> None:
        from govdesk.screens.petition.register import new_call

        new_call(self)

    def action_error_register(self) -> None:
        from govdesk.screens.outgoing.error_register import ErrorRegisterScreen

        self.push_screen(ErrorRegisterScreen())

    def action_search(self) -> None:
        from govdesk.screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.action_focus_text()
            return
        self.push_screen(SearchScreen())

    def action_audit_log(self) -> None:
        from govdesk.screens.audit_log import AuditLogScreen

        if not audit.can_browse(self.person):
            self.notify(t("audit.palette") + "：" + t("common.no_permission"), severity="error")
            return
        self.push_screen(AuditLogScreen())

    def action_settings(self) -> None:
        def done(choice: str | None) -> None:
            if choice:
                self.change_language(choice)

        self.push_screen(SettingsScreen(), done)

    def change_language(self, choice: str) -> None:
        """Speak ``choice`` from now on, in place: every binding's words (footer, F1, palette)
        and every screen's fixed texts, in every section's stack; what a form holds stays."""
        old = language()
        set_language(choice)
        nodes = [self, *(node for stack in self._screen_stacks.values() for screen in stack
                         for node in screen.walk_children(with_self=True))]
        commands.relabel(nodes)
        self.title = t("app.title")
        self.update_subtitle()
        for stack in self._screen_stacks.values():
            for screen in stack:
                retranslate(screen, old, language())
                screen.post_message(LanguageChanged(old, language()))
                screen.refresh_bindings()
