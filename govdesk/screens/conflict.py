"""A save that met a newer version, settled field by field instead of written over.

When a form's save is refused because a colleague saved the record since the form read it
(ConflictError with ``theirs``, the record's values now), ``SettlesConflicts`` compares three
versions of every field: what the form showed when it opened (the start), what the colleague
saved, and what the user typed.

- A field the colleague did not change keeps what the user typed, without asking.
- A field the user did not change and the colleague did takes the colleague's, shown.
- A field both changed differently is the user's to settle: keep mine, take theirs, or edit.

``ConflictScreen`` (a modal, reusable by any form) shows the whole message, wrapping, and one
block per field that differs: its label, what the colleague saved, what the user typed and
what it was at the start. Settled, the form holds the merged values and the record's new
version; the next Ctrl+S saves against it. Nothing differing but the version: the save goes
through against the new version at once, and the user is told. Esc goes back to the form with
the typing as it was and the old version kept, so nothing is written over.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from govdesk.commands import HasCommands, bound_keys
from govdesk.i18n import t
from govdesk.screens.help import key_label
from govdesk.services.errors import ConflictError
from govdesk.widgets.fields import FieldArea, FieldInput

MINE, THEIRS, EDITED = "mine", "theirs", "edited"


@dataclass(frozen=True)
class ConflictField:
    """One field that differs: its values as the form writes them (``*_value``) and as the
    user reads them; ``start`` None when the form cannot say what it was at the start."""

    name: str
    label: str
    theirs_value: str
    mine_value: str
    theirs: str
    mine: str
    start: str | None
    choice: str = MINE  # the choice offered first
    editable: bool = True  # a text the user may write anew (a choice or a box is not)


class ConflictBlock(Widget, can_focus=True):
    """One field of the conflict: the three values and the choice made, and an editor shown
    while the user writes the field anew."""

    DEFAULT_CSS = """
    ConflictBlock { height: auto; padding: 0 1; margin-bottom: 1; border-left: wide $panel; }
    ConflictBlock:focus { border-left: wide $accent; background: $boost; }
    ConflictBlock > Static { height: auto; width: 100%; }
    ConflictBlock > Input, ConflictBlock > TextArea { display: none; width: 100%; }
    ConflictBlock > TextArea { height: 5; }
    ConflictBlock.editing > Input, ConflictBlock.editing > TextArea { display: block; }
    """

    def __init__(self, field: ConflictField, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.field = field
        self.choice = field.choice
        self.edited = field.mine_value

    def compose(self) -> ComposeResult:
        yield Static(self._text(), classes="conflict-text")
        if "\n" in self.field.mine_value or "\n" in self.field.theirs_value:
            yield FieldArea(self.field.mine_value, classes="conflict-editor", compact=True)
        else:
            yield FieldInput(self.field.mine_value, classes="conflict-editor", compact=True)

    def _text(self) -> Text:
        f = self.field
        text = Text(f.label + "\n", style="bold")
        chosen = {MINE: "conflict.chosen_mine", THEIRS: "conflict.chosen_theirs",
                  EDITED: "conflict.chosen_edited"}[self.choice]
        rows = [("conflict.theirs", f.theirs, self.choice == THEIRS),
                ("conflict.mine", f.mine, self.choice == MINE)]
        if f.start is not None:
            rows.append(("conflict.start", f.start, False))
        for key, value, taken in rows:
            text.append(t(key) + "：", style="bold" if taken else "dim")
            text.append((value or t("conflict.empty")) + "\n",
                        style="bold green" if taken else "")
        if self.choice == EDITED:
            text.append(t("conflict.edited") + "：", style="bold")
            text.append((self.edited or t("conflict.empty")) + "\n", style="bold green")
        text.append(t(chosen), style="bold cyan")
        return text

    @property
    def value(self) -> str:
        return {MINE: self.field.mine_value, THEIRS: self.field.theirs_value,
                EDITED: self.edited}[self.choice]

    def choose(self, choice: str) -> None:
        self.choice = choice
        self.query_one(".conflict-text", Static).update(self._text())

    def editor(self) -> Input | TextArea:
        return self.query_one(".conflict-editor")  # type: ignore[return-value]

    @property
    def editing(self) -> bool:
        return self.has_class("editing")

    def start_edit(self) -> None:
        editor = self.editor()
        start = self.value
        if isinstance(editor, TextArea):
            editor.text = start
        else:
            editor.value = start
        self.add_class("editing")
        editor.focus()

    def end_edit(self) -> None:
        if not self.editing:
            return
        editor = self.editor()
        self.edited = editor.text if isinstance(editor, TextArea) else editor.value
        self.remove_class("editing")
        self.choose(EDITED)
        self.focus()


class ConflictFields(VerticalScroll, inherit_bindings=False):
    """The blocks, scrolling; its own arrow keys left out, so that they go from field to field
    (``conflict.next`` / ``previous``) and the view follows the cursor."""


class ConflictScreen(HasCommands, ModalScreen[dict[str, str] | None]):
    """The fields a save met changed by someone else, settled one by one; dismissed with the
    chosen value of each (name → the form's text) or None (back to the form, nothing taken)."""

    COMMAND_IDS = ("conflict.keep_mine", "conflict.take_theirs", "conflict.edit",
                   "conflict.next", "conflict.previous", "conflict.done", "conflict.cancel")
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical { width: 100; max-width: 100%; height: auto; max-height: 100%;
                                border: thick $warning; background: $surface; }
    ConflictScreen #conflict-message { height: auto; width: 100%; padding: 0 1;
                                       margin-bottom: 1; }
    ConflictScreen #conflict-problem { height: auto; width: 100%; padding: 0 1;
                                       color: $error; display: none; }
    ConflictScreen .panel-title { padding: 0 1; width: 100%; }
    /* The fields scroll; the message above and the keys below stay in view (80×24 too). */
    ConflictScreen ConflictFields { height: auto; max-height: 55vh; padding: 0 1; }
    ConflictScreen .hint { color: $text-muted; height: auto; width: 100%; padding: 0 1; }
    """

    def __init__(self, message: str, fields: list[ConflictField]) -> None:
        super().__init__()
        self.message = message
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("conflict.title"), classes="panel-title")
            yield Static(self.message, id="conflict-message")
            yield Static("", id="conflict-problem")
            with ConflictFields(id="conflict-fields"):
                for n, field in enumerate(self.fields):
                    yield ConflictBlock(field, id=f"conflict-{n}")
            yield Static("", id="conflict-hint", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#conflict-hint", Static).update(self.hint())
        self.blocks()[0].focus()

    def hint(self) -> str:
        def keys(cid: str) -> str:
            return key_label(bound_keys(self, cid))
        return t("conflict.hint", previous=keys("conflict.previous"),
                 next=keys("conflict.next"), mine=keys("conflict.keep_mine"),
                 theirs=keys("conflict.take_theirs"), edit=keys("conflict.edit"),
                 done=keys("conflict.done"), cancel=keys("conflict.cancel"))

    def blocks(self) -> list[ConflictBlock]:
        return list(self.query(ConflictBlock))

    def current(self) -> ConflictBlock | None:
        node = self.focused
        while node is not None and not isinstance(node, ConflictBlock):
            node = node.parent if isinstance(node.parent, Widget) else None
        return node

    def _problem(self, text: str) -> None:
        problem = self.query_one("#conflict-problem", Static)
        problem.update(text)
        problem.display = bool(text)

    def action_keep_mine(self) -> None:
        block = self.current()
        if block is not None:
            block.choose(MINE)
            self._problem("")

    def action_take_theirs(self) -> None:
        block = self.current()
        if block is not None:
            block.choose(THEIRS)
            self._problem("")

    def action_edit(self) -> None:
        block = self.current()
        if block is None or block.editing:
            return
        if not block.field.editable:
            self._problem(t("conflict.not_editable", field=block.field.label))
            return
        self._problem("")
        block.start_edit()

    @on(Input.Submitted, ".conflict-editor")
    def _edited(self, event: Input.Submitted) -> None:
        event.stop()
        block = self.current()
        if block is not None:
            block.end_edit()

    def _move(self, step: int) -> None:
        blocks = self.blocks()
        block = self.current()
        if block is not None and block.editing:
            block.end_edit()
        at = blocks.index(block) if block in blocks else -1
        target = blocks[max(0, min(len(blocks) - 1, at + step))]
        target.focus()
        target.scroll_visible()

    def action_next(self) -> None:
        self._move(1)

    def action_previous(self) -> None:
        self._move(-1)

    def action_done(self) -> None:
        for block in self.blocks():
            block.end_edit()
        self.dismiss({block.field.name: block.value for block in self.blocks()})

    def action_cancel(self) -> None:
        block = self.current()
        if block is not None and block.editing:  # Esc leaves the editor first
            block.end_edit()
            return
        self.dismiss(None)


class SettlesConflicts:
    """Mixed into a form that keeps drafts (screens/drafts.KeepsDraft: ``draft_fields``,
    ``apply_draft``, ``draft_label``), before it. The form calls ``conflict_start()`` once
    it shows the record's values, and ``settle_conflict(exc)`` when a save is refused by a
    ConflictError that carries ``theirs``; it gives ``_error(text, notify=...)`` for its
    message line and ``action_save()``."""

    # The fields the user may write anew in the conflict (texts; choices and boxes are picked).
    CONFLICT_TEXTS: ClassVar[frozenset[str]] = frozenset()
    SAVE_COMMAND: ClassVar[str] = ""  # the form's save command, named in its messages
    version: int | None

    def conflict_start(self) -> None:
        """The form now shows the record at ``self.version``: the start of each field."""
        self._conflict_from = (self.version, self.draft_fields())  # type: ignore[attr-defined]

    def conflict_display(self, name: str, value: str) -> str:
        """A field's value as the user reads it: a box 是/否, a choice its label, a unit or
        person picked its name."""
        widget = next(iter(self.query(f"#{name}")), None)  # type: ignore[attr-defined]
        if isinstance(widget, Checkbox):
            return t("common.yes") if value else t("common.no")
        if not value:
            return ""
        if isinstance(widget, Select):
            for prompt, option in getattr(widget, "_options", []):
                if str(option) == value:
                    return str(prompt)
            return value
        if widget is None and value.startswith("{"):
            try:
                return str(json.loads(value).get("name", value))
            except (ValueError, AttributeError):
                return value
        return value

    def conflict_fields(self, theirs: dict[str, str]) -> list[ConflictField]:
        """The fields that differ and the colleague changed: the user's to settle."""
        mine = self.draft_fields()  # type: ignore[attr-defined]
        started, start = getattr(self, "_conflict_from", (None, None))
        if started != self.version:  # a draft restored from another version: start unknown
            start = None
        rows: list[ConflictField] = []
        for name, their in theirs.items():
            if name not in mine or mine[name] == their:
                continue
            if start is not None and start.get(name) == their:
                continue  # the colleague did not change it: the user's typing stays
            untouched = start is not None and start.get(name) == mine[name]
            show = self.conflict_display
            rows.append(ConflictField(
                name, self.draft_label(name), their, mine[name],  # type: ignore[attr-defined]
                show(name, their), show(name, mine[name]),
                None if start is None else show(name, start.get(name, "")),
                choice=THEIRS if untouched else MINE, editable=name in self.CONFLICT_TEXTS))
        return rows

    def conflict_message(self, exc: ConflictError) -> str:
        message = str(exc)
        at = exc.saved_at
        if exc.saved_by and isinstance(at, datetime):
            message += t("conflict.saved_by", who=exc.saved_by, at=f"{at:%m-%d %H:%M}")
        return message + "\n" + t("conflict.explain")

    def settle_conflict(self, exc: ConflictError) -> None:
        rows = self.conflict_fields(exc.theirs or {})
        new_version = exc.current_version
        if not rows:  # only the version differs: save again against it
            self.version = new_version
            self.conflict_start()
            self.app.notify(t("conflict.only_version"))  # type: ignore[attr-defined]
            self.action_save()  # type: ignore[attr-defined]
            return
        theirs = dict(exc.theirs or {})

        def settled(chosen: dict[str, str] | None) -> None:
            self._conflict_settled(chosen, new_version, theirs)

        self.app.push_screen(ConflictScreen(self.conflict_message(exc), rows),  # type: ignore[attr-defined]
                             settled)

    def _conflict_settled(self, chosen: dict[str, str] | None, new_version: int | None,
                          theirs: dict[str, str]) -> None:
        save = key_label(bound_keys(self, self.SAVE_COMMAND))  # type: ignore[arg-type]
        if chosen is None:  # nothing taken: the next save meets the conflict again
            self._conflict_say(t("conflict.cancelled", save=save), "warning")
            return
        self.apply_draft({**self.draft_fields(), **chosen})  # type: ignore[attr-defined]
        self.version = new_version
        self._conflict_from = (new_version, theirs)
        self._conflict_say(t("conflict.merged", save=save), "information")
        self.draft_touched()  # type: ignore[attr-defined]

    def _conflict_say(self, text: str, severity: str) -> None:
        """On the form's message line, and once as a notice (not as an error: nothing failed)."""
        self._error(text, notify=False)  # type: ignore[attr-defined]
        self.app.notify(text, severity=severity)  # type: ignore[attr-defined]


