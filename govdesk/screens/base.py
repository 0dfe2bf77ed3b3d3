"""What every desk screen shares: the header line, data refresh off the UI thread, saving.

The UI thread never waits for the database (DESIGN "The UI thread never waits"). A screen
says what to read in three steps, harlequin's worker pattern:

- ``data_query()`` — UI thread: what the widgets ask for (filters, search text); quick, no
  database;
- ``load_data(actor, query)`` — a worker thread: the service calls; returns plain data (the
  services' frozen dataclasses with names resolved), never touches a widget;
- ``show_data(data)`` — UI thread: fills the widgets.

``refresh_data()`` runs the three. Refreshes are exclusive per screen and numbered: a refresh
asked for while one runs starts at once (the running one is cancelled), and an older answer
that arrives after a newer one is dropped, so the newest data always wins and none is lost.
A ServiceError from ``load_data`` becomes the same notice as before (``load_failed``).

A screen loads once when it is first shown, and again when ``DataChanged`` reaches it (the
screen shown), when the language changes, or when it is asked to (a filter, a form closed).
Shown again later (``0``, Esc, a modal closed) it loads again only if what it shows may have
changed since its last load: the app's change mark (``GovDesk.note_change``) moved — the
poll saw a commit while the screen was hidden, or this desk wrote (a save through
``SaveInWorker`` or ``run_service``, a load that writes such as the first opening of an unread
record) — or the office day is another one (deadline labels count from today). Textual says
``ScreenResume`` twice when a mode is first shown and once each time a screen is shown
again; with ten years of records a needless load is a long one.

Forms and modals save through ``SaveInWorker.save_in_worker``: the service runs in a worker,
the form's fields are disabled (their values stay) with a status line that says when the
save waits for another user's write, and the answer comes back to ``done`` or ``refused``.
A one-off service call without a form (催办 from a list, an export) goes through
``run_service``.

Record detail screens (flow_detail.FlowDetailScreen) follow the same three steps: their
worker reads the record, its timeline, the actions open now and the module's plain view
(services/<module>/views.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.events import ScreenResume
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label
from textual.worker import get_current_worker

from govdesk.commands import HasCommands
from govdesk.i18n import t
from govdesk.messages import DataChanged, LanguageChanged, SaveWaiting
from govdesk.services.errors import ConflictError, ServiceError
from govdesk.services.session import in_worker
from govdesk.widgets.desk_footer import DeskFooter
from govdesk.widgets.office_header import OfficeHeader

REFRESH_GROUP = "refresh"  # loads: one at a time per screen (exclusive)
SAVE_GROUP = "save"  # a form's or modal's save
SERVICE_GROUP = "service"  # one service call without a form (run_service)


class OffersExports:
    """Mixed into a screen (before its Textual base) whose ``e``/``E`` exports what it shows
    (screens/export_dialog.py): ``export_offers`` says what, from what is on screen."""

    def export_offers(self) -> list:
        """What can be exported from here now (services.exporting.Offer); none by default."""
        return []

    def action_export(self) -> None:
        from govdesk.screens.export_dialog import ExportModal

        offers = [o for o in self.export_offers() if o is not None]
        if not offers:
            self.notify(t("export_folder.nothing"))
            return
        self.app.push_screen(ExportModal(offers, self.app.actor().person.login))


class DeskScreen(OffersExports, HasCommands, Screen):
    """A top-level section screen. Subclasses fill ``compose_body`` and the load/show pair
    (``data_query``, ``load_data``, ``show_data``); see the module docstring."""

    TITLE_KEY = "app.home"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._generation = 0  # the newest refresh asked for
        self.shown_generation = 0  # the newest refresh shown (tests wait on it)
        self._set_up = False  # setup() has run: loads may start
        # (change mark, office day) as the last load started; None: load when next shown.
        self._loaded_as_of: tuple[int | None, date] | None = None
        self._styles_applied = False  # shown once: later showings keep their styles

    def compose(self) -> ComposeResult:
        yield OfficeHeader()
        yield from self.compose_body()
        yield DeskFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()


    def on_mount(self) -> None:
        # Textual runs the on_mount of every class in the MRO, so subclasses extend setup().
        self.setup()
        self._set_up = True
        self.refresh_data()

    def setup(self) -> None:
        """Columns, first focus: whatever must exist before the first refresh_data()."""

    def on_screen_resume(self, event: ScreenResume) -> None:
        """Shown again: load only if what the screen shows may have changed meanwhile.

        Textual also re-applies every widget's styles when a screen is shown again, for a
        theme that changed meanwhile (a changed stylesheet it checks by itself); that clears
        every table's rendered rows, so each switch between sections drew every cell anew.
        Nothing of the kind happens to a desk screen while it is hidden: only its first
        showing applies them. (This handler runs before Textual's own, which reads the flag.)"""
        if self._styles_applied:
            event.refresh_styles = False
        self._styles_applied = True
        if self._set_up and self.data_may_have_changed():
            self.refresh_data()

    def data_may_have_changed(self) -> bool:
        """Whether something may have changed since the last load started (module docstring)."""
        mark = self._as_of()
        return mark[0] is None or self._loaded_as_of != mark

    def _as_of(self) -> tuple[int | None, date]:
        # None: an app without a change mark (no GovDesk) — every resume loads, as it always did.
        return getattr(self.app, "change_mark", None), self.actor.today

    def on_data_changed(self, message: DataChanged) -> None:
        self.refresh_data()

    def on_language_changed(self, message: LanguageChanged) -> None:
        """Fixed texts were re-worded in place (screens/retranslate.py); what carries values
        (titles with counts, rows with states) is drawn again in the new language."""
        self.refresh_data()

    # ------------------------------------------------------------------ load / show

    def refresh_data(self) -> None:
        """Reload what the screen shows: ``load_data`` in a worker, then ``show_data``."""
        self._generation += 1
        # Noted before the load starts: a change committed while it runs moves the mark past it.
        self._loaded_as_of = self._as_of()
        work = partial(self._load_in_thread, self._generation, self.actor, self.data_query())
        self.run_worker(work, name=f"{type(self).__name__}.load", group=REFRESH_GROUP,
                        exclusive=True, thread=True)

    def data_query(self) -> Any:
        """UI thread, before a load: what the widgets ask for (filters, search text)."""
        return None

    def load_data(self, actor, query: Any) -> Any:
        """Worker thread: read through the services and return plain data. Never touch a
        widget here (Textual is not thread-safe)."""
        return None

    granted: frozenset[str] = frozenset()  # of person_checks, those the user passed (last load)

    def person_checks(self) -> dict[str, Callable[[Any], bool]]:
        """Name → a check of the person (may they import here, have the 借阅 register …),
        asked in each load's worker — a check may read the database, which the UI thread
        never waits for; ``granted`` holds those passed, for the keys offered and the
        exports. None pass before the first load."""
        return {}

    def _load_and_check(self, actor, query: Any) -> tuple[Any, frozenset[str]]:
        checks = self.person_checks()
        passed = frozenset(name for name, check in checks.items() if check(actor.person))
        return self.load_data(actor, query), passed

    def show_data(self, data: Any) -> None:
        """UI thread: fill the widgets with what ``load_data`` returned."""

    def load_failed(self, error: ServiceError) -> None:
        """UI thread: ``load_data`` was refused (no permission, the database busy …)."""
        self.notify(str(error), severity="error")

    def _load_in_thread(self, generation: int, actor, query: Any) -> None:
        try:
            (data, passed), error = in_worker(self._load_and_check, actor, query), None
        except ServiceError as exc:
            data, passed, error = None, None, exc
        if get_current_worker().is_cancelled:  # a newer refresh is on its way
            return
        try:
            self.app.call_from_thread(self._deliver, generation, data, error, passed)
        except RuntimeError:  # the app stopped meanwhile
            pass

    def _deliver(self, generation: int, data: Any, error: ServiceError | None,
                 passed: frozenset[str] | None = None) -> None:
        if (generation != self._generation or not self.is_attached
                or self._closing or self._closed or self._pruning):
            # An older answer, or the screen has gone or is being taken down (popped, or the
            # app quitting while a load was on its way): its widgets may be gone already.
            return
        self.shown_generation = generation
        if passed is not None and passed != self.granted:
            self.granted = passed
            self.refresh_bindings()
        if error is not None:
            self._loaded_as_of = None  # nothing was read: try again when shown again
            self.load_failed(error)
        else:
            self.show_data(data)

    @property
    def actor(self):
        return self.app.actor()


def note_change(node: Widget | Screen) -> None:
    """This desk wrote (or may have): every screen loads again when it is next shown. Safe
    from a worker thread (GovDesk.note_change)."""
    note = getattr(node.app, "note_change", None)
    if note is not None:
        note()


def noting_current_version(save: Callable[[], Any],
                           current_version: Callable[[], int | None]) -> Callable[[], Any]:
    """A form's save (for a worker) that, refused because someone saved the record since it
    was read, makes sure the refusal says the record's version now (``current_version``, when
    the service has not said it already): the form settles the conflict against it."""
    def call() -> Any:
        try:
            return save()
        except ConflictError as exc:
            if getattr(exc, "current_version", None) is None:
                exc.current_version = current_version()
            raise
    return call


INVALID = "invalid"  # the CSS class of a field a save refused


def mark_invalid(screen: Screen, error: ServiceError, widgets: dict[str, str]) -> str:
    """A refused save's fields marked on the form, all at once: each field the refusal names
    (a ValidationErrors names several; ``widgets``: the form's name → its widget's id) gets
    the ``invalid`` class, the marks of an earlier refusal go, and the cursor goes to the
    first of them in the form's order. Returns the message that names them all."""
    for widget in screen.query(f".{INVALID}"):
        widget.remove_class(INVALID)
    errors = list(getattr(error, "errors", [error]))
    marked: list[Widget] = []
    for item in errors:
        target = widgets.get(getattr(item, "name", None) or "")
        if not target:
            continue
        for widget in screen.query(f"#{target}"):
            widget.add_class(INVALID)
            marked.append(widget)
    order = {id(w): n for n, w in enumerate(screen.query(EDITABLE))}
    marked.sort(key=lambda w: order.get(id(w), len(order)))
    first = next((w for w in marked if w.focusable), None)  # a pick button is no Tab stop
    if first is not None:
        first.focus()
        first.scroll_visible()
    if len(errors) == 1:
        return str(errors[0])
    return t("common.fields_refused", n=len(errors),
             fields=t("common.fields_refused_sep").join(str(e) for e in errors))


def clear_invalid(screen: Screen) -> None:
    for widget in screen.query(f".{INVALID}"):
        widget.remove_class(INVALID)


def run_service(node: Widget | Screen, call: Callable[..., Any], *args: Any,
                done: Callable[[Any], None],
                refused: Callable[[ServiceError], None], writes: bool = True) -> None:
    """One service call without a form (催办 from a list): ``call(*args)`` in a worker thread,
    then ``done(result)`` or ``refused(error)`` on the UI thread. ``args`` are plain values
    gathered on the UI thread. ``writes=False`` for a call that only reads (a form's choices):
    otherwise, once it succeeds, every screen loads again when next shown (``note_change``)."""

    def work() -> None:
        try:
            result, error = in_worker(call, *args), None
        except ServiceError as exc:
            result, error = None, exc
        if error is None and writes:
            note_change(node)  # before done(): a screen it shows again must see the mark moved
        try:
            node.app.call_from_thread(done if error is None else refused,
                                      result if error is None else error)
        except RuntimeError:  # the app stopped meanwhile
            pass

    node.run_worker(work, name=getattr(call, "__name__", "service"), group=SERVICE_GROUP,
                    thread=True)


# What a form disables while it saves: everything that takes input. Labels stay as they are,
# so the status line and the field names remain readable.
EDITABLE = "Input, Select, TextArea, Checkbox, Button, OptionList, DataTable"


class SaveInWorker:
    """Mixed into a form or modal screen (before the Screen class): ``save_in_worker`` runs a
    service call in a worker thread.

    While it runs the fields are disabled — their values stay — and ``SAVE_STATUS`` (a Label)
    says "正在保存…", then that the save waits for the database when another user's write
    holds it. A second Ctrl+S (or Enter) meanwhile does nothing, and ``saving`` is True so
    the form can refuse to close. Then, on the UI thread, the fields are enabled again, the
    focus goes back where it was, and ``done(result)`` or ``refused(error)`` (a ServiceError)
    runs; ``refused`` puts its message in place and the cursor on the field it names.
    """

    SAVE_STATUS = "#form-error"
    saving = False

    def save_in_worker(self, call: Callable[..., Any], *args: Any,
                       done: Callable[[Any], None],
                       refused: Callable[[ServiceError], None]) -> bool:
        """Start the save; False (and nothing done) when one is already running.

        ``call`` and ``args`` must not touch widgets: gather the values first (``values()``)."""
        screen: Screen = self  # type: ignore[assignment]
        if self.saving:
            return False
        self.saving = True
        self._save_focus = screen.focused
        self._save_disabled = [w for w in screen.query(EDITABLE) if not w.disabled]
        for widget in self._save_disabled:
            widget.disabled = True
        self._save_status(t("common.saving"))
        work = partial(self._save_in_thread, call, args, done, refused)
        screen.run_worker(work, name=f"{type(self).__name__}.save", group=SAVE_GROUP,
                          thread=True)
        return True

    def _save_in_thread(self, call, args, done, refused) -> None:
        screen: Screen = self  # type: ignore[assignment]

        def waiting() -> None:  # in the worker; post_message is thread-safe and never blocks
            screen.post_message(SaveWaiting())

        try:
            result, error = in_worker(call, *args, on_wait_for_lock=waiting), None
        except ServiceError as exc:
            result, error = None, exc
        if error is None:
            note_change(screen)  # saved: the lists behind the form load again when shown
        try:
            screen.app.call_from_thread(self._save_finished, result, error, done, refused)
        except RuntimeError:  # the app stopped meanwhile
            pass

    def on_save_waiting(self, message: SaveWaiting) -> None:
        message.stop()
        if self.saving:
            self._save_status(t("common.saving_waiting"))

    def _save_status(self, text: str) -> None:
        screen: Screen = self  # type: ignore[assignment]
        for label in screen.query(self.SAVE_STATUS).results(Label):
            label.update(Text(text, style="bold yellow") if text else "")

    def _save_finished(self, result: Any, error: ServiceError | None, done, refused) -> None:
        self.saving = False
        for widget in self._save_disabled:
            if widget.is_attached:
                widget.disabled = False
        self._save_disabled = []
        self._save_status("")
        focus: Widget | None = self._save_focus
        if focus is not None and focus.is_attached:
            focus.focus()
        if error is None:
            done(result)
        else:
            refused(error)
