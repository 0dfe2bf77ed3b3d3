"""Every hop of a flow in one table: step, who (代 when standing in), received, read, acted.

Steps are stored Simplified and shown in the user's language (i18n.term); opinions and notes
are what people wrote and are shown as written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from govdesk.i18n import t, term
from govdesk.services.engine.core import Hop
from govdesk.widgets.desk_table import Remeasures

STATE_STYLES = {"waiting": "bold yellow", "done": "green", "returned": "green",
                "cancelled": "dim", "skipped": "dim"}


def _when(value: datetime | None) -> str:
    return f"{value:%m-%d %H:%M}" if value else ""


class TimelineTable(Remeasures, DataTable):
    """Read-only; ``show(hops)`` replaces the rows (the engine's plain timeline), keyed by task id."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)

    def on_mount(self) -> None:
        self.add_column(t("incoming.tl_step"), key="step")
        self.add_column(t("incoming.tl_who"), key="who")
        self.add_column(t("incoming.tl_received"), key="received")
        self.add_column(t("incoming.tl_read"), key="read")
        self.add_column(t("incoming.tl_acted"), key="acted")
        self.add_column(t("incoming.tl_state"), key="state")
        self.add_column(t("incoming.tl_opinion"), key="opinion")

    def who(self, hop: Hop) -> str:
        if not hop.by_section:
            who = hop.holder
            if hop.acting_for:
                who += t("incoming.tl_acting", name=hop.acting_for)
        else:
            who = hop.holder
            if hop.acted_by:
                who += f"/{hop.acted_by}"
        return who

    def show(self, tasks: Sequence[Hop]) -> None:
        keep = self.cursor_row
        self.clear()
        for task in tasks:
            state = Text(t(f"incoming.task_{task.state}"), style=STATE_STYLES.get(task.state, ""))
            if task.reminders:
                state.append(" " + t("common.reminded", n=task.reminders), style="red")
            opinion = (task.opinion or task.note or "").replace("\n", " ")
            self.add_row(term(task.step), self.who(task), _when(task.created_at), _when(task.read_at),
                         _when(task.acted_at), state, opinion, key=str(task.id))
        if tasks:
            self.move_cursor(row=min(keep, len(tasks) - 1))

    def selected_task_id(self) -> int | None:
        if not self.row_count:
            return None
        return int(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
