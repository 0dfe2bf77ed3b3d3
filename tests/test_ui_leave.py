"""请假 screens driven by keys (SPEC §7; Part 3 §22): 秘书科 registers a head's leave, the
分管副区长 and the 区长 approve it from Home, a 副职's is refused with its reason, bad input is
refused naming the field, and a late 销假 is overdue on Home with no code of Home's own."""

from __future__ import annotations

from datetime import datetime

from helpers.workers import settle
from textual.widgets import DataTable, Label

from govdesk.app import GovDesk
from govdesk.models import LeaveRequest, Task
from govdesk.models import leave as states
from govdesk.screens.draft_modals import CloseFormModal
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.leave.detail import LeaveDetailScreen
from govdesk.screens.leave.register import LeaveRegisterScreen
from govdesk.services import leave, org
from govdesk.services.context import Actor
from govdesk.widgets.paged_table import PagedTable
from tests.conftest import NOW


def app_as(login: str, now: datetime = NOW) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=now)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def fill(pilot, *values: str) -> None:
    """Type each value into the modal's inputs in turn (Enter moves on; the last submits)."""
    for value in values:
        await type_text(pilot, value)
        await pilot.press("enter")
        await pilot.pause()


def error_of(app) -> str:
    return str(app.screen.query_one("#error", Label).render())


def rows(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def open_from_home(pilot, needle: str) -> None:
    await pilot.pause()  # Home reads in a worker (screens/base.py): let it show
    table = pilot.app.screen.query_one("#inbox", DataTable)
    index = next(i for i, row in enumerate(rows(table)) if needle in row)
    table.focus()
    table.move_cursor(row=index)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, LeaveDetailScreen)


async def test_clerk_registers_and_leaders_approve_through_the_keys(db):
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "v")
        await pilot.pause()
        assert isinstance(app.screen, LeaveRegisterScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FieldsModal)  # 请假人: 区发改局 蒋文博（正职）, the first
        await fill(pilot, "2026-11-30", "2026-12-02", "杭州", "参加省发改委会议", "13800000000")
        assert isinstance(app.screen, LeaveDetailScreen)
        assert "赵国梁" in str(app.screen.query_one("#timeline", DataTable).get_row_at(1))
    row = LeaveRequest.get()
    assert (row.person.login, row.grade, row.state) == ("jiangwb", "正职", states.PORTFOLIO)
    assert (row.destination, row.reason, row.contact) == ("杭州", "参加省发改委会议",
                                                          "13800000000")

    # The 常务副区长 (分管 发改局) finds it on Home, agrees and reports it on to the 区长.
    app = app_as("zhaogl")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "请假·分管审批")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FieldsModal)
        assert "同意并报区长" in str(app.screen.query_one(".panel-title", Label).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDetailScreen)
    assert LeaveRequest.get().state == states.HEAD_REVIEW

    app = app_as("wangjm")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_home(pilot, "请假·区长审批")
        await pilot.press("a", "enter")
        await pilot.pause()
    row = LeaveRequest.get()
    assert row.state == states.APPROVED
    (task,) = Task.select().where((Task.state == "waiting") & (Task.step == "销假"))
    assert task.holder_section.code == "mishu" and task.due.isoformat() == "2026-12-03"


async def test_refusal_needs_a_reason_and_is_saved_with_it(db):
    row = leave.register(Actor(org.person_by_login("lixm"), NOW), {
        "person": "qiangd", "starts_on": "2026-11-30", "ends_on": "2026-11-30",
        "destination": "温州", "reason": "家事"})
    app = app_as("zhengyf")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "请假·分管审批")
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FieldsModal)
        assert "不予准假理由" in error_of(app)
        assert LeaveRequest.get_by_id(row.id).state == states.PORTFOLIO
        await fill(pilot, "请安排在重点项目申报结束后")
        assert isinstance(app.screen, LeaveDetailScreen)
    row = LeaveRequest.get_by_id(row.id)
    assert row.state == states.REFUSED
    (task,) = Task.select().where(Task.step == "分管审批")
    assert (task.state, task.opinion) == ("returned", "请安排在重点项目申报结束后")


async def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(db):
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "v", "n")
        await pilot.pause()
        await fill(pilot, "2026-12-02", "2026-11-30", "杭州", "培训", "")
        assert isinstance(app.screen, FieldsModal)
        assert "结束日期" in error_of(app) and "早于" in error_of(app)
        # Fix the end, clear the reason: still refused, now for 事由; what was typed stays.
        modal = app.screen
        modal.query_one("#f-ends_on").value = "2026-12-04"
        modal.query_one("#f-reason").value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "事由" in error_of(app)
        assert modal.query_one("#f-destination").value == "杭州"
        await pilot.press("escape")  # typed in: closing asks (保存 / 放弃 / 继续编辑)
        await pilot.pause()
        assert isinstance(app.screen, CloseFormModal)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, LeaveRegisterScreen)
        assert app.screen.query_one("#leave-register", PagedTable).row_count == 0
    assert LeaveRequest.select().count() == 0


async def test_late_cancel_is_overdue_on_home_for_the_supervision_office(db):
    clerk = org.person_by_login("lixm")
    row = leave.register(Actor(clerk, datetime(2026, 11, 20, 9)), {
        "person": "qiangd", "starts_on": "2026-11-23", "ends_on": "2026-11-24",
        "destination": "上海", "reason": "研修"})
    (task,) = Task.select().where(Task.state == "waiting")
    leave.approve(Actor(task.holder, datetime(2026, 11, 20, 11)), task.id)
    app = app_as("guojw")  # 督查室: everyone's deadlines
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        late = [r for r in rows(app.screen.query_one("#deadlines", DataTable)) if "请假" in r]
        assert len(late) == 1
        assert "[已超期] 11-25" in late[0] and "请假·销假" in late[0] and "秘书科" in late[0]
        assert row.title in late[0]
        # 督查室's own screen: the same task among everyone's overdue work; u urges its holder.
        await pilot.press("5")
        await pilot.pause()
        due = app.screen.query_one("#due", DataTable)
        index = next(i for i, r in enumerate(rows(due)) if "请假·销假" in r)
        due.focus()
        due.move_cursor(row=index)
        await pilot.press("u", "ctrl+s")  # its holder ticked: sent at once
        await settle(pilot)
    (task,) = Task.select().where(Task.state == "waiting")
    assert task.reminders == 1
    # 秘书科 sees it in its own inbox, does the 销假 from there, and it leaves both lists.
    app = app_as("zhoux")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "请假·销假")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDetailScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not [r for r in rows(app.screen.query_one("#deadlines", DataTable))
                    if "请假" in r]
    row = LeaveRequest.get_by_id(row.id)
    assert (row.state, row.returned_on) == (states.RESUMED_LATE, NOW.date())
