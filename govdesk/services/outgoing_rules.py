"""发文 rules as data and pure functions: review chains, signing authority, format checks.

Chains (Supp. §3(三)6 and §2(四)); signers (Part 3 §16–§17, Supp. §3(一)3); format checks
(Supp. §3(一), SPEC §16). Nothing here writes; the workflow in outgoing.py applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from govdesk.i18n import t, term
from govdesk.models import SECRECY_LEVELS, OutgoingDocument, Oversight, Person, Section, Unit
from govdesk.services import org
from govdesk.services.rules import office_rules

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


def signer_rule(doc: OutgoingDocument) -> Signer:
    """Who signs, and why (Part 3 §16–§17; Supp. §2(四), §3(一)3)."""
    if doc.issuer == "两办联合":
        return Signer("区委办主任", "two_offices")  # 补充规定二(四)2
    if doc.issuer == "区委区政府联合":
        return Signer("区委领导", "joint")  # 补充规定二(四)1
    if doc.doc_kind in ("请示", "报告") and doc.upward and doc.issuer == "区政府":
        return Signer("区长", "upward")  # 补充规定三(一)3
    if doc.normative:
        return Signer("区长", "normative")  # 第三篇第十六条
    if doc.doc_kind == "议案":
        return Signer("区长", "motion")  # 第三篇第十六条
    if doc.appointment:
        return Signer("区长", "appointment")  # 第三篇第十六条
    if doc.issuer == "区政府":
        return Signer("区长", "government")  # 第三篇第十七条
    return Signer("主任", "office")  # 第三篇第十七条


def _deputy_for(section: Section | None) -> Person | None:
    if section is None:
        return None
    row = (Oversight.select(Oversight, Person).join(Person)
           .where((Oversight.section == section) & Person.active).first())
    return row.deputy if row else None


def _district_head(when: datetime) -> tuple[Person, Person | None]:
    return org.acting_head(when)


def review_chain(doc: OutgoingDocument, when: datetime) -> list[Step]:
    """The chain this draft follows, from its fields (Supp. §3(三)6, §2(四))."""
    mishu = org.section("mishu")
    director = org.director()
    steps: list[Step] = []
    if doc.issuer in ("区委区政府联合", "两办联合"):
        steps.append(Step("秘书科审核", section=mishu))
        steps.append(Step("区府办主任审批", person=director, leader=True))
        if doc.issuer == "两办联合":
            steps.append(Step("区委办主任签发", section=mishu, external="区委办主任", signs=True,
                              leader=True))
            return steps
        steps.append(Step("区委办主任审批", section=mishu, external="区委办主任", leader=True))
        head, acting_for = _district_head(when)
        steps.append(Step("区政府领导审签", person=head, acting_for=acting_for, leader=True))
        steps.append(Step("区委领导签发", section=mishu, external="区委领导", signs=True,
                          leader=True))
        return steps
    if doc.origin == "department":
        steps.append(Step("科室审核", section=doc.review_section))
    steps.append(Step("秘书科核稿", section=mishu))
    overseen = doc.review_section if doc.origin == "department" else doc.drafting_section
    deputy = _deputy_for(overseen)
    if deputy is not None:
        steps.append(Step("分管副主任审核", person=deputy, leader=True))
    if doc.normative:
        steps.append(Step("法制办审核", section=mishu, external="区政府法制办"))
    signer = signer_rule(doc)
    if signer.rank == "主任":
        steps.append(Step("主任签发", person=director, signs=True, leader=True))
        return steps
    steps.append(Step("主任复审", person=director, leader=True))
    head, acting_for = _district_head(when)
    lead = doc.lead_leader
    if doc.issuer == "区政府" and lead is not None and lead.rank != "区长":
        lead_holder, lead_acting = org.stand_in(lead, when)
        if lead_holder.id != head.id:
            steps.append(Step("分管领导审核", person=lead_holder, acting_for=lead_acting,
                              leader=True))
    steps.append(Step("区长签发", person=head, acting_for=acting_for, signs=True, leader=True))
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
