"""发文 rules as data and pure functions: review chains, signing authority, format checks.

Chains (Supp. §3(三)6 and §2(四)); signers (Part 3 §16–§17, Supp. §3(一)3); format checks
(Supp. §3(一), SPEC §16). Nothing here writes; the workflow in outgoing.py applies them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from govdesk.i18n import t, term
from govdesk.models import SECRECY_LEVELS, OutgoingDocument, Oversight, Person, Section, Unit
from govdesk.services import org, unit_groups
from govdesk.services.engine.spec import TomlReader
from govdesk.services.rules import data_dir, office_rules

ISSUERS = ("区政府", "区政府办公室", "区委区政府联合", "两办联合")
ORIGINS = ("office", "department")
ERROR_CATEGORIES = ("政策差错", "文种格式差错", "文字差错", "文件倒流")
NUMBER_EXAMPLE = "黄政发〔2026〕12号"  # a 发文字号 as it is written, in every language


@dataclass(frozen=True)
class Step:
    """One turn of the review chain. ``person`` or ``section`` holds it; ``external`` names a body
    outside the office whose opinion the 秘书科 records (法制办, 区委办, 区委领导)."""

    name: str
    person: Person | None = None
    section: Section | None = None
    acting_for: Person | None = None
    external: str = ""
    signs: bool = False  # completing it is the signature
    leader: bool = False  # a district or office leader (文件倒流 is judged before these)

    def holder_label(self) -> str:
        if self.external:
            return t("outgoing.holder.external", name=self.external)
        if self.person is not None:
            if self.acting_for:
                return t("outgoing.holder.acting", name=self.person.name)
            return self.person.name
        return self.section.name if self.section else ""


@dataclass(frozen=True)
class Signer:
    rank: str  # 区长 / 主任 / 区委领导 / 区委办主任 (stored as signer_name: stays as it is)
    basis: str  # the rule that applies: the key of its explanation (outgoing.signer.*)

    @property
    def reason(self) -> str:
        """Why, in the user's language when it is read (never stored)."""
        return t(f"outgoing.signer.{self.basis}")


# ---------------------------------------------------------------------------- the data

CONDITIONS = {"issuer": list, "doc_kind": list, "normative": bool, "upward": bool,
              "appointment": bool}
STEP_CONDITIONS = {"origin": str, "normative": bool, "signer": str, "needs": str,
                   "issuer": list}
NEEDS = ("deputy", "lead_leader")


@dataclass(frozen=True)
class SignerRow:
    when: dict[str, Any]
    rank: str
    basis: str
    cite: str


@dataclass(frozen=True)
class ChainStepRow:
    step: str
    when: dict[str, Any]
    external: str = ""


@dataclass(frozen=True)
class ChainTemplate:
    when: dict[str, Any]
    steps: tuple[ChainStepRow, ...]
    cite: str


@dataclass(frozen=True)
class OutgoingData:
    signers: tuple[SignerRow, ...]
    chains: tuple[ChainTemplate, ...]
    leader_steps: frozenset[str]


def _conditions(r: TomlReader, node: dict, table: list[str],
                allowed: dict[str, type]) -> dict[str, Any]:
    out = {}
    for key, kind in allowed.items():
        if key in node:
            value = r.get(node, table, key, kind)
            if kind is list and not all(isinstance(v, str) for v in value):
                raise r.fail(table, key, t("engine.spec_type"))
            out[key] = value
    return out


