"""A DataTable fed one page at a time from SQL (keyset pagination).

A register grows without bound; the built-in DataTable takes seconds to first draw 10,000
rows, so this one asks its loader for ``page_size`` rows after the last key it has and fetches
the next page only when the cursor nears the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.widgets import DataTable

# loader(after_key, limit) -> list of (key, cells)
Loader = Callable[[Any, int], Sequence[tuple[Any, Sequence[Any]]]]


class PagedTable(DataTable):
    def __init__(self, loader: Loader | None = None, *, page_size: int = 200, **kwargs: Any):
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.loader = loader
        self.page_size = page_size
        self._last_key: Any = None
        self._exhausted = False
        self._loading = False

    def reload(self, loader: Loader | None = None) -> None:
        """Start again from the first page, keeping the cursor on the same row if it is still there."""
        if loader is not None:
            self.loader = loader
        keep = None
        if self.row_count and self.cursor_row < self.row_count:
            keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        self._loading = True  # clear() moves the cursor, and the watcher would load a page
        try:
            self.clear()
        finally:
            self._loading = False
        self._last_key = None
        self._exhausted = False
        self.load_more()
        if keep is not None:
            try:
                self.move_cursor(row=self.get_row_index(keep))
            except Exception:  # the row left this page or the list
                pass

    def show_first_page(self, rows: Sequence[tuple[Any, Sequence[Any]]]) -> None:
        """Like ``reload``, with the first page already read (by a screen's worker); later
        pages still come from the loader as the cursor nears the end."""
        keep = None
        if self.row_count and self.cursor_row < self.row_count:
            keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        self._loading = True  # neither clear() nor add_row() may load a page meanwhile
        try:
            self.clear()
            self._last_key = None
            for key, cells in rows:
                self.add_row(*cells, key=str(key))
                self._last_key = key
            self._exhausted = len(rows) < self.page_size
        finally:
            self._loading = False
        if keep is not None:
            try:
                self.move_cursor(row=self.get_row_index(keep))
            except Exception:  # the row left this page or the list
                pass

    def load_more(self) -> int:
        if self._exhausted or self._loading or self.loader is None:
            return 0
        # add_row can move the cursor, whose watcher calls back here: load each page once.
        self._loading = True
        try:
            rows = self.loader(self._last_key, self.page_size)
            for key, cells in rows:
                self.add_row(*cells, key=str(key))
                self._last_key = key
            if len(rows) < self.page_size:
                self._exhausted = True
        finally:
            self._loading = False
        return len(rows)

    def watch_cursor_coordinate(self, old, new) -> None:  # type: ignore[override]
        super().watch_cursor_coordinate(old, new)
        if not self._exhausted and new.row >= self.row_count - 10:
            self.load_more()

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
