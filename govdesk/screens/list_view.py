"""Lists a clerk can narrow, sort and jump in: the "view" half of triage, mixed into the
screens that show task lists and registers.

- ``l``: the list's filter line (widgets/filter_line.py, services/list_filter.py). Enter
  checks the line in a worker (a holder nobody is named is refused, the list stays as it
  was), applies it in the list's own query and keeps it for this person and this list
  (services/settings.py), so it is in force again after a restart. An empty line clears it.
- ``L``: saved filters: pick one for the list, save the line in force under a name, delete.
- ``S``: sort by a column, again to reverse; the header shows ▲/▼. A task list sorts the
  rows it has loaded (and says so when it holds more); a register sorts in SQL by the
  columns it has an index for (services/register_sort.py: keyset pages over (value, id)),
  either way, offers only those and says the title is found by the search box and the
  filter line instead. A register's sort is kept for the person like its filter
  (``resolve_sort`` in the worker, ``note_sort`` when shown).
- ``#``: open a document by its number, exactly (services/doc_numbers.py): 收〔2026〕31号,
  31, 黄政发〔2026〕3号, [2026] or (2026) too; a number the user may not see is not found.

A screen says which of its tables are such lists (``filter_lists``: table id → the key its
filter is kept under), which kind of record a register holds (``list_kind``), reads the
filter in its worker (``resolve_line``, ``task_where``), shows it (``note_line``,
``filter_title``) and sorts task rows (``sorted_items``).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, OptionList
from textual.widgets.data_table import ColumnKey
from textual.widgets.option_list import Option

from govdesk.commands import HasCommands
from govdesk.i18n import t
from govdesk.screens import registry
from govdesk.screens.base import run_service
from govdesk.services import doc_numbers, list_filter, register_sort, settings
from govdesk.services.errors import ServiceError, ValidationError
from govdesk.services.inbox import InboxItem
from govdesk.widgets.fields import FieldInput
from govdesk.widgets.filter_line import FilterLine
from govdesk.widgets.paged_table import Page

COMMAND_IDS = ("list.filter_line", "list.saved_filters", "list.sort", "list.jump")
UP, DOWN = "▲", "▼"

# A task list's columns (home.add_task_columns) → the sort key of a row.
_URGENCY = {"特急": 0, "加急": 1}
TASK_SORT = {
    "col_due": lambda i: (i.due is None, i.due or ""),
    "col_urgency": lambda i: _URGENCY.get(i.urgency, 2),
    "col_step": lambda i: (i.kind, i.step),
    "col_title": lambda i: i.title,
    "col_holder": lambda i: i.holder,
    "col_note": lambda i: (i.acting_for, i.reminders),
}
REGISTER_SORT = register_sort.SORTABLE  # kind → the register columns that sort in SQL


def resolve_line(actor, key: str, line: str | None) -> str:
    """Worker thread: the line in force, or (None: not read yet) the one kept for ``key``;
    a kept line that no longer reads (a holder renamed) is dropped rather than block the list."""
    if line is not None:
        return line
    kept = settings.list_filters(actor.person.login).get(key, "")
    try:
        list_filter.check(actor, kept)
    except ValidationError:
        return ""
    return kept


def resolve_sort(actor, key: str, sort: tuple[str, bool] | None, known: bool,
                 columns: tuple[str, ...]) -> tuple[str, bool] | None:
    """Worker thread: the sort in force, or (not ``known`` yet) the one kept for ``key``; a
    kept sort of a column the list no longer sorts by is dropped."""
    if known:
        return sort
    kept = settings.list_sorts(actor.person.login).get(key)
    return kept if kept is not None and kept[0] in columns else None


def task_sort_query(view: ListView, table_id: str) -> tuple[tuple[str, bool] | None, bool]:
    """UI thread: a task list's sort for its screen's query (the sort, whether it is known)."""
    return view.sort_of(table_id), table_id in view.sort_known


def resolve_task_sort(actor, key: str, query: tuple[tuple[str, bool] | None, bool]):
    """Worker thread: a task list's sort in force (``task_sort_query``), the kept one if the
    screen has not read it yet."""
    return resolve_sort(actor, key, query[0], query[1], tuple(TASK_SORT))


def task_where(actor, line: str):
    """Worker thread: a task list's filter line as its services' ``where`` condition."""
    return list_filter.task_condition(actor, list_filter.parse(line, actor.today)) \
        if line else None


class ListView:
    """Mixed into a DeskScreen (before it)."""

    def filter_lists(self) -> dict[str, str]:
        """Table id → the key its filter is kept under; the first is the default list."""
        return {}

    def list_kind(self, table_id: str) -> str | None:
        """The kind of record a register holds (``#`` reads a bare number as one of them)."""
        return None

    def sortable(self, table_id: str) -> tuple[str, ...] | None:
        """Column keys that sort on this table (None: every column, as loaded)."""
        return None

    # ------------------------------------------------------------------ state

    @property
    def _lines(self) -> dict[str, str]:
        return self.__dict__.setdefault("_list_lines", {})

    @property
    def _sorts(self) -> dict[str, tuple[str, bool]]:
        return self.__dict__.setdefault("_list_sorts", {})

    @property
    def sort_known(self) -> set[str]:
        """The tables whose sort is in force here (the kept one read, or one chosen)."""
        return self.__dict__.setdefault("_list_sorts_known", set())

    def note_sort(self, table_id: str, sort: tuple[str, bool] | None) -> None:
        """UI thread, as a load is shown: the sort it was read with is the one in force."""
        if table_id in self.sort_known:
            return
        self.sort_known.add(table_id)
        if sort is None:
            self._sorts.pop(table_id, None)
        else:
            self._sorts[table_id] = sort
        self.mark_sort(table_id)

    def line_of(self, table_id: str) -> str | None:
        """UI thread: the filter in force on the table (None: not read yet)."""
        return self._lines.get(table_id)

    def current_list(self) -> str:
        """The list the focus is in (or on its filter line), else the screen's first."""
        lists = list(self.filter_lists())
        focused = getattr(self, "focused", None)
        for node in (focused, *(focused.ancestors if focused is not None else ())):
            node_id = getattr(node, "id", None)
            if node_id in lists:
                return node_id
            if isinstance(node, FilterLine) and node.list_id in lists:
                return node.list_id
        return self.default_list()

    def default_list(self) -> str:
        return next(iter(self.filter_lists()), "")

    def _line_widget(self, table_id: str) -> FilterLine | None:
        found = self.query(f"#{table_id}-filter")
        return found.first(FilterLine) if found else None

    def note_line(self, table_id: str, line: str) -> None:
        """UI thread, as a load is shown: the filter it was read with is the one in force."""
        if table_id not in self._lines:
            self._lines[table_id] = line
        widget = self._line_widget(table_id)
        if widget is not None and not widget.has_focus:
            widget.show_applied(self._lines[table_id])

    def filter_title(self, table_id: str, n: int | str | None) -> str:
        """What a panel title adds: the filter in force and what it finds (a register's
        count as shown, "100+")."""
        line = self._lines.get(table_id) or ""
        if not line:
            return ""
        return (t("listview.filter_shown", text=line, n=n) if n is not None
                else t("listview.filter_shown_more", text=line))

    # ------------------------------------------------------------------ l: the filter line

    def reveal_list(self, table_id: str) -> None:
        """Bring the list forward (a screen whose lists sit on tabs)."""

    def action_filter_line(self) -> None:
        table_id = self.current_list()
        widget = self._line_widget(table_id)
        if widget is not None:
            self.reveal_list(table_id)
            widget.open()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # A plain handler: Textual calls the one of each class in the screen's MRO.
        widget = event.input
        if isinstance(widget, FilterLine):
            event.stop()
            self.apply_line(widget.list_id, event.value.strip())

    def line_grammar(self, table_id: str) -> tuple[Any, Any, str | None]:
        """How a line of this list is read: the service that checks it for the actor, the
        parser a kept or saved line must pass (None: the lists' common words), and the key it
        is kept under (None: not kept). A list with words of its own says its own."""
        return list_filter.check, None, self.filter_lists().get(table_id)

    def apply_line(self, table_id: str, text: str) -> None:
        """Check ``text`` (worker), then put it in force on the table and keep it."""
        widget = self._line_widget(table_id)
        check, parse, key = self.line_grammar(table_id)

        def done(_flt: Any) -> None:
            self._lines[table_id] = text
            if widget is not None:
                widget.show_applied(text)
                widget.action_leave_box()
            if not text:
                self.notify(t("listview.filter_cleared"))
            self.refresh_data()
            if key:
                run_service(self, settings.set_list_filter, self.actor.person.login, key, text,
                            parse, done=lambda _r: None, refused=self._refused, writes=False)

        run_service(self, check, self.actor, text, done=done, refused=self._refused,
                    writes=False)

    def _refused(self, exc: ServiceError) -> None:
        self.notify(str(exc), severity="error")

    # ------------------------------------------------------------------ L: saved filters

    def action_saved_filters(self) -> None:
        table_id = self.current_list()
        login = self.actor.person.login

        def shown(saved: dict[str, str]) -> None:
            self.app.push_screen(
                SavedFiltersModal(saved, self._lines.get(table_id) or "", login,
                                  parse=self.line_grammar(table_id)[1]),
                lambda line: self.apply_line(table_id, line) if line is not None else None)

        run_service(self, settings.saved_filters, login, done=shown, refused=self._refused,
                    writes=False)

    # ------------------------------------------------------------------ S: sort

    def action_sort_list(self) -> None:
        table_id = self.current_list()
        table = self.query_one(f"#{table_id}", DataTable)
        allowed = self.sortable(table_id)
        cols = [(key.value, self._column_title(table, key)) for key in table.columns
                if allowed is None or key.value in allowed]
        current = self._sorts.get(table_id)

        def chosen(key: str | None) -> None:
            if key is None:
                return
            if key == "":
                self._sorts.pop(table_id, None)
            elif current is not None and current[0] == key:
                self._sorts[table_id] = (key, not current[1])
            else:
                self._sorts[table_id] = (key, False)
            self.sort_known.add(table_id)
            self.mark_sort(table_id)
            self.refresh_data()
            list_key = self.filter_lists().get(table_id)
            if list_key:  # kept for the person (resolve_sort, note_sort)
                run_service(self, settings.set_list_sort, self.actor.person.login, list_key,
                            self._sorts.get(table_id), done=lambda _r: None,
                            refused=self._refused, writes=False)

        note = t("listview.sort_registers_note") if allowed is not None else ""
        self.app.push_screen(SortModal(cols, current, note), chosen)

    def _column_title(self, table: DataTable, key: ColumnKey) -> str:
        label = table.columns[key].label.plain
        return label.rstrip(f" {UP}{DOWN}")

    def sort_of(self, table_id: str) -> tuple[str, bool] | None:
        """(column key, descending) the table sorts by, None: the list's own order."""
        return self._sorts.get(table_id)

    def mark_sort(self, table_id: str) -> None:
        """The header says the sort: ▲ rising, ▼ falling on its column, nothing elsewhere."""
        table = self.query_one(f"#{table_id}", DataTable)
        current = self._sorts.get(table_id)
        for key, column in table.columns.items():
            title = self._column_title(table, key)
            if current is not None and current[0] == key.value:
                title = f"{title} {DOWN if current[1] else UP}"
            column.label = Text(title)
        table.refresh()

    def sorted_items(self, table_id: str, items: list[InboxItem]) -> list[InboxItem]:
        current = self._sorts.get(table_id)
        if current is None or current[0] not in TASK_SORT:
            return items
        return sorted(items, key=TASK_SORT[current[0]], reverse=current[1])

    def sort_note(self, table_id: str, loaded: int, total: int) -> str:
        if self._sorts.get(table_id) is None or total <= loaded:
            return ""
        return t("listview.sorted_loaded", n=loaded, total=total)

    # ------------------------------------------------------------------ #: a number

    def action_jump_to_number(self) -> None:
        kind = self.list_kind(self.current_list())

        def typed(text: str | None) -> None:
            if not text:
                return
            if doc_numbers.parse(text, self.actor.today) is None:
                self.notify(t("listview.not_a_number", text=text), severity="error")
                return

            def found(hits: list[doc_numbers.Found]) -> None:
                if not hits:
                    self.notify(t("listview.not_found", number=text), severity="warning")
                    return
                first = hits[0]
                registry.open_record(self.app, first.kind, first.id)
                if len(hits) > 1:
                    self.notify(t("listview.also_found",
                                  numbers="、".join(h.number for h in hits[1:])))

            run_service(self, doc_numbers.find, self.actor, text, kind, done=found,
                        refused=self._refused, writes=False)

        self.app.push_screen(JumpModal(), typed)


def register_keyset(page: Page, sort: register_sort.Sort) -> dict:
    """A register's page (widgets/paged_table.Page) as its service's keyset arguments in
    ``sort``'s order: the row keys are the rows' ``register_sort.Cursor`` (or a record's id,
    kept after a save: its place in the order is then read by its id)."""

    def pair(key: Any) -> tuple[Any, int]:
        if isinstance(key, register_sort.Cursor):
            return key.pair(sort)
        return (None, int(str(key)))

    args: dict[str, Any] = {"sort": sort.column, "descending": sort.descending,
                            "limit": page.limit}
    if page.before is not None:
        args["before"] = pair(page.before)
    elif page.after is not None:
        args["after"] = pair(page.after)
    elif page.oldest:
        args["last"] = True
    return args


# ---------------------------------------------------------------------------- the modals


class _Modal(HasCommands, ModalScreen):
    COMMAND_IDS = ("chooser.cancel",)
    DEFAULT_CSS = """
    _Modal { align: center middle; }
    _Modal > Vertical { width: 72; max-width: 100%; height: auto; max-height: 80%;
                        border: thick $accent; background: $surface; padding: 0 1; }
    _Modal .hint { color: $text-muted; height: auto; width: 100%; }
    _Modal OptionList { height: auto; max-height: 14; }
    """

    def action_cancel(self) -> None:
        self.dismiss(None)


class JumpModal(_Modal):
    """文号： one line; Enter opens, Esc goes back."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("listview.jump"), classes="panel-title")
            yield Label(t("listview.jump_prompt"))
            yield FieldInput(placeholder=t("listview.jump_hint"), id="jump-number")

    def on_mount(self) -> None:
        self.query_one("#jump-number", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())


class SortModal(_Modal):
    """The columns to sort by (the current one marked); Enter picks."""

    def __init__(self, columns: list[tuple[str, str]], current: tuple[str, bool] | None,
                 note: str) -> None:
        super().__init__()
        self.columns = columns
        self.current = current
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("listview.sort_title"), classes="panel-title")
            options = [Option(t("listview.sort_none"), id="")]
            for key, title in self.columns:
                mark = ""
                if self.current is not None and self.current[0] == key:
                    mark = f" {DOWN if self.current[1] else UP}"
                options.append(Option(title + mark, id=key))
            yield OptionList(*options, id="sort-columns")
            if self.note:
                yield Label(self.note, classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#sort-columns", OptionList)
        options.focus()
        if self.current is not None:
            keys = ["", *(k for k, _ in self.columns)]
            if self.current[0] in keys:
                options.highlighted = keys.index(self.current[0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or "")


class SavedFiltersModal(_Modal):
    """The person's saved filters: Enter applies one to the list, Del deletes it; a name typed
    in the first line and Enter saves the filter in force under it."""

    COMMAND_IDS = ("chooser.delete",)

    def __init__(self, saved: dict[str, str], line: str, login: str, parse=None) -> None:
        super().__init__()
        self.saved = dict(saved)
        self.line = line
        self.login = login
        self.parse = parse  # the list's own reader of a line (ListView.line_grammar)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("listview.saved_title"), classes="panel-title")
            yield Label(t("listview.saved_name"))
            yield FieldInput(placeholder=t("listview.saved_name_hint"), id="saved-name")
            yield OptionList(id="saved-list")
            yield Label(t("listview.saved_none"), id="saved-none", classes="hint")

    def on_mount(self) -> None:
        self._fill()
        options = self.query_one("#saved-list", OptionList)
        (options if self.saved else self.query_one("#saved-name", Input)).focus()

    def _fill(self) -> None:
        options = self.query_one("#saved-list", OptionList)
        options.clear_options()
        for name, line in self.saved.items():
            options.add_option(Option(f"{name}：{line}", id=name))
        self.query_one("#saved-none", Label).display = not self.saved
        options.display = bool(self.saved)
        if self.saved:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.saved.get(event.option.id or ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if not self.line:
            self.notify(t("listview.saved_empty_line"), severity="error")
            return

        def saved(current: dict[str, str]) -> None:
            self.saved = current
            self.query_one("#saved-name", Input).value = ""
            self._fill()
            self.notify(t("listview.saved_done", name=name))

        run_service(self, settings.save_filter, self.login, name, self.line, self.parse,
                    done=saved,
                    refused=lambda exc: self.notify(str(exc), severity="error"), writes=False)

    def action_delete_choice(self) -> None:
        options = self.query_one("#saved-list", OptionList)
        if not self.saved or options.highlighted is None or not options.has_focus:
            return
        name = options.get_option_at_index(options.highlighted).id or ""

        def deleted(current: dict[str, str]) -> None:
            self.saved = current
            self._fill()
            self.notify(t("listview.saved_deleted", name=name))
            if self.saved:
                self.query_one("#saved-list", OptionList).focus()
            else:
                self.query_one("#saved-name", Input).focus()

        run_service(self, settings.delete_filter, self.login, name, done=deleted,
                    refused=lambda exc: self.notify(str(exc), severity="error"), writes=False)
