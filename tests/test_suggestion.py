"""建议提案 (SPEC §11; Part 2 §5(一)) on the workflow engine, from its spec
(data/workflows/suggestion.toml): registration of a batch, 交办 with co-units, the reply's path
through 审核 and 阅批, the deputy's feedback, the second reply after 不满意, adoption tracked to
implementation; every term in months across a weekend and the National Day holiday; the
per-unit statistics; the one search."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from govdesk.models import Suggestion, Task
from govdesk.models import suggestion as states
from govdesk.services import org, search, suggestion
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.suggestion import stats

NOW = datetime(2026, 11, 26, 9, 30)  # Thursday
CLERK = "guojw"  # 督查室
# 区教育局 (分管: 周德伟 zhoudw), 区住建局, 区发改局.
LEAD, CO1, CO2, LEADER = "jyj", "zjj", "fgj", "zhoudw"


def actor(login: str = CLERK, when: datetime = NOW) -> Actor:
    return Actor(org.person_by_login(login), when)


def fields(number: str = "第12号", **extra) -> dict:
    return {"source": "建议", "year": "2026", "session": "区十七届人大五次会议",
            "number": number, "proposer": "陈立新", "group": "城关代表团",
            "title": "关于加快城区学校扩容的建议", "category": "教育",
            "body": "城区学位紧张，建议新建两所小学。", **extra}


def waiting(row, step: str | None = None) -> list[Task]:
    f = engine.flow_of(suggestion.KIND, row.id)
    q = Task.select().where((Task.flow == f) & (Task.state == "waiting"))
    if step:
        q = q.where(Task.step == step)
    return list(q.order_by(Task.id))


def only(row, step: str) -> Task:
    (task,) = waiting(row, step)
    return task


def assigned(when: datetime = NOW, co=(CO1, CO2), **kw) -> Suggestion:
    row = suggestion.register(actor(when=when), fields(**kw))
    return suggestion.assign(actor(when=when), only(row, "交办").id, lead=LEAD, co=list(co))


def test_register_and_assign_hands_out_the_reply_and_each_co_units_opinion(db):
    with pytest.raises(PermissionDenied):
        suggestion.register(actor("zhangyt"), fields())
    row = suggestion.register(actor(), fields())
    assert row.state == states.REGISTERED
    task = only(row, "交办")
    assert task.holder_section.code == "ducha"
    row = suggestion.assign(actor(), task.id, lead=LEAD, co=f"{CO1}、{CO2}")
    assert row.state == states.HANDLING and row.lead_unit.code == LEAD
    assert row.assigned_on == NOW.date() and row.reply_due == date(2027, 2, 26)
    (draft,) = waiting(row, "拟复")
    assert (draft.note, draft.due) == ("区教育局", date(2027, 2, 26))
    co = waiting(row, "协办意见")
    # a month from Thu 11-26 is Sat 12-26: the next working day
    assert [(t.note, t.due) for t in co] == [("区住建局", date(2026, 12, 28)),
                                             ("区发改局", date(2026, 12, 28))]
    assert engine.flow_of(suggestion.KIND, row.id).due == date(2027, 2, 26)


def test_one_suggestion_from_registration_to_a_second_reply_after_dissatisfied(db):
    row = assigned()
    draft = only(row, "拟复")
    with pytest.raises(ValidationError) as exc:
        suggestion.submit(actor(), draft.id, "拟新建两所小学")
    assert "区住建局" in exc.value.message and "区发改局" in exc.value.message
    for task in waiting(row, "协办意见"):
        suggestion.co_opinion(actor(), task.id, "同意主办单位意见", on="2026-11-25")
    row = suggestion.submit(actor(), draft.id, "拟于2027年新建两所小学", on="2026-11-26")
    assert row.state == states.REVIEW and only(row, "审核").due == date(2027, 2, 26)
    row = suggestion.review(actor(), only(row, "审核").id, passed=True)
    task = only(row, "阅批")
    assert task.holder.login == LEADER and task.due == date(2027, 2, 26)
    with pytest.raises(PermissionDenied):
        suggestion.approve(actor(), task.id)
    row = suggestion.approve(actor(LEADER), task.id, opinion="同意答复")
    assert row.state == states.SENDING
    row = suggestion.send_reply(actor(), only(row, "寄送").id)
    assert row.state == states.REPLIED and row.replied_on == NOW.date()
    assert engine.flow_of(suggestion.KIND, row.id).due is None
    row = suggestion.feedback(actor(), only(row, "反馈").id, "不满意", "希望明年开工")
    assert row.state == states.REDO and row.feedback == "不满意"
    second = only(row, "重新答复")
    assert second.due == row.second_due == date(2026, 12, 28)
    assert second.note == "区教育局"
    row = suggestion.second_reply(actor(), second.id, "已与代表沟通，明年开工")
    assert row.state == states.REPLIED and row.second_replied_on == NOW.date()
    row = suggestion.feedback(actor(), only(row, "反馈").id, "满意")
    assert row.state == states.CLOSED and waiting(row) == []
    assert engine.flow_of(suggestion.KIND, row.id).state == "closed"
    steps = [h.step for h in engine.timeline(suggestion.KIND, row.id)]
    assert steps == ["登记", "交办", "协办意见", "协办意见", "拟复", "审核", "阅批", "寄送",
                     "反馈", "重新答复", "反馈"]
    hops = {h.step: h for h in engine.timeline(suggestion.KIND, row.id)}
    # Registered by 督查室 on the unit's behalf: who did it, and the unit's own date.
    assert hops["拟复"].acted_by == "郭建伟" and "区教育局（2026-11-26）" in hops["拟复"].opinion


def test_an_adopted_suggestion_is_tracked_to_implementation(db):
    row = assigned(co=())
    row = suggestion.submit(actor(), only(row, "拟复").id, "予以采纳", adopted=True)
    row = suggestion.review(actor(), only(row, "审核").id, passed=True)
    row = suggestion.approve(actor(LEADER), only(row, "阅批").id)
    row = suggestion.send_reply(actor(), only(row, "寄送").id)
    task = only(row, "反馈")
    assert engine.action_ids(actor(), suggestion.KIND, row.id) >= {"feedback_adopted",
                                                                   "feedback_redo"}
    assert "feedback_close" not in engine.action_ids(actor(), suggestion.KIND, row.id)
    row = suggestion.feedback(actor(), task.id, "基本满意")
    assert row.state == states.IMPLEMENTING
    with pytest.raises(ValidationError) as exc:
        suggestion.implemented(actor(), only(row, "落实").id, "  ")
    assert exc.value.field == "落实情况"
    row = suggestion.implemented(actor(), only(row, "落实").id, "两所小学已开工")
    assert row.state == states.IMPLEMENTED and row.implemented_on == NOW.date()


def test_review_and_leader_send_the_draft_back_with_the_reason(db):
    row = assigned(co=())
    row = suggestion.submit(actor(), only(row, "拟复").id, "初稿")
    with pytest.raises(ValidationError):
        suggestion.review(actor(), only(row, "审核").id, passed=False)
    row = suggestion.review(actor(), only(row, "审核").id, passed=False, opinion="答复不具体")
    assert row.state == states.HANDLING
    row = suggestion.submit(actor(), only(row, "拟复").id, "二稿")
    row = suggestion.review(actor(), only(row, "审核").id, passed=True)
    row = suggestion.approve(actor(LEADER), only(row, "阅批").id, agreed=False,
                             opinion="请补充经费安排")
    assert row.state == states.HANDLING and only(row, "拟复").due == date(2027, 2, 26)


@pytest.mark.parametrize("start, months, due", [
    (date(2026, 11, 26), 3, date(2027, 2, 26)),  # a Friday
    (date(2026, 11, 26), 6, date(2027, 5, 26)),
    (date(2026, 11, 26), 1, date(2026, 12, 28)),  # Sat 12-26 → Mon
    (date(2026, 7, 1), 3, date(2026, 10, 8)),  # 10-01 in the National Day holiday
    (date(2026, 9, 1), 1, date(2026, 10, 8)),
    (date(2026, 9, 5), 1, date(2026, 10, 8)),
    (date(2026, 8, 31), 1, date(2026, 9, 30)),  # September has no 31st
    (date(2026, 1, 31), 1, date(2026, 2, 28)),  # a Saturday, worked (Spring Festival 调休)
])
def test_terms_in_months(db, start, months, due):
    assert suggestion.term_due(start, months) == due


def test_terms_come_from_the_rules(db):
    assert suggestion.reply_due(date(2026, 7, 1)) == date(2026, 10, 8)
    assert suggestion.reply_due(date(2026, 7, 1), True) == date(2027, 1, 4)  # Fri 1-1 off
    assert suggestion.co_opinion_due(date(2026, 9, 1)) == date(2026, 10, 8)
    assert suggestion.second_reply_due(date(2026, 9, 5)) == date(2026, 10, 8)


def test_assigned_before_national_day_every_term_crosses_the_holiday(db):
    when = datetime(2026, 9, 1, 9, 0)
    row = assigned(when=when)
    assert row.reply_due == date(2026, 12, 1)
    assert {t.due for t in waiting(row, "协办意见")} == {date(2026, 10, 8)}


def test_a_complex_one_gets_six_months_with_the_approval_recorded(db):
    row = suggestion.register(actor(), fields())
    with pytest.raises(ValidationError) as exc:
        suggestion.assign(actor(), only(row, "交办").id, lead=LEAD, complex=True)
    assert exc.value.name == "approved_by"
    row = suggestion.assign(actor(), only(row, "交办").id, lead=LEAD, complex=True,
                            approved_by="zhoudw", reason="涉及规划调整")
    assert row.complex and row.reply_due == date(2027, 5, 26)
    assert "周德伟" in row.extension and only(row, "拟复").due == date(2027, 5, 26)


def test_extension_after_assignment_is_on_the_timeline(db):
    row = assigned(co=())
    assert "extend" in engine.action_ids(actor(), suggestion.KIND, row.id)
    with pytest.raises(PermissionDenied):
        suggestion.extend(actor("zhangyt"), row.id, approved_by="zhoudw", reason="复杂")
    row = suggestion.extend(actor(), row.id, approved_by="zhoudw", reason="需多部门协调")
    assert row.reply_due == date(2027, 5, 26) and only(row, "拟复").due == date(2027, 5, 26)
    (hop,) = [h for h in engine.timeline(suggestion.KIND, row.id) if h.step == "延期"]
    assert "需多部门协调" in hop.opinion and hop.acted_by == "郭建伟"
    with pytest.raises(ValidationError):
        suggestion.extend(actor(), row.id, approved_by="zhoudw", reason="再延")


def test_bad_input_names_the_field_and_saves_nothing(db):
    cases = [({"number": ""}, "编号"), ({"title": " "}, "标题"), ({"source": "议案"}, "类别"),
             ({"year": "二〇二六"}, "年度"), ({"proposer": ""}, "代表委员")]
    for change, label in cases:
        with pytest.raises(ValidationError) as exc:
            suggestion.register(actor(), fields(**change))
        assert exc.value.field == label
    suggestion.register(actor(), fields())
    with pytest.raises(ValidationError) as exc:
        suggestion.register(actor(), fields())
    assert exc.value.field == "编号"
    # A batch with one bad entry saves none of it, and names the entry.
    with pytest.raises(ValidationError) as exc:
        suggestion.register_batch(actor(), [fields("第1号"), fields("第2号", title="")])
    assert exc.value.field == "第 2 件 标题"
    assert Suggestion.select().count() == 1
    made = suggestion.register_batch(actor(), [fields("第1号"), fields("第2号", source="提案")])
    assert [r.source for r in made] == ["建议", "提案"]
    row = made[0]
    task = only(row, "交办")
    for kw, name in [({"lead": ""}, "lead_unit"), ({"lead": "不存在的局"}, "lead_unit"),
                     ({"lead": LEAD, "co": [LEAD]}, "co_units")]:
        with pytest.raises(ValidationError) as exc:
            suggestion.assign(actor(), task.id, **kw)
        assert exc.value.name == name
    assert Suggestion.get_by_id(row.id).state == states.REGISTERED
    with pytest.raises(ValidationError) as exc:
        suggestion.feedback(actor(), task.id, "还行")
    assert exc.value.field == "反馈"


def test_the_paths_cover_every_transition_of_the_spec(db):
    spec = engine.workflow(suggestion.KIND).spec
    assert {(s, a) for s, a, _ in spec.transitions()} == {
        ("交办", "assign"), ("协办意见", "co_opinion"), ("拟复", "submit"),
        ("审核", "review_pass"), ("审核", "send_back"), ("阅批", "approve"),
        ("阅批", "send_back"), ("寄送", "send_reply"), ("反馈", "feedback_close"),
        ("反馈", "feedback_adopted"), ("反馈", "feedback_redo"), ("重新答复", "second_reply"),
        ("落实", "implemented")}


def _through(row, *, adopted=False, verdict="满意", on="2026-11-26", who=CLERK):
    row = suggestion.submit(actor(), only(row, "拟复").id, "答复", adopted=adopted)
    row = suggestion.review(actor(), only(row, "审核").id, passed=True)
    row = suggestion.approve(actor(LEADER), only(row, "阅批").id)
    row = suggestion.send_reply(actor(), only(row, "寄送").id, on=on)
    if verdict:
        row = suggestion.feedback(actor(), only(row, "反馈").id, verdict)
    return row


def test_statistics_per_unit(db):
    late = datetime(2026, 6, 1, 9, 0)  # assigned in June: the reply was due 09-01
    a = assigned(co=(), number="第1号", when=late)
    _through(a, verdict="满意", on="2026-09-10")  # late, satisfied
    b = assigned(co=(), number="第2号")
    _through(b, adopted=True, verdict="不满意")  # on time, dissatisfied
    c = assigned(co=(), number="第3号")
    _through(c, adopted=True, verdict="基本满意")  # on time, adopted
    assigned(co=(), number="第4号", when=late)  # never replied, overdue
    assigned(co=(), number="第5号")  # with the unit
    d = assigned(co=(), number="第6号")
    _through(d, verdict="")  # replied, no feedback yet
    suggestion.register(actor(), fields("第7号"))  # not yet assigned
    s = stats.statistics(actor(), year=2026)
    assert s.unassigned == 1
    (unit,) = s.units
    assert unit.unit == "区教育局" and unit.total == 6
    assert (unit.todo, unit.doing, unit.replied, unit.answered) == (2, 1, 1, 2)
    assert (unit.on_time, unit.due) == (3, 5) and unit.on_time_rate == pytest.approx(0.6)
    assert (unit.satisfied, unit.feedbacks) == (2, 3)
    assert unit.satisfaction_rate == pytest.approx(2 / 3)
    assert (unit.adopted, unit.sent) == (2, 4) and unit.adoption_rate == 0.5
    assert s.total.total == 6
    text = stats.statistics_text(s)
    assert "2026 年人大代表建议、政协委员提案办理情况" in text
    assert "区教育局：6 件（待办 2、在办 1、已答复 1、已反馈 2）；按期答复率 60%（3/5）" in text
    assert "满意率 67%（2/3），采纳率 50%（2/4）" in text
    assert stats.statistics(actor(), year=2025).units == []
    assert stats.statistics(actor(), source="提案").units == []


def test_the_one_search_finds_a_suggestion_by_its_deputy_and_words(db):
    row = suggestion.register(actor(), fields())
    groups = search.search(actor(), "陈立新 学校")
    (group,) = [g for g in groups if g.kind == suggestion.KIND]
    (hit,) = group.hits
    assert hit.id == row.id and hit.number == "建议第12号"


def test_a_task_list_is_narrowed_to_the_suggestions(db):
    from govdesk.services import list_filter

    assert list_filter.parse("类:建议提案", NOW.date()).kinds == ("suggestion",)
    assert list_filter.parse("类:建議提案,专项工作报告", NOW.date()).kinds == (
        "suggestion", "special_report")
