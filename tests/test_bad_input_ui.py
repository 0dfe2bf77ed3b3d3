"""The 收文 register form keeps what the user typed when a save is refused (issue 4, item 4):
emoji, control-looking text, SQL, mixed scripts and a long pasted string stay in the form,
the error names 标题, and nothing is saved."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Label, TextArea

from govdesk.app import GovDesk
from govdesk.models import AuditEntry, IncomingDocument
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.services import org
from tests.conftest import NOW

TYPED = "某某单位"  # typed key by key, then emoji pasted after it (Pilot cannot type emoji)
EMOJI = "😀🇨🇳"
PASTED = {
    "doc_number": "'; DROP TABLE incoming_document; --",
    "copy_no": "^C \\x00 \\x1b[31m",  # looks like control codes, is plain text
    "attachments": "附件" * 10_000,  # 20 000 characters pasted at once
    "special_reason": "𠀀𪚥 مرحبا Здравствуйте 🇨🇳 繁體 👨\u200d👩\u200d👧",
    "files": "%_\\ OR 1=1",
}
SUMMARY = "第一行😀\n第二行 'quoted' \"double\"\n　　缩进"


async def paste(pilot, widget, text: str) -> None:
    """Focus the widget and paste as the terminal would (the app hands it to the focused one)."""
    widget.focus()
    await pilot.pause()
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def test_refused_save_keeps_every_hostile_value(db):
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IncomingFormScreen)
        assert app.focused is form.query_one("#from_name", Input)
        for ch in TYPED:
            await pilot.press(ch)
        await paste(pilot, form.query_one("#from_name", Input), EMOJI)
        for key, text in PASTED.items():
            await paste(pilot, form.query_one(f"#{key}", Input), text)
        await paste(pilot, form.query_one("#summary", TextArea), SUMMARY)
        received = form.query_one("#received_on", Input).value

        await pilot.press("ctrl+s")  # 标题 left empty (and 附件 too long): refused
        await pilot.pause()

        assert app.screen is form  # still open
        error = str(form.query_one("#form-error", Label).render())
        # Every refused field at once, the cursor on the first of them in the form.
        assert error.startswith("有 2 栏需要改正：标题：不能为空；附件：过长"), error
        assert app.focused is form.query_one("#title", Input)
        assert form.query_one("#from_name", Input).value == TYPED + EMOJI
        for key, text in PASTED.items():
            assert form.query_one(f"#{key}", Input).value == text, key
        assert form.query_one("#summary", TextArea).text == SUMMARY
        assert form.query_one("#received_on", Input).value == received
        assert form.query_one("#title", Input).value == ""

        # A second refusal (a date out of range) keeps everything too, and names its field.
        form.query_one("#title", Input).value = "关于某事项的报告"
        form.query_one("#received_on", Input).value = "9999-12-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        error = str(form.query_one("#form-error", Label).render())
        assert "收文日期：" in error and "附件：过长" in error, error
        assert app.focused is form.query_one("#received_on", Input)
        for key, text in PASTED.items():
            assert form.query_one(f"#{key}", Input).value == text, key

        # A third (the 20 000-character 附件 is over the limit): refused by name, still kept.
        form.query_one("#received_on", Input).value = received
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        error = str(form.query_one("#form-error", Label).render())
        assert error.startswith("附件：过长"), error
        assert form.query_one("#attachments", Input).value == PASTED["attachments"]
        assert form.query_one("#summary", TextArea).text == SUMMARY
    assert IncomingDocument.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.action == "incoming.register").count() == 0
