"""The masking walk on the screens (issue 13 item 5): Home, every section, the one search, the
信访 register and the case itself, drawn for a 秘书科 clerk and a 信息科 user, hold none of a
seeded petitioner's name, phone or ID number; the same walk as 督查室 staff finds them on the
register and the case (so the check can fail)."""

from __future__ import annotations

import html
import re

import pytest
from helpers.workers import settle
from test_ui_petition import palette
from test_ui_suggestion import app_as

from govdesk.models import Task
from govdesk.screens.petition.detail import PetitionDetailScreen
from govdesk.services import org, petition
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("config_file")
NAME, PHONE, ID = "王秀兰", "13857605678", "331003197506120025"
SECRETS = (NAME, PHONE, ID)


def drawn(app) -> str:
    svg = app.export_screenshot()
    return "".join(html.unescape(part) for part in re.findall(r">([^<]*)</text>", svg)) \
        .replace("\xa0", " ")


@pytest.fixture
def case(db):
    clerk = Actor(org.person_by_login("shenyj"), NOW)
    row = petition.register(clerk, {
        "channel": "群众来访", "summary": f"{NAME}反映菜场占道经营", "category": "城市管理",
        "matter": f"{NAME}（{PHONE}）反映菜场外占道经营",
        "people": [{"name": NAME, "phone": PHONE, "id_number": ID}]})
    f = engine.flow_of(petition.KIND, row.id)
    petition.propose(clerk, Task.get((Task.flow == f) & (Task.step == "拟办")).id,
                     {"proposal": f"拟转执法局，联系{NAME}", "leader": "zhoudw"})
    return row


async def walk(login: str) -> str:
    app = app_as(login)
    seen = []
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        seen.append(drawn(app))
        for key in "123456":
            await pilot.press(key)
            await settle(pilot)
            seen.append(drawn(app))
        await pilot.press("0", "slash")
        await settle(pilot)
        await pilot.press(*"占道经营", "enter")
        await settle(pilot)
        seen.append(drawn(app))
        assert "信访〔2026〕1号" in seen[-1]  # the one search found the case
        await pilot.press("escape", "escape", "0")
        await settle(pilot)
        await palette(pilot, "打开信访登记簿")
        seen.append(drawn(app))
        assert "信访〔2026〕1号" in seen[-1]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PetitionDetailScreen)
        seen.append(drawn(app))
    return "\n".join(seen)


@pytest.mark.parametrize("login", ["zhangyt", "zhuh"])
async def test_a_clerk_and_an_information_user_see_none_of_it(case, login):
    text = await walk(login)
    assert "菜场占道经营" in text  # the case was on screen …
    for secret in SECRETS:
        assert secret not in text, secret  # … its petitioner was not
    assert "138****5678" in text


async def test_the_ducha_sees_the_petitioner(case):
    text = await walk("shenyj")
    for secret in SECRETS:
        assert secret in text, secret
