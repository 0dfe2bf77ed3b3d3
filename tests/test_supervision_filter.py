"""The 督查事项 register's filter line (issue 12 item 6; services/list_filter.parse_items,
views.register_page(line=…)): 类, 单位 (lead or co-unit), 领导 (分管 or instructing), 状态 as
shown, 逾期 and words of the title, in either script and with ASCII aliases, on a real SQLite
database; a bad token is refused naming it."""

from __future__ import annotations

from datetime import datetime

import pytest

from govdesk.models import Task
from govdesk.services import list_filter, org, settings, supervision
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import ValidationError
from govdesk.services.supervision import views

NOW = datetime(2026, 11, 26, 9, 30)
LATER = datetime(2027, 2, 1, 9, 0)  # the key work's first report (due 2027-01-26) is late
CLERK = "shenyj"


def actor(login: str = CLERK, when: datetime = NOW) -> Actor:
    return Actor(org.person_by_login(login), when)


def sign_all(row):
    clerk = actor()
    while True:
        f = engine.flow_of(supervision.KIND, row.id)
        signs = list(Task.select().where((Task.flow == f) & (Task.state == "waiting")
                                         & (Task.step == "签收")))
        if not signs:
            return row
        row = supervision.sign(clerk, signs[0].id)


@pytest.fixture
def items(db):
    """Four items: a key work (区发改局 with co-units 区住建局, 区财政局; signed, late by LATER),
    a big project of 区住建局 (not signed), a 批示件 of 区长 王建明 to 区教育局 (signed, report
    by urgency), and a meeting decision of 区财政局, done."""
    clerk = actor()
    key = sign_all(supervision.register(clerk, {
        "kind": "重点工作", "title": "推进城东片区旧城改造", "lead_unit": "区发改局",
        "co_units": "区住建局、区财政局", "meeting_on": "2026-02-12"}))
    project = supervision.register(clerk, {"kind": "大项目", "title": "城南污水处理厂",
                                           "lead_unit": "区住建局"})
    instructed = sign_all(supervision.register(clerk, {
        "kind": "领导批示件", "title": "关于学校扩容的批示", "lead_unit": "区教育局",
        "instructed_by": "wangjm", "instruction": "请抓紧研究", "urgency": "普通"}))
    meeting = sign_all(supervision.register(clerk, {
        "kind": "会议安排事项", "title": "落实财政专项资金", "lead_unit": "区财政局"}))
    f = engine.flow_of(supervision.KIND, meeting.id)
    (task,) = Task.select().where((Task.flow == f) & (Task.state == "waiting"))
    supervision.final_report(clerk, task.id, {"text": "已落实", "progress": "100"})
    (task,) = Task.select().where((Task.flow == f) & (Task.state == "waiting"))
    supervision.confirm(clerk, task.id)
    return {"key": key, "project": project, "instructed": instructed, "meeting": meeting}


def titles(line: str, when: datetime = NOW) -> set[str]:
    return {r.title for r in views.register_page(actor(when=when), line=line)}


ALL = {"推进城东片区旧城改造", "城南污水处理厂", "关于学校扩容的批示", "落实财政专项资金"}


@pytest.mark.parametrize("line, expected", [
    ("", ALL),
    ("类:重点工作", {"推进城东片区旧城改造"}),
    ("類:重點工作", {"推进城东片区旧城改造"}),  # Traditional
    ("kind:project", {"城南污水处理厂"}),
    ("类：批示,会议", {"关于学校扩容的批示", "落实财政专项资金"}),  # full-width colon, two kinds
    ("type:instruction", {"关于学校扩容的批示"}),
    ("单位:财政", {"推进城东片区旧城改造", "落实财政专项资金"}),  # a co-unit counts
    ("單位:住建", {"推进城东片区旧城改造", "城南污水处理厂"}),
    ("unit:jyj", {"关于学校扩容的批示"}),  # the initials of 教育局
    ("领导:王建明", {"关于学校扩容的批示"}),  # the leader who instructed it
    # 常务副区长 赵国梁 oversees 区发改局 and 区财政局: their items' 分管领导
    ("领导:赵国梁", {"推进城东片区旧城改造", "落实财政专项资金"}),
    ("leader:zhao", {"推进城东片区旧城改造", "落实财政专项资金"}),
    ("状态:已完成", {"落实财政专项资金"}),
    ("狀態:未啟動", {"推进城东片区旧城改造", "城南污水处理厂", "关于学校扩容的批示"}),
    ("status:done", {"落实财政专项资金"}),
    ("状态:滞后", set()),
    ("逾期", set()),
    ("旧城", {"推进城东片区旧城改造"}),
    ("舊城", {"推进城东片区旧城改造"}),  # a word in Traditional finds the Simplified title
    ("单位:住建 类:大项目", {"城南污水处理厂"}),  # every token must hold
    ("单位:住建 旧城", {"推进城东片区旧城改造"}),
])
def test_each_token_narrows_the_register(items, line, expected):
    assert titles(line) == expected


