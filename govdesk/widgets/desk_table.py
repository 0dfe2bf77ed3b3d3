"""Tables that fit the terminal's width: the title takes the room the other columns leave.

Task lists give their columns declared widths (automatic widths go wrong when rows arrive in a
table that started empty); registers measure theirs. Either way a narrow terminal pushed the
columns after the title — 状态, 期限, 在办 — off the right edge, and a wide one cut a
30-character title at 22 characters. ``FitColumns`` sizes the columns to the table's width
each time rows come or the table is resized (``fit_widths``): whole titles and names where
there is room; where there is not, the title gives way first (to TITLE_COMFORT), then the
columns that may narrow (a name, a step), then the title again (to TITLE_MIN). A cell that
does not fit ends with "…", cut at a character boundary (Chinese characters are two cells).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._data_table import RowRenderables
from textual.widgets.data_table import ColumnKey, RowKey

from govdesk.i18n import t
from govdesk.widgets.tagging import COMMAND_IDS as TAG_COMMANDS
from govdesk.widgets.tagging import Tagging

# Column keys as columns() below names them.
STRETCH = ("col_title", "col_holder", "col_note")
# Task-list columns that may narrow on a small terminal, and to how many cells: a holder
# ("秘书科 催1") or a note keeps ten, a step ("发文·秘书科核稿") fifteen.
TASK_NARROW = (("col_holder", 10), ("col_note", 10), ("col_step", 15))
TITLE_COMFORT = 24  # cells: twelve characters of a title before other columns give way
TITLE_MIN = 8
ELLIPSIS = "…"

K = TypeVar("K")


def columns(table: DataTable, *cols: tuple[str, int | None]) -> DataTable:
    """Give a table its columns (catalog key, width) before it is mounted; rows by cursor.
    Each column's key is the catalog key's last part (``home.col_title`` → ``col_title``)."""
    table.cursor_type = "row"
    table.zebra_stripes = True
    for key, width in cols:
        table.add_column(t(key), width=width, key=key.rsplit(".", 1)[-1])
    return table


Narrow = Sequence[tuple[str, int]]


def fit_widths(inner: int, natural: Mapping[K, int], title: K | None,
               narrow: Sequence[tuple[K, int]], padding: int,
               loose: Sequence[tuple[K, int]] = ()) -> dict[K, int]:
    """Column widths (content cells) for a table ``inner`` cells wide: each column's natural
    width while they all fit; else the title narrows to TITLE_COMFORT, then the ``narrow``
    columns, in order, to their narrow widths (a column may come twice: first narrower, then
    to 0, which leaves only its padding), then the title to TITLE_MIN, each only as far as
    needed. ``padding``: the cells each column adds around its content. ``loose``: before
    all that, columns wider than their content (a declared width) give up the blank part."""
    widths = dict(natural)
    stages: list[tuple[K, int]] = [(key, cells) for key, cells in loose if key in widths]
    if title is not None and title in widths:
        stages.append((title, TITLE_COMFORT))
    stages.extend((key, cells) for key, cells in narrow if key in widths)
    if title is not None and title in widths:
        stages.append((title, TITLE_MIN))
    for key, floor in stages:
        over = sum(widths.values()) + padding * len(widths) - inner
        if over <= 0:
            break
        widths[key] = max(min(floor, widths[key]), widths[key] - over)
    return widths


def cut(text: Text, width: int) -> Text:
    """``text`` in at most ``width`` cells: whole as it is if it fits, else cut at a character
    boundary and ended with "…" (a wide character that would stick out is left out whole)."""
    if text.cell_len <= width:
        return text
    if width <= 0:
        return Text("")
    room, end = width - 1, 0
    for ch in text.plain:
        w = cell_len(ch)
        if w > room:
            break
        room -= w
        end += 1
    out = text[:end]
    out.append(ELLIPSIS)
    return out


class Cut:
    """A table cell drawn by ``cut`` to whatever width its column has now; measured whole."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.text.cell_len, self.text.cell_len)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self.text.split("\n") if "\n" in self.text.plain else [self.text]
        for i, line in enumerate(lines):
            out = cut(line, options.max_width)
            out.no_wrap, out.overflow, out.end = True, "crop", "\n" if i < len(lines) - 1 else ""
            yield out


def _cell_width(cell: Any) -> int:
    return cell_len(getattr(cell, "plain", str(cell)))


