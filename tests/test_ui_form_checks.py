"""What a form says when a save is refused, driven by keys: every missing field at once, the
cursor on the first; a reason for changing a finished 收文; the 退改 comment on the 修改 form."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Select

from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, OutgoingDocument
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.outgoing.form import OutgoingFormScreen
from govdesk.services import org
from tests.conftest import NOW
from tests.helpers.workers import settle, wait_for

pytestmark = pytest.mark.usefixtures("config_file")


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def flat(text: str) -> str:
    """The screen's text without line breaks, spaces and the borders' characters."""
    return "".join(ch for ch in text if ch not in " \n█▊▎┃│")


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def open_form(pilot, form):
    pilot.app.push_screen(form)
    await settle(pilot)
    await wait_for(pilot, lambda: form.keeping_drafts, "the form ready")
    return form


def marked(form) -> set[str]:
    return {w.id for w in form.query(".invalid")}


async def test_the_register_form_marks_every_missing_field_at_once(db):
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = await open_form(pilot, IncomingFormScreen())
        form.query_one("#addressed_to", Select).value = "领导个人"
        form.query_one("#doc_number", Input).focus()
        await type_text(pilot, "HJ-1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert marked(form) == {"from_name", "title", "addressed_leader"}
        assert app.screen.focused is form.query_one("#from_name", Input)  # the first
        message = str(form.query_one("#form-error", Label).render())
        assert message.startswith("有 3 栏需要改正")
        for field in ("来文单位：不能为空", "标题：不能为空",
                      "收件领导：寄给领导个人的件要写明哪位领导"):
            assert field in message
        assert "收件领导：寄给领导个人的件要写明哪位领导" in flat(screen_text(app))  # wraps
        assert form.query_one("#doc_number", Input).value == "HJ-1"  # typing kept
        await type_text(pilot, "区财政局")
        await pilot.press("ctrl+s")  # one left now: only it is marked
        await settle(pilot)
        assert marked(form) == {"title", "addressed_leader"}
        assert app.screen.focused is form.query_one("#title", Input)
    assert IncomingDocument.select().count() == 0  # nothing half-saved


async def test_the_draft_form_marks_every_missing_field_at_once(db):
    app = app_as("yej")
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        form = await open_form(pilot, OutgoingFormScreen())
        form.query_one("#origin", Select).value = "department"
        form.query_one("#main_to", Input).focus()
        await type_text(pilot, "gexiangzhen")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert marked(form) == {"title", "pick-unit", "review_section"}
        assert app.screen.focused is form.query_one("#title", Input)
        message = str(form.query_one("#form-error", Label).render())
        for field in ("标题：不能为空", "起草部门：部门起草的文稿要写明起草部门",
                      "审核科室：部门起草的文稿要选择区府办有关科室审核"):
            assert field in message
        assert form.query_one("#main_to", Input).value == "gexiangzhen"
    assert OutgoingDocument.select().count() == 0
