"""信访 (SPEC §9, §16; Part 2 §3): the case and its own rules on the engine.

The path is data/workflows/petition.toml:
  登记 → 拟办 → 阅批 (区长/主管区长) → 转办 (same working day, numbered 反馈卡) → 反馈 (the unit's
  answer, 5/10 working days, recorded by 督查室 for it) → 审核 → 办结; 回访 after.
This module keeps what is its own: the five channels, the petitioners and their checks, repeat
recognition, the 反馈卡 numbers, the answer's deadline, the statutory clocks' events (受理,
告知, 延期 with approval, 复查/复核) and 催办. Personal data: services.petition.masking.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from govdesk.i18n import t, t_record
from govdesk.models import (
    Person,
    Petition,
    PetitionPerson,
    PetitionReview,
    PetitionUnit,
    Task,
    Unit,
    database,
)
from govdesk.models import petition as states
from govdesk.models.flow import WAITING
from govdesk.services import audit, flow, fulltext, org, sequence, validate
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.petition import clocks, masking
from govdesk.services.policy import is_director
from govdesk.services.rules import office_rules

KIND = "petition"
CHANNELS, IMPORTANCE, SATISFACTION = states.CHANNELS, states.IMPORTANCE, states.SATISFACTION
REVIEW_KINDS = (states.RECHECK, states.REEXAMINE)
NUMBER_PREFIX = "信访"  # the cases' own numbers, gap-free per year
CARD_PREFIX = "信访反馈卡"  # 《信访事项办理结果反馈卡》 numbers, gap-free per year
PROPOSE, READ, TRANSFER, ANSWER, CHECK = "拟办", "阅批", "转办", "反馈", "审核"
MAX_PEOPLE = 50
# The case's own texts a petitioner's values may be typed into: stored as tokens.
TOKENISED = ("summary", "matter", "category", "place", "attachments")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11}|\d{7,8})$")
_ID = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _label(name: str) -> str:
    return t(f"petition.f_{name}")


def is_staff(person: Person) -> bool:
    return masking.is_staff(person)


def require_staff(person: Person) -> None:
    if not is_staff(person):
        raise PermissionDenied(t("petition.refuse.staff_only"))


def number_of(row: Petition) -> str:
    return t_record("petition.number", year=row.year, seq=row.seq)


def card_number(row: Petition) -> str:
    if row.card_seq is None:
        return ""
    return t_record("petition.card_number", year=row.card_year, seq=row.card_seq)


# ---------------------------------------------------------------------------- petitioners


def clean_phone(value: Any, label: str, name: str) -> str:
    """Digits only: a mobile (11 digits from 13…19), a landline with its area code (0…) or
    without (7–8 digits). The message names the field and never repeats the number."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise ValidationError(label, t("errors.not_text"), name=name)
    digits = re.sub(r"[\s\-()（）]", "", value)
    if not _PHONE.match(digits):
        raise ValidationError(label, t("petition.refuse.phone"), name=name)
    return digits


def clean_id_number(value: Any, label: str, name: str) -> str:
    """An 18-character 居民身份证号码 (GB 11643-1999): a real birth date and its check digit."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise ValidationError(label, t("errors.not_text"), name=name)
    text = value.strip().upper().replace(" ", "")
    if not _ID.match(text):
        raise ValidationError(label, t("petition.refuse.id_length"), name=name)
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(label, t("petition.refuse.id_birth"), name=name) from None
    check = _ID_CHECK[sum(int(c) * w for c, w in zip(text[:17], _ID_WEIGHTS, strict=True)) % 11]
    if text[17] != check:
        raise ValidationError(label, t("petition.refuse.id_check"), name=name)
    return text


def clean_people(value: Any) -> list[dict]:
    """The petitioners: a list of {name, phone, address, id_number}, every field optional;
    one with nothing at all is left out (anonymous). A bad field is named with the
    petitioner's place in the list when there are several."""
    if value in (None, ""):
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, (list, tuple)) or len(value) > MAX_PEOPLE:
        raise ValidationError(_label("people"), t("errors.not_text"), name="people")
    out = []
    for n, person in enumerate(value):
        if not isinstance(person, dict):
            raise ValidationError(_label("people"), t("errors.not_text"), name="people")
        def where(f: str, n: int = n) -> str:
            return (t("petition.f_nth", n=n + 1, field=_label(f)) if len(value) > 1
                    else _label(f))

        clean = {
            "name": validate.text(person, "name", where("name"), limit=50),
            "phone": clean_phone(person.get("phone"), where("phone"), "phone"),
            "address": validate.text(person, "address", where("address"), limit=200),
            "id_number": clean_id_number(person.get("id_number"), where("id_number"),
                                         "id_number"),
        }
        if any(clean.values()):
            out.append(clean)
    return out


