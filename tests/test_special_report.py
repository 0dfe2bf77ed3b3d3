"""人大常委会 special work reports (SPEC §11; Part 2 §5(二)) on the workflow engine: the 人大's
letter, the reporting department and its due date, 督查室's 初审, the 主管领导's 阅批, 印送, the
committee's opinions followed up by their deadline and 督查室's 把关; the one search."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from govdesk.models import SpecialReport, Task
from govdesk.models import suggestion as states
from govdesk.services import org, search, special_report
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError

NOW = datetime(2026, 11, 26, 9, 30)
CLERK, LEADER = "guojw", "zhoudw"  # 督查室; 分管 区教育局


def actor(login: str = CLERK) -> Actor:
    return Actor(org.person_by_login(login), NOW)


def only(row, step: str) -> Task:
    f = engine.flow_of(special_report.KIND, row.id)
    (task,) = Task.select().where((Task.flow == f) & (Task.state == "waiting")
                                  & (Task.step == step))
    return task


def letter(**extra) -> SpecialReport:
    return special_report.register(actor(), {
        "letter_number": "黄人大常函〔2026〕5号", "title": "关于全区义务教育均衡发展情况的报告",
        "letter": "拟于12月常委会会议听取和审议", "meeting_on": "2026-12-20", **extra})


def test_from_the_letter_to_the_committee_and_back(db):
    with pytest.raises(PermissionDenied):
        special_report.register(actor("zhangyt"), {"letter_number": "x", "title": "y"})
    row = letter()
    assert row.state == states.R_NOTIFY
    with pytest.raises(ValidationError) as exc:
        special_report.notify(actor(), only(row, "通知").id, department="jyj",
                              report_due="2026-11-01")
    assert exc.value.name == "report_due"
    row = special_report.notify(actor(), only(row, "通知").id, department="区教育局",
                                report_due="2026-12-10")
    task = only(row, "报送")
    assert (row.state, task.note, task.due) == (states.R_WRITING, "区教育局", date(2026, 12, 10))
    row = special_report.submit_report(actor(), task.id, "一、基本情况……")
    assert only(row, "初审").due == date(2026, 12, 10)
    row = special_report.review(actor(), only(row, "初审").id, passed=False, opinion="数据需更新")
    assert row.state == states.R_WRITING
    row = special_report.submit_report(actor(), only(row, "报送").id, "一、基本情况（修改稿）")
    row = special_report.review(actor(), only(row, "初审").id, passed=True)
    task = only(row, "阅批")
    assert task.holder.login == LEADER
    row = special_report.approve(actor(LEADER), task.id)
    row = special_report.send_report(actor(), only(row, "印送").id)
    assert row.state == states.R_SENT and row.sent_on == NOW.date()
    with pytest.raises(ValidationError) as exc:
        special_report.opinions(actor(), only(row, "审议意见").id, "加快薄弱学校改造")
    assert exc.value.name == "opinions_due"
    row = special_report.opinions(actor(), only(row, "审议意见").id, "加快薄弱学校改造",
                                  "2027-01-31")
    task = only(row, "研究处理")
    assert (row.state, task.due, task.note) == (states.R_FOLLOWING, date(2027, 1, 31), "区教育局")
    assert engine.flow_of(special_report.KIND, row.id).due == date(2027, 1, 31)
    row = special_report.report_back(actor(), task.id, "已制定三年改造计划")
    row = special_report.review(actor(), only(row, "把关").id, passed=True)
    assert row.state == states.R_CLOSED and row.closed_on == NOW.date()
    assert engine.flow_of(special_report.KIND, row.id).state == "closed"
    assert [h.step for h in engine.timeline(special_report.KIND, row.id)] == [
        "登记", "通知", "报送", "初审", "报送", "初审", "阅批", "印送", "审议意见", "研究处理",
        "把关"]


def test_no_opinions_ends_it_after_the_report_is_sent(db):
    row = letter()
    row = special_report.notify(actor(), only(row, "通知").id, department="jyj",
                                report_due="2026-12-10")
    row = special_report.submit_report(actor(), only(row, "报送").id, "报告")
    row = special_report.review(actor(), only(row, "初审").id, passed=True)
    row = special_report.approve(actor(LEADER), only(row, "阅批").id)
    row = special_report.send_report(actor(), only(row, "印送").id)
    row = special_report.opinions(actor(), only(row, "审议意见").id, "")
    assert row.state == states.R_CLOSED


def test_bad_input_names_the_field(db):
    for change, label in [({"letter_number": ""}, "来函编号"), ({"title": ""}, "报告事项"),
                          ({"meeting_on": "12月20日"}, "会议日期")]:
        with pytest.raises(ValidationError) as exc:
            letter(**change)
        assert exc.value.field == label
    row = letter()
    with pytest.raises(ValidationError) as exc:
        special_report.notify(actor(), only(row, "通知").id, department="", report_due="")
    assert exc.value.field == "报告部门"
    assert SpecialReport.get_by_id(row.id).state == states.R_NOTIFY


def test_the_spec_covers_every_step(db):
    spec = engine.workflow(special_report.KIND).spec
    assert {(s, a) for s, a, _ in spec.transitions()} == {
        ("通知", "notify"), ("报送", "submit_report"), ("初审", "review_pass"),
        ("初审", "send_back"), ("阅批", "approve"), ("阅批", "send_back"),
        ("印送", "send_report"), ("审议意见", "opinions"), ("审议意见", "no_opinions"),
        ("研究处理", "report_back"), ("把关", "forward"), ("把关", "send_back")}


def test_the_one_search_finds_it(db):
    row = letter()
    (group,) = [g for g in search.search(actor(), "均衡发展") if g.kind == special_report.KIND]
    assert [h.id for h in group.hits] == [row.id]
