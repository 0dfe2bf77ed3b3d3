"""The section screens' queries (services.section_work) on the demo database."""

from __future__ import annotations

from datetime import datetime

from govdesk.models import Flow, Task
from govdesk.models.flow import WAITING
from govdesk.services import flow, section_work
from govdesk.services.policy import REDACTED


def test_line_desks_pair_each_secretary_with_the_leader_followed(demo_db, as_user):
    desks = section_work.line_desks(as_user("lixm"))
    pairs = {d.secretary.name: d.leader.name for d in desks}
    assert pairs == {"叶俊": "王建明", "潘立军": "赵国梁", "曹梦瑶": "孙丽华", "罗琪": "周德伟",
                     "谢浩": "吴志强", "唐晓燕": "郑跃峰"}
    head = desks[0]
    assert head.week.away_now is not None and head.week.acting.name == "赵国梁"
    for d in desks:
        assert all(Task.get_by_id(i.task_id).holder_id == d.leader.id for i in d.waiting)
        assert all(e.start.date() == head.today for e in d.today_entries)


def test_reminder_log_names_both_sides_and_redacts_titles(demo_db, as_user):
    secret = (Task.select().join(Flow)
              .where((Task.state == WAITING) & (Flow.secrecy > 0)).first())
    flow.remind(as_user("guojw", datetime(2026, 11, 26, 10, 0)), secret, "请抓紧")
    mine = section_work.reminder_log(as_user("guojw"))[0]
    assert (mine.by, mine.note, mine.done) == ("郭建伟", "请抓紧", False)
    assert mine.title == secret.flow.title
    plain = section_work.reminder_log(as_user("zhangyt"))[0]  # clearance 无
    assert REDACTED in plain.title


def test_absences_say_where_and_who_acts(demo_db, as_user):
    rows = {r.person: r for r in section_work.absences(as_user("dengm"))}
    assert rows["王建明"].acting == "赵国梁" and rows["王建明"].status == "now"
    assert rows["孙丽华"].destination == "杭州"


def test_unit_directory_matches_pinyin_initials_and_either_script(demo_db):
    assert [u.short for u in section_work.unit_directory("fgj")] == ["区发改局"]
    fgj = section_work.unit_directory("fagai")[0]
    assert (fgj.leader, fgj.secretary) == ("赵国梁", "潘立军")
    assert "东城街道" in [u.short for u in section_work.unit_directory("東城")]
    towns = section_work.unit_directory("", "街道")
    assert len(towns) == 8 and {u.kind for u in towns} == {"街道"}


def test_portfolios_and_oversight(demo_db):
    rows = {r.leader.name: r for r in section_work.portfolios()}
    assert len(rows["赵国梁"].units) == 24 and rows["赵国梁"].secretaries == ["潘立军"]
    assert [p.name for p in section_work.overseers(("ducha",))] == ["何建峰"]
    assert [p.name for p in section_work.overseers(("ban1", "ban2"))] == ["徐卫文"]


def test_counts_and_loads_equal_the_lists_they_count(demo_db, as_user):
    """督查室's and Home's counts come from aggregate queries; on the small demo, where a page
    holds everything, they equal the lists counted here."""
    from govdesk.services import inbox

    for login in ("guojw", "lixm", "zhangyt"):
        actor = as_user(login)
        items = inbox.deadlines(actor)
        counts = inbox.deadline_counts(actor)
        assert [counts.overdue, counts.today, counts.soon] == [
            sum(i.label == label for i in items)
            for label in (inbox.OVERDUE, inbox.TODAY, inbox.SOON)]
        assert counts.total == len(items)
        # one row per document; 督查室's load per holder counts the tasks behind them
        tasks = inbox.deadline_tasks(actor)
        assert len({i.flow_id for i in tasks}) == len(items) == len({i.flow_id for i in items})
        assert section_work.holder_loads(actor) == section_work.load_by_holder(
            [i for i in tasks if i.label])
        assert inbox.inbox_count(actor) == len(inbox.inbox(actor))
    assert inbox.deadline_counts(as_user("guojw")).overdue > 0
    everything = section_work.section_items(as_user("lixm"), ("ducha",))
    overdue = section_work.section_items(as_user("lixm"), ("ducha",), "overdue")
    assert overdue == [i for i in everything if i.label == inbox.OVERDUE]
    for codes in (("ducha",), ("ban1", "ban2"), ("mishu",)):
        for f in ("all", "mine", "overdue"):
            assert section_work.section_count(as_user("lixm"), codes, f) == len(
                section_work.section_items(as_user("lixm"), codes, f))
