"""Two clerks edit the same record: the second save is settled field by field, never written
over (screens/conflict.py), driven by keys as a user would."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, TextArea

from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, OutgoingDocument
from govdesk.screens.conflict import ConflictBlock, ConflictField, ConflictScreen
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.outgoing.form import OutgoingFormScreen
from govdesk.services import incoming, org, outgoing
from tests.conftest import NOW, actor
from tests.helpers.workers import settle, wait_for

pytestmark = pytest.mark.usefixtures("config_file")

FIELDS = {"from_unit": "cz", "title": "原标题", "doc_kind": "报告", "doc_number": "HJ-1"}


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def flat(text: str) -> str:
    """The screen's text without line breaks, spaces and the borders' characters: what a
    wrapped line says, read on."""
    return "".join(ch for ch in text if ch not in " \n█▊▎┃│")


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def open_edit(pilot, form: IncomingFormScreen | OutgoingFormScreen):
    pilot.app.push_screen(form)
    await settle(pilot)
    await wait_for(pilot, lambda: form.keeping_drafts, "the form ready")
    return form


async def retype(pilot, form, widget_id: str, text: str) -> None:
    field = form.query_one(f"#{widget_id}", Input)
    field.focus()
    await pilot.press("ctrl+u")
    await type_text(pilot, text)


async def test_a_real_conflict_settled_field_by_field(db):
    doc = incoming.register(actor("lixm"), FIELDS)
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = await open_edit(pilot, IncomingFormScreen(doc.id))
        # Meanwhile 陈海林 saves the same entry: a new title, 来文字号 and 页数.
        incoming.update(actor("chenhl"), doc.id, doc.version,
                        {**FIELDS, "title": "他人改的标题", "doc_number": "TA-2", "pages": "3"})
        await retype(pilot, form, "title", "wode biaoti")
        await retype(pilot, form, "doc_number", "WO-9")
        form.query_one("#summary", TextArea).focus()
        await type_text(pilot, "zhaiyao")  # a field only I changed
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConflictScreen)
        assert IncomingDocument.get_by_id(doc.id).title == "他人改的标题"  # nothing written
        blocks = list(modal.query(ConflictBlock))
        assert [b.field.name for b in blocks] == ["doc_number", "title", "pages"]
        title = blocks[1].field
        assert (title.label, title.theirs, title.mine, title.start) == (
            "标题", "他人改的标题", "wode biaoti", "原标题")
        assert blocks[2].choice == "theirs"  # I had not changed 页数: theirs, shown
        shown = flat(screen_text(app))
        assert "陈海林" in shown and "他人改的标题" in shown and "wodebiaoti" in shown
        assert app.screen.focused is blocks[0]
        await pilot.press("t", "down")  # 字号: theirs; on to 标题
        assert app.screen.focused is blocks[1] and blocks[0].choice == "theirs"
        await pilot.press("t", "m", "ctrl+s")  # 标题: theirs, then mine after all; done
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#title", Input).value == "wode biaoti"
        assert form.query_one("#doc_number", Input).value == "TA-2"
        assert form.query_one("#pages", Input).value == "3"
        assert form.query_one("#summary", TextArea).text == "zhaiyao"
        assert "已合并他人的修改" in str(form.query_one("#form-error", Label).render())
        assert IncomingDocument.get_by_id(doc.id).version == 2  # still not saved
        await pilot.press("ctrl+s")  # against the new version
        await settle(pilot)
        assert not isinstance(app.screen, (IncomingFormScreen, ConflictScreen))
    stored = IncomingDocument.get_by_id(doc.id)
    assert (stored.title, stored.doc_number, stored.pages, stored.summary, stored.version) == (
        "wode biaoti", "TA-2", 3, "zhaiyao", 3)


async def test_an_edited_value_and_cancel_write_nothing_over(db):
    doc = incoming.register(actor("lixm"), FIELDS)
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = await open_edit(pilot, IncomingFormScreen(doc.id))
        incoming.update(actor("chenhl"), doc.id, doc.version, {**FIELDS, "title": "他人改的标题"})
        await retype(pilot, form, "title", "wode")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("escape")  # back to the form: my typing, nothing taken
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#title", Input).value == "wode"
        assert "未保存，也未覆盖" in str(form.query_one("#form-error", Label).render())
        await pilot.press("ctrl+s")  # the old version still: the conflict again
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConflictScreen)
        await pilot.press("e", "ctrl+u")
        await type_text(pilot, "hebing")
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        assert app.screen is form and form.query_one("#title", Input).value == "hebing"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    assert IncomingDocument.get_by_id(doc.id).title == "hebing"


async def test_only_the_version_differs_saves_against_the_new_one(db):
    doc = incoming.register(actor("lixm"), FIELDS)
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = await open_edit(pilot, IncomingFormScreen(doc.id))
        incoming.update(actor("chenhl"), doc.id, doc.version, FIELDS)  # saved, nothing changed
        await retype(pilot, form, "title", "wode")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen is not form, "the second save")
        assert not isinstance(app.screen, ConflictScreen)
    stored = IncomingDocument.get_by_id(doc.id)
    assert (stored.title, stored.version) == ("wode", 3)


async def test_a_long_conflict_message_is_whole_at_80_columns(db):
    long_title = "关于" + "全区农村人居环境整治提升" * 6 + "的报告"
    doc = incoming.register(actor("lixm"), FIELDS)
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = await open_edit(pilot, IncomingFormScreen(doc.id))
        incoming.update(actor("chenhl"), doc.id, doc.version, {**FIELDS, "title": long_title})
        await retype(pilot, form, "title", "wode")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        shown = flat(screen_text(app))
        assert "这份收文刚被他人修改过。您填写的内容仍在表单中，请核对后再保存。" in shown
        assert "他人没有改过的栏目保留您填写的内容。完成后回到表单，再保存一次。" in shown
        assert long_title in shown  # the colleague's value wraps, never cut
        assert "Esc返回表单，不采用" in shown  # the hint's last words


async def test_the_draft_form_settles_a_conflict_too(db):
    yej = actor("yej")
    doc = outgoing.create_draft(yej, {"title": "关于秋季防火的通知", "main_to": "各乡镇"})
    app = app_as("yej")
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        form = await open_edit(pilot, OutgoingFormScreen(doc.id))
        outgoing.update_draft(yej, doc.id, doc.version,
                              {"title": "关于秋季森林防火的通知", "main_to": "各乡镇人民政府"})
        await retype(pilot, form, "title", "wode tongzhi")
        await retype(pilot, form, "main_to", "gexiangzhen")
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConflictScreen)
        assert [b.field.name for b in modal.query(ConflictBlock)] == ["title", "main_to"]
        await pilot.press("m", "down", "t", "ctrl+s", "ctrl+s")
        await settle(pilot)
        await wait_for(pilot, lambda: not isinstance(app.screen, OutgoingFormScreen),
                       "the save")
    stored = OutgoingDocument.get_by_id(doc.id)
    assert (stored.title, stored.main_to, stored.version) == (
        "wode tongzhi", "各乡镇人民政府", 3)


async def test_many_fields_scroll_with_the_cursor_and_the_keys_stay_in_view(db):
    fields = [ConflictField(f"f{i}", f"栏目{i}", "他人的", "我的", "他人的", "我的", "原来的")
              for i in range(1, 11)]
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        answers: list = []
        app.push_screen(ConflictScreen("这份收文刚被他人修改过。", fields), answers.append)
        await settle(pilot)
        await pilot.press(*["down"] * 6)
        await pilot.pause()
        modal = app.screen
        assert modal.focused is modal.query_one("#conflict-6", ConflictBlock)
        shown = flat(screen_text(app))
        assert "栏目7" in shown and "Esc返回表单，不采用" in shown
        await pilot.press("t", "up", "up", "ctrl+s")
        await pilot.pause()
        assert app.screen is not modal
    assert answers == [{f"f{i}": "他人的" if i == 7 else "我的" for i in range(1, 11)}]


async def test_choices_and_boxes_are_shown_as_read_and_taken_as_they_are(db):
    doc = incoming.register(actor("lixm"), FIELDS)
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        form = await open_edit(pilot, IncomingFormScreen(doc.id))
        incoming.update(actor("chenhl"), doc.id, doc.version,
                        {**FIELDS, "urgency": "加急", "is_request": True})
        await retype(pilot, form, "title", "wode")
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConflictScreen)
        rows = {b.field.name: b for b in modal.query(ConflictBlock)}
        assert set(rows) == {"urgency", "is_request"}  # 标题: only mine changed it
        urgency, box = rows["urgency"].field, rows["is_request"].field
        assert (urgency.theirs, urgency.mine, urgency.start) == ("加急", "普通", "普通")
        assert (box.theirs, box.mine) == ("是", "否")
        assert all(b.choice == "theirs" for b in rows.values())  # I had changed neither
        await pilot.press("e")  # a choice is picked, not written
        assert "请选保留您的或采用他人的" in str(modal.query_one("#conflict-problem").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    stored = IncomingDocument.get_by_id(doc.id)
    assert (stored.title, stored.urgency, stored.is_request) == ("wode", "加急", True)


def test_every_field_a_form_keeps_has_a_label_in_both_scripts():
    """The conflict screen and a refused draft name a field by its label: never a catalog key
    (a picked 来文单位 once read incoming.f_from_unit)."""
    from govdesk.i18n import set_language, t
    from govdesk.screens.incoming import form as incoming_form
    from govdesk.screens.outgoing import form as outgoing_form

    names = {
        "incoming": (*incoming_form.TEXTS, *incoming_form.SELECTS, *incoming_form.FACTS,
                     "summary", "from_unit", "remit_unit", "urging_person", "change_reason"),
        "outgoing": (*outgoing_form.INPUTS, *outgoing_form.AREAS, *outgoing_form.CHECKS,
                     *outgoing_form.SELECTS, "drafting_unit", "change_note"),
    }
    try:
        for language in ("zh-Hant", "zh-Hans"):
            set_language(language)
            for kind, keys in names.items():
                for name in keys:
                    label = t(f"{kind}.f_{name}")
                    assert label and not label.startswith(f"{kind}."), (language, label)
    finally:
        set_language("zh-Hans")
