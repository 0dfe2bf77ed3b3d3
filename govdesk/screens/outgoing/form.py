"""拟稿单 (SPEC §4): a new draft, the drafter's edit, or 秘书科's 签发后修改 (change_mode).

A refused save keeps everything typed; the message names the field and the cursor goes to
it. What is typed is kept as the user's draft while the form is open, and closing a changed
form asks first (screens/drafts.py). Ctrl+R runs the format check on the unsaved values (in a worker) and lists every problem
at once when it answers.

The form holds plain data only: the sections' and leaders' lists and, for an edit, the draft's
values are read in a worker when the form opens (``form_data``; an edit's fields wait
disabled until they come); the unit picked is an org.UnitChoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from govdesk.commands import HasCommands
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
from govdesk.services import org, outgoing
from govdesk.services.errors import ConflictError, ServiceError, ValidationError
from govdesk.services.outgoing.rules import ISSUERS
from govdesk.services.vocab import DOC_KINDS, SECRECY_LEVELS
from govdesk.widgets.checkbox import Checkbox
from govdesk.widgets.fields import FieldArea, FieldInput, PickButton
from govdesk.widgets.picker import UNITS, Picker

INPUTS = ("title", "main_to", "cc", "secrecy_years", "recipients", "signature")
AREAS = ("attachments", "body")
CHECKS = ("normative", "upward", "appointment", "restricted", "sealed")
SELECTS = ("issuer", "doc_kind", "secrecy", "urgency", "origin", "drafting_section",
           "review_section", "lead_leader")
# The field a service names (ValidationError.name, Problem.name: the same in every language)
# → the widget the cursor goes to.
FIELD_WIDGETS = {
    "issuer": "issuer", "doc_kind": "doc_kind", "title": "title", "main_to": "main_to",
    "cc": "cc", "secrecy": "secrecy", "secrecy_years": "secrecy_years", "urgency": "urgency",
    "attachments": "attachments", "origin": "origin", "drafting_section": "drafting_section",
    "drafting_unit": "pick-unit", "review_section": "review_section",
    "lead_leader": "lead_leader", "body": "body", "recipients": "recipients",
    "signature": "signature", "sealed": "sealed", "change_note": "change-note",
}
# Sections that draft (the leaders' "sections" do not).
NOT_DRAFTING = org.NOT_DRAFTING


@dataclass(frozen=True)
class FormData:
    """What the form shows when it opens, read in a worker: plain values, names resolved."""

    sections: list[org.SectionChoice]
    leaders: list[org.PersonChoice]
    own_section: str  # the user's section code: a new draft's 起草科室
    version: int | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)
    selects: dict[str, Any] = field(default_factory=dict)
    unit: org.UnitChoice | None = None
    sent_back: outgoing.SentBack | None = None  # a draft sent back: the reviewer's comment


def form_data(actor, doc_id: int | None) -> FormData:
    """Worker thread: the lists, and the draft ``doc_id`` (None: a new one) as plain data."""
    sections, leaders = org.drafting_section_choices(), org.leader_choices()
    own = actor.person.section.code
    if doc_id is None:
        return FormData(sections, leaders, own)
    doc = outgoing.get(actor, doc_id)
    return FormData(
        sections, leaders, own, version=doc.version,
        inputs={key: "" if getattr(doc, key) is None else str(getattr(doc, key))
                for key in INPUTS},
        areas={key: getattr(doc, key) for key in AREAS},
        checks={key: bool(getattr(doc, key)) for key in CHECKS},
        selects={
            "issuer": doc.issuer, "doc_kind": doc.doc_kind,
            "secrecy": SECRECY_LEVELS[doc.secrecy], "urgency": doc.urgency,
            "origin": doc.origin,
            "drafting_section": doc.drafting_section.code if doc.drafting_section_id else None,
            "review_section": doc.review_section.code if doc.review_section_id else None,
            "lead_leader": doc.lead_leader.login if doc.lead_leader_id else None,
        },
        unit=org.unit_choice(doc.drafting_unit) if doc.drafting_unit_id else None,
        sent_back=outgoing.sent_back(doc),
    )


class OutgoingFormScreen(SettlesConflicts, KeepsDraft, SaveInWorker, HasCommands, ModalScreen[int | None]):
    """New draft when ``doc_id`` is None; else the drafter's edit or (change_mode) 签发后修改."""
    HOWTO = "howto.outgoing_form"  # F1's how-to (screens/help.py)

    DRAFT_FORM = "outgoing"
    CONFLICT_TEXTS = frozenset((*INPUTS, *AREAS))
    SAVE_COMMAND = "outgoing_form.save"

    COMMAND_IDS = ("outgoing_form.save", "outgoing_form.cancel", "outgoing_form.check",
                   "outgoing_form.pick_unit")
    DEFAULT_CSS = """
    OutgoingFormScreen { align: center middle; }
    OutgoingFormScreen > Vertical { width: 110; max-width: 100%; height: 100%;
                                    border: thick $primary; background: $surface; }
    OutgoingFormScreen VerticalScroll { height: 1fr; padding: 0 1; }
    OutgoingFormScreen .row { height: auto; }
    OutgoingFormScreen .lbl { width: 12; padding-right: 1; text-align: right; }
    OutgoingFormScreen .row > Input, OutgoingFormScreen .row > Select { width: 1fr; }
    OutgoingFormScreen .half { width: 1fr; }
    OutgoingFormScreen .picked { width: 1fr; color: $text-muted; }
    OutgoingFormScreen #attachments { height: 4; width: 1fr; background: $boost; }
    OutgoingFormScreen #body { height: 12; width: 1fr; background: $boost; }
    OutgoingFormScreen Checkbox { width: auto; margin-right: 2; }
    OutgoingFormScreen #form-error { color: $error; text-style: bold; height: auto;
                                     width: 100%; padding: 0 1; display: none; }
    OutgoingFormScreen #problems { color: $warning; height: auto; max-height: 8;
                                   width: 100%; padding: 0 1; display: none; }
    OutgoingFormScreen .invalid { background: $error 30%; }
    OutgoingFormScreen #sent-back { height: auto; width: 100%; display: none;
                                    border-left: wide $warning; padding: 0 1; margin-bottom: 1; }
    OutgoingFormScreen .hint { color: $text-muted; padding: 0 1; width: 100%; height: auto; }
    """

    def __init__(self, doc_id: int | None = None, *, change_mode: bool = False) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.change_mode = change_mode
        self.version: int | None = None
        self.unit: org.UnitChoice | None = None
        self.loaded = False  # form_data has answered (tests wait on it)
        self.checking = False  # a format check is on its way (tests wait on it)
        self._checks = 0  # the newest format check asked for
        self._load_disabled: list[Widget] = []

    # ------------------------------------------------------------------ layout

    def _row(self, key: str, *widgets: Widget) -> Horizontal:
        return Horizontal(Label(t(f"outgoing.f_{key}"), classes="lbl"), *widgets, classes="row")

    def compose(self) -> ComposeResult:
        title = ("outgoing.form_title_change" if self.change_mode else
                 "outgoing.form_title_edit" if self.doc_id else "outgoing.form_title_new")
        with Vertical():
            yield Label(t(title), classes="panel-title")
            yield Label("", id="form-error")
            yield Static("", id="problems")
            with VerticalScroll():
                yield Static("", id="sent-back")  # 退改: who sent it back, when, and why
                if self.change_mode:
                    yield self._row("change_note", FieldInput(id="change-note", compact=True))
                yield self._row(
                    "issuer",
                    Select([(term(i), i) for i in ISSUERS], value=ISSUERS[1], allow_blank=False,
                           id="issuer", compact=True, classes="half"),
                    Label(t("outgoing.f_doc_kind"), classes="lbl"),
                    Select([(term(k), k) for k in DOC_KINDS], value="通知", allow_blank=False,
                           id="doc_kind", compact=True, classes="half"))
                yield self._row("title", FieldInput(id="title", compact=True))
                yield self._row("main_to", FieldInput(id="main_to", compact=True))
                yield self._row("cc", FieldInput(id="cc", compact=True,
                                                 placeholder=t("outgoing.cc_placeholder")))
                yield self._row(
                    "secrecy",
                    Select([(term(s), s) for s in SECRECY_LEVELS], value=SECRECY_LEVELS[0],
                           allow_blank=False, id="secrecy", compact=True, classes="half"),
                    Label(t("outgoing.f_secrecy_years"), classes="lbl"),
                    FieldInput(id="secrecy_years", compact=True, classes="half"))
                yield self._row("urgency", Select([(term(u), u) for u in outgoing.URGENCIES],
                                                  value=outgoing.URGENCIES[-1],
                                                  allow_blank=False, id="urgency",
                                                  compact=True))
                yield self._row("kinds", *[Checkbox(t(f"outgoing.f_{k}"), id=k, compact=True)
                                           for k in ("normative", "upward", "appointment")])
                yield self._row("attachments", FieldArea(id="attachments", compact=True))
                yield self._row(
                    "origin",
                    Select([(t("outgoing.origin_office"), "office"),
                            (t("outgoing.origin_department"), "department")],
                           value="office", allow_blank=False, id="origin", compact=True,
                           classes="half"),
                    Label(t("outgoing.f_drafting_section"), classes="lbl"),
                    Select([], prompt=t("common.none"), id="drafting_section",
                           compact=True, classes="half"))
                yield self._row("drafting_unit", Label("", id="unit-label", classes="picked"),
                                PickButton(t("outgoing.form_pick"), id="pick-unit", compact=True))
                yield self._row("review_section", Select([], prompt=t("common.none"),
                                                         id="review_section", compact=True))
                yield self._row("lead_leader", Select([], prompt=t("common.none"),
                                                      id="lead_leader", compact=True))
                yield self._row("body", FieldArea(id="body", compact=True))
                yield self._row("restricted", Checkbox(t("outgoing.f_restricted_box"),
                                                       id="restricted", compact=True),
                                FieldInput(id="recipients", compact=True,
                                           placeholder=t("outgoing.f_recipients")))
                yield self._row("signature", FieldInput(id="signature", compact=True,
                                                        placeholder=t("outgoing.signature_hint")),
                                Checkbox(t("outgoing.f_sealed"), id="sealed", value=True,
                                         compact=True))
            yield Label(t("outgoing.form_hint"), classes="hint")

    def on_mount(self) -> None:
        if self.doc_id is not None:  # the draft's values overwrite the fields: wait for them
            self._load_disabled = [w for w in self.query(EDITABLE) if not w.disabled]
            for widget in self._load_disabled:
                widget.disabled = True
            self._error(t("common.loading"), notify=False)
        self._show_unit()
        self.query_one("#change-note" if self.change_mode else "#title").focus()
        self.draft_mount()
        run_service(self, form_data, self.app.actor(), self.doc_id, done=self._loaded,
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
        else:  # only the lists are missing; the user sees why
            self._error(str(exc))
            self.draft_ready(self.draft_fields())

    def _loaded(self, data: FormData) -> None:
        if not self.is_attached:
            return
        before = self.draft_fields()
        sections = [(s.name, s.code) for s in data.sections]
        lists = {"drafting_section": sections, "review_section": sections,
                 "lead_leader": [(f"{p.rank} {p.name}", p.login) for p in data.leaders]}
        for key, options in lists.items():
            select = self.query_one(f"#{key}", Select)
            chosen = select.value
            select.set_options(options)
            if chosen is not Select.NULL:
                select.value = chosen
        self._enable()
        if self.doc_id is not None:
            self._error("")
            self._load(data)
            self.conflict_start()
            self.query_one("#change-note" if self.change_mode else "#title").focus()
        else:
            drafting = self.query_one("#drafting_section", Select)
            if drafting.value is Select.NULL and data.own_section not in NOT_DRAFTING:
                drafting.value = data.own_section
        self.loaded = True
        self._show_unit()
        self.draft_ready(before)

    def _load(self, data: FormData) -> None:
        self.version = data.version
        back = data.sent_back
        if back is not None and not self.change_mode:
            text = Text(t("outgoing.sent_back_comment", step=term(back.step), who=back.who,
                          at=f"{back.at:%m-%d %H:%M}") + "\n", style="bold")
            text.append(back.comments)
            sent = self.query_one("#sent-back", Static)
            sent.update(text)
            sent.display = True
        self.unit = data.unit
        for key, value in data.inputs.items():
            self.query_one(f"#{key}", Input).value = value
        for key, value in data.areas.items():
            self.query_one(f"#{key}", TextArea).text = value
        for key, value in data.checks.items():
            self.query_one(f"#{key}", Checkbox).value = value
        for key, value in data.selects.items():
            self.query_one(f"#{key}", Select).value = Select.NULL if value is None else value
        if self.change_mode:  # 起草单位 is not changed after signing
            for key in ("origin", "drafting_section", "review_section", "lead_leader"):
                self.query_one(f"#{key}", Select).disabled = True
            self.query_one("#pick-unit", Button).disabled = True

    def _show_unit(self) -> None:
        self.query_one("#unit-label", Label).update(
            self.unit.name if self.unit else t("outgoing.unit_none"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()  # Enter moves on, as on a paper form; Ctrl+S saves

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "pick-unit":
            event.stop()
            self.action_pick_unit()

    def action_pick_unit(self) -> None:
        if self.change_mode:
            return

        def chosen(items: list | None) -> None:
            if items is not None:
                self.unit = items[0] if items else None
                self._show_unit()
                self.draft_touched()
                if self.unit is not None:
                    self.query_one("#origin", Select).value = "department"

        self.app.push_screen(Picker(UNITS, title=t("outgoing.f_drafting_unit")), chosen)

    # ------------------------------------------------------------------ values

    def values(self) -> dict:
        """What the user typed, in the shape outgoing.clean_fields reads."""
        fields: dict = {key: self.query_one(f"#{key}", Input).value for key in INPUTS}
        for key in AREAS:
            fields[key] = self.query_one(f"#{key}", TextArea).text
        for key in CHECKS:
            fields[key] = self.query_one(f"#{key}", Checkbox).value
        for key in SELECTS:
            value = self.query_one(f"#{key}", Select).value
            fields[key] = None if value is Select.NULL else value
        fields["drafting_unit"] = self.unit if fields["origin"] == "department" else None
        if fields["origin"] == "department":
            fields["drafting_section"] = None
        else:
            fields["review_section"] = None
        return fields

    def draft_key(self) -> tuple[str, int | None]:
        return ("outgoing.change" if self.change_mode else "outgoing"), self.doc_id

    def draft_label(self, name: str) -> str:
        return t(f"outgoing.f_{name}")

    def draft_fields(self) -> dict[str, str]:
        """The fields as text (a draft): checkboxes "1" or "", the unit picked written out."""
        fields: dict[str, str] = {key: self.draft_widget(key, Input).value
                                  for key in INPUTS}
        for key in AREAS:
            fields[key] = self.draft_widget(key, TextArea).text
        for key in CHECKS:
            fields[key] = "1" if self.draft_widget(key, Checkbox).value else ""
        for key in SELECTS:
            value = self.draft_widget(key, Select).value
            fields[key] = "" if value is Select.NULL else str(value)
        fields["drafting_unit"] = choice_text(self.unit)
        if self.change_mode:
            fields["change_note"] = self.draft_widget("change-note", Input).value
        return fields

    def apply_draft(self, fields: dict[str, str]) -> None:
        for key in INPUTS:
            if key in fields:
                self.draft_widget(key, Input).value = fields[key]
        for key in AREAS:
            if key in fields:
                self.draft_widget(key, TextArea).text = fields[key]
        for key in CHECKS:
            if key in fields:
                self.draft_widget(key, Checkbox).value = fields[key] == "1"
        for key in SELECTS:
            select = self.draft_widget(key, Select)
            if key in fields and not select.disabled:
                draft_select(select, fields[key])
        if self.change_mode:
            if "change_note" in fields:
                self.draft_widget("change-note", Input).value = fields["change_note"]
        else:
            self.unit = choice_from_text(org.UnitChoice, fields.get("drafting_unit", ""))
        self._show_unit()

    def _error(self, text: str, *, notify: bool = True) -> None:
        label = self.query_one("#form-error", Label)
        label.update(text)
        label.display = bool(text)
        if text and notify:
            self.app.notify(text, severity="error")

    def _focus_field(self, name: str | None) -> None:
        """The cursor to the field a service named (by its form name, in any language)."""
        target = FIELD_WIDGETS.get(name) if name else None
        if target:
            widget = self.query_one(f"#{target}")
            if widget.disabled:
                return
            widget.focus()
            widget.scroll_visible()

    def action_check(self) -> None:
        """The format check in a worker; the newest check's answer is shown when it comes."""
        self._checks += 1
        number, self.checking = self._checks, True
        problems = self.query_one("#problems", Static)
        problems.display = True
        problems.update(Text(t("common.checking"), style="dim"))
        run_service(self, outgoing.check_format, self.app.actor(), self.values(),
                    done=lambda report: self._checked(number, report),
                    refused=lambda exc: self._check_refused(number, exc), writes=False)

    def _check_refused(self, number: int, exc: ServiceError) -> None:
        if number != self._checks or not self.is_attached:
            return
        self.checking = False
        self.query_one("#problems", Static).update("")
        self.query_one("#problems", Static).display = False
        self._error(str(exc))
        if isinstance(exc, ValidationError):
            self._focus_field(exc.name)

    def _checked(self, number: int, report) -> None:
        if number != self._checks or not self.is_attached:
            return  # a newer check is on its way, or the form has gone
        self.checking = False
        problems = self.query_one("#problems", Static)
        if report.ok:
            self._error("")
            problems.update(Text(t("outgoing.check_ok"), style="green"))
            return
        text = Text(t("outgoing.check_title", n=len(report.problems)) + "\n", style="bold")
        for p in report.problems:
            text.append(t("outgoing.check_line", field=p.field, message=p.message) + "\n")
        problems.update(text)
        self._focus_field(report.problems[0].name)

    def action_save(self) -> None:
        actor, values = self.app.actor(), self.values()
        doc_id, version, change_mode = self.doc_id, self.version or 0, self.change_mode
        note = self.query_one("#change-note", Input).value if change_mode else ""

        def save():  # in a worker: the form waits, the desk does not
            if change_mode:
                return outgoing.change_after_signing(actor, doc_id or 0, values, note)
            if doc_id is None:
                return outgoing.create_draft(actor, values)
            return outgoing.update_draft(actor, doc_id, version, values)

        def current_version():
            return outgoing.get(actor, doc_id).version if doc_id else None

        self.save_in_worker(self.draft_saving(noting_current_version(save, current_version)),
                            done=self._saved, refused=self._refused)

    def _saved(self, doc) -> None:
        self.app.notify(t("outgoing.saved", title=doc.title))
        self.dismiss(doc.id)

    def _refused(self, exc: ServiceError) -> None:
        if isinstance(exc, ValidationError):  # every field it names marked, the first focused
            self._error(mark_invalid(self, exc, FIELD_WIDGETS))
            return
        clear_invalid(self)
        if isinstance(exc, ConflictError) and exc.theirs is not None:
            self.settle_conflict(exc)  # field by field, never written over (screens/conflict.py)
        elif isinstance(exc, ConflictError):
            self._error(t("outgoing.form_conflict", message=str(exc)))
            self.version = getattr(exc, "current_version", None)
        else:
            self._error(str(exc))

    def action_cancel(self) -> None:
        self.close_form()  # asks first when something was typed; never while saving
