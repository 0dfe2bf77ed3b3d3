"""Home's inbox and deadlines: order, labels, and who sees whose deadlines (SPEC §2)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from govdesk.services import flow, inbox, incoming, org
from govdesk.services.context import Actor

NOW = datetime(2026, 11, 26, 9, 30)  # Thursday


def register(login: str, when: datetime, **fields):
    base = {"from_unit": "cz", "title": "标题", "doc_kind": "报告",
            "received_on": when.date().isoformat()}
    base.update(fields)
    return incoming.register(Actor(org.person_by_login(login), when), base)


def give(doc, *, person: str | None = None, section: str | None = None, due: date | None,
         step: str = "阅办"):
    """Hand a document to someone with an explicit due date through the flow engine."""
    actor = Actor(org.person_by_login("lixm"), NOW)
    hand = flow.Hand(person=org.person_by_login(person) if person else None,
                     section=org.section(section) if section else None)
    f = flow.flow_of(incoming.KIND, doc.id)
    return flow.hand_out(actor, f, step, [hand], due=due)[0]


@pytest.fixture
def desk(db):
    """Four 初审 tasks for 秘书科 with different dues and urgencies, registered on different days."""
    docs = {
        # registered Fri 20 Nov: 初审 due Mon 23 Nov → overdue by 3 working days
        "old": register("lixm", datetime(2026, 11, 20, 10), title="上周的报告"),
        # registered Wed 25 Nov: 初审 due Thu 26 Nov → due today
        "plain": register("lixm", datetime(2026, 11, 25, 10), title="昨天的普通件"),
        "urgent": register("lixm", datetime(2026, 11, 25, 11), title="昨天的特急件",
                           urgency="特急"),
        "jiaji": register("lixm", datetime(2026, 11, 25, 12), title="昨天的加急件",
                          urgency="加急"),
        # registered today: due Fri 27 Nov → due soon
        "new": register("lixm", NOW, title="今天的报告"),
    }
    return docs


def test_inbox_order_earliest_due_then_urgency(desk):
    items = inbox.inbox(Actor(org.person_by_login("zhoux"), NOW))  # another 秘书科 clerk
    assert [i.title for i in items] == [
        "上周的报告", "昨天的特急件", "昨天的加急件", "昨天的普通件", "今天的报告"]
    assert [i.due for i in items] == [
        date(2026, 11, 23), date(2026, 11, 26), date(2026, 11, 26), date(2026, 11, 26),
        date(2026, 11, 27)]
    assert all(i.step == "初审" and i.holder == "秘书科" for i in items)
    assert inbox.inbox_count(Actor(org.person_by_login("zhoux"), NOW)) == 5


def test_labels_with_a_pinned_clock(desk):
    clerk = Actor(org.person_by_login("lixm"), NOW)
    labels = {i.title: (i.label, i.days_left) for i in inbox.inbox(clerk)}
    assert labels == {
        "上周的报告": ("已超期", -3),
        "昨天的特急件": ("今日到期", 0),
        "昨天的加急件": ("今日到期", 0),
        "昨天的普通件": ("今日到期", 0),
        "今天的报告": ("即将到期", 1),
    }
    # The same tasks a working day later: over the weekend nothing changes until Monday.
    friday = {i.title: i.label for i in inbox.inbox(clerk.at(datetime(2026, 11, 27, 9)))}
    assert friday["昨天的普通件"] == "已超期"
    assert friday["今天的报告"] == "今日到期"
    monday = {i.title: i.days_left for i in inbox.inbox(clerk.at(datetime(2026, 11, 30, 9)))}
    assert monday["今天的报告"] == -1  # Fri → Mon is one working day late
    assert monday["上周的报告"] == -5


def test_soon_means_within_three_working_days(desk):
    doc = desk["new"]
    on_horizon = give(doc, person="qianhy", due=date(2026, 12, 1))  # Tue: 3 working days
    beyond = give(doc, person="qianhy", due=date(2026, 12, 2))  # Wed: 4 working days
    no_due = give(doc, person="qianhy", due=None)
    me = Actor(org.person_by_login("qianhy"), NOW)
    items = {i.task_id: i for i in inbox.inbox(me)}
    assert (items[on_horizon].label, items[on_horizon].days_left) == ("即将到期", 3)
    assert (items[beyond].label, items[beyond].days_left) == ("", 4)
    assert (items[no_due].label, items[no_due].days_left) == ("", None)
    assert [i.task_id for i in inbox.inbox(me)] == [on_horizon, beyond, no_due]  # no due last
    assert [i.task_id for i in inbox.deadlines(me)] == [on_horizon]


def test_who_sees_whose_deadlines(desk):
    doc = desk["new"]
    research_section = give(doc, section="diaoyan", due=date(2026, 11, 26))
    jiang_personal = give(doc, person="jiangy", due=date(2026, 11, 25))
    mishu_tasks = {t.id for t in flow.waiting_tasks(flow.flow_of(incoming.KIND, doc.id))
                   if t.step == "初审"} | {
        t.id for d in desk.values() if d is not doc
        for t in flow.waiting_tasks(flow.flow_of(incoming.KIND, d.id))}
    everything = mishu_tasks | {research_section, jiang_personal}
    assert len(everything) == 7

    def seen(login: str) -> set[int]:
        """The tasks behind the deadline rows one sees (a row per document)."""
        actor = Actor(org.person_by_login(login), NOW)
        return {i.task_id for i in inbox.deadline_tasks(actor)}

    assert seen("linzh") == everything  # 主任
    assert seen("guojw") == everything  # 督查室
    assert seen("shenyj") == everything  # 督查室, a plain 科员
    assert seen("fengj") == {research_section}  # clerk: own section's, not a colleague's own
    assert seen("jiangy") == {research_section, jiang_personal}
    assert seen("zhoux") == mishu_tasks
    assert seen("huangxm") == set()  # a 副主任 is not the 主任
    # Every deadline item carries its label as text.
    labels = {i.label for i in inbox.deadline_tasks(Actor(org.person_by_login("linzh"), NOW))}
    assert labels == {"已超期", "今日到期", "即将到期"}

    # One row per document: 今天的报告 at its most urgent task (蒋's, overdue), held by three.
    rows = inbox.deadlines(Actor(org.person_by_login("linzh"), NOW))
    assert len(rows) == len({i.flow_id for i in rows}) == len(desk)
    new = next(i for i in rows if i.title == "今天的报告")
    assert (new.task_id, new.label, new.holder_count) == (jiang_personal, "已超期", 3)
    assert new.holders[0] == org.person_by_login("jiangy").name
    assert set(new.holders[1:]) == {"秘书科", org.section("diaoyan").name}
    counts = inbox.deadline_counts(Actor(org.person_by_login("linzh"), NOW))
    assert (counts.overdue, counts.today, counts.soon) == (2, 3, 0)
    # A clerk sees the document at the one task of it that is theirs to see.
    mine = inbox.deadlines(Actor(org.person_by_login("fengj"), NOW))
    assert [(i.task_id, i.holder_count) for i in mine] == [(research_section, 1)]


def test_a_circulated_document_is_one_deadline_row(desk):
    """传阅 to several readers: one row naming how many have not returned it and who."""
    from govdesk.services.today import holders_line

    doc = desk["new"]
    readers = ["huangxm", "hanl", "jiangy", "fengj", "qianhy"]
    actor = Actor(org.person_by_login("lixm"), NOW)
    hands = [flow.Hand(person=org.person_by_login(r)) for r in readers]
    f = flow.flow_of(incoming.KIND, doc.id)
    for task in flow.waiting_tasks(f):
        flow.complete(actor, task, "")
    flow.hand_out(actor, f, "传阅", hands, due=date(2026, 11, 30))
    director = Actor(org.person_by_login("linzh"), NOW)
    rows = [i for i in inbox.deadlines(director) if i.flow_id == f.id]
    assert len(rows) == 1
    row = rows[0]
    names = [org.person_by_login(r).name for r in readers]
    assert (row.holder_count, row.circulating, row.label) == (5, True, "即将到期")
    assert list(row.holders) == names[:inbox.HOLDER_NAMES]
    assert holders_line(row) == f"5 人未退：{'、'.join(names[:3])}、…"
    # the document is counted once, under 即将到期; each reader's own inbox has their task
    counts = inbox.deadline_counts(director)
    assert counts.soon == 1 and counts.total == len(desk)
    assert [i.title for i in inbox.inbox(Actor(org.person_by_login("hanl"), NOW))] == [
        "今天的报告"]


def test_done_tasks_leave_the_inbox(desk):
    clerk = Actor(org.person_by_login("lixm"), NOW)
    task = incoming.current_task_for(clerk, desk["old"])
    incoming.decide_intake(clerk, task.id, "受理", "")
    titles = [i.title for i in inbox.inbox(clerk)]
    assert "上周的报告" not in titles
    director = [i for i in inbox.inbox(Actor(org.person_by_login("linzh"), NOW))]
    assert [(i.title, i.step) for i in director] == [("上周的报告", "签批")]


def test_today_summary_names_the_acting_head(db):
    from datetime import timedelta

    from govdesk.services import schedule, today

    clerk = Actor(org.person_by_login("lixm"), NOW)
    head = org.by_rank("区长")
    schedule.add_absence(clerk, head, NOW - timedelta(hours=1), NOW + timedelta(days=2),
                         destination="北京")
    text = today.summary(Actor(org.person_by_login("linzh"), NOW))
    assert "区长 王建明" in text and "北京" in text and "赵国梁代行" in text
    assert "领导外出：无" not in text
    later = today.summary(Actor(org.person_by_login("linzh"), NOW + timedelta(days=7)))
    assert "领导外出：无" in later
