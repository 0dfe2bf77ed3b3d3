"""The record registers' shared screen (screens/record_register.py), driven by keys on the
专项工作报告 register: moving down past the first page reads the next one and Enter opens the
record the cursor is on; a refresh keeps the cursor on its record; ``n`` and Esc from the form
come back to the register loaded again; Esc leaves it."""

from __future__ import annotations

import pytest
from helpers.workers import settle
from test_ui_suggestion import app_as, rows
from textual.widgets import Label

from govdesk.models import SpecialReport
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.record_register import PAGE
from govdesk.screens.special_report.detail import SpecialReportDetailScreen
from govdesk.screens.special_report.register import SpecialReportRegisterScreen
from govdesk.screens.supervision import SupervisionScreen
from govdesk.services import org, special_report
from govdesk.services.context import Actor
from govdesk.widgets.paged_table import PagedTable
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("config_file")


def letters(n: int, start: int = 1) -> list[int]:
    clerk = Actor(org.person_by_login("guojw"), NOW)  # 督查室
    return [special_report.register(clerk, {
        "letter_number": f"黄人大常函〔2026〕{i}号", "title": f"关于第{i}项工作的报告"}).id
        for i in range(start, start + n)]


def title_of(screen) -> str:
    return str(screen.query_one("#report-title", Label).render())


async def test_moving_down_past_the_first_page_reads_the_next_and_enter_opens_that_record(db):
    ids = letters(PAGE + 5)
    app = app_as("guojw")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SpecialReportRegisterScreen)
        table = screen.query_one("#report-register", PagedTable)
        assert table.row_count == PAGE and f"{PAGE} 件+" in title_of(screen)
        assert "第105项" in rows(table)[0]  # newest first
        await pilot.press(*["down"] * (PAGE + 2))  # a burst, past the first page
        await settle(pilot)
        assert table.row_count == PAGE + 5
        assert table.selected_key() == str(ids[2])  # the 103rd newest: the 3rd registered
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SpecialReportDetailScreen)
        assert app.screen.doc_id == ids[2]


async def test_a_refresh_keeps_the_cursor_on_its_record_and_the_form_comes_back_to_it(db):
    ids = letters(3)
    app = app_as("guojw")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "g")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#report-register", PagedTable)
        await pilot.press("down")
        assert table.selected_key() == str(ids[1])
        (newer,) = letters(1, start=4)  # another desk registers one meanwhile
        screen.refresh_data()
        await settle(pilot)
        assert table.row_count == 4 and "4 件" in title_of(screen)
        assert table.selected_key() == str(ids[1])  # still on the same letter, now 3rd
        assert table.cursor_row == 2
        # n: the letter's form; Esc from it (nothing typed) is back on the register.
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and table.selected_key() == str(ids[1])
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SupervisionScreen)
    assert SpecialReport.select().count() == 4 and newer > ids[-1]
