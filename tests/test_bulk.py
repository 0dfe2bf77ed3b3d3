"""Acting on many tagged items at once, and 催办 of every holder (services.bulk), on real
SQLite files: each item through its own service, in its own transaction."""

from __future__ import annotations

import pytest

from govdesk.models import AuditEntry, IncomingDocument, Person, Reminder, Task
from govdesk.models import incoming as states
from govdesk.models.flow import WAITING
from govdesk.services import bulk, flow, incoming
from govdesk.services.errors import ValidationError
from govdesk.services.policy import REDACTED


def register(clerk, title: str, **fields) -> IncomingDocument:
    return incoming.register(clerk, {"from_unit": "jyj", "title": title, "doc_kind": "报告",
                                     **fields})


def to_signing(clerk, doc) -> Task:
    """初审 受理: the document waits for the 主任's 签批."""
    task = incoming.current_task_for(clerk, doc)
    incoming.decide_intake(clerk, task.id, "受理", "")
    return Task.get((Task.step == "签批") & (Task.state == WAITING)
                    & (Task.flow == flow.flow_of(incoming.KIND, doc.id)))


def readers(n: int) -> list[Person]:
    return [p for p in Person.select().where(Person.active).order_by(Person.id)
            if p.login not in ("lixm", "linzh")][:n]


def test_sign_five_with_one_opinion_one_refused(db, as_user):
    clerk, director = as_user("lixm"), as_user("linzh")
    docs = [register(clerk, f"关于第{i}项经费的报告") for i in range(5)]
    tasks = [to_signing(clerk, d) for d in docs[:4]]  # the fifth is still at 初审
    items = [bulk.Item(incoming.KIND, d.id, t.id) for d, t in zip(docs[:4], tasks, strict=True)]
    items.append(bulk.Item(incoming.KIND, docs[4].id))
    result = bulk.run(director, bulk.SIGN, items, note="请周副区长阅示")
    assert len(result.done) == 4
    assert [IncomingDocument.get_by_id(d.id).state for d in docs[:4]] == [states.READING] * 4
    assert all(Task.get_by_id(t.id).opinion == "请周副区长阅示" for t in tasks)
    (refused,) = result.refused
    assert refused.label == f"{docs[4].number} 关于第4项经费的报告"
    assert "签批" in refused.reason and refused.key == docs[4].id
    assert IncomingDocument.get_by_id(docs[4].id).state == states.REGISTERED


def test_sign_needs_the_opinion_before_any_is_signed(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, "关于经费的报告")
    task = to_signing(clerk, doc)
    with pytest.raises(ValidationError) as err:
        bulk.run(as_user("linzh"), bulk.SIGN, [bulk.Item(incoming.KIND, doc.id, task.id)],
                 note="  ")
    assert err.value.field == "签批意见"
    assert Task.get_by_id(task.id).state == WAITING


def test_only_the_holder_signs(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, "关于经费的报告")
    task = to_signing(clerk, doc)
    before = AuditEntry.select().count()
    result = bulk.run(as_user("zhangyt"), bulk.SIGN, [bulk.Item(incoming.KIND, doc.id, task.id)],
                      note="同意")
    assert not result.done and len(result.refused) == 1
    assert Task.get_by_id(task.id).state == WAITING
    assert AuditEntry.select().count() == before  # nothing half-written


def test_remind_every_holder_of_each_tagged_document(db, as_user):
    clerk = as_user("lixm")
    wide = register(clerk, "关于冬季安全的通知")
    incoming.circulate(clerk, wide.id, readers(12), "请阅")
    alone = register(clerk, "关于某事的报告")  # only 秘书科 (the clerk's own section) holds it
    result = bulk.run(clerk, bulk.REMIND, [bulk.Item(incoming.KIND, wide.id),
                                           bulk.Item(incoming.KIND, alone.id)], note="请今日退回")
    assert [o.key for o in result.done] == [wide.id]
    reminded = Reminder.select().where(Reminder.note == "请今日退回")
    assert reminded.count() == 12
    assert {r.task.step for r in reminded} == {"传阅"}
    (refused,) = result.refused
    assert refused.key == alone.id and "无需催办" in refused.reason


