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

from govdesk.i18n import t, term
from govdesk.models import (
    SECRECY_LEVELS,
    DispatchRecord,
    DraftRevision,
    ErrorRecord,
    Flow,
    OutgoingDocument,
    Person,
    Section,
    Task,
    database,
)
from govdesk.models import outgoing as states
from govdesk.models.flow import DONE, RETURNED, WAITING
from govdesk.services import audit, flow, org, validate
from govdesk.services.calendar import office_calendar
from govdesk.services.context import Actor
from govdesk.services.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from govdesk.services.incoming import DOC_KINDS
from govdesk.services.outgoing_rules import (
    ERROR_CATEGORIES,
    ISSUERS,
    FormatReport,
    Step,
    format_report,
    number_pattern,
    prefix_for,
    review_chain,
    signer_rule,
)
from govdesk.services.policy import can_view, require_act, require_secretariat, visible_title
from govdesk.services.rules import office_rules
from govdesk.services.script import matching
from govdesk.services.sequence import next_number

KIND = "outgoing"
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
    issuer = validate.choice(fields, "issuer", _label("issuer"), ISSUERS, "区政府办公室")
    kind = validate.choice(fields, "doc_kind", _label("doc_kind"), DOC_KINDS, "通知")
    urgency = validate.choice(fields, "urgency", _label("urgency"), URGENCIES, "普通")
    level, years = validate.secrecy(fields)
    origin = fields.get("origin") or "office"
    if origin not in ("office", "department"):
        raise _refuse("origin", "outgoing.refuse.origin", name="origin")
    section = _section(fields.get("drafting_section"), _label("drafting_section"),
                       name="drafting_section")
    review = _section(fields.get("review_section"), _label("review_section"),
                      name="review_section")
    unit = validate.unit(fields.get("drafting_unit"), _label("drafting_unit"),
                         name="drafting_unit")
    if origin == "office" and section is None:
        section = actor.person.section
    if origin == "department":
        if unit is None:
            raise _refuse("drafting_unit", "outgoing.refuse.department_unit",
                          name="drafting_unit")
        if review is None:
            raise _refuse("review_section", "outgoing.refuse.department_review",
                          name="review_section")
    issuing_name = {"区政府": org.district("government", "区人民政府"),
                    "区政府办公室": org.district("office", "区人民政府办公室")}.get(issuer, "")
    return {
        "issuer": issuer,
        "doc_kind": kind,
        "title": _text(fields, "title", required=True, limit=500),
        "main_to": _text(fields, "main_to", limit=2000),
        "cc": _text(fields, "cc", limit=2000),
        "secrecy": level,
        "secrecy_years": years,
        "urgency": urgency,
        "normative": bool(fields.get("normative", False)),
        "upward": bool(fields.get("upward", False)),
        "appointment": bool(fields.get("appointment", False)),
        "attachments": _text(fields, "attachments", limit=5000),
        "origin": origin,
        "drafting_section": section,
        "drafting_unit": unit,
        "review_section": review,
        "lead_leader": validate.person(fields.get("lead_leader"), _label("lead_leader"),
                                       name="lead_leader"),
        "body": _text(fields, "body", limit=200_000),
        "restricted": bool(fields.get("restricted", False)),
        "recipients": _text(fields, "recipients", limit=5000),
        "signature": _text(fields, "signature", limit=200) or issuing_name,
        "sealed": bool(fields.get("sealed", True)),
    }


def check_format(actor: Actor, fields: dict, stage: str = "submit") -> FormatReport:
    """Every format problem of the values a form holds, saved or not (Supp. §3(一)).

    A field the form itself cannot accept (clean_fields) is reported alone: the rest cannot be
    judged until it is fixed. Nothing is written.
    """
    try:
        clean = clean_fields(fields, actor)
    except ValidationError as exc:
        report = FormatReport()
        report.add(exc.field, exc.message, name=exc.name)
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
    key = validate.record_id(doc_id)
    doc = None if key is None else OutgoingDocument.get_or_none(OutgoingDocument.id == key)
    if doc is None:
        raise NotFound(t("outgoing.refuse.not_found", id=doc_id))
    return doc


