"""Never lose typed work (issue 11): a form's unsaved typing is kept as the user's draft, and
closing a changed form asks first.

``KeepsDraft`` is mixed into a form screen (before ``SaveInWorker``). The form gives
``DRAFT_FORM`` (services.drafts.FORMS), ``doc_id`` (None: a new record), its fields as text
(``draft_fields``) and how to put them back (``apply_draft``), and calls

- ``draft_mount()`` when mounted, ``draft_ready(before)`` once what it shows has been read
  (``before``: ``draft_fields()`` just before the load filled the fields, so what the load
  filled in counts as the form's own and not as the user's change);
- ``close_form()`` from its cancel command, and ``draft_saving(call)`` around its save.

When the form is ready, a draft kept from before (a closed terminal, a killed process) is
offered (screens/draft_modals.py): 恢复 / 丢弃. From then on, ``DRAFT_DELAY`` seconds after the
last change the fields are kept through services.drafts in a worker, and once more when the
desk closes with typing not kept yet. A save that succeeds, or 放弃, drops the draft.
A form is *changed* when its fields differ from what it showed once ready. A form whose
``draft_key`` names no form (a small modal opened for nothing worth keeping) keeps nothing and
closes at once.

Draft writes of one form pass through a ``DraftGate``: once the form is saved or discarded no
autosave still on its way can bring the draft back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar, TypeVar

from textual.timer import Timer
from textual.widgets import Checkbox, Input, Select, TextArea
from textual.widgets._select import InvalidSelectValueError

from govdesk.i18n import t
from govdesk.screens.base import run_service
from govdesk.screens.draft_modals import DISCARD, SAVE, CloseFormModal, DraftOfferModal
from govdesk.services import drafts
from govdesk.services.drafts import choice_from_text, choice_text  # noqa: F401 - the forms'
from govdesk.services.errors import ServiceError, ValidationError
from govdesk.services.session import in_worker

W = TypeVar("W")
# Kept beside an edit form's fields: the record's version the typing started from. Restored,
# a save over a record someone changed since is refused as a conflict, never written blind.
VERSION_KEY = "__version"


class DraftGate:
    """The draft writes of one open form, one at a time (worker threads): after ``close`` (the
    form saved or discarded) a write still on its way does nothing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.closed = False

    def write(self, call: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            if self.closed:
                return None
            return call(*args)

    def close(self, call: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            self.closed = True
            return call(*args)


def _ignore(_result: Any) -> None:
    pass


def draft_select(select: Select, value: str) -> None:
    """A kept value put back into a Select; one it no longer offers is left as it is."""
    try:
        select.value = Select.NULL if value == "" else value
    except InvalidSelectValueError:
        pass


class KeepsDraft:
    """Mixed into a form screen; see the module docstring."""

    DRAFT_FORM: ClassVar[str] = ""
    DRAFT_DELAY: ClassVar[float] = 2.0  # seconds after the last change
    doc_id: int | None
    version: int | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._draft_baseline: dict[str, str] = {}
        self._draft_live = False  # autosave on: the offer (if any) has been answered
        self._draft_timer: Timer | None = None
        self._draft_gate = DraftGate()
        self._draft_problem = ""  # the last autosave refusal said (said once)
        self._draft_inflight = 0  # draft writes asked for and not answered yet
        self._draft_nodes: dict[str, Any] = {}  # id → widget, kept for the closing desk
        self.draft_kept = False  # a draft of this form is in the database (tests read it)
        self.draft_offered = False  # the offer was shown (tests wait on it)

    # ------------------------------------------------------------------ the form's part

    def draft_fields(self) -> dict[str, str]:
        """The form's fields as text, by name (what a draft keeps)."""
        raise NotImplementedError

    def apply_draft(self, fields: dict[str, str]) -> None:
        """Put a kept draft back; names the form no longer has are ignored."""
        raise NotImplementedError

    def draft_key(self) -> tuple[str, int | None]:
        return self.DRAFT_FORM, self.doc_id

    @property
    def drafting(self) -> bool:
        """The form keeps drafts (its key names a form)."""
        return bool(self.draft_key()[0])

    def draft_label(self, name: str) -> str:
        """The label the user reads for field ``name`` (a refusal of the draft names it)."""
        return name

    def draft_widget(self, widget_id: str, kind: type[W]) -> W:
        """The form's widget ``#widget_id``, remembered: while the desk closes the widgets
        leave the screen before it is unmounted, and what they hold is kept then."""
        node = self._draft_nodes.get(widget_id)
        if node is None:
            node = self._draft_nodes[widget_id] = self.query_one(  # type: ignore[attr-defined]
                f"#{widget_id}", kind)
        return node

    @property
    def keeping_drafts(self) -> bool:
        """Autosave is on: the form is ready and the offer, if any, answered (tests wait)."""
        return self._draft_live

    @property
    def changed(self) -> bool:
        """The user changed something since the form was ready."""
        return self.draft_fields() != self._draft_baseline

    # ------------------------------------------------------------------ opening

    def draft_mount(self) -> None:
        self._draft_baseline = self.draft_fields()

    def draft_ready(self, before: dict[str, str]) -> None:
        """What the form shows has been read: that is the form's own; then the offer."""
        if not self.drafting:
            return
        now = self.draft_fields()
        for key, value in now.items():
            if before.get(key) != value or key not in self._draft_baseline:
                self._draft_baseline[key] = value
        form, record = self.draft_key()
        run_service(self, drafts.get, self.app.actor(), form, record,  # type: ignore[attr-defined]
                    done=self._draft_found, refused=lambda _exc: self._draft_go_live(),
                    writes=False)

    def _draft_found(self, draft: drafts.Draft | None) -> None:
        if not self.is_attached:  # type: ignore[attr-defined]
            return
        if draft is None:
            self._draft_go_live()
            return
        self.draft_kept = True
        self.draft_offered = True
        at = f"{draft.saved_at:%m-%d %H:%M}"
        self.app.push_screen(DraftOfferModal(at),  # type: ignore[attr-defined]
                             partial(self._draft_offer_answered, draft))

    def _draft_offer_answered(self, draft: drafts.Draft, choice: str | None) -> None:
        if choice == DISCARD:
            self._draft_write(drafts.discard)
            self.draft_kept = False
        else:
            self.apply_draft(draft.fields)
            version = draft.fields.get(VERSION_KEY, "")
            if version.isdigit() and getattr(self, "version", None) is not None:
                self.version = int(version)
            self.app.notify(t("drafts.restored"))  # type: ignore[attr-defined]
        self._draft_go_live()

    def _draft_go_live(self) -> None:
        self._draft_live = True
        if self.changed:  # typed while the form was being read
            self.draft_touched()

    # ------------------------------------------------------------------ keeping

    def on_input_changed(self, event: Input.Changed) -> None:
        self.draft_touched()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.draft_touched()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.draft_touched()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.draft_touched()

    def draft_touched(self) -> None:
        """Something may have changed: keep the fields once the typing pauses."""
        if not self._draft_live:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(  # type: ignore[attr-defined]
            self.DRAFT_DELAY, self._draft_autosave)

    def _draft_autosave(self) -> None:
        self._draft_timer = None
        if not self._draft_live or not self.is_attached:  # type: ignore[attr-defined]
            return
        if getattr(self, "saving", False):  # a refused save comes back to the form: then
            self.draft_touched()
            return
        if self.draft_fields() == self._draft_baseline:  # typed and taken back: nothing to keep
            if self.draft_kept:
                self._draft_write(drafts.discard)
                self.draft_kept = False
            return
        self._draft_write(drafts.save, self._draft_fields_to_keep(), done=self._draft_saved,
                          refused=self._draft_refused)

    def _draft_fields_to_keep(self) -> dict[str, str]:
        fields = self.draft_fields()
        if getattr(self, "version", None) is not None:
            fields = {**fields, VERSION_KEY: str(self.version)}
        return fields

    def on_unmount(self) -> None:
        """The desk is closing (Ctrl+Q, the terminal gone) with typing not kept yet: keep it on
        a thread of its own, which the process waits for before it ends (a worker would be
        cancelled with the app)."""
        if self._draft_timer is None or not self._draft_live:
            return
        self._draft_timer.stop()
        self._draft_timer = None
        try:
            if self.draft_fields() == self._draft_baseline:
                return
            fields = self._draft_fields_to_keep()
        except Exception:  # noqa: BLE001 - a widget gone already: the last kept draft stays
            return
        form, record = self.draft_key()

        def keep() -> None:
            try:
                in_worker(self._draft_gate.write, drafts.save, actor, form, record, fields)
            except ServiceError:
                pass  # the last kept draft stays

        actor = self.app.actor()  # type: ignore[attr-defined]
        threading.Thread(target=keep, name="govdesk-draft", daemon=False).start()

    def _draft_write(self, call: Callable[..., Any], *args: Any,
                     done: Callable[[Any], None] = _ignore,
                     refused: Callable[[ServiceError], None] | None = None) -> None:
        form, record = self.draft_key()
        self._draft_inflight += 1

        def answered(then: Callable[[Any], None] | None, result: Any) -> None:
            self._draft_inflight -= 1
            if then is not None:
                then(result)

        run_service(self, self._draft_gate.write, call, self.app.actor(),  # type: ignore[attr-defined]
                    form, record, *args, done=partial(answered, done),
                    refused=partial(answered, refused), writes=False)

    def _draft_saved(self, draft: drafts.Draft | None) -> None:
        if draft is not None:
            self.draft_kept = True
            self._draft_problem = ""

    def _draft_refused(self, exc: ServiceError) -> None:
        text = str(exc)
        if isinstance(exc, ValidationError) and exc.name:
            text = f"{self.draft_label(exc.name)}：{exc.message}"
        message = t("drafts.autosave_failed", message=text)
        if message != self._draft_problem and self.is_attached:  # type: ignore[attr-defined]
            self._draft_problem = message
            self.app.notify(message, severity="warning")  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ closing

    def draft_saving(self, save: Callable[[], Any]) -> Callable[[], Any]:
        """The form's save (for its worker) that, once it succeeded, drops the draft."""
        actor, (form, record), gate = self.app.actor(), self.draft_key(), self._draft_gate  # type: ignore[attr-defined]
        if not form:
            return save

        def call() -> Any:
            result = save()
            gate.close(drafts.forget, actor, form, record)
            return result
        return call

    def _draft_finish(self) -> None:
        """The typing is given up: no more autosaves, and the draft goes (once offered)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        live, self._draft_live = self._draft_live, False
        if not live or not (self.draft_kept or self._draft_inflight):
            # Not answered, the offer: the draft stays for next time. Nothing kept: no write.
            self._draft_gate.closed = True
            return
        form, record = self.draft_key()
        # On the app: the form's own workers go with the form.
        run_service(self.app, self._draft_gate.close, drafts.forget,  # type: ignore[attr-defined]
                    self.app.actor(), form, record, done=_ignore,  # type: ignore[attr-defined]
                    refused=lambda _exc: None, writes=False)

    def close_form(self) -> None:
        """The cancel command: an unchanged form closes at once; a changed one asks."""
        if getattr(self, "saving", False):  # the answer is on its way
            return
        if not self.drafting or not self.changed:
            self._draft_finish()
            self.dismiss(None)  # type: ignore[attr-defined]
            return
        self.app.push_screen(CloseFormModal(), self._close_answered)  # type: ignore[attr-defined]

    def _close_answered(self, choice: str | None) -> None:
        if choice == SAVE:
            self.action_save()  # type: ignore[attr-defined]
        elif choice == DISCARD:
            self._draft_finish()
            self.dismiss(None)  # type: ignore[attr-defined]
