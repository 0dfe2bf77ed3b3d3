"""A DataTable whose title (and holder) columns take the room the terminal has.

Task lists give every column a fixed width (automatic widths go wrong when rows arrive in a
table that started empty), which cut a 30-character title at 22 characters even on a 200-column
terminal. This table widens the columns it is told to, in order (the title first, then who holds
it), into whatever width the others leave free: never past the column's longest cell and never
below the width it was declared with, so 80×24 keeps its layout (and its horizontal scroll)
while a wide terminal shows whole titles and whole names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from govdesk.i18n import t

# Column keys as columns() below names them.
STRETCH = ("col_title", "col_holder", "col_note")


def columns(table: DataTable, *cols: tuple[str, int | None]) -> DataTable:
    """Give a table its columns (catalog key, width) before it is mounted; rows by cursor.
    Each column's key is the catalog key's last part (``home.col_title`` → ``col_title``)."""
    table.cursor_type = "row"
    table.zebra_stripes = True
    for key, width in cols:
        table.add_column(t(key), width=width, key=key.rsplit(".", 1)[-1])
    return table


def _cell_width(cell: Any) -> int:
    return cell_len(getattr(cell, "plain", str(cell)))


class DeskTable(DataTable):
    def __init__(self, *args: Any, stretch: Sequence[str] = STRETCH, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stretch = tuple(stretch)
        self._declared: dict[ColumnKey, int] = {}  # the widths the columns were added with

    def _stretch(self) -> bool:
        """Size the stretching columns to the table's width; True if any changed."""
        if self.size.width == 0:
            return False
        # Room for the vertical scrollbar is kept whether or not it shows yet: it appears as
        # rows arrive, after this is measured, and must not push the last column off screen.
        inner = (self.size.width - self.styles.gutter.width - self.styles.scrollbar_size_vertical
                 - self._row_label_column_width)
        stretching = [(ColumnKey(n), self.columns[ColumnKey(n)]) for n in self.stretch
                      if ColumnKey(n) in self.columns and not self.columns[ColumnKey(n)].auto_width]
        before = [column.width for _, column in stretching]
        for key, column in stretching:  # start from the declared widths, then share the room out
            column.width = self._declared.setdefault(key, column.width)
        for key, column in stretching:
            declared = self._declared[key]
            others = sum(c.get_render_width(self) for k, c in self.columns.items() if k != key)
            room = inner - others - 2 * self.cell_padding
            longest = max((_cell_width(cell) for cell in self.get_column(key)), default=0)
            column.width = max(declared, min(room, longest))
        changed = before != [column.width for _, column in stretching]
        if changed:
            self._update_count += 1  # the row caches are keyed on it
            self._clear_caches()
        return changed

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # Rows came or went: size the columns before the table measures its own width.
        self._stretch()
        super()._update_dimensions(new_rows)

    def on_resize(self) -> None:
        if self._stretch():
            super()._update_dimensions([])
            self.refresh()
