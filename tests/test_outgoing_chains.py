"""发文 review chains, signers, the acting head and 核稿 deadlines (SPEC §4; Supp. §3(三)6, §4;
Part 3 §16–§17; Part 1 §7) — table-driven through the real services."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from helpers.outgoing_worker import drive_to, new_draft, waiting

from govdesk.models import Person, Section, Task
from govdesk.models.flow import WAITING
from govdesk.services import org, outgoing, schedule
from govdesk.services.errors import PermissionDenied
from govdesk.services.outgoing.rules import review_chain, signer_rule

NOW = datetime(2026, 11, 26, 9, 30)  # Thursday

# Chain tokens: step@holder (a login, or a section code with the outside body in brackets).
KS = "科室审核@ban1"  # 区府办有关科室 for a department's draft
MS = "秘书科核稿@mishu"
DH = "分管副主任审核@huangxm"  # oversees 综合调研科 (office drafts come from qianhy)
DX = "分管副主任审核@xuww"  # oversees 办一科 (the department drafts' review section)
FZ = "法制办审核@mishu[区政府法制办]"
ZF = "主任复审@linzh"
LD = "分管领导审核@wuzq"
QZ = "区长签发@wangjm"
ZQ = "主任签发@linzh"
JOINT = ["秘书科审核@mishu", "区府办主任审批@linzh", "区委办主任审批@mishu[区委办主任]",
         "区政府领导审签@wangjm", "区委领导签发@mishu[区委领导]"]
TWO = ["秘书科审核@mishu", "区府办主任审批@linzh", "区委办主任签发@mishu[区委办主任]"]

R17 = "第十七条"  # in the 区政府's or the office's name
R16 = "第十六条"  # 规范性文件
UP = "请示、报告必须由区长签发"

# issuer, origin, 规范性文件, upward → chain after 起草, signer rank, a phrase of the reason.
CHAINS = [
    ("区政府", "office", False, False, [MS, DH, ZF, LD, QZ], "区长", R17),
    ("区政府", "office", False, True, [MS, DH, ZF, LD, QZ], "区长", UP),
    ("区政府", "office", True, False, [MS, DH, FZ, ZF, LD, QZ], "区长", R16),
    ("区政府", "office", True, True, [MS, DH, FZ, ZF, LD, QZ], "区长", UP),
    ("区政府", "department", False, False, [KS, MS, DX, ZF, LD, QZ], "区长", R17),
    ("区政府", "department", False, True, [KS, MS, DX, ZF, LD, QZ], "区长", UP),
    ("区政府", "department", True, False, [KS, MS, DX, FZ, ZF, LD, QZ], "区长", R16),
    ("区政府", "department", True, True, [KS, MS, DX, FZ, ZF, LD, QZ], "区长", UP),
    ("区政府办公室", "office", False, False, [MS, DH, ZQ], "主任", R17),
    ("区政府办公室", "office", False, True, [MS, DH, ZQ], "主任", R17),
    ("区政府办公室", "office", True, False, [MS, DH, FZ, ZF, QZ], "区长", R16),
    ("区政府办公室", "office", True, True, [MS, DH, FZ, ZF, QZ], "区长", R16),
    ("区政府办公室", "department", False, False, [KS, MS, DX, ZQ], "主任", R17),
    ("区政府办公室", "department", False, True, [KS, MS, DX, ZQ], "主任", R17),
    ("区政府办公室", "department", True, False, [KS, MS, DX, FZ, ZF, QZ], "区长", R16),
    ("区政府办公室", "department", True, True, [KS, MS, DX, FZ, ZF, QZ], "区长", R16),
    ("区委区政府联合", "office", False, False, JOINT, "区委领导", "区委领导签发"),
    ("区委区政府联合", "office", False, True, JOINT, "区委领导", "区委领导签发"),
    ("区委区政府联合", "office", True, False, JOINT, "区委领导", "区委领导签发"),
    ("区委区政府联合", "office", True, True, JOINT, "区委领导", "区委领导签发"),
    ("区委区政府联合", "department", False, False, JOINT, "区委领导", "区委领导签发"),
    ("区委区政府联合", "department", False, True, JOINT, "区委领导", "区委领导签发"),
    ("区委区政府联合", "department", True, False, JOINT, "区委领导", "区委领导签发"),
    ("区委区政府联合", "department", True, True, JOINT, "区委领导", "区委领导签发"),
    ("两办联合", "office", False, False, TWO, "区委办主任", "区委办公室主任签发"),
    ("两办联合", "office", False, True, TWO, "区委办主任", "区委办公室主任签发"),
    ("两办联合", "office", True, False, TWO, "区委办主任", "区委办公室主任签发"),
    ("两办联合", "office", True, True, TWO, "区委办主任", "区委办公室主任签发"),
    ("两办联合", "department", False, False, TWO, "区委办主任", "区委办公室主任签发"),
    ("两办联合", "department", False, True, TWO, "区委办主任", "区委办公室主任签发"),
    ("两办联合", "department", True, False, TWO, "区委办主任", "区委办公室主任签发"),
    ("两办联合", "department", True, True, TWO, "区委办主任", "区委办公室主任签发"),
]


def _row_id(row) -> str:
    issuer, origin, normative, upward = row[:4]
    return "-".join([issuer, origin, "规范性" if normative else "非规范",
                     "上行" if upward else "平行"])


def _token(name: str, person: int | None, section: int | None, external: str) -> str:
    who = Person.get_by_id(person).login if person else Section.get_by_id(section).code
    return f"{name}@{who}" + (f"[{external}]" if external else "")


def _fields(issuer: str, origin: str, normative: bool, upward: bool, **more) -> dict:
    fields = {
        "issuer": issuer,
        "doc_kind": "请示" if upward else "通知",
        "main_to": "台州市人民政府" if upward else "各乡镇人民政府、各街道办事处",
        "normative": normative,
        "upward": upward,
        "lead_leader": "wuzq",
        "signature": "中共黄岩区委 黄岩区人民政府" if "联合" in issuer else "",
    }
    if origin == "department":
        fields.update(origin="department", drafting_unit="cz", review_section="ban1")
    fields.update(more)
    return fields


def _drafter(as_user, origin: str, when: datetime = NOW):
    # A department's draft is keyed in by the 区府办 section that reviews it.
    return as_user("qianhy" if origin == "office" else "songwb", when)


@pytest.mark.parametrize("row", CHAINS, ids=[_row_id(r) for r in CHAINS])
def test_chain_and_signer(db, as_user, row):
    issuer, origin, normative, upward, expected, rank, reason = row
    drafter = _drafter(as_user, origin)
    doc = new_draft(drafter, **_fields(issuer, origin, normative, upward))

    # The pure rule, before anything is stored …
    pure = review_chain(doc, NOW)
    assert [_token(s.name, s.person.id if s.person else None,
                   s.section.id if s.section else None, s.external) for s in pure] == expected
    signer = signer_rule(doc)
    assert (signer.rank, reason in signer.reason) == (rank, True)

    # … and the chain stored at submission, with the first turn handed out.
    doc = outgoing.submit(drafter, waiting(doc).id)
    chain = outgoing.chain_of(doc)
    assert [_token(s.name, s.person, s.section, s.external) for s in chain] == expected
    assert [s.signs for s in chain] == [False] * (len(chain) - 1) + [True]
    assert all(s.acting_for is None for s in chain)
    assert ("法制办审核" in [s.name for s in chain]) == (normative and "联合" not in issuer)
    assert doc.state == "审核中" and doc.signer_name == rank
    first = waiting(doc)
    assert first.step == chain[0].name
    assert first.holder_section.code == ("ban1" if "科室审核" in expected[0] else "mishu")


@pytest.mark.parametrize(("kind", "issuer", "upward", "appointment", "rank", "reason"), [
    ("议案", "区政府办公室", False, False, "区长", "议案"),
    ("通知", "区政府办公室", False, True, "区长", "任免"),
    ("报告", "区政府", True, False, "区长", UP),
    ("请示", "区政府", False, False, "区长", R17),  # not upward: the general 区政府 rule
    ("函", "区政府办公室", True, False, "主任", R17),  # the office to 市府办
    ("报告", "区政府办公室", True, False, "主任", R17),
])
def test_signer_rule_by_kind(db, as_user, kind, issuer, upward, appointment, rank, reason):
    doc = new_draft(as_user("qianhy"), issuer=issuer, doc_kind=kind, upward=upward,
                    appointment=appointment)
    signer = signer_rule(doc)
    assert signer.rank == rank
    assert reason in signer.reason
    names = [s.name for s in review_chain(doc, NOW)]
    assert names[-1] == ("区长签发" if rank == "区长" else "主任签发")


@pytest.mark.parametrize(("lead", "has_step"), [
    (None, False),  # no 分管领导 named
    ("wangjm", False),  # the 区长 himself is the lead: he reviews as he signs
    ("zhaogl", True),
    ("zhengyf", True),
])
def test_lead_leader_review_only_for_government_drafts(db, as_user, lead, has_step):
    gov = new_draft(as_user("qianhy"), issuer="区政府", lead_leader=lead)
    names = [s.name for s in review_chain(gov, NOW)]
    assert ("分管领导审核" in names) == has_step
    if has_step:
        step = next(s for s in review_chain(gov, NOW) if s.name == "分管领导审核")
        assert step.person.login == lead
        assert names.index("分管领导审核") == names.index("区长签发") - 1
    # The office's own documents never have it, whoever is named.
    office = new_draft(as_user("qianhy"), issuer="区政府办公室", lead_leader=lead or "wuzq",
                       normative=True)
    assert "分管领导审核" not in [s.name for s in review_chain(office, NOW)]


def test_deputy_follows_the_drafting_section(db, as_user):
    expected = {"qianhy": "huangxm", "lixm": "huangxm", "songwb": "xuww", "dingzh": "xuww",
                "guojw": "hejf"}
    for login, deputy in expected.items():
        doc = new_draft(as_user(login))
        step = review_chain(doc, NOW)[1]
        assert (step.name, step.person.login) == ("分管副主任审核", deputy), login


# ---------------------------------------------------------------------------- acting head


def _away(as_user, login: str = "wangjm", start: datetime | None = None,
          end: datetime | None = None):
    start = start or datetime(2026, 11, 25, 8)
    end = end or datetime(2026, 11, 30, 18)
    return schedule.add_absence(as_user("lixm"), org.person_by_login(login), start, end,
                                destination="杭州", reason="参加省里会议")


def test_acting_head_signs_while_the_head_is_away(db, as_user):
    _away(as_user)
    zhaogl, wangjm = org.person_by_login("zhaogl"), org.person_by_login("wangjm")
    drafter = as_user("qianhy")
    doc = new_draft(drafter, issuer="区政府", lead_leader="wuzq")
    doc = outgoing.submit(drafter, waiting(doc).id)
    chain = outgoing.chain_of(doc)
    assert [s.name for s in chain] == ["秘书科核稿", "分管副主任审核", "主任复审", "分管领导审核",
                                       "区长签发"]
    sign = chain[-1]
    assert (sign.person, sign.acting_for) == (zhaogl.id, wangjm.id)
    assert signer_rule(doc).rank == "区长"  # the rule is unchanged; only its holder acts

    task = drive_to(doc, "区长签发", NOW)
    assert (task.holder_id, task.acting_for_id) == (zhaogl.id, wangjm.id)
    with pytest.raises(PermissionDenied):
        outgoing.approve(as_user("wangjm"), task.id, "签发")
    doc = outgoing.approve(as_user("zhaogl"), task.id, "签发")
    assert doc.state == "已签发"
    # 签发人 on the document itself says who signed for whom (issue: 赵国梁（代王建明）).
    assert doc.signed_by_id == zhaogl.id and doc.signer_name == f"{zhaogl.name}（代{wangjm.name}）"
    assert doc.written_date == NOW.date()


def test_executive_vice_head_as_lead_does_not_review_twice_while_acting(db, as_user):
    _away(as_user)
    doc = new_draft(as_user("qianhy"), issuer="区政府", lead_leader="zhaogl")
    steps = review_chain(doc, NOW)
    assert [s.name for s in steps] == ["秘书科核稿", "分管副主任审核", "主任复审", "区长签发"]
    assert steps[-1].person.login == "zhaogl" and steps[-1].acting_for.login == "wangjm"


def test_head_leaves_after_submission_sign_task_goes_to_acting_head(db, as_user):
    drafter = as_user("qianhy")
    doc = new_draft(drafter, issuer="区政府", lead_leader="wuzq")
    doc = outgoing.submit(drafter, waiting(doc).id)
    assert outgoing.chain_of(doc)[-1].acting_for is None
    _away(as_user, start=datetime(2026, 11, 26, 12), end=datetime(2026, 11, 28, 18))
    task = drive_to(doc, "区长签发", datetime(2026, 11, 26, 14))
    assert task.holder.login == "zhaogl" and task.acting_for.login == "wangjm"


def test_head_back_signs_himself(db, as_user):
    _away(as_user, start=datetime(2026, 11, 20, 8), end=datetime(2026, 11, 25, 18))
    doc = new_draft(as_user("qianhy"), issuer="区政府")
    sign = review_chain(doc, NOW)[-1]
    assert sign.person.login == "wangjm" and sign.acting_for is None


def test_joint_document_government_signature_by_acting_head(db, as_user):
    _away(as_user)
    drafter = as_user("qianhy")
    doc = new_draft(drafter, issuer="区委区政府联合", signature="中共黄岩区委 黄岩区人民政府")
    doc = outgoing.submit(drafter, waiting(doc).id)
    step = next(s for s in outgoing.chain_of(doc) if s.name == "区政府领导审签")
    assert (Person.get_by_id(step.person).login, Person.get_by_id(step.acting_for).login) == (
        "zhaogl", "wangjm")
    task = drive_to(doc, "区政府领导审签", NOW)
    assert task.holder.login == "zhaogl" and task.acting_for.login == "wangjm"
    # The 区委领导's signature is recorded by 秘书科 and closes the chain.
    task = drive_to(doc, "区委领导签发", NOW)
    assert task.holder_section.code == "mishu" and "区委领导" in task.note
    doc = outgoing.approve(as_user("lixm"), task.id, "区委领导已签发")
    assert doc.state == "已签发" and doc.signer_name == "区委领导" and doc.signed_by_id is None


# ---------------------------------------------------------------------------- deadlines


def _review_due(as_user, when: datetime, urgency: str, origin: str = "office") -> date:
    drafter = _drafter(as_user, origin, when)
    doc = new_draft(drafter, urgency=urgency, **(
        {"origin": "department", "drafting_unit": "cz", "review_section": "ban1"}
        if origin == "department" else {}))
    doc = outgoing.submit(drafter, waiting(doc).id)
    if origin == "department":
        doc = outgoing.approve(as_user("songwb", when), waiting(doc).id, "同意")
    task = waiting(doc)
    assert task.step == "秘书科核稿" and task.state == WAITING
    return task.due


@pytest.mark.parametrize(("submitted", "urgency", "due"), [
    (date(2026, 11, 26), "普通", date(2026, 11, 27)),  # Thursday → Friday
    (date(2026, 11, 27), "普通", date(2026, 11, 30)),  # Friday → Monday
    (date(2026, 9, 30), "普通", date(2026, 10, 8)),  # before National Day → after it
    (date(2026, 10, 9), "普通", date(2026, 10, 10)),  # Friday → the 调休 makeup Saturday
    (date(2026, 11, 26), "特急", date(2026, 11, 26)),  # at once: the same working day
    (date(2026, 11, 26), "加急", date(2026, 11, 26)),
    (date(2026, 11, 26), "急件", date(2026, 11, 26)),  # the seed's word for 加急
    (date(2026, 11, 28), "特急", date(2026, 11, 30)),  # Saturday → Monday
    (date(2026, 11, 29), "加急", date(2026, 11, 30)),  # Sunday → Monday
    (date(2026, 10, 3), "特急", date(2026, 10, 8)),  # National Day → first day back
    (date(2026, 10, 10), "特急", date(2026, 10, 10)),  # makeup Saturday is a working day
])
def test_review_deadline(db, as_user, submitted, urgency, due):
    assert _review_due(as_user, datetime.combine(submitted, time(10)), urgency) == due


def test_review_deadline_for_a_departments_draft(db, as_user):
    assert _review_due(as_user, NOW, "普通", "department") == date(2026, 11, 27)
    assert _review_due(as_user, NOW, "特急", "department") == date(2026, 11, 26)


def test_signing_deadline_follows_the_rules_file(db, as_user):
    # rules.toml: leaders sign within 2 working days ("签发"), whatever the step is called.
    doc = new_draft(as_user("qianhy"), issuer="区政府")
    task = drive_to(doc, "区长签发", NOW)
    assert task.due == date(2026, 11, 30)
    office = new_draft(as_user("qianhy"))
    assert drive_to(office, "主任签发", NOW).due == date(2026, 11, 30)
    # Other review turns keep the 1-working-day clock.
    review = Task.select().where(Task.step == "分管副主任审核").first()
    assert review.due == date(2026, 11, 27)


def test_signed_summary_marks_who_signed_for_the_absent_head(db, as_user):
    """The 签发 summary on the record says 代 before signing (the chain's planned holder) and
    after it (已由赵国梁（代王建明）签发), as the 收文 timeline does."""
    from govdesk.screens.outgoing import view
    from govdesk.services.engine import core as engine
    from govdesk.services.outgoing import views
    from govdesk.widgets.timeline import TimelineTable

    _away(as_user)
    zhaogl, wangjm = org.person_by_login("zhaogl"), org.person_by_login("wangjm")
    acting = f"{zhaogl.name}（代{wangjm.name}）"
    drafter = as_user("qianhy")
    doc = new_draft(drafter, issuer="区政府", lead_leader="wuzq")
    doc = outgoing.submit(drafter, waiting(doc).id)
    clerk = as_user("lixm")
    planned = views.detail_view(clerk, outgoing.get(clerk, doc.id))
    assert planned.chain[-1].name == "区长签发" and planned.chain[-1].holder == acting
    shown = view.chain_text(planned, engine.timeline(outgoing.KIND, doc.id), TimelineTable())
    assert f"·区长签发（{acting}）" in shown.plain

    task = drive_to(doc, "区长签发", NOW)
    outgoing.approve(as_user("zhaogl"), task.id, "签发")
    signed = views.detail_view(clerk, outgoing.get(clerk, doc.id))
    shown = view.chain_text(signed, engine.timeline(outgoing.KIND, doc.id), TimelineTable())
    assert f"已由{acting}签发" in shown.plain
    assert f"✓区长签发（{acting}）" in shown.plain
