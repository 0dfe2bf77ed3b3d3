"""督查事项 by status per month (issue 12 item 6; views.monthly_status): how the items stood at
each month end, read back from their registration, the lead unit's reports (status, the unit's
date), the 签收/反馈 owed past their deadline then and the 督查室's 办结; and the reports given
each month. A real SQLite database; the clock moves as the months pass."""

from __future__ import annotations

from datetime import date, datetime

from govdesk.models import Task
from govdesk.services import org, supervision
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.supervision import views

CLERK = "shenyj"


def actor(when: datetime) -> Actor:
    return Actor(org.person_by_login(CLERK), when)


def task(row, step: str) -> Task:
    f = engine.flow_of(supervision.KIND, row.id)
    return Task.get((Task.flow == f) & (Task.state == "waiting") & (Task.step == step))


def sign_all(row, when: datetime):
    while True:
        f = engine.flow_of(supervision.KIND, row.id)
        signs = list(Task.select().where((Task.flow == f) & (Task.state == "waiting")
                                         & (Task.step == "签收")))
        if not signs:
            return row
        row = supervision.sign(actor(when), signs[0].id)


def counts(months: list[views.MonthStatus]) -> dict[int, tuple[int, int, int, int, int]]:
    return {m.month: (m.not_started, m.under_way, m.lagging, m.done, m.reports)
            for m in months}


def test_items_by_status_at_each_month_end(db):
    # A: a key work registered and signed 2026-11-26: its first report due 2027-01-26.
    a = sign_all(supervision.register(actor(datetime(2026, 11, 26, 9)), {
        "kind": "重点工作", "title": "推进城东片区旧城改造", "lead_unit": "区发改局",
        "co_units": "区住建局", "meeting_on": "2026-02-12"}), datetime(2026, 11, 26, 9))
    # The lead unit reports on 01-20 (推进中; next due 03-26); the co-unit on 02-05 saying
    # 滞后 (a co-unit's word does not set the item's status); the lead unit again only on
    # 03-30, late, saying 滞后 (next due 05-26).
    supervision.report(actor(datetime(2027, 1, 20, 9)), task(a, "反馈").id,
                       {"text": "完成选址", "progress": 20, "unit_date": "2027-01-20"})
    supervision.report(actor(datetime(2027, 2, 5, 9)), task(a, "反馈").id,
                       {"unit": "区住建局", "text": "配合", "progress": 20,
                        "status": "滞后", "unit_date": "2027-02-05"})
    supervision.report(actor(datetime(2027, 3, 30, 9)), task(a, "反馈").id,
                       {"text": "征迁受阻", "progress": 30, "status": "滞后",
                        "unit_date": "2027-03-30"})
    # B: a big project registered 2027-02-10 and never signed.
    supervision.register(actor(datetime(2027, 2, 10, 9)), {
        "kind": "大项目", "title": "城南污水处理厂", "lead_unit": "区住建局"})
    # C: a meeting decision registered and signed 2027-01-05, reported on 02-01 (推进中),
    # its final report 03-10 and the 办结 confirmed 03-12.
    c = sign_all(supervision.register(actor(datetime(2027, 1, 5, 9)), {
        "kind": "会议安排事项", "title": "落实财政专项资金", "lead_unit": "区财政局"}),
        datetime(2027, 1, 5, 9))
    supervision.report(actor(datetime(2027, 2, 1, 9)), task(c, "反馈").id,
                       {"text": "已拨付一半", "progress": 50, "unit_date": "2027-02-01"})
    supervision.final_report(actor(datetime(2027, 3, 10, 9)), task(c, "反馈").id,
                             {"text": "已落实", "unit_date": "2027-03-10"})
    supervision.confirm(actor(datetime(2027, 3, 12, 9)), task(c, "确认办结").id)

    months = views.monthly_status(actor(datetime(2027, 4, 10, 9)), 2027)
    assert [m.on for m in months] == [date(2027, 1, 31), date(2027, 2, 28),
                                      date(2027, 3, 31), date(2027, 4, 10)]  # to today
    assert counts(months) == {
        # 01-31: A 推进中 (reported 01-20); C 未启动 (signed, nothing reported yet).
        1: (1, 1, 0, 0, 1),
        # 02-28: A 推进中 still (the co-unit's 滞后 does not count); B 未启动; C 推进中.
        2: (1, 2, 0, 0, 2),
        # 03-31: A 滞后 (its lead unit said so on 03-30); B 未启动; C 已完成 (03-12).
        3: (1, 0, 1, 1, 2),
        # 04-10: the same.
        4: (1, 0, 1, 1, 0),
    }
    assert [m.total for m in months] == [2, 3, 3, 3]


def test_an_overdue_report_shows_lagging_at_the_month_end_it_was_owed(db):
    # Registered and signed 2026-11-26: the report due 2027-01-26 is given only 2027-03-02.
    a = sign_all(supervision.register(actor(datetime(2026, 11, 26, 9)), {
        "kind": "重点工作", "title": "推进城东片区旧城改造", "lead_unit": "区发改局",
        "meeting_on": "2026-02-12"}), datetime(2026, 11, 26, 9))
    supervision.report(actor(datetime(2027, 3, 2, 9)), task(a, "反馈").id,
                       {"text": "补报", "progress": 10, "unit_date": "2027-03-01"})
    before = counts(views.monthly_status(actor(datetime(2026, 12, 15, 9)), 2026))
    assert list(before) == list(range(1, 13))
    assert {before[m] for m in range(1, 11)} == {(0, 0, 0, 0, 0)}  # Jan–Oct: nothing yet
    assert (before[11], before[12]) == ((1, 0, 0, 0, 0), (1, 0, 0, 0, 0))
    after = counts(views.monthly_status(actor(datetime(2027, 3, 20, 18)), 2027))
    # 01-31 and 02-28: the report owed since 01-26 not given → 滞后; on 03-20: 推进中 (the
    # next report is due 03-26, the schedule's, not two months after the late one).
    assert after == {1: (0, 0, 1, 0, 0), 2: (0, 0, 1, 0, 0), 3: (0, 1, 0, 0, 1)}
    # Seen on 04-02, the month of March ended with that report owed: 滞后 again.
    again = counts(views.monthly_status(actor(datetime(2027, 4, 2, 9)), 2027))
    assert (again[3], again[4]) == ((0, 0, 1, 0, 1), (0, 0, 1, 0, 0))


def test_an_item_done_before_the_year_is_left_out_and_no_future_year(db):
    c = sign_all(supervision.register(actor(datetime(2026, 11, 2, 9)), {
        "kind": "会议安排事项", "title": "落实财政专项资金", "lead_unit": "区财政局"}),
        datetime(2026, 11, 2, 9))
    supervision.final_report(actor(datetime(2026, 11, 20, 9)), task(c, "反馈").id,
                             {"text": "已落实", "unit_date": "2026-11-20"})
    supervision.confirm(actor(datetime(2026, 11, 26, 9)), task(c, "确认办结").id)
    year = counts(views.monthly_status(actor(datetime(2026, 12, 1, 9)), 2026))
    assert (year[10], year[11], year[12]) == ((0, 0, 0, 0, 0), (0, 0, 0, 1, 1),
                                              (0, 0, 0, 1, 0))
    assert counts(views.monthly_status(actor(datetime(2027, 1, 10, 9)), 2027)) == {
        1: (0, 0, 0, 0, 0)}
    assert views.monthly_status(actor(datetime(2027, 1, 10, 9)), 2028) == []
