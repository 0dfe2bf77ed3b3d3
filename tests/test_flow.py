"""Routing of 收文 through the flow engine: readers, acting head, full life, 传阅, 催办 (SPEC §3)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from govdesk.models import AuditEntry, Flow, Person, Reminder, Section, Task
from govdesk.models import incoming as states
from govdesk.services import flow, inbox, incoming, org, schedule
from govdesk.services.errors import PermissionDenied, ValidationError

Reader = incoming.Reader


def register(actor, **fields):
    base = {"from_unit": "cz", "title": "关于2026年财政预算执行情况的报告", "doc_kind": "报告"}
    base.update(fields)
    return incoming.register(actor, base)


def accepted(actor, **fields):
    """A registered and accepted document, waiting for the 主任's 签批."""
    doc = register(actor, **fields)
    task = incoming.current_task_for(actor, doc)
    incoming.decide_intake(actor, task.id, "受理", "符合受文规定")
    return incoming.IncomingDocument.get_by_id(doc.id)


def waiting(doc) -> list[Task]:
    return flow.holders_now(flow.flow_of(incoming.KIND, doc.id))


def only_task(actor, doc) -> Task:
    task = incoming.current_task_for(actor, doc)
    assert task is not None, f"nothing for {actor.person.login}"
    return task


# ---------------------------------------------------------------------------- suggest_readers


def test_readers_follow_the_portfolio(db, as_user):
    clerk = as_user("lixm")
    from_finance = register(clerk, from_unit="cz")  # 区财政局 → 常务副区长 赵国梁
    assert [(r.person.login, r.action) for r in incoming.suggest_readers(from_finance)] == [
        ("zhaogl", "阅签")]
    from_education = register(clerk, from_unit="jyj", doc_kind="请示", is_request=True)
    assert [(r.person.login, r.action) for r in incoming.suggest_readers(from_education)] == [
        ("zhoudw", "阅办")]  # a 请示 asks for 阅办
    from_police = register(clerk, from_unit="gafj")
    assert [r.person.login for r in incoming.suggest_readers(from_police)] == ["wuzq"]


def test_major_matters_also_go_to_the_head(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="jtj", major=True)
    assert [r.person.login for r in incoming.suggest_readers(doc)] == ["zhengyf", "wangjm"]
    # A unit nobody has in their portfolio (市政府): only the head, for a major matter.
    outside = register(clerk, from_unit="szf", major=False)
    assert incoming.suggest_readers(outside) == []
    assert [r.person.login for r in incoming.suggest_readers(register(
        clerk, from_unit="szf", major=True))] == ["wangjm"]


def test_addressed_leader_comes_first_without_duplicates(db, as_user):
    doc = register(as_user("lixm"), from_unit="cz", addressed_to="领导个人",
                   addressed_leader="zhaogl", special_reason="领导要求直报")
    assert [r.person.login for r in incoming.suggest_readers(doc)] == ["zhaogl"]


# ---------------------------------------------------------------------------- acting head


def test_work_for_the_absent_head_goes_to_the_acting_head(db, as_user):
    clerk = as_user("lixm")
    head = org.by_rank("区长")
    now = clerk.now
    schedule.add_absence(clerk, head, now - timedelta(hours=2), now + timedelta(days=2),
                         destination="北京", reason="汇报")
    assert org.acting_head(now) == (org.by_rank("常务副区长"), head)
    doc = accepted(clerk, from_unit="jtj", major=True)
    director = as_user("linzh")
    incoming.sign(director, only_task(director, doc).id, "请郑副区长阅办，呈王区长阅示。",
                  incoming.suggest_readers(doc))
    tasks = {t.holder.login: t for t in waiting(doc)}
    assert set(tasks) == {"zhengyf", "zhaogl"}
    assert tasks["zhaogl"].acting_for_id == head.id
    assert tasks["zhengyf"].acting_for_id is None
    # The acting head sees it in their inbox, marked as for the 区长.
    acting = as_user("zhaogl")
    item = [i for i in inbox.inbox(acting) if i.record_id == doc.id][0]
    assert item.acting_for == head.name
    assert inbox.inbox(as_user("wangjm")) == []
    # The head's own absence is what decides it: after the absence the head gets it directly.
    later = now + timedelta(days=3)
    assert org.stand_in(head, later) == (head, None)


