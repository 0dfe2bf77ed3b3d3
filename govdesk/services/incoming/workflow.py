"""收文 (SPEC §3; Supp. §1–§2, §3(三)3): register, intake, 签批, reading rounds, close, archive.

The document's path is a Flow of the engine:
  初审 (秘书科) → 签批 (主任) → 阅签/阅办/传阅 (leaders, sections, many at once)
  → 分送 (秘书科: send on to the next readers, or close) → 归档 (秘书科).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from peewee import fn

from govdesk.i18n import t, t_record, term
from govdesk.models import (
    IncomingDocument,
    Loan,
    Person,
    Section,
    Task,
    database,
)
from govdesk.models import incoming as states
from govdesk.models.flow import DONE, RETURNED, WAITING
from govdesk.services import (
    audit,
    drafts,
    flow,
    list_filter,
    org,
    register_sort,
    validate,
    wording,
)
from govdesk.services.calendar import office_calendar
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import ConflictError, NotFound, ValidationError
from govdesk.services.policy import (
    can_act,
    can_view,
    is_director,
    is_secretariat,
    require_secretariat,
    visible_title,
)
from govdesk.services.rules import office_rules
from govdesk.services.sequence import next_number, take_number
from govdesk.services.vocab import DOC_KINDS, SECRECY_LEVELS

KIND = "incoming"
SEARCH_CODE = 1  # the 收文's entries in the full-text index (services.fulltext)
URGENCIES = ("特急", "加急", "普通")
ADDRESSEES = ("区政府", "区政府办公室", "领导个人")
READER_ACTIONS = ("阅签", "阅办", "传阅")
INTAKE_DECISIONS = ("受理", "转办", "退文")
EXCEPTIONS = ("情况紧急", "部门把握不准", "领导已有批示", "领导要求直报")
# The register form's check boxes (its facts of Supp. §1 and the 请示件 box).
FACTS_OF_FORM = ("involves_units", "consulted", "states_differing_views", "party_matter",
                 "touches_party_dept", "party_dept_reviewed", "major", "is_request")


# ---------------------------------------------------------------------------- validation


def clean_fields(fields: dict, today: date) -> dict:
    """Check every field of the register form; refused, every bad field is named at once
    (ValidationErrors, in the form's order; read as the first by older callers)."""
    check = validate.Checks()
    run = check.run
    level, years = run(validate.secrecy, fields, otherwise=(0, None))
    from_unit = run(validate.unit, fields.get("from_unit"), _label("from_name"),
                    name="from_unit")
    from_name = run(validate.text, fields, "from_name", _label("from_name"), limit=200,
                    otherwise="")
    if not from_name and from_unit is not None:
        from_name = from_unit.name
    if not from_name and not check.failed("from_unit", "from_name"):
        check.refuse(ValidationError(_label("from_name"), t("errors.required"),
                                     name="from_name"))
    addressed_to = run(validate.choice, fields, "addressed_to", _label("addressed_to"),
                       ADDRESSEES, "区政府")
    leader = run(validate.person, fields.get("addressed_leader"), _label("addressed_leader"),
                 name="addressed_leader")
    if addressed_to == "领导个人" and leader is None and not check.failed("addressed_leader"):
        check.refuse(ValidationError(_label("addressed_leader"), _refused("leader_needed"),
                                     name="addressed_leader"))
    exception = fields.get("exception") or ""
    if exception and exception not in EXCEPTIONS:
        check.refuse(ValidationError(_label("exception"),
                                     t("errors.one_of", choices=validate.joined(EXCEPTIONS)),
                                     name="exception"))
    doc_number = run(validate.text, fields, "doc_number", _label("doc_number"), limit=100)
    title = run(validate.text, fields, "title", _label("title"), required=True, limit=500)
    clean = {
        "from_unit": from_unit,
        "from_name": from_name,
        "doc_number": doc_number,
        "title": title,
        "doc_kind": run(validate.choice, fields, "doc_kind", _label("doc_kind"), DOC_KINDS,
                        "通知"),
        "secrecy": level,
        "secrecy_years": years,
        "urgency": run(validate.choice, fields, "urgency", _label("urgency"), URGENCIES,
                       "普通"),
        "copy_no": run(validate.text, fields, "copy_no", _label("copy_no"), limit=20),
        "received_on": run(validate.day, fields, "received_on", _label("received_on"), today),
        "pages": run(validate.integer, fields, "pages", _label("pages"), default=1, low=1,
                     high=100000),
        "attachments": run(validate.text, fields, "attachments", _label("attachments")),
        "addressed_to": addressed_to,
        "addressed_leader": leader,
        "is_request": bool(fields.get("is_request", False)),
        "summary": run(validate.text, fields, "summary", _label("summary"),
                       limit=validate.MAX_SUMMARY, multiline=True),
        "files": run(validate.text, fields, "files", _label("files")),
        "involves_units": bool(fields.get("involves_units", False)),
        "consulted": bool(fields.get("consulted", False)),
        "states_differing_views": bool(fields.get("states_differing_views", False)),
        "special_reason": run(validate.text, fields, "special_reason",
                              t("incoming.refuse.f_special_reason")),
        "party_matter": bool(fields.get("party_matter", False)),
        "touches_party_dept": bool(fields.get("touches_party_dept", False)),
        "party_dept_reviewed": bool(fields.get("party_dept_reviewed", False)),
        "remit_unit": run(validate.unit, fields.get("remit_unit"), _label("remit_unit"),
                          name="remit_unit"),
        "major": bool(fields.get("major", False)),
        "exception": exception,
        "urging_person": run(validate.person, fields.get("urging_person"),
                             _label("urging_person"), name="urging_person"),
    }
    check.done()
    return clean


@dataclass(frozen=True)
class UnitNotice:
    """A 来文单位 typed freely that the unit directory does not know: a warning, not a refusal
    (letters come from bodies outside the directory too), with the units it may have meant."""

    name: str  # as typed
    closest: tuple[org.UnitChoice, ...]

    @property
    def message(self) -> str:
        if not self.closest:
            return t("incoming.unknown_unit_none", name=self.name)
        return t("incoming.unknown_unit", name=self.name,
                 closest="、".join(u.short for u in self.closest))


def from_unit_notice(fields: dict) -> UnitNotice | None:
    """The 来文单位's warning for the register form, if it has one: a name typed rather than
    picked that is no unit of the directory (in either script), with the closest units."""
    if fields.get("from_unit") is not None:
        return None
    name = fields.get("from_name")
    name = name.strip() if isinstance(name, str) else ""
    if not name or org.unit_named(name) is not None:
        return None
    return UnitNotice(name, tuple(org.closest_units(name)))


def _label(name: str) -> str:
    """The register form's label of field ``name`` (``incoming.f_<name>``), in the user's
    language: a refusal names the field as the form shows it."""
    return t(f"incoming.f_{name}")


def _refused(key: str, **values: object) -> str:
    """A refusal of this service (``incoming.refuse.<key>``) in the user's language."""
    return t(f"incoming.refuse.{key}", **values)


# ---------------------------------------------------------------------------- deadlines


def document_due(urgency: str, received_on: date) -> date | None:
    """特急 3 working days, 加急 a week of 5 (Supp. §3(三)3), as data/rules.toml says."""
    term = office_rules().incoming.deadline.get(urgency)
    if term is None:
        return None
    return office_calendar().due_after(received_on, term)


# ---------------------------------------------------------------------------- intake checks


@dataclass(frozen=True)
class IntakeWarning:
    code: str  # a–e, as in SPEC §3
    key: str  # its text: incoming.intake.<key> in the catalog
    suggestion: str  # 退文 / 转办
    unit: str = ""  # the unit the text names, if any
    word: str = ""  # the word of title or 摘要 that suggested it (check (e) from the wording)

    @property
    def message(self) -> str:
        """The warning in the user's language, for the screen."""
        return t(f"incoming.intake.{self.key}", unit=self.unit, word=self.word)

    @property
    def record(self) -> str:
        """The warning as kept with the intake decision (the office's Simplified)."""
        return t_record(f"incoming.intake.{self.key}", unit=self.unit, word=self.word)


def intake_warnings(doc: IncomingDocument) -> list[IntakeWarning]:
    """Supp. §1(二) checks (a)–(e); an exception of Supp. §1(三) is shown beside them.

    (a) looks at the 文种 as well as the 请示件 box: a 请示 is a request whether or not the box
    was ticked. (e) follows the boxes when ticked, and otherwise suggests itself from the
    wording of the title and 摘要, saying that it is a suggestion."""
    out: list[IntakeWarning] = []
    unit = doc.from_unit
    if (doc.is_request or doc.doc_kind == "请示") and unit is not None:
        cross_level = unit.kind == "村居" or (
            unit.kind == "企业" and unit.supervisor_id is not None and not unit.key_enterprise
        )
        if cross_level:
            out.append(IntakeWarning("a", "cross_level", "退文", unit.short))
    if doc.remit_unit_id is not None:
        out.append(IntakeWarning("b", "remit", "转办", doc.remit_unit.short))
    if doc.involves_units and not doc.consulted and not doc.states_differing_views:
        out.append(IntakeWarning("c", "not_consulted", "退文"))
    if doc.addressed_to == "领导个人" and not doc.special_reason:
        out.append(IntakeWarning("d", "to_leader", "退文"))
    if doc.party_matter:
        out.append(IntakeWarning("e", "party_matter", "退文"))
    elif doc.touches_party_dept and not doc.party_dept_reviewed:
        out.append(IntakeWarning("e", "party_dept", "退文"))
    elif not doc.touches_party_dept and not doc.party_dept_reviewed:
        word = wording.first_word(f"{doc.title or ''}\n{doc.summary or ''}",
                                  office_rules().incoming.party_words)
        if word:
            out.append(IntakeWarning("e", "party_words", "退文", word=word))
    return out


# ---------------------------------------------------------------------------- register


def number_label(year: int, seq: int) -> str:
    prefix = org.district("incoming_prefix", "收")
    return f"{prefix}〔{year}〕{seq}号"


def register(actor: Actor, fields: dict, *,
             number: tuple[int, int] | None = None) -> IncomingDocument:
    """签收 → 登记: number it (gap-free per year), set its deadline, start its flow.

    ``number`` (year, seq) keeps a 收文编号 the office gave it before govdesk (an imported
    台账, services/imports): the caller has checked it is free; the year's counter moves past
    it, so no number given later takes it."""
    require_secretariat(actor.person)
    clean = clean_fields(fields, actor.today)
    with database.atomic():
        if number is None:
            year = clean["received_on"].year
            seq = next_number("incoming", year)
        else:
            year, seq = number
            take_number("incoming", year, seq)
        doc = IncomingDocument.create(
            year=year, seq=seq, number=number_label(year, seq),
            due=document_due(clean["urgency"], clean["received_on"]),
            created_by=actor.person, created_at=actor.now, updated_at=actor.now,
            **clean,
        )
        engine.start(actor, KIND, doc, registered=("登记", f"登记为 {doc.number}"))
        audit.record(actor, "incoming.register", "incoming_document", doc.id,
                     after=audit.snapshot(doc))
    return doc


def get(actor: Actor, doc_id: int, *, record_open: bool = True) -> IncomingDocument:
    """The document, if the actor is cleared for it; opening a secret one is audited (SPEC §14).

    ``record_open=False`` is for a screen re-reading what it already has open."""
    return engine.open_record(actor, KIND, doc_id, record_open=record_open)


def form_values(doc: IncomingDocument) -> dict[str, str]:
    """The entry's values of the register form's fields, written as the form writes them (its
    drafts, screens/incoming/form.py ``draft_fields``): a box "1" or "", a choice its stored
    word, a unit or person picked as its choice written out (drafts.choice_text)."""
    out = {
        "from_name": doc.from_name, "doc_number": doc.doc_number, "title": doc.title,
        "secrecy_years": str(doc.secrecy_years or ""), "copy_no": doc.copy_no,
        "received_on": doc.received_on.isoformat(), "pages": str(doc.pages),
        "attachments": doc.attachments, "files": doc.files,
        "special_reason": doc.special_reason,
        "doc_kind": doc.doc_kind, "secrecy": SECRECY_LEVELS[doc.secrecy],
        "urgency": doc.urgency, "addressed_to": doc.addressed_to,
        "addressed_leader": doc.addressed_leader.login if doc.addressed_leader_id else "",
        "exception": doc.exception or "",
        "summary": doc.summary,
        "from_unit": drafts.choice_text(org.unit_choice(doc.from_unit)
                                        if doc.from_unit_id else None),
        "remit_unit": drafts.choice_text(org.unit_choice(doc.remit_unit)
                                         if doc.remit_unit_id else None),
        "urging_person": drafts.choice_text(org.person_choice(doc.urging_person)
                                            if doc.urging_person_id else None),
    }
    out.update({key: "1" if getattr(doc, key) else "" for key in FACTS_OF_FORM})
    return {key: "" if value is None else str(value) for key, value in out.items()}


# A finished entry (办结, 归档) is changed only with a reason, kept in the audit trail and shown
# on its timeline: the file others have read and filed is no longer what it was.
FINISHED = (states.CLOSED, states.ARCHIVED)


def needs_change_reason(doc: IncomingDocument) -> bool:
    """Whether an edit of the entry must give 修改理由 (the form shows the field then)."""
    return doc.state in FINISHED


def update(actor: Actor, doc_id: int, version: int, fields: dict) -> IncomingDocument:
    """Edit the register entry; a stale ``version`` raises ConflictError and saves nothing.

    A finished entry (``needs_change_reason``) needs ``fields["change_reason"]``."""
    require_secretariat(actor.person)
    doc = get(actor, doc_id, record_open=False)
    check = validate.Checks()
    clean = check.run(clean_fields, fields, actor.today)
    reason = ""
    if needs_change_reason(doc):
        reason = check.run(validate.text, fields, "change_reason", _label("change_reason"),
                           required=True, limit=1000, otherwise="")
    check.done()
    if validate.record_id(version) is None or not 0 <= version < validate.SQLITE_INT // 2:
        raise ConflictError(_refused("conflict"))
    with database.atomic():
        doc = get(actor, doc_id, record_open=False)
        before = audit.snapshot(doc)
        # A changed 紧急程度 or 收文日期 changes the deadline (Supp. §3(三)3).
        due = document_due(clean["urgency"], clean["received_on"])
        changed = (
            IncomingDocument.update(version=version + 1, updated_at=actor.now, due=due, **clean)
            .where((IncomingDocument.id == doc.id) & (IncomingDocument.version == version))
            .execute()
        )
        if not changed:
            raise engine.conflict(KIND, doc.id, _refused("conflict"), form_values)
        after = IncomingDocument.get_by_id(doc.id)
        engine.sync_flow(KIND, after)
        snapshot = audit.snapshot(after)
        if reason:
            snapshot = {**snapshot, "change_reason": reason}
            engine.note_on_timeline(actor, KIND, doc.id, "修改",
                                    t_record("incoming.shown.change_reason", reason=reason,
                                             state=doc.state))
        audit.record(actor, "incoming.update", "incoming_document", doc.id, before, snapshot)
    return after


# ---------------------------------------------------------------------------- intake

INTAKE_ACTIONS = {"受理": "accept", "转办": "transfer", "退文": "reject"}


def decide_intake(actor: Actor, task_id: int, decision: str, reason: str, *,
                  transfer_unit: Any = None) -> IncomingDocument:
    """受理 / 转办 / 退文, each with its reason recorded (Supp. §1(二) last paragraph)."""
    if decision not in INTAKE_DECISIONS:
        engine.turn(actor, KIND, task_id, tuple(INTAKE_ACTIONS.values()))
        raise ValidationError(_label("intake"),
                              t("errors.one_of", choices=validate.joined(INTAKE_DECISIONS)),
                              name="decision")
    turn = engine.turn(actor, KIND, task_id, INTAKE_ACTIONS[decision])
    reason = validate.text({"reason": reason}, "reason", _refused("f_reason"),
                           required=decision != "受理")
    doc = turn.record
    unit = (validate.unit(transfer_unit, _label("transfer_unit"), name="transfer_unit")
            if decision == "转办" else None)
    if decision == "转办" and unit is None:
        unit = doc.remit_unit
        if unit is None:
            raise ValidationError(_label("transfer_unit"), _refused("transfer_needs_unit"),
                                  name="transfer_unit")
    warnings = intake_warnings(doc)
    values: dict[str, Any] = {
        "intake": decision, "intake_reason": reason,
        "intake_warnings": "；".join(f"({w.code}) {w.record}" for w in warnings),
    }
    opinion = f"{decision}：{reason}".rstrip("：")
    if decision == "受理":
        return engine.advance(actor, turn, opinion, values=values)
    if decision == "退文":
        return engine.advance(actor, turn, opinion, values={**values, "closed_at": actor.now})
    # 转办: the unit is told to contact the receiving department; its 分管领导 gets a copy.
    leader = org.portfolio_leader(unit)
    hands = None
    if leader is not None:
        holder, acting_for = org.stand_in(leader, actor.now)
        hands = [flow.Hand(person=holder, acting_for=acting_for,
                           note=f"转办抄件：已转{unit.short}办理")]

    def told(row: IncomingDocument) -> None:
        flow.record_done(actor, turn.flow, "告知来文单位",
                         f"已转{unit.short}办理，告知{row.from_name}与承办部门联系")

    return engine.advance(actor, turn, opinion, to="阅知" if hands else engine.CLOSE,
                          hands=hands, values={**values, "transfer_unit": unit}, effect=told)


# ---------------------------------------------------------------------------- readers


@dataclass(frozen=True)
class Reader:
    """A proposed reader: a person or a section, with the action asked of them."""

    action: str
    person: Person | None = None
    section: Section | None = None

    def label(self) -> str:
        who = self.person.name if self.person else self.section.name
        return t("incoming.shown.reader", who=who, action=term(self.action))


def suggest_readers(doc: IncomingDocument) -> list[Reader]:
    """By the leaders' portfolios (Part 3 §15): the unit's 分管领导; major matters to the 区长."""
    action = "阅办" if doc.is_request or doc.doc_kind == "请示" else "阅签"
    out: list[Reader] = []
    if doc.addressed_leader_id is not None:
        out.append(Reader(action, person=doc.addressed_leader))
    if doc.from_unit_id is not None:
        leader = org.portfolio_leader(doc.from_unit)
        if leader is not None and all(r.person != leader for r in out):
            out.append(Reader(action, person=leader))
    if doc.major:
        head = org.by_rank("区长")
        if head is not None and all(r.person != head for r in out):
            out.append(Reader("阅签", person=head))
    return out


def _hands(actor: Actor, readers: list[Reader], doc: IncomingDocument) -> list[flow.Hand]:
    if not isinstance(readers, (list, tuple)) or not readers:
        raise ValidationError(_refused("f_readers"), _refused("no_readers"), name="readers")
    hands: list[flow.Hand] = []
    seen: set[tuple[str, int]] = set()
    for reader in readers:
        if not isinstance(reader, Reader) or not (
                isinstance(reader.person, (Person, org.PersonChoice))
                or (reader.person is None
                    and isinstance(reader.section, (Section, org.SectionChoice)))):
            raise ValidationError(_refused("f_readers"), _refused("pick_reader"),
                                  name="readers")
        # A plain choice from a picker: the directory entry again, by its id.
        reader = replace(
            reader,
            person=validate.person(reader.person, _refused("f_readers"), name="readers"),
            section=validate.section(reader.section, _refused("f_readers"), name="readers"))
        if reader.action not in READER_ACTIONS:
            raise ValidationError(_refused("f_reader_action"),
                                  t("errors.one_of", choices=validate.joined(READER_ACTIONS)),
                                  name="readers")
        if reader.person is not None:
            holder, acting_for = org.stand_in(reader.person, actor.now)
            if not can_view(holder, doc.secrecy):
                raise ValidationError(_refused("f_readers"),
                                      _refused("reader_clearance", name=holder.name),
                                      name="readers")
            key = ("p", holder.id)
            hand = flow.Hand(person=holder, acting_for=acting_for, step=reader.action)
        else:
            key = ("s", reader.section.id)
            hand = flow.Hand(section=reader.section, step=reader.action)
        if key not in seen:
            seen.add(key)
            hands.append(hand)
    return hands


def sign(actor: Actor, task_id: int, opinion: str, readers: list[Reader]) -> IncomingDocument:
    """主任签批: the opinion, and the readers it names (Supp. §2(一))."""
    turn = engine.turn(actor, KIND, task_id, "sign")
    opinion = validate.text({"opinion": opinion}, "opinion", t("incoming.sign_opinion"),
                            required=True)
    hands = _hands(actor, readers, turn.record)
    return engine.advance(actor, turn, opinion, to=hands[0].step, hands=hands)


def reader_return(actor: Actor, task_id: int, opinion: str) -> IncomingDocument:
    """阅签/阅办/传阅 done: back to 秘书科 once every reader of every round has returned it
    (a 传阅 beside the 阅签, a 分送 already waiting: 秘书科 never gets the file while leaders
    still read)."""
    turn = engine.turn(actor, KIND, task_id, "read")
    opinion = validate.text({"opinion": opinion}, "opinion", _refused("f_read_opinion"),
                            required=turn.action.opinion_required)
    return engine.advance(actor, turn, opinion or "已阅")


def send_on(actor: Actor, task_id: int, note: str, readers: list[Reader]) -> IncomingDocument:
    """秘书科 records the opinions and sends it on to the next readers (Supp. §2(二))."""
    turn = engine.turn(actor, KIND, task_id, "send_on")
    hands = _hands(actor, readers, turn.record)
    note = validate.text({"note": note}, "note", _refused("f_send_note"))
    return engine.advance(actor, turn, note or "按批示意见分送", to=hands[0].step, hands=hands)


def circulate(actor: Actor, doc_id: int, people: list[Person], note: str = "") -> int:
    """传阅 to many readers at once, beside whatever else is under way; returns how many."""
    require_secretariat(actor.person)
    doc = get(actor, doc_id, record_open=False)
    f = engine.flow_of(KIND, doc.id)
    if f.state != "open":
        raise ValidationError(_refused("f_circulate"), _refused("already_closed"))
    if not isinstance(people, (list, tuple)) or not all(
            isinstance(p, (Person, org.PersonChoice)) for p in people):
        raise ValidationError(_refused("f_readers"), t("errors.pick_person"), name="people")
    people = [validate.person(p, _refused("f_readers"), name="people") for p in people]
    hands = _hands(actor, [Reader("传阅", person=p) for p in people], doc)
    note = validate.text({"note": note}, "note", _refused("f_circulate_note"))
    hands = [flow.Hand(person=h.person, acting_for=h.acting_for, step="传阅", note=note)
             for h in hands]
    with database.atomic():
        engine.hand_out(actor, KIND, f, "传阅", doc, hands=hands)
        if doc.state not in (states.SORTING, states.SIGNING, states.READING):
            engine.set_state(actor, KIND, doc, states.READING)
    return len(hands)


def close(actor: Actor, task_id: int, note: str) -> IncomingDocument:
    """办结: the 分送 step closes the matter and hands 归档 to 秘书科."""
    turn = engine.turn(actor, KIND, task_id, "close")
    note = validate.text({"note": note}, "note", _refused("f_close_note"))
    return engine.advance(actor, turn, note or "办结", values={"closed_at": actor.now})


def archive(actor: Actor, task_id: int, retention: str) -> IncomingDocument:
    """归档 with 保管期限; 档号 by DA/T 22-2015 (全宗号-门类·年度-期限-件号)."""
    turn = engine.turn(actor, KIND, task_id, "archive")
    codes = office_rules().incoming.retention  # 保管期限 → 档号 code (DA/T 22-2015)
    choices = tuple(codes)
    if retention not in choices:
        raise ValidationError(_label("retention"),
                              t("errors.one_of", choices=validate.joined(choices)),
                              name="retention")
    doc = turn.record
    code = codes[retention]
    with database.atomic():
        piece = next_number(f"archive-{code}", doc.year)
        archive_no = f"{office_rules().incoming.fonds}·{doc.year}-{code}-{piece:04d}"
        return engine.advance(actor, turn, f"归档 {archive_no}",
                              values={"retention": retention, "archive_no": archive_no})


def remind(actor: Actor, task_id: int, note: str = "") -> None:
    engine.remind(actor, KIND, task_id, note)


def lend(actor: Actor, doc_id: int, borrower: Person, days: int | None = None) -> Loan:
    """借阅登记 of an archived document; the borrower must be cleared for it."""
    require_secretariat(actor.person)
    doc = engine.record(KIND, doc_id)
    if doc.state != states.ARCHIVED:
        raise ValidationError(_refused("f_lend"), _refused("lend_archived_only"))
    if not isinstance(borrower, (Person, org.PersonChoice)):
        raise ValidationError(_refused("f_borrower"), t("errors.pick_person"), name="borrower")
    borrower = validate.person(borrower, _refused("f_borrower"), name="borrower")
    if not can_view(borrower, doc.secrecy):
        raise ValidationError(_refused("f_borrower"),
                              _refused("borrower_clearance", name=borrower.name),
                              name="borrower")
    days = (validate.integer({"days": days}, "days", _refused("f_loan_days"), default=None,
                             low=1, high=366)
            or office_rules().incoming.loan_days)
    with database.atomic():
        loan = Loan.create(document=doc, borrower=borrower, lent_at=actor.now,
                           due_back=actor.today + timedelta(days=days))
        audit.record(actor, "incoming.lend", "loan", loan.id, after=audit.snapshot(loan))
    return loan


def return_loan(actor: Actor, loan_id: int) -> Loan:
    require_secretariat(actor.person)
    with database.atomic():
        key = validate.record_id(loan_id)
        loan = None if key is None else Loan.get_or_none(Loan.id == key)
        if loan is None:
            raise NotFound(_refused("no_loan", id=loan_id))
        if loan.returned_at is not None:
            raise ValidationError(_refused("f_return_loan"), _refused("already_returned"))
        before = audit.snapshot(loan)
        loan.returned_at = actor.now
        loan.save()
        audit.record(actor, "incoming.return", "loan", loan.id, before, audit.snapshot(loan))
    return loan


# ---------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class RegisterRow:
    id: int
    number: str
    title: str
    from_name: str
    urgency: str
    secrecy: int
    state: str
    received_on: date
    due: date | None
    holders: str
    cursor: register_sort.Cursor | None = None  # its place in the order read (the page keys)


def register_page(actor: Actor, *, year: int | None = None, state: str | None = None,
                  text: str = "", before_id: int | None = None,
                  after_id: int | None = None, limit: int = 200,
                  filter: str = "", sort: str = register_sort.NUMBER,
                  descending: bool = True, before=None, after=None,
                  last: bool = False) -> list[RegisterRow]:
    """One page of the 收文 register, titles redacted: newest first, keyset-paged by id, or
    sorted by ``sort`` (编号, 收文日期, 期限, 紧急程度, 状态, 来文单位; services.register_sort)
    either way, keyset-paged over (value, id): ``before``/``after`` are the (value, id) of the
    row the page follows or precedes, ``last`` the last page. The search text goes through
    the one search's index (services.fulltext), which matches no record above the viewer's
    clearance on any field (a secret document's 来文字号 and 来文单位 would otherwise confirm
    that it exists)."""
    person = actor.person
    if not validate.page_args(text, state, year=year, before_id=before_id, after_id=after_id,
                               limit=limit):
        return []  # a text no stored row can contain: nothing to look for
    order = register_sort.Sort.of(KIND, sort, descending)
    D = IncomingDocument
    q = D.select(D.id, D.number, D.title, D.from_name, D.urgency, D.secrecy, D.state,
                 D.received_on, D.due)
    if year:
        q = q.where(D.year == year)
    if state:
        q = q.where(D.state == state)
    q, text = list_filter.narrow(actor, KIND, D, q, text, filter, order.column)
    if q is None:
        return []
    rows = register_sort.read(q, D, KIND, order, text=text, code=SEARCH_CODE,
                              clearance=person.clearance, before=before, after=after,
                              last=last, before_id=before_id, after_id=after_id, limit=limit)
    holders = engine.holders_by_record(KIND, [r.id for r in rows], "incoming.shown.holders")
    out = []
    for r in rows:
        title = visible_title(person, r.title, r.secrecy)
        out.append(RegisterRow(r.id, r.number, title, r.from_name, r.urgency, r.secrecy,
                               r.state, r.received_on, r.due, holders.get(r.id, ""),
                               register_sort.Cursor(r.id, order, r.sort_value)))
    return out


@dataclass(frozen=True)
class ReadingStatus:
    total: int
    read: int
    done: int
    waiting: list[engine.Hop]


def reading_status(doc: IncomingDocument) -> ReadingStatus:
    """For the sender: of the current readers, who has read it, who has returned it, who holds it."""
    hops = [h for h in engine.timeline(KIND, doc.id) if h.step in READER_ACTIONS]
    return ReadingStatus(
        total=len(hops),
        read=sum(1 for h in hops if h.read_at is not None),
        done=sum(1 for h in hops if h.state in (DONE, RETURNED)),
        waiting=[h for h in hops if h.state == WAITING],
    )


def current_task_for(actor: Actor, doc: IncomingDocument) -> Task | None:
    """The waiting task of this document the actor may act on now, if any."""
    return engine.current_task(actor, KIND, doc.id)


def stats(year: int) -> dict[str, int]:
    D = IncomingDocument
    return dict(D.select(D.state, fn.COUNT(D.id)).where(D.year == year).group_by(D.state).tuples())


def _record_actions(actor: Actor, doc: IncomingDocument, waiting: list[Task]) -> set[str]:
    """What may be done to the document itself now: 秘书科 edits the register entry, sends it
    round (传阅) while it is open, lends an archived one and takes it back; 催办 of a holder
    is for 秘书科, the office's leaders and the person the document names for it."""
    person = actor.person
    out: set[str] = set()
    clerk = is_secretariat(person) or person.admin
    if clerk:
        out.add("edit")
        if engine.flow_of(KIND, doc.id).state == "open":
            out.add("circulate")
        if doc.state == states.ARCHIVED:
            out.add("lend")
            if Loan.select().where((Loan.document == doc) & Loan.returned_at.is_null()).exists():
                out.add("return_loan")
    others = [task for task in waiting if not can_act(person, task)]
    if others and (clerk or is_director(person) or doc.urging_person_id == person.id):
        out.add("remind")
    return out


engine.register(engine.Workflow(
    KIND, IncomingDocument, record_actions=_record_actions, not_found="incoming.refuse.no_document",
    task_not_found="incoming.refuse.no_task", no_clearance="incoming.no_clearance",
    search_code=SEARCH_CODE,
    search_texts=lambda doc: (doc.number, doc.from_name, doc.doc_number, doc.title, doc.summary),
    search_line=lambda doc: (doc.number, doc.from_name, doc.received_on)))