def parse_people(text: Any) -> list[dict]:
    """Further petitioners of a group visit typed on one line, separated by ；or ; (each: a
    name, a phone and/or an ID number, in any order, separated by spaces): "李建国 13906761234；
    张红". Checked by ``clean_people`` like the first."""
    if not isinstance(text, str) or not text.strip():
        return []
    out = []
    for part in re.split(r"[；;\n]", text):
        person: dict[str, str] = {}
        for word in part.split():
            digits = re.sub(r"[\-()（）]", "", word)
            if re.fullmatch(r"\d{17}[\dXx]", digits):
                person["id_number"] = digits
            elif re.fullmatch(r"\d{5,}", digits):
                person["phone"] = digits
            else:
                person["name"] = (person.get("name", "") + word)[:50]
        if person:
            out.append(person)
    return out


def people_of(row: Petition | int) -> list[PetitionPerson]:
    rid = row if isinstance(row, int) else row.id
    return list(PetitionPerson.select().where(PetitionPerson.petition == rid)
                .order_by(PetitionPerson.position, PetitionPerson.id))


def units_of(row: Petition) -> list[Unit]:
    return [pu.unit for pu in PetitionUnit.select(PetitionUnit, Unit).join(
        Unit, on=(PetitionUnit.unit == Unit.id)).where(PetitionUnit.petition == row)
        .order_by(PetitionUnit.lead.desc(), PetitionUnit.id)]


def title_of(row: Petition) -> str:
    """The case's title as stored for every list (Home, the inbox, `govdesk today`, the
    index): its summary with its petitioners' values masked. A list shows it as it is to
    those who may see them (``_shown``)."""
    return masking.render(row.summary, people_of(row), allowed=False)


# ---------------------------------------------------------------------------- repeats


def _same_matter(a: str, b: str) -> bool:
    return bool(a) and fulltext.normalise(a) == fulltext.normalise(b)


def find_repeat(people: list[dict], summary: str, received_on: date,
                exclude: int | None = None) -> tuple[Petition | None, str]:
    """The latest earlier case within the window (data/rules.toml [petition]) from the same
    phone or ID number, or about the same matter; and why (a catalog word)."""
    start = received_on - timedelta(days=office_rules().petition.repeat_window_days)
    window = (Petition.received_on >= start) & (Petition.received_on <= received_on)
    if exclude is not None:
        window &= Petition.id != exclude
    phones = [p["phone"] for p in people if p.get("phone")]
    ids = [p["id_number"] for p in people if p.get("id_number")]
    found: list[tuple[Petition, str]] = []
    for values, field, reason in ((ids, PetitionPerson.id_number, "same_id"),
                                  (phones, PetitionPerson.phone, "same_phone")):
        if values:
            row = (Petition.select().join(PetitionPerson, on=(
                PetitionPerson.petition == Petition.id)).where(window & field.in_(values))
                .order_by(Petition.received_on.desc(), Petition.id.desc()).first())
            if row is not None:
                found.append((row, reason))
    key = fulltext.normalise(summary)
    if key:
        # Same matter: the same summary, whatever the script, spacing or punctuation (the
        # window's latest 500 cases, their petitioners read in one query to write it back).
        rows = list(Petition.select().where(window).order_by(
            Petition.received_on.desc(), Petition.id.desc()).limit(500))
        people: dict[int, list[PetitionPerson]] = {r.id: [] for r in rows}
        if rows:
            for p in (PetitionPerson.select().where(PetitionPerson.petition.in_(list(people)))
                      .order_by(PetitionPerson.position, PetitionPerson.id)):
                people[p.petition_id].append(p)
        for row in rows:
            if _same_matter(masking.render(row.summary, people[row.id], True), summary):
                found.append((row, "same_matter"))
                break
    if not found:
        return None, ""
    found.sort(key=lambda f: (f[0].received_on, f[0].id), reverse=True)
    return found[0]


