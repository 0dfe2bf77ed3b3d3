"""The masking walk on the screens (issue 13 item 5): Home, every section, the one search, the
信访 register and the case itself, drawn for a 秘书科 clerk and a 信息科 user, hold none of a
seeded petitioner's name, phone or ID number; the same walk as 督查室 staff finds them on the
register and the case (so the check can fail). After two 催办 whose notes name the petitioner,
Home, the 督查室 screen's deadlines and 催办记录 and the audit log (as the administrator lixm
and the 主任) show masks only, never a stored token; 督查室 staff see the values there too."""

from __future__ import annotations

import html
import re

import pytest
from helpers.workers import settle
from test_ui_petition import palette
from test_ui_suggestion import app_as, rows

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
        searched = seen[-1]
        await pilot.press("escape", "escape", "0")
        await settle(pilot)
        await palette(pilot, "打开信访登记簿")
        seen.append(drawn(app))
        assert "信访〔2026〕1号" in seen[-1]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PetitionDetailScreen)
        seen.append(drawn(app))
    if login == "shenyj":  # its result line: the title as written, for the 督查室
        assert f"{NAME}反映菜场占道经营" in searched
    else:
        assert "王*反映菜场占道经营" in searched
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


# ---------------------------------------------------------------------------- the generic screens
# Home, the 督查室 screen's deadlines and 催办记录, the audit log (for those who may browse it),
# after two 催办 whose notes name the petitioner, and the case on its feedback step.

USERS = {"zhangyt": "秘书科 clerk", "zhuh": "信息科", "lixm": "admin (秘书科)", "linzh": "主任"}
NOTE = f"请尽快答复{NAME}，电话{PHONE}"


@pytest.fixture
def urged(case):
    from govdesk.models.flow import WAITING
    from govdesk.services import bulk

    clerk = Actor(org.person_by_login("shenyj"), NOW)
    f = engine.flow_of(petition.KIND, case.id)
    petition.instruct(Actor(org.person_by_login("zhoudw"), NOW),
                      Task.get((Task.flow == f) & (Task.step == "阅批")).id, "请执法局处理")
    petition.transfer(clerk, Task.get((Task.flow == f) & (Task.step == "转办")).id,
                      {"lead_unit": "区综合行政执法局"})
    # due today, so that every deadline list (the 主任's, the 督查室's) has it
    Task.update(due=NOW.date()).where((Task.flow == f) & (Task.state == WAITING)).execute()
    petition.urge(clerk, case.id, NOTE)
    task = Task.get((Task.flow == f) & (Task.state == WAITING))
    assert not bulk.remind_holders(Actor(org.person_by_login("linzh"), NOW), petition.KIND,
                                   [task.id], f"{NAME}（身份证{ID}）的事抓紧").refused
    return case


async def generic_walk(login: str) -> str:
    from textual.widgets import DataTable, Static

    from govdesk.screens.audit_log import AuditLogScreen
    from govdesk.screens.supervision import SupervisionScreen
    from govdesk.services import audit

    app = app_as(login)
    seen = []
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        seen.append(drawn(app))  # Home
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, SupervisionScreen)
        for table_id in ("#due", "#reminders"):  # what the tabs hold, drawn or not
            seen.append("\n".join(rows(app.screen.query_one(table_id, DataTable))))
        assert "菜场占道经营" in seen[-1]  # the 催办记录 has the case's two 催办
        if audit.can_browse(app.actor().person):
            await pilot.press("0")
            await settle(pilot)
            await palette(pilot, "审计日志")
            assert isinstance(app.screen, AuditLogScreen)
            table = app.screen.query_one("#audit-table", DataTable)
            table.focus()
            seen.append(drawn(app))
            details = []
            for _ in range(table.row_count):  # each entry's before/after, as highlighted
                details.append(str(app.screen.query_one("#audit-detail", Static).render()))
                await pilot.press("down")
                await pilot.pause()
            assert any("task.remind" in r for r in rows(table))
            assert "请尽快答复" in "\n".join(details)  # the 催办's entry was shown
            seen += details
    return "\n".join(seen)


@pytest.mark.parametrize("login", list(USERS))
async def test_the_generic_screens_show_masks_only(urged, login):
    text = await generic_walk(login)
    assert "请尽快答复王*，电话138****5678" in text  # the 催办 note, rendered …
    assert "⟦" not in text  # … never a stored token
    for secret in SECRETS:
        assert secret not in text, secret


async def test_the_generic_screens_show_the_ducha_the_petitioner(urged):
    text = await generic_walk("shenyj")
    assert NOTE in text and f"{NAME}反映菜场占道经营" in text  # the note, the title as written
    assert "⟦" not in text
    for secret in SECRETS:
        assert secret in text, secret


# ---------------------------------------------------------------------------- error messages


async def refused(pilot, key: str, values: tuple[str, ...]) -> str:
    """The register's form of ``key`` filled in (Enter between fields), Ctrl+S: its refusal."""
    from test_ui_suggestion import error_of

    from govdesk.screens.fields_modal import FieldsModal

    await pilot.press(key)
    await settle(pilot)
    for value in values:
        if value:
            await pilot.press(*value)
        await pilot.press("enter")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FieldsModal)
    message = error_of(pilot.app)
    await pilot.press("escape")
    await settle(pilot)
    return message


async def test_a_refused_form_names_the_field_and_repeats_no_number(db):
    """The 信访 form with a bad ID number (its check digit wrong), a group visit's second
    petitioner with one, the hotline's form with a bad number: each refusal names the field
    (and the petitioner's place), never the number or the name typed."""
    from govdesk.models import HotlineCall, Petition

    bad_id, bad_phone = "331003197506120026", "1385760567"
    app = app_as("shenyj")
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "打开信访登记簿")
        messages = {
            "id": await refused(pilot, "n", ("村道破损", "", NAME, PHONE, bad_id)),
            "group": await refused(pilot, "n", ("村道破损", "", NAME, PHONE, "", "",
                                                f"李建国 {bad_id}")),
            "call": await refused(pilot, "c", (NAME, bad_phone, "咨询社保")),
        }
    assert "身份证号" in messages["id"] and "身份证号" in messages["group"]
    assert "第2位" in messages["group"] and "联系电话" in messages["call"]
    for message in messages.values():
        for value in (bad_id, bad_phone, PHONE, NAME, "李建国", "1975061200", "76056"):
            assert value not in message, (message, value)
    assert Petition.select().count() == 0 and HotlineCall.select().count() == 0
