"""One leave request of a department head (SPEC §7; Part 3 §22): who, when, where, why, every
hop, and the keys the engine offers now — 同意 (or 同意并报区长), 不予准假 with its reason,
销假 with the return date, 催办 of the holder."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.flow_detail import FlowDetailScreen
from govdesk.screens.triage import remind_holders
from govdesk.services import inbox as inbox_service
from govdesk.services import leave
from govdesk.services.leave import views
from govdesk.services.vocab import leave_states as states
from govdesk.widgets import badge
from govdesk.widgets.timeline import TimelineTable


class LeaveDetailScreen(FlowDetailScreen):
    HOWTO = "howto.leave_detail"  # F1's how-to (screens/help.py)
    KIND = leave.KIND
    TIMELINE_TITLE = "leave.timeline"
    DONE_MESSAGE = "leave.done"
    # 同意 and 同意并报区长 are one key: the engine offers the one of the request's grade.
    ACTION_NAMES = {"forward": "approve"}
    COMMAND_IDS = ("leave.back", "leave.approve", "leave.refuse", "leave.cancel_leave",
                   "leave.remind", "flow.hand_back")

    def compose_info(self) -> ComposeResult:
        yield Static(id="fields")

    def load(self, actor, record_open: bool):
        return leave.get(actor, self.doc_id, record_open=record_open)

    def plain_view(self, actor, record, hops: list) -> views.LeaveDetail:
        return views.detail_view(actor, record)

    def show(self, doc: views.LeaveDetail, tasks: list) -> None:
        self.sub_title = t("leave.detail_title", title=doc.title)
        path = " → ".join(term(s) for s in (
            ("分管审批", "区长审批", "销假") if doc.grade == states.HEAD else ("分管审批", "销假")))
        lines = [
            t("leave.shown_state", state=term(doc.state)),
            t("leave.shown_person", name=doc.person, unit=doc.unit,
              grade=term(doc.grade)),
            t("leave.shown_period", start=f"{doc.starts_on:%Y-%m-%d}",
              end=f"{doc.ends_on:%Y-%m-%d}", days=doc.days),
            t("leave.shown_destination", place=doc.destination),
            t("leave.shown_reason", reason=doc.reason),
        ]
        if doc.contact:
            lines.append(t("leave.shown_contact", contact=doc.contact))
        lines.append(t("leave.shown_path", path=path))
        lines.append(t("leave.shown_registered", who=doc.registered_by,
                       at=f"{doc.created_at:%Y-%m-%d %H:%M}"))
        if doc.returned_on:
            lines.append(t("leave.shown_returned", day=f"{doc.returned_on:%Y-%m-%d}"))
        text = Text("\n".join(lines))
        timeline = self.query_one("#timeline", TimelineTable)
        today = self.actor.today
        for hop in self.waiting:  # where it is now, and by when (a late 销假 says so)
            label = inbox_service.OVERDUE if hop.due and hop.due < today else (
                inbox_service.TODAY if hop.due == today else "")
            text.append("\n" + t("leave.shown_waiting", step=term(hop.step),
                                  who=timeline.who(hop)) + " ")
            text.append_text(badge.deadline(label, hop.due))
        self.query_one("#fields", Static).update(text)

    def _mine(self):
        return self.my_task()

    def action_approve(self) -> None:
        task = self._mine()
        if task is None or self.doc is None:
            return
        key = "leave.forward_title" if "forward" in self.offered else "leave.approve_title"
        self.open_modal(FieldsModal(
            t(key, title=self.doc.title),
            lambda v: leave.approve(self.actor, task.id, v["opinion"]),
            [Field("opinion", t("leave.f_opinion"), t("engine.action.approve"))],
            draft=("task", task.id)))

    def action_refuse(self) -> None:
        task = self._mine()
        if task is None or self.doc is None:
            return
        self.open_modal(FieldsModal(
            t("leave.refuse_title", title=self.doc.title),
            lambda v: leave.refuse(self.actor, task.id, v["reason"]),
            [Field("reason", t("leave.f_refuse_reason"))], draft=("task", task.id)))

    def action_cancel_leave(self) -> None:
        task = self.my_task("销假")
        if task is None or self.doc is None:
            return
        self.open_modal(FieldsModal(
            t("leave.cancel_title", title=self.doc.title),
            lambda v: leave.cancel_leave(self.actor, task.id, v["returned_on"]),
            [Field("returned_on", t("leave.f_returned_on"), f"{self.actor.today:%Y-%m-%d}")],
            note=t("leave.date_hint")))

    def action_remind(self) -> None:
        """催办 every holder still holding it at once, all ticked (screens/triage.py)."""
        if self.doc is not None:
            remind_holders(self, self.KIND, self.doc_id, self.doc.title, then=self.refresh_data)


registry.register(leave.KIND, lambda app, rid: app.push_screen(LeaveDetailScreen(rid)))