# ---------------------------------------------------------------------------- register


def clean_fields(actor: Actor, fields: dict) -> dict:
    if not isinstance(fields, dict):
        raise ValidationError(_label("channel"), t("errors.required"), name="channel")
    channel = fields.get("channel") or ""
    if channel not in CHANNELS:
        raise ValidationError(_label("channel"), t("errors.one_of",
                                                   choices=validate.joined(CHANNELS)),
                              name="channel")
    given = fields.get("people")
    if fields.get("others"):
        given = ([given] if isinstance(given, dict) else list(given or [])) + parse_people(
            fields.get("others"))
    people = clean_people(given)
    clean = {
        "channel": channel,
        "summary": validate.text(fields, "summary", _label("summary"), required=True,
                                 limit=200),
        "matter": validate.text(fields, "matter", _label("matter"), limit=8000,
                                multiline=True),
        "category": validate.text(fields, "category", _label("category"), limit=50),
        "place": validate.text(fields, "place", _label("place"), limit=200),
        "attachments": validate.text(fields, "attachments", _label("attachments"), limit=2000),
        "importance": validate.choice(fields, "importance", _label("importance"),
                                      IMPORTANCE, states.ORDINARY),
        "received_on": validate.day(fields, "received_on", _label("received_on"),
                                    actor.today),
        "people": people,
    }
    if clean["received_on"] > actor.today:
        raise ValidationError(_label("received_on"), t("petition.refuse.future"),
                              name="received_on")
    if fields.get("anonymous") and people:
        raise ValidationError(_label("people"), t("petition.refuse.anonymous_with_people"),
                              name="people")
    return clean


def register(actor: Actor, fields: dict) -> Petition:
    """督查室 (or the 直线电话受理中心) registers a case from one of the five channels; a repeat
    is linked to the earlier case and flagged. The 拟办 goes to the 督查室 at once."""
    require_staff(actor.person)
    clean = clean_fields(actor, fields)
    people = clean.pop("people")
    earlier, reason = find_repeat(people, clean["summary"], clean["received_on"])
    year = actor.today.year
    with database.atomic():
        seq = sequence.next_number(NUMBER_PREFIX, year)
        row = Petition.create(
            **{**clean, **{f: masking.tokenise(clean[f], people) for f in TOKENISED}},
            year=year, seq=seq, anonymous=not people, group_visit=len(people) > 1,
            repeat_of=earlier, repeat_reason=reason, state="待拟办",
            registered_by=actor.person, created_at=actor.now, updated_at=actor.now)
        for n, person in enumerate(people):
            PetitionPerson.create(petition=row, position=n, **person)
        note = t_record("petition.record_note", channel=row.channel,
                        day=f"{row.received_on:%Y-%m-%d}", n=len(people))
        if earlier is not None:
            note += t_record("petition.repeat_note", number=number_of(earlier),
                             why=t_record(f"petition.repeat.{reason}"))
        engine.start(actor, KIND, row, registered=("登记", note))
        _set_due(row, PROPOSE, clocks.accept_due(row.created_at.date()))
        audit.record(actor, "petition.register", "petition", row.id, after={
            **audit.snapshot(row), "people": [masking.masked_dict(p) for p in people]})
    return row


def get(actor: Actor, record_id: Any, *, record_open: bool = True) -> Petition:
    return engine.open_record(actor, KIND, record_id, record_open=record_open)


