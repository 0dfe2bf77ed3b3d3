"""Typing ahead and pasting (issue 11, item 2): keys that arrive in one burst (a slow SSH link,
a paste) land where they would typed slowly; a paste into a field is cleaned of what nobody
sees; the services refuse such characters naming the field.

``burst`` hands every key to the driver at once and only then waits, as a terminal does with
a burst; Pilot's own press() waits for the app between keys, so it cannot show the problem.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, TextArea

from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, OutgoingDocument
from govdesk.paste_input import PasteSafeParser
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.outgoing.form import OutgoingFormScreen
from govdesk.services import incoming, org, outgoing, plain_text
from govdesk.services.errors import ValidationError
from govdesk.widgets.fields import FieldArea, FieldInput
from tests.conftest import NOW, actor
from tests.helpers.outgoing_worker import BASE_FIELDS
from tests.helpers.workers import settle, wait_for

KEY_NAMES = {"\t": "tab"}
HOSTILE = "\x1b[31m关于\t做好\x0b冬季\u200b安全生产\u202e工作\x1b[0m的通知"
CLEANED = "关于 做好 冬季安全生产工作的通知"


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def burst(pilot, *keys: str) -> None:
    """Queue every key at once; each is a key name ("tab", "backspace") or one character."""
    app = pilot.app
    for key in keys:
        if len(key) == 1:
            event = events.Key(KEY_NAMES.get(key, key), key)
        else:
            event = events.Key(key, {"tab": "\t", "enter": "\r"}.get(key))
        event.set_sender(app)
        app._driver.send_message(event)


async def burst_and_settle(pilot, *keys: str) -> None:
    burst(pilot, *keys)
    await settle(pilot)
    for _ in range(len(keys) // 4 + 5):  # each key is handled before the next is let go
        await pilot.pause()


def chars(text: str) -> list[str]:
    return list(text)


async def open_incoming_form(pilot) -> IncomingFormScreen:
    await pilot.press("1", "n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, IncomingFormScreen)
    assert pilot.app.focused is form.query_one("#from_name", Input)
    return form


def values(form, *keys: str) -> dict[str, str]:
    return {key: form.query_one(f"#{key}", Input).value for key in keys}


# ---------------------------------------------------------------- keys in a burst


async def test_a_burst_with_tabs_fills_each_field_of_the_incoming_form(db):
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        form = await open_incoming_form(pilot)
        await burst_and_settle(pilot, *chars("甲单位"), "tab", *chars("乙字号"), "tab",
                               *chars("丙标题"))
        assert values(form, "from_name", "doc_number", "title") == {
            "from_name": "甲单位", "doc_number": "乙字号", "title": "丙标题"}
        assert pilot.app.focused is form.query_one("#title", Input)


async def test_a_burst_that_opens_the_form_types_into_its_first_field(db):
    """The key that opens the form and the keys behind it in one burst: they are for the
    form's fields, not for the register the form opened over."""
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        await burst_and_settle(pilot, "1", "n", *chars("甲单位"), "tab", *chars("乙字号"))
        form = pilot.app.screen
        assert isinstance(form, IncomingFormScreen)
        assert values(form, "from_name", "doc_number") == {
            "from_name": "甲单位", "doc_number": "乙字号"}


async def test_a_burst_keeps_backspace_enter_and_shift_tab_in_their_place(db):
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        form = await open_incoming_form(pilot)
        # Enter moves on like Tab; Backspace takes the key before it, not one typed after.
        await burst_and_settle(pilot, *chars("甲单X"), "backspace", "位", "enter",
                               *chars("乙字号"), "shift+tab", "tab", "tab", *chars("标题"),
                               "shift+tab", "！")
        assert values(form, "from_name", "doc_number", "title") == {
            "from_name": "甲单位", "doc_number": "乙字号！", "title": "标题"}


