"""Never lose typed work (issue 11), driven by keys: closing a changed form asks first, and
what was typed survives the desk's process being killed (a dropped SSH connection)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from textual.widgets import Input, Label, Static, TextArea

from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, OutgoingDocument
from govdesk.screens.conflict import ConflictScreen
from govdesk.screens.draft_modals import CloseFormModal, DraftOfferModal
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.outgoing.form import OutgoingFormScreen
from govdesk.services import drafts, incoming, org
from govdesk.widgets.picker import Picker
from tests.conftest import NOW, actor
from tests.helpers.workers import settle, wait_for

ROOT = Path(__file__).resolve().parent.parent
TITLE = "关于秋季森林防火的通知"  # no full-width punctuation: Pilot.press types these as is
DOC_NUMBER = "HYJ2026-31"


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def open_form(pilot, keys: tuple[str, ...], kind: type):
    await pilot.press(*keys)
    await settle(pilot)
    form = pilot.app.screen
    if isinstance(form, DraftOfferModal):
        return form
    assert isinstance(form, kind), form
    await wait_for(pilot, lambda: form.keeping_drafts or isinstance(pilot.app.screen,
                                                                     DraftOfferModal),
                   "the form ready")
    return pilot.app.screen


async def test_closing_a_changed_form_asks_and_discard_forgets(db):
    app = app_as("lixm")
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot, ("1", "n"), IncomingFormScreen)
        assert not form.changed
        form.query_one("#title", Input).focus()
        await type_text(pilot, "kuaibao")  # a burst: Esc comes before any autosave
        await pilot.press("escape")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CloseFormModal)
        assert str(modal.query_one("#choice-title", Label).render()) == "表单已修改，尚未保存"
        await pilot.press("enter")  # the default: keep editing
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#title", Input).value == "kuaibao"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CloseFormModal)
        await pilot.press("escape")  # Esc too keeps editing
        await pilot.pause()
        assert app.screen is form and form.query_one("#title", Input).value == "kuaibao"

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")  # 放弃
        await settle(pilot)
        assert not isinstance(app.screen, IncomingFormScreen | CloseFormModal)
        assert drafts.get(actor("lixm"), "incoming", None) is None

        form = await open_form(pilot, ("n",), IncomingFormScreen)
        assert isinstance(form, IncomingFormScreen) and not form.draft_offered
        assert form.query_one("#title", Input).value == ""
        await pilot.press("escape")  # unchanged: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, IncomingFormScreen | CloseFormModal)


async def test_typed_and_taken_back_closes_at_once(db):
    app = app_as("lixm")
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot, ("1", "n"), IncomingFormScreen)
        form.query_one("#title", Input).focus()
        await type_text(pilot, "ab")
        await pilot.press("backspace", "backspace")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, IncomingFormScreen | CloseFormModal)
    assert drafts.get(actor("lixm"), "incoming", None) is None


async def test_save_from_the_close_question_saves_and_drops_the_draft(db):
    app = app_as("lixm")
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot, ("1", "n"), IncomingFormScreen)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        await type_text(pilot, "jiaoyu")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        form.query_one("#title", Input).focus()
        await type_text(pilot, TITLE)
        await wait_for(pilot, lambda: drafts.get(actor("lixm"), "incoming", None) is not None,
                       "the autosave")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")  # 保存
        await settle(pilot)
        assert not isinstance(app.screen, IncomingFormScreen | CloseFormModal)
    assert IncomingDocument.get().title == TITLE
    assert drafts.get(actor("lixm"), "incoming", None) is None


# A desk in a process of its own, as a user's SSH session runs it: 收文登记 opened, a title and
# a 文号 typed; once the draft is in the database it says so, and waits to be killed.
DESK = textwrap.dedent("""
    import asyncio, sys
    from datetime import datetime
    from govdesk.app import GovDesk
    from govdesk.models import open_database
    from govdesk.screens.incoming.form import IncomingFormScreen
    from govdesk.services import drafts, org
    from govdesk.services.context import Actor

    db, title, number = sys.argv[1], sys.argv[2], sys.argv[3]
    now = datetime(2026, 11, 26, 9, 30)
    open_database(db, create=False)
    person = org.person_by_login("lixm")
    app = GovDesk(person=person, poll=False, now=now)

    async def until(condition, what):
        for _ in range(2400):  # generous: the machine may be busy with other work
            if condition():
                return
            await asyncio.sleep(0.05)
        print("NEVER", what, type(app.screen).__name__, flush=True)
        await asyncio.sleep(120)

    def kept():
        draft = drafts.get(Actor(person, now), "incoming", None)
        return draft is not None and draft.fields.get("doc_number") == number

    async def auto_pilot(pilot):
        await pilot.press("1")
        await until(lambda: type(app.screen).__name__ == "SecretariatScreen", "秘书科")
        await pilot.pause()
        await pilot.press("n")
        await until(lambda: isinstance(app.screen, IncomingFormScreen)
                    and app.screen.keeping_drafts, "the form ready")
        form = app.screen
        form.query_one("#title").focus()
        for ch in title:
            await pilot.press(ch)
        form.query_one("#doc_number").focus()
        for ch in number:
            await pilot.press(ch)
        await until(kept, "the draft kept")
        print("KEPT", flush=True)
        await asyncio.sleep(120)

    app.run(headless=True, size=(100, 30), auto_pilot=auto_pilot)