def personal(actor: Actor, record_id: Any, *, record_open: bool = True
             ) -> list[masking.Petitioner]:
    """The case's petitioners as ``actor`` may see them. Shown unmasked (to the 督查室, the
    hotline or the case's handler), the opening is audited."""
    row = get(actor, record_id, record_open=False)
    allowed = masking.may_see(actor.person, row.id)
    people = people_of(row)
    if allowed and people and record_open:
        with database.atomic():
            audit.record(actor, "petition.open_personal", "petition", row.id)
    return [masking.shown(p, allowed) for p in people]


# ---------------------------------------------------------------------------- the flow


def _opinion(row: Petition, text: str) -> str:
    return masking.tokenise(text, people_of(row))


def propose(actor: Actor, task_id: Any, fields: dict) -> Petition:
    """拟办意见 to the 区长 or the 主管区长 (or who acts for the 区长 while away) for 阅批."""
    turn = engine.turn(actor, KIND, task_id, "pet_propose")
    if not isinstance(fields, dict):
        fields = {}
    opinion = validate.text(fields, "proposal", _label("proposal"), required=True,
                            limit=2000, multiline=True)
    leader = validate.person(fields.get("leader") or None, _label("leader"), name="leader")
    if leader is None:
        leader = org.by_rank("区长")
    if leader is None or leader.rank not in org.LEADER_RANKS:
        raise ValidationError(_label("leader"), t("petition.refuse.not_leader"), name="leader")
    holder, acting_for = org.stand_in(leader, actor.now)
    row = turn.record
    stored = _opinion(row, opinion)
    return engine.advance(actor, turn, stored, values={"proposal": stored, "leader": leader},
                          hands=[flow.Hand(person=holder, acting_for=acting_for)])


def not_accepted(actor: Actor, task_id: Any, told: str) -> Petition:
    """Not for the district to handle: the petitioner is told so, and where to go (the 15-day
    clock stops, 《信访工作条例》第二十二条); the case closes."""
    turn = engine.turn(actor, KIND, task_id, "pet_not_accepted")
    told = validate.text({"told": told}, "told", _label("told"), required=True, limit=2000)
    row = turn.record
    stored = _opinion(row, told)
    return engine.advance(actor, turn, stored, values={
        "told_on": actor.today, "result": stored, "closed_on": actor.today})


def instruct(actor: Actor, task_id: Any, opinion: str) -> Petition:
    """The leader's 阅批 (批示): back to the 督查室 to transfer it the same working day."""
    turn = engine.turn(actor, KIND, task_id, "pet_instruct")
    opinion = validate.text({"opinion": opinion}, "opinion", _label("instruction"),
                            required=True, limit=2000, multiline=True)
    stored = _opinion(turn.record, opinion)
    return engine.advance(actor, turn, stored, values={"instruction": stored,
                                                        "instructed_on": actor.today})


def _units(fields: dict) -> list[Unit]:
    lead = validate.unit(fields.get("lead_unit") or None, _label("lead_unit"),
                         name="lead_unit")
    if lead is None:
        raise ValidationError(_label("lead_unit"), t("errors.required"), name="lead_unit")
    out = [lead]
    co = fields.get("co_units") or []
    if isinstance(co, str):
        for sep in (",", "，", " ", "\u3000", ";", "；"):
            co = co.replace(sep, "、")
        co = [v for v in co.split("、") if v.strip()]
    if not isinstance(co, (list, tuple)):
        raise ValidationError(_label("co_units"), t("errors.pick_unit"), name="co_units")
    for value in co:
        unit = validate.unit(value.strip() if isinstance(value, str) else value,
                             _label("co_units"), name="co_units")
        if unit is not None and unit not in out:
            out.append(unit)
    return out