def _doc_for(actor: Actor, doc_id: int) -> OutgoingDocument:
    """The document a user acts on: nobody handles a draft above their clearance (SPEC §14)."""
    doc = _get(doc_id)
    if not can_view(actor.person, doc.secrecy):
        raise PermissionDenied(t("outgoing.refuse.above_clearance"))
    return doc


def get(actor: Actor, doc_id: int, *, record_open: bool = True) -> OutgoingDocument:
    """The document, if the user is cleared for it; opening a secret one is audited (a screen's
    refresh passes record_open=False, or two users with it open would wake each other forever)."""
    doc = _get(doc_id)
    if not can_view(actor.person, doc.secrecy):
        raise PermissionDenied(t("outgoing.refuse.above_clearance"))
    if doc.secrecy and record_open:
        with database.atomic():
            audit.record(actor, "outgoing.open_secret", "outgoing_document", doc.id)
    return doc


def _task(task_id: int, steps: tuple[str, ...] | None = None) -> Task:
    key = validate.record_id(task_id)
    task = None if key is None else Task.get_or_none(Task.id == key)
    if task is None or task.flow.kind != KIND:
        raise NotFound(t("outgoing.refuse.task_not_found", id=task_id))
    if steps is not None and task.step not in steps:
        raise _refuse("step", "outgoing.refuse.wrong_step", step=term(task.step))
    return task


def _set(actor: Actor, doc: OutgoingDocument, **values: Any) -> OutgoingDocument:
    before = audit.snapshot(doc)
    OutgoingDocument.update(updated_at=actor.now, version=OutgoingDocument.version + 1,
                            **values).where(OutgoingDocument.id == doc.id).execute()
    doc = OutgoingDocument.get_by_id(doc.id)
    audit.record(actor, "outgoing.update", "outgoing_document", doc.id, before,
                 audit.snapshot(doc))
    if any(k in values for k in ("title", "secrecy", "urgency")):
        Flow.update(title=doc.title, secrecy=doc.secrecy, urgency=doc.urgency).where(
            (Flow.kind == KIND) & (Flow.record_id == doc.id)).execute()
    return doc


# ---------------------------------------------------------------------------- deadlines


def step_due(doc: OutgoingDocument, step: str, start: date) -> date:
    """核稿: 特急/加急 at once (the same working day), others 1 working day (Supp. §4)."""
    table = office_rules().outgoing.step_due
    term = table.get(step)
    if term is None and step.endswith("签发"):  # 区长签发, 主任签发, 重新签发 …
        term = table["签发"]
    if term is None:
        term = table["urgent" if doc.urgency in ("特急", "加急") else "default"]
    cal = office_calendar()
    if term.days == 0:
        return cal.next_workday(start)
    return cal.due_after(start, term)


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
        f = flow.start(actor, KIND, doc.id, doc.title, secrecy=doc.secrecy, urgency=doc.urgency)
        # A draft in hand has no deadline until it is submitted.
        flow.hand_out(actor, f, "起草", [flow.Hand(person=actor.person)], due=None)
        audit.record(actor, "outgoing.create", "outgoing_document", doc.id,
                     after=audit.snapshot(doc))
    return doc


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
            raise ConflictError(t("outgoing.refuse.stale"))
        doc = OutgoingDocument.get_by_id(doc_id)
        Flow.update(title=doc.title, secrecy=doc.secrecy, urgency=doc.urgency).where(
            (Flow.kind == KIND) & (Flow.record_id == doc.id)).execute()
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


