"""请假 of department heads (SPEC §7; Part 3 §22) on the workflow engine, table-driven from its
spec (data/workflows/leave.toml): every transition with its holders, states and deadlines; the
acting head; 销假 due after the leave; a late one on Home's lists with no code of their own."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from govdesk.models import Absence, LeaveRequest, Task
from govdesk.models import leave as states
from govdesk.services import flow, inbox, leave, org
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError

NOW = datetime(2026, 11, 26, 9, 30)  # Thursday
BACK = datetime(2026, 12, 3, 8, 45)  # the head is back at work, the day the 销假 is due
CLERK = "lixm"  # 秘书科
# Heads of the demo organisation: 区发改局 (分管: 常务副区长 赵国梁), 区教育局 (周德伟), 区住建局 (郑跃峰).
HEAD_FGJ, DEPUTY_FGJ, HEAD_JYJ, DEPUTY_ZJJ = "jiangwb", "xuzy", "luchy", "qiangd"


def actor(login: str, when: datetime = NOW) -> Actor:
    return Actor(org.person_by_login(login), when)


def ask(login: str = CLERK, *, person: str = HEAD_JYJ, starts: str = "2026-11-30",
        ends: str = "2026-12-02", when: datetime = NOW, **extra) -> LeaveRequest:
    fields = {"person": person, "starts_on": starts, "ends_on": ends,
              "destination": "杭州", "reason": "参加省厅培训", **extra}
    return leave.register(actor(login, when), fields)


def waiting(row: LeaveRequest) -> list[Task]:
    f = engine.flow_of(leave.KIND, row.id)
    return list(Task.select().where((Task.flow == f) & (Task.state == "waiting")))


def holder(task: Task) -> str:
    return task.holder.login if task.holder_id else f"@{task.holder_section.code}"


def do(row: LeaveRequest, action: str, login: str, when: datetime = NOW, **kw) -> LeaveRequest:
    (task,) = waiting(row)
    act = actor(login, when)
    if action == "approve":
        return leave.approve(act, task.id, **kw)
    if action == "refuse":
        return leave.refuse(act, task.id, kw.get("reason", "工作需要，暂缓外出"))
    return leave.cancel_leave(act, task.id, kw.get("returned_on"))


# The paths, every transition of the spec: (who asks, for whom, [(action, by, state after,
# waiting step, its holder, its due)]; the flow's end state). Leave 11-30 (Mon) to 12-02 (Wed):
# 销假 due Thu 12-03, the first working day after it ends.
PATHS = {
    "正职: 分管 → 区长 → 销假": (CLERK, HEAD_JYJ, [
        ("approve", "zhoudw", states.HEAD_REVIEW, "区长审批", "wangjm", date(2026, 11, 27)),
        ("approve", "wangjm", states.APPROVED, "销假", "@mishu", date(2026, 12, 3)),
        ("cancel", "zhoux", states.RESUMED, None, None, None),
    ], "closed"),
    "副职: 分管 → 销假": (CLERK, DEPUTY_ZJJ, [
        ("approve", "zhengyf", states.APPROVED, "销假", "@mishu", date(2026, 12, 3)),
        ("cancel", "lixm", states.RESUMED, None, None, None),
    ], "closed"),
    "正职 asking himself; 常务副区长 分管": (HEAD_FGJ, HEAD_FGJ, [
        ("approve", "zhaogl", states.HEAD_REVIEW, "区长审批", "wangjm", date(2026, 11, 27)),
        ("approve", "wangjm", states.APPROVED, "销假", HEAD_FGJ, date(2026, 12, 3)),
        ("cancel", HEAD_FGJ, states.RESUMED, None, None, None),
    ], "closed"),
    "正职 refused by the 分管副区长": (CLERK, HEAD_JYJ, [
        ("refuse", "zhoudw", states.REFUSED, None, None, None),
    ], "returned"),
    "正职 refused by the 区长": (CLERK, HEAD_JYJ, [
        ("approve", "zhoudw", states.HEAD_REVIEW, "区长审批", "wangjm", date(2026, 11, 27)),
        ("refuse", "wangjm", states.REFUSED, None, None, None),
    ], "returned"),
    "副职 refused by the 分管副区长": (DEPUTY_FGJ, DEPUTY_FGJ, [
        ("refuse", "zhaogl", states.REFUSED, None, None, None),
    ], "returned"),
}


@pytest.mark.parametrize("name", list(PATHS))
def test_every_path(db, name):
    asker, person, hops, end = PATHS[name]
    row = ask(asker, person=person)
    assert row.state == states.PORTFOLIO and row.grade == org.person_by_login(person).post
    (first,) = waiting(row)
    assert first.step == "分管审批" and first.due == date(2026, 11, 27)
    for action, by, state, step, who, due in hops:
        row = do(row, action, by, BACK if action == "cancel" else NOW)
        assert row.state == state, (action, by)
        tasks = waiting(row)
        if step is None:
            assert tasks == []
        else:
            (task,) = tasks
            assert (task.step, holder(task), task.due) == (step, who, due)
    assert engine.flow_of(leave.KIND, row.id).state == end
    steps = [h.step for h in engine.timeline(leave.KIND, row.id)]
    assert steps == ["请假申请", "分管审批"] + [s for *_, s, _w, _d in hops if s]
    if end == "closed":
        assert row.returned_on == BACK.date()


def test_the_paths_cover_every_transition_of_the_spec(db):
    """The table walks every (step, action) of leave.toml."""
    spec = engine.workflow(leave.KIND).spec
    edges = {(s, a) for s, a, _to in spec.transitions()}
    assert edges == {("分管审批", "forward"), ("分管审批", "approve"), ("分管审批", "refuse"),
                     ("区长审批", "approve"), ("区长审批", "refuse"), ("销假", "cancel_leave")}
    assert spec.steps["销假"].due.start == "ends_on"


def test_portfolio_leader_is_offered_only_the_approval_of_the_grade(db):
    head, deputy = ask(person=HEAD_JYJ), ask(person=DEPUTY_ZJJ)
    assert engine.action_ids(actor("zhoudw"), leave.KIND, head.id) == {"forward", "refuse"}
    assert engine.action_ids(actor("zhengyf"), leave.KIND, deputy.id) == {"approve", "refuse"}
    # Nobody else may act; the clerk who registered it may urge the holder (催办).
    assert engine.action_ids(actor("sunlh"), leave.KIND, head.id) == set()
    assert engine.action_ids(actor(CLERK), leave.KIND, head.id) == {"remind"}
    (task,) = waiting(deputy)
    with pytest.raises(PermissionDenied):
        leave.approve(actor("zhoudw"), task.id)


def test_acting_head_when_the_head_is_away(db):
    Absence.create(person=org.by_rank("区长"), start=datetime(2026, 11, 25),
                   end=datetime(2026, 11, 30, 18), acting=org.by_rank("常务副区长"))
    row = do(ask(person=HEAD_JYJ), "approve", "zhoudw")
    (task,) = waiting(row)
    assert (task.step, task.holder.login, task.acting_for.login) == ("区长审批", "zhaogl", "wangjm")
    row = do(row, "approve", "zhaogl")
    assert row.state == states.APPROVED
    (hop,) = [h for h in engine.timeline(leave.KIND, row.id) if h.step == "区长审批"]
    assert hop.acting_for == "王建明" and hop.acted_by == "赵国梁"


def test_refusal_needs_its_reason(db):
    row = ask(person=DEPUTY_ZJJ)
    (task,) = waiting(row)
    with pytest.raises(ValidationError, match="不予准假理由"):
        leave.refuse(actor("zhengyf"), task.id, "  ")
    assert LeaveRequest.get_by_id(row.id).state == states.PORTFOLIO and waiting(row) == [task]


def test_late_cancel_is_overdue_for_the_supervision_office_and_on_home(db):
    row = ask(person=DEPUTY_ZJJ, starts="2026-11-23", ends="2026-11-24",
              when=datetime(2026, 11, 20, 9))
    row = do(row, "approve", "zhengyf", datetime(2026, 11, 20, 15))
    (task,) = waiting(row)
    assert task.due == date(2026, 11, 25)  # the working day after Tue 11-24
    # On the 26th it is a day late: 督查室 sees it among everyone's deadlines, 秘书科 in its inbox.
    late = [i for i in inbox.deadlines(actor("guojw")) if i.task_id == task.id]
    assert [(i.kind, i.step, i.label, i.holder) for i in late] == [
        ("leave", "销假", inbox.OVERDUE, "秘书科")]
    mine = [i for i in inbox.inbox(actor("zhoux")) if i.task_id == task.id]
    assert mine and mine[0].label == inbox.OVERDUE and mine[0].days_left == -1
    # 催办 of it, like any task.
    leave.remind(actor("guojw"), task.id, "请尽快销假")
    assert Task.get_by_id(task.id).reminders == 1
    row = leave.cancel_leave(actor("zhoux"), task.id, "2026-11-25")
    assert (row.state, row.returned_on) == (states.RESUMED_LATE, date(2026, 11, 25))
    assert not [i for i in inbox.deadlines(actor("guojw")) if i.task_id == task.id]


def test_cancel_checks_the_return_date(db):
    row = do(ask(person=DEPUTY_ZJJ, starts="2026-11-24", ends="2026-11-25",
                 when=datetime(2026, 11, 23, 9)), "approve", "zhengyf")
    (task,) = waiting(row)
    for bad, word in (("2026-11-20", "早于"), ("2026-11-27", "晚于今天"), ("11/25", "日期")):
        with pytest.raises(ValidationError, match="返岗日期") as err:
            leave.cancel_leave(actor(CLERK), task.id, bad)
        assert word in str(err.value)
    assert waiting(row) == [task]
    assert leave.cancel_leave(actor(CLERK), task.id, "").returned_on == NOW.date()


@pytest.mark.parametrize("fields, field", [
    ({"ends_on": "2026-11-29"}, "结束日期"),  # before the start
    ({"reason": ""}, "事由"),
    ({"reason": "   "}, "事由"),
    ({"destination": ""}, "前往地点"),
    ({"starts_on": ""}, "开始日期"),
    ({"starts_on": "明天"}, "开始日期"),
    ({"person": "zhoux"}, "请假人"),  # a clerk is nobody's head
    ({"person": "nobody"}, "请假人"),
])
def test_bad_request_is_refused_naming_the_field_and_saves_nothing(db, fields, field):
    base = {"person": HEAD_JYJ, "starts_on": "2026-11-30", "ends_on": "2026-12-02",
            "destination": "杭州", "reason": "培训"}
    with pytest.raises(ValidationError) as err:
        leave.register(actor(CLERK), {**base, **fields})
    assert err.value.field == field
    assert LeaveRequest.select().count() == 0
    assert not flow.Flow.select().where(flow.Flow.kind == leave.KIND).exists()


def test_who_may_ask(db):
    # A head asks only for themselves; 秘书科 for any head; other staff for nobody.
    with pytest.raises(PermissionDenied):
        ask(HEAD_FGJ, person=DEPUTY_FGJ)
    with pytest.raises(PermissionDenied):
        ask("guojw", person=DEPUTY_FGJ)
    own = ask(HEAD_FGJ, person="")
    assert own.person.login == HEAD_FGJ and own.registered_by.login == HEAD_FGJ
    assert [p.login for p in leave.heads_for(actor(HEAD_FGJ))] == [HEAD_FGJ]
    assert {HEAD_FGJ, DEPUTY_FGJ, HEAD_JYJ, DEPUTY_ZJJ} <= {
        p.login for p in leave.heads_for(actor(CLERK))}
    assert leave.heads_for(actor("guojw")) == []


def test_overlapping_leave_is_refused(db):
    ask(person=HEAD_JYJ)
    with pytest.raises(ValidationError, match="重叠") as err:
        ask(person=HEAD_JYJ, starts="2026-12-02", ends="2026-12-04")
    assert err.value.field == "开始日期"
    assert ask(person=HEAD_JYJ, starts="2026-12-03", ends="2026-12-04").id


def test_register_page_names_the_holder(db):
    a = ask(person=HEAD_JYJ)
    b = do(ask(person=DEPUTY_ZJJ), "approve", "zhengyf")
    rows = leave.register_page(actor(CLERK))
    assert [(r.id, r.state, r.holders, r.due) for r in rows] == [
        (b.id, states.APPROVED, "秘书科", date(2026, 12, 3)),
        (a.id, states.PORTFOLIO, "周德伟", date(2026, 11, 27))]
    assert rows[1].title == "区教育局 陆春燕 请假（11-30至12-02）"


def test_a_due_rule_counts_from_a_record_date_the_model_has(db, tmp_path, monkeypatch):
    """The engine's ``due.from``: read from the file, and checked against the record's model
    at start-up (check_all), naming the file and key."""
    from govdesk.services.engine import spec as spec_module

    path = tmp_path / "leave.toml"
    text = (spec_module.workflows_dir() / "leave.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('from = "ends_on"', 'from = "back_on"'), encoding="utf-8")
    parsed = spec_module.parse(path, ("portfolio", "requester"))
    assert parsed.steps["销假"].due.start == "back_on"
    wf = engine.workflow(leave.KIND)
    monkeypatch.setattr(engine, "_workflows", {leave.KIND: wf})
    monkeypatch.setattr(type(wf), "spec", property(lambda self: parsed))
    with pytest.raises(spec_module.SpecError, match="steps.销假.due.from") as err:
        engine.check_all()
    line = 1 + next(i for i, x in enumerate(text.splitlines()) if 'from = "ends_on"' in x)
    assert "back_on" in str(err.value) and f"第 {line} 行" in str(err.value)
    path.write_text(text.replace('from = "ends_on"', "from = 3"), encoding="utf-8")
    with pytest.raises(spec_module.SpecError, match="from"):
        spec_module.parse(path, ("portfolio", "requester"))


def test_a_unit_without_a_portfolio_leader_is_refused_and_nothing_saved(db):
    from govdesk.models import Person, Portfolio, Unit

    unit = Unit.get(Unit.code == "zjj")
    Portfolio.delete().where(Portfolio.unit == unit).execute()
    with pytest.raises(ValidationError, match="区住建局 没有分管副区长"):
        ask(person=DEPUTY_ZJJ)
    assert LeaveRequest.select().count() == 0
    assert Person.get(Person.login == DEPUTY_ZJJ).unit_id == unit.id


def test_a_traditional_reader_is_answered_in_traditional_and_the_record_kept_simplified(db):
    from govdesk.i18n import set_language

    row = do(ask(person=DEPUTY_ZJJ, starts="2026-11-24", ends="2026-11-25",
                 when=datetime(2026, 11, 23, 9)), "approve", "zhengyf")
    (task,) = waiting(row)
    set_language("zh-Hant")
    try:
        with pytest.raises(ValidationError, match="返崗日期"):
            leave.cancel_leave(actor(CLERK), task.id, "2026-11-20")
        leave.cancel_leave(actor(CLERK), task.id)
    finally:
        set_language("zh-Hans")
    assert Task.get_by_id(task.id).opinion == "已销假，2026-11-26 返岗"
    assert LeaveRequest.get_by_id(row.id).title == "区住建局 钱国栋 请假（11-24至11-25）"
