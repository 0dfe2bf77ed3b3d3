"""导入收文台账 on the desk, driven by keys (SPEC §15): i on the 收文 register, a path, the
preview of bad rows and duplicates, 导入 in a worker; Esc imports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from textual.widgets import DataTable, Input, Label, ProgressBar

from govdesk.app import GovDesk
from govdesk.models import AuditEntry, IncomingDocument
from govdesk.screens.import_sheet import ImportScreen
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.services import org
from govdesk.widgets.paged_table import PagedTable
from tests.conftest import NOW
from tests.helpers.workers import settle

pytestmark = pytest.mark.usefixtures("config_file")


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def sheet(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年收文台账"])
    ws.merge_cells("A1:E1")
    ws.append(["来文单位", "文号", "事由", "密级", "收文日期"])
    ws.append(["黄岩区财政局", "黄财〔2025〕1号", "关于甲的报告", "无", "2025-03-03"])
    ws.append(["区教育局", "黄教〔2025〕2号", None, "无", "2025-03-04"])
    ws.append(["外单位", "外〔2025〕3号", "关于丙的函", "无", "2025-03-05"])
    ws.append(["外单位", "外〔2025〕3号", "关于丙的函", "无", "2025-03-05"])
    wb.save(path)
    return path


async def open_import(pilot, path: Path) -> ImportScreen:
    await pilot.press("1")
    await settle(pilot)
    await pilot.press("i")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return screen


async def test_the_clerk_previews_and_imports_a_sheet(db, tmp_path):
    path = sheet(tmp_path / "台账.xlsx")
    app = app_as("lixm")
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_import(pilot, path)
        table = screen.query_one("#problems", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [(r[0], r[1]) for r in rows] == [("4", "C 事由"), ("6", "")]
        assert "标题：不能为空" in rows[0][2] and "与第 5 行相同" in rows[1][2]
        assert "可导入 2 行，有误 1 行，重复 1 行" in str(screen.query_one("#summary",
                                                                       Label).render())
        assert "“事由” → 标题" in str(screen.query_one("#columns").render())
        assert IncomingDocument.select().count() == 0  # a preview writes nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)
        register = app.screen.query_one("#register", PagedTable)
        assert register.row_count == 2
    titles = {d.title for d in IncomingDocument.select()}
    assert titles == {"关于甲的报告", "关于丙的函"}


async def test_escape_after_the_preview_imports_nothing(db, tmp_path):
    path = sheet(tmp_path / "台账.xlsx")
    audit = AuditEntry.select().count()
    app = app_as("lixm")
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_import(pilot, path)
        assert screen.plan is not None and len(screen.plan.good) == 2
        assert not screen.query_one("#progress", ProgressBar).display
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)
    assert IncomingDocument.select().count() == 0
    assert AuditEntry.select().count() == audit


async def test_a_file_that_cannot_be_read_is_said_and_the_key_is_only_for_clerks(db, tmp_path):
    app = app_as("lixm")
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_import(pilot, tmp_path / "无.xlsx")
        assert "无.xlsx" in str(screen.query_one("#status", Label).render())
        assert "import_sheet.confirm" not in screen.available_commands()
    app = app_as("linzh")  # 主任: no 收文 registration, no import
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, SecretariatScreen)
        assert "secretariat.import_incoming" not in app.screen.available_commands()
        await pilot.press("i")
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)


async def test_the_mapping_is_changed_on_the_screen(db, tmp_path):
    """Headers nobody could guess: the first read finds no header row and says so; 列名=字段
    typed in the mapping box and Enter read it again."""
    wb = Workbook()
    ws = wb.active
    ws.append(["发件方", "文件名", "到达日"])
    ws.append(["外单位", "一月的函", "2025-01-05"])
    wb.save(tmp_path / "odd.xlsx")
    app = app_as("lixm")
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_import(pilot, tmp_path / "odd.xlsx")
        assert "表头" in str(screen.query_one("#status", Label).render())
        assert screen.plan is None
        screen.query_one("#mapping", Input).value = "发件方=来文单位 文件名=标题 到达日=收文日期"
        screen.query_one("#mapping", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.plan is not None and [g.row for g in screen.plan.good] == [2]
        assert "“发件方” → 来文单位（指定）" in str(screen.query_one("#columns").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [d.title for d in IncomingDocument.select()] == ["一月的函"]


def ledger(path: Path, headers: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


async def read_and_import(pilot, path: Path) -> str:
    """The path typed, the preview read, 导入; the screen's title as it was."""
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    title = str(screen.query_one(".panel-title", Label).render())
    screen.query_one("#path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert not isinstance(pilot.app.screen, ImportScreen)
    return title


async def test_i_on_the_supervision_items_imports_a_ledger(db, tmp_path):
    from datetime import date

    from govdesk.models import SupervisionItem

    path = ledger(tmp_path / "督查台账.xlsx",
                  ["督查类别", "督查事项", "牵头单位", "常务会议日期"],
                  [["重点工作", "推进城东片区旧城改造", "区发改局", date(2026, 2, 12)]])
    app = app_as("guojw")
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        assert "supervision.import_items" in app.screen.available_commands()
        await pilot.press("i")
        await settle(pilot)
        assert await read_and_import(pilot, path) == "导入督查事项台账"
    assert [i.title for i in SupervisionItem.select()] == ["推进城东片区旧城改造"]


async def test_i_on_the_suggestion_register_imports_the_list_and_is_the_supervisions(
        db, tmp_path):
    from govdesk.models import Suggestion
    from govdesk.screens.suggestion.register import SuggestionRegisterScreen

    path = ledger(tmp_path / "建议.xlsx", ["类别", "编号", "领衔代表", "案由", "内容"],
                  [["人大建议", "第101号", "陈立新", "关于学校扩容的建议", "新建两所小学"]])
    app = app_as("zhuh")  # 信息科: the register opens, the key is not offered
    async with app.run_test(size=(130, 40)) as pilot:
        app.push_screen(SuggestionRegisterScreen())
        await settle(pilot)
        assert "suggestion_register.import" not in app.screen.available_commands()
    app = app_as("guojw")
    async with app.run_test(size=(130, 40)) as pilot:
        app.push_screen(SuggestionRegisterScreen())
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await read_and_import(pilot, path)
        assert isinstance(app.screen, SuggestionRegisterScreen)
    assert [(s.number, s.proposer) for s in Suggestion.select()] == [("第101号", "陈立新")]


async def test_a_path_changed_after_the_preview_must_be_read_again(db, tmp_path):
    """导入 writes what the preview showed, so another path typed waits for the next read."""
    path = sheet(tmp_path / "台账.xlsx")
    app = app_as("lixm")
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_import(pilot, path)
        assert "import_sheet.confirm" in screen.available_commands()
        screen.query_one("#path", Input).value = str(tmp_path / "另一个.xlsx")
        await pilot.pause()
        assert "import_sheet.confirm" not in screen.available_commands()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert "重新读取" in str(screen.query_one("#status", Label).render())
    assert IncomingDocument.select().count() == 0
