"""督查室's 信访 tab (key 5, after 建议提案; issue 13 item 2 "late answers flagged … in 督查室"):
督查室 staff see the open cases with the late one first and marked [逾期], open it with Enter
and 催办 it with u; n there registers a case (not a 督查事项), c records a call; Space and ; urge
every tagged case; a 秘书科 clerk sees the petitioners masked; a closed case is not listed."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers.workers import settle, wait_for
from test_ui_supervision import SIZE, app_as, error_of, rows
from textual.widgets import DataTable

from govdesk.models import Petition, Reminder, Task
from govdesk.models.flow import WAITING
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.petition.detail import PetitionDetailScreen
from govdesk.screens.supervision import SupervisionScreen
from govdesk.services import org, petition
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine

pytestmark = pytest.mark.usefixtures("config_file")
CLERK = "shenyj"  # 督查室
PHONE = "13857605678"


def _task(row: Petition, step: str) -> Task:
    f = engine.flow_of(petition.KIND, row.id)
    return Task.get((Task.flow == f) & (Task.state == WAITING) & (Task.step == step))


def _late_case() -> Petition:
    """Registered 11-16, transferred 11-17: the unit's answer was due 11-24 (5 working days);
    on the 26th it is late."""
    clerk = org.person_by_login(CLERK)
    at = Actor(clerk, datetime(2026, 11, 16, 9, 0))
    row = petition.register(at, {"channel": "人民来信", "summary": "菜场占道经营扰民",
                                 "people": [{"name": "王秀兰", "phone": PHONE}]})
    petition.propose(at, _task(row, "拟办").id, {"proposal": "拟请执法局核查处理"})
    leader = org.person_by_login("wangjm")
    petition.instruct(Actor(leader, datetime(2026, 11, 16, 15, 0)), _task(row, "阅批").id,
                      "请执法局依法处理")
    return petition.transfer(Actor(clerk, datetime(2026, 11, 17, 9, 0)), _task(row, "转办").id,
                             {"lead_unit": "区综合行政执法局"})


def _fresh_case(summary: str = "村道破损") -> Petition:
    clerk = Actor(org.person_by_login(CLERK), datetime(2026, 11, 25, 9, 0))
    return petition.register(clerk, {"channel": "区长信箱", "summary": summary})


async def to_petitions(pilot, app) -> DataTable:
    await pilot.press("5")
    await wait_for(pilot, lambda: isinstance(app.screen, SupervisionScreen), "督查室")
    await settle(pilot)
    panes = app.screen.query_one("#panes")
    for _ in range(len(SupervisionScreen.PANES)):
        if panes.active == "pane-petitions":
            break
        await pilot.press("right_square_bracket")
        await settle(pilot)
    assert panes.active == "pane-petitions"
    table = app.screen.query_one("#sup-petitions", DataTable)
    await wait_for(pilot, lambda: app.screen.focused is table, "the 信访 table focused")
    return table


async def test_the_tab_comes_after_建议提案():
    panes = SupervisionScreen.PANES
    assert panes.index("petitions") == panes.index("suggestions") + 1


async def test_staff_see_the_late_case_marked_open_it_and_urge_it(db):
    fresh = _fresh_case()
    late = _late_case()
    app = app_as(CLERK)
    async with app.run_test(size=SIZE) as pilot:
        table = await to_petitions(pilot, app)
        lines = rows(table)
        assert len(lines) == 2
        # the late one first, marked, with how late on its nearest clock (5/10 working days)
        assert "[逾期]" in lines[0] and "菜场占道经营扰民" in lines[0], lines
        assert "逾期2个工作日" in lines[0] and "王秀兰" in lines[0]
        assert "[逾期]" not in lines[1] and "村道破损" in lines[1]
        assert "（匿名）" in lines[1] and "14天" in lines[1]  # 15 days to accept, from 11-25
        title = str(app.screen.query_one("#sup-petitions-title").render())
        assert "未办结信访件 2 件，逾期 1 件" in title
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PetitionDetailScreen) and app.screen.doc_id == late.id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SupervisionScreen)
        assert app.screen.query_one("#panes").active == "pane-petitions"
        table = app.screen.query_one("#sup-petitions", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        assert "催办" in str(app.screen.query_one(".panel-title").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SupervisionScreen), error_of(app)
    (reminder,) = Reminder.select()
    assert reminder.task.step == "反馈" and reminder.task.flow.record_id == late.id
    assert reminder.note == "请按期反馈办理结果"
    assert fresh.id != late.id


async def test_n_on_the_tab_registers_a_case_and_c_records_a_call(db):
    app = app_as(CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await to_petitions(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        assert "登记信访件" in str(app.screen.query_one(".panel-title").render())
        for value in ("路灯不亮", "", "李建国"):
            if value:
                await pilot.press(*value)
            await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PetitionDetailScreen), error_of(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SupervisionScreen)
        table = app.screen.query_one("#sup-petitions", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, "the new case listed")
        assert "路灯不亮" in rows(table)[0]
        table.focus()
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        assert "直线电话" in str(app.screen.query_one(".panel-title").render())
        await pilot.press("escape")
        await settle(pilot)
        # On the 督查事项 tab n is a 督查事项 again.
        app.screen.show_pane("items")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        assert "登记信访件" not in str(app.screen.query_one(".panel-title").render())
    (row,) = Petition.select()
    assert row.summary == "路灯不亮" and row.channel == "区长信箱"


async def test_tagged_cases_are_urged_at_once_and_a_closed_case_is_not_listed(db):
    late = _late_case()
    second = _late_case()
    closed = _fresh_case("已经办结的事")
    clerk = Actor(org.person_by_login(CLERK), datetime(2026, 11, 25, 10, 0))
    petition.not_accepted(clerk, _task(closed, "拟办").id, "属法院管辖，已告知向区人民法院反映")
    app = app_as(CLERK)
    async with app.run_test(size=SIZE) as pilot:
        table = await to_petitions(pilot, app)
        assert len(rows(table)) == 2 and "已经办结的事" not in " ".join(rows(table))
        await pilot.press("space", "space")  # a burst: both
        await settle(pilot)
        assert len(table.tags) == 2
        await pilot.press("semicolon")
        await settle(pilot)
        await pilot.press("u")  # 催办
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        await pilot.press(*"请今日反馈", "ctrl+s")
        await settle(pilot)
        assert "已办 2 项" in str(app.screen.query_one("#result-title").render())
    urged = {(r.task.flow.record_id, r.note) for r in Reminder.select()}
    assert urged == {(late.id, "请今日反馈"), (second.id, "请今日反馈")}


async def test_a_秘书科_clerk_sees_the_petitioner_masked(db):
    _late_case()
    app = app_as("zhangyt")
    async with app.run_test(size=SIZE) as pilot:
        table = await to_petitions(pilot, app)
        text = " ".join(rows(table))
        assert "菜场占道经营扰民" in text and "王*" in text
        assert "王秀兰" not in text and PHONE not in text
