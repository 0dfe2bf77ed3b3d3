"""A DataTable fed one page at a time from SQL (keyset pagination).

A register grows without bound; the built-in DataTable takes seconds to first draw 10,000
rows, so this one asks its loader for ``page_size`` rows after the last key it has and fetches
the next page only when the cursor nears the end.

With ``threaded=True`` the loader runs in a worker thread (the UI thread never waits for the
database): it must not touch widgets — it reads what the screen stored when it showed the
first page — and a page that arrives after the table started again is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from textual.widgets import DataTable

from govdesk.services.errors import ServiceError
from govdesk.services.session import in_worker

# loader(after_key, limit) -> list of (key, cells)
Loader = Callable[[Any, int], Sequence[tuple[Any, Sequence[Any]]]]


class PagedTable(DataTable):
    def __init__(self, loader: Loader | None = None, *, page_size: int = 200,
                 threaded: bool = False, **kwargs: Any):
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.loader = loader
        self.page_size = page_size
        self.threaded = threaded
        self._last_key: Any = None
        self._exhausted = False
        self._loading = False
        self._epoch = 0  # bumped whenever the table starts again from the first page

    def reload(self, loader: Loader | None = None) -> None:
        """Start again from the first page, keeping the cursor on the same row if it is still there."""
        if loader is not None:
            self.loader = loader
        keep = None
        if self.row_count and self.cursor_row < self.row_count:
            keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        self._epoch += 1  # a page still on its way belongs to the old list
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
        self._epoch += 1  # a page still on its way belongs to the old list
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
        if self.threaded:
            self._loading = True
            work = partial(self._fetch, self.loader, self._epoch, self._last_key, self.page_size)
            self.run_worker(work, name="page", group="page", thread=True)
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

    def _fetch(self, loader: Loader, epoch: int, after: Any, limit: int) -> None:
        """Worker thread: the next page; back on the UI thread, ``_add_page``."""
        try:
            rows, error = in_worker(loader, after, limit), None
        except Exception as exc:  # noqa: BLE001 - a ServiceError becomes a notice there
            rows, error = [], exc
        try:
            self.app.call_from_thread(self._add_page, epoch, rows, error)
        except RuntimeError:  # the app stopped meanwhile
            pass

    def _add_page(self, epoch: int, rows, error: Exception | None) -> None:
        if epoch != self._epoch:
            return  # the table started again meanwhile (its _loading was reset then)
        self._loading = True  # add_row moves the cursor, whose watcher would ask again
        try:
            for key, cells in rows:
                self.add_row(*cells, key=str(key))
                self._last_key = key
            if error is None and len(rows) < self.page_size:
                self._exhausted = True
        finally:
            self._loading = False
        if error is not None:
            if not isinstance(error, ServiceError):
                raise error
            self.notify(str(error), severity="error")

    def watch_cursor_coordinate(self, old, new) -> None:  # type: ignore[override]
        super().watch_cursor_coordinate(old, new)
        if not self._exhausted and new.row >= self.row_count - 10:
            self.load_more()

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
