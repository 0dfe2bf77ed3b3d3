"""One NPC suggestion or CPPCC proposal (SPEC §11; Part 2 §5(一)): who proposed what, the lead
unit and co-units, the reply and its deadline, the feedback, every hop, and the keys the engine
offers now. Each unit's opinion and reply is registered here by 督查室 on the unit's behalf,
with the unit's own date."""

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
from govdesk.services import suggestion
from govdesk.services.suggestion import views
from govdesk.services.vocab import suggestion_states
from govdesk.widgets import badge
from govdesk.widgets.timeline import TimelineTable

NO, YES = "0", "1"


def _yes_no() -> list[tuple[str, object]]:
    return [(t("suggestion.no"), NO), (t("suggestion.yes"), YES)]


class SuggestionDetailScreen(FlowDetailScreen):
    HOWTO = "howto.suggestion_detail"
    KIND = suggestion.KIND
    TIMELINE_TITLE = "suggestion.timeline"
    DONE_MESSAGE = "suggestion.done"
    # Several engine actions share one key: the engine offers only those open now.
    ACTION_NAMES = {"review_pass": "review", "feedback_close": "feedback",
                    "feedback_adopted": "feedback", "feedback_redo": "feedback"}
    COMMAND_IDS = ("suggestion.back", "suggestion.assign", "suggestion.co_opinion",
                   "suggestion.submit", "suggestion.review", "suggestion.approve",
                   "suggestion.send_back", "suggestion.send_reply", "suggestion.feedback",
                   "suggestion.second_reply", "suggestion.implemented", "suggestion.extend",
                   "suggestion.remind", "flow.hand_back")

    def compose_info(self) -> ComposeResult:
        yield Static(id="fields")

    def load(self, actor, record_open: bool):
        return suggestion.get(actor, self.doc_id, record_open=record_open)

    def plain_view(self, actor, record, hops: list) -> views.SuggestionDetail:
        return views.detail_view(record)

    def show(self, doc: views.SuggestionDetail, tasks: list) -> None:
        self.sub_title = t("suggestion.detail_title", title=doc.title)
        lines = [
            t("suggestion.shown_state", state=term(doc.state)),
            t("suggestion.shown_proposer", source=term(doc.source), who=doc.proposer,
              group=doc.group or "—", session=doc.session or str(doc.year)),
            t("suggestion.shown_category", category=doc.category or "—"),
            t("suggestion.shown_body", body=doc.body),
        ]
        if doc.lead_unit:
            lines.append(t("suggestion.shown_units", lead=term(doc.lead_unit),
                           co="、".join(term(u) for u in doc.co_units) or "—"))
        if doc.reply_due:
            lines.append(t("suggestion.shown_due", assigned=f"{doc.assigned_on:%Y-%m-%d}",
                           due=f"{doc.reply_due:%Y-%m-%d}"))
        if doc.extension:
            lines.append(doc.extension)
        if doc.reply:
            lines.append(t("suggestion.shown_reply", reply=doc.reply, adopted=t(
                "suggestion.adopted_yes" if doc.adopted else "suggestion.adopted_no")))
        if doc.replied_on:
            lines.append(t("suggestion.shown_sent", day=f"{doc.replied_on:%Y-%m-%d}"))
        if doc.feedback:
            lines.append(t("suggestion.shown_feedback", verdict=term(doc.feedback)))
        if doc.implemented_on:
            lines.append(t("suggestion.shown_implemented",
                           day=f"{doc.implemented_on:%Y-%m-%d}"))
        lines.append(t("suggestion.shown_registered", who=doc.registered_by,
                       at=f"{doc.created_at:%Y-%m-%d %H:%M}"))
        text = Text("\n".join(lines))
        timeline = self.query_one("#timeline", TimelineTable)
        today = self.actor.today
        for hop in self.waiting:
            label = inbox_service.OVERDUE if hop.due and hop.due < today else (
                inbox_service.TODAY if hop.due == today else "")
            unit = f"（{term(hop.note)}）" if hop.note else ""
            text.append("\n" + t("suggestion.shown_waiting", step=term(hop.step) + unit,
                                  who=timeline.who(hop)) + " ")
            if hop.due:
                text.append_text(badge.deadline(label, hop.due))
        self.query_one("#fields", Static).update(text)

    # ------------------------------------------------------------------ the steps

    def _step_modal(self, step: str | tuple[str, ...], key: str, apply, fields: list[Field],
               note: str = "") -> None:
        steps = (step,) if isinstance(step, str) else step
        task = self._chosen(steps)
        if task is None or self.doc is None:
            return
        self.open_modal(FieldsModal(t(key, title=self.doc.title),
                                    lambda v: apply(task, v), fields, note=note,
                                    draft=("task", task.id)))

    def _chosen(self, steps: tuple[str, ...]):
        """My task at ``steps``: the one highlighted on the timeline if it is one, else the
        first (the co-units' round has one task per unit)."""
        timeline = self.query_one("#timeline", TimelineTable)
        chosen = timeline.selected_task_id()
        mine = [task for task in self.my_tasks if task.step in steps]
        return next((x for x in mine if x.id == chosen), mine[0] if mine else None)

    def _today(self) -> str:
        return f"{self.actor.today:%Y-%m-%d}"

    def action_assign(self) -> None:
        self._step_modal("交办", "suggestion.assign_title", lambda task, v: suggestion.assign(
            self.actor, task.id, lead=v["lead"], co=v["co"], category=v["category"],
            complex=v["complex"] == YES, approved_by=v["approved_by"], reason=v["reason"]), [
            Field("lead", t("suggestion.f_lead_unit")),
            Field("co", t("suggestion.f_co_units")),
            Field("category", t("suggestion.f_category"), self.doc.category if self.doc else ""),
            Field("complex", t("suggestion.f_complex"), NO, choices=_yes_no()),
            Field("approved_by", t("suggestion.f_approved_by")),
            Field("reason", t("suggestion.f_reason")),
        ], note=t("suggestion.assign_note"))

    def action_co_opinion(self) -> None:
        task = self._chosen(("协办意见",))
        unit = term(task.note) if task is not None else ""
        self._step_modal("协办意见", "suggestion.co_title", lambda task, v: suggestion.co_opinion(
            self.actor, task.id, v["opinion"], v["on"]), [
            Field("opinion", t("suggestion.f_co_opinion")),
            Field("on", t("suggestion.f_unit_date"), self._today()),
        ], note=t("suggestion.on_behalf", unit=unit))

    def action_submit(self) -> None:
        self._step_modal("拟复", "suggestion.submit_title", lambda task, v: suggestion.submit(
            self.actor, task.id, v["reply"], adopted=v["adopted"] == YES, on=v["on"]), [
            Field("reply", t("suggestion.f_reply")),
            Field("adopted", t("suggestion.f_adopted"), NO, choices=_yes_no()),
            Field("on", t("suggestion.f_unit_date"), self._today()),
        ], note=t("suggestion.on_behalf", unit=term(self.doc.lead_unit) if self.doc else ""))

    def action_review(self) -> None:
        self._step_modal("审核", "suggestion.review_title", lambda task, v: suggestion.review(
            self.actor, task.id, passed=True, opinion=v["opinion"]),
            [Field("opinion", t("suggestion.f_opinion"), t("suggestion.review_ok"))])

    def action_approve(self) -> None:
        self._step_modal("阅批", "suggestion.approve_title", lambda task, v: suggestion.approve(
            self.actor, task.id, opinion=v["opinion"]),
            [Field("opinion", t("suggestion.f_opinion"), t("engine.action.approve"))])

    def action_send_back(self) -> None:
        def apply(task, v):
            if task.step == "审核":
                return suggestion.review(self.actor, task.id, passed=False, opinion=v["opinion"])
            return suggestion.approve(self.actor, task.id, agreed=False, opinion=v["opinion"])
        self._step_modal(("审核", "阅批"), "suggestion.send_back_title", apply,
                    [Field("opinion", t("suggestion.f_opinion"))])

    def action_send_reply(self) -> None:
        self._step_modal("寄送", "suggestion.send_title", lambda task, v: suggestion.send_reply(
            self.actor, task.id, v["on"]), [Field("on", t("suggestion.f_sent_on"), self._today())])

    def action_feedback(self) -> None:
        self._step_modal("反馈", "suggestion.feedback_title", lambda task, v: suggestion.feedback(
            self.actor, task.id, v["verdict"], v["note"], v["on"]), [
            Field("verdict", t("suggestion.f_feedback"), suggestion_states.FEEDBACKS[0],
                  choices=[(term(f), f) for f in suggestion_states.FEEDBACKS]),
            Field("note", t("suggestion.f_note")),
            Field("on", t("suggestion.f_unit_date"), self._today()),
        ], note=t("suggestion.feedback_hint"))

    def action_second_reply(self) -> None:
        self._step_modal("重新答复", "suggestion.second_title", lambda task, v: suggestion.second_reply(
            self.actor, task.id, v["reply"], v["on"]), [
            Field("reply", t("suggestion.f_reply")),
            Field("on", t("suggestion.f_unit_date"), self._today()),
        ])

    def action_implemented(self) -> None:
        self._step_modal("落实", "suggestion.implemented_title", lambda task, v: suggestion.implemented(
            self.actor, task.id, v["note"], v["on"]), [
            Field("note", t("suggestion.f_implementation")),
            Field("on", t("suggestion.f_unit_date"), self._today()),
        ])

    def action_extend(self) -> None:
        if self.doc is None:
            return
        self.open_modal(FieldsModal(
            t("suggestion.extend_title", title=self.doc.title),
            lambda v: suggestion.extend(self.actor, self.doc_id, approved_by=v["approved_by"],
                                        reason=v["reason"]),
            [Field("approved_by", t("suggestion.f_approved_by")),
             Field("reason", t("suggestion.f_reason"))], note=t("suggestion.extend_note")))

    def action_remind(self) -> None:
        if self.doc is not None:
            remind_holders(self, self.KIND, self.doc_id, self.doc.title, then=self.refresh_data)


registry.register(suggestion.KIND,
                  lambda app, rid: app.push_screen(SuggestionDetailScreen(rid)))
