"""One 人大常委会 special work report (SPEC §11; Part 2 §5(二)): the letter, the reporting
department and the 人大's dates, the report, the committee's opinions and their handling, every
hop, and the keys the engine offers now. The department's work is registered by 督查室."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.flow_detail import FlowDetailScreen
from govdesk.screens.triage import remind_holders
from govdesk.services import inbox as inbox_service
from govdesk.services import special_report
from govdesk.widgets import badge
from govdesk.widgets.timeline import TimelineTable


@dataclass(frozen=True)
class ReportView:
    title: str
    letter_number: str
    letter: str
    meeting_on: date | None
    state: str
    department: str
    report_due: date | None
    report: str
    sent_on: date | None
    opinions: str
    opinions_due: date | None
    handling: str
    registered_by: str


class SpecialReportDetailScreen(FlowDetailScreen):
    HOWTO = "howto.special_report_detail"
    KIND = special_report.KIND
    TIMELINE_TITLE = "special_report.timeline"
    DONE_MESSAGE = "suggestion.done"
    ACTION_NAMES = {"review_pass": "review", "forward": "review", "no_opinions": "opinions"}
    COMMAND_IDS = ("special_report.back", "special_report.notify",
                   "special_report.submit_report", "special_report.review",
                   "special_report.approve", "special_report.send_back",
                   "special_report.send_report", "special_report.opinions",
                   "special_report.report_back", "special_report.remind", "flow.hand_back")

    def compose_info(self) -> ComposeResult:
        yield Static(id="fields")

    def load(self, actor, record_open: bool):
        return special_report.get(actor, self.doc_id, record_open=record_open)

    def plain_view(self, actor, row, hops: list) -> ReportView:
        return ReportView(
            row.title, row.letter_number, row.letter, row.meeting_on, row.state,
            row.department.short if row.department_id else "", row.report_due, row.report,
            row.sent_on, row.opinions, row.opinions_due, row.handling, row.registered_by.name)

    def show(self, doc: ReportView, tasks: list) -> None:
        self.sub_title = t("special_report.detail_title", title=doc.title)
        day = lambda d: f"{d:%Y-%m-%d}" if d else "—"  # noqa: E731
        lines = [t("suggestion.shown_state", state=term(doc.state)),
                 t("special_report.shown_letter", number=doc.letter_number,
                   meeting=day(doc.meeting_on))]
        if doc.letter:
            lines.append(doc.letter)
        if doc.department:
            lines.append(t("special_report.shown_department", unit=term(doc.department),
                           due=day(doc.report_due)))
        if doc.report:
            lines.append(t("special_report.shown_report", text=doc.report))
        if doc.sent_on:
            lines.append(t("special_report.shown_sent", day=day(doc.sent_on)))
        if doc.opinions:
            lines.append(t("special_report.shown_opinions", text=doc.opinions,
                           due=day(doc.opinions_due)))
        if doc.handling:
            lines.append(t("special_report.shown_handling", text=doc.handling))
        text = Text("\n".join(lines))
        timeline = self.query_one("#timeline", TimelineTable)
        today = self.actor.today
        for hop in self.waiting:
            label = inbox_service.OVERDUE if hop.due and hop.due < today else (
                inbox_service.TODAY if hop.due == today else "")
            text.append("\n" + t("suggestion.shown_waiting", step=term(hop.step),
                                  who=timeline.who(hop)) + " ")
            if hop.due:
                text.append_text(badge.deadline(label, hop.due))
        self.query_one("#fields", Static).update(text)

    def _step_modal(self, steps: tuple[str, ...], key: str, apply, fields: list[Field],
                    note: str = "") -> None:
        task = next((x for x in self.my_tasks if x.step in steps), None)
        if task is None or self.doc is None:
            return
        self.open_modal(FieldsModal(t(key, title=self.doc.title), lambda v: apply(task, v),
                                    fields, note=note, draft=("task", task.id)))

    def _today(self) -> str:
        return f"{self.actor.today:%Y-%m-%d}"

    def action_notify(self) -> None:
        self._step_modal(("通知",), "special_report.notify_title",
                         lambda task, v: special_report.notify(
                             self.actor, task.id, department=v["department"],
                             report_due=v["report_due"]),
                         [Field("department", t("special_report.f_department")),
                          Field("report_due", t("special_report.f_report_due"))],
                         note=t("leave.date_hint"))

    def action_submit_report(self) -> None:
        self._step_modal(("报送",), "special_report.submit_title",
                         lambda task, v: special_report.submit_report(
                             self.actor, task.id, v["report"], v["on"]),
                         [Field("report", t("special_report.f_report")),
                          Field("on", t("special_report.f_unit_date"), self._today())])

    def action_review(self) -> None:
        self._step_modal(("初审", "把关"), "special_report.review_title",
                         lambda task, v: special_report.review(
                             self.actor, task.id, passed=True, opinion=v["opinion"]),
                         [Field("opinion", t("special_report.f_opinion"),
                                t("suggestion.review_ok"))])

    def action_approve(self) -> None:
        self._step_modal(("阅批",), "special_report.approve_title",
                         lambda task, v: special_report.approve(
                             self.actor, task.id, opinion=v["opinion"]),
                         [Field("opinion", t("special_report.f_opinion"),
                                t("engine.action.approve"))])

    def action_send_back(self) -> None:
        def apply(task, v):
            if task.step == "阅批":
                return special_report.approve(self.actor, task.id, agreed=False,
                                              opinion=v["opinion"])
            return special_report.review(self.actor, task.id, passed=False,
                                         opinion=v["opinion"])
        self._step_modal(("初审", "阅批", "把关"), "special_report.send_back_title", apply,
                         [Field("opinion", t("special_report.f_opinion"))])

    def action_send_report(self) -> None:
        self._step_modal(("印送",), "special_report.send_title",
                         lambda task, v: special_report.send_report(self.actor, task.id, v["on"]),
                         [Field("on", t("special_report.f_sent_on"), self._today())])

    def action_opinions(self) -> None:
        self._step_modal(("审议意见",), "special_report.opinions_title",
                         lambda task, v: special_report.opinions(
                             self.actor, task.id, v["opinions"], v["due"]),
                         [Field("opinions", t("special_report.f_opinions")),
                          Field("due", t("special_report.f_opinions_due"))],
                         note=t("special_report.opinions_note"))

    def action_report_back(self) -> None:
        self._step_modal(("研究处理",), "special_report.report_back_title",
                         lambda task, v: special_report.report_back(
                             self.actor, task.id, v["handling"], v["on"]),
                         [Field("handling", t("special_report.f_handling")),
                          Field("on", t("special_report.f_unit_date"), self._today())])

    def action_remind(self) -> None:
        if self.doc is not None:
            remind_holders(self, self.KIND, self.doc_id, self.doc.title, then=self.refresh_data)


registry.register(special_report.KIND,
                  lambda app, rid: app.push_screen(SpecialReportDetailScreen(rid)))