class Remeasures:
    """Mixed into a DataTable (before it): cells drawn before the table measured its rows are
    drawn again once it has. DataTable measures new rows when idle and keys its drawn cells on
    a counter that measuring does not move, so a record opened at 80 columns could keep its
    timeline cut to the headers' widths (收到 ``11-2``) until the cursor moved."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        table: DataTable = self  # type: ignore[assignment]
        before = [column.get_render_width(table) for column in table.columns.values()]
        super()._update_dimensions(new_rows)  # type: ignore[misc]
        if [column.get_render_width(table) for column in table.columns.values()] != before:
            table._update_count += 1  # the cell caches are keyed on it
            table._clear_caches()
            table.refresh()


class EllipsisCells:
    """Mixed into a DataTable (before it): a cell wider than its column ends with "…"."""

    def _compute_row_renderables(self, row_index: int) -> Any:
        # What is drawn, not what is held: get_row_at() still gives the cells as added.
        row = super()._compute_row_renderables(row_index)  # type: ignore[misc]
        return RowRenderables(row.label, [Cut(c) if isinstance(c, Text) else c
                                          for c in row.cells])


class FitColumns(EllipsisCells):
    """Mixed into a DataTable (before it): the columns fit the table's width (module
    docstring). ``fit_title`` names the column that takes the remaining room, ``fit_narrow``
    the columns that may narrow and to how many cells; ``fit_natural`` gives each column's
    natural width (by default: its header or its longest cell, whichever is wider)."""

    fit_title: str | None = None
    fit_narrow: Narrow = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fit_measured: set[ColumnKey] = set()  # added without a width: measured here

    def _longest(self, key: ColumnKey) -> int:
        table: DataTable = self  # type: ignore[assignment]
        column = table.columns[key]
        return max([_cell_width(column.label),
                    *(_cell_width(cell) for cell in table.get_column(key))])

    def fit_natural(self, key: ColumnKey) -> int:
        return self._longest(key)

    def fit_columns(self) -> bool:
        """Size the columns to the table's width; True if any changed."""
        table: DataTable = self  # type: ignore[assignment]
        if table.size.width == 0 or not table.columns:
            return False
        # Room for the vertical scrollbar is kept whether or not it shows yet: it appears as
        # rows arrive, after this is measured, and must not push the last column off screen.
        inner = (table.size.width - table.styles.gutter.width
                 - table.styles.scrollbar_size_vertical - table._row_label_column_width)
        # Columns added without a width are measured here, and then given the width measured:
        # DataTable's own content widths only ever grow (a page dropped from a register's
        # window leaves its widths behind) and are measured after this runs.
        measured = self._fit_measured
        measured.update(key for key, column in table.columns.items() if column.auto_width)
        managed = {ColumnKey(k) for k in (self.fit_title, *(n for n, _ in self.fit_narrow)) if k}
        managed = (managed | measured) & set(table.columns)
        natural = {key: (self.fit_natural(key) if key in managed else column.width)
                   for key, column in table.columns.items()}
        widths = fit_widths(inner, natural,
                            ColumnKey(self.fit_title) if self.fit_title else None,
                            [(ColumnKey(k), v) for k, v in self.fit_narrow],
                            2 * table.cell_padding,
                            [(key, self._longest(key)) for key in managed
                             if key.value != self.fit_title])
        changed = False
        for key in managed:
            column = table.columns[key]
            if column.auto_width or column.width != widths[key]:
                column.auto_width = False
                column.width = widths[key]
                changed = True
        if changed:
            table._update_count += 1  # the row caches are keyed on it
            table._clear_caches()
        return changed

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # Rows came or went: size the columns before the table measures its own width.
        self.fit_columns()
        super()._update_dimensions(new_rows)  # type: ignore[misc]

    def on_resize(self) -> None:
        if self.fit_columns():
            super()._update_dimensions([])  # type: ignore[misc]
            self.refresh()  # type: ignore[attr-defined]


class DeskTable(Tagging, FitColumns, DataTable):
    """A task list (columns() gives its columns): the title, then who holds it, widen into a
    wide terminal up to their longest cell and never below their declared widths while there
    is room; on a small terminal they and the step narrow so the due date and the holder stay
    on screen. Rows can be tagged (widgets/tagging.py) where the screen lists the table."""

    COMMAND_IDS = TAG_COMMANDS

    def __init__(self, *args: Any, stretch: Sequence[str] = STRETCH,
                 narrow: Narrow = TASK_NARROW, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stretch = tuple(stretch)
        self.fit_title = self.stretch[0] if self.stretch else None
        self.fit_narrow = tuple(narrow)
        self._declared: dict[ColumnKey, int] = {}  # the widths the columns were added with

    def fit_natural(self, key: ColumnKey) -> int:
        column = self.columns[key]
        declared = self._declared.setdefault(key, column.width)
        if key.value in self.stretch:  # as wide as the longest cell, at least as declared
            return max(declared, self._longest(key))
        return declared