def test_absence_of_a_vice_head_does_not_reroute(db, as_user):
    clerk = as_user("lixm")
    vice = org.person_by_login("zhengyf")
    schedule.add_absence(clerk, vice, clerk.now - timedelta(hours=1), clerk.now + timedelta(days=1))
    assert org.stand_in(vice, clerk.now) == (vice, None)


# ---------------------------------------------------------------------------- full life


def test_full_life_of_an_incoming_document(db, as_user):
    t0 = datetime(2026, 11, 23, 9, 0)  # Monday
    clerk = as_user("lixm", t0)
    doc = register(clerk, from_unit="cz", urgency="加急", urging_person="chenhl",
                   received_on="2026-11-23")
    assert doc.due == date(2026, 11, 30)
    assert doc.number == "收〔2026〕1号"

    # 初审 → 受理
    incoming.decide_intake(clerk.at(t0 + timedelta(minutes=30)), only_task(clerk, doc).id,
                           "受理", "符合受文规定")
    # 主任 签批 with the readers it names
    director = as_user("linzh", t0 + timedelta(hours=2))
    sign_task = only_task(director, doc)
    assert sign_task.step == "签批"
    signed = incoming.sign(director, sign_task.id, "请赵副区长阅示，调研科阅办。", [
        Reader("阅签", person=org.person_by_login("zhaogl")),
        Reader("阅办", section=org.section("diaoyan")),
    ])
    assert signed.state == states.READING
    holders = waiting(doc)
    assert sorted((t.step, t.holder.login if t.holder else t.holder_section.code)
                  for t in holders) == [("阅办", "diaoyan"), ("阅签", "zhaogl")]
    assert len({t.round for t in holders}) == 1

    # Readers return it; only when the whole round is back does it go to 秘书科.
    vice = as_user("zhaogl", t0 + timedelta(hours=5))
    after_first = incoming.reader_return(vice, only_task(vice, doc).id, "同意")
    assert after_first.state == states.READING
    section_clerk = as_user("qianhy", t0 + timedelta(days=1))
    with pytest.raises(ValidationError):  # 阅办 needs an opinion
        incoming.reader_return(section_clerk, only_task(section_clerk, doc).id, "")
    back = incoming.reader_return(section_clerk, only_task(section_clerk, doc).id,
                                  "已研究，拟按报告意见办理。")
    assert back.state == states.SORTING
    sort_task = only_task(clerk, doc)
    assert sort_task.step == "分送" and sort_task.holder_section.code == "mishu"

    # 分送 on to the next reader, who returns it again.
    clerk2 = clerk.at(t0 + timedelta(days=1, hours=2))
    sent = incoming.send_on(clerk2, sort_task.id, "按赵副区长批示送孙副区长阅",
                            [Reader("阅签", person=org.person_by_login("sunlh"))])
    assert sent.state == states.READING
    sun = as_user("sunlh", t0 + timedelta(days=2))
    assert incoming.reader_return(sun, only_task(sun, doc).id, "").state == states.SORTING

    # 办结, then 归档 with 保管期限 and 档号.
    clerk3 = clerk.at(t0 + timedelta(days=2, hours=3))
    closed = incoming.close(clerk3, only_task(clerk3, doc).id, "已按批示办理完毕")
    assert closed.state == states.CLOSED
    assert closed.closed_at == t0 + timedelta(days=2, hours=3)
    archive_task = only_task(clerk3, doc)
    assert archive_task.step == "归档"
    with pytest.raises(ValidationError):
        incoming.archive(clerk3, archive_task.id, "五年")
    archived = incoming.archive(clerk3, archive_task.id, "永久")
    assert archived.state == states.ARCHIVED
    assert archived.retention == "永久"
    assert archived.archive_no == "J001-WS·2026-Y-0001"
    f = flow.flow_of(incoming.KIND, doc.id)
    assert Flow.get_by_id(f.id).state == "archived"
    assert flow.holders_now(f) == []

    # Every hop kept: who, when, opinion.
    hops = [(t.step, t.acted_by.login, t.acted_at, t.opinion) for t in flow.timeline(f)]
    assert hops == [
        ("登记", "lixm", t0, "登记为 收〔2026〕1号"),
        ("初审", "lixm", t0 + timedelta(minutes=30), "受理：符合受文规定"),
        ("签批", "linzh", t0 + timedelta(hours=2), "请赵副区长阅示，调研科阅办。"),
        ("阅签", "zhaogl", t0 + timedelta(hours=5), "同意"),
        ("阅办", "qianhy", t0 + timedelta(days=1), "已研究，拟按报告意见办理。"),
        ("分送", "lixm", t0 + timedelta(days=1, hours=2), "按赵副区长批示送孙副区长阅"),
        ("阅签", "sunlh", t0 + timedelta(days=2), "已阅"),
        ("分送", "lixm", t0 + timedelta(days=2, hours=3), "已按批示办理完毕"),
        ("归档", "lixm", t0 + timedelta(days=2, hours=3), "归档 J001-WS·2026-Y-0001"),
    ]
    assert all(t.state == "done" for t in flow.timeline(f))
    # The second archived document of the year and period gets the next 件号.
    assert next_archive_no(as_user("lixm")) == "J001-WS·2026-Y-0002"