async def test_tab_passes_the_pick_button_by(db):
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        form = await open_incoming_form(pilot)
        await pilot.press("tab")
        assert pilot.app.focused is form.query_one("#doc_number", Input)
        assert not form.query_one("#pick-from").focusable


async def test_a_burst_fills_the_outgoing_form(db):
    async with app_as("qianhy").run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "w")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, OutgoingFormScreen)
        assert pilot.app.focused is form.query_one("#title", Input)
        await burst_and_settle(pilot, *chars("关于某事的通知"), "tab", *chars("各乡镇"), "tab",
                               *chars("区委办"))
        assert values(form, "title", "main_to", "cc") == {
            "title": "关于某事的通知", "main_to": "各乡镇", "cc": "区委办"}


async def test_a_burst_fills_a_step_modal(db):
    got: list[dict] = []
    async with app_as("lixm").run_test(size=(100, 30)) as pilot:
        modal = FieldsModal("测试", got.append, [Field("a", "甲"), Field("b", "乙"),
                                                Field("c", "丙")])
        pilot.app.push_screen(modal)
        await settle(pilot)
        assert pilot.app.focused is modal.query_one("#f-a", Input)
        await burst_and_settle(pilot, *chars("一"), "tab", *chars("二二"), "enter",
                               *chars("三"), "enter")
        await wait_for(pilot, lambda: got, "the modal's values")
    assert got == [{"a": "一", "b": "二二", "c": "三"}]


# ---------------------------------------------------------------- entering a field


async def test_entering_a_filled_field_puts_the_cursor_after_it(db):
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        form = await open_incoming_form(pilot)
        received = form.query_one("#received_on", Input)
        today = received.value
        assert today == NOW.date().isoformat()
        received.focus()
        await pilot.pause()
        assert received.selection.is_empty and received.cursor_position == len(today)
        await pilot.press("a", "b", "c")
        assert received.value == today + "abc"
        # By Tab, too: from 页数 (holding "1") on to 收文日期.
        pages = form.query_one("#pages", Input)
        pages.value = "1"
        pages.focus()
        await pilot.press("2", "tab")
        assert pages.value == "12"
        assert pilot.app.focused is received
        await pilot.press("x")
        assert received.value == today + "abcx"


def test_every_form_field_is_a_field_input():
    """No form builds a plain Input or TextArea: each is a FieldInput / FieldArea."""
    import inspect

    from govdesk.screens import fields_modal
    from govdesk.screens.incoming import form as incoming_form
    from govdesk.screens.incoming import modals as incoming_modals
    from govdesk.screens.outgoing import form as outgoing_form
    from govdesk.screens.outgoing import modals as outgoing_modals

    for module in (fields_modal, incoming_form, incoming_modals, outgoing_form,
                   outgoing_modals):
        source = inspect.getsource(module)
        assert " Input(" not in source and "(Input(" not in source, module.__name__
        assert " TextArea(" not in source and "(TextArea(" not in source, module.__name__
    assert not FieldInput().select_on_focus


# ---------------------------------------------------------------- pasting


async def paste(pilot, widget, text: str) -> None:
    widget.focus()
    await pilot.pause()
    pilot.app.post_message(events.Paste(text))
    await settle(pilot)


async def test_a_paste_is_cleaned_in_the_field_and_stored_as_shown(db):
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        form = await open_incoming_form(pilot)
        await pilot.press(*"jiaoyu")
        await paste(pilot, form.query_one("#title", Input), HOSTILE)
        assert form.query_one("#title", Input).value == CLEANED
        await paste(pilot, form.query_one("#summary", TextArea),
                    "第一行\r\n第二行\t有\x1b[1m粗\x1b[0m\u200b体\x0b第三行\x07")
        assert form.query_one("#summary", TextArea).text == "第一行\n第二行 有粗体\n第三行"
        form.query_one("#from_name", Input).value = "黄岩区教育局"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, IncomingFormScreen),
                       "the form closes")
    doc = IncomingDocument.get()
    assert doc.title == CLEANED
    assert doc.summary == "第一行\n第二行 有粗体\n第三行"


