"""One 收文: its register fields, intake warnings, every hop, who holds it, and what I may do.

Each action is one key that opens a small modal; the keys shown are only those the user may
take now (check_action), so the footer and F1 list exactly the current choices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from govdesk.i18n import t
from govdesk.models import SECRECY_LEVELS
from govdesk.models import incoming as states
from govdesk.screens import registry
from govdesk.screens.base import DeskScreen
from govdesk.services import flow, incoming
from govdesk.services.errors import ServiceError
from govdesk.services.policy import can_act, is_director, is_secretariat
from govdesk.services.rules import rule
from govdesk.widgets.picker import PEOPLE, SECTIONS, UNITS, Picker
from govdesk.widgets.timeline import TimelineTable

READER_STEPS = (*incoming.READER_ACTIONS, "阅知")
# step of my waiting task → the actions it allows
STEP_ACTIONS = {"初审": ("intake",), "签批": ("sign",), "分送": ("send_on", "close_doc"),
                "归档": ("archive",), **{s: ("read_return",) for s in READER_STEPS}}


class ActionModal(ModalScreen[bool]):
    """A small form for one action: optional choice, opinion, unit and reader list.

    ``apply(modal)`` calls the service; a ServiceError keeps the modal open with its message.
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", t("incoming.modal_submit")),
        Binding("escape", "cancel", t("incoming.form_cancel")),
        Binding("a", "add_people", t("incoming.readers_add_people"), show=False),
        Binding("k", "add_sections", t("incoming.readers_add_sections"), show=False),
        Binding("t", "cycle_action", t("incoming.readers_cycle"), show=False),
        Binding("x,delete", "remove_reader", t("incoming.readers_remove"), show=False),
    ]
    DEFAULT_CSS = """
    ActionModal { align: center middle; }
    ActionModal > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                             border: thick $primary; background: $surface; padding: 0 1; }
    ActionModal .note { color: $warning; height: auto; }
    ActionModal #error { color: $error; text-style: bold; height: auto; }
    ActionModal .hint { color: $text-muted; height: auto; }
    ActionModal #readers { height: auto; max-height: 10; }
    ActionModal Input, ActionModal Select { margin-bottom: 1; }
    """

    def __init__(self, title: str, apply: Callable[[ActionModal], object], *,
                 note: str = "", choices: list[tuple[str, object]] | None = None,
                 choice: object = None, opinion: str | None = None, opinion_value: str = "",
                 unit: object = None, with_unit: bool = False,
                 readers: list[incoming.Reader] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.apply = apply
        self.note = note
        self.choices = choices
        self.choice_default = choice
        self.opinion_label = opinion
        self.opinion_value = opinion_value
        self.unit = unit
        self.with_unit = with_unit
        self.readers = readers

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="panel-title")
            if self.note:
                yield Label(self.note, classes="note")
            if self.choices is not None:
                yield Select(self.choices, value=self.choice_default, allow_blank=False,
                             id="choice", compact=True)
            if self.opinion_label is not None:
                yield Label(self.opinion_label)
                yield Input(self.opinion_value, id="opinion", compact=True)
            if self.with_unit:
                yield Label("", id="unit-label")
                yield Button(t("incoming.pick_transfer_unit"), id="pick-unit", compact=True)
            if self.readers is not None:
                yield Label(t("incoming.readers_title"))
                yield OptionList(id="readers")
                yield Label(t("incoming.readers_hint"), classes="hint")
            yield Label("", id="error")
            yield Label(t("incoming.modal_hint"), classes="hint")

    def on_mount(self) -> None:
        self._show()
        first = self.query("#opinion, #choice, #readers").first()
        first.focus()

    def _show(self) -> None:
        if self.with_unit:
            name = self.unit.short if self.unit is not None else t("common.none")
            self.query_one("#unit-label", Label).update(t("incoming.transfer_unit", name=name))
        if self.readers is not None:
            options = self.query_one("#readers", OptionList)
            keep = options.highlighted or 0
            options.clear_options()
            for i, reader in enumerate(self.readers):
                options.add_option(Option(reader.label(), id=str(i)))
            if self.readers:
                options.highlighted = min(keep, len(self.readers) - 1)

    @property
    def choice(self) -> object:
        return self.query_one("#choice", Select).value

    @property
    def opinion(self) -> str:
        return self.query_one("#opinion", Input).value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "pick-unit":
            event.stop()

            def chosen(items: list | None) -> None:
                if items:
                    self.unit = items[0]
                    self._show()

            self.app.push_screen(Picker(UNITS, title=t("incoming.pick_transfer_unit")), chosen)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.readers is None:
            self.action_submit()
        else:
            self.query_one("#readers", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_cycle_action()

    def _add(self, new: list[incoming.Reader]) -> None:
        have = {(r.person.id if r.person else None, r.section.id if r.section else None)
                for r in self.readers or []}
        for reader in new:
            key = (reader.person.id if reader.person else None,
                   reader.section.id if reader.section else None)
            if key not in have:
                have.add(key)
                self.readers.append(reader)
        self._show()

    def action_add_people(self) -> None:
        if self.readers is None:
            return
        self.app.push_screen(
            Picker(PEOPLE, multi=True, with_sections=True, title=t("incoming.readers_add_people")),
            lambda items: self._add([incoming.Reader(incoming.READER_ACTIONS[0], person=p) for p in items or []]))

    def action_add_sections(self) -> None:
        if self.readers is None:
            return
        self.app.push_screen(
            Picker(SECTIONS, multi=True, title=t("incoming.readers_add_sections")),
            lambda items: self._add([incoming.Reader(incoming.READER_ACTIONS[0], section=s) for s in items or []]))

    def _highlighted(self) -> int | None:
        if not self.readers:
            return None
        return self.query_one("#readers", OptionList).highlighted

    def action_cycle_action(self) -> None:
        i = self._highlighted()
        if i is None:
            return
        actions = incoming.READER_ACTIONS
        reader = self.readers[i]
        self.readers[i] = replace(
            reader, action=actions[(actions.index(reader.action) + 1) % len(actions)])
        self._show()

    def action_remove_reader(self) -> None:
        i = self._highlighted()
        if i is not None:
            del self.readers[i]
            self._show()

    def action_submit(self) -> None:
        try:
            self.apply(self)
        except ServiceError as exc:
            self.query_one("#error", Label).update(str(exc))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class IncomingDetailScreen(DeskScreen):
    BINDINGS = [
        Binding("escape", "back", t("incoming.back")),
        Binding("i", "intake", t("incoming.act_intake")),
        Binding("s", "sign", t("incoming.act_sign")),
        Binding("r", "read_return", t("incoming.act_read_return")),
        Binding("d", "send_on", t("incoming.act_send_on")),
        Binding("c", "close_doc", t("incoming.act_close")),
        Binding("g", "archive", t("incoming.act_archive")),
        Binding("m", "circulate", t("incoming.act_circulate")),
        Binding("u", "remind", t("incoming.act_remind")),
        Binding("l", "lend", t("incoming.act_lend")),
        Binding("b", "return_loan", t("incoming.act_return_loan")),
        Binding("e", "edit", t("incoming.act_edit")),
    ]
    DEFAULT_CSS = """
    IncomingDetailScreen #info { height: 1fr; padding: 0 1; }
    IncomingDetailScreen #warnings { color: $warning; height: auto; }
    IncomingDetailScreen #status { height: auto; }
    IncomingDetailScreen #timeline { height: 1fr; min-height: 5; }
    IncomingDetailScreen #hop { height: auto; max-height: 4; background: $boost; padding: 0 1; }
    IncomingDetailScreen .panel-title { background: $boost; text-style: bold; width: 100%;
                                        padding: 0 1; }
    """

    def __init__(self, doc_id: int) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.doc = None
        self.my_tasks: list = []
        self.waiting: list = []
        self.available: set[str] = set()
        self._tasks: list = []

    def compose_body(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="info"):
                yield Static(id="status")
                yield Static(id="warnings")
                yield Static(id="fields")
            yield Label(t("incoming.timeline_title"), classes="panel-title", id="tl-title")
            yield TimelineTable(id="timeline")
            yield Static(id="hop")

    def setup(self) -> None:
        super().setup()
        self.refresh_data()  # loads the document; on_mount refreshes again after marking read
        if self.doc is None:
            return
        actor = self.actor
        for task in self.my_tasks:
            flow.mark_read(actor, task)
        self.query_one("#timeline", TimelineTable).focus()

    # ------------------------------------------------------------------ showing

    def refresh_data(self) -> None:
        actor = self.actor
        try:
            # A refresh is not a new opening: auditing it again would make two users with the
            # same secret file open wake each other's refresh forever.
            doc = incoming.get(actor, self.doc_id, record_open=self.doc is None)
        except ServiceError as exc:
            self.app.notify(str(exc), severity="error")
            self.doc = None
            if self.is_current:
                self.app.pop_screen()
            return
        self.doc = doc
        f = flow.flow_of(incoming.KIND, doc.id)
        tasks = flow.timeline(f)
        self._tasks = tasks
        self.waiting = [task for task in tasks if task.state == "waiting"]
        self.my_tasks = [task for task in self.waiting if can_act(actor.person, task)]
        self.available = self._available(doc, f)
        self.sub_title = f"{doc.number} {doc.title}"
        self.query_one("#fields", Static).update(self._fields(doc))
        self.query_one("#warnings", Static).update(self._warnings(doc))
        self.query_one("#status", Static).update(self._status(doc, tasks))
        self.query_one("#timeline", TimelineTable).show(tasks)
        self.refresh_bindings()

    def _available(self, doc, f) -> set[str]:
        person = self.actor.person
        out: set[str] = set()
        for task in self.my_tasks:
            out.update(STEP_ACTIONS.get(task.step, ()))
        clerk = is_secretariat(person) or person.admin
        if clerk:
            out.add("edit")
            if f.state == "open":
                out.add("circulate")
            if doc.state == states.ARCHIVED:
                out.add("lend")
                if any(loan.returned_at is None for loan in doc.loans):
                    out.add("return_loan")
        others = [task for task in self.waiting if task not in self.my_tasks]
        if others and (clerk or is_director(person) or doc.urging_person_id == person.id):
            out.add("remind")
        return out

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("back",) or action not in {b.action for b in self.BINDINGS}:
            return True
        return action in self.available

    def _fields(self, doc) -> Table:
        grid = Table.grid(expand=True, padding=(0, 1))
        for _ in range(2):
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(ratio=1, overflow="fold")
        secrecy = SECRECY_LEVELS[doc.secrecy]
        if doc.secrecy and doc.secrecy_years:
            secrecy += t("incoming.years", n=doc.secrecy_years)
        leader = doc.addressed_leader.name if doc.addressed_leader_id else ""
        yes, no = t("common.yes"), t("common.no")
        pairs = [
            ("number", doc.number), ("state", doc.state),
            ("from_name", doc.from_name), ("doc_number", doc.doc_number),
            ("title", doc.title), ("doc_kind", doc.doc_kind),
            ("secrecy", secrecy), ("urgency", doc.urgency),
            ("received_on", doc.received_on.isoformat()),
            ("due", doc.due.isoformat() if doc.due else t("common.no_deadline")),
            ("copy_no", doc.copy_no), ("pages", str(doc.pages)),
            ("addressed_to", f"{doc.addressed_to} {leader}".strip()),
            ("is_request", yes if doc.is_request else no),
            ("attachments", doc.attachments), ("files", doc.files),
            ("urging_person", doc.urging_person.name if doc.urging_person_id else ""),
            ("intake", f"{doc.intake or ''} {doc.intake_reason}".strip()),
        ]
        if doc.transfer_unit_id:
            pairs.append(("transfer_unit", doc.transfer_unit.short))
        if doc.archive_no:
            pairs += [("retention", doc.retention or ""), ("archive_no", doc.archive_no)]
        for i in range(0, len(pairs), 2):
            row: list = []
            for key, value in pairs[i:i + 2]:
                row += [t(f"incoming.f_{key}"), Text(value)]
            grid.add_row(*row)
        if doc.summary:
            grid.add_row(t("incoming.f_summary"), Text(doc.summary), "", "")
        return grid

    def _warnings(self, doc) -> Text:
        warnings = incoming.intake_warnings(doc)
        if not warnings:
            return Text(t("incoming.no_warnings"), style="dim")
        text = Text(t("incoming.warnings_title") + "\n", style="bold")
        for w in warnings:
            text.append(t("incoming.warning_line", code=w.code, message=w.message,
                          suggestion=w.suggestion) + "\n")
        if doc.exception:
            text.append(t("incoming.exception_line", name=doc.exception) + "\n")
        if doc.special_reason:
            text.append(t("incoming.special_reason_line", text=doc.special_reason) + "\n")
        return text

    def _status(self, doc, tasks) -> Text:
        timeline = self.query_one("#timeline", TimelineTable)
        holders = t("incoming.sep").join(timeline.who(task) for task in self.waiting[:20])
        if len(self.waiting) > 20:
            holders += t("incoming.and_more", n=len(self.waiting))
        text = Text(t("incoming.holders_now", names=holders or t("common.none")), style="bold")
        status = incoming.reading_status(doc)
        if status.total:
            still = t("incoming.sep").join(timeline.who(task) for task in status.waiting[:30])
            if len(status.waiting) > 30:
                still += t("incoming.and_more", n=len(status.waiting))
            text.append("\n" + t("incoming.reading_status", total=status.total,
                                 read=status.read, done=status.done,
                                 names=still or t("common.none")))
        loans = list(doc.loans)
        for loan in loans:
            back = (t("incoming.loan_returned", at=f"{loan.returned_at:%m-%d}")
                    if loan.returned_at else t("incoming.loan_due", due=f"{loan.due_back:%m-%d}"))
            text.append("\n" + t("incoming.loan_line", name=loan.borrower.name,
                                 at=f"{loan.lent_at:%m-%d}", back=back))
        if self.my_tasks:
            steps = t("incoming.sep").join(task.step for task in self.my_tasks)
            text.append("\n" + t("incoming.my_turn", steps=steps), style="bold green")
        return text

    def on_data_table_row_highlighted(self, event) -> None:
        """The highlighted hop's whole opinion (the table cuts long ones at 80 columns)."""
        timeline = self.query_one("#timeline", TimelineTable)
        task_id = timeline.selected_task_id()
        task = next((x for x in self._tasks if x.id == task_id), None)
        if task is None:
            return
        text = Text.assemble((f"{task.step} {timeline.who(task)}：", "bold"),
                             task.opinion or task.note or "")
        self.query_one("#hop", Static).update(text)

    # ------------------------------------------------------------------ actions

    def _my_task(self, *steps: str):
        return next((task for task in self.my_tasks if task.step in steps), None)

    def _open(self, modal: ActionModal) -> None:
        def done(ok: bool | None) -> None:
            if ok:
                self.app.notify(t("incoming.done"))
            self.refresh_data()

        self.app.push_screen(modal, done)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_intake(self) -> None:
        task = self._my_task("初审")
        if task is None:
            return
        warnings = incoming.intake_warnings(self.doc)
        suggestion = warnings[0].suggestion if warnings else incoming.INTAKE_DECISIONS[0]
        note = "\n".join(f"({w.code}) {w.message}" for w in warnings)
        self._open(ActionModal(
            t("incoming.act_intake"),
            lambda m: incoming.decide_intake(self.actor, task.id, m.choice, m.opinion,
                                             transfer_unit=m.unit),
            note=escape(note), choices=[(d, d) for d in incoming.INTAKE_DECISIONS],
            choice=suggestion, opinion=t("incoming.reason"), unit=self.doc.remit_unit,
            with_unit=True))

    def action_sign(self) -> None:
        task = self._my_task("签批")
        if task is None:
            return
        self._open(ActionModal(
            t("incoming.act_sign"),
            lambda m: incoming.sign(self.actor, task.id, m.opinion, m.readers),
            opinion=t("incoming.sign_opinion"), readers=incoming.suggest_readers(self.doc)))

    def action_read_return(self) -> None:
        task = self._my_task(*READER_STEPS)
        if task is None:
            return
        self._open(ActionModal(
            t("incoming.act_read_return_step", step=task.step),
            lambda m: incoming.reader_return(self.actor, task.id, m.opinion),
            note=escape(task.note), opinion=t("incoming.read_opinion")))

    def action_send_on(self) -> None:
        task = self._my_task("分送")
        if task is None:
            return
        self._open(ActionModal(
            t("incoming.act_send_on"),
            lambda m: incoming.send_on(self.actor, task.id, m.opinion, m.readers),
            opinion=t("incoming.send_note"), readers=[]))

    def action_close_doc(self) -> None:
        task = self._my_task("分送")
        if task is None:
            return
        self._open(ActionModal(
            t("incoming.act_close"), lambda m: incoming.close(self.actor, task.id, m.opinion),
            opinion=t("incoming.close_note")))

    def action_archive(self) -> None:
        task = self._my_task("归档")
        if task is None:
            return
        choices = list(rule("incoming", "retention"))
        self._open(ActionModal(
            t("incoming.act_archive"),
            lambda m: incoming.archive(self.actor, task.id, str(m.choice)),
            choices=[(c, c) for c in choices], choice=choices[-1]))

    def action_circulate(self) -> None:
        def chosen(people: list | None) -> None:
            if not people:
                return
            try:
                n = incoming.circulate(self.actor, self.doc_id, people)
            except ServiceError as exc:
                self.app.notify(str(exc), severity="error")
                return
            self.app.notify(t("incoming.circulated", n=n))
            self.refresh_data()

        self.app.push_screen(Picker(PEOPLE, multi=True, with_sections=True,
                                    title=t("incoming.act_circulate")), chosen)

    def action_remind(self) -> None:
        others = [task for task in self.waiting if task not in self.my_tasks]
        if not others:
            return
        chosen = self.query_one("#timeline", TimelineTable).selected_task_id()
        task = next((x for x in others if x.id == chosen), others[0])
        who = self.query_one("#timeline", TimelineTable).who(task)
        self._open(ActionModal(
            t("incoming.remind_title", who=who, step=task.step),
            lambda m: incoming.remind(self.actor, task.id, m.opinion),
            opinion=t("incoming.remind_note")))

    def action_lend(self) -> None:
        def chosen(items: list | None) -> None:
            if not items:
                return
            try:
                loan = incoming.lend(self.actor, self.doc_id, items[0])
            except ServiceError as exc:
                self.app.notify(str(exc), severity="error")
                return
            self.app.notify(t("incoming.lent", name=items[0].name, due=f"{loan.due_back:%m-%d}"))
            self.refresh_data()

        self.app.push_screen(Picker(PEOPLE, title=t("incoming.act_lend")), chosen)

    def action_return_loan(self) -> None:
        loans = [loan for loan in self.doc.loans if loan.returned_at is None]
        if not loans:
            return
        choices = [(f"{loan.borrower.name} {loan.lent_at:%m-%d}", loan.id) for loan in loans]
        self._open(ActionModal(
            t("incoming.act_return_loan"),
            lambda m: incoming.return_loan(self.actor, int(m.choice)),
            choices=choices, choice=loans[0].id))

    def action_edit(self) -> None:
        from govdesk.screens.incoming_form import IncomingFormScreen

        self.app.push_screen(IncomingFormScreen(self.doc_id), lambda _: self.refresh_data())


registry.register("incoming", lambda app, rid: app.push_screen(IncomingDetailScreen(rid)))
