"""What every record's detail screen shares: load it (with its clearance check), its flow's
timeline, who holds it, my waiting tasks, the actions they allow, and the hop line.

It loads like every desk screen (screens/base.py, DESIGN "The UI thread never waits"): the
worker's ``load_data`` reads the record through its module's service (``load``), the engine's
``available_actions`` and ``timeline``, and the module's plain view of the record
(``plain_view``: a frozen dataclass of its services' ``views`` module, every name resolved);
on the first load it also marks my waiting tasks read. ``show_data`` fills the timeline and the info panel
(``show``) from that plain data only, and the actions open their modals with it.

Which actions are open now comes from the engine (``engine.available_actions``: what the
service would accept from this user now), and each is one key whose modal calls a service.
Keys the user may not use now are hidden (check_action), so the footer and F1 list exactly
the current choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from govdesk.commands import REGISTRY, commands_of
from govdesk.i18n import t, term
from govdesk.screens.base import DeskScreen, note_change
from govdesk.services.engine import core as engine
from govdesk.services.errors import ServiceError
from govdesk.widgets.timeline import TimelineTable


@dataclass(frozen=True)
class DetailData:
    """What one load of a detail screen hands to ``show_data``."""

    view: Any  # the module's plain view of the record (a frozen dataclass)
    hops: tuple[engine.Hop, ...]  # its flow's timeline
    offered: tuple[engine.Available, ...]  # what this user may do now


class FlowDetailScreen(DeskScreen):
    COMMAND_IDS = ("flow.hand_back",)
    KIND = ""  # the flow kind: "incoming", "outgoing" …
    TIMELINE_TITLE = ""  # catalog key of the timeline's heading
    DONE_MESSAGE = ""  # catalog key of the notice after an action
    DEFAULT_CSS = """
    FlowDetailScreen #info { height: 1fr; padding: 0 1; }
    FlowDetailScreen #info > Static { height: auto; }
    FlowDetailScreen #timeline { height: 1fr; min-height: 5; }
    FlowDetailScreen #hop { height: auto; width: 100%; background: $boost; padding: 0 1; }
    FlowDetailScreen .panel-title { background: $boost; text-style: bold; width: 100%;
                                    padding: 0 1; }
    """

    def __init__(self, doc_id: int) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.doc = None  # the module's plain view of the record, once shown
        self.offered: set[str] = set()  # the engine's own action ids open now
        self._opened = False  # the first load (audited opening, 已阅) has been asked for
        self.my_tasks: list = []
        self.waiting: list = []
        self.available: set[str] = set()
        self._tasks: list = []
        self.hand_backs: list = []  # tasks held 代 whose leader is back, that I may hand back

    # ------------------------------------------------------------------ for subclasses

    def compose_info(self) -> ComposeResult:
        """The Static widgets inside the scrolling info panel."""
        yield from ()

    def load(self, actor, record_open: bool):
        """Worker: the record through its service (clearance checked, a secret opening
        audited when ``record_open``)."""
        raise NotImplementedError

    def plain_view(self, actor, record, hops: list) -> Any:
        """Worker: the module's plain view of ``record`` (its services' ``views``)."""
        raise NotImplementedError

    def show(self, doc, tasks: list) -> None:
        """UI thread: fill the info panel from the plain view once the tasks and my tasks are
        known."""

    # ------------------------------------------------------------------ shared

    def compose_body(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="info"):
                yield from self.compose_info()
            yield Label(t(self.TIMELINE_TITLE), classes="panel-title", id="tl-title")
            yield TimelineTable(id="timeline")
            yield Static(id="hop")

    def setup(self) -> None:
        super().setup()
        self.query_one("#timeline", TimelineTable).focus()

    # Engine action ids whose screen action (key) has another name: several actions of one
    # step may share a key and its modal (受理/转办/退文 → the intake modal).
    ACTION_NAMES: dict[str, str] = {}

    def data_query(self) -> bool:
        """Whether this is the first load: only that one is an opening (audited, 已阅). A
        refresh is not a new opening: auditing it again would make two users with the same
        secret record open wake each other's refresh forever."""
        first, self._opened = not self._opened, True
        return first

    def load_data(self, actor, first: bool) -> DetailData:
        record = self.load(actor, record_open=first)
        offered = engine.available_actions(actor, self.KIND, record.id)
        if first:
            mine = sorted({a.task_id for a in offered
                           if a.task_id is not None and a.action != "hand_back"})
            try:
                if engine.mark_read(actor, self.KIND, mine):
                    note_change(self)  # 已阅 now: the lists behind load again when shown
            except ServiceError:
                pass  # only the 已阅 mark is lost (e.g. the database is busy)
        hops = engine.timeline(self.KIND, record.id, actor)
        return DetailData(self.plain_view(actor, record, hops), tuple(hops), tuple(offered))

    def load_failed(self, error: ServiceError) -> None:
        """No clearance, the record gone, the database busy: say so and go back."""
        self.app.notify(str(error), severity="error")
        self.doc = None
        if self.is_current:
            self.app.pop_screen()

    def show_data(self, data: DetailData) -> None:
        hops = list(data.hops)
        self.doc = data.view
        self._tasks = hops
        self.waiting = [hop for hop in hops if hop.state == "waiting"]
        offered = data.offered
        mine = {a.task_id for a in offered if a.task_id is not None and a.action != "hand_back"}
        backs = {a.task_id for a in offered if a.action == "hand_back"}
        self.my_tasks = [hop for hop in self.waiting if hop.id in mine]
        self.hand_backs = [hop for hop in self.waiting if hop.id in backs]
        self.offered = {a.action for a in offered}
        self.available = {self.ACTION_NAMES.get(a, a) for a in self.offered}
        self.query_one("#timeline", TimelineTable).show(hops)
        self.show(data.view, hops)
        self.refresh_bindings()

    def available_commands(self) -> set[str]:
        """The one place a detail screen's keys, footer, F1 and palette learn what the user may
        do now: the engine's ``available_actions`` for this record (read at each refresh into
        ``self.available``, through ACTION_NAMES — check_action runs on every repaint, too often
        to ask the services), 交还 while a leader is back, and going back."""
        out = {cid for cid in commands_of(type(self))
               if REGISTRY[cid].action in self.available or REGISTRY[cid].action == "back"}
        if self.hand_backs:
            out.add("flow.hand_back")
        if "record.export" in commands_of(type(self)) and self.doc is not None:
            out.add("record.export")
        return out

    def on_data_table_row_highlighted(self, event) -> None:
        """The highlighted hop's whole opinion, wrapping (the table cuts long ones at 80
        columns)."""
        timeline = self.query_one("#timeline", TimelineTable)
        task = next((x for x in self._tasks if x.id == timeline.selected_task_id()), None)
        if task is not None:
            self.query_one("#hop", Static).update(Text.assemble(
                (t("common.hop_line", step=term(task.step), who=timeline.who(task)), "bold"),
                task.opinion or task.note or ""))

    def my_task(self, *steps: str):
        """My waiting task at one of ``steps`` (any step if none given)."""
        return next((task for task in self.my_tasks if not steps or task.step in steps), None)

    def open_modal(self, modal, message: str | None = None) -> None:
        def done(ok: bool | None) -> None:
            if ok:
                self.app.notify(message or t(self.DONE_MESSAGE))
            self.refresh_data()

        self.app.push_screen(modal, done)

    def action_hand_back(self) -> None:
        """代 ends: the highlighted task held for a leader now back (else the first such task)
        goes to that leader."""
        from govdesk.screens.fields_modal import FieldsModal

        if not self.hand_backs:
            return
        timeline = self.query_one("#timeline", TimelineTable)
        chosen = timeline.selected_task_id()
        task = next((x for x in self.hand_backs if x.id == chosen), self.hand_backs[0])
        leader = task.acting_for
        self.open_modal(
            FieldsModal(t("common.hand_back_title", step=term(task.step), leader=leader),
                        lambda _values: engine.hand_back(self.actor, self.KIND, task.id), [],
                        note=t("common.hand_back_note", holder=timeline.who(task),
                               leader=leader)),
            t("common.handed_back", leader=leader))

    def action_back(self) -> None:
        self.app.pop_screen()