def _hand_step(actor: Actor, doc: OutgoingDocument, index: int, note: str = "") -> None:
    step = chain_of(doc)[index]
    person = Person.get_by_id(step.person) if step.person else None
    if person is not None and step.name != "区长签发" and not step.acting_for:
        person, acting = org.stand_in(person, actor.now)
    else:
        acting = Person.get_by_id(step.acting_for) if step.acting_for else None
    if step.name in ("区长签发", "区政府领导审签"):
        person, acting = org.acting_head(actor.now)  # whoever acts on the day it arrives
    section = Section.get_by_id(step.section) if step.section else None
    if person is not None and not can_view(person, doc.secrecy):
        raise _refuse("secrecy", "outgoing.refuse.holder_clearance", name="secrecy",
                      person=person.name, level=term(SECRECY_LEVELS[doc.secrecy]))
    if step.leader and not _secretariat_reviewed(doc):
        _record_backflow(actor, doc, step.name, automatic=True)
    f = flow.flow_of(KIND, doc.id)
    hand_note = note or (f"代{step.external}登记意见" if step.external else "")
    flow.hand_out(actor, f, step.name,
                  [flow.Hand(person=person, section=section if person is None else None,
                             acting_for=acting, note=hand_note)],
                  due=step_due(doc, step.name, actor.today))
    OutgoingDocument.update(resume_step=index).where(OutgoingDocument.id == doc.id).execute()


def _secretariat_reviewed(doc: OutgoingDocument) -> bool:
    f = flow.flow_of(KIND, doc.id)
    return Task.select().where(
        (Task.flow == f) & Task.step.in_(["秘书科核稿", "秘书科审核"]) & (Task.state == DONE)
    ).exists()


def submit(actor: Actor, task_id: int) -> OutgoingDocument:
    """送审: format checks first (each problem names its field), then the chain starts."""
    task = _task(task_id, ("起草", "修改"))
    require_act(actor.person, task)
    doc = _doc_for(actor, task.flow.record_id)
    report = format_report(doc, "submit")
    if not report.ok:
        first = report.problems[0]
        raise ValidationError(first.field, first.message, name=first.name)
    with database.atomic():
        if task.step == "起草":
            steps = review_chain(doc, actor.now)
            if any(s.person is None and s.section is None for s in steps):
                raise _refuse("review_section", "outgoing.refuse.no_holder",
                              name="review_section")
            signer = signer_rule(doc)
            doc = _set(actor, doc, chain=_chain_json(steps), state=states.REVIEWING,
                       signer_name=signer.rank)
            flow.complete(actor, task, "送审")
            _hand_step(actor, doc, 0)
        else:
            # Read again inside the transaction: a second submit of the same 修改 (another
            # window, another process) must end in ConflictError, not a duplicate revision no.
            doc = _get(doc.id)
            doc = _set(actor, doc, state=states.REVIEWING, revision=doc.revision + 1)
            _save_revision(actor, doc, f"按意见修改后重新送审（第{doc.revision}稿）")
            flow.complete(actor, task, f"修改后重新送审（第{doc.revision}稿）")
            _hand_step(actor, doc, doc.resume_step)
    return OutgoingDocument.get_by_id(doc.id)


def approve(actor: Actor, task_id: int, opinion: str) -> OutgoingDocument:
    """A review turn approves (核稿/审核/审批/签发); the next turn, or signing, follows."""
    task = _task(task_id)
    require_act(actor.person, task)
    doc = _doc_for(actor, task.flow.record_id)
    chain = chain_of(doc)
    names = [s.name for s in chain]
    if task.step == "重新签发":
        index = next(i for i, s in enumerate(chain) if s.signs)
    elif task.step in names:
        index = doc.resume_step if names[doc.resume_step] == task.step else names.index(task.step)
    else:
        raise _refuse("step", "outgoing.refuse.not_review_step", step=term(task.step))
    opinion = validate.text({"opinion": opinion}, "opinion", _label("opinion")) or "同意"
    with database.atomic():
        flow.complete(actor, task, opinion)
        if chain[index].signs:
            _sign(actor, doc, chain[index])
        elif index + 1 < len(chain):
            _hand_step(actor, doc, index + 1)
    return OutgoingDocument.get_by_id(doc.id)


