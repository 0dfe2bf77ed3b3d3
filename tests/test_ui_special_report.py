"""人大常委会 special work reports driven by keys (SPEC §11; Part 2 §5(二)): 督查室 registers the
人大's letter from the 督查室 screen, names the reporting department and its due date, registers
its report and reviews it; the 主管领导 approves it from Home; 印送, the committee's opinions with
their deadline, the department's handling and 督查室's 把关."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.workers import settle
from test_ui_suggestion import app_as, error_of, fill, open_from_home, rows
from textual.widgets import DataTable

from govdesk.models import SpecialReport
from govdesk.models import suggestion as states
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.special_report.detail import SpecialReportDetailScreen
from govdesk.screens.special_report.register import SpecialReportRegisterScreen

pytestmark = pytest.mark.usefixtures("config_file")


async def act(pilot, key: str, *values: str) -> None:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, FieldsModal), key
    for n, value in enumerate(values):
        if n:
            await pilot.press("tab")
        await pilot.press(*value)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SpecialReportDetailScreen), (key, error_of(pilot.app))


async def test_a_report_from_the_letter_to_the_committee_and_its_opinions_followed_up(db):
    app = app_as("guojw")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "g")
        await settle(pilot)
        assert isinstance(app.screen, SpecialReportRegisterScreen)
        await pilot.press("n")
        await settle(pilot)
        await fill(pilot, "黄人大常函〔2026〕5号", "关于全区义务教育均衡发展情况的报告",
                   "拟于12月常委会会议听取和审议", "2026-12-20")
        await settle(pilot)
        assert isinstance(app.screen, SpecialReportDetailScreen)
        await act(pilot, "t", "区教育局", "2026-12-10")
        row = SpecialReport.get()
        assert (row.state, row.department.short, row.report_due) == (
            states.R_WRITING, "区教育局", date(2026, 12, 10))
        await act(pilot, "d", "一、基本情况……")
        await act(pilot, "r")
        assert SpecialReport.get().state == states.R_APPROVAL

    app = app_as("zhoudw")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "专项工作报告·阅批", SpecialReportDetailScreen)
        await act(pilot, "a")
    assert SpecialReport.get().state == states.R_SENDING

    app = app_as("guojw")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "专项工作报告·印送", SpecialReportDetailScreen)
        await act(pilot, "s")
        await act(pilot, "o", "加快薄弱学校改造", "2027-01-31")
        row = SpecialReport.get()
        assert (row.state, row.opinions_due) == (states.R_FOLLOWING, date(2027, 1, 31))
        await act(pilot, "e", "已制定三年改造计划")
        await act(pilot, "r")
        timeline = rows(app.screen.query_one("#timeline", DataTable))
        assert any("把关" in line for line in timeline)
    assert SpecialReport.get().state == states.R_CLOSED