def test_circulate_several_to_the_same_readers(db, as_user):
    clerk = as_user("lixm")
    docs = [register(clerk, f"关于第{i}项工作的通知") for i in range(3)]
    people = readers(4)
    result = bulk.run(clerk, bulk.CIRCULATE, [bulk.Item(incoming.KIND, d.id) for d in docs],
                      people=people)
    assert len(result.done) == 3 and not result.refused
    for d in docs:
        f = flow.flow_of(incoming.KIND, d.id)
        holders = {t.holder_id for t in flow.waiting_tasks(f, ["传阅"])}
        assert holders == {p.id for p in people}


def test_circulate_refuses_what_is_not_a_incoming_document(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, "关于工作的通知")
    result = bulk.run(clerk, bulk.CIRCULATE, [bulk.Item("outgoing", 999999),
                                              bulk.Item(incoming.KIND, doc.id)],
                      people=readers(2))
    assert [o.key for o in result.done] == [doc.id]
    assert len(result.refused) == 1 and result.refused[0].label == "#999999"


def test_close_and_archive_in_bulk(db, as_user):
    clerk, director = as_user("lixm"), as_user("linzh")
    docs = [register(clerk, f"关于第{i}项事务的报告") for i in range(3)]
    for d in docs:
        to_signing(clerk, d)
    bulk.run(director, bulk.SIGN, [bulk.Item(incoming.KIND, d.id) for d in docs], note="阅")
    leader = as_user("zhoudw")
    for d in docs[:2]:  # the third is still with the leader
        incoming.reader_return(leader, incoming.current_task_for(leader, d).id, "同意")
    items = [bulk.Item(incoming.KIND, d.id) for d in docs]
    closed = bulk.run(clerk, bulk.CLOSE, items, note="已办")
    assert [o.key for o in closed.done] == [d.id for d in docs[:2]]
    assert [o.key for o in closed.refused] == [docs[2].id]
    assert "分送" in closed.refused[0].reason
    archived = bulk.run(clerk, bulk.ARCHIVE, items[:2], retention="30年")
    assert len(archived.done) == 2
    for d in docs[:2]:
        doc = IncomingDocument.get_by_id(d.id)
        assert doc.state == states.ARCHIVED and doc.retention == "30年"


def test_a_secret_document_is_refused_to_the_uncleared_and_its_title_stays_hidden(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, "关于机密事项的报告", secrecy="秘密")
    result = bulk.run(as_user("zhangyt"), bulk.REMIND, [bulk.Item(incoming.KIND, doc.id)])
    (refused,) = result.refused
    assert REDACTED in refused.label and "机密事项" not in refused.label
    assert Reminder.select().count() == 0


# ---------------------------------------------------------------------------- 催办 of every holder


def test_holders_lists_everyone_still_holding_it(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, "关于冬季安全的通知")
    people = readers(12)
    incoming.circulate(clerk, doc.id, people, "请阅")
    rows = bulk.holders(clerk, incoming.KIND, doc.id)
    # 秘书科's own 初审 (the clerk's: not theirs to urge) and the twelve readers
    assert [r.mine for r in rows].count(True) == 1
    readers_rows = [r for r in rows if r.step == "传阅"]
    assert [r.name for r in readers_rows] == [p.name for p in people]
    assert all(r.held_days == 0 and r.overdue_days == 0 for r in readers_rows)


def test_remind_ten_of_twelve_holders_with_one_note(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, "关于冬季安全的通知")
    incoming.circulate(clerk, doc.id, readers(12), "请阅")
    rows = [r for r in bulk.holders(clerk, incoming.KIND, doc.id) if not r.mine]
    chosen = [r.task_id for r in rows[2:]]
    result = bulk.remind_holders(clerk, incoming.KIND, chosen, "请抓紧")
    assert len(result.done) == 10 and not result.refused
    assert sorted(r.task_id for r in Reminder.select()) == sorted(chosen)
    assert {r.note for r in Reminder.select()} == {"请抓紧"}
    assert all(Task.get_by_id(i).reminders == 1 for i in chosen)