def _sign(actor: Actor, doc: OutgoingDocument, step: ChainStep) -> None:
    """签发: 成文日期 is the signing date (Supp. §3(一)6); then back to 秘书科 (Supp. §4)."""
    name = step.external or actor.person.name
    doc = _set(actor, doc, state=states.SIGNED, signed_by=None if step.external else actor.person,
               signer_name=name, signed_at=actor.now, signed_revision=doc.revision,
               written_date=actor.today)
    f = flow.flow_of(KIND, doc.id)
    flow.hand_out(actor, f, "复核登记", [flow.Hand(section=org.section("mishu"))],
                  due=step_due(doc, "复核登记", actor.today))


def send_back(actor: Actor, task_id: int, comments: str) -> OutgoingDocument:
    """退改: back to the drafter with comments; resubmission resumes at this step."""
    task = _task(task_id)
    require_act(actor.person, task)
    doc = _doc_for(actor, task.flow.record_id)
    names = [s.name for s in chain_of(doc)]
    if task.step not in names and task.step != "重新签发":
        raise _refuse("step", "outgoing.refuse.cannot_send_back", step=term(task.step))
    comments = validate.text({"comments": comments}, "comments", _label("comments"),
                             required=True)
    with database.atomic():
        flow.complete(actor, task, comments, state=RETURNED)
        index = names.index(task.step) if task.step in names else doc.resume_step
        doc = _set(actor, doc, state=states.RETURNED, resume_step=index)
        flow.hand_out(actor, task.flow, "修改", [flow.Hand(person=doc.drafter, note=comments)],
                      due=step_due(doc, "修改", actor.today))
    return OutgoingDocument.get_by_id(doc.id)


# ---------------------------------------------------------------------------- after signing


def register_signed(actor: Actor, task_id: int, note: str = "") -> OutgoingDocument:
    """复核登记: the signed draft comes back to 秘书科 to be registered and re-checked."""
    task = _task(task_id, ("复核登记",))
    require_act(actor.person, task)
    doc = _doc_for(actor, task.flow.record_id)
    with database.atomic():
        note = validate.text({"note": note}, "note", _label("recheck"))
        flow.complete(actor, task, note or "已登记复核")
        flow.hand_out(actor, task.flow, "编号", [flow.Hand(section=org.section("mishu"))],
                      due=step_due(doc, "编号", actor.today))
    return OutgoingDocument.get_by_id(doc.id)


def number_label(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}〔{year}〕{seq}号"


def assign_number(actor: Actor, task_id: int) -> OutgoingDocument:
    """发文字号 机关代字〔年〕序号号: one gap-free sequence per prefix and year."""
    task = _task(task_id, ("编号",))
    require_act(actor.person, task)
    doc = _doc_for(actor, task.flow.record_id)
    prefix = prefix_for(doc.issuer)
    with database.atomic():
        if doc.number and doc.prefix == prefix:
            # Re-signed after a change (Supp. §4): it keeps its number, so none is burnt.
            year, seq, number = doc.year, doc.seq, doc.number
        else:
            year = actor.today.year
            seq = next_number(f"outgoing:{prefix}", year)
            number = number_label(prefix, year, seq)
        if not number_pattern(prefix).match(number):
            raise _refuse("number", "outgoing.refuse.bad_number", number=number)
        doc = _set(actor, doc, prefix=prefix, year=year, seq=seq, number=number,
                   state=states.NUMBERED)
        flow.complete(actor, task, number)
        flow.hand_out(actor, task.flow, "印制", [flow.Hand(section=org.section("mishu"))],
                      due=step_due(doc, "印制", actor.today))
    return OutgoingDocument.get_by_id(doc.id)


def set_written_date(actor: Actor, doc_id: int, written: date) -> OutgoingDocument:
    """成文日期 may be set by the drafting unit when printing waits > 20 days (Supp. §3(一)6)."""
    doc = _doc_for(actor, doc_id)
    if doc.signed_at is None:
        raise _refuse("written", "outgoing.refuse.not_signed", name="written")
    if doc.state in (states.PRINTED, states.PROOFREAD, states.DISPATCHED):
        raise _refuse("written", "outgoing.refuse.already_printed", name="written")
    grace = office_rules().outgoing.written_date_grace_days
    waited = (actor.today - doc.signed_at.date()).days
    if waited <= grace:
        raise _refuse("written", "outgoing.refuse.grace", name="written", grace=grace,
                      waited=waited)
    same_unit = (doc.drafter_id == actor.person.id
                 or (doc.drafting_section_id and doc.drafting_section_id == actor.person.section_id))
    if not same_unit:
        raise PermissionDenied(t("outgoing.refuse.drafting_unit_only"))
    written = validate.day({"written": written}, "written", _label("written"), None)
    if written is None:
        raise _refuse("written", "errors.required", name="written")
    if written < doc.signed_at.date() or written > actor.today:
        raise _refuse("written", "outgoing.refuse.written_range", name="written")
    with database.atomic():
        return _set(actor, doc, written_date=written)


