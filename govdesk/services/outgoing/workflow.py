"""发文 (SPEC §4; Supp. §3–§5): draft → review chain → sign → 复核登记 → 编号 → 印制 → 第一读者 → 分发.

The chain is chosen from the draft's fields when it is submitted (outgoing_rules.review_chain)
and stored with it; each turn is a task of the flow engine, so it shows in the holder's inbox
and in the deadlines panel like any other work.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from govdesk.i18n import t, t_record, term
from govdesk.models import (
    SECRECY_LEVELS,
    DispatchRecord,
    DraftRevision,
    ErrorRecord,
    OutgoingDocument,
    Person,
    Section,
    Task,
    database,
)
from govdesk.models import outgoing as states
from govdesk.models.flow import CANCELLED, DONE, RETURNED, WAITING
from govdesk.services import (
    audit,
    doc_numbers,
    drafts,
    flow,
    list_filter,
    org,
    register_sort,
    validate,
)
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import ConflictError, PermissionDenied, ValidationError
from govdesk.services.outgoing.rules import (
    ERROR_CATEGORIES,
    ISSUERS,
    FormatReport,
    Step,
    format_report,
    holder_of,
    lead_review_holder,
    lead_review_merged,
    number_pattern,
    prefix_for,
    review_chain,
    signer_rule,
)
from govdesk.services.policy import (
    can_act,
    can_view,
    is_secretariat,
    require_secretariat,
    visible_title,
)
from govdesk.services.rules import office_rules
from govdesk.services.sequence import current_number, next_number
from govdesk.services.vocab import DOC_KINDS

KIND = "outgoing"
SEARCH_CODE = 2  # the 发文's entries in the full-text index (services.fulltext)
URGENCIES = ("特急", "加急", "普通")
POST_SIGN_STEPS = ("复核登记", "编号", "印制", "第一读者", "分发")
CONTENT_FIELDS = ("issuer", "doc_kind", "title", "main_to", "cc", "secrecy", "secrecy_years",
                  "urgency", "normative", "upward", "appointment", "attachments", "body",
                  "restricted", "recipients", "signature", "sealed")


# ---------------------------------------------------------------------------- fields


def _label(key: str) -> str:
    """A field as the user sees it, in their language now (outgoing.field.*)."""
    return t(f"outgoing.field.{key}")


def _refuse(key: str, message: str, *, name: str | None = None,
            **values: object) -> ValidationError:
    """A refusal of the field ``key`` (outgoing.field.*) with the catalog's ``message``;
    ``name`` is the form's field name when the value came from a form."""
    return ValidationError(_label(key), t(message, **values), name=name)


def _section(value: Any, label: str, *, name: str | None = None) -> Section | None:
    """A section given as itself, its code or its name; None when not given."""
    if value is None or isinstance(value, Section):
        return value
    if not isinstance(value, str):
        raise ValidationError(label, t("outgoing.refuse.pick_section"), name=name)
    key = name or "section"
    found = validate.text({key: value}, key, label, limit=100)
    section = Section.get_or_none((Section.code == found) | (Section.name == found))
    if section is None:
        raise ValidationError(label, t("outgoing.refuse.unknown_section", value=found), name=name)
    return section


def _text(fields: dict, key: str, **kwargs: Any) -> str:
    """validate.text on the form field ``key``, labelled as outgoing.field.<key>."""
    return validate.text(fields, key, _label(key), **kwargs)


def clean_fields(fields: dict, actor: Actor) -> dict:
    """Check every field of the 拟稿单; refused, every bad field is named at once
    (ValidationErrors; read as the first by older callers)."""
    check = validate.Checks()
    run = check.run
    issuer = run(validate.choice, fields, "issuer", _label("issuer"), ISSUERS, "区政府办公室")
    kind = run(validate.choice, fields, "doc_kind", _label("doc_kind"), DOC_KINDS, "通知")
    urgency = run(validate.choice, fields, "urgency", _label("urgency"), URGENCIES, "普通")
    level, years = run(validate.secrecy, fields, otherwise=(0, None))
    origin = fields.get("origin") or "office"
    if origin not in ("office", "department"):
        check.refuse(_refuse("origin", "outgoing.refuse.origin", name="origin"))
    section = run(_section, fields.get("drafting_section"), _label("drafting_section"),
                  name="drafting_section")
    review = run(_section, fields.get("review_section"), _label("review_section"),
                 name="review_section")
    unit = run(validate.unit, fields.get("drafting_unit"), _label("drafting_unit"),
               name="drafting_unit")
    if origin == "office" and section is None:
        section = actor.person.section
    if origin == "department":
        if unit is None and not check.failed("drafting_unit"):
            check.refuse(_refuse("drafting_unit", "outgoing.refuse.department_unit",
                                 name="drafting_unit"))
        if review is None and not check.failed("review_section"):
            check.refuse(_refuse("review_section", "outgoing.refuse.department_review",
                                 name="review_section"))
    issuing_name = {"区政府": org.district("government", "区人民政府"),
                    "区政府办公室": org.district("office", "区人民政府办公室")}.get(issuer, "")
    clean = {
        "issuer": issuer,
        "doc_kind": kind,
        "title": run(_text, fields, "title", required=True, limit=500),
        "main_to": run(_text, fields, "main_to", limit=2000),
        "cc": run(_text, fields, "cc", limit=2000),
        "secrecy": level,
        "secrecy_years": years,
        "urgency": urgency,
        "normative": bool(fields.get("normative", False)),
        "upward": bool(fields.get("upward", False)),
        "appointment": bool(fields.get("appointment", False)),
        "attachments": run(_text, fields, "attachments", limit=5000, multiline=True),
        "origin": origin,
        "drafting_section": section,
        "drafting_unit": unit,
        "review_section": review,
        "lead_leader": run(validate.person, fields.get("lead_leader"), _label("lead_leader"),
                           name="lead_leader"),
        "body": run(_text, fields, "body", limit=200_000, multiline=True),
        "restricted": bool(fields.get("restricted", False)),
        "recipients": run(_text, fields, "recipients", limit=5000),
        "signature": run(_text, fields, "signature", limit=200) or issuing_name,
        "sealed": bool(fields.get("sealed", True)),
    }
    check.done()
    return clean