def transfer(actor: Actor, task_id: Any, fields: dict) -> Petition:
    """转办 to the responsible unit(s) with the 反馈卡 (numbered, gap-free per year): the case is
    accepted (the 60-day clock starts) and the unit's answer is due in 5 working days, 10 for
    an important matter or several units (Part 2 §3(三))."""
    turn = engine.turn(actor, KIND, task_id, "pet_transfer")
    if not isinstance(fields, dict):
        fields = {}
    units = _units(fields)
    row = turn.record
    importance = validate.choice(fields, "importance", _label("importance"), IMPORTANCE,
                                 row.importance)
    note_text = validate.text(fields, "note", _label("transfer_note"), limit=2000)
    due = clocks.answer_due(importance, len(units), actor.today)
    year = actor.today.year
    with database.atomic():
        seq = sequence.next_number(CARD_PREFIX, year)
        for n, unit in enumerate(units):
            PetitionUnit.create(petition=row, unit=unit, lead=n == 0)
        card = t_record("petition.card_number", year=year, seq=seq)
        opinion = t_record("petition.transferred", card=card,
                           units="、".join(u.short for u in units),
                           due=f"{due:%Y-%m-%d}") + (f"；{note_text}" if note_text else "")
        row = engine.advance(actor, turn, _opinion(row, opinion), values={
            "card_year": year, "card_seq": seq, "accepted_on": actor.today,
            "answer_due": due, "importance": importance})
        _set_due(row, ANSWER, due)
        audit.record(actor, "petition.card", "petition", row.id,
                     after={"card": card, "units": [u.short for u in units]})
    return row


def _set_due(row: Petition, step: str, due: date) -> None:
    f = engine.flow_of(KIND, row.id)
    Task.update(due=due).where((Task.flow == f) & (Task.step == step)
                               & (Task.state == WAITING)).execute()


def _unit_day(actor: Actor, value: Any, row: Petition) -> date:
    day = validate.day({"unit_date": value}, "unit_date", _label("unit_date"), actor.today)
    if day > actor.today:
        raise ValidationError(_label("unit_date"), t("petition.refuse.future"),
                              name="unit_date")
    if row.accepted_on is not None and day < row.accepted_on:
        raise ValidationError(_label("unit_date"), t("petition.refuse.before_transfer"),
                              name="unit_date")
    return day


def answer(actor: Actor, task_id: Any, fields: dict) -> Petition:
    """The unit's answer on its 反馈卡, recorded by the 督查室 on its behalf with the unit's
    own date: to 审核."""
    turn = engine.turn(actor, KIND, task_id, "pet_answer")
    if not isinstance(fields, dict):
        fields = {}
    row = turn.record
    text = validate.text(fields, "text", _label("answer"), required=True, limit=8000,
                         multiline=True)
    day = _unit_day(actor, fields.get("unit_date"), row)
    stored = _opinion(row, text)
    return engine.advance(
        actor, turn, _opinion(row, t_record("petition.answered", day=f"{day:%Y-%m-%d}",
                                            text=text)),
        values={"answer": stored, "answered_on": day})


def close(actor: Actor, task_id: Any, result: str) -> Petition:
    """审核 passed: 办结 with its result (the 60-day clock stops)."""
    turn = engine.turn(actor, KIND, task_id, "pet_close")
    result = validate.text({"result": result}, "result", _label("result"), required=True,
                           limit=4000, multiline=True)
    stored = _opinion(turn.record, result)
    return engine.advance(actor, turn, stored, values={"result": stored,
                                                        "closed_on": actor.today})


def send_back(actor: Actor, task_id: Any, reason: str) -> Petition:
    """The answer does not settle it: back to the unit, a new answer due by the same rule."""
    turn = engine.turn(actor, KIND, task_id, "pet_send_back")
    reason = validate.text({"reason": reason}, "reason", _label("send_back_reason"),
                           required=True, limit=2000)
    row = turn.record
    due = clocks.answer_due(row.importance, len(units_of(row)), actor.today)
    with database.atomic():
        row = engine.advance(actor, turn, _opinion(row, reason),
                             values={"answer_due": due, "answered_on": None})
        _set_due(row, ANSWER, due)
    return row


# ---------------------------------------------------------------------------- on the case


def _open_case(actor: Actor, record_id: Any) -> Petition:
    row = get(actor, record_id, record_open=False)
    if engine.flow_of(KIND, row.id).state != "open":
        raise ValidationError(_label("summary"), t("petition.refuse.closed"), name="summary")
    return row


