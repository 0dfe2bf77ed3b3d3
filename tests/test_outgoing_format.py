"""发文 format checks (Supp. §3(一); SPEC §4, §14, §16): each fault is refused with a message
naming its field, and nothing is saved half-way."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.outgoing_worker import BASE_FIELDS, drive_to, new_draft, waiting

from govdesk.models import DraftRevision, Flow, OutgoingDocument, Task
from govdesk.models import outgoing as states
from govdesk.models.flow import WAITING
from govdesk.services import outgoing
from govdesk.services.errors import ValidationError
from govdesk.services.outgoing.rules import format_report, marking

GOOD_CC = "区委办、区人大常委会、区政协、区人武部、区总工会"


def _state(doc) -> tuple:
    doc = OutgoingDocument.get_by_id(doc.id)
    tasks = [(t.step, t.state) for t in Task.select().where(Task.flow == Flow.get(
        (Flow.kind == outgoing.KIND) & (Flow.record_id == doc.id))).order_by(Task.id)]
    return (doc.state, doc.version, doc.revision, doc.chain, doc.signer_name, tasks,
            DraftRevision.select().where(DraftRevision.document == doc.id).count())


# field values that pass create but fail the submission check → field named, words in message
SUBMIT_FAULTS = [
    ({"main_to": ""}, "主送", "不能为空"),
    ({"body": ""}, "正文", "不能为空"),
    ({"attachments": "附件一：检查表"}, "附件", "序号和名称"),
    ({"attachments": "一、检查表\n二、名单"}, "附件", "序号和名称"),
    ({"attachments": "2. 联系人名单"}, "附件", "序号应为 1"),
    ({"attachments": "1. 检查表\n3. 联系人名单"}, "附件", "序号应为 2"),
    ({"attachments": "1. 检查表\n2."}, "附件", "序号和名称"),  # unnamed
    ({"cc": "区总工会、区委办"}, "抄送", "党、政、军、群"),
    ({"cc": "区人武部、区政协"}, "抄送", "「区政协」不应排在「区人武部」之后"),
    ({"cc": "区人大常委会、区委办"}, "抄送", "党、政、军、群"),
    ({"cc": "中共台州市黄岩区委员会办公室"}, "抄送", "规范化简称「区委办」"),
    ({"cc": "区委办、台州市黄岩区总工会"}, "抄送", "规范化简称「区总工会」"),
    ({"cc": "区委办、某某协会"}, "抄送", "不在单位名录"),
    ({"restricted": True, "recipients": ""}, "分送范围", "分送单位名单"),
    ({"issuer": "两办联合", "signature": ""}, "落款", "署名"),
    ({"issuer": "区委区政府联合", "signature": ""}, "落款", "署名"),
    ({"sealed": False}, "印章", "印章"),
    ({"secrecy": "机密", "secrecy_years": 5, "body": "机密★5年\n特急\n正文。"}, "紧急程度",
     "先标紧急程度"),
    ({"secrecy": "秘密", "body": "秘密★\n加急\n正文。"}, "紧急程度", "先标紧急程度"),
]


@pytest.mark.parametrize(("fields", "field", "words"), SUBMIT_FAULTS,
                         ids=[f"fault{i}" for i in range(len(SUBMIT_FAULTS))])
def test_submit_refused_and_nothing_saved(db, as_user, fields, field, words):
    drafter = as_user("qianhy")
    doc = new_draft(drafter, **{"cc": GOOD_CC, **fields})
    before = _state(doc)
    task = waiting(doc)
    with pytest.raises(ValidationError) as err:
        outgoing.submit(drafter, task.id)
    assert err.value.field == field
    assert words in err.value.message
    assert str(err.value).startswith(f"{field}：")
    assert _state(doc) == before  # same state, version, revision; no task handed out
    assert before[0] == states.DRAFTING and before[5] == [("起草", WAITING)]


def test_fixed_draft_then_submits(db, as_user):
    drafter = as_user("qianhy")
    doc = new_draft(drafter, cc="区总工会、区委办", attachments="附件一：检查表")
    with pytest.raises(ValidationError):
        outgoing.submit(drafter, waiting(doc).id)
    doc = outgoing.update_draft(drafter, doc.id, doc.version, {
        **BASE_FIELDS, "cc": "区委办、区总工会", "attachments": "1. 检查表"})
    doc = outgoing.submit(drafter, waiting(doc).id)
    assert doc.state == states.REVIEWING and waiting(doc).step == "秘书科核稿"


@pytest.mark.parametrize("fields", [
    {"cc": GOOD_CC},
    {"cc": "区委办、区财政局、区教育局、东城街道、区人武部、区总工会"},
    {"attachments": "1. 检查表\n2．联系人名单\n3、日程"},
    {"restricted": True, "recipients": "区财政局、区审计局"},
    {"doc_kind": "纪要", "main_to": "", "sealed": False},  # 纪要: no 主送, no seal
    {"secrecy": "机密", "secrecy_years": 5, "urgency": "特急", "body": "特急\n机密★5年\n正文。"},
    {"issuer": "两办联合", "signature": "中共黄岩区委办公室 黄岩区人民政府办公室"},
])
def test_good_drafts_pass(db, as_user, fields):
    drafter = as_user("qianhy")
    doc = new_draft(drafter, **fields)
    assert format_report(doc).ok, format_report(doc).problems
    assert outgoing.submit(drafter, waiting(doc).id).state == states.REVIEWING


def test_every_problem_is_listed(db, as_user):
    doc = new_draft(as_user("qianhy"), main_to="", cc="区总工会、区委办", sealed=False,
                    attachments="2. x")
    fields = [p.field for p in format_report(doc).problems]
    assert fields == ["主送", "附件", "抄送", "印章"]


# ---------------------------------------------------------------------------- at create


@pytest.mark.parametrize(("fields", "field"), [
    ({"secrecy": "机密", "secrecy_years": 21}, "保密期限"),
    ({"secrecy": "秘密", "secrecy_years": 11}, "保密期限"),
    ({"secrecy": "绝密", "secrecy_years": 31}, "保密期限"),
    ({"secrecy": "机密", "secrecy_years": 0}, "保密期限"),
    ({"secrecy": "机密", "secrecy_years": "五"}, "保密期限"),
    ({"secrecy": "内部"}, "密级"),
    ({"title": "  "}, "标题"),
    ({"issuer": "区人大"}, "发文机关"),
    ({"doc_kind": "简报"}, "文种"),
    ({"urgency": "平急"}, "紧急程度"),
    ({"origin": "department", "review_section": "ban1"}, "起草部门"),
    ({"origin": "department", "drafting_unit": "cz"}, "审核科室"),
    ({"origin": "department", "drafting_unit": "不存在局", "review_section": "ban1"}, "起草部门"),
    ({"lead_leader": "nobody"}, "分管领导"),
    ({"drafting_section": "不存在科"}, "起草科室"),
])
def test_create_refused_and_nothing_saved(db, as_user, fields, field):
    with pytest.raises(ValidationError) as err:
        new_draft(as_user("qianhy"), **fields)
    assert err.value.field == field
    assert OutgoingDocument.select().count() == 0
    assert DraftRevision.select().count() == 0
    assert Flow.select().count() == 0 and Task.select().count() == 0


@pytest.mark.parametrize(("level", "years", "stored"), [
    ("机密", 20, 20), ("机密", None, 20), ("秘密", None, 10), ("绝密", 30, 30), ("秘密", 1, 1),
])
def test_secrecy_period_limits(db, as_user, level, years, stored):
    drafter = "linzh" if level == "绝密" else "qianhy"  # 机密 clearance cannot draft 绝密
    doc = new_draft(as_user(drafter), secrecy=level, secrecy_years=years)
    assert doc.secrecy_years == stored
    assert marking(doc) == f"{level}★{stored}年"


def test_drafting_above_own_clearance_is_refused(db, as_user):
    with pytest.raises(ValidationError) as err:
        new_draft(as_user("qianhy"), secrecy="绝密")
    assert err.value.field == "密级"
    assert OutgoingDocument.select().count() == 0


def test_marking_puts_urgency_first(db, as_user):
    doc = new_draft(as_user("qianhy"), secrecy="机密", secrecy_years=5, urgency="特急")
    assert marking(doc) == "特急 机密★5年"
    assert marking(new_draft(as_user("qianhy"), urgency="急件")) == "加急"
    assert marking(new_draft(as_user("qianhy"))) == ""


def test_signature_defaults_to_the_issuing_body(db, as_user):
    assert new_draft(as_user("qianhy"), issuer="区政府").signature == "黄岩区人民政府"
    assert new_draft(as_user("qianhy")).signature == "黄岩区人民政府办公室"
    assert new_draft(as_user("qianhy"), issuer="两办联合").signature == ""


# ---------------------------------------------------------------------------- at print


def _to_print(as_user):
    doc = new_draft(as_user("qianhy"))
    return doc, drive_to(doc, "印制", as_user("qianhy").now)


def test_print_refused_without_the_printing_body(db, as_user):
    doc, task = _to_print(as_user)
    before = _state(doc)
    lixm = as_user("lixm")
    for kwargs, field in [
        ({"print_org": "", "copies": 30}, "印发机关"),
        ({"print_org": "   ", "copies": 30}, "印发机关"),
        ({"print_org": "黄岩区人民政府办公室", "copies": 0}, "印发份数"),
        ({"print_org": "黄岩区人民政府办公室", "copies": None}, "印发份数"),
    ]:
        with pytest.raises(ValidationError) as err:
            outgoing.print_document(lixm, task.id, print_date=None, **kwargs)
        assert err.value.field == field
        assert _state(doc) == before
    stored = OutgoingDocument.get_by_id(doc.id)
    assert (stored.state, stored.print_org, stored.copies) == (states.NUMBERED, "", 0)
    assert waiting(doc).id == task.id  # still at 印制; no 第一读者 task
    doc = outgoing.print_document(lixm, task.id, print_org="黄岩区人民政府办公室",
                                  print_date=date(2026, 11, 27), copies=30)
    assert (doc.state, doc.print_date) == (states.PRINTED, date(2026, 11, 27))


def test_print_stage_checks_date_and_number(db, as_user):
    doc, _ = _to_print(as_user)
    doc = OutgoingDocument.get_by_id(doc.id)
    doc.print_org = "黄岩区人民政府办公室"
    fields = [p.field for p in format_report(doc, "print").problems]
    assert fields == ["印发日期"]
    doc.print_date = date(2026, 11, 27)
    assert format_report(doc, "print").ok
    for bad in ("黄政办发〔2026〕01号", "黄政办发[2026]1号", "黄政办发〔26〕1号", "黄政发〔2026〕1号"):
        doc.number = bad
        assert [p.field for p in format_report(doc, "print").problems] == ["发文字号"], bad
    # The submission stage does not ask for them.
    doc.print_org, doc.print_date, doc.number = "", None, None
    assert format_report(doc, "submit").ok
