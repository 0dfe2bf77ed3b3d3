"""督查事项 through the keys (SPEC §10; Part 2 §4): 督查室 registers a 重点工作 from its tab
(key 5, its first tab), registers each unit's 签收 and two progress reports, issues a numbered 催办单,
takes the lead unit's final report and confirms the 办结; a leader sees the 批示 items and the
overdue items of their portfolio on 需要关注; the one search opens an item; a bad form is
refused naming the field."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from helpers.workers import settle, wait_for
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Label

from govdesk.app import GovDesk
from govdesk.models import SupervisionItem, SupervisionNotice, SupervisionReport, Task
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.list_view import SavedFiltersModal
from govdesk.screens.search import SearchScreen
from govdesk.screens.supervision import SupervisionScreen
from govdesk.screens.supervision_items.detail import SupervisionItemScreen
from govdesk.services import org, supervision
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("config_file")
SIZE = (120, 40)
CLERK = "shenyj"  # 督查室


def app_as(login: str, now: datetime = NOW) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=now)


def error_of(app) -> str:
    return str(app.screen.query_one("#error", Label).render())


def rows(table: DataTable) -> list[str]:
    return [" ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i))
            for i in range(table.row_count)]


async def fill(pilot, *values: str) -> None:
    """Type each value into the modal's inputs in turn (Enter moves on; the last submits)."""
    for value in values:
        await pilot.press(*value)
        await pilot.press("enter")
        await pilot.pause()


async def to_items_tab(pilot, app) -> SupervisionScreen:
    await pilot.press("5")
    await wait_for(pilot, lambda: isinstance(app.screen, SupervisionScreen), "督查室")
    await settle(pilot)
    # The screen opens on 督查事项, its first tab.
    assert app.screen.query_one("#panes").active == "pane-items"
    return app.screen


async def key(pilot, app, name: str, screen_type=FieldsModal) -> None:
    await pilot.press(name)
    await wait_for(pilot, lambda: isinstance(app.screen, screen_type), f"after {name}")
    await pilot.pause()


async def back_on_item(pilot, app) -> None:
    await pilot.pause()
    if isinstance(app.screen, FieldsModal):
        raise AssertionError(f"the form refused: {error_of(app)}")
    await wait_for(pilot, lambda: isinstance(app.screen, SupervisionItemScreen), "the item")
    await settle(pilot)


async def test_key_work_from_assignment_through_reports_urge_and_close(db):
    app = app_as(CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await to_items_tab(pilot, app)
        await key(pilot, app, "n")  # the kind: 重点工作 is the first
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldsModal)
                       and app.screen.query("#f-meeting_on"), "the 重点工作 form")
        await pilot.pause()
        await fill(pilot, "推进城东片区旧城改造", "区发改局", "区住建局 区教育局", "江文彬",
                   "陈晓", "年底前完成征迁八成", "2026-02-12")
        await back_on_item(pilot, app)
        assert "督查〔2026〕1号" in app.screen.sub_title

        for _unit in ("区发改局", "区住建局", "区教育局"):  # 签收, each for its unit
            await key(pilot, app, "s")
            await pilot.press("enter")  # the unit's date: today
            await back_on_item(pilot, app)
        row = SupervisionItem.get()
        assert row.next_due == date(2027, 1, 26)

        await key(pilot, app, "r")  # the lead unit's report (the first unit offered)
        await pilot.press(*"完成安置房选址", "enter", *"30", "ctrl+s")
        await back_on_item(pilot, app)
        await key(pilot, app, "r")
        await pilot.press(*"征迁完成四成", "enter", *"40", "ctrl+s")
        await back_on_item(pilot, app)
        row = SupervisionItem.get()
        assert (row.status, row.progress, row.next_due) == ("推进中", 40, date(2027, 5, 26))

        await key(pilot, app, "u")
        await fill(pilot, "请按期报送")
        await back_on_item(pilot, app)
        info = str(app.screen.query_one("#fields").render())
        assert "督催〔2026〕1号" in info and "[催办×1]" in info

        await key(pilot, app, "f")
        await fill(pilot, "征迁全部完成", "")
        await back_on_item(pilot, app)
        await key(pilot, app, "c")
        await pilot.press("enter")
        await back_on_item(pilot, app)
        assert "已完成" in str(app.screen.query_one("#fields").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisionScreen), "back")
        await settle(pilot)
        table = app.screen.query_one("#sup-items", DataTable)
        assert "推进城东片区旧城改造" in rows(table)[0] and "已完成" in rows(table)[0]
        await pilot.press("right_square_bracket", "right_square_bracket")  # 督查统计
        await settle(pilot)
        assert app.screen.query_one("#panes").active == "pane-sup_stats"
        (line,) = rows(app.screen.query_one("#sup-stats", DataTable))
        assert line.startswith("区发改局 1 1 0 ") and "100%（3/3）" in line

    row = SupervisionItem.get()
    assert (row.state, row.status, row.progress) == ("已办结", "已完成", 100)
    assert [(r.progress, r.final) for r in SupervisionReport.select().order_by(
        SupervisionReport.id)] == [(30, False), (40, False), (100, True)]
    assert SupervisionNotice.get().note == "请按期报送"


