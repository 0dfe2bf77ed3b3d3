"""The small forms of the 发文 detail screen: one action each, keyboard only.

Actions that take a few values (opinion, comments, 印制, 成文日期) use the shared
``FieldsModal`` (screens/fields_modal.py); ``DispatchModal`` edits the 分发 list; ``ErrorModal`` records a 差错; ``CompareScreen`` shows
the diff of two kept revisions. A ServiceError keeps the modal open with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from govdesk.commands import HasCommands
from govdesk.i18n import t, term
from govdesk.screens.base import SaveInWorker, run_service
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.services import org, outgoing, unit_groups
from govdesk.services.errors import ServiceError
from govdesk.services.outgoing.rules import ERROR_CATEGORIES, split_names
from govdesk.widgets.checkbox import Checkbox
from govdesk.widgets.fields import FieldInput
from govdesk.widgets.picker import UNITS, Picker


class ErrorModal(FieldsModal):
    """差错: category, responsible section and person (defaults: the draft's section and its
    drafter), note. The sections' and people's lists come as plain choices from a worker; until
    they do, those two fields say so."""

    def __init__(self, title: str, apply: Callable[[dict], object], *,
                 section: str | None = None, person: str | None = None) -> None:
        # The defaults by code and login (from the 发文's plain view): the names come with the
        # lists.
        self.default_section = section
        self.default_person = person
        self.loaded = False  # the lists have come (tests wait on it)
        waiting = [(t("common.loading"), "")]
        fields = [
            Field("category", t("outgoing.err_category"),
                  choices=[(term(c), c) for c in ERROR_CATEGORIES]),
            Field("section", t("outgoing.err_section"), choices=waiting),
            Field("person", t("outgoing.err_person"), choices=waiting),
            Field("note", t("outgoing.err_note")),
        ]
        super().__init__(title, apply, fields)

    def on_mount(self) -> None:
        run_service(self, error_choices, done=self._show_choices, refused=self._not_loaded,
                    writes=False)

    def _not_loaded(self, exc: ServiceError) -> None:
        self.loaded = True
        self.query_one("#error", Label).update(Text(str(exc)))

    def _show_choices(self, lists: tuple[list, list]) -> None:
        if not self.is_attached:
            return
        sections, people = lists
        section = self.query_one("#f-section", Select)
        section.set_options([(s.name, s.code) for s in sections])
        code = next((s.code for s in sections if s.code == self.default_section), None)
        if code is not None:
            section.value = code
        person = self.query_one("#f-person", Select)
        person.set_options([(f"{p.name}（{term(p.section_name)}）", p.login) for p in people])
        login = next((p.login for p in people if p.login == self.default_person), None)
        if login is not None:
            person.value = login
        self.loaded = True


def error_choices() -> tuple[list, list]:
    """Worker thread: the sections that draft and the active people, as plain choices."""
    return org.drafting_section_choices(), org.active_people()


class DispatchModal(SaveInWorker, HasCommands, ModalScreen[bool]):
    """分发 register: a list of recipients (份数, 电子/纸质, 份号), edited with the keyboard.

    Type in the entry line and press Enter to add (or replace the row taken back with Enter on
    the list); Delete removes the highlighted row; Ctrl+G adds units from the directory.

    A group of units (各乡镇人民政府、街道办事处，区政府各部门 …: organisation data, services.unit_groups)
    in 主送/抄送 or typed in the entry line becomes one row, one copy, per member unit, a unit
    already listed is not listed again, and the line above the list says how many units each
    group became. The groups come from a worker (``unit_groups.book``); what is typed before
    they arrive waits for them, in order.
    """

    SAVE_STATUS = "#error"

    COMMAND_IDS = ("dispatch.submit", "dispatch.cancel", "dispatch.pick_units", "dispatch.remove")
    DEFAULT_CSS = """
    DispatchModal { align: center middle; }
    DispatchModal #error { color: $error; text-style: bold; height: auto; width: 100%; }
    DispatchModal .hint { color: $text-muted; height: auto; width: 100%; }
    DispatchModal > Vertical { width: 96; max-width: 100%; height: auto; max-height: 100%;
                               border: thick $primary; background: $surface; padding: 0 1; }
    DispatchModal #entry { height: auto; }
    DispatchModal #entry Input { width: 1fr; }
    DispatchModal #d-recipient { width: 3fr; }
    DispatchModal #d-copies { width: 6; }
    DispatchModal Checkbox { width: auto; }
    DispatchModal #rows { height: auto; max-height: 12; }
    DispatchModal #expanded { color: $text-muted; height: auto; }
    """

    def __init__(self, doc, apply: Callable[[list[outgoing.Dispatch]], object]) -> None:
        super().__init__()
        self.doc = doc
        self.apply = apply
        self.secret = bool(doc.secrecy)
        texts = [doc.main_to, doc.cc]
        if doc.restricted and split_names(doc.recipients):
            texts = [doc.recipients]
        self.rows: list[outgoing.Dispatch] = []
        self.book: unit_groups.RecipientBook | None = None  # until the worker brings it
        # Entries typed (and a Ctrl+S) before the book came, kept in the order they came.
        self._waiting: list[outgoing.Dispatch] = []
        self._submit_waiting = False
        self._texts = texts

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("outgoing.act_dispatch"), classes="panel-title")
            yield Label(t("outgoing.dispatch_loading"), id="expanded")
            yield DataTable(id="rows", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="entry"):
                yield FieldInput(id="d-recipient", compact=True,
                                 placeholder=t("outgoing.d_recipient"))
                yield FieldInput("1", id="d-copies", compact=True)
                yield Checkbox(t("outgoing.d_electronic"), True, id="d-electronic",
                               compact=True)
                yield Checkbox(t("outgoing.d_paper"), self.secret, id="d-paper", compact=True)
                yield FieldInput(id="d-copy-numbers", compact=True,
                                 placeholder=t("outgoing.d_copy_numbers"))
            yield Label("", id="error")
            yield Label(t("outgoing.dispatch_hint"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#rows", DataTable)
        for key in ("recipient", "copies", "electronic", "paper", "copy_numbers"):
            table.add_column(t(f"outgoing.d_{key}"), key=key)
        self._show()
        self.query_one("#d-recipient", Input).focus()
        run_service(self, unit_groups.book, done=self._book_came, refused=self._book_refused,
                    writes=False)

    def _book_came(self, book: unit_groups.RecipientBook) -> None:
        if not self.is_attached:
            return
        self.book = book
        told = self._add_names(book.expand(self._texts), 1, True, self.secret, "")
        waiting, self._waiting = self._waiting, []
        for row in waiting:
            told = self._add_entry(row) or told
        self.query_one("#expanded", Label).update(told)
        if self._submit_waiting:
            self._submit_waiting = False
            self.action_submit()

    def _book_refused(self, exc: ServiceError) -> None:
        """The groups could not be read: say so, and go on with names as written (no group
        expanded), so nothing typed meanwhile is lost."""
        if self.is_attached:
            self._book_came(unit_groups.RecipientBook({}, {}))
            self.query_one("#error", Label).update(Text(str(exc)))

    def _add_names(self, found: unit_groups.Expansion, copies: int, electronic: bool,
                   paper: bool, copy_numbers: str) -> str:
        """Add the rows an expansion names; returns what to tell the user about it."""
        # A group's members get one copy each; 份号 belong to one row (given row by row).
        each = 1 if found.groups else copies
        numbers = copy_numbers if len(found.names) == 1 and not found.groups else ""
        for name in found.names:
            self.rows.append(outgoing.Dispatch(name, each, electronic=electronic, paper=paper,
                                               copy_numbers=numbers))
        self._show()
        told = [t("outgoing.dispatch_group", group=g.name, n=g.units) for g in found.groups]
        if found.merged:
            told.append(t("outgoing.dispatch_merged", n=found.merged))
        return t("outgoing.dispatch_sep").join(told)

    def _add_entry(self, row: outgoing.Dispatch) -> str:
        assert self.book is not None
        found = self.book.expand(row.recipient, have=[r.recipient for r in self.rows])
        return self._add_names(found, row.copies, row.electronic, row.paper, row.copy_numbers)

    def _show(self) -> None:
        table = self.query_one("#rows", DataTable)
        keep = table.cursor_row
        table.clear()
        yes, no = t("common.yes"), t("common.no")
        for i, r in enumerate(self.rows):
            table.add_row(r.recipient, str(r.copies), yes if r.electronic else no,
                          yes if r.paper else no, r.copy_numbers, key=str(i))
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))

    def _entry(self) -> outgoing.Dispatch | None:
        name = self.query_one("#d-recipient", Input).value.strip()
        if not name:
            return None
        raw = self.query_one("#d-copies", Input).value.strip() or "1"
        copies = int(raw) if raw.isdigit() else 0
        return outgoing.Dispatch(name, copies,
                                 electronic=self.query_one("#d-electronic", Checkbox).value,
                                 paper=self.query_one("#d-paper", Checkbox).value,
                                 copy_numbers=self.query_one("#d-copy-numbers", Input).value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        row = self._entry()
        if row is None:
            self.query_one("#rows", DataTable).focus()
            return
        self.query_one("#d-recipient", Input).value = ""
        self.query_one("#d-copy-numbers", Input).value = ""
        if self.book is None:
            self._waiting.append(row)
        else:
            self.query_one("#expanded", Label).update(self._add_entry(row))
        self.query_one("#d-recipient", Input).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row takes it back into the entry line to be changed and re-added."""
        event.stop()
        i = event.cursor_row
        if not 0 <= i < len(self.rows):
            return
        row = self.rows.pop(i)
        self.query_one("#d-recipient", Input).value = row.recipient
        self.query_one("#d-copies", Input).value = str(row.copies)
        self.query_one("#d-electronic", Checkbox).value = row.electronic
        self.query_one("#d-paper", Checkbox).value = row.paper
        self.query_one("#d-copy-numbers", Input).value = row.copy_numbers
        self._show()
        self.query_one("#d-recipient", Input).focus()

    def action_remove(self) -> None:
        table = self.query_one("#rows", DataTable)
        if self.focused is table and self.rows:
            del self.rows[table.cursor_row]
            self._show()

    def action_pick_units(self) -> None:
        def chosen(items: list | None) -> None:
            key = self.book.key if self.book is not None else str
            have = {key(r.recipient) for r in self.rows}
            for unit in items or []:
                if key(unit.short) not in have:
                    have.add(key(unit.short))
                    self.rows.append(outgoing.Dispatch(unit.short, 1, paper=self.secret))
            self._show()

        self.app.push_screen(Picker(UNITS, multi=True, title=t("outgoing.dispatch_pick")),
                             chosen)

    def action_submit(self) -> None:
        pending = self._entry()
        if self.book is None:  # the groups are on their way: submit once they are in
            if pending is not None:
                self._waiting.append(pending)
                self.query_one("#d-recipient", Input).value = ""
            self._submit_waiting = True
            return
        if pending is not None:  # typed but not yet added: the user means it too
            self.query_one("#d-recipient", Input).value = ""
            self.query_one("#d-copy-numbers", Input).value = ""
            self.query_one("#expanded", Label).update(self._add_entry(pending))
        rows = list(self.rows)
        self.save_in_worker(self.apply, [replace(r, recipient=r.recipient.strip()) for r in rows],
                            done=lambda _: self.dismiss(True),
                            refused=lambda exc: self.query_one("#error", Label).update(
                                Text(str(exc))))

    def action_cancel(self) -> None:
        if self.saving:  # the answer is on its way; the modal closes or speaks then
            return
        self.dismiss(False)


