"""One 发文: its fields, 首页标注, the review chain, who signs and why, every hop, revisions,
dispatch records and 差错 — and the actions of the user's current step.

Each action is one key that opens a small modal; keys the user may not use now are hidden
(check_action), so the footer and F1 list exactly the current choices.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.flow_detail import FlowDetailScreen
from govdesk.screens.outgoing import view
from govdesk.screens.outgoing.modals import (
    CompareScreen,
    DispatchModal,
    ErrorModal,
    Field,
    FieldsModal,
)
from govdesk.services import export_folder, exporting, office_files, outgoing
from govdesk.services.errors import ValidationError
from govdesk.services.outgoing import views
from govdesk.widgets.timeline import TimelineTable

DRAFT_STEPS = ("起草", "修改")
RESIGN = "重新签发"


class OutgoingDetailScreen(FlowDetailScreen):
    HOWTO = "howto.outgoing_detail"  # F1's how-to (screens/help.py)
    KIND = outgoing.KIND
    TIMELINE_TITLE = "outgoing.timeline_title"
    DONE_MESSAGE = "outgoing.done"
    ACTION_NAMES = {"assign_number": "number", "print": "print_doc"}
    COMMAND_IDS = ("outgoing.back", "outgoing.edit", "outgoing.submit", "outgoing.approve",
                   "outgoing.register_signed", "outgoing.number", "outgoing.first_read",
                   "outgoing.send_back", "outgoing.record_error", "outgoing.print_doc",
                   "outgoing.dispatch", "outgoing.change", "outgoing.written_date",
                   "outgoing.backflow", "outgoing.compare", "record.export")
    DEFAULT_CSS = """
    OutgoingDetailScreen #info { height: 3fr; }
    OutgoingDetailScreen #timeline { height: 2fr; }
    """

    def export_offers(self) -> list:
        """E: the 公文 itself in the GB/T 9704 layout, once it has its 文号 (the service refuses
        it before, saying why)."""
        if self.doc is None:
            return []
        return [exporting.file_offer(
            "gongwen", t("exporting.gongwen_what", number=self.doc.number or "—",
                         title=self.doc.title),
            export_folder.stem(self.doc.number or self.doc.title),
            office_files.Request(record=str(self.doc_id)),
            # 7.2.1 份号 is printed on secret copies only; 7.3.7 附注 on any
            asks=("copy_no", "note") if self.doc.secrecy else ("note",))]

    def compose_info(self) -> ComposeResult:
        for name in ("status", "chain", "fields", "body", "records"):
            yield Static(id=name)

    def load(self, actor, record_open: bool):
        return outgoing.get(actor, self.doc_id, record_open=record_open)

    def plain_view(self, actor, record, hops: list) -> views.OutgoingDetail:
        return views.detail_view(actor, record)

    def show(self, doc: views.OutgoingDetail, tasks: list) -> None:
        self.sub_title = f"{doc.number or t('outgoing.no_number')} {doc.title}"
        timeline = self.query_one("#timeline", TimelineTable)
        self.query_one("#status", Static).update(self._status(doc, timeline))
        self.query_one("#chain", Static).update(view.chain_text(doc, tasks, timeline))
        self.query_one("#fields", Static).update(view.fields_table(doc))
        self.query_one("#body", Static).update(view.body_text(doc))
        self.query_one("#records", Static).update(view.records_text(doc))

    def _status(self, doc: views.OutgoingDetail, timeline: TimelineTable) -> Text:
        text = Text()
        text.append(f"{term(doc.state)}  ", style="bold")
        text.append(t("outgoing.number_line", number=doc.number or t("outgoing.no_number")),
                    style="bold cyan" if doc.number else "dim")
        if not doc.number and doc.number_preview:
            text.append(" " + t("outgoing.number_preview", number=doc.number_preview),
                        style="dim cyan")
        if doc.marking:
            text.append("  " + t("outgoing.marking", text=doc.marking), style="bold red")
        if doc.backflow:
            text.append("  " + t("outgoing.backflow_flag"), style="bold yellow")
        holders = t("outgoing.sep").join(timeline.who(task) for task in self.waiting)
        text.append("\n" + t("outgoing.holders_now", names=holders or t("common.none")))
        if self.my_tasks:
            steps = t("outgoing.sep").join(term(task.step) for task in self.my_tasks)
            text.append("\n" + t("outgoing.my_turn", steps=steps), style="bold green")
        return text

    # ------------------------------------------------------------------ actions

    def _review_task(self):
        reviews = {s.name for s in (self.doc.chain if self.doc else ())} | {RESIGN}
        return next((task for task in self.my_tasks if task.step in reviews), None)

    def action_edit(self) -> None:
        from govdesk.screens.outgoing.form import OutgoingFormScreen

        self.app.push_screen(OutgoingFormScreen(self.doc_id), lambda _: self.refresh_data())

    def action_submit(self) -> None:
        task = self.my_task(*DRAFT_STEPS)
        if task is None or self.doc is None:
            return
        rule = self.doc.signer
        self.open_modal(FieldsModal(
            t("outgoing.act_submit"), lambda v: outgoing.submit(self.actor, task.id), [],
            note=t("outgoing.submit_note", rank=rule.rank, reason=rule.reason)),
            t("outgoing.submitted"))

    def action_approve(self) -> None:
        task = self._review_task()
        if task is None:
            return
        self.open_modal(FieldsModal(
            t("outgoing.approve_title", step=term(task.step)),
            lambda v: outgoing.approve(self.actor, task.id, v["opinion"]),
            [Field("opinion", t("outgoing.opinion"))], note=task.note, draft=("task", task.id)))

    def action_send_back(self) -> None:
        task = self._review_task()
        if task is None:
            return
        self.open_modal(FieldsModal(
            t("outgoing.send_back_title", step=term(task.step)),
            lambda v: outgoing.send_back(self.actor, task.id, v["comments"]),
            [Field("comments", t("outgoing.comments"))], draft=("task", task.id)),
            t("outgoing.sent_back"))

    def action_record_error(self) -> None:
        task = self._review_task() or self.my_task("复核登记")
        if task is None or self.doc is None:
            return

        def apply(v: dict) -> object:
            return outgoing.record_error(self.actor, self.doc_id, v["category"],
                                         section=v["section"], person=v["person"],
                                         note=v["note"], step=task.step)

        # By default the draft's own section (or the one that reviews a department's draft)
        # and its drafter.
        section = self.doc.drafting_section or self.doc.review_section
        self.open_modal(ErrorModal(t("outgoing.act_record_error"), apply,
                                   section=section.code if section else None,
                                   person=self.doc.drafter.login),
                        t("outgoing.error_recorded"))

    def action_register_signed(self) -> None:
        task = self.my_task("复核登记")
        if task is not None:
            self.open_modal(FieldsModal(
                t("outgoing.act_register_signed"),
                lambda v: outgoing.register_signed(self.actor, task.id, v["note"]),
                [Field("note", t("outgoing.recheck_note"))]))

    def action_number(self) -> None:
        task = self.my_task("编号")
        if task is None or self.doc is None:
            return

        def apply(v: dict) -> object:
            doc = outgoing.assign_number(self.actor, task.id)
            self.app.notify(t("outgoing.numbered", number=doc.number))
            return doc

        note = t("outgoing.number_note", issuer=term(self.doc.issuer))
        if self.doc.number_preview:
            note += "\n" + t("outgoing.number_preview_note", number=self.doc.number_preview)
        self.open_modal(FieldsModal(t("outgoing.act_number"), apply, [], note=note), "")

    def action_print_doc(self) -> None:
        task = self.my_task("印制")
        if task is None or self.doc is None:
            return
        today = self.actor.today

        def apply(v: dict) -> object:
            try:
                when = date.fromisoformat(v["print_date"].strip()) if v["print_date"].strip() \
                    else None
            except ValueError:
                raise ValidationError(t("outgoing.p_date"), t("outgoing.date_format")) from None
            copies = v["copies"].strip()
            return outgoing.print_document(self.actor, task.id, print_org=v["print_org"],
                                           print_date=when,
                                           copies=int(copies) if copies.isdigit() else copies)

        self.open_modal(FieldsModal(t("outgoing.act_print"), apply, [
            Field("print_org", t("outgoing.p_org"), self.doc.default_print_org),
            Field("print_date", t("outgoing.p_date"), today.isoformat()),
            Field("copies", t("outgoing.p_copies"), str(self.doc.copies or "")),
        ]))

    def action_first_read(self) -> None:
        task = self.my_task("第一读者")
        if task is not None:
            self.open_modal(FieldsModal(
                t("outgoing.act_first_read"),
                lambda v: outgoing.first_reader_signoff(self.actor, task.id, v["opinion"]),
                [Field("opinion", t("outgoing.read_opinion"))], draft=("task", task.id)))

    def action_dispatch(self) -> None:
        task = self.my_task("分发")
        if task is not None and self.doc is not None:
            self.open_modal(DispatchModal(self.doc, lambda rows: outgoing.dispatch(
                self.actor, task.id, rows)), t("outgoing.dispatched"))

    def action_change(self) -> None:
        from govdesk.screens.outgoing.form import OutgoingFormScreen

        self.app.push_screen(OutgoingFormScreen(self.doc_id, change_mode=True),
                             lambda _: self.refresh_data())

    def action_written_date(self) -> None:
        def apply(v: dict) -> object:
            try:
                when = date.fromisoformat(v["written"].strip())
            except ValueError:
                raise ValidationError(t("outgoing.f_written"), t("outgoing.date_format")) \
                    from None
            return outgoing.set_written_date(self.actor, self.doc_id, when)

        self.open_modal(FieldsModal(t("outgoing.act_written_date"), apply, [
            Field("written", t("outgoing.f_written"), self.actor.today.isoformat())]))

    def action_backflow(self) -> None:
        self.open_modal(FieldsModal(
            t("outgoing.act_backflow"),
            lambda v: outgoing.report_backflow(self.actor, self.doc_id, v["note"]),
            [Field("note", t("outgoing.backflow_where"))], note=t("outgoing.backflow_note")),
            t("outgoing.backflow_recorded"))

    def action_compare(self) -> None:
        if self.doc is not None and self.doc.revisions:
            self.app.push_screen(CompareScreen(self.doc_id, list(self.doc.revisions)))


registry.register("outgoing", lambda app, rid: app.push_screen(OutgoingDetailScreen(rid)))