def may_set_written_date(actor: Actor, doc: OutgoingDocument) -> bool:
    """Whether set_written_date would accept this user now (the screen hides the key if not)."""
    if doc.signed_at is None or doc.state in (states.PRINTED, states.PROOFREAD,
                                              states.DISPATCHED):
        return False
    grace = office_rules().outgoing.written_date_grace_days
    if (actor.today - doc.signed_at.date()).days <= grace:
        return False
    return bool(doc.drafter_id == actor.person.id
                or (doc.drafting_section_id
                    and doc.drafting_section_id == actor.person.section_id))


def print_document(actor: Actor, task_id: int, *, print_org: str, print_date: date | None,
                   copies: int) -> OutgoingDocument:
    """印制: 印发机关 and 印发日期 (the day sent to print) are checked with the rest first."""
    task = _task(task_id, ("印制",))
    require_act(actor.person, task)
    doc = _doc_for(actor, task.flow.record_id)
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
    with database.atomic():
        doc = _set(actor, OutgoingDocument.get_by_id(doc.id), print_org=print_org,
                   print_date=print_date or actor.today, copies=copies, state=states.PRINTED)
        flow.complete(actor, task, f"印制 {copies} 份")
        flow.hand_out(actor, task.flow, "第一读者", [flow.Hand(section=org.section("mishu"))],
                      due=step_due(doc, "第一读者", actor.today))
    return OutgoingDocument.get_by_id(doc.id)


def first_reader_signoff(actor: Actor, task_id: int, opinion: str = "") -> OutgoingDocument:
    """第一读者 (Supp. §5(三)): reads the print; nothing is dispatched before this."""
    task = _task(task_id, ("第一读者",))
    require_act(actor.person, task)
    require_secretariat(actor.person)
    doc = _doc_for(actor, task.flow.record_id)
    with database.atomic():
        doc = _set(actor, doc, first_reader=actor.person, first_read_at=actor.now,
                   state=states.PROOFREAD)
        opinion = validate.text({"opinion": opinion}, "opinion", _label("read_opinion"))
        flow.complete(actor, task, opinion or "阅读无误")
        flow.hand_out(actor, task.flow, "分发", [flow.Hand(section=org.section("mishu"))],
                      due=step_due(doc, "分发", actor.today))
    return OutgoingDocument.get_by_id(doc.id)


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
    task = _task(task_id, ("分发",))
    require_act(actor.person, task)
    doc = _doc_for(actor, task.flow.record_id)
    if doc.first_read_at is None:
        raise _refuse("first_reader", "outgoing.refuse.not_first_read")
    if not isinstance(records, (list, tuple)) or not records:
        raise _refuse("recipient", "outgoing.refuse.no_recipients", name="recipient")
    if not all(isinstance(r, Dispatch) for r in records):
        raise _refuse("recipient", "outgoing.refuse.rows", name="recipient")
    records = [_dispatch_row(r, doc) for r in records]
    with database.atomic():
        DispatchRecord.insert_many([
            {**asdict(r), "document": doc.id, "at": actor.now, "by": actor.person.id}
            for r in records
        ]).execute()
        doc = _set(actor, doc, state=states.DISPATCHED, dispatched_at=actor.now)
        flow.complete(actor, task, f"分发 {len(records)} 个单位")
        flow.close(actor, task.flow, "dispatched")
    return OutgoingDocument.get_by_id(doc.id)


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
    chain = chain_of(doc)
    sign_step = next(s for s in chain if s.signs)
    with database.atomic():
        f = flow.flow_of(KIND, doc.id)
        flow.cancel_waiting(actor, f)
        doc = _set(actor, doc, revision=doc.revision + 1, state=states.REVIEWING, **{
            k: v for k, v in clean.items() if k in CONTENT_FIELDS})
        _save_revision(actor, doc, f"签发后修改：{note}")
        if sign_step.external:
            hands = [flow.Hand(section=org.section("mishu"), note=f"代{sign_step.external}重新审定")]
        else:
            signer = Person.get_by_id(doc.signed_by_id) if doc.signed_by_id else None
            if signer is None:
                raise _refuse("signer", "outgoing.refuse.no_signer")
            holder, acting = org.stand_in(signer, actor.now)
            hands = [flow.Hand(person=holder, acting_for=acting, note=note)]
        flow.hand_out(actor, f, "重新签发", hands, due=step_due(doc, "重新签发", actor.today))
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
        (Task.flow == flow.flow_of(KIND, doc.id)) & (Task.state == WAITING)
        & Task.step.in_(["秘书科核稿", "秘书科审核"])).exists()