def check_format(actor: Actor, fields: dict, stage: str = "submit") -> FormatReport:
    """Every format problem of the values a form holds, saved or not (Supp. §3(一)).

    Fields the form itself cannot accept (clean_fields) are reported alone, all of them: the
    rest cannot be judged until they are fixed. Nothing is written.
    """
    try:
        clean = clean_fields(fields, actor)
    except ValidationError as exc:
        report = FormatReport()
        for error in getattr(exc, "errors", [exc]):
            report.add(error.field, error.message, name=error.name)
        return report
    return format_report(OutgoingDocument(drafter=actor.person, **clean), stage)


def _content(doc: OutgoingDocument) -> dict[str, Any]:
    data = {k: getattr(doc, k) for k in CONTENT_FIELDS}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def _save_revision(actor: Actor, doc: OutgoingDocument, note: str) -> DraftRevision:
    fields = {k: v for k, v in _content(doc).items() if k not in ("title", "body")}
    return DraftRevision.create(document=doc, no=doc.revision, title=doc.title, body=doc.body,
                                fields=json.dumps(fields, ensure_ascii=False), by=actor.person,
                                at=actor.now, note=note)


def _get(doc_id: int) -> OutgoingDocument:
    return engine.record(KIND, doc_id)


def _doc_for(actor: Actor, doc_id: int) -> OutgoingDocument:
    """The document a user acts on: nobody handles a draft above their clearance (SPEC §14)."""
    return engine.open_record(actor, KIND, doc_id, record_open=False)


def get(actor: Actor, doc_id: int, *, record_open: bool = True) -> OutgoingDocument:
    """The document, if the user is cleared for it; opening a secret one is audited (a screen's
    refresh passes record_open=False, or two users with it open would wake each other forever)."""
    return engine.open_record(actor, KIND, doc_id, record_open=record_open)


def _set(actor: Actor, doc: OutgoingDocument, **values: Any) -> OutgoingDocument:
    return engine.set_state(actor, KIND, doc, **values)


# ---------------------------------------------------------------------------- drafting


def create_draft(actor: Actor, fields: dict) -> OutgoingDocument:
    """拟稿单: the draft waits on its drafter until submitted."""
    clean = clean_fields(fields, actor)
    if not can_view(actor.person, clean["secrecy"]):
        raise _refuse("secrecy", "outgoing.refuse.draft_above_clearance", name="secrecy")
    with database.atomic():
        doc = OutgoingDocument.create(drafter=actor.person, created_at=actor.now,
                                      updated_at=actor.now, **clean)
        _save_revision(actor, doc, "初稿")
        engine.start(actor, KIND, doc)
        audit.record(actor, "outgoing.create", "outgoing_document", doc.id,
                     after=audit.snapshot(doc))
    return doc


# The 拟稿单's fields by the widget that holds them (screens/outgoing/form.py).
FORM_INPUTS = ("title", "main_to", "cc", "secrecy_years", "recipients", "signature")
FORM_AREAS = ("attachments", "body")
FORM_CHECKS = ("normative", "upward", "appointment", "restricted", "sealed")


def form_values(doc: OutgoingDocument) -> dict[str, str]:
    """The draft's values of the 拟稿单's fields, written as the form writes them (its drafts,
    ``draft_fields``): a box "1" or "", a choice its stored word or code, the unit picked as
    its choice written out (drafts.choice_text)."""
    out = {key: "" if getattr(doc, key) is None else str(getattr(doc, key))
           for key in (*FORM_INPUTS, *FORM_AREAS)}
    out.update({key: "1" if getattr(doc, key) else "" for key in FORM_CHECKS})
    out.update({
        "issuer": doc.issuer, "doc_kind": doc.doc_kind,
        "secrecy": SECRECY_LEVELS[doc.secrecy], "urgency": doc.urgency, "origin": doc.origin,
        "drafting_section": doc.drafting_section.code if doc.drafting_section_id else "",
        "review_section": doc.review_section.code if doc.review_section_id else "",
        "lead_leader": doc.lead_leader.login if doc.lead_leader_id else "",
        "drafting_unit": drafts.choice_text(org.unit_choice(doc.drafting_unit)
                                            if doc.drafting_unit_id else None),
    })
    return out


