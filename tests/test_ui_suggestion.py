"""建议提案 screens driven by keys (SPEC §11; Part 2 §5(一)): 督查室 registers a deputy's
suggestion from the 督查室 screen, assigns it, registers the co-unit's opinion and the lead
unit's reply on their behalf, reviews it; the 主管领导 approves it from Home; after 不满意 the
unit's second reply; the statistics tab counts it; the one search and the palette reach it."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers.workers import settle
from textual.widgets import DataTable, Label, Select

from govdesk.app import GovDesk
from govdesk.models import Suggestion
from govdesk.models import suggestion as states
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.suggestion.detail import SuggestionDetailScreen
from govdesk.screens.suggestion.register import SuggestionRegisterScreen
from govdesk.services import org
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("config_file")


def app_as(login: str, now: datetime = NOW) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=now)


async def fill(pilot, *values: str) -> None:
    """Type each value into the modal's inputs in turn (Enter moves on; the last submits)."""
    for value in values:
        await pilot.press(*value)
        await pilot.press("enter")
        await pilot.pause()


def rows(table: DataTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def error_of(app) -> str:
    return str(app.screen.query_one("#error", Label).render())


async def act(pilot, key: str, *values: str, refused: str = "") -> None:
    """A key of the detail screen, then its modal: each value typed (Tab between), Ctrl+S
    saves. ``refused``: the modal must stay open with this in its message (then Esc)."""
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, FieldsModal), key
    for n, value in enumerate(values):
        if n:
            await pilot.press("tab")
        await pilot.press(*value)
    await pilot.press("ctrl+s")
    await settle(pilot)
    if refused:
        assert isinstance(pilot.app.screen, FieldsModal) and refused in error_of(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        if not isinstance(pilot.app.screen, SuggestionDetailScreen):  # 放弃 what was typed
            await pilot.press("d")
            await settle(pilot)
    assert isinstance(pilot.app.screen, SuggestionDetailScreen), (key, error_of(pilot.app))


async def open_from_home(pilot, needle: str, screen=None) -> None:
    await settle(pilot)
    table = pilot.app.screen.query_one("#inbox", DataTable)
    index = next(i for i, row in enumerate(rows(table)) if needle in row)
    table.focus()
    table.move_cursor(row=index)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, screen or SuggestionDetailScreen)


async def test_one_suggestion_from_registration_to_a_second_reply_after_dissatisfied(
        db, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path / "exports"))
    app = app_as("guojw")  # 督查室
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "j")
        await settle(pilot)
        assert isinstance(app.screen, SuggestionRegisterScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        # 编号 left empty first: refused, naming the field, nothing saved.
        await fill(pilot, "", "陈立新", "城关代表团", "关于加快城区学校扩容的建议", "教育",
                   "城区学位紧张，建议新建两所小学", "区十七届人大五次会议", "")
        await settle(pilot)
        assert "编号" in error_of(app) and Suggestion.select().count() == 0
        app.screen.query_one("#f-number").focus()
        await pilot.press(*"第12号", "ctrl+s")
        await settle(pilot)
        # A batch: the form comes back for the next one, the 会议 kept; Esc ends it.
        assert isinstance(app.screen, FieldsModal)
        assert app.screen.query_one("#f-session").value == "区十七届人大五次会议"
        assert app.screen.query_one("#f-number").value == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SuggestionRegisterScreen)
        table = app.screen.query_one("#suggestion-register", DataTable)
        assert "建议第12号" in rows(table)[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SuggestionDetailScreen)
        row = Suggestion.get()
        assert (row.source, row.number, row.proposer, row.state) == (
            "建议", "第12号", "陈立新", states.REGISTERED)

        await act(pilot, "j", "区教育局", "区住建局")  # 交办: lead unit, co-unit
        row = Suggestion.get()
        assert row.state == states.HANDLING and row.lead_unit.short == "区教育局"
        # The lead unit's reply waits for the co-unit's opinion.
        await act(pilot, "d", "拟新建两所小学", refused="区住建局")
        await act(pilot, "o", "同意主办单位意见")  # on the co-unit's behalf
        await act(pilot, "d", "拟于2027年新建两所小学")
        assert Suggestion.get().state == states.REVIEW
        await act(pilot, "r")  # 督查室 审核: passed, on to the 主管领导
        assert Suggestion.get().state == states.APPROVAL

    app = app_as("zhoudw")  # 分管 区教育局
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "建议提案·阅批")
        await act(pilot, "a")
    assert Suggestion.get().state == states.SENDING

    app = app_as("guojw")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "建议提案·寄送")
        await act(pilot, "s")
        assert Suggestion.get().state == states.REPLIED
        # The deputy is not satisfied: 不满意 chosen in the modal's first field.
        await pilot.press("f")
        await settle(pilot)
        select = app.screen.query_one("#f-verdict", Select)
        select.focus()
        await pilot.press("enter", "down", "down", "enter")
        await pilot.pause()
        assert select.value == "不满意"
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = Suggestion.get()
        assert row.state == states.REDO and row.feedback == "不满意"
        await act(pilot, "e", "已与代表沟通，明年开工")
        assert Suggestion.get().state == states.REPLIED
        await act(pilot, "f")  # 满意, the first choice
        timeline = rows(app.screen.query_one("#timeline", DataTable))
        assert sum("反馈" in line for line in timeline) == 2
    row = Suggestion.get()
    assert row.state == states.CLOSED and row.feedback == "满意"

    # The 督查室 screen's 建议提案 tab counts it for its lead unit.
    app = app_as("guojw")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "right_square_bracket", "right_square_bracket",
                          "right_square_bracket")  # 督查事项 → … → 建议提案
        await settle(pilot)
        assert app.screen.query_one("#panes").active == "pane-suggestions"
        table = app.screen.query_one("#suggestions", DataTable)
        (unit, total) = rows(table)
        assert unit.startswith("区教育局 1 0 0 0 1") and "100%" in unit
        assert total.startswith("合计 1")
        # 满意/基本满意/不满意 as bars, the numbers beside them
        chart = str(app.screen.query_one("#suggestion-satisfaction").render()).splitlines()
        assert "共 1 件" in chart[0]
        assert [line.split()[0] for line in chart[1:]] == ["满意", "基本满意", "不满意"]
        assert chart[1].endswith("1（100%）") and "█" in chart[1]
        assert chart[2].endswith("0（0%）") and chart[3].endswith("0（0%）")
        await pilot.press("ctrl+e")  # the figures as text
        await settle(pilot)
        text = (tmp_path / "exports" / "建议提案办理情况-2026.txt").read_text(encoding="utf-8")
        assert "区教育局：1 件" in text and "满意率 100%（1/1）" in text


async def test_the_palette_and_the_one_search_reach_a_suggestion(db):
    from govdesk.services import suggestion
    from govdesk.services.context import Actor

    suggestion.register(Actor(org.person_by_login("guojw"), NOW), {
        "source": "提案", "number": "第3号", "proposer": "王丽", "group": "教育界",
        "title": "关于提升乡村医疗水平的提案", "body": "建议增设村卫生室"})
    app = app_as("guojw")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"建议提案登记簿", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SuggestionRegisterScreen)
        table = app.screen.query_one("#suggestion-register", DataTable)
        assert "提案第3号" in rows(table)[0]
        await pilot.press("t")  # 建议 only: the 提案 is not among them
        await settle(pilot)
        assert table.row_count == 0
        await pilot.press("escape", "slash")
        await settle(pilot)
        await pilot.press(*"乡村医疗", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SuggestionDetailScreen)
        assert "王丽" in str(app.screen.query_one("#fields").render())