def urge(actor: Actor, record_id: Any, note: str = "") -> Task:
    """催办 of the unit whose answer is awaited (or of whoever holds the case now): logged and
    counted on the task like any 催办, and audited."""
    person = actor.person
    if not (is_staff(person) or is_director(person)):
        raise PermissionDenied(t("petition.refuse.urge"))
    row = _open_case(actor, record_id)
    note = validate.text({"note": note}, "note", _label("urge_note"), limit=500)
    f = engine.flow_of(KIND, row.id)
    task = (Task.select().where((Task.flow == f) & (Task.state == WAITING))
            .order_by(Task.step != ANSWER, Task.id).first())
    if task is None:
        raise ValidationError(_label("urge_note"), t("petition.refuse.nothing_owed"),
                              name="note")
    with database.atomic():
        flow.remind(actor, task, _opinion(row, note))
        audit.record(actor, "petition.urge", "petition", row.id,
                     after={"step": task.step, "note": _opinion(row, note)})
    return task


def extend(actor: Actor, record_id: Any, fields: dict) -> Petition:
    """延期 of the statutory 60 days: once, by at most 30 days (data/rules.toml), with its
    reason and who approved it (a district leader or the office's 主任/副主任)."""
    require_staff(actor.person)
    row = _open_case(actor, record_id)
    if not isinstance(fields, dict):
        fields = {}
    if row.accepted_on is None:
        raise ValidationError(_label("extension_days"), t("petition.refuse.not_accepted_yet"),
                              name="days")
    if row.extension_days:
        raise ValidationError(_label("extension_days"), t("petition.refuse.extended_once"),
                              name="days")
    most = office_rules().petition.extension_max_days
    days = validate.integer(fields, "days", _label("extension_days"), default=most, low=1,
                            high=most)
    reason = validate.text(fields, "reason", _label("extension_reason"), required=True,
                           limit=1000)
    by = validate.person(fields.get("approved_by") or None, _label("approved_by"),
                         name="approved_by")
    if by is None:
        raise ValidationError(_label("approved_by"), t("errors.required"), name="approved_by")
    if by.rank not in (*org.LEADER_RANKS, "主任", "副主任"):
        raise ValidationError(_label("approved_by"), t("petition.refuse.approver"),
                              name="approved_by")
    old = clocks.resolve_due(row.accepted_on)
    new = clocks.resolve_due(row.accepted_on, days)
    with database.atomic():
        engine.note_on_timeline(actor, KIND, row.id, "延期", t_record(
            "petition.extended", days=days, old=f"{old:%Y-%m-%d}", new=f"{new:%Y-%m-%d}",
            who=by.name, reason=reason))
        row = engine.set_state(actor, KIND, row, extension_days=days,
                               extension_reason=_opinion(row, reason), extension_by=by)
    return row


def _closed_case(actor: Actor, record_id: Any, label: str, name: str) -> Petition:
    row = get(actor, record_id, record_open=False)
    if row.closed_on is None:
        raise ValidationError(label, t("petition.refuse.not_closed"), name=name)
    return row


def reviews_of(row: Petition) -> list[PetitionReview]:
    return list(PetitionReview.select().where(PetitionReview.petition == row)
                .order_by(PetitionReview.requested_on, PetitionReview.id))


