"""信访 driven by keys (SPEC §9; Part 2 §3): 督查室 opens the register from the palette and
registers a case; the 区长 reads it from Home; 督查室 transfers it with its 反馈卡, urges the late
unit, records the answer, closes it and records the 回访; a hotline call in scope becomes a case,
one out of scope is recorded with where the caller was sent; a repeat shows [重复] and `o` opens
the earlier case. A 秘书科 clerk opening the case sees the petitioner masked."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers.workers import settle
from test_ui_suggestion import app_as, error_of, open_from_home, rows
from textual.command import CommandInput

from govdesk.models import HotlineCall, Petition, Reminder
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.petition.detail import PetitionDetailScreen
from govdesk.screens.petition.register import PetitionRegisterScreen
from govdesk.widgets.paged_table import PagedTable

pytestmark = pytest.mark.usefixtures("config_file")
PHONE = "13857605678"


async def palette(pilot, words: str) -> None:
    """The palette's command whose name holds ``words``, chosen by typing and Enter."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*words)
    for _ in range(100):  # until the palette has searched (its worker, not a clock)
        await pilot.pause()
        box = pilot.app.screen.query(CommandInput)
        if box and box.first().value == words and pilot.app.screen.query("CommandList"):
            listing = pilot.app.screen.query_one("CommandList")
            if listing.option_count and words in str(listing.get_option_at_index(0).prompt):
                break
    await pilot.press("enter")
    await settle(pilot)


async def modal(pilot, key: str, *values: str, screen=PetitionDetailScreen) -> None:
    """A key, then its form: each value typed into the next field (Tab between), Ctrl+S."""
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, FieldsModal), key
    for n, value in enumerate(values):
        if n:
            await pilot.press("tab")
        if value:
            await pilot.press(*value)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, screen), (key, error_of(pilot.app)
                                                  if isinstance(pilot.app.screen, FieldsModal)
                                                  else pilot.app.screen)


def info(app) -> str:
    return str(app.screen.query_one("#fields").render())


async def test_one_case_from_registration_to_回访_through_the_keys(db):
    app = app_as("shenyj")
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "打开信访登记簿")
        assert isinstance(app.screen, PetitionRegisterScreen)
        # the form: 渠道 (a choice, first: 区长信箱), then 摘要, 内容, 姓名, 电话 …
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        for value in ("菜场占道经营扰民", "早晚噪音", "王秀兰", PHONE):
            await pilot.press(*value, "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PetitionDetailScreen), error_of(app)
        assert "王秀兰" in info(app) and PHONE in info(app)
        assert "受理告知（15日）：2026-12-11 到期" in info(app)
        await modal(pilot, "p", "拟请综合行政执法局核查处理")
        row = Petition.get()
        assert row.state == "待阅批" and row.leader.login == "wangjm"

    app = app_as("wangjm")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "信访·阅批", PetitionDetailScreen)
        assert PHONE in info(app)  # the leader who reads it is its handler
        await modal(pilot, "a", "请执法局依法处理")
    assert Petition.get().state == "待转办"

    app = app_as("shenyj")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "信访·转办", PetitionDetailScreen)
        await modal(pilot, "t", "区综合行政执法局")
        row = Petition.get()
        assert row.state == "办理中" and row.card_seq == 1
        assert "信访反馈卡〔2026〕1号" in info(app)
        assert "单位反馈（5/10个工作日）：2026-12-03 到期，还有 5 个工作日" in info(app)

    late = datetime(2026, 12, 4, 9, 0)
    app = app_as("shenyj", late)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, "信访·反馈", PetitionDetailScreen)
        assert "[逾期]" in info(app) and "逾期 1 个工作日" in info(app)
        await modal(pilot, "u")
        assert Reminder.select().count() == 1
        await modal(pilot, "d", "已依法取缔占道摊点")
        await modal(pilot, "c", "已取缔，信访人认可")
        assert Petition.get().state == "已办结"
        await modal(pilot, "v")  # 满意, the first choice
        assert Petition.get().satisfaction == "满意"
        timeline = rows(app.screen.query_one("#timeline"))
        assert any("回访" in line for line in timeline)

    app = app_as("zhangyt")  # 秘书科: masked
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "打开信访登记簿")
        table = app.screen.query_one("#petition-register", PagedTable)
        assert "王*" in " ".join(rows(table)) and "王秀兰" not in " ".join(rows(table))
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PetitionDetailScreen)
        assert "138****5678" in info(app) and PHONE not in info(app)
        assert "王秀兰" not in info(app)