@pytest.mark.parametrize("line, expected", [
    ("逾期", {"推进城东片区旧城改造", "关于学校扩容的批示"}),
    ("overdue 类:重点工作", {"推进城东片区旧城改造"}),
    ("超期 单位:教育", {"关于学校扩容的批示"}),
    ("状态:滞后", {"推进城东片区旧城改造", "关于学校扩容的批示"}),
    ("状态:late", {"推进城东片区旧城改造", "关于学校扩容的批示"}),
    # 未启动 as shown: a late item shows 滞后, so only the project not yet signed remains
    ("状态:未启动", {"城南污水处理厂"}),
    ("状态:未启动,已完成", {"城南污水处理厂", "落实财政专项资金"}),
])
def test_overdue_and_the_status_as_shown(items, line, expected):
    assert titles(line, LATER) == expected


def test_the_old_parameters_still_work_beside_the_line(items):
    late = actor(when=LATER)
    assert {r.title for r in views.register_page(late, kind="重点工作", line="逾期")} == {
        "推进城东片区旧城改造"}
    assert {r.title for r in views.register_page(late, status="未启动")} == {"城南污水处理厂"}


@pytest.mark.parametrize("line, named", [
    ("级别:高", "“级别:高”"),
    ("类:收文", "“类:收文”"),
    ("状态:很好", "“状态:很好”"),
    ("单位:", "“单位:”"),
    ("单位:不存在的单位", "“不存在的单位”"),
    ("领导:没有这个人", "“没有这个人”"),
])
def test_a_bad_token_is_refused_naming_it(items, line, named):
    with pytest.raises(ValidationError) as caught:
        views.register_page(actor(), line=line)
    assert named in str(caught.value) and "筛选" in str(caught.value)


def test_k_and_o_rewrite_the_line_and_the_line_is_kept_per_person(items):
    line = "類：重點工作 单位:财政 超期"
    assert list_filter.drop_item_tokens(line, "kind") == "单位:财政 超期"
    assert list_filter.drop_item_tokens(line, "overdue") == "類:重點工作 单位:财政"
    list_filter.keep_item_line(CLERK, "ducha.items", "类:重点工作 逾期")
    assert settings.list_filters(CLERK)["ducha.items"] == "类:重点工作 逾期"
    assert list_filter.resolve_item_line(actor(), "ducha.items", None) == "类:重点工作 逾期"
    with pytest.raises(ValidationError):
        list_filter.keep_item_line(CLERK, "ducha.items", "类:收文")
    list_filter.keep_item_line(CLERK, "ducha.items", "")
    assert "ducha.items" not in settings.list_filters(CLERK)


def test_a_register_line_is_saved_by_name_with_its_own_words(items):
    """L on the 督查事项 register saves its line: read by the register's words, where the
    lists' common words would refuse 类:重点工作 (and the register's refuse 类:收文)."""
    line = "类:重点工作 逾期"
    with pytest.raises(ValidationError):
        settings.save_filter(CLERK, "重点逾期", line)
    saved = settings.save_filter(CLERK, "重点逾期", line, parse=list_filter.parse_items)
    assert saved == {"重点逾期": line}
    with pytest.raises(ValidationError):
        settings.save_filter(CLERK, "收文", "类:收文", parse=list_filter.parse_items)
    assert settings.saved_filters(CLERK) == {"重点逾期": line}