def request_review(actor: Actor, record_id: Any, fields: dict) -> PetitionReview:
    """A 复查 request on the 办理意见, or a 复核 request on the 复查意见: within 30 days of the
    decision asked about (《信访工作条例》第三十五、三十六条); decided within 30 days."""
    require_staff(actor.person)
    if not isinstance(fields, dict):
        fields = {}
    row = _closed_case(actor, record_id, _label("requested_on"), "requested_on")
    reviews = reviews_of(row)
    if reviews and reviews[-1].decided_on is None:
        raise ValidationError(_label("requested_on"), t("petition.refuse.review_open"),
                              name="requested_on")
    if len(reviews) >= len(REVIEW_KINDS):
        raise ValidationError(_label("requested_on"), t("petition.refuse.review_done"),
                              name="requested_on")
    kind = REVIEW_KINDS[len(reviews)]
    decided = reviews[-1].decided_on if reviews else row.closed_on
    day = validate.day(fields, "requested_on", _label("requested_on"), actor.today)
    if day > actor.today or day < decided:
        raise ValidationError(_label("requested_on"), t("petition.refuse.review_day"),
                              name="requested_on")
    last = clocks.review_request_due(decided)
    if day > last:
        raise ValidationError(_label("requested_on"), t(
            "petition.refuse.review_late", kind=kind, due=f"{last:%Y-%m-%d}"),
            name="requested_on")
    with database.atomic():
        review = PetitionReview.create(petition=row, kind=kind, requested_on=day,
                                       recorded_by=actor.person, recorded_at=actor.now)
        engine.note_on_timeline(actor, KIND, row.id, kind, t_record(
            "petition.review_requested", kind=kind, day=f"{day:%Y-%m-%d}",
            due=f"{clocks.review_decision_due(day):%Y-%m-%d}"))
        audit.record(actor, "petition.review", "petition_review", review.id,
                     after=audit.snapshot(review))
    return review


def decide_review(actor: Actor, record_id: Any, fields: dict) -> PetitionReview:
    """The 复查/复核 decision, with its date (late past 30 days from the request, shown so)."""
    require_staff(actor.person)
    if not isinstance(fields, dict):
        fields = {}
    row = get(actor, record_id, record_open=False)
    reviews = reviews_of(row)
    if not reviews or reviews[-1].decided_on is not None:
        raise ValidationError(_label("decision"), t("petition.refuse.no_review"),
                              name="decision")
    review = reviews[-1]
    text = validate.text(fields, "decision", _label("decision"), required=True, limit=4000,
                         multiline=True)
    day = validate.day(fields, "decided_on", _label("decided_on"), actor.today)
    if day > actor.today or day < review.requested_on:
        raise ValidationError(_label("decided_on"), t("petition.refuse.review_day"),
                              name="decided_on")
    with database.atomic():
        before = audit.snapshot(review)
        PetitionReview.update(decision=_opinion(row, text), decided_on=day).where(
            PetitionReview.id == review.id).execute()
        review = PetitionReview.get_by_id(review.id)
        engine.note_on_timeline(actor, KIND, row.id, review.kind, _opinion(row, t_record(
            "petition.review_decided", kind=review.kind, day=f"{day:%Y-%m-%d}", text=text)))
        audit.record(actor, "petition.review_decided", "petition_review", review.id,
                     before, audit.snapshot(review))
    return review


def visit(actor: Actor, record_id: Any, fields: dict) -> Petition:
    """回访: the petitioner's satisfaction with the result, after 办结."""
    require_staff(actor.person)
    if not isinstance(fields, dict):
        fields = {}
    row = _closed_case(actor, record_id, _label("satisfaction"), "satisfaction")
    if not fields.get("satisfaction"):
        raise ValidationError(_label("satisfaction"), t("errors.required"),
                              name="satisfaction")
    satisfaction = validate.choice(fields, "satisfaction", _label("satisfaction"),
                                   SATISFACTION, "")
    note = validate.text(fields, "note", _label("visit_note"), limit=2000)
    day = validate.day(fields, "visited_on", _label("visited_on"), actor.today)
    if day > actor.today or day < row.closed_on:
        raise ValidationError(_label("visited_on"), t("petition.refuse.visit_day"),
                              name="visited_on")
    with database.atomic():
        engine.note_on_timeline(actor, KIND, row.id, "回访", _opinion(row, t_record(
            "petition.visited", satisfaction=satisfaction, day=f"{day:%Y-%m-%d}",
            note=note)))
        return engine.set_state(actor, KIND, row, visited_on=day, satisfaction=satisfaction,
                                visit_note=_opinion(row, note))


# ---------------------------------------------------------------------------- the workflow


