"""收文登记 / 修改 (SPEC §3): every register field and the intake facts Supp. §1 checks.

A refused save (ValidationError, ConflictError) keeps the form open with everything typed;
the message names the field and the cursor goes to it. What is typed is kept as the user's
draft while the form is open, and closing a changed form asks first (screens/drafts.py).

The form holds plain data only: the leaders' list and, for an edit, the entry's values are read
in a worker when the form opens (``form_data``; an edit's fields wait disabled until they
come); units and people picked are org.UnitChoice / PersonChoice, handed to the service as
they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, TextArea

from govdesk.commands import HasCommands, bound_keys
from govdesk.i18n import t, term
from govdesk.screens.base import (
    EDITABLE,
    SaveInWorker,
    clear_invalid,
    mark_invalid,
    noting_current_version,
    run_service,
)
from govdesk.screens.conflict import SettlesConflicts
from govdesk.screens.drafts import KeepsDraft, choice_from_text, choice_text, draft_select
from govdesk.screens.help import key_label
from govdesk.services import incoming, org
from govdesk.services.errors import ConflictError, ServiceError, ValidationError
from govdesk.services.vocab import SECRECY_LEVELS
from govdesk.widgets.checkbox import Checkbox
from govdesk.widgets.fields import FieldArea, FieldInput, PickButton
from govdesk.widgets.picker import PEOPLE, UNITS, Picker

FACTS = incoming.FACTS_OF_FORM  # the check boxes
PAGES_DEFAULT = "1"  # 页数 of a new entry left empty
TEXTS = ("from_name", "doc_number", "title", "secrecy_years", "copy_no", "received_on", "pages",
         "attachments", "files", "special_reason")
SELECTS = ("doc_kind", "secrecy", "urgency", "addressed_to", "addressed_leader", "exception")
# The field a ValidationError names (``exc.name``, the key of values(), the same in every
# language) → the widget the cursor goes to. Units and people are picked with a button.
FIELD_WIDGETS = {
    **{key: key for key in (*TEXTS, *SELECTS, "summary")},
    "from_unit": "from_name", "remit_unit": "pick-remit", "urging_person": "pick-urging",
    "change_reason": "change_reason",
}


@dataclass(frozen=True)
class FormData:
    """What the form shows when it opens, read in a worker: plain values, names resolved."""

    leaders: list[org.PersonChoice]
    version: int | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    selects: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, bool] = field(default_factory=dict)
    summary: str = ""
    from_unit: org.UnitChoice | None = None
    remit_unit: org.UnitChoice | None = None
    urging: org.PersonChoice | None = None
    state: str = ""  # an edit's: the entry's state now
    needs_reason: bool = False  # a finished entry: 修改理由 is asked for


def form_data(actor, doc_id: int | None) -> FormData:
    """Worker thread: the leaders, and the entry ``doc_id`` (None: a new one) as plain data."""
    leaders = org.leader_choices()
    if doc_id is None:
        return FormData(leaders)
    doc = incoming.get(actor, doc_id)
    values = incoming.form_values(doc)  # as the form writes them: one reading of the entry
    return FormData(
        leaders,
        version=doc.version,
        inputs={key: values[key] for key in TEXTS},
        selects={key: values[key] or None for key in SELECTS},
        facts={key: values[key] == "1" for key in FACTS},
        summary=doc.summary,
        from_unit=org.unit_choice(doc.from_unit) if doc.from_unit_id else None,
        remit_unit=org.unit_choice(doc.remit_unit) if doc.remit_unit_id else None,
        urging=org.person_choice(doc.urging_person) if doc.urging_person_id else None,
        state=doc.state, needs_reason=incoming.needs_change_reason(doc),
    )


class IncomingFormScreen(SettlesConflicts, KeepsDraft, SaveInWorker, HasCommands, ModalScreen[int | None]):
    """New registration when ``doc_id`` is None, else an edit of that entry."""

    HOWTO = "howto.incoming_form"  # F1's how-to (screens/help.py)
    DRAFT_FORM = "incoming"
    CONFLICT_TEXTS = frozenset((*TEXTS, "summary"))
    SAVE_COMMAND = "incoming_form.save"

    COMMAND_IDS = ("incoming_form.save", "incoming_form.cancel", "incoming_form.pick_from",
                   "incoming_form.pick_remit", "incoming_form.pick_urging")
    DEFAULT_CSS = """
    IncomingFormScreen { align: center middle; }
    IncomingFormScreen > Vertical { width: 100; max-width: 100%; height: 100%;
                                    max-height: 50; border: thick $primary;
                                    background: $surface; }
    IncomingFormScreen VerticalScroll { height: 1fr; padding: 0 1; }
    IncomingFormScreen .row { height: auto; }
    IncomingFormScreen .lbl { width: 14; padding-right: 1; text-align: right; }
    IncomingFormScreen .row > Input, IncomingFormScreen .row > Select { width: 1fr; }
    IncomingFormScreen .half { width: 1fr; }
    IncomingFormScreen .picked { width: 1fr; color: $text-muted; }
    IncomingFormScreen #summary { height: 5; width: 1fr; }
    IncomingFormScreen Checkbox { width: 1fr; }
    IncomingFormScreen #form-error { color: $error; text-style: bold; height: auto; width: 100%;
                                  padding: 0 1; }
    IncomingFormScreen .hint { color: $text-muted; padding: 0 1; width: 100%; height: auto; }
    IncomingFormScreen .section { text-style: bold; color: $accent; margin-bottom: 1; }
    IncomingFormScreen .invalid { background: $error 30%; }
    IncomingFormScreen #change-reason-row, IncomingFormScreen #change-reason-note {
        display: none; }
    IncomingFormScreen.needs-reason #change-reason-row,
    IncomingFormScreen.needs-reason #change-reason-note { display: block; }
    IncomingFormScreen #change-reason-note { color: $warning; height: auto; width: 100%; }
    IncomingFormScreen #from-notice { color: $warning; height: auto; width: 100%;
                                   padding: 0 1 0 15; display: none; }
    """

    def __init__(self, doc_id: int | None = None) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.version: int | None = None
        self.from_unit: org.UnitChoice | None = None
        self.remit_unit: org.UnitChoice | None = None
        self.urging: org.PersonChoice | None = None
        self.loaded = False  # form_data has answered (tests wait on it)
        self._load_disabled: list[Widget] = []
        self._saved_notice: incoming.UnitNotice | None = None

    # ------------------------------------------------------------------ layout

    def _row(self, key: str, *widgets: Widget, id: str | None = None) -> Horizontal:
        return Horizontal(Label(t(f"incoming.f_{key}"), classes="lbl"), *widgets, classes="row",
                          id=id)

    def compose(self) -> ComposeResult:
        title = "incoming.form_title_edit" if self.doc_id else "incoming.form_title_new"
        with Vertical():
            yield Label(t(title), classes="panel-title", id="form-title")
            yield Label("", id="form-error")
            with VerticalScroll():
                # Shown only for a finished entry (办结, 归档): its change needs a reason.
                yield Label("", id="change-reason-note")
                yield self._row("change_reason", FieldInput(id="change_reason", compact=True),
                                id="change-reason-row")
                pick = key_label(bound_keys(self, "incoming_form.pick_from"))
                yield self._row("from_name",
                                FieldInput(id="from_name", compact=True, placeholder=t(
                                    "incoming.from_name_placeholder", key=pick)),
                                PickButton(t("incoming.form_pick"), id="pick-from", compact=True))
                yield Label("", id="from-notice")  # a name the unit directory does not know
                yield self._row("doc_number", FieldInput(id="doc_number", compact=True))
                yield self._row("title", FieldInput(id="title", compact=True))
                yield self._row("doc_kind", Select([(term(k), k) for k in incoming.DOC_KINDS],
                                                   value="通知", allow_blank=False,
                                                   id="doc_kind", compact=True))
                yield self._row("secrecy",
                                Select([(term(s), s) for s in SECRECY_LEVELS], value=SECRECY_LEVELS[0],
                                       allow_blank=False, id="secrecy", compact=True,
                                       classes="half"),
                                Label(t("incoming.f_secrecy_years"), classes="lbl"),
                                FieldInput(id="secrecy_years", compact=True, classes="half"))
                yield self._row("urgency", Select([(term(u), u) for u in incoming.URGENCIES],
                                                  value=incoming.URGENCIES[-1], allow_blank=False,
                                                  id="urgency", compact=True))
                yield self._row("copy_no",
                                FieldInput(id="copy_no", compact=True, classes="half"),
                                Label(t("incoming.f_pages"), classes="lbl"),
                                FieldInput(id="pages", compact=True, classes="half",
                                           placeholder=PAGES_DEFAULT))
                yield self._row("received_on", FieldInput(id="received_on", compact=True))
                yield self._row("attachments", FieldInput(id="attachments", compact=True))
                yield self._row("files", FieldInput(id="files", compact=True))
                yield self._row("addressed_to",
                                Select([(term(a), a) for a in incoming.ADDRESSEES], value=incoming.ADDRESSEES[0],
                                       allow_blank=False, id="addressed_to", compact=True,
                                       classes="half"),
                                Label(t("incoming.f_addressed_leader"), classes="lbl"),
                                Select([], prompt=t("common.none"), id="addressed_leader",
                                       compact=True, classes="half"))
                yield self._row("is_request", Checkbox(t("incoming.f_is_request_box"),
                                                       id="is_request", compact=True))
                yield self._row("summary", FieldArea(id="summary", compact=True))
                yield Label(t("incoming.form_facts"), classes="section")
                for key in FACTS[:-1]:
                    yield self._row(key, Checkbox(t(f"incoming.fact_{key}"), id=key,
                                                  compact=True))
                yield self._row("special_reason", FieldInput(id="special_reason", compact=True))
                yield self._row("remit_unit", Label("", id="remit-label", classes="picked"),
                                PickButton(t("incoming.form_pick"), id="pick-remit", compact=True))
                yield self._row("exception", Select([(term(e), e) for e in incoming.EXCEPTIONS],
                                                    prompt=t("common.none"), id="exception",
                                                    compact=True))
                yield self._row("urging_person", Label("", id="urging-label", classes="picked"),
                                PickButton(t("incoming.form_pick"), id="pick-urging", compact=True))
            yield Label(t("incoming.form_hint"), classes="hint")

    def on_mount(self) -> None:
        actor = self.app.actor()
        self.query_one("#received_on", Input).value = actor.today.isoformat()
        if self.doc_id is not None:  # the entry's values overwrite the fields: wait for them
            self._load_disabled = [w for w in self.query(EDITABLE) if not w.disabled]
            for widget in self._load_disabled:
                widget.disabled = True
            self.query_one("#form-error", Label).update(t("common.loading"))
        self._show_picked()
        self.query_one("#from_name", Input).focus()
        self.draft_mount()
        run_service(self, form_data, actor, self.doc_id, done=self._loaded,
                    refused=self._load_refused, writes=False)

    def _enable(self) -> None:
        for widget in self._load_disabled:
            if widget.is_attached:
                widget.disabled = False
        self._load_disabled = []

    def _load_refused(self, exc: ServiceError) -> None:
        self._enable()
        self.loaded = True
        if self.doc_id is not None:
            self.app.notify(str(exc), severity="error")
            self.dismiss(None)
        else:  # only the leaders' list is missing; the form is usable without it
            self._error(str(exc))
            self.draft_ready(self.draft_fields())

    def _loaded(self, data: FormData) -> None:
        if not self.is_attached:
            return
        before = self.draft_fields()
        leader = self.query_one("#addressed_leader", Select)
        chosen = leader.value
        leader.set_options([(f"{p.rank} {p.name}", p.login) for p in data.leaders])
        if chosen is not Select.NULL:
            leader.value = chosen
        if self.doc_id is not None:
            self._load(data)
            self.conflict_start()
            self.query_one("#form-error", Label).update("")
        self._enable()
        self.loaded = True
        self._show_picked()
        if self.doc_id is not None:
            first = "#change_reason" if data.needs_reason else "#from_name"
            self.query_one(first, Input).focus()
        self.draft_ready(before)

    def _load(self, data: FormData) -> None:
        self.version = data.version
        self.set_class(data.needs_reason, "needs-reason")
        if data.needs_reason:
            self.query_one("#change-reason-note", Label).update(
                t("incoming.change_reason_note", state=term(data.state)))
        self.from_unit = data.from_unit
        self.remit_unit = data.remit_unit
        self.urging = data.urging
        for key, value in data.inputs.items():
            self.query_one(f"#{key}", Input).value = value
        for key, value in data.selects.items():
            self.query_one(f"#{key}", Select).value = Select.NULL if value is None else value
        for key, value in data.facts.items():
            self.query_one(f"#{key}", Checkbox).value = value
        self.query_one("#summary", TextArea).text = data.summary

    def _show_picked(self) -> None:
        none = t("common.none")
        self.query_one("#remit-label", Label).update(
            self.remit_unit.short if self.remit_unit else none)
        self.query_one("#urging-label", Label).update(self.urging.name if self.urging else none)

    @on(Input.Blurred, "#from_name")
    def check_from_name(self) -> None:
        """A 来文单位 typed rather than picked is looked up in the directory (in a worker);
        one it does not know gets a notice with the closest units, and may still be saved."""
        fields = {"from_name": self.query_one("#from_name", Input).value}
        unit = self.from_unit
        fields["from_unit"] = unit if unit and fields["from_name"].strip() == unit.name else None

        def check(fields: dict) -> tuple[str, incoming.UnitNotice | None]:
            return fields["from_name"], incoming.from_unit_notice(fields)

        run_service(self, check, fields, done=self._show_from_notice,
                    refused=lambda exc: None, writes=False)

    def _show_from_notice(self, answer: tuple[str, incoming.UnitNotice | None]) -> None:
        name, notice = answer
        typed = self.query("#from_name").results(Input)
        if not self.is_attached or next(typed, None) is None:
            return  # the form was saved and closed while the answer came: nothing to show
        if self.query_one("#from_name", Input).value != name:
            return  # typed on since: the newer text's answer is on its way
        self._from_notice(notice.message if notice else "")

    def _from_notice(self, text: str) -> None:
        for label in self.query("#from-notice").results(Label):  # none once it is closing
            label.update(text)
            label.display = bool(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()  # Enter moves on, as on a paper form; Ctrl+S saves

    # ------------------------------------------------------------------ pickers

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"pick-from": self.action_pick_from, "pick-remit": self.action_pick_remit,
                   "pick-urging": self.action_pick_urging}
        if event.button.id in actions:
            event.stop()
            actions[event.button.id]()

    def action_pick_from(self) -> None:
        def chosen(items: list | None) -> None:
            if items:
                self.from_unit = items[0]
                self.query_one("#from_name", Input).value = items[0].name
                self._from_notice("")
                self.query_one("#doc_number", Input).focus()

        query = self.query_one("#from_name", Input).value
        self.app.push_screen(Picker(UNITS, title=t("incoming.f_from_name"), query=query), chosen)

    def action_pick_remit(self) -> None:
        def chosen(items: list | None) -> None:
            if items is not None:
                self.remit_unit = items[0] if items else None
                self._show_picked()
                self.draft_touched()

        self.app.push_screen(Picker(UNITS, title=t("incoming.f_remit_unit")), chosen)

    def action_pick_urging(self) -> None:
        def chosen(items: list | None) -> None:
            if items is not None:
                self.urging = items[0] if items else None
                self._show_picked()
                self.draft_touched()

        self.app.push_screen(Picker(PEOPLE, title=t("incoming.f_urging_person")), chosen)

    # ------------------------------------------------------------------ saving

    def values(self) -> dict:
        """What the user typed, in the shape incoming.clean_fields reads."""
        fields: dict = {key: self.query_one(f"#{key}", Input).value for key in TEXTS}
        for key in SELECTS:
            value = self.query_one(f"#{key}", Select).value
            fields[key] = None if value is Select.NULL else value
        for key in FACTS:
            fields[key] = self.query_one(f"#{key}", Checkbox).value
        fields["summary"] = self.query_one("#summary", TextArea).text
        # A unit picked and then overwritten by hand is no longer that unit.
        unit = self.from_unit
        fields["from_unit"] = unit if unit and fields["from_name"].strip() == unit.name else None
        fields["remit_unit"] = self.remit_unit
        fields["urging_person"] = self.urging
        if self.doc_id is None and not fields["pages"].strip():
            fields["pages"] = PAGES_DEFAULT  # shown as the placeholder: a 4 typed is 4, not 14
        if self.has_class("needs-reason"):
            fields["change_reason"] = self.query_one("#change_reason", Input).value
        return fields

    def draft_label(self, name: str) -> str:
        return t(f"incoming.f_{name}")

    def draft_fields(self) -> dict[str, str]:
        """The fields as text (a draft): checkboxes "1" or "", a picked unit or person as its
        choice written out."""
        fields: dict[str, str] = {key: self.draft_widget(key, Input).value for key in TEXTS}
        for key in SELECTS:
            value = self.draft_widget(key, Select).value
            fields[key] = "" if value is Select.NULL else str(value)
        for key in FACTS:
            fields[key] = "1" if self.draft_widget(key, Checkbox).value else ""
        fields["summary"] = self.draft_widget("summary", TextArea).text
        fields["from_unit"] = choice_text(self.from_unit)
        fields["remit_unit"] = choice_text(self.remit_unit)
        fields["urging_person"] = choice_text(self.urging)
        fields["change_reason"] = self.draft_widget("change_reason", Input).value
        return fields

    def apply_draft(self, fields: dict[str, str]) -> None:
        for key in TEXTS:
            if key in fields:
                self.draft_widget(key, Input).value = fields[key]
        for key in SELECTS:
            if key in fields:
                draft_select(self.draft_widget(key, Select), fields[key])
        for key in FACTS:
            if key in fields:
                self.draft_widget(key, Checkbox).value = fields[key] == "1"
        if "summary" in fields:
            self.draft_widget("summary", TextArea).text = fields["summary"]
        if "change_reason" in fields:
            self.draft_widget("change_reason", Input).value = fields["change_reason"]
        self.from_unit = choice_from_text(org.UnitChoice, fields.get("from_unit", ""))
        self.remit_unit = choice_from_text(org.UnitChoice, fields.get("remit_unit", ""))
        self.urging = choice_from_text(org.PersonChoice, fields.get("urging_person", ""))
        self._show_picked()

    def _error(self, text: str, *, notify: bool = True) -> None:
        self.query_one("#form-error", Label).update(text)
        if text and notify:
            self.app.notify(text, severity="error")

    def action_save(self) -> None:
        actor, values = self.app.actor(), self.values()
        doc_id, version = self.doc_id, self.version or 0

        def save():  # in a worker: the form waits, the desk does not
            if doc_id is None:
                doc = incoming.register(actor, values)
            else:
                doc = incoming.update(actor, doc_id, version, values)
            self._saved_notice = incoming.from_unit_notice(values)  # said once more when saved
            return doc

        def current_version():
            return incoming.get(actor, doc_id).version if doc_id else None

        self.save_in_worker(self.draft_saving(noting_current_version(save, current_version)),
                            done=self._saved, refused=self._refused)

    def _saved(self, doc) -> None:
        self.app.notify(t("incoming.saved", number=doc.number))
        if self._saved_notice is not None:
            self.app.notify(self._saved_notice.message, severity="warning")
        self.dismiss(doc.id)

    def _refused(self, exc: ServiceError) -> None:
        if isinstance(exc, ValidationError):  # every field it names marked, the first focused
            self._error(mark_invalid(self, exc, FIELD_WIDGETS))
            return
        clear_invalid(self)
        if isinstance(exc, ConflictError) and exc.theirs is not None:
            self.settle_conflict(exc)  # field by field, never written over (screens/conflict.py)
        elif isinstance(exc, ConflictError):
            self._error(t("incoming.form_conflict", message=str(exc)))
            self.version = getattr(exc, "current_version", None)
        else:
            self._error(str(exc))

    def action_cancel(self) -> None:
        self.close_form()  # asks first when something was typed; never while saving