@cache
def outgoing_data() -> OutgoingData:
    """data/outgoing.toml, read once and checked whole (file, key and line on a mistake)."""
    path = data_dir() / "outgoing.toml"
    text = path.read_text(encoding="utf-8")
    r = TomlReader(path, text)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise r.fail([], "-", str(exc)) from exc
    r.only(doc, [], {"signer", "chain", "leader_steps"})
    steps = outgoing_spec().steps
    signers = []
    for n, row in enumerate(r.get(doc, [], "signer", list)):
        table = [f"signer[{n + 1}]"]
        r.only(row, table, {*CONDITIONS, "rank", "basis", "cite"})
        signers.append(SignerRow(_conditions(r, row, table, CONDITIONS),
                                 r.get(row, table, "rank", str), r.get(row, table, "basis", str),
                                 r.get(row, table, "cite", str)))
    chains = []
    for n, row in enumerate(r.get(doc, [], "chain", list)):
        table = [f"chain[{n + 1}]"]
        r.only(row, table, {*CONDITIONS, "steps", "cite"})
        rows = []
        for m, step in enumerate(r.get(row, table, "steps", list)):
            at = [*table, f"steps[{m + 1}]"]
            r.only(step, at, {*STEP_CONDITIONS, "step", "external"})
            name = r.get(step, at, "step", str)
            if name not in steps or not steps[name].chain:
                raise r.fail(at, "step", t("engine.spec_no_step", step=name))
            when = _conditions(r, step, at, STEP_CONDITIONS)
            if when.get("needs", NEEDS[0]) not in NEEDS:
                raise r.fail(at, "needs", t("engine.spec_day_kind", kinds="、".join(NEEDS)))
            rows.append(ChainStepRow(name, when, r.get(step, at, "external", str, "")))
        chains.append(ChainTemplate(_conditions(r, row, table, CONDITIONS), tuple(rows),
                                    r.get(row, table, "cite", str)))
    leaders = frozenset(r.get(doc, [], "leader_steps", list))
    return OutgoingData(tuple(signers), tuple(chains), leaders)


def outgoing_spec():
    from govdesk.services.engine.spec import load

    return load("outgoing", ("deputy", "drafter", "lead_leader", "review_section"))


def _applies(when: dict[str, Any], doc: OutgoingDocument) -> bool:
    for key, wanted in when.items():
        value = getattr(doc, key)
        if isinstance(wanted, list):
            if value not in wanted:
                return False
        elif bool(value) != wanted:
            return False
    return True


# ---------------------------------------------------------------------------- signers, chains


def signer_rule(doc: OutgoingDocument) -> Signer:
    """Who signs, and why: the first row of the signer matrix (data/outgoing.toml) that applies
    (Part 3 §16–§17; Supp. §2(四), §3(一)3)."""
    for row in outgoing_data().signers:
        if _applies(row.when, doc):
            return Signer(row.rank, row.basis)
    raise ValueError("data/outgoing.toml: no signer row applies")  # the last row has no conditions


def deputy_for(section: Section | None) -> Person | None:
    if section is None:
        return None
    row = (Oversight.select(Oversight, Person).join(Person)
           .where((Oversight.section == section) & Person.active).first())
    return row.deputy if row else None


def overseen_section(doc: OutgoingDocument) -> Section | None:
    """The section whose 分管副主任 reviews: the reviewing section of a department's draft, the
    drafting section of the office's own."""
    return doc.review_section if doc.origin == "department" else doc.drafting_section


def lead_review_holder(doc: OutgoingDocument, when: datetime) -> tuple[Person, Person | None] | None:
    """Who does the 分管领导审核 at ``when``, or None when the draft has no such review (an
    office document, no 分管领导 named, or the 区长 himself)."""
    lead = doc.lead_leader
    if doc.issuer != "区政府" or lead is None or lead.rank == "区长":
        return None
    return org.stand_in(lead, when)


def lead_review_merged(doc: OutgoingDocument, when: datetime) -> bool:
    """The 分管领导 signs himself at ``when`` (the 常务副区长 acting for the 区长): his review is
    his signature, so the review step is not handed to him twice."""
    holder = lead_review_holder(doc, when)
    return holder is not None and holder[0].id == org.acting_head(when)[0].id


def holder_of(name: str, doc: OutgoingDocument, when: datetime) -> tuple[
        Person | None, Section | None, Person | None]:
    """(person, section, acting_for) of chain step ``name`` by its holder rule in the spec."""
    spec = outgoing_spec().steps[name]
    rule, arg = spec.holder_rule, spec.holder_arg
    if rule == "section":
        return None, org.section(arg), None
    if rule == "director":
        return org.director(), None, None
    if rule == "head":
        head, acting_for = org.acting_head(when)
        return head, None, acting_for
    if rule == "review_section":
        return None, doc.review_section, None
    if rule == "deputy":
        return deputy_for(overseen_section(doc)), None, None
    if rule == "lead_leader":
        holder = lead_review_holder(doc, when)
        return (holder[0], None, holder[1]) if holder else (None, None, None)
    raise ValueError(f"chain step {name}: holder {spec.holder}")