def next_archive_no(clerk) -> str:
    doc = accepted(clerk)
    director = as_user_at("linzh", clerk.now)
    incoming.sign(director, only_task(director, doc).id, "阅",
                  [Reader("阅签", person=org.person_by_login("zhaogl"))])
    vice = as_user_at("zhaogl", clerk.now)
    incoming.reader_return(vice, only_task(vice, doc).id, "")
    incoming.close(clerk, only_task(clerk, doc).id, "")
    return incoming.archive(clerk, only_task(clerk, doc).id, "永久").archive_no


def as_user_at(login, now):
    from govdesk.services.context import Actor
    return Actor(org.person_by_login(login), now)


# ---------------------------------------------------------------------------- permission


def test_only_the_holder_may_act(db, as_user):
    clerk = as_user("lixm")
    doc = accepted(clerk)
    task = waiting(doc)[0]
    assert task.step == "签批"
    readers = [Reader("阅签", person=org.person_by_login("zhaogl"))]
    for login in ("huangxm", "lixm", "zhaogl", "yuant"):
        with pytest.raises(PermissionDenied):
            incoming.sign(as_user(login), task.id, "越权签批", readers)
    with pytest.raises(PermissionDenied):
        flow.complete(as_user("yuant"), task, "越权")
    assert Task.get_by_id(task.id).state == "waiting"
    assert IncomingDocument_state(doc) == states.SIGNING
    incoming.sign(as_user("linzh"), task.id, "请阅", readers)
    # Done is done: the holder cannot act on it a second time either.
    with pytest.raises(PermissionDenied):
        incoming.sign(as_user("linzh"), task.id, "再签", readers)


def IncomingDocument_state(doc) -> str:
    return incoming.IncomingDocument.get_by_id(doc.id).state


def test_reader_without_clearance_is_refused(db, as_user):
    clerk = as_user("lixm")
    doc = accepted(clerk, secrecy="机密")
    with pytest.raises(ValidationError) as err:
        incoming.sign(as_user("linzh"), waiting(doc)[0].id, "请阅",
                      [Reader("阅签", person=org.person_by_login("yuant"))])
    assert err.value.field == "阅件人"
    assert waiting(doc)[0].step == "签批"


# ---------------------------------------------------------------------------- 传阅


def many_readers(n: int) -> list[Person]:
    section = Section.get(Section.code == "diaoyan")
    people = list(Person.select().where(Person.active).order_by(Person.id))
    extra = n - len(people)
    Person.insert_many([
        {"login": f"reader{i:03d}", "name": f"阅件人{i:03d}", "section": section.id,
         "post": "科员", "clearance": 1}
        for i in range(extra)
    ]).execute()
    people = list(Person.select().where(Person.active).order_by(Person.id))
    assert len(people) == n
    return people