def report_backflow(actor: Actor, doc_id: int, note: str = "") -> OutgoingDocument:
    """A leader's office found a draft that reached the leader without 秘书科 核阅: it is
    recorded as 文件倒流 and sent to 秘书科 for 核稿 before it can go on."""
    doc = _doc_for(actor, doc_id)
    if _secretariat_reviewed(doc):
        raise _refuse("backflow", "outgoing.refuse.reviewed")
    note = validate.text({"note": note}, "note", _label("backflow_where"), limit=200)
    with database.atomic():
        _record_backflow(actor, doc, note or "领导处发现", automatic=False)
        f = flow.flow_of(KIND, doc.id)
        flow.cancel_waiting(actor, f)
        steps = review_chain(doc, actor.now)
        doc = _set(actor, doc, chain=_chain_json(steps), state=states.REVIEWING,
                   signer_name=signer_rule(doc).rank)
        _hand_step(actor, doc, 0, note="文件倒流：退回审核链，须经秘书科核阅")
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


def register_page(actor: Actor, *, state: str | None = None, text: str = "",
                  before_id: int | None = None, limit: int = 200) -> list[OutgoingRow]:
    """One page of the 发文 register, newest first, keyset-paged by id; titles redacted."""
    if not validate.page_args(text, state, before_id=before_id, limit=limit):
        return []  # a text no stored row can contain: nothing to look for
    D = OutgoingDocument
    q = D.select(D, Person.name.alias("drafter_name")).join(Person, on=(D.drafter == Person.id))
    if state:
        q = q.where(D.state == state)
    if text:
        q = q.where(matching(text, [D.number], secret_fields=[D.title], secrecy=D.secrecy,
                             clearance=actor.person.clearance))
    if before_id is not None:
        q = q.where(D.id < before_id)
    out = []
    for d in q.order_by(D.id.desc()).limit(limit):
        title = visible_title(actor.person, d.title, d.secrecy)
        out.append(OutgoingRow(d.id, d.number or "", title, d.issuer, d.doc_kind, d.urgency,
                               d.state, getattr(d.drafter, "drafter_name", ""),
                               d.updated_at))
    return out


def current_task_for(actor: Actor, doc: OutgoingDocument) -> Task | None:
    f = flow.flow_of(KIND, doc.id)
    person = actor.person
    return Task.select().where(
        (Task.flow == f) & (Task.state == WAITING)
        & ((Task.holder == person)
           | (Task.holder.is_null() & (Task.holder_section == person.section)))
    ).order_by(Task.id).first()


def dispatches(doc: OutgoingDocument) -> list[DispatchRecord]:
    return list(DispatchRecord.select().where(DispatchRecord.document == doc)
                .order_by(DispatchRecord.id))


def revisions(doc: OutgoingDocument) -> list[DraftRevision]:
    return list(DraftRevision.select().where(DraftRevision.document == doc)
                .order_by(DraftRevision.no))

