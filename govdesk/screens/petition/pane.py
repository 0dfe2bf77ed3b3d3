"""The 督查室 screen's 信访 tab (SPEC §9; issue 13 item 2): the cases still open, the late first —
[逾期] when late on the district's 5/10-day answer or on a statutory clock — each with its
channel, [重复] on a repeat, and the days left of its nearest clock. Enter opens a case, ``n``
registers one, ``c`` records a call to the 直线电话受理中心, ``u`` 催办 (the case's own, logged),
``w`` compiles the briefing; Space tags and ``;`` 催办 every tagged case.

Petitioners are masked for the reader in the service (services/petition/open_cases.py reads the
register's rows). ``PetitionPane`` is mixed into the SupervisionScreen (screens/supervision.py),
before the other panes: ``n`` and ``w`` there mean this tab's only while it shows.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label, TabbedContent

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.services import bulk, petition
from govdesk.services import inbox as inbox_service
from govdesk.services.petition import open_cases as open_service
from govdesk.widgets import badge
from govdesk.widgets.desk_table import DeskTable, columns

PETITION_PANES = ("petitions",)
PETITION_TABLE = "sup-petitions"
PETITION_TAG_TABLES = {PETITION_TABLE: "sup-petitions-title"}
PETITION_COMMANDS = ("supervision.new_petition", "supervision.petition_call",
                     "supervision.petition_briefing", "supervision.open_petition")
# The keys this tab shares with the screen's others (n: a 督查事项, w: a draft).
SHARED = {"supervision.new_item", "section.new_draft"}

PETITION_COLUMNS = (("petition.col_number", 14), ("petition.col_channel", 8),
                    ("petition.col_title", 30), ("petition.col_petitioner", 10),
                    ("petition.col_state", 6), ("petition.col_due", 16),
                    ("petition.col_left", 14))
# On a small terminal the channel, the state, then the number give way (Enter shows them).
PETITION_NARROW = (("col_channel", 0), ("col_state", 0), ("col_number", 0))


def left_text(case: open_service.OpenCase) -> Text:
    """The days left of the nearest clock: working days for the district's, else days."""
    if case.left is None:
        return Text("—", style="dim")
    if case.left < 0:
        key = "petition.left_over_working" if case.working else "petition.left_over"
        return Text(t(key, n=-case.left), style="bold red")
    key = "petition.left_working" if case.working else "petition.left_days"
    return Text(t(key, n=case.left), style="yellow" if case.left <= 1 else "")


def due_text(case: open_service.OpenCase, today) -> Text:
    """The nearest deadline; [逾期] before it when the case is late on any clock."""
    row = case.row
    if row.late or (row.due is not None and row.due < today):
        mark = Text(t("petition.overdue"), style="bold red")
        return mark if row.due is None else Text.assemble(mark, f" {row.due:%m-%d}")
    if row.due is None:
        return Text("")
    return badge.deadline(inbox_service.TODAY if row.due == today else "", row.due)


def urge_case(node, case_id: int, number: str, then=None) -> None:
    """催办 of a case: its note, then the 催办 logged on the task the case waits on."""
    app = node.app
    done_ok: list[bool] = []

    def apply(values: dict) -> None:  # in a worker
        petition.urge(app.actor(), case_id, values["note"])
        done_ok.append(True)

    def closed(ok: bool | None) -> None:
        if ok and done_ok:
            app.notify(t("petition.urged", number=number))
        if then is not None:
            then()

    app.push_screen(FieldsModal(t("petition.urge_title", number=number), apply,
                                [Field("note", t("petition.f_urge_note"),
                                       t("petition.urge_default"))]), closed)


class PetitionPane:
    """Mixed into the SupervisionScreen (a TabbedSectionScreen with Triage)."""

    def compose_petition_pane(self, pane: str) -> ComposeResult:
        if pane == "petitions":
            yield Label(id="sup-petitions-title", classes="panel-title")
            yield columns(DeskTable(id=PETITION_TABLE, narrow=PETITION_NARROW),
                          *PETITION_COLUMNS)

    def petitions_showing(self) -> bool:
        return self.active_pane() == "petitions"

    def petition_commands(self, ids: set[str]) -> set[str]:
        """The tab's keys while it shows; the keys it shares with the others' otherwise."""
        if self.petitions_showing():
            return ids - SHARED
        return ids - set(PETITION_COMMANDS)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        super().on_tabbed_content_tab_activated(event)
        self.refresh_bindings()

    # ---- the data ----

    def load_petitions(self, actor) -> dict:
        """Worker thread: the open cases, masked for the reader."""
        return {"petitions": open_service.open_cases(actor)}

    def show_petitions(self, data: open_service.OpenCases | None) -> None:
        if data is None:
            return
        today = self.actor.today
        table = self.query_one(f"#{PETITION_TABLE}", DataTable)
        keep = table.cursor_row
        table.clear()
        self._petition_numbers = {}
        for case in data.cases:
            r = case.row
            title = (t("petition.repeat_mark") if r.repeat else "") + r.title
            table.add_row(r.number, term(r.channel), title,
                          r.petitioner or t("petition.anonymous"), term(r.state),
                          due_text(case, today), left_text(case), key=str(r.id))
            self._petition_numbers[str(r.id)] = r.number
        if data.cases:
            table.move_cursor(row=min(keep, len(data.cases) - 1))
        self.query_one("#sup-petitions-title", Label).update(t(
            "petition.pane_title", n=len(data.cases), more="+" if data.more else "",
            late=data.late))

    # ---- keys ----

    def _petition_key(self) -> str | None:
        table = self.query_one(f"#{PETITION_TABLE}", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == PETITION_TABLE:
            event.stop()
            event.prevent_default()
            self.action_open_petition()
            return
        super().on_data_table_row_selected(event)

    def action_open_petition(self) -> None:
        key = self._petition_key()
        if key is not None:
            registry.open_record(self.app, petition.KIND, int(key))

    def action_remind(self) -> None:
        """u on the 信访 tab: 催办 of the case under the cursor (its own, logged); elsewhere
        as the other tabs do."""
        focused = self.focused
        if not (isinstance(focused, DataTable) and focused.id == PETITION_TABLE):
            super().action_remind()
            return
        key = self._petition_key()
        if key is not None:
            urge_case(self, int(key), getattr(self, "_petition_numbers", {}).get(key, ""),
                      then=self.refresh_data)

    def action_new_petition(self) -> None:
        from govdesk.screens.petition.register import new_petition

        new_petition(self.app, lambda _ok: self.refresh_data())

    def action_petition_call(self) -> None:
        from govdesk.screens.petition.register import new_call

        new_call(self.app, lambda _ok: self.refresh_data())

    def action_petition_briefing(self) -> None:
        from govdesk.screens.petition.register import new_briefing

        new_briefing(self.app)

    # ---- triage (screens/triage.py) ----

    def tag_item(self, table_id: str, key: str) -> bulk.Item | None:
        if table_id == PETITION_TABLE:
            return bulk.Item(petition.KIND, int(key))
        return super().tag_item(table_id, key)

    def bulk_actions(self, table_id: str) -> tuple[str, ...]:
        """信访 tagged: 催办 each (the case's own 催办, services.petition.urge)."""
        if table_id == PETITION_TABLE:
            return (bulk.REMIND,)
        return super().bulk_actions(table_id)