async def test_a_paste_between_typed_keys_keeps_its_place(db):
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        form = await open_incoming_form(pilot)
        burst(pilot, "甲")
        pilot.app._driver.send_message(events.Paste("乙\t丙"))
        burst(pilot, "丁", "tab", "戊")
        await burst_and_settle(pilot)
        assert values(form, "from_name", "doc_number") == {
            "from_name": "甲乙 丙丁", "doc_number": "戊"}


async def test_a_paste_replaces_the_selection(db):
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        form = await open_incoming_form(pilot)
        field = form.query_one("#from_name", FieldInput)
        field.value = "旧单位名称"
        field.select_all()
        pilot.app.post_message(events.Paste("新\u200d单位\n"))
        await settle(pilot)
        assert field.value == "新单位 "


async def test_a_paste_into_a_multiline_field_of_the_outgoing_form(db):
    async with app_as("qianhy").run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "w")
        await settle(pilot)
        form = pilot.app.screen
        body = form.query_one("#body", FieldArea)
        await paste(pilot, body, "一、\t提高认识。\u2028二、落实\ufeff责任。")
        assert body.text == "一、 提高认识。\n二、落实责任。"


# ---------------------------------------------------------------- the cleaning itself


@pytest.mark.parametrize(("pasted", "one_line", "multi_line"), [
    (HOSTILE, CLEANED, "关于 做好\n冬季安全生产工作的通知"),
    ("a\r\nb\rc\nd", "a b c d", "a\nb\nc\nd"),
    ("\x1b]0;窗口标题\x07正文", "正文", "正文"),  # OSC: the whole string goes
    ("\x1bP1$r\x1b\\正文", "正文", "正文"),  # DCS up to ST
    ("\x1b(B中\x1b7文\x1b", "中文", "中文"),  # short escapes, a lone ESC at the end
    ("\x9b31m红\x85字", "红 字", "红\n字"),  # 8-bit CSI, NEL
    ("\x1b]未完的标题", "未完的标题", "未完的标题"),  # no ST: only the introducer goes
    ("\x00\x07\x7f\x9f文", "文", "文"),
    ("\u200b\u200c\u200d\u2060\ufeff字", "字", "字"),
    ("\u202e\u2066\u200e\u061c字\u2069\u202c", "字", "字"),
    ("👨\u200d👩\u200d👧 与 🏳\ufe0f\u200d🌈", "👨\u200d👩\u200d👧 与 🏳\ufe0f\u200d🌈",
     "👨\u200d👩\u200d👧 与 🏳\ufe0f\u200d🌈"),  # a joiner inside an emoji stays
    ("𠀀𪚥 مرحبا 繁體 e\u0301 ＡＢ", "𠀀𪚥 مرحبا 繁體 e\u0301 ＡＢ", "𠀀𪚥 مرحبا 繁體 e\u0301 ＡＢ"),
])
def test_clean(pasted, one_line, multi_line):
    assert plain_text.clean(pasted) == one_line
    assert plain_text.clean(pasted, multiline=True) == multi_line
    assert plain_text.unwanted(one_line) is None
    assert plain_text.unwanted(multi_line, multiline=True) is None


def test_unwanted():
    assert plain_text.unwanted("关于\t做好") == "\t"
    assert plain_text.unwanted("第一行\n第二行") == "\n"
    assert plain_text.unwanted("第一行\n第二行", multiline=True) is None
    assert plain_text.unwanted("第一行\r\n第二行", multiline=True) == "\r"
    assert plain_text.unwanted("字\u200b") == "\u200b"


# ---------------------------------------------------------------- the services refuse


BASE = {"from_unit": "cz", "title": "关于某事项的报告", "doc_kind": "报告"}


