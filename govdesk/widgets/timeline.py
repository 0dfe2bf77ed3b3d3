"""Every hop of a flow in one table: step, who (代 when standing in), received, read, acted.

Steps are stored Simplified and shown in the user's language (i18n.term); opinions and notes
are what people wrote and are shown as written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from govdesk.i18n import t, term
from govdesk.models import Person, Section, Task

STATE_STYLES = {"waiting": "bold yellow", "done": "green", "returned": "green",
                "cancelled": "dim", "skipped": "dim"}


def _when(value: datetime | None) -> str:
    return f"{value:%m-%d %H:%M}" if value else ""


class TimelineTable(DataTable):
    """Read-only; ``show(tasks)`` replaces the rows, keyed by task id."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self._people: dict[int, str] = {}
        self._sections: dict[int, str] = {}

    def on_mount(self) -> None:
        self.add_column(t("incoming.tl_step"), key="step")
        self.add_column(t("incoming.tl_who"), key="who")
        self.add_column(t("incoming.tl_received"), key="received")
        self.add_column(t("incoming.tl_read"), key="read")
        self.add_column(t("incoming.tl_acted"), key="acted")
        self.add_column(t("incoming.tl_state"), key="state")
        self.add_column(t("incoming.tl_opinion"), key="opinion")

    def person_name(self, pid: int | None) -> str:
        if pid is None:
            return ""
        if pid not in self._people:
            p = Person.get_or_none(Person.id == pid)
            self._people[pid] = p.name if p else "?"
        return self._people[pid]

    def _section(self, sid: int | None) -> str:
        if sid is None:
            return ""
        if sid not in self._sections:
            s = Section.get_or_none(Section.id == sid)
            self._sections[sid] = s.name if s else "?"
        return self._sections[sid]

    def who(self, task: Task) -> str:
        if task.holder_id is not None:
            who = self.person_name(task.holder_id)
            if task.acting_for_id is not None:
                who += t("incoming.tl_acting", name=self.person_name(task.acting_for_id))
        else:
            who = self._section(task.holder_section_id)
            if task.acted_by_id is not None:
                who += f"/{self.person_name(task.acted_by_id)}"
        return who

    def show(self, tasks: Sequence[Task]) -> None:
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