def _record_actions(actor: Actor, row: Petition, waiting: list[Task]) -> set[str]:
    person = actor.person
    out: set[str] = set()
    staff = is_staff(person)
    if waiting and (staff or is_director(person)):
        out.add("pet_urge")
    if waiting and staff and row.accepted_on is not None and not row.extension_days:
        out.add("pet_extend")
    if staff and row.closed_on is not None:
        out.add("pet_visit")
        reviews = reviews_of(row)
        if reviews and reviews[-1].decided_on is None:
            out.add("pet_review_decide")
        elif len(reviews) < len(REVIEW_KINDS):
            out.add("pet_review")
    return out


def _search_texts(row: Petition) -> tuple[str, ...]:
    """What the one search finds a case by: never a petitioner's name, phone, address or ID
    (those are found only by those allowed, views.find_personal)."""
    people = people_of(row)
    units = [u.short for u in units_of(row)]
    return (title_of(row), number_of(row), card_number(row), row.channel,
            *(masking.render(text, people, allowed=False)
              for text in (row.category, row.place, row.matter)), *units)


def record_due(row: Petition) -> date | None:
    """The nearest deadline of the case's running clocks (Home's 期限 of the case)."""
    if row.closed_on is not None or row.told_on is not None:
        return None
    if row.accepted_on is None:
        return clocks.accept_due(row.created_at.date())
    resolve = clocks.resolve_due(row.accepted_on, row.extension_days)
    if row.answer_due is not None and row.answered_on is None:
        return min(row.answer_due, resolve)
    return resolve


def _search_more(actor: Actor, text: str, limit: int) -> list[Petition]:
    from govdesk.services.petition.views import find_personal

    return find_personal(actor, text, limit)


def _shown(actor: Actor | None, record_ids: list[int]) -> engine.Shown:
    """A generic list's page of cases for ``actor`` (engine.Workflow.shown): the titles of
    those whose petitioners the reader may see, as they are (the stored copy — Home, the
    inbox, `govdesk today`, the index — holds masks); and the texts stored about them — a 催办
    note, an opinion, an audit entry — with their tokens written back as the values or as
    masks. One query for who may see which (none for the 督查室 and the hotline), one for the
    petitioners, one for the titles of those allowed; a text belonging to no case found gets
    masks with no value behind them."""
    allowed = masking.allowed_ids(actor.person, record_ids) if actor is not None else set()
    people = masking.people_by_case(record_ids)
    titles = {}
    if allowed:
        titles = {rid: masking.render(summary, people.get(rid, []), True) for rid, summary in
                  Petition.select(Petition.id, Petition.summary)
                  .where(Petition.id.in_(sorted(allowed))).tuples()}

    def text(record_id: int | None, stored: str) -> str:
        return masking.render(stored, people.get(record_id, []) if record_id is not None
                              else [], record_id in allowed)

    return engine.Shown(titles, text)


def _stored_text(record_id: int, text: str) -> str:
    return masking.tokenise(text, people_of(record_id))


def _review_cases(ids: list[int]) -> dict[int, int]:
    return dict(PetitionReview.select(PetitionReview.id, PetitionReview.petition)
                .where(PetitionReview.id.in_(ids)).tuples())


def _call_cases(ids: list[int]) -> dict[int, int]:
    from govdesk.models import HotlineCall

    return dict(HotlineCall.select(HotlineCall.id, HotlineCall.petition)
                .where(HotlineCall.id.in_(ids) & HotlineCall.petition.is_null(False)).tuples())


engine.register(engine.Workflow(
    KIND, Petition, record_actions=_record_actions,
    shown=_shown, marker="⟦", stored_text=_stored_text,
    audit_tables={"petition_review": _review_cases, "hotline_call": _call_cases},
    record_due=record_due,
    title=title_of, urgency=lambda row: "普通", secrecy=lambda row: 0,
    not_found="petition.refuse.no_case",
    search_code=6, search_texts=_search_texts, search_more=_search_more,
    search_line=lambda row: (number_of(row), row.channel, row.received_on)))
