"""The desk through Textual's Pilot: modes on keys 0–6, help, settings, Home, section screens."""

from __future__ import annotations

import tomllib

import pytest
from helpers.workers import settle
from textual.command import CommandList, CommandPalette
from textual.widgets import Checkbox, DataTable, Input, Label, Select
from textual.widgets._footer import FooterKey

from govdesk.app import GovDesk
from govdesk.i18n import set_language, t
from govdesk.models import Reminder
from govdesk.screens import registry
from govdesk.screens.help import HelpScreen
from govdesk.screens.home import HomeScreen
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.screens.sections import (
    InformationScreen,
    LineSecretariesScreen,
    ReceptionScreen,
    ResearchScreen,
    SupervisionScreen,
)
from govdesk.screens.settings import SettingsScreen
from govdesk.services import org
from tests.conftest import NOW

SIZE = (160, 48)

MODES = [
    ("2", "diaoyan", ResearchScreen),
    ("3", "line", LineSecretariesScreen),
    ("4", "xinxi", InformationScreen),
    ("5", "ducha", SupervisionScreen),
    ("6", "jiedai", ReceptionScreen),
    ("0", "home", HomeScreen),
]


pytestmark = pytest.mark.usefixtures("config_file")


def desk(login: str = "lixm") -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def cells(table: DataTable) -> list[list[str]]:
    out = []
    for i in range(table.row_count):
        out.append([getattr(c, "plain", str(c)) for c in table.get_row_at(i)])
    return out


def column(table: DataTable, index: int) -> list[str]:
    return [row[index] for row in cells(table)]


def text_of(table: DataTable) -> str:
    return "\n".join(" ".join(row) for row in cells(table))


