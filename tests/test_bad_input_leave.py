"""Hostile input to every 请假 entry point (SPEC §14: a clear message naming the field, nothing
saved half-way): the request form, 同意, 不予准假, 销假, 催办 and the register page."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest
from helpers.bad_input import FAST, anything, check, dates, field_dicts, ids, report, strip
from hypothesis import given
from hypothesis import strategies as st

from govdesk.models import LeaveRequest, Task
from govdesk.services import leave, org
from govdesk.services.context import Actor

NOW = datetime(2026, 11, 26, 9, 30)
FORM_LABELS = {"请假人", "开始日期", "结束日期", "前往地点", "事由", "联系方式"}
FORM_KEYS = ("person", "starts_on", "ends_on", "destination", "reason", "contact")
BASE = {"person": "luchy", "starts_on": "2026-11-30", "ends_on": "2026-12-02",
        "destination": "杭州", "reason": "培训"}
VALUES = {
    "person": st.one_of(anything(), st.sampled_from(["luchy", "xuzy", "陆春燕", "zhoux", "nobody"])),
    "starts_on": st.one_of(dates(), st.sampled_from(["2026-11-30", "2026-12-05"])),
    "ends_on": st.one_of(dates(), st.sampled_from(["2026-11-29", "2026-12-02"])),
}


def actor(login: str) -> Actor:
    return Actor(org.person_by_login(login), NOW)


@pytest.fixture(scope="module", autouse=True)
def _examples(request):
    yield
    report(request.config, "请假 (test_bad_input_leave)")


@pytest.fixture
def world(db):
    """A 正职's request at 分管审批, and a 副职's approved one waiting for 销假."""
    clerk = actor("lixm")
    asked = leave.register(clerk, {**BASE, "person": "jiangwb"})
    approved = leave.register(clerk, {**BASE, "person": "qiangd", "starts_on": "2026-11-24",
                                      "ends_on": "2026-11-25"})
    (task,) = Task.select().where((Task.state == "waiting") & (Task.holder.is_null(False))
                                  & (Task.holder == org.person_by_login("zhengyf")))
    leave.approve(actor("zhengyf"), task.id)

    def waiting(row) -> int:
        return next(t.id for t in Task.select().where(Task.state == "waiting")
                    if t.flow.record_id == row.id)

    return SimpleNamespace(clerk=clerk, portfolio=waiting(asked), cancel=waiting(approved))


def task_or_bad(good: int) -> st.SearchStrategy:
    return st.one_of(st.just(good), st.just(good), ids())


@FAST
@given(fields=st.one_of(field_dicts(FORM_KEYS, VALUES, BASE), anything()))
def test_register(world, fields):
    def stored(row):
        got = LeaveRequest.get_by_id(row.id)
        for key in ("destination", "reason", "contact"):
            if key in fields:
                assert getattr(got, key) == (strip(fields[key]) or ""), key
        assert got.ends_on >= got.starts_on

    check("leave.register", lambda: leave.register(world.clerk, fields), labels=FORM_LABELS,
          stored=stored)


@FAST
@given(data=st.data(), opinion=anything())
def test_approve(world, data, opinion):
    task = data.draw(task_or_bad(world.portfolio), "task")
    check("leave.approve", lambda: leave.approve(actor("zhaogl"), task, opinion),
          labels={"审批意见"})


@FAST
@given(data=st.data(), reason=anything())
def test_refuse(world, data, reason):
    task = data.draw(task_or_bad(world.portfolio), "task")

    def stored(_row):
        assert Task.get_by_id(task).opinion == strip(reason)

    check("leave.refuse", lambda: leave.refuse(actor("zhaogl"), task, reason),
          labels={"不予准假理由"}, stored=stored)


@FAST
@given(data=st.data(), back=st.one_of(dates(), st.sampled_from(["2026-11-25", "2026-11-26"])))
def test_cancel_leave(world, data, back):
    task = data.draw(task_or_bad(world.cancel), "task")
    check("leave.cancel_leave", lambda: leave.cancel_leave(world.clerk, task, back),
          labels={"返岗日期"})


@FAST
@given(data=st.data(), note=anything())
def test_remind(world, data, note):
    task = data.draw(task_or_bad(world.portfolio), "task")
    check("leave.remind", lambda: leave.remind(world.clerk, task, note), labels={"催办说明"})


@FAST
@given(state=anything(), before_id=st.one_of(st.none(), ids()),
       after_id=st.one_of(st.none(), ids()), limit=st.one_of(ids(), anything()))
def test_register_page(world, state, before_id, after_id, limit):
    check("leave.register_page", lambda: leave.register_page(
        world.clerk, state=state, before_id=before_id, after_id=after_id, limit=limit),
        labels={"状态", "起始编号", "每页条数", "搜索"})
