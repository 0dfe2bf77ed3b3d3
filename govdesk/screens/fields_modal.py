"""A small form of a few values for one action on any record (an opinion, comments, a date,
a count): a title, an optional note, the fields; the service is called in a worker and a
refusal keeps the form open with its message. Every workflow's detail screen uses it.

Given ``draft`` (a form name of services.drafts.FORMS and its record: ``("task", task_id)`` for
an opinion typed on a turn), what is typed is kept as the user's draft like any form's
(screens/drafts.py): offered back when the same modal opens again, asked about when closed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from govdesk.commands import HasCommands
from govdesk.i18n import t
from govdesk.screens.base import SaveInWorker
from govdesk.screens.drafts import KeepsDraft, draft_select
from govdesk.widgets.fields import FieldInput


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    value: str = ""
    choices: list[tuple[str, object]] | None = None  # a Select instead of an Input


class FieldsModal(KeepsDraft, SaveInWorker, HasCommands, ModalScreen[bool]):
    """A title, an optional note, a few fields; ``apply(values)`` calls the service in a
    worker (SaveInWorker), so ``apply`` must not touch widgets."""

    SAVE_STATUS = "#error"

    COMMAND_IDS = ("fields.submit", "fields.cancel")
    DEFAULT_CSS = """
    FieldsModal { align: center middle; }
    FieldsModal > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                             border: thick $primary; background: $surface; padding: 0 1; }
    FieldsModal .note { color: $warning; height: auto; width: 100%; }
    FieldsModal #error { color: $error; text-style: bold; height: auto; width: 100%; }
    FieldsModal .hint { color: $text-muted; height: auto; width: 100%; }
    FieldsModal Input, FieldsModal Select { margin-bottom: 1; }
    """

    def __init__(self, title: str, apply: Callable[[dict], object], fields: list[Field], *,
                 note: str = "", draft: tuple[str, int | None] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.apply = apply
        self.fields = fields
        self.note = note
        self._draft = draft or ("", None)

    def draft_key(self) -> tuple[str, int | None]:
        return self._draft

    def draft_label(self, name: str) -> str:
        return next((f.label for f in self.fields if f.key == name), name)

    def draft_fields(self) -> dict[str, str]:
        return {key: "" if value is Select.NULL else str(value)
                for key, value in self.values().items()}

    def apply_draft(self, fields: dict[str, str]) -> None:
        for f in self.fields:
            if f.key not in fields:
                continue
            if f.choices is not None:
                draft_select(self.draft_widget(f"f-{f.key}", Select), fields[f.key])
            else:
                self.draft_widget(f"f-{f.key}", Input).value = fields[f.key]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="panel-title")
            if self.note:
                yield Label(Text(self.note), classes="note")
            for f in self.fields:
                yield Label(f.label)
                if f.choices is not None:
                    yield Select(f.choices, value=f.value or f.choices[0][1], allow_blank=False,
                                 id=f"f-{f.key}", compact=True)
                else:
                    yield FieldInput(f.value, id=f"f-{f.key}", compact=True)
            yield Label("", id="error")
            yield Label(t("outgoing.modal_hint"), classes="hint")

    def on_mount(self) -> None:
        # The first field still to fill (a print's 份数), else the first.
        empty = [f for f in self.fields if f.choices is None and not f.value]
        first = (empty or self.fields)[:1]
        if first:
            self.query_one(f"#f-{first[0].key}").focus()
        self.draft_mount()
        self.draft_ready(self.draft_fields())

    def values(self) -> dict:
        out = {}
        for f in self.fields:
            widget = self.draft_widget(f"f-{f.key}", Input if f.choices is None else Select)
            out[f.key] = widget.value
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"f-{self.fields[-1].key}":
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        self.save_in_worker(self.draft_saving(partial(self.apply, self.values())),
                            done=lambda _: self.dismiss(True),
                            refused=lambda exc: self.query_one("#error", Label).update(
                                Text(str(exc))))

    action_save = action_submit  # 保存 when a changed modal is closed (screens/drafts.py)

    def action_cancel(self) -> None:
        self.close_form()  # at once, or asks first when a kept modal was typed in