def _included(row: ChainStepRow, doc: OutgoingDocument, signer: str, when: datetime,
              *, as_of_now: bool) -> bool:
    w = row.when
    if "origin" in w and doc.origin != w["origin"]:
        return False
    if "normative" in w and bool(doc.normative) != w["normative"]:
        return False
    if "signer" in w and signer != w["signer"]:
        return False
    if "issuer" in w and doc.issuer not in w["issuer"]:
        return False
    if w.get("needs") == "deputy":
        return deputy_for(overseen_section(doc)) is not None
    if w.get("needs") == "lead_leader":
        if lead_review_holder(doc, when) is None:
            return False
        # Whether the 分管领导 is also the one who signs is decided when the step arrives
        # (Part 3 §17): a chain fixed while the 区长 is away keeps the review for his return.
        return not (as_of_now and lead_review_merged(doc, when))
    return True


def review_chain(doc: OutgoingDocument, when: datetime, *, as_of_now: bool = True) -> list[Step]:
    """The chain this draft follows, from its fields and the chain templates of
    data/outgoing.toml (Supp. §3(三)6, §2(四)), with each step's holder at ``when``.

    ``as_of_now=False`` is the chain stored at submission: a step whose inclusion depends on who
    holds office on the day (the 分管领导's review while he acts for the 区长) is kept, and
    decided when it arrives."""
    data = outgoing_data()
    template = next(c for c in data.chains if _applies(c.when, doc))
    signer = signer_rule(doc).rank
    steps: list[Step] = []
    spec = outgoing_spec().steps
    for row in template.steps:
        if not _included(row, doc, signer, when, as_of_now=as_of_now):
            continue
        person, section, acting_for = holder_of(row.step, doc, when)
        if row.external:
            person, acting_for = None, None
        steps.append(Step(row.step, person=person, section=section, acting_for=acting_for,
                          external=row.external, signs=spec[row.step].signs,
                          leader=row.step in data.leader_steps))
    return steps


# ---------------------------------------------------------------------------- format checks


@dataclass(frozen=True)
class Problem:
    """One format fault: ``field`` as the user sees it (their language), ``message``, and
    ``name``, the form's field name (the same in every language) the cursor goes to."""

    field: str
    message: str
    name: str | None = None


@dataclass
class FormatReport:
    problems: list[Problem] = field(default_factory=list)

    def add(self, field_name: str, message: str, *, name: str | None = None) -> None:
        self.problems.append(Problem(field_name, message, name))

    def fault(self, field_name: str, message_key: str, /, **values: object) -> None:
        """A fault of the form's field ``field_name``: its label (outgoing.field.*) and the
        message, both from the catalog in the user's language now."""
        self.add(t(f"outgoing.field.{field_name}"), t(message_key, **values), name=field_name)

    @property
    def ok(self) -> bool:
        return not self.problems


_SECRET_MARK = re.compile(r"(绝密|机密|秘密)\s*★")
_URGENCY_MARK = re.compile(r"特急|加急|急件")
_ATTACHMENT = re.compile(r"^\s*(\d+)\s*[.．、]\s*(\S.*)$")


def marking(doc: OutgoingDocument) -> str:
    """首页右上角: urgency first, then secrecy with its period (Supp. §3(一)2; 机密★5年)."""
    parts = []
    if doc.urgency in ("特急", "加急"):
        parts.append(doc.urgency)
    if doc.secrecy:
        years = doc.secrecy_years or office_rules().secrecy[SECRECY_LEVELS[doc.secrecy]]
        parts.append(f"{SECRECY_LEVELS[doc.secrecy]}★{years}年")
    return " ".join(parts)


def split_names(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、，,；;\n]+", text or "") if p.strip()]