def test_remind_holders_reports_the_done_and_the_own(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, "关于冬季安全的通知")
    incoming.circulate(clerk, doc.id, readers(2), "请阅")
    rows = bulk.holders(clerk, incoming.KIND, doc.id)
    own = next(r for r in rows if r.mine)
    first, second = [r for r in rows if not r.mine]
    reader = as_user(Task.get_by_id(first.task_id).holder.login)
    incoming.reader_return(reader, first.task_id, "已阅")  # done meanwhile
    result = bulk.remind_holders(clerk, incoming.KIND,
                                 [own.task_id, first.task_id, second.task_id], "")
    assert [o.key for o in result.done] == [second.task_id]
    reasons = {o.key: o.reason for o in result.refused}
    assert "自己的待办" in reasons[own.task_id]
    assert "已经办完" in reasons[first.task_id]
    assert Reminder.select().count() == 1


def test_remind_holders_needs_someone(db, as_user):
    with pytest.raises(ValidationError) as err:
        bulk.remind_holders(as_user("lixm"), incoming.KIND, [], "")
    assert err.value.field == "催办对象"


def test_offered_is_what_at_least_one_item_allows(db, as_user):
    clerk, director = as_user("lixm"), as_user("linzh")
    registered = register(clerk, "关于经费的报告")  # 初审: the clerk's section holds it
    signing = register(clerk, "关于工作的报告")
    to_signing(clerk, signing)
    items = [bulk.Item(incoming.KIND, registered.id), bulk.Item(incoming.KIND, signing.id)]
    # The clerk: 传阅 (秘书科's), 催办 of the 主任 holding the second; nothing to 签批.
    assert bulk.offered(clerk, items) == (bulk.REMIND, bulk.CIRCULATE)
    assert bulk.offered(director, items) == (bulk.REMIND, bulk.SIGN)
    assert bulk.offered(director, items, (bulk.REMIND,)) == (bulk.REMIND,)
    assert bulk.offered(as_user("zhangyt"), [bulk.Item("outgoing", 999999)]) == ()


def test_a_notice_is_for_supervision_items_only_and_is_offered_only_for_them(db, as_user):
    from govdesk.services import supervision

    ducha = as_user("shenyj")  # 督查室
    item = supervision.register(ducha, {"kind": "大项目", "title": "城东污水处理厂扩建",
                                        "lead_unit": "区住建局"})
    doc = register(as_user("lixm"), "关于某事的报告")
    items = [bulk.Item(bulk.SUPERVISION, item.id), bulk.Item(incoming.KIND, doc.id)]
    assert bulk.URGE in bulk.offered(ducha, items[:1])
    assert bulk.URGE not in bulk.offered(as_user("lixm"), items[1:])
    result = bulk.run(ducha, bulk.URGE, items, note="请反馈")
    assert [o.key for o in result.done] == [item.id]
    assert [o.reason for o in result.refused] == ["发催办单：只有督查事项可以发催办单"]


def test_remind_on_a_supervision_item_issues_its_numbered_notice(db, as_user):
    """A 督查事项 tagged among documents and 催办ed with them gets its 催办单, not a plain
    reminder to the 督查室 clerk holding it for the unit."""
    from govdesk.models import SupervisionNotice
    from govdesk.services import supervision

    ducha = as_user("shenyj")
    item = supervision.register(ducha, {"kind": "大项目", "title": "城东污水处理厂扩建",
                                        "lead_unit": "区住建局"})
    result = bulk.run(ducha, bulk.REMIND, [bulk.Item(bulk.SUPERVISION, item.id)], note="请签收")
    assert [o.key for o in result.done] == [item.id]
    (notice,) = SupervisionNotice.select().where(SupervisionNotice.item == item.id)
    assert notice.note == "请签收"
    # The 催办 log holds the one entry, naming the notice: no plain reminder beside it.
    assert [r.note for r in Reminder.select()] == [
        f"催办单 {supervision.notice_number(notice)}请签收"]
