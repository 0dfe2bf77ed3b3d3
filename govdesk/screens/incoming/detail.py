"""One 收文: its register fields, intake warnings, every hop, who holds it, and what I may do.

Each action is one key that opens a small modal; the keys shown are only those the user may
take now (check_action), so the footer and F1 list exactly the current choices.
"""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import run_service
from govdesk.screens.flow_detail import FlowDetailScreen
from govdesk.screens.incoming.modals import ActionModal
from govdesk.screens.triage import remind_holders
from govdesk.services import exporting, incoming, office_files
from govdesk.services.errors import ServiceError
from govdesk.services.incoming import views
from govdesk.services.rules import rule
from govdesk.services.vocab import SECRECY_LEVELS
from govdesk.widgets.picker import PEOPLE, Picker
from govdesk.widgets.timeline import TimelineTable

READER_STEPS = (*incoming.READER_ACTIONS, "阅知")


class IncomingDetailScreen(FlowDetailScreen):
    HOWTO = "howto.incoming_detail"  # F1's how-to (screens/help.py)
    KIND = incoming.KIND
    TIMELINE_TITLE = "incoming.timeline_title"
    DONE_MESSAGE = "incoming.done"
    ACTION_NAMES = {"accept": "intake", "transfer": "intake", "reject": "intake",
                    "read": "read_return", "close": "close_doc"}
    COMMAND_IDS = ("incoming.back", "incoming.intake", "incoming.sign", "incoming.read_return",
                   "incoming.send_on", "incoming.close_doc", "incoming.archive",
                   "incoming.circulate", "incoming.remind", "incoming.lend",
                   "incoming.return_loan", "incoming.edit", "record.export")
    DEFAULT_CSS = """
    IncomingDetailScreen #warnings { color: $warning; }
    """

    def export_offers(self) -> list:
        """E: the 收文处理笺 that travels with the paper."""
        if self.doc is None:
            return []
        return [exporting.file_offer(
            "slip", t("exporting.slip_what", number=self.doc.number, title=self.doc.title),
            t("exporting.slip_stem", number=self.doc.number),
            office_files.Request(record=str(self.doc_id)))]

    def compose_info(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="warnings")
        yield Static(id="fields")

    def load(self, actor, record_open: bool):
        return incoming.get(actor, self.doc_id, record_open=record_open)

    def plain_view(self, actor, record, hops: list) -> views.IncomingDetail:
        return views.detail_view(actor, record, hops)

    def show(self, doc: views.IncomingDetail, tasks: list) -> None:
        self.sub_title = f"{doc.number} {doc.title}"
        self.query_one("#fields", Static).update(self._fields(doc))
        self.query_one("#warnings", Static).update(self._warnings(doc))
        self.query_one("#status", Static).update(self._status(doc, tasks))

    def _fields(self, doc: views.IncomingDetail) -> Table:
        grid = Table.grid(expand=True, padding=(0, 1))
        for _ in range(2):
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(ratio=1, overflow="fold")
        secrecy = term(SECRECY_LEVELS[doc.secrecy])
        if doc.secrecy and doc.secrecy_years:
            secrecy += t("incoming.years", n=doc.secrecy_years)
        leader = doc.addressed_leader
        yes, no = t("common.yes"), t("common.no")
        pairs = [
            ("number", doc.number), ("state", term(doc.state)),
            ("from_name", doc.from_name), ("doc_number", doc.doc_number),
            ("title", doc.title), ("doc_kind", term(doc.doc_kind)),
            ("secrecy", secrecy), ("urgency", term(doc.urgency)),
            ("received_on", doc.received_on.isoformat()),
            ("due", doc.due.isoformat() if doc.due else t("common.no_deadline")),
            ("copy_no", doc.copy_no), ("pages", str(doc.pages)),
            ("addressed_to", f"{term(doc.addressed_to)} {leader}".strip()),
            ("is_request", yes if doc.is_request else no),
            ("attachments", doc.attachments), ("files", doc.files),
            ("urging_person", doc.urging_person),
            ("intake", f"{term(doc.intake)} {doc.intake_reason}".strip()),
        ]
        if doc.transfer_unit:
            pairs.append(("transfer_unit", doc.transfer_unit))
        if doc.archive_no:
            pairs += [("retention", term(doc.retention)), ("archive_no", doc.archive_no)]
        for i in range(0, len(pairs), 2):
            row: list = []
            for key, value in pairs[i:i + 2]:
                row += [t(f"incoming.f_{key}"), Text(value)]
            grid.add_row(*row)
        if doc.summary:
            grid.add_row(t("incoming.f_summary"), Text(doc.summary), "", "")
        return grid

    def _warnings(self, doc: views.IncomingDetail) -> Text:
        warnings = doc.warnings
        if not warnings:
            return Text(t("incoming.no_warnings"), style="dim")
        text = Text(t("incoming.warnings_title") + "\n", style="bold")
        for w in warnings:
            text.append(t("incoming.warning_line", code=w.code, message=w.message,
                          suggestion=term(w.suggestion)) + "\n")
        if doc.exception:
            text.append(t("incoming.exception_line", name=term(doc.exception)) + "\n")
        if doc.special_reason:
            text.append(t("incoming.special_reason_line", text=doc.special_reason) + "\n")
        return text

    def _status(self, doc: views.IncomingDetail, tasks) -> Text:
        timeline = self.query_one("#timeline", TimelineTable)
        holders = t("incoming.sep").join(timeline.who(task) for task in self.waiting[:20])
        if len(self.waiting) > 20:
            holders += t("incoming.and_more", n=len(self.waiting))
        text = Text(t("incoming.holders_now", names=holders or t("common.none")), style="bold")
        status = doc.reading
        if status.total:
            still = t("incoming.sep").join(timeline.who(task) for task in status.waiting[:30])
            if len(status.waiting) > 30:
                still += t("incoming.and_more", n=len(status.waiting))
            text.append("\n" + t("incoming.reading_status", total=status.total,
                                 read=status.read, done=status.done,
                                 names=still or t("common.none")))
        for loan in doc.loans:
            back = (t("incoming.loan_returned", at=f"{loan.returned_at:%m-%d}")
                    if loan.returned_at else t("incoming.loan_due", due=f"{loan.due_back:%m-%d}"))
            text.append("\n" + t("incoming.loan_line", name=loan.borrower,
                                 at=f"{loan.lent_at:%m-%d}", back=back))
        if self.my_tasks:
            steps = t("incoming.sep").join(term(task.step) for task in self.my_tasks)
            text.append("\n" + t("incoming.my_turn", steps=steps), style="bold green")
        return text

    # ------------------------------------------------------------------ actions

    def action_intake(self) -> None:
        task = self.my_task("初审")
        if task is None or self.doc is None:
            return
        warnings = self.doc.warnings
        suggestion = warnings[0].suggestion if warnings else incoming.INTAKE_DECISIONS[0]
        note = "\n".join(f"({w.code}) {w.message}" for w in warnings)
        actor = self.actor
        # The unit as shown (views.UnitRef) or as picked (a directory row): both have a code.
        self.open_modal(ActionModal(
            t("incoming.act_intake"),
            lambda m: incoming.decide_intake(actor, task.id, m.choice, m.opinion,
                                             transfer_unit=getattr(m.unit, "code", m.unit)),
            note=escape(note), choices=[(term(d), d) for d in incoming.INTAKE_DECISIONS],
            choice=suggestion, opinion=t("incoming.reason"), unit=self.doc.remit_unit,
            with_unit=True, unit_when="转办", draft=("task", task.id)))

    def action_sign(self) -> None:
        task = self.my_task("签批")
        if task is None:
            return
        actor = self.actor

        def suggested(readers: list) -> None:  # the proposed readers, read in a worker
            if self.is_current:
                self.open_modal(ActionModal(
                    t("incoming.act_sign"),
                    lambda m: incoming.sign(actor, task.id, m.opinion, m.readers),
                    opinion=t("incoming.sign_opinion"), readers=readers,
                    draft=("task", task.id)))

        run_service(self, views.suggested_readers, actor, self.doc_id, done=suggested,
                    refused=self._refused, writes=False)

    def _refused(self, error: ServiceError) -> None:
        self.app.notify(str(error), severity="error")

    def action_read_return(self) -> None:
        task = self.my_task(*READER_STEPS)
        if task is None:
            return
        self.open_modal(ActionModal(
            t("incoming.act_read_return_step", step=term(task.step)),
            lambda m: incoming.reader_return(self.actor, task.id, m.opinion),
            note=escape(task.note), opinion=t("incoming.read_opinion"),
            draft=("task", task.id)))

    def action_send_on(self) -> None:
        task = self.my_task("分送")
        if task is None:
            return
        self.open_modal(ActionModal(
            t("incoming.act_send_on"),
            lambda m: incoming.send_on(self.actor, task.id, m.opinion, m.readers),
            opinion=t("incoming.send_note"), readers=[], draft=("task", task.id)))

    def action_close_doc(self) -> None:
        task = self.my_task("分送")
        if task is None:
            return
        self.open_modal(ActionModal(
            t("incoming.act_close"), lambda m: incoming.close(self.actor, task.id, m.opinion),
            opinion=t("incoming.close_note"), draft=("task", task.id)))

    def action_archive(self) -> None:
        task = self.my_task("归档")
        if task is None:
            return
        choices = list(rule("incoming", "retention"))
        self.open_modal(ActionModal(
            t("incoming.act_archive"),
            lambda m: incoming.archive(self.actor, task.id, str(m.choice)),
            choices=[(term(c), c) for c in choices], choice=choices[-1]))

    def action_circulate(self) -> None:
        def chosen(people: list | None) -> None:
            if not people:
                return

            def circulated(n: int) -> None:
                self.app.notify(t("incoming.circulated", n=n))
                self.refresh_data()

            run_service(self, incoming.circulate, self.actor, self.doc_id, people,
                        done=circulated, refused=self._refused)

        self.app.push_screen(Picker(PEOPLE, multi=True, with_sections=True,
                                    title=t("incoming.act_circulate")), chosen)

    def action_remind(self) -> None:
        """催办 every holder still holding it at once, all ticked (screens/triage.py)."""
        if self.doc is not None:
            remind_holders(self, self.KIND, self.doc_id, f"{self.doc.number} {self.doc.title}",
                           then=self.refresh_data)

    def action_lend(self) -> None:
        def chosen(items: list | None) -> None:
            if not items:
                return
            name = items[0].name

            def lent(loan) -> None:
                self.app.notify(t("incoming.lent", name=name, due=f"{loan.due_back:%m-%d}"))
                self.refresh_data()

            run_service(self, incoming.lend, self.actor, self.doc_id, items[0], done=lent,
                        refused=self._refused)

        self.app.push_screen(Picker(PEOPLE, title=t("incoming.act_lend")), chosen)

    def action_return_loan(self) -> None:
        loans = [loan for loan in (self.doc.loans if self.doc else ()) if loan.returned_at is None]
        if not loans:
            return
        choices = [(f"{loan.borrower} {loan.lent_at:%m-%d}", loan.id) for loan in loans]
        self.open_modal(ActionModal(
            t("incoming.act_return_loan"),
            lambda m: incoming.return_loan(self.actor, int(m.choice)),
            choices=choices, choice=loans[0].id))

    def action_edit(self) -> None:
        from govdesk.screens.incoming.form import IncomingFormScreen

        self.app.push_screen(IncomingFormScreen(self.doc_id), lambda _: self.refresh_data())


registry.register("incoming", lambda app, rid: app.push_screen(IncomingDetailScreen(rid)))
