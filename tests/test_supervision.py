"""督查事项 (SPEC §10; Part 2 §4) on the workflow engine: the 签收/反馈 cycle registered for the
units by 督查室, each kind's report cadence (data/rules.toml [supervision]) across a weekend and
the National Day holiday, status 滞后 when a report is late, the numbered 催办单, a further 批示
notifying the 督查室, 延期 and 办结 on the lead unit's final report and the 督查室's confirmation."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from govdesk.models import AuditEntry, SupervisionItem, SupervisionNotice, Task
from govdesk.services import org, supervision
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.supervision import views

NOW = datetime(2026, 11, 26, 9, 30)  # Thursday
CLERK = "shenyj"  # 督查室 科员


def actor(login: str = CLERK, when: datetime = NOW) -> Actor:
    return Actor(org.person_by_login(login), when)


def new_item(login: str = CLERK, when: datetime = NOW, **extra) -> SupervisionItem:
    fields = {"kind": "重点工作", "title": "推进城东片区旧城改造", "lead_unit": "区发改局",
              "co_units": "区住建局、区教育局", "target": "年底前完成征迁 80%",
              "responsible": "江文彬", "liaison": "小陈", "meeting_on": "2026-02-12", **extra}
    return supervision.register(actor(login, when), fields)


def waiting(row: SupervisionItem) -> list[Task]:
    f = engine.flow_of(supervision.KIND, row.id)
    return list(Task.select().where((Task.flow == f) & (Task.state == "waiting"))
                .order_by(Task.id))


def task_at(row: SupervisionItem, step: str) -> Task:
    (task,) = [t for t in waiting(row) if t.step == step]
    return task


def sign_all(row: SupervisionItem, when: datetime = NOW) -> SupervisionItem:
    while any(t.step == "签收" for t in waiting(row)):
        row = supervision.sign(actor(when=when), task_at(row, "签收").id)
    return row


# ---------------------------------------------------------------------------- cadences


@pytest.mark.parametrize("kind, urgency, start, due", [
    # Part 2 §4(一)3 / §4(三)2: every 2 months; 10-01 is National Day → the first working day.
    ("重点工作", "普通", date(2026, 8, 1), date(2026, 10, 8)),
    ("大项目", "普通", date(2026, 8, 1), date(2026, 10, 8)),
    ("重点工作", "普通", date(2026, 11, 26), date(2027, 1, 26)),
    # Part 2 §4(二): quarterly.
    ("会议安排事项", "普通", date(2026, 7, 1), date(2026, 10, 8)),
    ("会议安排事项", "普通", date(2026, 9, 4), date(2026, 12, 4)),
    # a month, on a Saturday → Monday
    ("上级决策部署", "普通", date(2026, 10, 31), date(2026, 11, 30)),
    # 批示 by urgency in working days (3 / 5 / 10) across National Day and its 调休 Saturday.
    ("领导批示件", "特急", date(2026, 9, 29), date(2026, 10, 9)),
    ("领导批示件", "加急", date(2026, 9, 30), date(2026, 10, 13)),
    ("领导批示件", "普通", date(2026, 9, 25), date(2026, 10, 15)),
    ("特别交办事项", "普通", date(2026, 11, 26), date(2026, 12, 10)),
    # across a weekend
    ("领导批示件", "特急", date(2026, 11, 27), date(2026, 12, 2)),
])
def test_report_cadence(db, kind, urgency, start, due):
    assert supervision.report_due(kind, urgency, start) == due


def test_cadences_come_from_the_rules_file(db):
    from govdesk.services.rules import office_rules

    rules = office_rules().supervision
    assert rules.cadence == {"重点工作": 2, "大项目": 2, "会议安排事项": 3, "上级决策部署": 1}
    assert {k: (v.days, v.kind) for k, v in rules.instruction.items()} == {
        "特急": (3, "working"), "加急": (5, "working"), "普通": (10, "working")}


# ---------------------------------------------------------------------------- the cycle


def test_key_work_from_assignment_through_reports_to_close(db):
    row = new_item()
    assert (row.year, row.seq, row.status, row.state) == (2026, 1, "未启动", "待签收")
    assert supervision.number_of(row) == "督查〔2026〕1号"
    assert row.leader.login == "zhaogl"  # 区发改局's 分管副区长
    (first,) = waiting(row)
    assert (first.step, first.holder_section.code, first.note) == ("签收", "ducha", "区发改局")

    row = supervision.sign(actor(), first.id, "2026-11-26")
    (second,) = waiting(row)
    assert (second.step, second.note) == ("签收", "区住建局")
    row = supervision.sign(actor(), second.id)
    row = supervision.sign(actor(), task_at(row, "签收").id)
    report = task_at(row, "反馈")
    assert report.due == date(2027, 1, 26) and row.next_due == date(2027, 1, 26)
    assert (row.state, row.status) == ("推进中", "未启动")

    # A co-unit reports: kept, the period stays open with the same due.
    later = datetime(2027, 1, 20, 10, 0)
    row = supervision.report(actor(when=later), report.id, {
        "unit": "区住建局", "text": "完成安置房选址", "progress": 30, "unit_date": "2027-01-19"})
    assert task_at(row, "反馈").due == date(2027, 1, 26) and row.status == "未启动"
    # The lead unit's report closes the period: next due two months on the schedule.
    row = supervision.report(actor(when=later), task_at(row, "反馈").id, {
        "text": "征迁完成 45%", "progress": 45, "unit_date": "2027-01-20"})
    assert (row.status, row.progress, row.latest_report) == ("推进中", 45, "征迁完成 45%")
    assert row.next_due == date(2027, 3, 26) == task_at(row, "反馈").due
    # A second period.
    march = datetime(2027, 3, 25, 9, 0)
    row = supervision.report(actor(when=march), task_at(row, "反馈").id, {
        "text": "征迁完成 70%", "progress": 70, "status": "滞后", "unit_date": "2027-03-25"})
    assert row.status == "滞后" and row.next_due == date(2027, 5, 26)

    row = supervision.final_report(actor(when=march), task_at(row, "反馈").id, {
        "text": "征迁全部完成", "unit_date": "2027-03-25"})
    assert (row.state, row.progress, row.next_due) == ("待确认办结", 100, None)
    row = supervision.confirm(actor("guojw", march), task_at(row, "确认办结").id)
    assert (row.state, row.status) == ("已办结", "已完成") and waiting(row) == []
    assert engine.flow_of(supervision.KIND, row.id).state == "closed"
    steps = [h.step for h in engine.timeline(supervision.KIND, row.id)]
    assert steps == ["登记", "签收", "签收", "签收", "反馈", "反馈", "反馈", "反馈", "确认办结"]
    hops = engine.timeline(supervision.KIND, row.id)
    assert hops[1].opinion == "区发改局 签收（单位日期 2026-11-26）"
    assert hops[1].acted_by == "沈怡君"  # who registered it for the unit


def test_reopen_needs_a_reason_and_sets_a_new_due(db):
    row = sign_all(new_item())
    row = supervision.final_report(actor(), task_at(row, "反馈").id, {"text": "已完成"})
    with pytest.raises(ValidationError) as exc:
        supervision.reopen(actor(), task_at(row, "确认办结").id, "")
    assert exc.value.field == "未办结理由"
    row = supervision.reopen(actor(), task_at(row, "确认办结").id, "征迁尚有 3 户未签约")
    assert row.next_due == date(2027, 1, 26) == task_at(row, "反馈").due


def test_only_the_lead_unit_files_the_final_report(db):
    row = sign_all(new_item())
    with pytest.raises(ValidationError) as exc:
        supervision.final_report(actor(), task_at(row, "反馈").id,
                                 {"unit": "区住建局", "text": "完成"})
    assert exc.value.field == "单位" and "区发改局" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        supervision.report(actor(), task_at(row, "反馈").id, {"unit": "区财政局", "text": "x"})
    assert exc.value.field == "单位"
    assert supervision.parts(row)[0].reports == 0


def test_late_item_shows_lagging_and_is_flagged_for_onsite_check(db):
    row = sign_all(new_item())
    assert supervision.shown_status(row, date(2027, 1, 26)) == "未启动"
    assert supervision.shown_status(row, date(2027, 1, 27)) == "滞后"
    assert supervision.onsite(row, date(2027, 1, 27))


@pytest.mark.parametrize("fields, field", [
    ({"title": ""}, "督查事项"),
    ({"lead_unit": ""}, "牵头单位"),
    ({"lead_unit": "不存在局"}, "牵头单位"),
    ({"co_units": "区发改局"}, "协办单位"),
    ({"meeting_on": ""}, "常务会议日期"),
    ({"meeting_on": "2026-13-01"}, "常务会议日期"),
    ({"kind": "领导批示件", "instruction": "抓紧办理"}, "批示领导"),
    ({"kind": "领导批示件", "instructed_by": "zhangyt", "instruction": "x"}, "批示领导"),
    ({"kind": "领导批示件", "instructed_by": "wangjm"}, "批示内容"),
    ({"kind": "领导批示件", "instructed_by": "wangjm", "instruction": "x",
      "urgency": "很急"}, "缓急程度"),
    ({"kind": "其他"}, "督查类别"),
])
def test_bad_item_is_refused_naming_the_field_and_saves_nothing(db, fields, field):
    with pytest.raises(ValidationError) as exc:
        new_item(**fields)
    assert exc.value.field == field
    assert SupervisionItem.select().count() == 0


def test_only_the_supervision_office_registers(db):
    with pytest.raises(PermissionDenied):
        new_item("zhangyt")
    assert SupervisionItem.select().count() == 0


# ---------------------------------------------------------------------------- 批示, 催办, 延期


def test_instruction_item_reports_by_urgency_and_a_further_instruction_notifies(db):
    row = new_item(kind="领导批示件", title="关于某小区停水问题的批示", instructed_by="wangjm",
                   instruction="请发改局牵头，三日内报结果", urgency="特急", co_units="")
    assert row.leader.login == "wangjm" and row.instructed_on == date(2026, 11, 26)
    row = sign_all(row)
    assert row.next_due == date(2026, 12, 1)  # 3 working days from Thursday

    row = supervision.add_instruction(actor("wangjm"), row.id, {"text": "务必本周解决"})
    noted = task_at(row, "阅批示")
    assert noted.holder_section.code == "ducha" and noted.note == "王建明 的新批示"
    hops = engine.timeline(supervision.KIND, row.id)
    assert hops[-2].step == "批示" and "务必本周解决" in hops[-2].opinion
    supervision.noted(actor(), noted.id)
    assert [t.step for t in waiting(row)] == ["反馈"]
    with pytest.raises(PermissionDenied):
        supervision.add_instruction(actor("songwb"), row.id, {"text": "x"})  # 办一科
    with pytest.raises(ValidationError) as exc:  # 秘书科 records it for a leader it names
        supervision.add_instruction(actor("zhangyt"), row.id, {"text": "x"})
    assert exc.value.field == "批示领导"
    row = supervision.add_instruction(actor("zhangyt"), row.id,
                                      {"leader": "zhaogl", "text": "配合做好", "day": "2026-11-25"})
    assert task_at(row, "阅批示").note == "赵国梁 的新批示"


def test_urge_gives_gap_free_numbered_audited_notices(db):
    a, b = sign_all(new_item()), new_item(title="第二件")
    supervision.sign(actor(), task_at(b, "签收").id)  # the lead unit has signed
    n1 = supervision.urge(actor(), a.id, "请按时反馈")
    n2 = supervision.urge(actor(), b.id)
    n3 = supervision.urge(actor("linzh"), a.id)
    assert [(n.year, n.seq) for n in (n1, n2, n3)] == [(2026, 1), (2026, 2), (2026, 3)]
    assert supervision.notice_number(n1) == "督催〔2026〕1号"
    # Owed: the lead unit's report and each co-unit's first; the 签收 not given yet.
    assert n1.units == "区发改局、区住建局、区教育局" and n2.units == "区住建局、区教育局"
    assert task_at(a, "反馈").reminders == 2
    assert AuditEntry.select().where(AuditEntry.action == "supervision.urge").count() == 3
    with pytest.raises(PermissionDenied):
        supervision.urge(actor("zhangyt"), a.id)
    assert SupervisionNotice.select().count() == 3
    # A new year starts again at 1.
    n4 = supervision.urge(actor(when=datetime(2027, 1, 4, 9, 0)), a.id)
    assert (n4.year, n4.seq) == (2027, 1)


def test_extend_puts_the_due_back_and_marks_it(db):
    row = sign_all(new_item())
    with pytest.raises(ValidationError) as exc:
        supervision.extend(actor(), row.id, {"new_due": "2027-01-20", "reason": "x"})
    assert exc.value.field == "新的反馈期限"
    with pytest.raises(ValidationError) as exc:
        supervision.extend(actor(), row.id, {"new_due": "2027-02-26"})
    assert exc.value.field == "延期理由"
    row = supervision.extend(actor(), row.id, {"new_due": "2027-02-26", "reason": "春节"})
    assert row.extended and row.next_due == date(2027, 2, 26) == task_at(row, "反馈").due
    assert engine.flow_of(supervision.KIND, row.id).due == date(2027, 2, 26)


# ---------------------------------------------------------------------------- lists


def test_register_page_and_badges(db):
    a = sign_all(new_item())
    supervision.urge(actor(), a.id)
    supervision.urge(actor(), a.id)
    new_item(kind="大项目", title="城南污水处理厂", lead_unit="区住建局", co_units="",
             meeting_on="")
    late = actor(when=datetime(2027, 2, 1, 9, 0))
    rows = views.register_page(late)
    assert [r.title for r in rows] == ["城南污水处理厂", "推进城东片区旧城改造"]
    assert rows[1].status == "滞后" and rows[1].badges == ("滞后", "催办×2")
    assert rows[1].number == "督查〔2026〕1号" and rows[1].lead_unit == "区发改局"
    assert [r.title for r in views.register_page(late, kind="大项目")] == ["城南污水处理厂"]
    assert [r.title for r in views.register_page(late, overdue=True)] == ["推进城东片区旧城改造"]
    assert [r.title for r in views.register_page(late, status="滞后")] == ["推进城东片区旧城改造"]
    assert [r.title for r in views.register_page(late, unit="区住建局")] == [
        "城南污水处理厂", "推进城东片区旧城改造"]  # a co-unit counts


def test_attention_for_leaders(db):
    instructed = new_item(kind="领导批示件", title="区长批示：停水", instructed_by="wangjm",
                          instruction="抓紧", urgency="特急", co_units="", lead_unit="区住建局")
    key = sign_all(new_item())  # 区发改局: 常务副区长 赵国梁's portfolio
    instructed = sign_all(instructed)
    later = datetime(2027, 2, 1, 9, 0)
    assert [r.title for r in views.attention(actor("wangjm", later))] == ["区长批示：停水"]
    assert [r.title for r in views.attention(actor("zhaogl", later))] == [key.title]
    assert {r.title for r in views.attention(actor("linzh", later))} == {key.title,
                                                                        instructed.title}
    assert views.attention(actor("zhaogl", NOW)) == []  # nothing overdue yet
    assert views.attention(actor("zhangyt", later)) == []


def test_the_one_search_finds_items(db):
    from govdesk.services import search

    row = new_item()
    groups = search.search(actor("linzh"), "旧城改造")
    (group,) = [g for g in groups if g.kind == supervision.KIND]
    assert group.label == "督查事项"
    assert [(h.id, h.number, h.source) for h in group.hits] == [(row.id, "督查〔2026〕1号",
                                                                 "区发改局")]


# ---------------------------------------------------------------------------- publications


def test_special_report_names_the_late_unit_and_numbers_gap_free(db):
    from govdesk.services.supervision import publications

    late = sign_all(new_item())  # 区发改局, due 2027-01-26
    supervision.urge(actor(when=datetime(2027, 1, 27, 9, 0)), late.id)  # in the period
    december = datetime(2026, 12, 15, 9, 0)
    sign_all(new_item(kind="大项目", title="城南污水处理厂", lead_unit="区住建局",
                      co_units="", meeting_on="", when=december), when=december)  # due 02-15
    new_item(kind="领导批示件", title="停水批示", instructed_by="wangjm", instruction="抓紧",
             co_units="")  # not in a 专报
    when = actor(when=datetime(2027, 2, 1, 9, 0))
    issue = publications.compile_issue(when, {"kind": "督查专报", "starts_on": "2026-12-01",
                                              "ends_on": "2027-01-31"})
    assert issue.number == "2027年第1期"
    assert issue.counts == {"未启动": 1, "推进中": 0, "滞后": 1, "已完成": 0}
    assert "督查事项共 2 件，其中未启动 1 件、推进中 0 件、滞后 1 件、已完成 0 件" in issue.text
    assert [(u.unit, u.items, u.urged) for u in issue.late_units] == [("区发改局", 1, 1)]
    assert "进展滞后的单位：区发改局（1 件，本期催办 1 次）" in issue.text
    assert "推进城东片区旧城改造" in issue.text and "城南污水处理厂" in issue.text
    assert "停水批示" not in issue.text
    assert "统计期间：2026-12-01 至 2027-01-31" in issue.text
    again = publications.compile_issue(when, {"kind": "督查专报"})
    bulletin = publications.compile_issue(when, {"kind": "督查通报"})
    assert (again.number, bulletin.number) == ("2027年第2期", "2027年第1期")
    assert (bulletin.starts_on, bulletin.ends_on) == (date(2027, 2, 1), date(2027, 2, 1))
    assert "停水批示" in bulletin.text  # 通报: every kind
    assert AuditEntry.select().where(AuditEntry.action == "supervision.publish").count() == 3


def test_a_closed_item_before_the_period_is_left_out_and_bad_periods_refused(db):
    from govdesk.services.supervision import publications

    row = sign_all(new_item())
    row = supervision.final_report(actor(), task_at(row, "反馈").id, {"text": "完成"})
    supervision.confirm(actor(), task_at(row, "确认办结").id)
    later = actor(when=datetime(2027, 2, 1, 9, 0))
    issue = publications.compile_issue(later, {"kind": "督查通报", "starts_on": "2027-01-01",
                                               "ends_on": "2027-01-31"})
    assert "推进城东片区旧城改造" not in issue.text and "本期没有督查事项" in issue.text
    within = publications.compile_issue(later, {"kind": "督查通报", "starts_on": "2026-11-01",
                                                "ends_on": "2026-11-30"})
    assert within.counts["已完成"] == 1
    for fields, field in (({"starts_on": "2027-01-31", "ends_on": "2027-01-01"}, "统计截止日期"),
                          ({"starts_on": "2025-01-01", "ends_on": "2027-01-01"}, "统计截止日期"),
                          ({"kind": "周报"}, "刊物")):
        with pytest.raises(ValidationError) as exc:
            publications.compile_issue(later, fields)
        assert exc.value.field == field
    with pytest.raises(PermissionDenied):
        publications.compile_issue(actor("zhangyt"), {})


def test_unit_statistics_count_late_items_and_the_on_time_rate(db):
    a = sign_all(new_item())  # 区发改局: report due 2027-01-26
    row = supervision.report(actor(when=datetime(2027, 1, 25, 9, 0)), task_at(a, "反馈").id,
                             {"text": "按期", "progress": 20})  # on time
    supervision.report(actor(when=datetime(2027, 3, 29, 9, 0)), task_at(row, "反馈").id,
                       {"text": "迟报", "progress": 30})  # due 03-26: late
    sign_all(new_item(title="第二件", lead_unit="区住建局", co_units=""))
    stats = views.unit_statistics(actor(when=datetime(2027, 3, 30, 9, 0)), 2026)
    assert [(s.unit, s.items, s.done, s.late, s.reports, s.on_time, s.on_time_rate)
            for s in stats] == [("区住建局", 1, 0, 1, 0, 0, None),
                                ("区发改局", 1, 0, 0, 2, 1, 50)]


@pytest.mark.parametrize("fields, field", [
    ({"text": ""}, "反馈内容"),
    ({"text": "x", "progress": "abc"}, "进度（%）"),
    ({"text": "x", "progress": 150}, "进度（%）"),
    ({"text": "x", "status": "已完成"}, "推进状态"),
    ({"text": "x", "unit_date": "2026-12-01"}, "单位日期"),  # after today
    ({"text": "x", "unit_date": "2026-11-01"}, "单位日期"),  # before the item
    ({"text": "x", "unit": "不存在局"}, "单位"),
])
def test_a_bad_report_is_refused_naming_the_field_and_saves_nothing(db, fields, field):
    from govdesk.models import SupervisionReport

    row = sign_all(new_item())
    task = task_at(row, "反馈")
    with pytest.raises(ValidationError) as exc:
        supervision.report(actor(), task.id, fields)
    assert exc.value.field == field
    assert SupervisionReport.select().count() == 0 and task_at(row, "反馈").id == task.id
    assert SupervisionItem.get_by_id(row.id).progress == 0


def test_a_unit_cannot_sign_after_the_date_of_today_and_others_cannot_act(db):
    row = new_item()
    with pytest.raises(ValidationError) as exc:
        supervision.sign(actor(), task_at(row, "签收").id, "2026-11-27")
    assert exc.value.field == "单位日期"
    with pytest.raises(PermissionDenied):
        supervision.sign(actor("zhangyt"), task_at(row, "签收").id)
    assert all(p.signed_on is None for p in supervision.parts(row))
