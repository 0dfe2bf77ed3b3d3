"""Tagging rows of a list, as mutt does: ``space`` tags or untags the row under the cursor and
moves down, ``T`` tags every row shown (or, when some are tagged, clears them all), ``;``
asks the screen to act on the tagged (screens/triage.py).

Mixed into DeskTable and PagedTable (before FitColumns). A tagged row shows a mark that needs
no colour — "●" at the start of its first cell — and is drawn bold. Tags are kept by row key
(a task's or a record's id), not by position: a refresh, a page read or dropped, another
user's change leave them on their records. What a tag stands for is the screen's to say
(``tag_item(table_id, key)``, read when the row is tagged, so a record paged out of view is
still known); a table tags only where its screen lists it (``TAG_TABLES``), so the same
widget in a log or a directory ignores the keys.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets._data_table import RowRenderables

from govdesk.commands import HasCommands

MARK = "●"
TAGGED_STYLE = "bold"
COMMAND_IDS = ("tags.toggle", "tags.all", "tags.act")


class TagsChanged(Message):
    """A table's tags changed (the screen updates the count in its title)."""

    def __init__(self, table: Any) -> None:
        super().__init__()
        self.table = table


class ActOnTagged(Message):
    """``;``: act on the table's tagged rows."""

    def __init__(self, table: Any) -> None:
        super().__init__()
        self.table = table


class Tagging(HasCommands):
    """The tagging half of a list (module docstring). The concrete table class lists
    ``COMMAND_IDS`` above in its own COMMAND_IDS (Textual reads bindings from widget classes
    only)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tags: dict[str, Any] = {}  # row key → what the screen said it stands for
        self._mark_room = 0  # cells the first column was widened by for the mark

    # ------------------------------------------------------------------ which tables tag

    @property
    def taggable(self) -> bool:
        try:
            tables = getattr(self.screen, "TAG_TABLES", {})  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - not on a screen yet
            return False
        return bool(self.id) and self.id in tables  # type: ignore[attr-defined]

    def available_commands(self) -> set[str]:
        out = super().available_commands()
        if not self.taggable:
            out -= set(COMMAND_IDS)
        return out

    # ------------------------------------------------------------------ the tags

    def _key_at_cursor(self) -> str | None:
        table: Any = self
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _item(self, key: str) -> Any:
        ask = getattr(self.screen, "tag_item", None)  # type: ignore[attr-defined]
        return ask(self.id, key) if ask is not None else key  # type: ignore[attr-defined]

    def _row_keys(self) -> list[str]:
        table: Any = self
        return [table.coordinate_to_cell_key((row, 0)).row_key.value
                for row in range(table.row_count)] if table.columns else []

    def set_tags(self, tags: dict[str, Any]) -> None:
        self.tags = dict(tags)
        self._tags_changed()

    def untag(self, keys: Any) -> None:
        """Drop these keys' tags (the items a bulk action did)."""
        gone = {str(k) for k in keys}
        self.set_tags({k: v for k, v in self.tags.items() if k not in gone})

    def action_toggle_tag(self) -> None:
        key = self._key_at_cursor()
        if key is None:
            return
        if key in self.tags:
            del self.tags[key]
        else:
            item = self._item(key)
            if item is None:
                return
            self.tags[key] = item
        self._tags_changed()
        self.action_cursor_down()  # type: ignore[attr-defined]

    def action_tag_all(self) -> None:
        if self.tags:
            self.set_tags({})
            return
        tags = {}
        for key in self._row_keys():
            item = self._item(key)
            if item is not None:
                tags[key] = item
        self.set_tags(tags)

    def action_act_on_tagged(self) -> None:
        self.post_message(ActOnTagged(self))  # type: ignore[attr-defined]

    def _make_room(self) -> None:
        """While any row is tagged the first column is wider by the mark, so the mark pushes
        nothing off its cell ("[今日到期] 11-26" stays whole)."""
        table: Any = self
        room = len(MARK) + 1 if self.tags else 0
        if room == self._mark_room or not table.columns:
            return
        first = table.ordered_columns[0]
        delta, self._mark_room = room - self._mark_room, room
        if first.key not in getattr(self, "_fit_measured", set()) and not first.auto_width:
            first.width = max(0, first.width + delta)  # a declared width (task lists)
        table._update_dimensions([])  # measured ones: _longest below

    def _longest(self, key: Any) -> int:
        # A measured first column (a register's number) is as wide as its longest cell and the
        # mark: FitColumns measures the cells as added, and never narrows a column below this.
        longest = super()._longest(key)  # type: ignore[misc]
        table: Any = self
        if self._mark_room and table.columns and key == table.ordered_columns[0].key:
            longest += self._mark_room
        return longest

    def _tags_changed(self) -> None:
        table: Any = self
        self._make_room()
        table._update_count += 1  # the row caches are keyed on it
        table._clear_caches()
        table.refresh()
        self.post_message(TagsChanged(self))  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ drawing

    def _compute_row_renderables(self, row_index: int) -> Any:
        row = super()._compute_row_renderables(row_index)  # type: ignore[misc]
        if row_index < 0 or not self.tags:
            return row
        table: Any = self
        key = table._row_locations.get_key(row_index)
        if key is None or key.value not in self.tags:
            return row
        cells = [_tagged(cell, first=i == 0) for i, cell in enumerate(row.cells)]
        return RowRenderables(row.label, cells)


def _tagged(cell: Any, *, first: bool) -> Any:
    """A tagged row's cell: bold, the first one marked. A cell the table wraps to cut it to
    its column (desk_table.Cut) is marked inside and wrapped again."""
    inner = getattr(cell, "text", cell)
    if not isinstance(inner, Text):
        return cell
    text = inner.copy()
    text.stylize(TAGGED_STYLE)
    if first:
        text = Text.assemble((MARK + " ", "bold"), text)
    return type(cell)(text) if inner is not cell else text