def update_draft(actor: Actor, doc_id: int, version: int, fields: dict) -> OutgoingDocument:
    """The drafter edits while the draft is theirs; a stale version saves nothing."""
    doc = _get(doc_id)
    if doc.state not in (states.DRAFTING, states.RETURNED):
        raise _refuse("document", "outgoing.refuse.already_submitted")
    if doc.drafter_id != actor.person.id:
        raise PermissionDenied(t("outgoing.refuse.drafter_only"))
    clean = clean_fields(fields, actor)
    if validate.record_id(version) is None or not 0 <= version < validate.SQLITE_INT // 2:
        raise ConflictError(t("outgoing.refuse.stale"))
    never_submitted = doc.state == states.DRAFTING
    with database.atomic():
        before = audit.snapshot(doc)
        changed = (OutgoingDocument.update(version=version + 1, updated_at=actor.now, **clean)
                   .where((OutgoingDocument.id == doc_id)
                          & (OutgoingDocument.version == version)).execute())
        if not changed:
            raise engine.conflict(KIND, doc_id, t("outgoing.refuse.stale"), form_values)
        doc = OutgoingDocument.get_by_id(doc_id)
        engine.sync_flow(KIND, doc)
        latest = (DraftRevision.select().where(DraftRevision.document == doc)
                  .order_by(DraftRevision.no.desc()).first())
        # Before the first submission the one revision follows the edits; a draft sent back
        # keeps the revision that was reviewed, and resubmission records the next one.
        if never_submitted and latest is not None and latest.no == doc.revision:
            DraftRevision.update(title=doc.title, body=doc.body, at=actor.now,
                                 fields=json.dumps({k: v for k, v in _content(doc).items()
                                                    if k not in ("title", "body")},
                                                   ensure_ascii=False)).where(
                DraftRevision.id == latest.id).execute()
        audit.record(actor, "outgoing.edit", "outgoing_document", doc.id, before,
                     audit.snapshot(doc))
    return doc


def _chain_json(steps: list[Step]) -> str:
    return json.dumps([
        {"name": s.name, "person": s.person.id if s.person else None,
         "section": s.section.id if s.section else None,
         "acting_for": s.acting_for.id if s.acting_for else None, "external": s.external,
         "signs": s.signs, "leader": s.leader}
        for s in steps
    ], ensure_ascii=False)


@dataclass(frozen=True)
class ChainStep:
    name: str
    person: int | None
    section: int | None
    acting_for: int | None
    external: str
    signs: bool
    leader: bool


def chain_of(doc: OutgoingDocument) -> list[ChainStep]:
    return [ChainStep(**s) for s in json.loads(doc.chain or "[]")]


@dataclass(frozen=True)
class Arrival:
    """The chain step a draft goes to next, as it arrives: its place in the chain, its holder
    today, and the steps passed over on the way (the 分管领导 who now signs himself)."""

    index: int
    name: str
    hands: list[flow.Hand]
    leader: bool
    skipped: tuple[tuple[str, int], ...] = ()  # (step, person id)


def _arrival(actor: Actor, doc: OutgoingDocument, chain: list[ChainStep], index: int,
             note: str = "") -> Arrival:
    """Where the draft goes at chain position ``index``: holders by the step's rule on the day
    it arrives (the acting head while the 区长 is away); nobody above their clearance."""
    skipped: list[tuple[str, int]] = []
    while chain[index].name == "分管领导审核" and lead_review_merged(doc, actor.now):
        # The 分管领导 acts for the 区长 today: his review is his signature (Part 3 §17).
        skipped.append((chain[index].name, lead_review_holder(doc, actor.now)[0].id))
        index += 1
    step = chain[index]
    if step.external:
        person, section, acting = None, org.section("mishu"), None
    else:
        person, section, acting = holder_of(step.name, doc, actor.now)
    if person is not None and not can_view(person, doc.secrecy):
        raise _refuse("secrecy", "outgoing.refuse.holder_clearance", name="secrecy",
                      person=person.name, level=term(SECRECY_LEVELS[doc.secrecy]))
    if person is None and section is None:
        raise _refuse("review_section", "outgoing.refuse.no_holder", name="review_section")
    hand_note = note or (f"代{step.external}登记意见" if step.external else "")
    hand = flow.Hand(person=person, section=section if person is None else None,
                     acting_for=acting, note=hand_note)
    return Arrival(index, step.name, [hand], step.leader, tuple(skipped))


def _arrive(actor: Actor, doc: OutgoingDocument, arrival: Arrival) -> OutgoingDocument:
    """What happens as the draft reaches a chain step, inside the moving transaction: a step
    passed over stays in the timeline, a leader's step before 秘书科's 核阅 is 文件倒流, and a
    resubmission will resume here."""
    f = engine.flow_of(KIND, doc.id)
    for name, person_id in arrival.skipped:
        flow.record_skipped(actor, f, name, Person.get_by_id(person_id),
                            "与签发人为同一人，签发时一并审核")
    if arrival.leader and not _secretariat_reviewed(doc):
        _record_backflow(actor, doc, arrival.name, automatic=True)
    OutgoingDocument.update(resume_step=arrival.index).where(
        OutgoingDocument.id == doc.id).execute()
    return OutgoingDocument.get_by_id(doc.id)


def _move_on(actor: Actor, turn: engine.Turn, opinion: str, steps: list[ChainStep], index: int,
             values: dict[str, Any] | None = None) -> OutgoingDocument:
    """Complete the turn and hand the draft to chain position ``index``, in one transaction."""
    arrival = _arrival(actor, turn.record, steps, index)
    return engine.advance(actor, turn, opinion, to=arrival.name, hands=arrival.hands,
                          values=values, effect=lambda row: _arrive(actor, row, arrival))