def _check_cc(report: FormatReport, cc: str) -> None:
    """抄送 by standard short names, in the order 党、政、军、群 (Supp. §3(一)7; the groups of
    each unit kind are data/rules.toml [outgoing.cc])."""
    cc_rules = office_rules().outgoing.cc
    last_group = -1
    last_name = ""
    for name in split_names(cc):
        unit = Unit.get_or_none(Unit.short == name)
        if unit is None and unit_groups.is_group(name):
            continue  # 抄送 各乡镇人民政府 …: a group as the office writes it (分发 expands it)
        if unit is None:
            full = Unit.get_or_none(Unit.name == name)
            if full is not None:
                report.fault("cc", "outgoing.check.cc_short", name=name, short=full.short)
            else:
                report.fault("cc", "outgoing.check.cc_unknown", name=name)
            continue
        name_of_group = (cc_rules.party_units if unit.party
                         else cc_rules.kinds.get(unit.kind, cc_rules.other_kinds))
        group = cc_rules.order.index(name_of_group)
        if group < last_group:
            report.fault("cc", "outgoing.check.cc_order", name=name, last=last_name)
        last_group, last_name = max(last_group, group), name


def _check_attachments(report: FormatReport, text: str) -> None:
    expected = 1
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        m = _ATTACHMENT.match(line)
        if m is None:
            report.fault("attachments", "outgoing.check.attachment_line", line=line.strip())
            continue
        if int(m.group(1)) != expected:
            report.fault("attachments", "outgoing.check.attachment_no", expected=expected,
                         found=m.group(1))
        expected = int(m.group(1)) + 1


def number_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}〔(\d{{4}})〕([1-9]\d*)号$")


def format_report(doc: OutgoingDocument, stage: str = "submit") -> FormatReport:
    """Supp. §3(一) checks. ``stage``: "submit" (before review) or "print" (before printing)."""
    report = FormatReport()
    if not doc.title.strip():
        report.fault("title", "errors.required")
    if not doc.main_to.strip() and doc.doc_kind != "纪要":
        report.fault("main_to", "outgoing.check.main_to")
    if not doc.body.strip():
        report.fault("body", "errors.required")
    if doc.secrecy:
        limit = office_rules().secrecy[SECRECY_LEVELS[doc.secrecy]]
        if doc.secrecy_years is not None and not 1 <= doc.secrecy_years <= limit:
            report.fault("secrecy_years", "outgoing.check.secrecy_years",
                         level=term(SECRECY_LEVELS[doc.secrecy]), limit=limit)
    head = "\n".join(doc.body.splitlines()[:3])
    secret_at = _SECRET_MARK.search(head)
    urgent_at = _URGENCY_MARK.search(head)
    if secret_at and urgent_at and secret_at.start() < urgent_at.start():
        report.fault("urgency", "outgoing.check.marking_order")
    _check_attachments(report, doc.attachments)
    _check_cc(report, doc.cc)
    if doc.restricted and not split_names(doc.recipients):
        report.fault("recipients", "outgoing.check.recipients")
    if not doc.signature.strip():
        report.fault("signature", "outgoing.check.signature")
    if doc.doc_kind != "纪要" and not doc.sealed:
        report.fault("sealed", "outgoing.check.sealed")
    if stage == "print":
        if not doc.print_org.strip():
            report.fault("print_org", "outgoing.check.print_org")
        if doc.print_date is None:
            report.fault("print_date", "outgoing.check.print_date")
        if not doc.number or not doc.prefix or not number_pattern(doc.prefix).match(doc.number):
            report.fault("number", "outgoing.check.number", example=NUMBER_EXAMPLE)
    return report


def prefix_for(issuer: str) -> str:
    key = {"区政府": "gov_prefix", "区政府办公室": "office_prefix",
           "区委区政府联合": "joint_prefix", "两办联合": "two_offices_prefix"}[issuer]
    return org.district(key, {"gov_prefix": "政发", "office_prefix": "政办发",
                              "joint_prefix": "委发", "two_offices_prefix": "委办发"}[key])