class CompareScreen(HasCommands, ModalScreen[None]):
    """Two kept revisions side by side as a unified diff, + green and - red."""

    COMMAND_IDS = ("compare.close",)
    DEFAULT_CSS = """
    CompareScreen { align: center middle; }
    CompareScreen .hint { color: $text-muted; height: auto; width: 100%; }
    CompareScreen > Vertical { width: 120; max-width: 100%; height: 100%;
                               border: thick $primary; background: $surface; padding: 0 1; }
    CompareScreen #pick { height: auto; }
    CompareScreen #pick Select { width: 1fr; }
    CompareScreen #diff-box { height: 1fr; }
    """

    def __init__(self, doc_id: int, revisions: list) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.revisions = revisions

    def compose(self) -> ComposeResult:
        choices = [(t("outgoing.rev_label", no=r.no, note=r.note[:20]), r.no)
                   for r in self.revisions]
        nos = [r.no for r in self.revisions]
        with Vertical():
            yield Label(t("outgoing.compare_title"), classes="panel-title")
            with Horizontal(id="pick"):
                yield Select(choices, value=nos[-2] if len(nos) > 1 else nos[0],
                             allow_blank=False, id="old", compact=True)
                yield Select(choices, value=nos[-1], allow_blank=False, id="new",
                             compact=True)
            with VerticalScroll(id="diff-box"):
                yield Static(id="diff")
            yield Label(t("outgoing.compare_hint"), classes="hint")

    def on_mount(self) -> None:
        self._show()
        self.query_one("#old", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show()

    _asked = 0  # the newest comparison asked for: an older answer is dropped

    def _show(self) -> None:
        """The diff of the two chosen revisions, computed in a worker."""
        old, new = self.query_one("#old", Select).value, self.query_one("#new", Select).value
        self._asked += 1
        asked = self._asked
        run_service(self, outgoing.compare, self.doc_id, int(old), int(new),
                    done=lambda lines: self._show_lines(asked, lines),
                    refused=lambda exc: self._show_refused(asked, exc), writes=False)

    def _show_refused(self, asked: int, exc: ServiceError) -> None:
        if asked == self._asked and self.is_attached:
            self.query_one("#diff", Static).update(Text(str(exc), style="red"))

    def _show_lines(self, asked: int, lines: list[str]) -> None:
        if asked != self._asked or not self.is_attached:
            return
        if not lines:
            self.query_one("#diff", Static).update(Text(t("outgoing.compare_same"),
                                                        style="dim"))
            return
        text = Text()
        for line in lines:
            style = ("bold" if line.startswith(("+++", "---")) else
                     "green" if line.startswith("+") else
                     "red" if line.startswith("-") else
                     "cyan" if line.startswith("@@") else "")
            text.append(line + "\n", style=style)
        self.query_one("#diff", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(None)