def test_circulate_to_200_readers_in_one_call(db, as_user):
    clerk = as_user("lixm")
    doc = accepted(clerk)
    director = as_user("linzh")
    incoming.sign(director, waiting(doc)[0].id, "请传阅",
                  [Reader("阅签", person=org.person_by_login("zhaogl"))])
    people = many_readers(200)
    audit_before = AuditEntry.select().count()
    started = time.perf_counter()
    n = incoming.circulate(clerk, doc.id, people, "请传阅后退回")
    elapsed = time.perf_counter() - started
    assert n == 200
    assert elapsed < 2.0, f"传阅 to 200 took {elapsed:.2f}s"
    f = flow.flow_of(incoming.KIND, doc.id)
    rounds = {t.round for t in flow.holders_now(f) if t.step == "传阅"}
    assert len(rounds) == 1
    assert Task.select().where((Task.flow == f) & (Task.step == "传阅")).count() == 200
    assert AuditEntry.select().count() > audit_before  # the hand-out is audited

    status = incoming.reading_status(doc)
    assert (status.total, status.read, status.done, len(status.waiting)) == (201, 0, 0, 201)

    # Five open it, three of them also return it; one reader is reminded.
    tasks = [t for t in flow.holders_now(f) if t.step == "传阅"]
    later = clerk.now + timedelta(hours=1)
    for task in tasks[:5]:
        flow.mark_read(as_user_at(task.holder.login, later), task)
    for task in tasks[:3]:
        incoming.reader_return(as_user_at(task.holder.login, later), task.id, "")
    # Marking read by someone who does not hold it changes nothing.
    flow.mark_read(clerk, tasks[10])
    status = incoming.reading_status(doc)
    assert (status.total, status.read, status.done, len(status.waiting)) == (201, 5, 3, 198)
    read_at = {t.id: t.read_at for t in Task.select().where(Task.id.in_([t.id for t in tasks[:6]]))}
    assert [read_at[t.id] for t in tasks[:6]] == [later] * 5 + [None]


def test_circulate_on_a_closed_document_is_refused(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="xikoucun", is_request=True, doc_kind="请示")
    incoming.decide_intake(clerk, only_task(clerk, doc).id, "退文", "越级请示")
    with pytest.raises(ValidationError):
        incoming.circulate(clerk, doc.id, [org.person_by_login("qianhy")])


# ---------------------------------------------------------------------------- 催办


def test_remind_counts_and_logs(db, as_user):
    clerk = as_user("lixm")
    doc = accepted(clerk)
    task = waiting(doc)[0]
    assert task.reminders == 0
    first = clerk.at(datetime(2026, 11, 27, 9, 0))
    second = clerk.at(datetime(2026, 11, 30, 9, 0))
    incoming.remind(first, task.id, "请尽快签批")
    incoming.remind(second, task.id, "再次催办")
    task = Task.get_by_id(task.id)
    assert task.reminders == 2
    assert task.last_reminded == datetime(2026, 11, 30, 9, 0)
    log = list(Reminder.select().where(Reminder.task == task).order_by(Reminder.id))
    assert [(r.by.login, r.at, r.note) for r in log] == [
        ("lixm", datetime(2026, 11, 27, 9, 0), "请尽快签批"),
        ("lixm", datetime(2026, 11, 30, 9, 0), "再次催办"),
    ]
    assert AuditEntry.select().where(
        (AuditEntry.action == "task.remind") & (AuditEntry.record_id == task.id)).count() == 2
    item = [i for i in inbox.inbox(as_user("linzh")) if i.task_id == task.id][0]
    assert item.reminders == 2
    # A finished step needs no reminder.
    incoming.sign(as_user("linzh"), task.id, "阅",
                  [Reader("阅签", person=org.person_by_login("zhaogl"))])
    with pytest.raises(ValidationError):
        incoming.remind(clerk, task.id, "")
    assert Reminder.select().count() == 2