async def test_a_bad_form_is_refused_naming_the_field_and_saves_nothing(db):
    app = app_as(CLERK)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_items_tab(pilot, app)
        await key(pilot, app, "n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldsModal)
                       and app.screen.query("#f-meeting_on"), "the 重点工作 form")
        await pilot.pause()
        await fill(pilot, "推进城东片区旧城改造", "区发改局", "区发改局", "", "", "", "2026-02-12")
        assert isinstance(app.screen, FieldsModal)
        assert "协办单位" in error_of(app)
        assert app.screen.query_one("#f-title", Input).value == "推进城东片区旧城改造"
    assert SupervisionItem.select().count() == 0


def _instructed() -> SupervisionItem:
    clerk = Actor(org.person_by_login(CLERK), NOW)
    row = supervision.register(clerk, {
        "kind": "领导批示件", "title": "关于城西停水问题的批示", "lead_unit": "区住建局",
        "instructed_by": "wangjm", "instruction": "请住建局三日内解决", "urgency": "特急"})
    f = engine.flow_of(supervision.KIND, row.id)
    (sign,) = Task.select().where((Task.flow == f) & (Task.state == "waiting"))
    return supervision.sign(clerk, sign.id)


async def test_the_head_sees_his_instruction_late_with_its_badge_and_opens_it(db):
    row = _instructed()
    supervision.urge(Actor(org.person_by_login(CLERK), NOW), row.id)
    later = datetime(2026, 12, 3, 9, 0)  # due 12-01: late
    app = app_as("wangjm", later)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisionScreen), "督查室")
        await settle(pilot)
        await pilot.press("right_square_bracket")  # 督查事项 → 需要关注
        await settle(pilot)
        assert app.screen.query_one("#panes").active == "pane-attention"
        table = app.screen.query_one("#sup-attention", DataTable)
        (line,) = rows(table)
        assert "关于城西停水问题的批示" in line and "滞后" in line and "催办×1" in line
        await pilot.press("enter")
        await back_on_item(pilot, app)
        await key(pilot, app, "i")  # a further 批示: his own
        await fill(pilot, "", "务必本周解决", "")
        await back_on_item(pilot, app)
    clerk = Actor(org.person_by_login(CLERK), later)
    waiting = {a.step for a in engine.available_actions(
        clerk, supervision.KIND, row.id) if a.task_id}
    assert waiting == {"反馈", "阅批示"}