def _secretariat_reviewed(doc: OutgoingDocument) -> bool:
    f = engine.flow_of(KIND, doc.id)
    return Task.select().where(
        (Task.flow == f) & Task.step.in_(["秘书科核稿", "秘书科审核"]) & (Task.state == DONE)
    ).exists()


def submit(actor: Actor, task_id: int) -> OutgoingDocument:
    """送审: format checks first (each problem names its field), then the chain starts."""
    turn = engine.turn(actor, KIND, task_id, "submit")
    doc = turn.record
    report = format_report(doc, "submit")
    if not report.ok:
        first = report.problems[0]
        raise ValidationError(first.field, first.message, name=first.name)
    if turn.task.step == "起草":
        # The chain keeps every step whose need is decided on the day it arrives.
        steps = review_chain(doc, actor.now, as_of_now=False)
        if any(s.person is None and s.section is None for s in steps):
            raise _refuse("review_section", "outgoing.refuse.no_holder", name="review_section")
        stored = _chain_json(steps)
        return _move_on(actor, turn, "送审", [ChainStep(**s) for s in json.loads(stored)], 0,
                        {"chain": stored, "signer_name": signer_rule(doc).rank})
    # 修改: the next revision, and the chain resumes at the step that sent it back. A second
    # submit of the same 修改 (another window, another process) ends in ConflictError when the
    # task is completed, before any revision is written.
    revision = doc.revision + 1

    def resubmitted(row: OutgoingDocument) -> OutgoingDocument:
        row = _set(actor, row, revision=revision)
        _save_revision(actor, row, f"按意见修改后重新送审（第{revision}稿）")
        return _arrive(actor, row, arrival)

    arrival = _arrival(actor, doc, chain_of(doc), doc.resume_step)
    return engine.advance(actor, turn, f"修改后重新送审（第{revision}稿）", to=arrival.name,
                          hands=arrival.hands, effect=resubmitted)


def approve(actor: Actor, task_id: int, opinion: str) -> OutgoingDocument:
    """A review turn approves (核稿/审核/审批/签发); the next turn, or signing, follows."""
    turn = engine.turn(actor, KIND, task_id, "approve")
    doc = turn.record
    chain = chain_of(doc)
    names = [s.name for s in chain]
    step = turn.task.step
    if step == "重新签发":
        index = next(i for i, s in enumerate(chain) if s.signs)
    elif step in names:
        index = doc.resume_step if names[doc.resume_step] == step else names.index(step)
    else:
        raise _refuse("step", "outgoing.refuse.not_review_step", step=term(step))
    opinion = validate.text({"opinion": opinion}, "opinion", _label("opinion")) or "同意"
    if chain[index].signs:
        return _sign(actor, turn, opinion, chain[index])
    return _move_on(actor, turn, opinion, chain, index + 1)


def signer_label(actor: Actor, task: Task) -> str:
    """The 签发人 as the document records it: the acting head as 赵国梁（代王建明）."""
    name = actor.person.name
    if task.acting_for_id is not None:
        name = t_record("outgoing.shown.signed_acting", name=name,
                        leader=Person.get_by_id(task.acting_for_id).name)
    return name


def _sign(actor: Actor, turn: engine.Turn, opinion: str, step: ChainStep) -> OutgoingDocument:
    """签发: 成文日期 is the signing date (Supp. §3(一)6); then back to 秘书科 (Supp. §4)."""
    doc = turn.record
    name = step.external or signer_label(actor, turn.task)
    return engine.advance(actor, turn, opinion, values={
        "signed_by": None if step.external else actor.person, "signer_name": name,
        "signed_at": actor.now, "signed_revision": doc.revision, "written_date": actor.today})


def send_back(actor: Actor, task_id: int, comments: str) -> OutgoingDocument:
    """退改: back to the drafter with comments; resubmission resumes at this step."""
    turn = engine.turn(actor, KIND, task_id, "send_back")
    doc = turn.record
    names = [s.name for s in chain_of(doc)]
    comments = validate.text({"comments": comments}, "comments", _label("comments"),
                             required=True)
    index = names.index(turn.task.step) if turn.task.step in names else doc.resume_step
    return engine.advance(actor, turn, comments, note=comments, values={"resume_step": index})


@dataclass(frozen=True)
class SentBack:
    """The 退改 a draft waits on: at which step, by whom, when, and the reviewer's comment."""

    step: str
    who: str
    at: datetime
    comments: str


def sent_back(doc: OutgoingDocument) -> SentBack | None:
    """The comment the draft was sent back with (``send_back``), while it waits on its drafter
    to be revised (退改中); None otherwise."""
    if doc.state != states.RETURNED:
        return None
    task = (Task.select().where((Task.flow == engine.flow_of(KIND, doc.id))
                                & (Task.state == RETURNED))
            .order_by(Task.acted_at.desc(), Task.id.desc()).first())
    if task is None:
        return None
    who = task.acted_by.name if task.acted_by_id else ""
    return SentBack(task.step, who, task.acted_at, task.opinion)


def _drafter(actor: Actor, doc: OutgoingDocument) -> list[flow.Hand]:
    return [flow.Hand(person=doc.drafter)]


# ---------------------------------------------------------------------------- after signing


