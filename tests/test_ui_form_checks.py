"""What a form says when a save is refused, driven by keys: every missing field at once, the
cursor on the first; a reason for changing a finished 收文; the 退改 comment on the 修改 form."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, Label, Select

from govdesk.app import GovDesk
from govdesk.models import AuditEntry, IncomingDocument, OutgoingDocument, Person
from govdesk.models import incoming as incoming_states
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.outgoing.form import OutgoingFormScreen
from govdesk.services import flow, incoming, org, outgoing
from govdesk.services.engine import core as engine
from govdesk.services.errors import ValidationError
from govdesk.services.incoming import Reader
from tests.conftest import NOW, actor
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


# ---------------------------------------------------------------- a finished 收文 changed


def archived_doc() -> IncomingDocument:
    """A 收文 taken the whole way: 受理, 签批, 阅签, 办结, 归档."""
    clerk, head, leader = actor("lixm"), actor("linzh"), actor("zhaogl")

    def task(doc, who):
        found = incoming.current_task_for(who, doc)
        assert found is not None
        return found.id

    doc = incoming.register(clerk, {"from_unit": "cz", "title": "关于年度预算的报告"})
    incoming.decide_intake(clerk, task(doc, clerk), "受理", "")
    incoming.sign(head, task(doc, head), "请阅", [Reader("阅签", person=leader.person)])
    incoming.reader_return(leader, task(doc, leader), "已阅")
    incoming.close(clerk, task(doc, clerk), "办结")
    doc = incoming.archive(clerk, task(doc, clerk), "永久")
    assert doc.state == incoming_states.ARCHIVED
    return doc


def edit_fields(doc, **changes) -> dict:
    return {"from_unit": "cz", "title": doc.title, **changes}


def test_a_finished_entry_is_changed_only_with_a_reason(db):
    doc = archived_doc()
    clerk = actor("lixm")
    with pytest.raises(ValidationError) as refused:
        incoming.update(clerk, doc.id, doc.version, edit_fields(doc, title="改过的标题"))
    assert "修改理由" in str(refused.value) and refused.value.name == "change_reason"
    with pytest.raises(ValidationError, match="修改理由"):  # blank is no reason
        incoming.update(clerk, doc.id, doc.version,
                        edit_fields(doc, title="改过的标题", change_reason="   "))
    stored = IncomingDocument.get_by_id(doc.id)
    assert (stored.title, stored.version) == ("关于年度预算的报告", doc.version)

    saved = incoming.update(clerk, doc.id, doc.version,
                            edit_fields(doc, title="改过的标题", change_reason="来文单位更正标题"))
    assert (saved.title, saved.state) == ("改过的标题", incoming_states.ARCHIVED)
    entry = (AuditEntry.select().where((AuditEntry.action == "incoming.update")
                                       & (AuditEntry.record_id == doc.id)).get())
    assert json.loads(entry.after)["change_reason"] == "来文单位更正标题"
    hop = engine.timeline(incoming.KIND, doc.id)[-1]
    assert (hop.step, hop.acted_by) == ("修改", "李晓梅")
    assert "已归档后修改" in hop.opinion and "来文单位更正标题" in hop.opinion


def test_an_open_entry_needs_no_reason(db):
    clerk = actor("lixm")
    doc = incoming.register(clerk, {"from_unit": "cz", "title": "原标题"})
    saved = incoming.update(clerk, doc.id, doc.version, edit_fields(doc, title="新标题"))
    assert saved.title == "新标题"
    assert all(h.step != "修改" for h in engine.timeline(incoming.KIND, doc.id))


async def test_the_form_asks_for_the_reason_of_an_archived_entry(db):
    doc = archived_doc()
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = await open_form(pilot, IncomingFormScreen(doc.id))
        reason = form.query_one("#change_reason", Input)
        assert reason.display and form.query_one("#change-reason-row").display
        assert "已归档" in flat(screen_text(app)) and "修改理由" in flat(screen_text(app))
        title = form.query_one("#title", Input)
        title.focus()
        await pilot.press("end")
        await type_text(pilot, "buchong")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert marked(form) == {"change_reason"} and app.screen.focused is reason
        assert "修改理由：不能为空" in str(form.query_one("#form-error", Label).render())
        await type_text(pilot, "genggai biaoti")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    stored = IncomingDocument.get_by_id(doc.id)
    assert stored.title == "关于年度预算的报告buchong"
    assert "genggai biaoti" in engine.timeline(incoming.KIND, doc.id)[-1].opinion


async def test_an_open_entry_shows_no_reason_field(db):
    doc = incoming.register(actor("lixm"), {"from_unit": "cz", "title": "原标题"})
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = await open_form(pilot, IncomingFormScreen(doc.id))
        assert not form.query_one("#change-reason-row").display
        assert "修改理由" not in flat(screen_text(app))


# ---------------------------------------------------------------- 退改: the comment on the form

DRAFT = {"issuer": "区政府", "title": "关于做好冬季安全生产工作的通知",
         "main_to": "各乡镇人民政府、各街道办事处，区政府各部门",
         "body": "为切实做好冬季安全生产工作，现就有关事项通知如下。", "lead_leader": "wuzq"}
COMMENT = ("请压缩篇幅，主送单位按规范写全称；第二部分的责任分工与区安委会文件不一致，"
           "请与区应急管理局核对后再报，附件的联系人名单请更新到十一月。")


def sent_back_draft():
    drafter = actor("qianhy")
    doc = outgoing.create_draft(drafter, DRAFT)
    doc = outgoing.submit(drafter, outgoing.current_task_for(drafter, doc).id)
    task = next(t for t in flow.waiting_tasks(flow.flow_of(outgoing.KIND, doc.id)))
    reviewers = ([task.holder] if task.holder_id
                 else list(Person.select().where(Person.section == task.holder_section)))
    for person in reviewers:
        reviewer = actor(person.login)
        if outgoing.current_task_for(reviewer, doc) is not None:
            return outgoing.send_back(reviewer, task.id, COMMENT), person.name
    raise AssertionError("nobody may review it")


def test_the_comment_a_draft_was_sent_back_with(db):
    doc, reviewer = sent_back_draft()
    back = outgoing.sent_back(doc)
    assert (back.who, back.comments, back.at) == (reviewer, COMMENT, NOW)
    assert outgoing.sent_back(outgoing.create_draft(actor("qianhy"), DRAFT)) is None


async def test_the_edit_form_shows_the_send_back_comment_whole(db):
    doc, reviewer = sent_back_draft()
    app = app_as("qianhy")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        form = await open_form(pilot, OutgoingFormScreen(doc.id))
        assert form.query_one("#sent-back").display
        shown = flat(screen_text(app))
        assert f"退改意见（秘书科核稿，{reviewer}，11-2609:30）：" in shown
        assert COMMENT in shown  # wrapped, never cut
        assert app.screen.focused is form.query_one("#title", Input)


async def test_a_new_draft_shows_no_send_back_comment(db):
    app = app_as("qianhy")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        form = await open_form(pilot, OutgoingFormScreen())
        assert not form.query_one("#sent-back").display
