"""发文 whole life through the services (SPEC §4; Supp. §3–§5): 退改 and resubmission with kept
revisions, signing, 复核登记, numbering, printing, 第一读者, dispatch; changes after signing;
成文日期; 文件倒流; permissions; the inbox."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from helpers.outgoing_worker import do_step, drive_to, new_draft, waiting

from govdesk.models import (
    AuditEntry,
    DispatchRecord,
    DraftRevision,
    ErrorRecord,
    OutgoingDocument,
    Task,
)
from govdesk.models import outgoing as states
from govdesk.models.flow import CANCELLED, DONE, RETURNED, WAITING
from govdesk.services import flow, inbox, org, outgoing
from govdesk.services.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from govdesk.services.policy import REDACTED

NOW = datetime(2026, 11, 26, 9, 30)  # Thursday
D1 = datetime(2026, 11, 26, 9, 30)
D2 = datetime(2026, 11, 27, 10, 0)  # Friday
D3 = datetime(2026, 11, 30, 15, 0)  # Monday: the signing day
D4 = datetime(2026, 12, 1, 9, 0)

GOV = {
    "issuer": "区政府",
    "title": "关于做好冬季安全生产工作的通知",
    "main_to": "各乡镇人民政府、各街道办事处，区政府各部门",
    "cc": "区委办、区人大常委会、区人武部、区总工会",
    "attachments": "1. 检查表\n2. 联系人名单",
    "body": "为切实做好冬季安全生产工作，现就有关事项通知如下。\n一、落实责任。",
    "lead_leader": "wuzq",
}


def _timeline(doc) -> list[tuple[str, str, str]]:
    return [(t.step, t.holder.login if t.holder_id else t.holder_section.code, t.state)
            for t in flow.timeline(flow.flow_of(outgoing.KIND, doc.id))]


def _act(as_user, login, when, fn, *args, **kw):
    actor = as_user(login, when)
    doc = outgoing.get(actor, kw.pop("doc").id)
    task = outgoing.current_task_for(actor, doc)
    assert task is not None, f"{login} holds nothing on {doc.id}"
    return task, fn(actor, task.id, *args, **kw)


def test_whole_life(db, as_user):
    qianhy = as_user("qianhy", D1)
    doc = new_draft(qianhy, **GOV)
    assert (doc.state, doc.revision, doc.signature) == (states.DRAFTING, 1, "黄岩区人民政府")
    task = outgoing.current_task_for(qianhy, doc)
    assert (task.step, task.due) == ("起草", None)
    doc = outgoing.submit(qianhy, task.id)
    assert doc.state == states.REVIEWING

    # 秘书科核稿 sends it back once, with comments.
    _, doc = _act(as_user, "lixm", D1, outgoing.send_back, "请补充检查时间", doc=doc)
    assert (doc.state, doc.resume_step) == (states.RETURNED, 0)
    fix = waiting(doc)
    assert (fix.step, fix.holder.login, fix.note) == ("修改", "qianhy", "请补充检查时间")

    # The drafter changes the body and resubmits: the reviewed revision is kept beside the new.
    new_body = GOV["body"] + "\n二、检查时间：12月1日至12月15日。"
    doc = outgoing.update_draft(qianhy.at(D2), doc.id, doc.version, {**GOV, "body": new_body})
    assert doc.revision == 1 and doc.state == states.RETURNED
    doc = outgoing.submit(qianhy.at(D2), fix.id)
    assert (doc.state, doc.revision, doc.body) == (states.REVIEWING, 2, new_body)
    revs = outgoing.revisions(doc)
    assert [(r.no, r.body) for r in revs] == [(1, GOV["body"]), (2, new_body)]
    diff = outgoing.compare(doc.id, 1, 2)
    assert "+二、检查时间：12月1日至12月15日。" in diff
    assert not [line for line in diff if line.startswith("-") and not line.startswith("---")]
    # Resubmission resumes at the step that sent it back.
    assert waiting(doc).step == "秘书科核稿"

    for login, step, opinion in [("lixm", "秘书科核稿", "核稿同意"),
                                 ("huangxm", "分管副主任审核", "同意"),
                                 ("linzh", "主任复审", "同意，呈区长签发"),
                                 ("wuzq", "分管领导审核", "同意")]:
        task, doc = _act(as_user, login, D2, outgoing.approve, opinion, doc=doc)
        assert task.step == step
    task, doc = _act(as_user, "wangjm", D3, outgoing.approve, "签发", doc=doc)
    assert task.step == "区长签发"
    assert doc.state == states.SIGNED
    assert doc.signed_by.login == "wangjm" and doc.signer_name == "王建明"
    assert doc.signed_at == D3 and doc.written_date == D3.date()  # 成文日期 = signing date
    assert doc.signed_revision == 2
    assert doc.backflow is False and ErrorRecord.select().count() == 0

    # Back to 秘书科 for registration and re-check, then number, print, first reader, dispatch.
    task, doc = _act(as_user, "lixm", D4, outgoing.register_signed, doc=doc)
    assert task.step == "复核登记" and waiting(doc).step == "编号"
    _, doc = _act(as_user, "lixm", D4, outgoing.assign_number, doc=doc)
    assert (doc.number, doc.prefix, doc.year, doc.seq, doc.state) == (
        "黄政发〔2026〕1号", "黄政发", 2026, 1, states.NUMBERED)
    _, doc = _act(as_user, "lixm", D4, outgoing.print_document, print_org="黄岩区人民政府办公室",
                  print_date=None, copies=60, doc=doc)
    assert (doc.state, doc.print_date, doc.copies) == (states.PRINTED, D4.date(), 60)
    assert waiting(doc).step == "第一读者"
    _, doc = _act(as_user, "chenhl", D4, outgoing.first_reader_signoff, "阅读无误", doc=doc)
    assert (doc.state, doc.first_reader.login, doc.first_read_at) == (
        states.PROOFREAD, "chenhl", D4)
    _, doc = _act(as_user, "lixm", D4, outgoing.dispatch, [
        outgoing.Dispatch("各乡镇人民政府", 19),
        outgoing.Dispatch("区政府各部门", 30, electronic=True, paper=True),
    ], doc=doc)
    assert (doc.state, doc.dispatched_at) == (states.DISPATCHED, D4)

    # Database state.
    stored = OutgoingDocument.get_by_id(doc.id)
    assert stored.state == states.DISPATCHED and stored.revision == 2
    assert [(r.recipient, r.copies, r.paper) for r in outgoing.dispatches(stored)] == [
        ("各乡镇人民政府", 19, False), ("区政府各部门", 30, True)]
    assert DraftRevision.select().where(DraftRevision.document == doc.id).count() == 2
    f = flow.flow_of(outgoing.KIND, doc.id)
    assert f.state == "dispatched" and f.closed_at == D4
    assert flow.holders_now(f) == []

    # The flow timeline: every hop, in order, with who held it and how it ended.
    assert _timeline(doc) == [
        ("起草", "qianhy", DONE),
        ("秘书科核稿", "mishu", RETURNED),
        ("修改", "qianhy", DONE),
        ("秘书科核稿", "mishu", DONE),
        ("分管副主任审核", "huangxm", DONE),
        ("主任复审", "linzh", DONE),
        ("分管领导审核", "wuzq", DONE),
        ("区长签发", "wangjm", DONE),
        ("复核登记", "mishu", DONE),
        ("编号", "mishu", DONE),
        ("印制", "mishu", DONE),
        ("第一读者", "mishu", DONE),
        ("分发", "mishu", DONE),
    ]
    opinions = {t.step: t.opinion for t in flow.timeline(f)}
    assert opinions["主任复审"] == "同意，呈区长签发" and opinions["编号"] == "黄政发〔2026〕1号"
    assert AuditEntry.select().where(AuditEntry.action == "outgoing.create").count() == 1

    # Nothing more can be done to it.
    with pytest.raises(ValidationError) as err:
        outgoing.change_after_signing(as_user("lixm", D4), doc.id, {"title": "x"}, "改")
    assert err.value.field == "签发后修改"


def test_update_draft_rules(db, as_user):
    qianhy = as_user("qianhy")
    doc = new_draft(qianhy, **GOV)
    # Before submission the one revision follows the drafter's edits.
    doc = outgoing.update_draft(qianhy, doc.id, doc.version, {**GOV, "title": "关于冬季安全的通知"})
    assert [(r.no, r.title) for r in outgoing.revisions(doc)] == [(1, "关于冬季安全的通知")]
    assert flow.flow_of(outgoing.KIND, doc.id).title == "关于冬季安全的通知"
    with pytest.raises(ConflictError):
        outgoing.update_draft(qianhy, doc.id, doc.version - 1, GOV)
    with pytest.raises(PermissionDenied):
        outgoing.update_draft(as_user("fengj"), doc.id, doc.version, GOV)
    doc = outgoing.submit(qianhy, waiting(doc).id)
    with pytest.raises(ValidationError) as err:
        outgoing.update_draft(qianhy, doc.id, doc.version, GOV)
    assert err.value.field == "文稿"


def test_send_back_from_a_later_step_resumes_there(db, as_user):
    doc = new_draft(as_user("qianhy"), **GOV)
    task = drive_to(doc, "主任复审", NOW)
    doc = outgoing.send_back(as_user("linzh"), task.id, "请压缩篇幅")
    assert doc.resume_step == 2 and doc.state == states.RETURNED
    with pytest.raises(ValidationError) as err:
        outgoing.send_back(as_user("qianhy"), waiting(doc).id, "x")
    assert err.value.field == "环节"  # 修改 is not a review turn
    doc = outgoing.submit(as_user("qianhy"), waiting(doc).id)
    task = waiting(doc)
    assert (task.step, task.holder.login) == ("主任复审", "linzh")
    assert doc.backflow is False  # 秘书科 had already reviewed it
    with pytest.raises(ValidationError) as err:
        outgoing.send_back(as_user("linzh"), task.id, "  ")
    assert err.value.field == "退改意见"


# ---------------------------------------------------------------------------- after signing


def _signed(as_user, when=D3, **fields):
    doc = new_draft(as_user("qianhy", D1), **{**GOV, **fields})
    task = drive_to(doc, "区长签发", D2)
    doc = outgoing.approve(as_user(task.holder.login, when), task.id, "签发")
    assert doc.state == states.SIGNED
    return doc


def test_change_after_signing_goes_back_to_the_signer(db, as_user):
    doc = _signed(as_user)
    task = drive_to(doc, "编号", D4)  # 复核登记 done; numbering waits
    lixm = as_user("lixm", D4)
    with pytest.raises(PermissionDenied):  # only 秘书科 handles it
        outgoing.change_after_signing(as_user("qianhy", D4), doc.id, {"title": "x"}, "改")
    with pytest.raises(ValidationError) as err:
        outgoing.change_after_signing(lixm, doc.id, {"title": "新标题"}, "")
    assert err.value.field == "修改说明"

    doc = outgoing.change_after_signing(lixm, doc.id, {"body": GOV["body"] + "\n三、其他。"},
                                       "补充第三条")
    assert (doc.state, doc.revision) == (states.REVIEWING, 2)
    assert Task.get_by_id(task.id).state == CANCELLED
    resign = waiting(doc)
    assert (resign.step, resign.holder.login) == ("重新签发", "wangjm")
    assert resign.due == date(2026, 12, 3)  # a leader's signature: 2 working days
    revs = outgoing.revisions(doc)
    assert [r.no for r in revs] == [1, 2]
    assert revs[0].body == GOV["body"] and revs[1].body.endswith("三、其他。")
    assert "签发后修改" in revs[1].note
    assert "+三、其他。" in outgoing.compare(doc.id, 1, 2)

    with pytest.raises(PermissionDenied):
        outgoing.approve(as_user("linzh", D4), resign.id, "同意")
    doc = outgoing.approve(as_user("wangjm", D4), resign.id, "同意修改，重新签发")
    assert doc.state == states.SIGNED and doc.signed_revision == 2
    assert doc.signed_at == D4 and doc.written_date == D4.date()
    nxt = waiting(doc)
    assert (nxt.step, nxt.holder_section.code) == ("复核登记", "mishu")


def test_change_after_signing_while_the_signer_is_away(db, as_user):
    from govdesk.services import schedule

    doc = _signed(as_user)
    schedule.add_absence(as_user("lixm"), org.person_by_login("wangjm"),
                         datetime(2026, 12, 1, 8), datetime(2026, 12, 5, 18))
    doc = outgoing.change_after_signing(as_user("lixm", D4), doc.id, {"title": "新标题"}, "改标题")
    task = waiting(doc)
    assert (task.holder.login, task.acting_for.login) == ("zhaogl", "wangjm")


def test_change_after_signing_an_external_signature(db, as_user):
    doc = new_draft(as_user("qianhy", D1), **{**GOV, "issuer": "两办联合",
                                              "signature": "中共黄岩区委办公室 黄岩区人民政府办公室"})
    task = drive_to(doc, "区委办主任签发", D2)
    doc = outgoing.approve(as_user("lixm", D3), task.id, "区委办主任已签发")
    assert (doc.state, doc.signer_name, doc.signed_by_id) == (states.SIGNED, "区委办主任", None)
    doc = outgoing.change_after_signing(as_user("lixm", D4), doc.id, {"title": "新标题"}, "改标题")
    resign = waiting(doc)
    assert (resign.step, resign.holder_section.code) == ("重新签发", "mishu")
    assert "区委办主任" in resign.note
    doc = outgoing.approve(as_user("lixm", D4), resign.id, "区委办主任同意")
    assert (doc.state, doc.title, doc.signer_name, doc.signed_revision) == (
        states.SIGNED, "新标题", "区委办主任", 2)
    assert waiting(doc).step == "复核登记"


def test_change_after_numbering_keeps_the_number(db, as_user):
    doc = _signed(as_user)
    drive_to(doc, "印制", D4)
    doc = OutgoingDocument.get_by_id(doc.id)
    assert doc.number == "黄政发〔2026〕1号"
    doc = outgoing.change_after_signing(as_user("lixm", D4), doc.id, {"title": "新标题"}, "改标题")
    doc = outgoing.approve(as_user("wangjm", D4), waiting(doc).id, "重新签发")
    task = drive_to(doc, "印制", D4)
    doc = OutgoingDocument.get_by_id(doc.id)
    # Re-signing must not burn a second number: the sequence stays gap-free.
    assert doc.number == "黄政发〔2026〕1号"
    assert task.step == "印制"
    other = _signed(as_user)
    drive_to(other, "印制", D4)
    assert OutgoingDocument.get_by_id(other.id).number == "黄政发〔2026〕2号"


def test_written_date_set_by_the_drafting_unit_after_20_days(db, as_user):
    doc = _signed(as_user)  # signed 2026-11-30
    day20 = D3 + timedelta(days=20)
    day21 = D3 + timedelta(days=21)
    with pytest.raises(ValidationError) as err:
        outgoing.set_written_date(as_user("qianhy", day20), doc.id, date(2026, 12, 10))
    assert err.value.field == "成文日期"
    with pytest.raises(PermissionDenied):  # another section
        outgoing.set_written_date(as_user("lixm", day21), doc.id, date(2026, 12, 10))
    with pytest.raises(ValidationError):  # before the signing
        outgoing.set_written_date(as_user("qianhy", day21), doc.id, date(2026, 11, 1))
    with pytest.raises(ValidationError):  # in the future
        outgoing.set_written_date(as_user("qianhy", day21), doc.id, date(2027, 1, 1))
    doc = outgoing.set_written_date(as_user("fengj", day21), doc.id, date(2026, 12, 10))
    assert doc.written_date == date(2026, 12, 10)  # a colleague of the drafting section
    doc = outgoing.set_written_date(as_user("qianhy", day21), doc.id, date(2026, 12, 21))
    assert doc.written_date == date(2026, 12, 21)

    unsigned = new_draft(as_user("qianhy"), **GOV)
    with pytest.raises(ValidationError):
        outgoing.set_written_date(as_user("qianhy", day21), unsigned.id, date(2026, 12, 10))


def test_written_date_fixed_once_printed(db, as_user):
    doc = _signed(as_user)
    drive_to(doc, "第一读者", D4)
    with pytest.raises(ValidationError) as err:
        outgoing.set_written_date(as_user("qianhy", D3 + timedelta(days=30)), doc.id,
                                  date(2026, 12, 10))
    assert "已印制" in err.value.message


def test_no_dispatch_before_the_first_reader(db, as_user):
    doc = _signed(as_user)
    printing = drive_to(doc, "印制", D4)
    lixm = as_user("lixm", D4)
    # Through the services the 分发 task only exists after the first reader signed off, so at
    # the 印制 stage dispatch is refused on the step itself …
    with pytest.raises(ValidationError) as err:
        outgoing.dispatch(lixm, printing.id, [outgoing.Dispatch("各乡镇")])
    assert err.value.field == "环节"
    doc = outgoing.print_document(lixm, printing.id, print_org="黄岩区人民政府办公室",
                                  print_date=None, copies=10)
    reading = waiting(doc)
    assert reading.step == "第一读者"
    with pytest.raises(ValidationError):
        outgoing.dispatch(lixm, reading.id, [outgoing.Dispatch("各乡镇")])
    # … and a 分发 task that reached 秘书科 by any other road is refused, naming 第一读者.
    stray = flow.hand_out(lixm, flow.flow_of(outgoing.KIND, doc.id), "分发",
                          [flow.Hand(section=org.section("mishu"))], due=None)[0]
    with pytest.raises(ValidationError) as err:
        outgoing.dispatch(lixm, stray, [outgoing.Dispatch("各乡镇")])
    assert err.value.field == "第一读者"
    assert DispatchRecord.select().count() == 0
    assert OutgoingDocument.get_by_id(doc.id).state == states.PRINTED

    # The first reader must be 秘书科 (the section holds the task).
    with pytest.raises(PermissionDenied):
        outgoing.first_reader_signoff(as_user("qianhy", D4), reading.id)


def test_dispatch_register_checks(db, as_user):
    doc = _signed(as_user, secrecy="秘密", secrecy_years=5)
    task = drive_to(doc, "分发", D4)
    lixm = as_user("lixm", D4)
    for records, field in [
        ([], "分发单位"),
        ([outgoing.Dispatch(" ")], "分发单位"),
        ([outgoing.Dispatch("各乡镇", electronic=False, paper=False)], "分发方式"),
        ([outgoing.Dispatch("各乡镇", copies=0)], "份数"),
        ([outgoing.Dispatch("各乡镇", paper=True)], "份号"),  # secret paper copies
    ]:
        with pytest.raises(ValidationError) as err:
            outgoing.dispatch(lixm, task.id, records)
        assert err.value.field == field
    assert DispatchRecord.select().count() == 0 and Task.get_by_id(task.id).state == WAITING
    doc = outgoing.dispatch(lixm, task.id, [
        outgoing.Dispatch("区财政局", 2, paper=True, copy_numbers="000001-000002")])
    assert doc.state == states.DISPATCHED
    assert outgoing.dispatches(doc)[0].copy_numbers == "000001-000002"


# ---------------------------------------------------------------------------- 文件倒流


def test_backflow_reported_on_an_unreviewed_draft(db, as_user):
    qianhy = as_user("qianhy")
    doc = new_draft(qianhy, **GOV)
    drafting = waiting(doc)
    doc = outgoing.report_backflow(as_user("lixm"), doc.id, "区长处发现")
    assert doc.backflow is True and doc.state == states.REVIEWING
    err = ErrorRecord.get()
    assert (err.category, err.document_id, err.section.code, err.person.login, err.step) == (
        "文件倒流", doc.id, "diaoyan", "qianhy", "区长处发现")
    assert Task.get_by_id(drafting.id).state == CANCELLED
    nxt = waiting(doc)
    assert (nxt.step, nxt.holder_section.code) == ("秘书科核稿", "mishu")
    assert "文件倒流" in nxt.note
    assert [s.name for s in outgoing.chain_of(doc)][0] == "秘书科核稿"
    # Once 秘书科 has reviewed it, it is no longer 倒流.
    doc = outgoing.approve(as_user("lixm"), nxt.id, "核稿同意")
    with pytest.raises(ValidationError) as err_info:
        outgoing.report_backflow(as_user("lixm"), doc.id)
    assert err_info.value.field == "文件倒流"
    assert ErrorRecord.select().count() == 1


def test_backflow_refused_on_a_reviewed_draft(db, as_user):
    doc = new_draft(as_user("qianhy"), **GOV)
    drive_to(doc, "主任复审", NOW)
    with pytest.raises(ValidationError):
        outgoing.report_backflow(as_user("lixm"), doc.id)
    doc = OutgoingDocument.get_by_id(doc.id)
    assert doc.backflow is False and ErrorRecord.select().count() == 0
    assert waiting(doc).step == "主任复审"
    with pytest.raises(NotFound):
        outgoing.report_backflow(as_user("lixm"), 9999)


# ---------------------------------------------------------------------------- permissions


def test_only_the_holder_acts(db, as_user):
    doc = new_draft(as_user("qianhy"), **GOV)
    drafting = waiting(doc)
    with pytest.raises(PermissionDenied):
        outgoing.submit(as_user("fengj"), drafting.id)  # a colleague, not the drafter
    doc = outgoing.submit(as_user("qianhy"), drafting.id)
    review = waiting(doc)
    for login in ("qianhy", "huangxm", "linzh", "wangjm"):
        with pytest.raises(PermissionDenied):
            outgoing.approve(as_user(login), review.id, "同意")
        with pytest.raises(PermissionDenied):
            outgoing.send_back(as_user(login), review.id, "退")
    outgoing.approve(as_user("zhangyt"), review.id, "同意")  # any member of 秘书科
    task = waiting(doc)
    assert task.holder.login == "huangxm"
    with pytest.raises(PermissionDenied):
        outgoing.approve(as_user("xuww"), task.id, "同意")  # another deputy
    with pytest.raises(ValidationError) as err:
        outgoing.register_signed(as_user("huangxm"), task.id)  # not a 复核登记 step
    assert err.value.field == "环节"
    with pytest.raises(NotFound):
        outgoing.approve(as_user("huangxm"), 99999, "同意")
    assert waiting(doc).id == task.id


def test_secret_draft_hidden_above_clearance(db, as_user):
    doc = new_draft(as_user("qianhy"), **{**GOV, "title": "关于某涉密事项的通知",
                                          "secrecy": "机密", "secrecy_years": 10})
    with pytest.raises(PermissionDenied):
        outgoing.get(as_user("zhangyt"), doc.id)  # clearance 无
    with pytest.raises(PermissionDenied):
        outgoing.get(as_user("yangf"), doc.id)  # clearance 秘密
    assert outgoing.get(as_user("lixm"), doc.id).title == "关于某涉密事项的通知"  # 机密
    assert AuditEntry.select().where(AuditEntry.action == "outgoing.open_secret").count() == 1
    plain = new_draft(as_user("qianhy"), **GOV)

    rows = {r.id: r for r in outgoing.register_page(as_user("zhangyt"))}
    assert "涉密" not in rows[doc.id].title and REDACTED in rows[doc.id].title
    assert rows[plain.id].title == GOV["title"]
    assert rows[doc.id].drafter == "钱红英"
    assert [r.title for r in outgoing.register_page(as_user("lixm"))] == [
        GOV["title"], "关于某涉密事项的通知"]
    # Searching by title does not reveal it either.
    assert outgoing.register_page(as_user("zhangyt"), text="涉密") == []
    assert [r.id for r in outgoing.register_page(as_user("lixm"), text="涉密")] == [doc.id]
    # The inbox shows the step but not the title …
    outgoing.submit(as_user("qianhy"), waiting(doc).id)
    item = next(i for i in inbox.inbox(as_user("zhangyt")) if i.record_id == doc.id)
    assert "涉密" not in item.title
    # … and a section-held step cannot be handled by a member without the clearance.
    review = waiting(doc)
    for call in (lambda a: outgoing.approve(a, review.id, "同意"),
                 lambda a: outgoing.send_back(a, review.id, "退"),
                 lambda a: outgoing.report_backflow(a, doc.id)):
        with pytest.raises(PermissionDenied):
            call(as_user("zhangyt"))
    assert Task.get_by_id(review.id).state == WAITING and ErrorRecord.select().count() == 0
    assert outgoing.approve(as_user("lixm"), review.id, "同意").state == states.REVIEWING


# ---------------------------------------------------------------------------- inbox


def test_waiting_step_in_inbox_and_deadlines(db, as_user):
    qianhy = as_user("qianhy")
    doc = new_draft(qianhy, **{**GOV, "urgency": "特急"})
    mine = [i for i in inbox.inbox(qianhy) if i.kind == outgoing.KIND]
    assert [(i.step, i.due) for i in mine] == [("起草", None)]
    assert not [i for i in inbox.deadlines(qianhy) if i.kind == outgoing.KIND]

    doc = outgoing.submit(qianhy, waiting(doc).id)
    assert not [i for i in inbox.inbox(qianhy) if i.kind == outgoing.KIND]
    for login in ("lixm", "chenhl"):
        item = next(i for i in inbox.inbox(as_user(login)) if i.record_id == doc.id)
        assert (item.kind, item.step, item.holder, item.urgency, item.due, item.label) == (
            outgoing.KIND, "秘书科核稿", "秘书科", "特急", NOW.date(), inbox.TODAY)
        assert item.title == GOV["title"]
        assert any(i.record_id == doc.id for i in inbox.deadlines(as_user(login)))
    assert not [i for i in inbox.inbox(as_user("huangxm")) if i.kind == outgoing.KIND]

    doc = outgoing.approve(as_user("lixm"), waiting(doc).id, "同意")
    item = next(i for i in inbox.inbox(as_user("huangxm")) if i.kind == outgoing.KIND)
    assert item.step == "分管副主任审核" and item.holder == "黄晓敏"
    assert not [i for i in inbox.inbox(as_user("lixm")) if i.kind == outgoing.KIND]
    # The 主任 sees everyone's deadlines; a day later it is overdue.
    later = as_user("linzh", datetime(2026, 11, 30, 9))
    item = next(i for i in inbox.deadlines(later) if i.record_id == doc.id)
    assert item.label == inbox.OVERDUE and item.step == "分管副主任审核"


def test_chain_json_round_trip(db, as_user):
    doc = new_draft(as_user("qianhy"), **GOV)
    do_step(doc, NOW)
    doc = OutgoingDocument.get_by_id(doc.id)
    stored = json.loads(doc.chain)
    assert [s["name"] for s in stored] == [s.name for s in outgoing.chain_of(doc)]