def register_signed(actor: Actor, task_id: int, note: str = "") -> OutgoingDocument:
    """复核登记: the signed draft comes back to 秘书科 to be registered and re-checked."""
    turn = engine.turn(actor, KIND, task_id, "register_signed")
    note = validate.text({"note": note}, "note", _label("recheck"))
    return engine.advance(actor, turn, note or "已登记复核")


def number_label(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}〔{year}〕{seq}号"


def number_preview(doc: OutgoingDocument, today: date) -> str:
    """The 发文字号 编号 would give ``doc`` on ``today``, read without taking it: the number it
    keeps when re-signed, else the next of its 机关代字 and year. Only a preview — whoever
    numbers first takes that number, and the counter is not touched here."""
    prefix = prefix_for(doc.issuer)
    if doc.number and doc.prefix == prefix:
        return doc.number
    year = today.year
    return number_label(prefix, year, current_number(f"outgoing:{prefix}", year) + 1)


def assign_number(actor: Actor, task_id: int) -> OutgoingDocument:
    """发文字号 机关代字〔年〕序号号: one gap-free sequence per prefix and year."""
    turn = engine.turn(actor, KIND, task_id, "assign_number")
    doc = turn.record
    prefix = prefix_for(doc.issuer)
    with database.atomic():  # the number is taken in the same transaction as the step
        if doc.number and doc.prefix == prefix:
            # Re-signed after a change (Supp. §4): it keeps its number, so none is burnt.
            year, seq, number = doc.year, doc.seq, doc.number
        else:
            year = actor.today.year
            seq = next_number(f"outgoing:{prefix}", year)
            number = number_label(prefix, year, seq)
        if not number_pattern(prefix).match(number):
            raise _refuse("number", "outgoing.refuse.bad_number", number=number)
        return engine.advance(actor, turn, number, values={
            "prefix": prefix, "year": year, "seq": seq, "number": number})


def _written_date_refusal(actor: Actor, doc: OutgoingDocument) -> Exception | None:
    """Why this user may not set the 成文日期 now, or None: the drafting unit may, once printing
    has waited more than the grace period after signing (Supp. §3(一)6)."""
    if doc.signed_at is None:
        return _refuse("written", "outgoing.refuse.not_signed", name="written")
    if doc.state in (states.PRINTED, states.PROOFREAD, states.DISPATCHED):
        return _refuse("written", "outgoing.refuse.already_printed", name="written")
    grace = office_rules().outgoing.written_date_grace_days
    waited = (actor.today - doc.signed_at.date()).days
    if waited <= grace:
        return _refuse("written", "outgoing.refuse.grace", name="written", grace=grace,
                       waited=waited)
    if not (doc.drafter_id == actor.person.id
            or (doc.drafting_section_id and doc.drafting_section_id == actor.person.section_id)):
        return PermissionDenied(t("outgoing.refuse.drafting_unit_only"))
    return None


def set_written_date(actor: Actor, doc_id: int, written: date) -> OutgoingDocument:
    """成文日期 may be set by the drafting unit when printing waits > 20 days (Supp. §3(一)6)."""
    doc = _doc_for(actor, doc_id)
    refusal = _written_date_refusal(actor, doc)
    if refusal is not None:
        raise refusal
    written = validate.day({"written": written}, "written", _label("written"), None)
    if written is None:
        raise _refuse("written", "errors.required", name="written")
    if written < doc.signed_at.date() or written > actor.today:
        raise _refuse("written", "outgoing.refuse.written_range", name="written")
    with database.atomic():
        return _set(actor, doc, written_date=written)


def may_set_written_date(actor: Actor, doc: OutgoingDocument) -> bool:
    """Whether set_written_date would accept this user now (the screen hides the key if not)."""
    return _written_date_refusal(actor, doc) is None


def print_document(actor: Actor, task_id: int, *, print_org: str, print_date: date | None,
                   copies: int) -> OutgoingDocument:
    """印制: 印发机关 and 印发日期 (the day sent to print) are checked with the rest first."""
    turn = engine.turn(actor, KIND, task_id, "print")
    doc = turn.record
    copies = validate.integer({"copies": copies}, "copies", _label("copies"), default=None,
                              low=1, high=100000)
    if copies is None:
        raise _refuse("copies", "errors.required", name="copies")
    print_org = validate.text({"print_org": print_org}, "print_org", _label("print_org"),
                              limit=200)
    print_date = validate.day({"print_date": print_date}, "print_date", _label("print_date"),
                              actor.today)
    doc.print_org, doc.print_date, doc.copies = print_org, print_date or actor.today, copies
    report = format_report(doc, "print")
    if not report.ok:
        first = report.problems[0]
        raise ValidationError(first.field, first.message, name=first.name)
    return engine.advance(actor, turn, f"印制 {copies} 份", values={
        "print_org": print_org, "print_date": print_date or actor.today, "copies": copies})


def first_reader_signoff(actor: Actor, task_id: int, opinion: str = "") -> OutgoingDocument:
    """第一读者 (Supp. §5(三)): reads the print; nothing is dispatched before this."""
    turn = engine.turn(actor, KIND, task_id, "first_read")
    require_secretariat(actor.person)
    opinion = validate.text({"opinion": opinion}, "opinion", _label("read_opinion"))
    return engine.advance(actor, turn, opinion or "阅读无误", values={
        "first_reader": actor.person, "first_read_at": actor.now})


@dataclass(frozen=True)
class Dispatch:
    recipient: str
    copies: int = 1
    electronic: bool = True
    paper: bool = False
    copy_numbers: str = ""


