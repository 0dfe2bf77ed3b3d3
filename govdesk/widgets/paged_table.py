"""A DataTable fed one page at a time from SQL (keyset pagination), holding a bounded window.

A register grows without bound, and the built-in DataTable lays out every row it holds again
whenever rows are added (about 0.3 s a page past 100,000 rows). So this one holds at most
``window_pages`` pages: moving down past the window's end reads the page below (older rows)
and drops the top page; moving up past its start reads the page above and drops the bottom
one (a page read while the cursor went the other way never drops the cursor's own row: the
window holds a page more until the next read). The cursor stays on its record as pages come
and go, and every step costs one page read and one window drawn, however long the register.
``Home`` and ``End`` go to the register's first (newest) and last (oldest) row with one page
read. A cursor move that runs past the window while a page is on its way is carried out when
it comes, so keys typed in a burst all count.

The loader is given a ``Page`` (the newest, the rows below or above a key, or the oldest) and
returns its rows, newest first (or in the order the register is sorted by), as ``(key,
cells)``: a key is what the loader needs to read on from that row — an id, or a sorted
register's ``Cursor`` (services/register_sort.py: the id and the row's sort value) — and its
``str`` is the row's key in the table. With ``threaded=True`` it runs in a
worker thread (the UI thread never waits for the database): it must not touch widgets — it
reads what the screen stored when it showed the first page — and a page that arrives after
the table started again (a new first page, Home, End) is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual._two_way_dict import TwoWayDict  # as DataTable.sort orders rows (8.2.8 pinned)
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from govdesk.commands import HasCommands
from govdesk.services.errors import ServiceError
from govdesk.services.session import in_worker
from govdesk.widgets.desk_table import FitColumns, Narrow
from govdesk.widgets.tagging import COMMAND_IDS as TAG_COMMANDS
from govdesk.widgets.tagging import Tagging

Row = tuple[Any, Sequence[Any]]


@dataclass(frozen=True)
class Page:
    """Which page a loader reads, at most ``limit`` rows, newest first: the newest page
    (nothing else given), the rows older than ``before``, the rows newer than ``after``, or
    the oldest page (``oldest``)."""

    limit: int
    before: Any = None
    after: Any = None
    oldest: bool = False

    def keyset_args(self) -> dict[str, Any]:
        """The services' keyset arguments (``register_page``, ``audit.browse``): ids start at
        1, so the page above id 0 is the oldest page."""
        return {"before_id": self.before, "after_id": 0 if self.oldest else self.after,
                "limit": self.limit}


Loader = Callable[[Page], Sequence[Row]]

# What a read asks for: the page below the window, the page above it, or a new window —
# the register's first page (Home), its last (End), or the pages around a record.
BELOW, ABOVE, FIRST, LAST, AROUND = "below", "above", "first", "last", "around"


@dataclass(frozen=True)
class _Read:
    rows: list[Row]
    at_top: bool | None  # None: this read does not tell
    at_bottom: bool | None


def read_pages(loader: Loader, what: str, key: Any, limit: int) -> _Read:
    """The rows a move needs, in one or two page reads (worker thread, or inline)."""
    if what == BELOW:
        rows = list(loader(Page(limit, before=key)))
        return _Read(rows, None, len(rows) < limit)
    if what == ABOVE:
        rows = list(loader(Page(limit, after=key)))
        return _Read(rows, len(rows) < limit, None)
    if what == FIRST:
        rows = list(loader(Page(limit)))
        return _Read(rows, True, len(rows) < limit)
    if what == LAST:
        rows = list(loader(Page(limit, oldest=True)))
        return _Read(rows, len(rows) < limit, True)
    # AROUND: the page right above the record, then the page from the record down. A record
    # no longer in the list (another filter, or gone) gives the first page, as a new list.
    above = list(loader(Page(limit, after=key)))
    below = list(loader(Page(limit, before=above[-1][0]) if above else Page(limit)))
    if not any(str(k) == str(key) for k, _ in below):
        rows = below if not above else list(loader(Page(limit)))
        return _Read(rows, True, len(rows) < limit)
    return _Read(above + below, len(above) < limit, len(below) < limit)


class PagedTable(Tagging, HasCommands, FitColumns, DataTable):
    """``title``: the column that takes the room the others leave, cut with "…" on a narrow
    terminal; ``narrow``: the columns that may narrow there, and to how many cells
    (widgets/desk_table.py)."""

    COMMAND_IDS = ("register.first", "register.last", *TAG_COMMANDS)

    def __init__(self, loader: Loader | None = None, *, page_size: int = 200,
                 window_pages: int = 3, threaded: bool = False, title: str | None = None,
                 narrow: Narrow = (), **kwargs: Any):
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.fit_title = title
        self.fit_narrow = tuple(narrow)
        self.loader = loader
        self.page_size = page_size
        self.window_pages = max(2, window_pages)
        self.threaded = threaded
        self._rows: list[Row] = []  # the window, as shown
        self._at_top = True  # the window starts at the register's first row
        self._at_bottom = True  # … and ends at its last
        self._loading = False  # a read is on its way (one at a time)
        self._filling = False  # the window is being drawn: cursor moves load nothing
        self._pending = 0  # rows the cursor still has to move once the page it waits for comes
        self._epoch = 0  # bumped whenever the table starts again (a new window)

    @property
    def max_rows(self) -> int:
        return self.page_size * self.window_pages

    @property
    def at_top(self) -> bool:
        """The first row shown is the register's first (newest)."""
        return self._at_top

    @property
    def at_bottom(self) -> bool:
        """The last row shown is the register's last (oldest)."""
        return self._at_bottom

    @property
    def reading(self) -> bool:
        """A page is on its way."""
        return self._loading

    # ------------------------------------------------------------------ starting again

    def _current_key(self) -> Any:
        if self._rows and 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row][0]
        return None

    def _start_again(self) -> None:
        self._epoch += 1  # a page still on its way belongs to the old list
        self._loading = False
        self._pending = 0

    def reload(self, loader: Loader | None = None) -> None:
        """Start again, keeping the cursor on the same record if it is still there."""
        if loader is not None:
            self.loader = loader
        keep = self._current_key()
        self._start_again()
        self._read(FIRST if keep is None else AROUND, keep)

    def show_first_page(self, rows: Sequence[Row], keep: Any = None) -> None:
        """Like ``reload``, with the first page already read (by a screen's worker). The
        cursor goes to ``keep`` (a key), or stays on the record it is on; when that record is
        below the first page, the window around it is read by its key (the first page is not
        shown meanwhile, so the cursor does not jump to the top and back), and if it has left
        the list (another filter) the list starts at its first page."""
        if keep is None:
            keep = self._current_key()
        self._start_again()
        rows = list(rows)
        index = next((i for i, (key, _) in enumerate(rows) if str(key) == str(keep)), None)
        full = len(rows) >= self.page_size
        if keep is not None and index is None and full and self.loader is not None:
            self._read(AROUND, keep)
            return
        self._at_top, self._at_bottom = True, not full
        self._fill(rows, index or 0)

    # ------------------------------------------------------------------ reading pages

    def _read(self, what: str, key: Any = None) -> None:
        if self._loading or self.loader is None:
            return
        self._loading = True
        if self.threaded:
            work = partial(self._fetch, self.loader, self._epoch, what, key, self.page_size)
            self.run_worker(work, name="page", group="page", thread=True)
            return
        try:
            got, error = read_pages(self.loader, what, key, self.page_size), None
        except ServiceError as exc:
            got, error = None, exc
        self._arrived(self._epoch, what, key, got, error)

    def _fetch(self, loader: Loader, epoch: int, what: str, key: Any, limit: int) -> None:
        """Worker thread: the page(s); back on the UI thread, ``_arrived``."""
        try:
            got, error = in_worker(read_pages, loader, what, key, limit), None
        except Exception as exc:  # noqa: BLE001 - a ServiceError becomes a notice there
            got, error = None, exc
        try:
            self.app.call_from_thread(self._arrived, epoch, what, key, got, error)
        except RuntimeError:  # the app stopped meanwhile
            pass

    def _arrived(self, epoch: int, what: str, key: Any, got: _Read | None,
                 error: Exception | None) -> None:
        if epoch != self._epoch:
            return  # the table started again meanwhile (its _loading was reset then)
        self._loading = False
        if error is not None or got is None:
            self._pending = 0
            if not isinstance(error, ServiceError):
                raise error  # type: ignore[misc]
            self.notify(str(error), severity="error")
            return
        if what == BELOW:
            self._add_below(got)
        elif what == ABOVE:
            self._add_above(got)
        else:
            self._pending = 0
            self._at_top, self._at_bottom = bool(got.at_top), bool(got.at_bottom)
            if what == LAST:
                cursor = len(got.rows) - 1
            elif what == AROUND:
                cursor = next((i for i, (k, _) in enumerate(got.rows) if str(k) == str(key)),
                              0)
            else:
                cursor = 0
            self._fill(got.rows, cursor)
        self._prefetch()

    def _add_below(self, got: _Read) -> None:
        self._at_bottom = bool(got.at_bottom)
        drop = max(0, min(len(self._rows) + len(got.rows) - self.max_rows, self.cursor_row))
        if drop:
            self._at_top = False
        if got.rows:
            self._fill([*self._rows[drop:], *got.rows], self.cursor_row - drop, shift=-drop)
        self._move_pending()

    def _add_above(self, got: _Read) -> None:
        self._at_top = bool(got.at_top)
        cut = max(0, min(len(self._rows) + len(got.rows) - self.max_rows,
                         len(self._rows) - 1 - self.cursor_row))
        if cut:
            self._at_bottom = False
        if got.rows:
            window = [*got.rows, *self._rows[:len(self._rows) - cut]]
            self._fill(window, self.cursor_row + len(got.rows), shift=len(got.rows))
        self._move_pending()

    def _move_pending(self) -> None:
        steps, self._pending = self._pending, 0
        if steps:
            self._step(steps)

    def _prefetch(self) -> None:
        """Read the next page before the cursor reaches the window's edge."""
        if self._loading or self._filling or not self._rows:
            return
        margin = max(1, self.page_size // 2)
        row = self.cursor_row
        if not self._at_bottom and row >= len(self._rows) - margin:
            self._read(BELOW, self._rows[-1][0])
        elif not self._at_top and row < margin:
            self._read(ABOVE, self._rows[0][0])

    def _fill(self, rows: list[Row], cursor: int, shift: int | None = None) -> None:
        """Show ``rows`` as the window with the cursor on row ``cursor``. ``shift``: how many
        rows were added above the view (or, negative, dropped from the top), so the view
        stays where it was; None: a new window, scrolled to show the cursor."""
        x, y = self.scroll_x, self.scroll_y
        self._filling = True  # clear() and add_row() move the cursor, whose watcher would load
        try:
            if shift is None:
                self.clear()
                for key, cells in rows:
                    self.add_row(*cells, key=str(key))
            else:
                self._reshape(rows)
            self._rows = rows
            if rows:
                self.move_cursor(row=max(0, min(cursor, len(rows) - 1)), animate=False,
                                 scroll=shift is None)
        finally:
            self._filling = False
        if shift is not None and rows:
            self.call_after_refresh(self._scroll_back, x, max(0, y + shift))

    def _reshape(self, rows: list[Row]) -> None:
        """A page added at one end of the window and one dropped at the other: the rows kept
        stay as they are — DataTable measures only the rows added, not the whole window again
        — and the order is set in one step, as ``DataTable.sort`` does."""
        wanted = [str(key) for key, _ in rows]
        keep = set(wanted)
        kept = [str(key) for key, _ in self._rows if str(key) in keep]
        for key, _ in self._rows:
            if str(key) not in keep:
                del self.rows[RowKey(str(key))]
                del self._data[RowKey(str(key))]
        self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(kept)})
        known = set(kept)
        for key, cells in rows:
            if str(key) not in known:
                self.add_row(*cells, key=str(key))
        self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(wanted)})
        self._clear_caches()
        self._update_count += 1
        self._require_update_dimensions = True
        self.refresh(layout=True)

    def _scroll_back(self, x: float, y: float) -> None:
        self.scroll_to(x=x, y=y, animate=False, immediate=True)
        self._scroll_cursor_into_view()

    # ------------------------------------------------------------------ moving

    def _view_rows(self) -> int:
        height = self.scrollable_content_region.height
        return max(1, height - (self.header_height if self.show_header else 0))

    def _step(self, rows: int) -> None:
        """Move the cursor ``rows`` down (negative: up), past the window if need be."""
        if not self._rows or not rows:
            return
        if self._pending:  # already waiting for a page: this move comes after that one
            self._pending += rows
            return
        last = len(self._rows) - 1
        target = self.cursor_row + rows
        if target > last and not self._at_bottom:
            self._pending = target - last
            self.move_cursor(row=last)
            self._read(BELOW, self._rows[-1][0])
        elif target < 0 and not self._at_top:
            self._pending = target
            self.move_cursor(row=0)
            self._read(ABOVE, self._rows[0][0])
        else:
            self.move_cursor(row=max(0, min(target, last)))

    def _within(self, rows: int) -> bool:
        target = self.cursor_row + rows
        return not self._pending and (0 <= target < len(self._rows)
                                      or (target < 0 and self._at_top)
                                      or (target >= len(self._rows) and self._at_bottom))

    def action_cursor_down(self) -> None:
        if self._within(1):
            super().action_cursor_down()
        else:
            self._step(1)

    def action_cursor_up(self) -> None:
        if self._within(-1):
            super().action_cursor_up()
        else:
            self._step(-1)

    def action_page_down(self) -> None:
        if self._within(self._view_rows()):
            super().action_page_down()
        else:
            self._step(self._view_rows())

    def action_page_up(self) -> None:
        if self._within(-self._view_rows()):
            super().action_page_up()
        else:
            self._step(-self._view_rows())

    def action_first(self) -> None:
        """The register's first row (the newest): one page read, unless it is shown."""
        if self._at_top:
            self._pending = 0
            if self._rows:
                self.move_cursor(row=0)
            return
        self._start_again()
        self._read(FIRST)

    def action_last(self) -> None:
        """The register's last row (the oldest): one read of the oldest page."""
        if self._at_bottom:
            self._pending = 0
            if self._rows:
                self.move_cursor(row=len(self._rows) - 1)
            return
        self._start_again()
        self._read(LAST)

    def watch_cursor_coordinate(self, old, new) -> None:  # type: ignore[override]
        super().watch_cursor_coordinate(old, new)
        if not self._filling:
            self._prefetch()

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def keys_shown(self) -> list[Any]:
        """The keys of the window, top to bottom (as the loader gave them)."""
        return [key for key, _ in self._rows]
