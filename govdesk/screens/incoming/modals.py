"""The small forms of the 收文 detail screen: one action each (初审, 签批 with its readers,
阅件退回, 分送, 办结, 归档, 传阅, 借阅 …). ``apply(values)`` calls the service in a worker; a
ServiceError keeps the modal open with its message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from govdesk.commands import HasCommands
from govdesk.i18n import t
from govdesk.screens.base import SaveInWorker
from govdesk.screens.drafts import KeepsDraft, draft_select
from govdesk.services import incoming
from govdesk.widgets.fields import FieldInput, PickButton
from govdesk.widgets.picker import PEOPLE, SECTIONS, UNITS, Picker


@dataclass(frozen=True)
class ModalValues:
    """What ``apply`` reads: the modal's values as they were when the user submitted."""

    choice: object
    opinion: str
    unit: object
    readers: list[incoming.Reader] | None


class ActionModal(KeepsDraft, SaveInWorker, HasCommands, ModalScreen[bool]):
    """A small form for one action: optional choice, opinion, unit and reader list.

    ``apply(values)`` (a ModalValues: ``.choice``, ``.opinion``, ``.unit``, ``.readers``) calls
    the service in a worker (SaveInWorker); a ServiceError keeps the modal open with its
    message. Given ``draft`` (``("task", task_id)``), the choice and the opinion typed are kept
    as the user's draft (screens/drafts.py; the readers and the unit are chosen again).
    """

    SAVE_STATUS = "#error"

    COMMAND_IDS = ("incoming_action.submit", "incoming_action.cancel",
                   "incoming_action.pick_unit", "incoming_action.add_people",
                   "incoming_action.add_sections", "incoming_action.cycle_action",
                   "incoming_action.remove_reader")
    DEFAULT_CSS = """
    ActionModal { align: center middle; }
    ActionModal > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                             border: thick $primary; background: $surface; padding: 0 1; }
    ActionModal .note { color: $warning; height: auto; width: 100%; }
    ActionModal #error { color: $error; text-style: bold; height: auto; width: 100%; }
    ActionModal .hint { color: $text-muted; height: auto; width: 100%; }
    ActionModal #readers { height: auto; max-height: 10; }
    ActionModal Input, ActionModal Select { margin-bottom: 1; }
    """

    def __init__(self, title: str, apply: Callable[[ActionModal], object], *,
                 note: str = "", choices: list[tuple[str, object]] | None = None,
                 choice: object = None, opinion: str | None = None, opinion_value: str = "",
                 unit: object = None, with_unit: bool = False, unit_when: object = None,
                 readers: list[incoming.Reader] | None = None,
                 draft: tuple[str, int | None] | None = None) -> None:
        super().__init__()
        self._draft = draft or ("", None)
        self.title_text = title
        self.apply = apply
        self.note = note
        self.choices = choices
        self.choice_default = choice
        self.opinion_label = opinion
        self.opinion_value = opinion_value
        self.unit = unit
        self.with_unit = with_unit
        # The choice the unit belongs to (转办): under any other choice the field is hidden and
        # empty, so a unit picked before switching to 受理 is never sent. Switching back
        # proposes the document's own unit again, not the stale pick.
        self.unit_when = unit_when
        self.unit_default = unit
        self.readers = readers

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="panel-title")
            if self.note:
                yield Label(self.note, classes="note")
            if self.choices is not None:
                yield Select(self.choices, value=self.choice_default, allow_blank=False,
                             id="choice", compact=True)
            if self.opinion_label is not None:
                yield Label(self.opinion_label)
                yield FieldInput(self.opinion_value, id="opinion", compact=True)
            if self.with_unit:
                yield Label("", id="unit-label")
                yield PickButton(t("incoming.pick_transfer_unit"), id="pick-unit", compact=True)
            if self.readers is not None:
                yield Label(t("incoming.readers_title"))
                yield OptionList(id="readers")
                yield Label(t("incoming.readers_hint"), classes="hint")
            yield Label("", id="error")
            yield Label(t("incoming.modal_hint"), classes="hint")

    def on_mount(self) -> None:
        self._follow_choice()
        self._show()
        first = self.query("#opinion, #choice, #readers").first()
        first.focus()
        self.draft_mount()
        self.draft_ready(self.draft_fields())

    def draft_key(self) -> tuple[str, int | None]:
        return self._draft

    def draft_label(self, name: str) -> str:
        return self.opinion_label or name

    def draft_fields(self) -> dict[str, str]:
        out = {}
        if self.choices is not None:
            value = self.draft_widget("choice", Select).value
            out["choice"] = "" if value is Select.NULL else str(value)
        if self.opinion_label is not None:
            out["opinion"] = self.draft_widget("opinion", Input).value
        return out

    def apply_draft(self, fields: dict[str, str]) -> None:
        if self.choices is not None and "choice" in fields:
            draft_select(self.draft_widget("choice", Select), fields["choice"])
        if self.opinion_label is not None and "opinion" in fields:
            self.draft_widget("opinion", Input).value = fields["opinion"]

    def _show(self) -> None:
        if self.with_unit:
            name = self.unit.short if self.unit is not None else t("common.none")
            self.query_one("#unit-label", Label).update(t("incoming.transfer_unit", name=name))
        if self.readers is not None:
            options = self.query_one("#readers", OptionList)
            keep = options.highlighted or 0
            options.clear_options()
            for i, reader in enumerate(self.readers):
                options.add_option(Option(reader.label(), id=str(i)))
            if self.readers:
                options.highlighted = min(keep, len(self.readers) - 1)

    @property
    def choice(self) -> object:
        return self.query_one("#choice", Select).value

    @property
    def opinion(self) -> str:
        return self.query_one("#opinion", Input).value

    def _unit_applies(self) -> bool:
        if not self.with_unit:
            return False
        if self.unit_when is None or self.choices is None:
            return True
        chooser = self.query("#choice")  # not there before compose
        return bool(chooser) and chooser.first(Select).value == self.unit_when

    def _follow_choice(self) -> None:
        """Show the unit field only under its choice; leaving that choice drops the unit."""
        if not self.with_unit or self.unit_when is None or self.choices is None:
            return
        applies = self._unit_applies()
        if not applies:
            self.unit = None
        elif self.unit is None:
            self.unit = self.unit_default
        for node in self.query("#unit-label, #pick-unit"):
            node.display = applies
        self.refresh_bindings()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "choice":
            event.stop()
            self._follow_choice()
            self._show()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "pick-unit":
            event.stop()
            self.action_pick_unit()

    def action_pick_unit(self) -> None:
        if not self._unit_applies():
            return

        def chosen(items: list | None) -> None:
            if items:
                self.unit = items[0]
                self._show()

        self.app.push_screen(Picker(UNITS, title=t("incoming.pick_transfer_unit")), chosen)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.readers is None:
            self.action_submit()
        else:
            self.query_one("#readers", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_cycle_action()

    def _add(self, new: list[incoming.Reader]) -> None:
        have = {(r.person.id if r.person else None, r.section.id if r.section else None)
                for r in self.readers or []}
        for reader in new:
            key = (reader.person.id if reader.person else None,
                   reader.section.id if reader.section else None)
            if key not in have:
                have.add(key)
                self.readers.append(reader)
        self._show()

    def available_commands(self) -> set[str]:
        """The reader-list keys only where there is a list of readers (分送, 传阅); the unit
        picker only where a unit is asked for (转办)."""
        out = super().available_commands()
        if not self._unit_applies():
            out.discard("incoming_action.pick_unit")
        if self.readers is None:
            out -= {"incoming_action.add_people", "incoming_action.add_sections",
                    "incoming_action.cycle_action", "incoming_action.remove_reader"}
        return out

    def action_add_people(self) -> None:
        if self.readers is None:
            return
        self.app.push_screen(
            Picker(PEOPLE, multi=True, with_sections=True, title=t("incoming.readers_add_people")),
            lambda items: self._add([incoming.Reader(incoming.READER_ACTIONS[0], person=p) for p in items or []]))

    def action_add_sections(self) -> None:
        if self.readers is None:
            return
        self.app.push_screen(
            Picker(SECTIONS, multi=True, title=t("incoming.readers_add_sections")),
            lambda items: self._add([incoming.Reader(incoming.READER_ACTIONS[0], section=s) for s in items or []]))

    def _highlighted(self) -> int | None:
        if not self.readers:
            return None
        return self.query_one("#readers", OptionList).highlighted

    def action_cycle_action(self) -> None:
        i = self._highlighted()
        if i is None:
            return
        actions = incoming.READER_ACTIONS
        reader = self.readers[i]
        self.readers[i] = replace(
            reader, action=actions[(actions.index(reader.action) + 1) % len(actions)])
        self._show()

    def action_remove_reader(self) -> None:
        i = self._highlighted()
        if i is not None:
            del self.readers[i]
            self._show()

    def action_submit(self) -> None:
        # What the user chose, read here: ``apply`` runs in a worker, away from the widgets.
        values = ModalValues(
            choice=self.choice if self.choices is not None else None,
            opinion=self.opinion if self.opinion_label is not None else "",
            unit=self.unit if self._unit_applies() else None,
            readers=list(self.readers) if self.readers is not None else None)
        self.save_in_worker(self.draft_saving(partial(self.apply, values)),
                            done=lambda _: self.dismiss(True),
                            refused=lambda exc: self.query_one("#error", Label).update(str(exc)))

    action_save = action_submit  # 保存 when a changed modal is closed (screens/drafts.py)

    def action_cancel(self) -> None:
        self.close_form()  # at once, or asks first when a kept modal was typed in