def _dispatch_row(r: Dispatch, doc: OutgoingDocument) -> Dispatch:
    """One checked row of the 分发 register (recipient and 份号 stripped)."""
    recipient = validate.text({"recipient": r.recipient}, "recipient", _label("recipient"),
                              required=True, limit=200)
    if not isinstance(r.electronic, bool) or not isinstance(r.paper, bool):
        raise _refuse("way", "outgoing.refuse.way", name="electronic", recipient=recipient)
    if not (r.electronic or r.paper):
        raise _refuse("way", "outgoing.refuse.way", name="electronic", recipient=recipient)
    copies = r.copies
    if isinstance(copies, bool) or not isinstance(copies, int):
        raise _refuse("dispatch_copies", "outgoing.refuse.copies_integer", name="copies",
                      recipient=recipient)
    if copies < 1:
        raise _refuse("dispatch_copies", "outgoing.refuse.copies_min", name="copies",
                      recipient=recipient)
    if copies > 100000:
        raise _refuse("dispatch_copies", "outgoing.refuse.copies_max", name="copies",
                      recipient=recipient)
    numbers = validate.text({"copy_numbers": r.copy_numbers}, "copy_numbers",
                            _label("copy_numbers"))
    if doc.secrecy and r.paper and not numbers:
        raise _refuse("copy_numbers", "outgoing.refuse.copy_numbers", name="copy_numbers",
                      recipient=recipient)
    return Dispatch(recipient, copies, r.electronic, r.paper, numbers)


def dispatch(actor: Actor, task_id: int, records: list[Dispatch]) -> OutgoingDocument:
    """分发 register: recipients, copies, electronic/paper, secret copies' 份号."""
    turn = engine.turn(actor, KIND, task_id, "dispatch")
    doc = turn.record
    if doc.first_read_at is None:
        raise _refuse("first_reader", "outgoing.refuse.not_first_read")
    if not isinstance(records, (list, tuple)) or not records:
        raise _refuse("recipient", "outgoing.refuse.no_recipients", name="recipient")
    if not all(isinstance(r, Dispatch) for r in records):
        raise _refuse("recipient", "outgoing.refuse.rows", name="recipient")
    records = [_dispatch_row(r, doc) for r in records]

    def register_copies(row: OutgoingDocument) -> None:
        DispatchRecord.insert_many([
            {**asdict(r), "document": row.id, "at": actor.now, "by": actor.person.id}
            for r in records
        ]).execute()

    return engine.advance(actor, turn, f"分发 {len(records)} 个单位",
                          values={"dispatched_at": actor.now}, effect=register_copies)


def change_after_signing(actor: Actor, doc_id: int, fields: dict, note: str) -> OutgoingDocument:
    """Any change after signing goes back to the signer; both versions are kept (Supp. §4)."""
    require_secretariat(actor.person)
    doc = _doc_for(actor, doc_id)
    if doc.signed_at is None or doc.state == states.DISPATCHED:
        raise _refuse("change", "outgoing.refuse.change_state")
    note = validate.text({"change_note": note}, "change_note", _label("change_note"),
                         required=True)
    clean = clean_fields({**_content(doc), **fields,
                          "origin": doc.origin, "drafting_section": doc.drafting_section,
                          "drafting_unit": doc.drafting_unit,
                          "review_section": doc.review_section,
                          "lead_leader": doc.lead_leader}, actor)
    sign_step = next(s for s in chain_of(doc) if s.signs)
    if sign_step.external:
        hands = [flow.Hand(section=org.section("mishu"), note=f"代{sign_step.external}重新审定")]
    else:
        signer = Person.get_by_id(doc.signed_by_id) if doc.signed_by_id else None
        if signer is None:
            raise _refuse("signer", "outgoing.refuse.no_signer")
        holder, acting = org.stand_in(signer, actor.now)
        hands = [flow.Hand(person=holder, acting_for=acting, note=note)]
    with database.atomic():
        f = engine.flow_of(KIND, doc.id)
        flow.cancel_waiting(actor, f)
        doc = _set(actor, doc, revision=doc.revision + 1, state=states.REVIEWING, **{
            k: v for k, v in clean.items() if k in CONTENT_FIELDS})
        _save_revision(actor, doc, f"签发后修改：{note}")
        engine.hand_out(actor, KIND, f, "重新签发", doc, hands=hands)
    return OutgoingDocument.get_by_id(doc.id)


# ---------------------------------------------------------------------------- 倒流 and errors


def _record_backflow(actor: Actor, doc: OutgoingDocument, where: str, *, automatic: bool) -> None:
    OutgoingDocument.update(backflow=True).where(OutgoingDocument.id == doc.id).execute()
    section = doc.drafting_section or doc.review_section or actor.person.section
    ErrorRecord.create(document=doc, step=where, category="文件倒流", section=section,
                       person=doc.drafter, note="文稿未经秘书科核阅即送领导" + (
                           "（系统判定）" if automatic else ""),
                       by=actor.person, at=actor.now)
    audit.record(actor, "outgoing.backflow", "outgoing_document", doc.id,
                 after={"where": where, "automatic": automatic})