def label(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


async def test_digit_keys_switch_modes(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_mode == "home"
        assert isinstance(app.screen, HomeScreen)
        for key, mode, cls in MODES:
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode, key
            assert isinstance(app.screen, cls), key


async def test_key_1_opens_the_secretariat_and_0_comes_home(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert app.current_mode == "mishu"
        assert isinstance(app.screen, SecretariatScreen)
        await pilot.press("0")
        await pilot.pause()
        assert app.current_mode == "home"
        assert isinstance(app.screen, HomeScreen)


async def test_digits_go_into_a_focused_input(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "right_square_bracket")  # 信息科 → 单位名录: the search box
        await pilot.pause()
        search = app.screen.query_one("#unit-search", Input)
        assert app.screen.focused is search
        await pilot.press("2", "3")
        await pilot.pause()
        assert app.current_mode == "xinxi"
        assert search.value == "23"

        await pilot.press("enter")  # leaves the search box for the list
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#units", DataTable)
        await pilot.press("0")
        await pilot.pause()
        assert app.current_mode == "home"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "home"
        assert app.screen.query_one(Input).value == "2"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_f1_help_lists_the_screens_keys(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = cells(app.screen.query_one("#help-keys", DataTable))
        keys = {k: v for k, v in rows}
        assert keys["u"] == t("section.remind")
        assert keys["f"] == t("section.cycle_filter")
        assert keys["]"] == t("section.next_pane")
        assert keys["F2"] == t("app.settings")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SupervisionScreen)

        await pilot.press("0", "f1")
        await pilot.pause()
        keys = dict(cells(app.screen.query_one("#help-keys", DataTable)))
        assert keys["Enter"] == t("home.open")
        assert "u" not in keys


def footer(app) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


def labels(screen) -> list[str]:
    return [str(x.render()) for x in screen.query(Label)]


async def test_f2_switches_to_traditional_in_place_and_saves_it(demo_db, config_file):
    """The switch re-words the running desk: title, headings, footer, F1 (was: a restart)."""
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        assert app.title == "govdesk 区政府办公室"
        home = app.screen
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#language", Select).value = "zh-Hant"
        await pilot.click("#save")
        await pilot.pause()
        assert app.is_running and app.return_value is None
        assert app.screen is home
        assert app.title == "govdesk 區政府辦公室"
        assert "待辦" in label(app.screen, "#inbox-title")
        assert "幫助" in footer(app) and "設置" in footer(app) and "帮助" not in footer(app)
        await pilot.press("f1")
        await pilot.pause()
        keys = dict(cells(app.screen.query_one("#help-keys", DataTable)))
        assert keys["F1"] == "幫助" and keys["?"].startswith("幫助") and keys["Enter"] == "打開"
        await pilot.press("escape", "ctrl+p")
        await pilot.pause(0.3)
        listing = app.screen.query_one(CommandList)
        listed = [str(getattr(getattr(p, "renderable", p), "plain", p)) for p in
                  (listing.get_option_at_index(i).prompt for i in range(listing.option_count))]
        assert "返回首頁\n按鍵 0" in listed and "打開\n按鍵 Enter" in listed, listed
        assert not any("返回首页" in x or "打开" in x for x in listed)
    assert app.return_value is None
    with open(config_file, "rb") as fh:
        assert tomllib.load(fh)["language"] == "zh-Hant"

    set_language("zh-Hans")
    again = desk()  # a new session starts in the saved language
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.title == "govdesk 區政府辦公室"
        assert "待辦" in label(again.screen, "#inbox-title")


UNSAVED = "关于尚未保存的请示"


async def open_form_with_a_title(pilot):
    """秘书科's 收文 form, open, with a title typed and not saved; returns the form."""
    await pilot.press("1")
    await pilot.press("n")
    await pilot.pause()
    form = pilot.app.screen
    form.query_one("#title", Input).value = UNSAVED
    return form


async def choose_traditional(pilot):
    pilot.app.screen.query_one("#language", Select).value = "zh-Hant"
    await pilot.click("#save")
    await pilot.pause()


async def test_f2_over_an_open_form_keeps_the_form_and_rewords_it(demo_db, config_file):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form_with_a_title(pilot)
        app.action_settings()  # F2 is not offered inside a form; the switch holds if it ever is
        await pilot.pause()
        await choose_traditional(pilot)
        assert app.is_running and app.return_value is None
        assert app.screen is form
        assert form.query_one("#title", Input).value == UNSAVED
        assert app.title == "govdesk 區政府辦公室"
        assert "標題" in labels(form) and "标题" not in labels(form)
        assert str(form.query_one("#is_request", Checkbox).label) == "是請示件"
        words = [b.binding.description for b in app.screen.active_bindings.values()]
        assert "保存" in words and "取消" in words and t("incoming.form_pick_from") in words
        assert t("incoming.form_pick_from") != "选择来文单位"  # (its 繁體 wording)
        await pilot.press("escape", "d")  # closed (放弃 what was typed): the section under
        await pilot.pause()  # the form was re-worded too
        assert isinstance(app.screen, SecretariatScreen)
        assert "新登記收文" in footer(app)


async def test_f2_keeps_a_form_left_open_in_another_section(demo_db, config_file):
    """The palette can switch sections over an open form; the form waits in its section's
    stack, keeps what was typed and speaks the new language when the user comes back."""
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form_with_a_title(pilot)
        app.switch_mode("home")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f2")
        await pilot.pause()
        await choose_traditional(pilot)
        assert app.is_running and app.return_value is None
        app.switch_mode("mishu")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#title", Input).value == UNSAVED
        assert "標題" in labels(form)


async def test_home_inbox_row_and_enter_without_an_opener(demo_db, monkeypatch):
    monkeypatch.setattr(registry, "_openers", {})
    monkeypatch.setattr(registry, "LAZY_SCREENS", {})  # nor one imported on demand
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        inbox = app.screen.query_one("#inbox", DataTable)
        assert app.screen.focused is inbox
        titles = column(inbox, 3)
        assert "关于支持模具产业集群数字化改造的请示" in titles  # waiting on 秘书科 (初审)
        assert inbox.row_count == 15  # 8 收文 and 6 发文 steps and a late 销假 wait on 秘书科
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.current_mode == "home"
        assert inbox.row_count == 15


async def test_sections_show_the_real_organisation(demo_db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        # 综合调研科: its people, its 分管副主任, the leaders' portfolios
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert "黄晓敏" in label(screen, "#section-info")
        assert set(column(screen.query_one("#members", DataTable), 0)) == {"钱红英", "冯杰", "蒋宇"}
        portfolio = text_of(screen.query_one("#portfolio", DataTable))
        assert "赵国梁" in portfolio and "区发改局" in portfolio and "潘立军" in portfolio

        # 跟线秘书: six lines, each with the leader followed, the leader's week and papers
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        desks = cells(screen.query_one("#line-desks", DataTable))
        assert [r[0] for r in desks] == ["叶俊", "潘立军", "曹梦瑶", "罗琪", "谢浩", "唐晓燕"]
        assert "王建明" in desks[0][1] and "北京" in desks[0][2]  # the 区长 is away today
        assert screen.query_one("#line-week", DataTable).row_count > 0
        assert "王建明" in label(screen, "#line-week-title")

        # 信息科: the unit directory finds 区发改局 by its initials, with its leader and secretary
        await pilot.press("4", "right_square_bracket")
        await pilot.pause()
        await pilot.press("f", "g", "j")
        await pilot.pause()
        units = cells(app.screen.query_one("#units", DataTable))
        assert [u[0] for u in units] == ["区发改局"]
        assert units[0][3:5] == ["赵国梁", "潘立军"]
        await pilot.press("enter")

        # 督查室: everyone's deadlines, its chief, the 催办 log
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert "郭建伟" in label(screen, "#section-info")
        assert "郭建伟" in column(screen.query_one("#members", DataTable), 0)
        holders = column(screen.query_one("#due", DataTable), 4)
        assert any("郑跃峰" in h for h in holders) and any("林振华" in h for h in holders)
        log = cells(screen.query_one("#reminders", DataTable))
        assert len(log) == Reminder.select().count() > 0
        assert log[0][1] == "李晓梅"

        # 接待办: the leaders' week and who is away, where, and who acts
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        week = screen.query_one("#week", DataTable)
        assert week.row_count == len(org.leaders())
        assert "王建明" in text_of(week)
        away = cells(screen.query_one("#absences", DataTable))
        wang = [r for r in away if "王建明" in r[1]][0]
        assert wang[3] == "北京" and wang[6] == "赵国梁" and "139" in wang[4]


async def test_supervision_remind_is_logged(demo_db):
    app = desk("guojw")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        # 督查事项 → 需要关注 → 督查统计 → 建议提案 → 信访 → 期限督办
        await pilot.press(*["right_square_bracket"] * 5)
        await pilot.pause()
        due = app.screen.query_one("#due", DataTable)
        assert app.screen.focused is due
        before = Reminder.select().count()
        await pilot.press("down", "u", "ctrl+s")  # every holder ticked: sent at once
        await settle(pilot)
        assert Reminder.select().count() == before + 1
        log = cells(app.screen.query_one("#reminders", DataTable))
        assert log[0][1] == "郭建伟"
        assert log[0][4] == column(due, 3)[1]

        await pilot.press("right_square_bracket")  # 催办记录: not a list of tasks
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#reminders", DataTable)
        await pilot.press("u")
        await pilot.pause()
        assert Reminder.select().count() == before + 1

        await pilot.press("f")  # the filter belongs to the work list, which comes forward
        await pilot.pause()
        assert app.screen.query_one("#panes").active == "pane-work"
        assert app.screen.filter == "mine"


async def test_line_secretary_starts_on_own_leader(demo_db):
    app = desk("panlj")  # 潘立军 follows 常务副区长 赵国梁
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#line-desks", DataTable).cursor_row == 1
        assert "赵国梁" in label(screen, "#line-papers-title")
        papers = screen.query_one("#line-papers", DataTable)
        assert "关于要求协调农业用地指标的请示" in column(papers, 3)
        await pilot.press("enter")  # from the line to the leader's papers
        await pilot.pause()
        assert screen.focused is papers
        before = Reminder.select().count()
        await pilot.press("u", "ctrl+s")  # 催办 the leader's paper (its holders, all ticked)
        await settle(pilot)
        assert Reminder.select().count() == before + 1
        assert Reminder.select().order_by(Reminder.id.desc()).first().task.holder.name == "赵国梁"


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_home_and_sections_fit_the_terminal(demo_db, size):
    app = desk()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        width, height = size
        screen = app.screen
        title = screen.query_one("#inbox-title", Label).region
        inbox = screen.query_one("#inbox", DataTable)
        assert title.height == 1 and title.y < height
        assert inbox.region.y + 2 <= height - 1  # header row and one item above the footer
        assert inbox.row_count and inbox.region.height >= 2
        assert "我的待办" in label(screen, "#inbox-title")
        for key in "23456":
            await pilot.press(key)
            await pilot.pause()
            screen = app.screen
            info = screen.query_one("#section-info", Label).region
            assert info.height == 1 and info.width == width
            shown = [tbl for tbl in screen.query(DataTable) if tbl.display and tbl.region]
            assert shown and all(tbl.region.bottom <= height - 1 for tbl in shown), key


async def test_every_task_table_shows_whole_step_names(demo_db):
    """Steps are cut by nothing: each step cell of every task table on Home and the sections
    fits its column (the width is fixed, see section_panes.TASK_COLUMNS)."""
    from rich.cells import cell_len

    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        checked = 0
        for key in "0123456":
            await pilot.press(key)
            await pilot.pause()
            for table in app.screen.query(DataTable):
                step = next((c for c in table.columns.values()
                             if str(c.label) == t("home.col_step")), None)
                if step is None:
                    continue
                index = list(table.columns.values()).index(step)
                for row in range(table.row_count):
                    text = str(table.get_row_at(row)[index])
                    assert cell_len(text) <= step.width, (key, table.id, text, step.width)
                    checked += 1
        assert checked > 20


async def test_home_deadlines_show_a_circulated_document_once(demo_db):
    """期限提醒 lists documents: a 传阅 to seven readers is one row naming how many have not
    returned it and who, and the title's counts are the documents listed."""
    from govdesk.services import inbox
    from govdesk.services.context import Actor

    app = desk("linzh")  # 主任: everyone's deadlines
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#deadlines", DataTable)
        rows = cells(table)
        circulated = [r for r in rows if r[3] == "关于做好冬春季传染病防控工作的通知"]
        assert len(circulated) == 1
        assert circulated[0][4].startswith("7 人未退：") and circulated[0][4].endswith("、…")
        counts = inbox.deadline_counts(Actor(org.person_by_login("linzh"), NOW))
        assert len(rows) == counts.total
        title = label(app.screen, "#deadlines-title")
        assert f"已超期 {counts.overdue}" in title and f"今日到期 {counts.today}" in title
