"""One 督查事项 (SPEC §10): its kind, target, units and their 签收/反馈, status with its badges,
the reports, the 催办单 and every hop; the keys the engine offers now — 登记签收 and 登记反馈
for a unit (registered by 督查室 on its behalf), the lead unit's 办结报告, 确认办结 or 继续督办,
已阅批示, and on the item 登记批示, 催办 (a numbered 催办单) and 延期."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.flow_detail import FlowDetailScreen
from govdesk.services import inbox as inbox_service
from govdesk.services import supervision
from govdesk.services.supervision import views
from govdesk.widgets import badge


def status_text(status: str, badges: tuple[str, ...]) -> Text:
    """The status and its badges (滞后 red, 催办×N and 延期 yellow)."""
    style = {"滞后": "bold red", "已完成": "green", "推进中": "cyan"}.get(status, "")
    out = Text(term(status), style=style)
    for b in badges:
        if b == "滞后":
            continue
        out.append(" ")
        out.append(f"[{term(b)}]", style="yellow")
    return out


def urge_item(node, item_id: int, title: str, then=None) -> None:
    """催办 of an item: its note, then a numbered 催办单 (the number said when it is issued)."""
    app = node.app
    issued: list[str] = []

    def apply(values: dict) -> None:  # in a worker
        notice = supervision.urge(app.actor(), item_id, values["note"])
        issued.append(supervision.notice_number(notice))

    def done(ok: bool | None) -> None:
        if ok and issued:
            app.notify(t("supervision.urged", number=issued[-1]))
        if then is not None:
            then()

    app.push_screen(FieldsModal(t("supervision.urge_title", title=title), apply,
                                [Field("note", t("supervision.f_urge_note"))],
                                note=t("supervision.urge_note")), done)


class SupervisionItemScreen(FlowDetailScreen):
    HOWTO = "howto.supervision_item"
    KIND = supervision.KIND
    TIMELINE_TITLE = "supervision.timeline"
    DONE_MESSAGE = "supervision.done"
    COMMAND_IDS = ("supervision_item.back", "supervision_item.sup_sign",
                   "supervision_item.sup_report", "supervision_item.sup_final",
                   "supervision_item.sup_confirm", "supervision_item.sup_reopen",
                   "supervision_item.sup_noted", "supervision_item.sup_instruct",
                   "supervision_item.sup_urge", "supervision_item.sup_extend",
                   "flow.hand_back")

    def compose_info(self) -> ComposeResult:
        yield Static(id="fields")

    def load(self, actor, record_open: bool):
        return supervision.get(actor, self.doc_id, record_open=record_open)

    def plain_view(self, actor, record, hops: list) -> views.ItemDetail:
        return views.detail_view(actor, record)

    def show(self, doc: views.ItemDetail, tasks: list) -> None:
        row = doc.row
        self.sub_title = t("supervision.detail_title", number=row.number, title=row.title)
        text = Text()
        text.append(t("supervision.shown_kind", number=row.number, kind=term(row.kind)) + "  ")
        text.append_text(status_text(row.status, row.badges))
        if doc.onsite:
            text.append("  ")
            text.append(t("supervision.badge_onsite"), style="bold red")
        lines = [t("supervision.shown_progress", progress=row.progress,
                   due=f"{row.next_due:%Y-%m-%d}" if row.next_due else "—",
                   last=f"{row.latest_report_on:%Y-%m-%d}" if row.latest_report_on else "—")]
        if doc.target:
            lines.append(t("supervision.shown_target", text=doc.target))
        if doc.meeting_on:
            lines.append(t("supervision.shown_meeting", day=f"{doc.meeting_on:%Y-%m-%d}"))
        if doc.instructed_by:
            lines.append(t("supervision.shown_instruction", who=doc.instructed_by,
                           day=f"{doc.instructed_on:%Y-%m-%d}" if doc.instructed_on else "",
                           urgency=term(doc.urgency), text=doc.instruction))
        lines.append(t("supervision.shown_people", leader=row.leader or "—",
                       responsible=doc.responsible or "—", liaison=doc.liaison or "—"))
        for p in doc.parts:
            lines.append(t("supervision.shown_part", role=term(p.role), unit=term(p.unit),
                           signed=f"{p.signed_on:%m-%d}" if p.signed_on else t(
                               "supervision.not_signed"),
                           last=f"{p.last_report_on:%m-%d}" if p.last_report_on else "—",
                           n=p.reports))
        if doc.latest_report:
            lines.append(t("supervision.shown_latest", text=doc.latest_report))
        for n in doc.notices:
            lines.append(t("supervision.shown_notice", number=n.number, units=term(n.units),
                           by=n.issued_by, at=f"{n.issued_at:%m-%d}"))
        text.append("\n" + "\n".join(lines))
        for hop in self.waiting:
            text.append("\n" + t("supervision.shown_waiting", step=term(hop.step),
                                  note=term(hop.note)) + " ")
            if hop.due:
                today = self.actor.today
                label = (inbox_service.OVERDUE if hop.due < today
                         else inbox_service.TODAY if hop.due == today else "")
                text.append_text(badge.deadline(label, hop.due))
        self.query_one("#fields", Static).update(text)

    def _ask(self, title_key: str, apply, fields: list[Field], note: str = "",
               message: str | None = None) -> None:
        if self.doc is None:
            return
        self.open_modal(FieldsModal(t(title_key, title=self.doc.row.title), apply, fields,
                                    note=note), message)

    def _today(self) -> str:
        return f"{self.actor.today:%Y-%m-%d}"

    def action_sup_sign(self) -> None:
        task = self.my_task("签收")
        if task is None:
            return
        self._ask("supervision.sign_title",
                    lambda v: supervision.sign(self.actor, task.id, v["unit_date"]),
                    [Field("unit_date", t("supervision.f_unit_date"), self._today())],
                    note=t("supervision.sign_note", unit=term(task.note)))

    def _report_fields(self) -> list[Field]:
        units = [(term(p.unit), p.unit) for p in self.doc.parts] if self.doc else []
        return [Field("unit", t("supervision.f_unit"), units[0][1] if units else "",
                      choices=units),
                Field("text", t("supervision.f_report")),
                Field("progress", t("supervision.f_progress")),  # empty: as it was
                Field("status", t("supervision.f_status"), "推进中",
                      choices=[(term(s), s) for s in ("推进中", "滞后")]),
                Field("unit_date", t("supervision.f_unit_date"), self._today())]

    def action_sup_report(self) -> None:
        task = self.my_task("反馈")
        if task is None or self.doc is None:
            return
        self._ask("supervision.report_title",
                    lambda v: supervision.report(self.actor, task.id, v),
                    self._report_fields(), note=t("supervision.report_note"))

    def action_sup_final(self) -> None:
        task = self.my_task("反馈")
        if task is None or self.doc is None:
            return
        self._ask("supervision.final_title",
                    lambda v: supervision.final_report(self.actor, task.id, v),
                    [Field("text", t("supervision.f_report")),
                     Field("unit_date", t("supervision.f_unit_date"), self._today())],
                    note=t("supervision.final_note", unit=term(self.doc.parts[0].unit)))

    def action_sup_confirm(self) -> None:
        task = self.my_task("确认办结")
        if task is not None:
            self._ask("supervision.confirm_title",
                        lambda v: supervision.confirm(self.actor, task.id, v["opinion"]),
                        [Field("opinion", t("supervision.f_opinion"),
                               t("supervision.confirmed"))])

    def action_sup_reopen(self) -> None:
        task = self.my_task("确认办结")
        if task is not None:
            self._ask("supervision.reopen_title",
                        lambda v: supervision.reopen(self.actor, task.id, v["reason"]),
                        [Field("reason", t("supervision.f_reopen_reason"))])

    def action_sup_noted(self) -> None:
        task = self.my_task("阅批示")
        if task is not None:
            self._ask("supervision.noted_title",
                        lambda _v: supervision.noted(self.actor, task.id), [],
                        note=term(task.note))

    def action_sup_instruct(self) -> None:
        self._ask("supervision.instruct_title",
                    lambda v: supervision.add_instruction(self.actor, self.doc_id, v),
                    [Field("leader", t("supervision.f_instructed_by")),
                     Field("text", t("supervision.f_instruction")),
                     Field("day", t("supervision.f_instructed_on"), self._today())],
                    note=t("supervision.instruct_note"))

    def action_sup_urge(self) -> None:
        if self.doc is not None:
            urge_item(self, self.doc_id, self.doc.row.title, then=self.refresh_data)

    def action_sup_extend(self) -> None:
        self._ask("supervision.extend_title",
                    lambda v: supervision.extend(self.actor, self.doc_id, v),
                    [Field("new_due", t("supervision.f_new_due")),
                     Field("reason", t("supervision.f_extend_reason"))],
                    note=t("supervision.date_hint"))


registry.register(supervision.KIND,
                  lambda app, rid: app.push_screen(SupervisionItemScreen(rid)))
registry.register_reminder(supervision.KIND,
                           lambda node, rid, title, then: urge_item(node, rid, title, then=then))