async def test_a_call_in_scope_becomes_a_case_and_one_out_of_scope_is_told_where(db):
    app = app_as("tianxl")  # 直线电话受理中心
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "打开信访登记簿")
        # 来电人, 电话, 内容, 类别, 受理范围 (a choice: the first in scope)
        await modal(pilot, "c", "李建国", "13906761234", "小区路灯坏了半个月", "城市管理",
                    screen=PetitionDetailScreen)
        assert "专线电话" in info(app)
        call = HotlineCall.get()
        assert call.in_scope and call.petition.channel == "专线电话"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PetitionRegisterScreen)
        await pilot.press("c")
        await settle(pilot)
        for value in ("赵某", "", "对法院判决不服"):
            if value:
                await pilot.press(*value)
            await pilot.press("tab")
        await pilot.press("tab")  # past 类别 to 受理范围
        for _ in range(10):  # down the choices to 法院工作
            select = app.screen.query_one("#f-scope")
            if str(select.value) == "court":
                break
            await pilot.press("enter")
            await pilot.press("down", "enter")
            await settle(pilot)
        assert str(app.screen.query_one("#f-scope").value) == "court"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PetitionRegisterScreen), error_of(app)
    second = HotlineCall.select().order_by(HotlineCall.id.desc()).first()
    assert not second.in_scope and "区人民法院" in second.told_where
    assert Petition.select().count() == 1


async def test_a_repeat_is_marked_and_o_opens_the_earlier_case(db):
    from govdesk.services import org, petition
    from govdesk.services.context import Actor

    clerk = Actor(org.person_by_login("shenyj"), datetime(2026, 11, 20, 9, 0))
    first = petition.register(clerk, {"channel": "人民来信", "summary": "村道破损",
                                      "people": [{"phone": PHONE}]})
    petition.register(Actor(clerk.person, datetime(2026, 11, 26, 9, 0)), {
        "channel": "区长信箱", "summary": "村道还没修", "people": [{"phone": PHONE}]})
    app = app_as("shenyj")
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "打开信访登记簿")
        table = app.screen.query_one("#petition-register", PagedTable)
        assert "[重复] 村道还没修" in rows(table)[0]
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "重复信访：与 信访〔2026〕1号 相关（同一联系电话）" in info(app)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, PetitionDetailScreen) and app.screen.doc_id == first.id
        assert "村道破损" in info(app)


async def test_w_compiles_the_weeks_briefing_saves_it_and_shows_it(db, tmp_path, monkeypatch):
    from govdesk.screens.petition.register import BriefingScreen
    from govdesk.services import org, petition
    from govdesk.services.context import Actor

    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    clerk = Actor(org.person_by_login("shenyj"), datetime(2026, 11, 24, 9, 0))
    for summary in ("村道破损", "路灯不亮"):
        petition.register(clerk, {"channel": "区长信箱", "summary": summary,
                                  "category": "城市管理", "people": [{"name": "王秀兰"}]})
    app = app_as("tianxl")
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "打开信访登记簿")
        await modal(pilot, "w", screen=BriefingScreen)  # 周报, this week
        text = str(app.screen.query_one("#brief-text").render())
        assert "信访及直线电话周报（2026-11-23 至 2026-11-29）" in text
        assert "区长信箱" in text and "█" * 20 + " 2" in text and "王秀兰" not in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PetitionRegisterScreen)
    (saved,) = tmp_path.glob("*.txt")
    assert "区长信箱" in saved.read_text(encoding="utf-8")


async def test_a_bad_phone_in_the_form_is_refused_naming_the_field_and_nothing_is_saved(db):
    app = app_as("shenyj")
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "打开信访登记簿")
        await pilot.press("n")
        await settle(pilot)
        for value in ("村道破损", "", "王秀兰", "12345"):
            if value:
                await pilot.press(*value)
            await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FieldsModal)
        assert "联系电话" in error_of(app) and "12345" not in error_of(app)
    assert Petition.select().count() == 0
