"""One 信访 case (SPEC §9, §16; Part 2 §3): its channel and petitioners (masked unless the reader
may see them — services.petition.masking decides, in the worker), the matter, a repeat's earlier
case (``o`` opens it), each clock with its days left, every hop, and the keys the engine offers
now: 拟办 (p), 不予受理 (x), 阅批 (a), 转办 with the 反馈卡 (t), the unit's answer (d), 办结 (c) or
back (b), 催办 (u), 延期 (e), 回访 (v), 复查/复核 (r)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.flow_detail import DetailData, FlowDetailScreen
from govdesk.services import petition
from govdesk.services.petition import views
from govdesk.widgets.timeline import TimelineTable


def _day(d) -> str:
    return f"{d:%Y-%m-%d}" if d else "—"


def clock_line(clock) -> str:
    """One clock as a line: its name, due date and days left, met or overdue in words."""
    name = t(f"petition.clock.{clock.name}")
    if clock.detail and clock.name.startswith("review"):
        name = f"{term(clock.detail)}·{name}"
    if not clock.running:
        key = "petition.clock_met_late" if clock.late else "petition.clock_met"
        return t(key, name=name, due=_day(clock.due), on=_day(clock.stopped))
    unit = t("petition.working_days" if clock.kind == "working" else "petition.days")
    if clock.late:
        return t("petition.clock_overdue", name=name, due=_day(clock.due), n=-clock.left,
                 unit=unit)
    return t("petition.clock_left", name=name, due=_day(clock.due), n=clock.left, unit=unit)


class PetitionDetailScreen(FlowDetailScreen):
    HOWTO = "howto.petition_detail"
    KIND = petition.KIND
    TIMELINE_TITLE = "petition.timeline"
    DONE_MESSAGE = "petition.done"
    COMMAND_IDS = ("petition.back", "petition.pet_propose", "petition.pet_not_accepted",
                   "petition.pet_instruct", "petition.pet_transfer", "petition.pet_answer",
                   "petition.pet_close", "petition.pet_send_back", "petition.pet_urge",
                   "petition.pet_extend", "petition.pet_visit", "petition.pet_review",
                   "petition.pet_review_decide", "petition.earlier", "flow.hand_back")

    def compose_info(self) -> ComposeResult:
        yield Static(id="fields")

    def load(self, actor, record_open: bool):
        self._record_open = record_open
        return petition.get(actor, self.doc_id, record_open=record_open)

    def plain_view(self, actor, row, hops: list) -> views.CaseDetail:
        return views.detail_view(actor, row.id, record_open=getattr(self, "_record_open", False))

    def load_data(self, actor, first: bool) -> DetailData:
        # The timeline as the reader may see it (a petitioner's name in an opinion masked);
        # the leaders a 拟办 or an extension may name, read here rather than on a key press.
        data = super().load_data(actor, first)
        self._leader_choices = [(f"{p.name}（{p.post}）", p.login) for p in _leaders()]
        self._approvers = [(f"{p.name}（{p.post}）", p.login)
                           for p in _leaders(with_office=True)]
        return DetailData(data.view, tuple(data.view.timeline), data.offered)

    def available_commands(self) -> set[str]:
        out = super().available_commands()
        if self.doc is not None and self.doc.repeat_of is not None:
            out.add("petition.earlier")
        return out

    def show(self, doc: views.CaseDetail, tasks: list) -> None:
        row = doc.row
        self.sub_title = t("petition.detail_title", number=row.number, title=row.title)
        lines = [t("petition.shown_head", number=row.number, channel=term(row.channel),
                   state=term(row.state), day=_day(row.received_on),
                   importance=term(doc.importance)),
                 t("petition.shown_what", title=row.title, category=doc.category or "—",
                   place=doc.place or "—")]
        if not doc.petitioners:
            lines.append(t("petition.shown_anonymous"))
        for p in doc.petitioners:
            lines.append(t("petition.shown_person", name=p.name or "—", phone=p.phone or "—",
                           id_number=p.id_number or "—", address=p.address or "—"))
        if doc.masked and doc.petitioners:
            lines.append(t("petition.shown_masked"))
        if doc.repeat_of is not None:
            lines.append(t("petition.shown_repeat", number=doc.repeat_of_number,
                           why=t(f"petition.repeat.{doc.repeat_reason}")
                           if doc.repeat_reason else ""))
        if doc.matter:
            lines.append(doc.matter)
        if doc.attachments:
            lines.append(t("petition.shown_attachments", text=doc.attachments))
        if doc.proposal:
            lines.append(t("petition.shown_proposal", text=doc.proposal,
                           leader=doc.leader or "—"))
        if doc.instruction:
            lines.append(t("petition.shown_instruction", text=doc.instruction))
        if doc.card:
            lines.append(t("petition.shown_card", card=doc.card, units="、".join(doc.units)))
        if doc.answer:
            lines.append(t("petition.shown_answer", text=doc.answer, day=_day(doc.answered_on)))
        if doc.result:
            lines.append(t("petition.shown_result", text=doc.result, day=_day(doc.closed_on)))
        if doc.extension_days:
            lines.append(t("petition.shown_extension", days=doc.extension_days,
                           who=doc.extension_by, reason=doc.extension_reason))
        if doc.satisfaction:
            lines.append(t("petition.shown_visit", satisfaction=term(doc.satisfaction),
                           day=_day(doc.visited_on), note=doc.visit_note))
        for r in doc.reviews:
            lines.append(t("petition.shown_review", kind=term(r.kind), day=_day(r.requested_on),
                           decision=r.decision or "—", on=_day(r.decided_on)))
        lines.append(t("petition.shown_clocks") + ("  " + t("petition.overdue")
                                                    if row.late else ""))
        lines += ["  " + clock_line(c) for c in doc.clocks]
        text = Text("\n".join(lines))
        timeline = self.query_one("#timeline", TimelineTable)
        for hop in self.waiting:
            text.append("\n" + t("petition.shown_waiting", step=term(hop.step),
                                  who=timeline.who(hop), due=_day(hop.due)))
        self.query_one("#fields", Static).update(text)

    # ------------------------------------------------------------------ the keys

    def _today(self) -> str:
        return f"{self.actor.today:%Y-%m-%d}"

    def _step(self, steps: tuple[str, ...], key: str, apply, fields: list[Field],
              note: str = "") -> None:
        task = next((x for x in self.my_tasks if x.step in steps), None)
        if task is None or self.doc is None:
            return
        self.open_modal(FieldsModal(t(key, number=self.doc.row.number),
                                    lambda v: apply(task, v), fields, note=note,
                                    draft=("task", task.id)))

    def _record(self, key: str, apply, fields: list[Field], note: str = "") -> None:
        if self.doc is None:
            return
        self.open_modal(FieldsModal(t(key, number=self.doc.row.number), apply, fields,
                                    note=note))

    def action_pet_propose(self) -> None:
        leaders = getattr(self, "_leader_choices", [])
        if not leaders:
            return
        self._step(("拟办",), "petition.propose_title",
                   lambda task, v: petition.propose(self.actor, task.id, v),
                   [Field("proposal", t("petition.f_proposal")),
                    Field("leader", t("petition.f_leader"), choices=leaders)])

    def action_pet_not_accepted(self) -> None:
        self._step(("拟办",), "petition.not_accepted_title",
                   lambda task, v: petition.not_accepted(self.actor, task.id, v["told"]),
                   [Field("told", t("petition.f_told"))])

    def action_pet_instruct(self) -> None:
        self._step(("阅批",), "petition.instruct_title",
                   lambda task, v: petition.instruct(self.actor, task.id, v["opinion"]),
                   [Field("opinion", t("petition.f_instruction"))])

    def action_pet_transfer(self) -> None:
        self._step(("转办",), "petition.transfer_title",
                   lambda task, v: petition.transfer(self.actor, task.id, v),
                   [Field("lead_unit", t("petition.f_lead_unit")),
                    Field("co_units", t("petition.f_co_units")),
                    Field("importance", t("petition.f_importance"),
                          choices=[(term(c), c) for c in petition.IMPORTANCE])],
                   note=t("petition.transfer_note"))

    def action_pet_answer(self) -> None:
        self._step(("反馈",), "petition.answer_title",
                   lambda task, v: petition.answer(self.actor, task.id, v),
                   [Field("text", t("petition.f_answer")),
                    Field("unit_date", t("petition.f_unit_date"), self._today())])

    def action_pet_close(self) -> None:
        self._step(("审核",), "petition.close_title",
                   lambda task, v: petition.close(self.actor, task.id, v["result"]),
                   [Field("result", t("petition.f_result"))])

    def action_pet_send_back(self) -> None:
        self._step(("审核",), "petition.send_back_title",
                   lambda task, v: petition.send_back(self.actor, task.id, v["reason"]),
                   [Field("reason", t("petition.f_send_back_reason"))])

    def action_pet_urge(self) -> None:
        self._record("petition.urge_title",
                     lambda v: petition.urge(self.actor, self.doc_id, v["note"]),
                     [Field("note", t("petition.f_urge_note"), t("petition.urge_default"))])

    def action_pet_extend(self) -> None:
        approvers = getattr(self, "_approvers", [])
        if not approvers:
            return
        self._record("petition.extend_title",
                     lambda v: petition.extend(self.actor, self.doc_id, v),
                     [Field("days", t("petition.f_extension_days"), "30"),
                      Field("reason", t("petition.f_extension_reason")),
                      Field("approved_by", t("petition.f_approved_by"), choices=approvers)])

    def action_pet_visit(self) -> None:
        self._record("petition.visit_title",
                     lambda v: petition.visit(self.actor, self.doc_id, v),
                     [Field("satisfaction", t("petition.f_satisfaction"),
                            choices=[(term(s), s) for s in petition.SATISFACTION]),
                      Field("note", t("petition.f_visit_note")),
                      Field("visited_on", t("petition.f_visited_on"), self._today())])

    def action_pet_review(self) -> None:
        self._record("petition.review_title",
                     lambda v: petition.request_review(self.actor, self.doc_id, v),
                     [Field("requested_on", t("petition.f_requested_on"), self._today())])

    def action_pet_review_decide(self) -> None:
        self._record("petition.review_decide_title",
                     lambda v: petition.decide_review(self.actor, self.doc_id, v),
                     [Field("decision", t("petition.f_decision")),
                      Field("decided_on", t("petition.f_decided_on"), self._today())])

    def action_earlier(self) -> None:
        if self.doc is not None and self.doc.repeat_of is not None:
            registry.open_record(self.app, petition.KIND, self.doc.repeat_of)


def _leaders(*, with_office: bool = False) -> list:
    from govdesk.services import org

    out = list(org.leaders())
    if with_office:
        out += [p for rank in ("主任", "副主任") for p in [org.by_rank(rank)] if p is not None]
    return out


registry.register(petition.KIND, lambda app, rid: app.push_screen(PetitionDetailScreen(rid)))