async def test_the_one_search_opens_an_item(db):
    row = _instructed()
    app = app_as("linzh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "search")
        await pilot.press(*"城西停水", "enter")
        table = app.screen.query_one("#search-results", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0, "results")
        assert "督查事项" in rows(table)[0] and supervision.number_of(row) in rows(table)[0]
        await pilot.press("enter")
        await back_on_item(pilot, app)
        assert row.title in app.screen.sub_title


async def test_the_palette_registers_an_item(db):
    app = app_as(CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_new_supervision_item()
        await wait_for(pilot, lambda: isinstance(app.screen, FieldsModal)
                       and app.screen.query(".panel-title"), "the kind")
        assert "选择类别" in str(app.screen.query_one(".panel-title", Label).render())


async def test_a_special_report_compiled_for_a_period_names_the_late_unit(db, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path / "exports"))
    clerk = Actor(org.person_by_login(CLERK), NOW)
    row = supervision.register(clerk, {
        "kind": "重点工作", "title": "推进城东片区旧城改造", "lead_unit": "区发改局",
        "meeting_on": "2026-02-12"})
    f = engine.flow_of(supervision.KIND, row.id)
    (sign,) = Task.select().where((Task.flow == f) & (Task.state == "waiting"))
    supervision.sign(clerk, sign.id)  # report due 2027-01-26
    app = app_as(CLERK, datetime(2027, 2, 1, 9, 0))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_items_tab(pilot, app)
        table = app.screen.query_one("#sup-items", DataTable)
        assert "滞后" in rows(table)[0]
        await key(pilot, app, "p")
        # 刊物: 督查专报, the first; the cursor starts in the period's first date
        await fill(pilot, "2026-12-01", "2027-01-31")
        from govdesk.screens.supervision_items.publish import IssueScreen

        await wait_for(pilot, lambda: isinstance(app.screen, IssueScreen), "the issue")
        await pilot.pause()
        text = str(app.screen.query_one("#issue-text").render())
        assert "《督查专报》" in text and "2027年第1期" in text
        assert "进展滞后的单位：区发改局（1 件" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisionScreen), "back")
    saved = tmp_path / "exports" / "督查专报-2027-第1期.txt"
    assert "统计期间：2026-12-01 至 2027-01-31" in saved.read_text(encoding="utf-8")


async def test_u_on_the_items_tab_issues_a_numbered_notice(db):
    row = _instructed()
    app = app_as(CLERK)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_items_tab(pilot, app)
        assert app.screen.focused is app.screen.query_one("#sup-items", DataTable)
        await key(pilot, app, "u")
        assert row.title in str(app.screen.query_one(".panel-title", Label).render())
        await fill(pilot, "请今日反馈")
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisionScreen), "back")
        await settle(pilot)
        assert "催办×1" in rows(app.screen.query_one("#sup-items", DataTable))[0]
    notice = SupervisionNotice.get()
    assert (notice.item_id, notice.seq, notice.note, notice.units) == (row.id, 1, "请今日反馈",
                                                                       "区住建局")