""")


def _kill_after_autosave(db_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    desk = subprocess.Popen([sys.executable, "-c", DESK, str(db_path), TITLE, DOC_NUMBER],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 180
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([desk.stdout], [], [], 1)
            if ready:
                line = desk.stdout.readline()
                break
            if desk.poll() is not None:
                break
        assert line.strip() == "KEPT", desk.stderr.read() if desk.poll() is not None else line
        os.kill(desk.pid, signal.SIGKILL)  # no goodbye: a dropped connection, a killed process
        assert desk.wait(10) == -signal.SIGKILL
    finally:
        if desk.poll() is None:
            desk.kill()
            desk.wait()


async def test_a_killed_desk_loses_nothing_typed(db):
    _kill_after_autosave(db)
    app = app_as("lixm")
    async with app.run_test(size=(100, 30)) as pilot:
        offer = await open_form(pilot, ("1", "n"), IncomingFormScreen)
        assert isinstance(offer, DraftOfferModal)
        assert str(offer.query_one("#choice-title", Label).render()) == (
            "上次未保存的内容（11-26 09:30）")
        await pilot.press("r")  # 恢复
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IncomingFormScreen)
        assert form.query_one("#title", Input).value == TITLE
        assert form.query_one("#doc_number", Input).value == DOC_NUMBER
        assert form.changed
        # Still kept while the form is open; 放弃 drops it.
        assert drafts.get(actor("lixm"), "incoming", None) is not None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CloseFormModal)
        await pilot.press("d")
        await settle(pilot)
    assert drafts.get(actor("lixm"), "incoming", None) is None


async def test_an_offered_draft_dropped_is_gone(db):
    drafts.save(actor("lixm"), "incoming", None, {"title": TITLE, "gone_field": "x"})
    app = app_as("lixm")
    async with app.run_test(size=(100, 30)) as pilot:
        offer = await open_form(pilot, ("1", "n"), IncomingFormScreen)
        assert isinstance(offer, DraftOfferModal)
        await pilot.press("d")  # 丢弃
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncomingFormScreen) and form.keeping_drafts
        assert form.query_one("#title", Input).value == ""
    assert drafts.get(actor("lixm"), "incoming", None) is None


async def test_a_draft_of_the_outgoing_form_survives_the_desk_closing(db):
    app = app_as("yej")
    async with app.run_test(size=(110, 36)) as pilot:
        form = await open_form(pilot, ("2", "w"), OutgoingFormScreen)
        await type_text(pilot, TITLE)
        form.query_one("#body", TextArea).focus()
        await type_text(pilot, "现将有关事项通知如下")
        await wait_for(pilot, lambda: (d := drafts.get(actor("yej"), "outgoing", None))
                       is not None and d.fields.get("body") == "现将有关事项通知如下",
                       "the autosave")
    # The desk went without saving (closed, not asked): a new one offers the typing back.
    app = app_as("yej")
    async with app.run_test(size=(110, 36)) as pilot:
        offer = await open_form(pilot, ("2", "w"), OutgoingFormScreen)
        assert isinstance(offer, DraftOfferModal)
        await pilot.press("enter")  # Enter restores
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OutgoingFormScreen)
        assert form.query_one("#title", Input).value == TITLE
        assert form.query_one("#body", TextArea).text == "现将有关事项通知如下"
        await pilot.press("ctrl+s")  # saved: the draft goes
        await settle(pilot)
        assert not isinstance(app.screen, OutgoingFormScreen)
    assert OutgoingDocument.get().body == "现将有关事项通知如下"
    assert drafts.get(actor("yej"), "outgoing", None) is None
    # Someone else opening the same form is offered nothing.
    drafts.save(actor("yej"), "outgoing", None, {"title": TITLE})
    app = app_as("lixm")
    async with app.run_test(size=(110, 36)) as pilot:
        form = await open_form(pilot, ("2", "w"), OutgoingFormScreen)
        assert isinstance(form, OutgoingFormScreen) and not form.draft_offered


async def test_an_edit_keeps_its_own_draft_and_never_saves_over_a_newer_record(db):
    """The edit form's draft is that record's; restored after someone saved the record, the
    save is refused as a conflict instead of writing over their change."""
    fields = {"from_unit": "cz", "title": "原来的标题", "doc_kind": "报告"}
    doc = incoming.register(actor("lixm"), fields)
    app = app_as("lixm")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        app.push_screen(IncomingFormScreen(doc.id))
        form = await open_form(pilot, (), IncomingFormScreen)
        title = form.query_one("#title", Input)
        assert title.value == "原来的标题" and not form.changed
        title.focus()
        await pilot.press("end")
        await type_text(pilot, "补充")
        await wait_for(pilot, lambda: drafts.get(actor("lixm"), "incoming", doc.id) is not None,
                       "the autosave")
    assert drafts.get(actor("lixm"), "incoming", doc.id).fields["__version"] == "1"
    assert drafts.get(actor("lixm"), "incoming", None) is None  # a new 收文's: none
    incoming.update(actor("lixm"), doc.id, 1, {**fields, "title": "别人改的标题"})

    app = app_as("lixm")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        app.push_screen(IncomingFormScreen(doc.id))
        offer = await open_form(pilot, (), IncomingFormScreen)
        assert isinstance(offer, DraftOfferModal)
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#title", Input).value == "原来的标题补充"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Refused: someone saved it since. Nothing is written over; it is settled field by field.
        assert isinstance(app.screen, ConflictScreen)
        assert "他人修改" in str(app.screen.query_one("#conflict-message", Static).render())
        assert drafts.get(actor("lixm"), "incoming", doc.id) is not None  # still kept
    assert IncomingDocument.get_by_id(doc.id).title == "别人改的标题"


async def test_typing_not_kept_yet_is_kept_when_the_desk_closes(db, monkeypatch):
    """Ctrl+Q (or the terminal gone) before the pause that keeps a draft: it is kept then."""
    monkeypatch.setattr(OutgoingFormScreen, "DRAFT_DELAY", 3600)  # the pause never ends here
    app = app_as("yej")
    async with app.run_test(size=(110, 36)) as pilot:
        await open_form(pilot, ("2", "w"), OutgoingFormScreen)
        await type_text(pilot, TITLE)
        await settle(pilot)
        assert drafts.get(actor("yej"), "outgoing", None) is None
    for _ in range(200):  # the closing desk's last write, on its own thread
        draft = drafts.get(actor("yej"), "outgoing", None)
        if draft is not None:
            break
        time.sleep(0.05)
    assert draft is not None and draft.fields["title"] == TITLE


async def test_a_draft_too_large_to_keep_says_which_field(db):
    app = app_as("yej")
    async with app.run_test(size=(110, 36)) as pilot:
        form = await open_form(pilot, ("2", "w"), OutgoingFormScreen)
        body = form.query_one("#body", TextArea)
        body.text = "甲" * (drafts.MAX_BYTES // 3 + 10)
        await wait_for(pilot, lambda: any("正文：内容过长" in str(n.message)
                                          for n in app._notifications), "the warning")
        assert app.screen is form and len(body.text) == drafts.MAX_BYTES // 3 + 10
    assert drafts.get(actor("yej"), "outgoing", None) is None


async def test_a_leaders_opinion_typed_and_left_is_offered_back_on_the_same_turn(db):
    """签批: the opinion typed is kept for that turn; the desk closing mid-sentence loses
    nothing, the next 签批 on the same task offers it back, and the save forgets it."""
    from govdesk.models import Task
    from govdesk.screens.incoming.modals import ActionModal
    from tests.test_ui_incoming import open_from_home

    clerk = actor("lixm")
    incoming.register(clerk, {
        "from_unit": "区教育局", "doc_number": DOC_NUMBER, "title": TITLE, "urgency": "普通",
        "secrecy": "无", "copies": "1", "pages": "2", "received_on": "2026-11-26"})
    incoming.decide_intake(clerk, Task.get(Task.step == "初审").id, "受理", "")
    task = Task.get(Task.step == "签批")
    opinion = "请教育局抓紧落实并报结果"
    async with app_as("linzh").run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, TITLE)
        await pilot.press("s")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, ActionModal)
        await wait_for(pilot, lambda: modal.keeping_drafts, "the modal ready")
        await type_text(pilot, opinion)
        await pilot.press("escape")  # typed in: asks first
        await pilot.pause()
        assert isinstance(pilot.app.screen, CloseFormModal)
        await pilot.press("enter")  # keep editing
        await pilot.pause()
        assert pilot.app.screen is modal
        await wait_for(pilot, lambda: modal.draft_kept, "the opinion kept")
    kept = drafts.get(actor("linzh"), "task", task.id)
    assert kept is not None and kept.fields["opinion"] == opinion
    assert drafts.get(actor("zhoudw"), "task", task.id) is None  # theirs alone

    async with app_as("linzh").run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, TITLE)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DraftOfferModal)
        await pilot.press("enter")  # 恢复
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, ActionModal)
        assert modal.query_one("#opinion", Input).value == opinion
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ActionModal)
    assert Task.get_by_id(task.id).opinion == opinion
    assert drafts.get(actor("linzh"), "task", task.id) is None