def backflow_possible(doc: OutgoingDocument) -> bool:
    """文件倒流 can still be reported: in flight, never reviewed by 秘书科 and not now waiting
    on its 核稿 (where a report would send it)."""
    if doc.state in (states.SIGNED, states.NUMBERED, states.PRINTED, states.PROOFREAD,
                     states.DISPATCHED) or _secretariat_reviewed(doc):
        return False
    return not Task.select().where(
        (Task.flow == engine.flow_of(KIND, doc.id)) & (Task.state == WAITING)
        & Task.step.in_(["秘书科核稿", "秘书科审核"])).exists()


def report_backflow(actor: Actor, doc_id: int, note: str = "") -> OutgoingDocument:
    """A leader's office found a draft that reached the leader without 秘书科 核阅: it is
    recorded as 文件倒流 and sent to 秘书科 for 核稿 before it can go on."""
    doc = _doc_for(actor, doc_id)
    if _secretariat_reviewed(doc):
        raise _refuse("backflow", "outgoing.refuse.reviewed")
    note = validate.text({"note": note}, "note", _label("backflow_where"), limit=200)
    steps = review_chain(doc, actor.now, as_of_now=False)
    stored = _chain_json(steps)
    arrival = _arrival(actor, doc, [ChainStep(**s) for s in json.loads(stored)], 0,
                       note="文件倒流：退回审核链，须经秘书科核阅")
    with database.atomic():
        _record_backflow(actor, doc, note or "领导处发现", automatic=False)
        f = engine.flow_of(KIND, doc.id)
        flow.cancel_waiting(actor, f)
        doc = _set(actor, doc, chain=stored, state=states.REVIEWING,
                   signer_name=signer_rule(doc).rank)
        doc = _arrive(actor, doc, arrival)
        engine.hand_out(actor, KIND, f, arrival.name, doc, hands=arrival.hands)
    return OutgoingDocument.get_by_id(doc.id)


def record_error(actor: Actor, doc_id: int | None, category: str, *, section: Any,
                 person: Any = None, note: str = "", step: str = "") -> ErrorRecord:
    """差错 recorded by a reviewer at any step (Supp. §5(四))."""
    if category not in ERROR_CATEGORIES:
        raise _refuse("category", "errors.one_of", name="category",
                      choices=validate.joined(ERROR_CATEGORIES))
    section = _section(section or None, _label("error_section"), name="section")
    if section is None:
        raise _refuse("error_section", "errors.required", name="section")
    who = validate.person(person, _label("error_person"), name="person")
    note = validate.text({"note": note}, "note", _label("error_note"), required=True)
    step = validate.text({"step": step}, "step", _label("error_step"), limit=100)
    if doc_id is not None:
        _get(doc_id)
    with database.atomic():
        rec = ErrorRecord.create(document=doc_id, step=step, category=category, section=section,
                                 person=who, note=note, by=actor.person, at=actor.now)
        audit.record(actor, "outgoing.error", "error_record", rec.id, after=audit.snapshot(rec))
    return rec


# ---------------------------------------------------------------------------- queries


def compare(doc_id: int, old: int, new: int) -> list[str]:
    """A unified diff of two kept revisions (title, fields and body)."""
    if validate.record_id(doc_id) is None or validate.record_id(old) is None or validate.record_id(new) is None:
        raise _refuse("revision", "outgoing.refuse.no_revision")
    revs = {r.no: r for r in DraftRevision.select().where(
        (DraftRevision.document == doc_id) & DraftRevision.no.in_([old, new]))}
    if old not in revs or new not in revs:
        raise _refuse("revision", "outgoing.refuse.no_revision")

    def lines(r: DraftRevision) -> list[str]:
        fields = json.loads(r.fields)
        head = [t("outgoing.diff.title", title=r.title)] + [f"{k}：{v}" for k, v in
                                                            sorted(fields.items())]
        return head + ["", *r.body.splitlines()]

    return list(difflib.unified_diff(lines(revs[old]), lines(revs[new]),
                                     t("outgoing.diff.revision", no=old),
                                     t("outgoing.diff.revision", no=new), lineterm=""))


@dataclass(frozen=True)
class OutgoingRow:
    id: int
    number: str
    title: str
    issuer: str
    doc_kind: str
    urgency: str
    state: str
    drafter: str
    updated_at: datetime
    cursor: register_sort.Cursor | None = None  # its place in the order read (the page keys)


def register_page(actor: Actor, *, state: str | None = None, text: str = "",
                  before_id: int | None = None, after_id: int | None = None,
                  limit: int = 200, filter: str = "", sort: str = register_sort.NUMBER,
                  descending: bool = True, before=None, after=None,
                  last: bool = False) -> list[OutgoingRow]:
    """One page of the 发文 register, titles redacted: newest first, keyset-paged by id, or
    sorted by ``sort`` (编号, 紧急程度, 状态, 拟稿人 — by person, in the order people were
    added —, 更新时间; services.register_sort) either way, keyset-paged over (value, id) as
    incoming.register_page; the search text through the one search's index
    (services.fulltext, clearance inside it)."""
    if not validate.page_args(text, state, before_id=before_id, after_id=after_id,
                               limit=limit):
        return []  # a text no stored row can contain: nothing to look for
    order = register_sort.Sort.of(KIND, sort, descending)
    D = OutgoingDocument
    q = (D.select(D.id, D.number, D.title, D.secrecy, D.issuer, D.doc_kind, D.urgency, D.state,
                  D.updated_at, Person.name.alias("drafter_name"))
         .join(Person, on=(D.drafter == Person.id)))
    if state:
        q = q.where(D.state == state)
    q, text = list_filter.narrow(actor, KIND, D, q, text, filter, order.column)
    if q is None:
        return []
    page = register_sort.read(q, D, KIND, order, text=text, code=SEARCH_CODE,
                              clearance=actor.person.clearance, before=before, after=after,
                              last=last, before_id=before_id, after_id=after_id, limit=limit)
    out = []
    for d in page:
        title = visible_title(actor.person, d.title, d.secrecy)
        out.append(OutgoingRow(d.id, d.number or "", title, d.issuer, d.doc_kind, d.urgency,
                               d.state, getattr(d.drafter, "drafter_name", ""),
                               d.updated_at, register_sort.Cursor(d.id, order, d.sort_value)))
    return out