async def test_three_items_tagged_get_a_numbered_notice_each_and_a_finished_one_is_refused(db):
    """Triage on the 督查事项 tab: Space tags, ; offers 发催办单, one note for all; an item no
    unit owes anything on any more is listed with its reason, the others get 督催 1 and 2."""
    clerk = Actor(org.person_by_login(CLERK), NOW)
    first = supervision.register(clerk, {"kind": "大项目", "title": "城东污水处理厂扩建",
                                         "lead_unit": "区住建局"})
    second = supervision.register(clerk, {"kind": "大项目", "title": "永宁江绿道二期",
                                          "lead_unit": "区发改局"})
    third = supervision.register(clerk, {"kind": "大项目", "title": "城西学校新建",
                                         "lead_unit": "区教育局"})
    app = app_as(CLERK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_items_tab(pilot, app)
        table = screen.query_one("#sup-items", DataTable)
        await wait_for(pilot, lambda: table.row_count == 3, "the items")
        await pilot.press("space", "space", "space")  # a burst: all three
        await settle(pilot)
        assert len(table.tags) == 3
        # Meanwhile one item's lead unit signs and files its final report: nothing is owed,
        # it waits for the 督查室's confirmation, so no 催办单 for it.
        def waiting():
            return Task.get((Task.flow == engine.flow_of("supervision", third.id))
                            & (Task.state == "waiting"))
        supervision.sign(clerk, waiting().id)
        supervision.final_report(clerk, waiting().id, {"text": "已建成", "progress": "100"})
        await pilot.press("semicolon")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        await pilot.press(*"请本周反馈", "ctrl+s")
        await settle(pilot)
        assert "已办 2 项，未办 1 项" in str(app.screen.query_one("#result-title").render())
        refused = rows(app.screen.query_one("#refused", DataTable))
        assert len(refused) == 1 and "城西学校新建" in refused[0], refused
    notices = list(SupervisionNotice.select().order_by(SupervisionNotice.seq))
    assert [n.seq for n in notices] == [1, 2]  # gap-free, in the order the list showed them
    assert {(n.item_id, n.note) for n in notices} == {(first.id, "请本周反馈"),
                                                      (second.id, "请本周反馈")}


async def test_the_filter_line_narrows_the_items_and_k_and_o_rewrite_it(db):
    """l on the 督查事项 tab: 单位:住建 typed and Enter narrows the register, the title says
    it and it is kept for the person; a bad token is refused naming it, the list as it was;
    k puts the next kind on the line, o adds 逾期."""
    from govdesk.services import settings

    clerk = Actor(org.person_by_login(CLERK), NOW)
    supervision.register(clerk, {"kind": "大项目", "title": "城东污水处理厂扩建",
                                 "lead_unit": "区住建局"})
    supervision.register(clerk, {"kind": "重点工作", "title": "推进城东片区旧城改造",
                                 "lead_unit": "区发改局", "co_units": "区住建局",
                                 "meeting_on": "2026-02-12"})
    supervision.register(clerk, {"kind": "大项目", "title": "城西学校新建",
                                 "lead_unit": "区教育局"})
    app = app_as(CLERK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_items_tab(pilot, app)
        table = screen.query_one("#sup-items", DataTable)
        await wait_for(pilot, lambda: table.row_count == 3, "the items")

        def title() -> str:
            return str(screen.query_one("#sup-items-title", Label).render())

        await pilot.press("l", *"单位:住建", "enter")  # a burst, as typed
        await settle(pilot)
        await wait_for(pilot, lambda: table.row_count == 2, "the filtered items")
        assert {line.split()[2] for line in rows(table)} == {"城东污水处理厂扩建",
                                                             "推进城东片区旧城改造"}
        assert "单位:住建" in title() and "共 2 件" in title()
        assert screen.focused is table

        await pilot.press("l", *" 状态:很好", "enter")
        await settle(pilot)
        assert any("“状态:很好”" in str(n.message) for n in app._notifications)
        assert table.row_count == 2

        await pilot.press("escape")  # the line as it was in force
        await settle(pilot)
        await pilot.press("k")  # 类:重点工作, the first kind
        await settle(pilot)
        await wait_for(pilot, lambda: table.row_count == 1, "the key work")
        assert "推进城东片区旧城改造" in rows(table)[0]
        assert "类:重点工作 单位:住建" in title() and "（重点工作）" in title()
        await pilot.press("k")  # 大项目
        await settle(pilot)
        await wait_for(pilot, lambda: "类:大项目" in title(), "the next kind")
        assert [line.split()[2] for line in rows(table)] == ["城东污水处理厂扩建"]
        await pilot.press("o")  # and only the overdue: none yet
        await settle(pilot)
        await wait_for(pilot, lambda: table.row_count == 0, "nothing overdue")
        assert "逾期" in title() and "只看超期" in title()
    assert settings.list_filters(CLERK)["ducha.items"] == "类:大项目 单位:住建 逾期"

    app = app_as(CLERK)  # the next time, the line is in force again
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_items_tab(pilot, app)
        assert "类:大项目 单位:住建 逾期" in str(
            screen.query_one("#sup-items-title", Label).render())
        assert screen.query_one("#sup-items", DataTable).row_count == 0
        await pilot.press("L")  # the line saved by a name, read by the register's words
        await wait_for(pilot, lambda: isinstance(app.screen, SavedFiltersModal), "L")
        await pilot.press(*"住建项目", "enter")
        await wait_for(pilot, lambda: settings.saved_filters(CLERK), "the saved line")
        assert settings.saved_filters(CLERK) == {"住建项目": "类:大项目 单位:住建 逾期"}


async def test_the_statistics_tab_draws_items_by_status_per_month_with_the_numbers(db):
    """督查统计: under the units' table, a stacked bar per month of the year with its counts
    beside it (未启动 推进中 滞后 已完成 合计), and the reports per month as a sparkline with
    the numbers under it."""
    clerk = Actor(org.person_by_login(CLERK), NOW)
    row = supervision.register(clerk, {"kind": "重点工作", "title": "推进城东片区旧城改造",
                                       "lead_unit": "区发改局", "meeting_on": "2026-02-12"})
    f = engine.flow_of(supervision.KIND, row.id)
    supervision.sign(clerk, Task.get((Task.flow == f) & (Task.state == "waiting")).id)
    supervision.report(clerk, Task.get((Task.flow == f) & (Task.state == "waiting")).id,
                       {"text": "完成选址", "progress": 20})
    supervision.register(clerk, {"kind": "大项目", "title": "城南污水处理厂",
                                 "lead_unit": "区住建局"})
    app = app_as(CLERK)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_items_tab(pilot, app)
        await pilot.press("right_square_bracket", "right_square_bracket")  # 督查统计
        await settle(pilot)
        assert app.screen.query_one("#panes").active == "pane-sup_stats"
        chart = str(app.screen.query_one("#sup-chart").render()).splitlines()
        assert "2026 年" in chart[0]
        assert ["未启动", "推进中", "滞后", "已完成", "合计"] == chart[2].split()
        (november,) = [line for line in chart if line.startswith("11月")]
        assert november.split()[-5:] == ["1", "1", "0", "0", "2"]
        earlier = [line for line in chart
                   if line.split() and line.split()[0] in {f"{m}月" for m in range(1, 11)}]
        assert len(earlier) == 10 and all(line.split()[-5:] == ["0"] * 5 for line in earlier)
        assert not any(line.startswith("12月") for line in chart)  # not yet
        months, spark, numbers = chart[-3:]
        assert months.split()[0] == "反馈份数" and months.split()[-1] == "11月"
        assert numbers.split() == ["0"] * 10 + ["1"]
        assert spark.split()[-1] == "█"
        assert all(cell_len(line) <= 80 for line in chart)


async def test_s_sorts_the_items_loaded_by_a_column_and_keeps_it(db):
    from textual.widgets.data_table import ColumnKey

    from govdesk.screens.list_view import UP, SortModal
    from govdesk.services import settings

    clerk = Actor(org.person_by_login(CLERK), NOW)
    for title, unit in (("乙项目", "区住建局"), ("甲项目", "区发改局"), ("丙项目", "区教育局")):
        supervision.register(clerk, {"kind": "大项目", "title": title, "lead_unit": unit})
    app = app_as(CLERK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_items_tab(pilot, app)
        table = screen.query_one("#sup-items", DataTable)
        await wait_for(pilot, lambda: table.row_count == 3, "the items")
        assert [r.split()[2] for r in rows(table)] == ["丙项目", "甲项目", "乙项目"]  # newest
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SortModal), "the columns")
        await pilot.press("down", "down", "down", "down", "enter")  # 不排序, 编号, 类别, 标题, 牵头单位
        await settle(pilot)
        assert [r.split()[3] for r in rows(table)] == sorted(["区发改局", "区教育局", "区住建局"])
        assert [r.split()[3] for r in rows(table)] != ["区教育局", "区发改局", "区住建局"]
        assert str(table.columns[ColumnKey("col_unit")].label).endswith(UP)
    assert settings.list_sorts(CLERK)["ducha.items"] == ("col_unit", False)
