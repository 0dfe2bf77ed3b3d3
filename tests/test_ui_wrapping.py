"""Everything a user must read wraps instead of being cut, at 80×24: a hop's long opinion
under the timeline, the last lines of F1, a modal's note and hints, a form's refusal."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from govdesk.app import GovDesk
from govdesk.i18n import t
from govdesk.screens.help import HelpScreen
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.incoming.modals import ActionModal
from govdesk.services import incoming, org
from tests.conftest import NOW, actor
from tests.helpers.workers import settle

pytestmark = pytest.mark.usefixtures("config_file")

OPINION = ("受理：来文涉及土地卫片执法检查的整改责任分工，须由区自然资源和规划分局会同各乡镇街道"
           "逐项核实后报区政府，并抄送区纪委监委，整改期限按市里通知执行；涉及耕地保护的图斑"
           "请区农业农村局一并核查，涉及违法建设的请综合行政执法局依法处置，处置结果按月汇总报送"
           "区政府办公室督查室，督查室跟踪督办并在月度通报中列明")


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def flat(text: str) -> str:
    """Text without line breaks, spaces and the borders' characters: what it says, read on
    across the lines it wrapped onto."""
    return "".join(ch for ch in text if ch not in " \n█▊▎▏┃│▌")


def on_screen(app) -> str:
    """What the screen shows, or a modal's box alone (the screen behind it shows either side)."""
    strips = app.screen._compositor.render_strips()
    box = app.screen.children[0].region if app.screen.is_modal else None
    if box is None:
        return flat("\n".join(strip.text for strip in strips))
    return flat("\n".join(strip.crop(box.x, box.right).text
                          for strip in strips[box.y:box.bottom]))


async def test_a_long_opinion_is_whole_under_the_timeline(db):
    clerk = actor("lixm")
    doc = incoming.register(clerk, {"from_unit": "cz", "title": "关于卫片执法的报告"})
    incoming.decide_intake(clerk, incoming.current_task_for(clerk, doc).id, "受理",
                           OPINION.removeprefix("受理："))
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        app.push_screen(IncomingDetailScreen(doc.id))
        await settle(pilot)
        await pilot.press("down")  # the 初审 hop
        await settle(pilot)
        assert flat(OPINION) in on_screen(app)


async def test_the_last_lines_of_f1_are_whole_at_80_columns(db):
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = on_screen(app)
        assert flat(t("help.sections")) in shown and flat(t("help.close_hint")) in shown


async def test_a_modal_note_and_hints_are_whole_at_80_columns(db):
    fields = {"from_unit": "xikoucun", "title": "关于村道硬化资金的请示", "is_request": True,
              "involves_units": True, "addressed_to": "领导个人", "addressed_leader": "zhaogl"}
    doc = incoming.register(actor("lixm"), fields)
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        app.push_screen(IncomingDetailScreen(doc.id))
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ActionModal)
        shown = on_screen(app)
        for warning in incoming.intake_warnings(incoming.get(actor("lixm"), doc.id)):
            assert flat(warning.message) in shown
        assert flat(t("incoming.modal_hint")) in shown


async def test_a_refusal_naming_many_fields_is_whole_at_80_columns(db):
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = IncomingFormScreen()
        app.push_screen(form)
        await settle(pilot)
        form.query_one("#pages", Input).value = "很多页"
        form.query_one("#received_on", Input).value = "去年"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = on_screen(app)
        for part in ("有4栏需要改正", "来文单位：不能为空", "标题：不能为空",
                     "收文日期：", "页数："):
            assert part in shown