@pytest.mark.parametrize(("key", "label", "value"), [
    ("title", "标题", "关于\t做好"),
    ("title", "标题", "\x1b[31m红字"),
    ("doc_number", "来文字号", "甲\u200b乙"),
    ("copy_no", "份数序号", "第\n一份"),
    ("special_reason", "特殊原因或领导批示", "倒\u202e序"),
    ("summary", "摘要", "第一行\n\t缩进"),
    ("summary", "摘要", "第一行\x0b第二行"),
])
def test_the_incoming_service_refuses_control_characters_naming_the_field(db, key, label,
                                                                          value):
    with pytest.raises(ValidationError) as caught:
        incoming.register(actor("lixm"), {**BASE, key: value})
    assert caught.value.name == key
    assert str(caught.value).startswith(label), str(caught.value)
    assert IncomingDocument.select().count() == 0


def test_a_multiline_field_keeps_its_line_breaks(db):
    doc = incoming.register(actor("lixm"), {**BASE, "summary": "第一行\n第二行"})
    assert IncomingDocument.get_by_id(doc.id).summary == "第一行\n第二行"


DRAFT = BASE_FIELDS


@pytest.mark.parametrize(("key", "value", "refused"), [
    ("title", "关于\t某事", True),
    ("main_to", "各乡镇\n各街道", True),
    ("body", "一、\n二、", False),
    ("body", "一、\t二、", True),
    ("attachments", "1. 表\n2. 单", False),
    ("attachments", "1. 表\x1b[0m", True),
])
def test_the_outgoing_service_refuses_control_characters(db, key, value, refused):
    fields = {**DRAFT, key: value}
    if not refused:
        doc = outgoing.create_draft(actor("qianhy"), fields)
        assert getattr(OutgoingDocument.get_by_id(doc.id), key) == value
        return
    with pytest.raises(ValidationError) as caught:
        outgoing.create_draft(actor("qianhy"), fields)
    assert caught.value.name == key
    assert "控制字符" in str(caught.value)


# ---------------------------------------------------------------- the terminal's bytes


def parsed(chunks: list[str]) -> list:
    parser = PasteSafeParser()
    out: list = []
    for chunk in chunks:
        out += list(parser.feed(chunk))
    return out


def test_a_paste_holding_escape_sequences_stays_one_paste():
    """Textual's parser took the bytes after an ESC inside a paste for keys: they arrived
    before the paste, the text behind them with them (``^[31m的通知关于\\t做好``)."""
    got = parsed(["ab\x1b[200~\x1b[3", "1m关于\t做好\x0b冬季\u200b安全\x1b[0m的通知\x1b[2",
                  "01~cd\x1b[A"])
    assert [(type(e).__name__, getattr(e, "key", None) or getattr(e, "text", None))
            for e in got] == [
        ("Key", "a"), ("Key", "b"), ("Paste", "关于\t做好\x0b冬季\u200b安全的通知"),
        ("Key", "c"), ("Key", "d"), ("Key", "up")]


def test_keys_outside_a_paste_are_parsed_as_before():
    assert [e.key for e in parsed(["a\x1b[Bz", "\r", "\t"])] == ["a", "down", "z", "enter",
                                                                 "tab"]
    assert [e.text for e in parsed(["\x1b[200~一\x1b]0;标题\x07二", "\x1b[201~"])] == ["一二"]


async def test_a_new_entrys_pages_is_what_was_typed_and_one_when_left_empty(db):
    """页数 shows its default as a placeholder: typed 4 is 4 pages (not 14), empty is 1."""
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        form = await open_incoming_form(pilot)
        pages = form.query_one("#pages", Input)
        assert pages.value == "" and pages.placeholder == "1"
        pages.focus()
        await pilot.press("4")
        assert form.values()["pages"] == "4"
        pages.value = ""
        assert form.values()["pages"] == "1"
        pages.value = "4"
        for key, text in (("from_name", "区财政局"), ("doc_number", "财2026-8"),
                          ("title", "关于预算执行的报告")):
            form.query_one(f"#{key}", Input).value = text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, type(form))
    assert IncomingDocument.get().pages == 4