def current_task_for(actor: Actor, doc: OutgoingDocument) -> Task | None:
    return engine.current_task(actor, KIND, doc.id)


def dispatches(doc: OutgoingDocument) -> list[DispatchRecord]:
    return list(DispatchRecord.select().where(DispatchRecord.document == doc)
                .order_by(DispatchRecord.id))


def revisions(doc: OutgoingDocument) -> list[DraftRevision]:
    return list(DraftRevision.select().where(DraftRevision.document == doc)
                .order_by(DraftRevision.no))



# ---------------------------------------------------------------------------- the workflow

LEADER_OFFICE_RANKS = (*org.LEADER_RANKS, "主任", "副主任")
REVIEW_STEPS_OF_RECORD = ("复核登记",)  # besides the chain's steps: where a 差错 is recorded


# The refusal of an action asked at a step that does not allow it, by action.
WRONG_STEP = {"approve": "outgoing.refuse.not_review_step",
              "send_back": "outgoing.refuse.cannot_send_back", "": "outgoing.refuse.wrong_step"}


def _record_actions(actor: Actor, doc: OutgoingDocument, waiting: list[Task]) -> set[str]:
    """What may be done to the document itself now (beside the actions of one's own step)."""
    person = actor.person
    mine = [task for task in waiting if can_act(person, task)]
    reviews = {s.name for s in chain_of(doc)} | {"重新签发", *REVIEW_STEPS_OF_RECORD}
    out: set[str] = set()
    if doc.drafter_id == person.id and any(task.step in ("起草", "修改") for task in mine):
        out.add("edit")
    if any(task.step in reviews for task in mine):
        out.add("record_error")
    if (is_secretariat(person) or person.admin) and doc.signed_at is not None \
            and doc.state != states.DISPATCHED:
        out.add("change")
    if may_set_written_date(actor, doc):
        out.add("written_date")
    in_leader_office = person.rank in LEADER_OFFICE_RANKS or person.follows_id is not None
    if in_leader_office and backflow_possible(doc):
        out.add("backflow")
    if DraftRevision.select().where(DraftRevision.document == doc).exists():
        out.add("compare")
    return out


def _after_hand_back(actor: Actor, doc: OutgoingDocument, task: Task) -> None:
    """The 区长 is back and the acting head hands the signature back: if the acting head was
    also the 分管领导 and his review was passed over as his own signature, he reviews it now
    and the 区长 signs after him (Part 3 §17: never signed unreviewed)."""
    if task.step != "区长签发":
        return
    f = task.flow
    reviewed = Task.select().where((Task.flow == f) & (Task.step == "分管领导审核")
                                   & (Task.state == DONE)).exists()
    chain = chain_of(doc)
    index = next((i for i, s in enumerate(chain) if s.name == "分管领导审核"), None)
    if reviewed or index is None or lead_review_merged(doc, actor.now):
        return
    Task.update(state=CANCELLED, acted_at=actor.now, acted_by=actor.person,
                opinion="分管领导审核后再送签发").where(Task.id == task.id).execute()
    arrival = _arrival(actor, doc, chain, index)
    doc = _arrive(actor, doc, arrival)
    engine.hand_out(actor, KIND, f, arrival.name, doc, hands=arrival.hands)


def _rule_holder(step: str):
    def holders(actor: Actor, doc: OutgoingDocument) -> list[flow.Hand]:
        person, section, acting = holder_of(step, doc, actor.now)
        return [flow.Hand(person=person, section=section, acting_for=acting)]
    return holders


engine.register(engine.Workflow(
    KIND, OutgoingDocument,
    holders={"drafter": _drafter, "review_section": _rule_holder("科室审核"),
             "deputy": _rule_holder("分管副主任审核"), "lead_leader": _rule_holder("分管领导审核")},
    guards={"first_read": lambda actor, doc, task: is_secretariat(actor.person)},
    record_actions=_record_actions, after_hand_back=_after_hand_back,
    wrong_step=lambda action, step: _refuse("step", WRONG_STEP.get(action, WRONG_STEP[""]),
                                            step=term(step)),
    not_found="outgoing.refuse.not_found", task_not_found="outgoing.refuse.task_not_found",
    no_clearance="outgoing.refuse.above_clearance",
    search_code=SEARCH_CODE,
    search_texts=lambda doc: (doc.number or "", doc.issuer, doc.title, doc.body),
    search_line=lambda doc: (doc.number or "", doc.issuer,
                             doc.written_date or doc.created_at.date())))

# A bare 发文 number (#, a register's search box) stands for that sequence under every prefix.
doc_numbers.bare_numbers(KIND, lambda year, seq: list(dict.fromkeys(
    f"{prefix_for(issuer)}〔{year}〕{seq}号"
    for issuer in ISSUERS)))
