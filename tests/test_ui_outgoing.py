"""发文 screens, driven by keys as a user would (SPEC §4, §5): a whole life from 拟稿 to 分发,
a refused submission, and a 差错 showing in the error register."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from govdesk.app import GovDesk
from govdesk.models import (
    DispatchRecord,
    DraftRevision,
    ErrorRecord,
    OutgoingDocument,
    Task,
    Unit,
)
from govdesk.models import outgoing as states
from govdesk.screens.outgoing.detail import OutgoingDetailScreen
from govdesk.screens.outgoing.error_register import ErrorRegisterScreen
from govdesk.screens.outgoing.form import OutgoingFormScreen
from govdesk.screens.outgoing.modals import CompareScreen, DispatchModal, ErrorModal, FieldsModal
from govdesk.services import flow, org, outgoing
from govdesk.widgets.paged_table import PagedTable
from tests.conftest import NOW
from tests.helpers.workers import settle

TITLE = "关于做好冬季安全生产工作的通知"
BODY = "为切实做好冬季安全生产工作，现就有关事项通知如下。"
ADDED = "二、检查时间：12月1日至12月15日。"


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


async def type_text(pilot, text: str) -> None:
    """Type like a user. Pilot.press drops the character of full-width punctuation (，。、：),
    which a terminal does deliver, so those are sent as the key events a terminal sends."""
    for ch in text:
        if ch == "\n":
            await pilot.press("enter")
        elif ch.isalnum() or ord(ch) < 128:
            await pilot.press(ch)
        else:
            pilot.app._driver.send_message(events.Key(_character_to_key(ch), ch))
            await pilot.pause()


def static_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def choose(pilot, select_id: str, value: str) -> None:
    """Open a Select with Enter and move to ``value`` with the arrow keys."""
    select = pilot.app.screen.query_one(f"#{select_id}", Select)
    select.focus()
    options = [v for _, v in select._options if v is not Select.NULL]
    current = options.index(select.value)
    await pilot.press("enter")
    await pilot.pause()
    target = options.index(value)
    for _ in range(abs(target - current)):
        await pilot.press("down" if target > current else "up")
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value


async def fill_draft(pilot, *, cc: str = "") -> OutgoingFormScreen:
    """On 综合调研科 (key 2): w, 区政府, title, 主送, body, Ctrl+S."""
    await pilot.press("2", "w")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, OutgoingFormScreen)
    assert form.query_one("#drafting_section", Select).value == "diaoyan"
    await type_text(pilot, TITLE)
    await choose(pilot, "issuer", "区政府")
    form.query_one("#main_to", Input).focus()
    await type_text(pilot, "各乡镇人民政府、各街道办事处")
    if cc:
        form.query_one("#cc", Input).focus()
        await type_text(pilot, cc)
    form.query_one("#body", TextArea).focus()
    await type_text(pilot, BODY)
    return form


async def open_from_home(pilot, title: str = TITLE) -> OutgoingDetailScreen:
    await pilot.press("0")
    await pilot.pause()
    inbox = pilot.app.screen.query_one("#inbox")
    titles = [str(inbox.get_row_at(i)[3]) for i in range(inbox.row_count)]
    assert title in titles, titles
    inbox.focus()
    inbox.move_cursor(row=titles.index(title))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, OutgoingDetailScreen)
    return pilot.app.screen


async def act(pilot, key: str, text: str = "") -> None:
    """Press an action key, type into the modal's first field, Ctrl+S; the modal must close."""
    detail = pilot.app.screen
    await pilot.press(key)
    await pilot.pause()
    modal = pilot.app.screen
    assert modal is not detail, f"key {key} did nothing"
    await type_text(pilot, text)
    await pilot.press("ctrl+s")
    await pilot.pause()
    error = str(modal.query_one("#error", Label).render()) if pilot.app.screen is modal else ""
    assert pilot.app.screen is detail, error


async def test_whole_life(db):
    async with app_as("qianhy").run_test(size=(120, 40)) as pilot:
        await fill_draft(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        detail = pilot.app.screen
        assert isinstance(detail, OutgoingDetailScreen)  # the saved draft opens
        doc = OutgoingDocument.get()
        assert (doc.title, doc.issuer, doc.body, doc.drafting_section.code) == (
            TITLE, "区政府", BODY, "diaoyan")
        assert "起草" in static_text(pilot.app, "#status")
        assert "区长" in static_text(pilot.app, "#chain")  # the signer and the reason
        await act(pilot, "s")
        assert OutgoingDocument.get().state == states.REVIEWING
        assert "▶秘书科核稿" in static_text(pilot.app, "#chain")

    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot)
        await act(pilot, "b", "请补充检查时间")
        assert OutgoingDocument.get().state == states.RETURNED

    async with app_as("qianhy").run_test(size=(120, 40)) as pilot:
        detail = await open_from_home(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, OutgoingFormScreen)
        body = form.query_one("#body", TextArea)
        assert body.text == BODY
        body.focus()
        await pilot.press("pagedown", "end")
        await type_text(pilot, "\n" + ADDED)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is detail
        await act(pilot, "s")
        doc = OutgoingDocument.get()
        assert (doc.state, doc.revision, doc.body) == (states.REVIEWING, 2, BODY + "\n" + ADDED)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CompareScreen)
        assert "+" + ADDED in str(pilot.app.screen.query_one("#diff", Static).render())
        await pilot.press("escape")

    for login in ("lixm", "huangxm", "linzh", "wangjm"):
        async with app_as(login).run_test(size=(120, 40)) as pilot:
            await open_from_home(pilot)
            await act(pilot, "a", "同意")
    doc = OutgoingDocument.get()
    assert (doc.state, doc.signed_by.login) == (states.SIGNED, "wangjm")

    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        detail = await open_from_home(pilot)
        await act(pilot, "a")  # 复核登记
        await act(pilot, "a")  # 编号
        assert "黄政发〔2026〕1号" in static_text(pilot.app, "#status")
        await act(pilot, "p", "60")  # 印发机关 and 印发日期 filled in; the cursor is on 份数
        doc = OutgoingDocument.get()
        assert (doc.state, doc.copies, doc.print_org) == (states.PRINTED, 60, "黄岩区人民政府办公室")
        # The footer's "a" is now the first reader's, for 秘书科; dispatch is not offered yet.
        assert detail.active_bindings["a"].binding.action == "first_read"
        assert "d" not in detail.active_bindings

    async with app_as("chenhl").run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot)
        await act(pilot, "a", "阅读无误")
        assert OutgoingDocument.get().state == states.PROOFREAD

    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        detail = await open_from_home(pilot)
        await pilot.press("d")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, DispatchModal)
        await settle(pilot)
        # 主送 各乡镇人民政府、各街道办事处: one row, one copy, per member unit.
        towns = [u.short for u in Unit.select().where(Unit.kind == "乡镇").order_by(Unit.id)]
        streets = [u.short for u in Unit.select().where(Unit.kind == "街道").order_by(Unit.id)]
        assert [r.recipient for r in modal.rows] == towns + streets
        await type_text(pilot, "区财政局")  # one more recipient: 2 copies, paper too
        await pilot.press("tab", "backspace")
        await type_text(pilot, "2")
        await pilot.press("tab", "tab", "space", "tab", "enter")  # tick 纸质; Enter adds the row
        await pilot.pause()
        assert [(r.recipient, r.copies, r.paper) for r in modal.rows][-1] == ("区财政局", 2, True)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is detail
        assert "黄政发〔2026〕1号" in static_text(pilot.app, "#status")
        assert "区财政局" in static_text(pilot.app, "#records")

    doc = OutgoingDocument.get()
    assert (doc.state, doc.number, doc.revision) == (states.DISPATCHED, "黄政发〔2026〕1号", 2)
    assert [(d.recipient, d.copies, d.paper) for d in DispatchRecord.select()] == [
        *((name, 1, False) for name in towns + streets), ("区财政局", 2, True)]
    assert [r.no for r in DraftRevision.select().order_by(DraftRevision.no)] == [1, 2]
    f = flow.flow_of(outgoing.KIND, doc.id)
    assert [t.step for t in flow.timeline(f)] == [
        "起草", "秘书科核稿", "修改", "秘书科核稿", "分管副主任审核", "主任复审", "区长签发",
        "复核登记", "编号", "印制", "第一读者", "分发"]
    assert f.state == "dispatched"


async def test_refused_submit_names_the_field(db):
    async with app_as("qianhy").run_test(size=(80, 24)) as pilot:
        await fill_draft(pilot, cc="区总工会、区委办")  # 群 before 党: out of order
        await pilot.press("ctrl+r")
        await pilot.pause()
        form = pilot.app.screen
        assert "抄送" in str(form.query_one("#problems", Static).render())
        assert pilot.app.focused is form.query_one("#cc", Input)
        await pilot.press("ctrl+s")  # saving a draft is allowed; submitting is not
        await pilot.pause()
        detail = pilot.app.screen
        assert isinstance(detail, OutgoingDetailScreen)
        await pilot.press("s")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, FieldsModal)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is modal
        assert "抄送" in str(modal.query_one("#error", Label).render())
    doc = OutgoingDocument.get()
    assert doc.state == states.DRAFTING and doc.chain == ""
    task = flow.waiting_tasks(flow.flow_of(outgoing.KIND, doc.id))[0]
    assert task.step == "起草"
    assert Task.select().count() == 1


async def test_refused_save_in_traditional_keeps_the_form(db, hant, tmp_path, monkeypatch):
    """A user who chose 繁體: a refused save and a format check speak Traditional, the cursor
    goes to the field named (found by its name, not by its Simplified label) and nothing typed
    is lost; the saved draft says who signs and why in Traditional."""
    config = tmp_path / "config.toml"
    config.write_text('language = "zh-Hant"\n', encoding="utf-8")
    monkeypatch.setenv("GOVDESK_CONFIG", str(config))
    async with app_as("qianhy").run_test(size=(100, 40)) as pilot:
        form = await fill_draft(pilot)
        await choose(pilot, "origin", "department")  # a department's draft, no 起草部门 picked
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form
        error = str(form.query_one("#form-error", Label).render())
        # Every refused field named at once (a department's draft needs its unit and the
        # section that reviews it), each marked.
        assert error.startswith("有 2 欄需要改正：")
        assert "起草部門：部門起草的文稿要寫明起草部門" in error
        assert "審核科室：部門起草的文稿要選擇區府辦有關科室審核" in error
        # The unit is picked with Ctrl+G from anywhere in the form (its button is for the
        # mouse, not a Tab stop), so the cursor goes to the next field named instead.
        assert pilot.app.focused is not form.query_one("#pick-unit", Button)
        assert pilot.app.focused is form.query_one("#review_section", Select)
        assert form.query_one("#pick-unit", Button).has_class("invalid")
        assert form.query_one("#title", Input).value == TITLE
        assert form.query_one("#main_to", Input).value == "各乡镇人民政府、各街道办事处"
        assert form.query_one("#body", TextArea).text == BODY
        assert OutgoingDocument.select().count() == 0

        await choose(pilot, "origin", "office")
        form.query_one("#restricted", Checkbox).focus()
        await pilot.press("space")  # 不普发, but no 分送范围 yet
        await pilot.press("ctrl+r")
        await pilot.pause()
        problems = str(form.query_one("#problems", Static).render())
        assert "分送範圍：不普發的文件，送審時應附上分送單位名單" in problems
        assert pilot.app.focused is form.query_one("#recipients", Input)
        await type_text(pilot, "区财政局")
        await pilot.press("ctrl+s")
        await pilot.pause()
        detail = pilot.app.screen
        assert isinstance(detail, OutgoingDetailScreen)
        chain = static_text(pilot.app, "#chain")
        assert "簽發人：区长。以區政府名義行文，經分管領導審核後由區長簽發（第三篇第十七條）" in chain
    doc = OutgoingDocument.get()
    assert (doc.title, doc.body, doc.restricted, doc.recipients, doc.origin) == (
        TITLE, BODY, True, "区财政局", "office")


async def test_error_recorded_at_review_counts_in_the_register(db, as_user):
    doc = outgoing.create_draft(as_user("qianhy"), {
        "issuer": "区政府办公室", "title": TITLE, "main_to": "各乡镇人民政府", "body": BODY})
    outgoing.submit(as_user("qianhy"), outgoing.current_task_for(as_user("qianhy"), doc).id)
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        await open_from_home(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ErrorModal)
        await choose(pilot, "f-category", "文字差错")
        pilot.app.screen.query_one("#f-note", Input).focus()
        await type_text(pilot, "标题错字")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, OutgoingDetailScreen)
        assert "文字差错" in static_text(pilot.app, "#records")
        await pilot.press("escape", "1", "x")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ErrorRegisterScreen)
        assert "1 处" in str(screen.query_one("#total", Label).render())
        by_section = screen.query_one("#by-section")
        assert by_section.get_row_at(0)[0] == "综合调研科"
        assert by_section.get_row_at(0)[3] == "1"  # 文字差错 column
        by_person = screen.query_one("#by-person")
        assert by_person.get_row_at(0)[0] == "钱红英"
    err = ErrorRecord.get()
    assert (err.category, err.step, err.section.code, err.person.login, err.by.login) == (
        "文字差错", "秘书科核稿", "diaoyan", "qianhy", "lixm")


async def test_outgoing_register_in_the_secretariat(db, as_user):
    outgoing.create_draft(as_user("qianhy"), {"title": TITLE, "main_to": "各乡镇", "body": BODY})
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "o")
        await pilot.pause()
        table = pilot.app.screen.query_one("#out-registry", PagedTable)
        assert table.row_count == 1 and pilot.app.focused is table
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, OutgoingDetailScreen)
    assert DraftRevision.select().count() == 1 and DispatchRecord.select().count() == 0


async def test_line_secretary_reports_backflow(db, as_user):
    """A draft that reached the 区长's office without 秘书科 核阅: his line secretary reports it."""
    doc = outgoing.create_draft(as_user("qianhy"), {"issuer": "区政府", "title": TITLE,
                                                    "main_to": "各乡镇", "body": BODY})
    async with app_as("yej").run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "o", "enter")
        await pilot.pause()
        detail = pilot.app.screen
        assert isinstance(detail, OutgoingDetailScreen)
        assert detail.active_bindings["f"].binding.action == "backflow"
        await act(pilot, "f", "区长处发现")
        assert "backflow" not in detail.available  # now in 秘书科's hands
    doc = OutgoingDocument.get_by_id(doc.id)
    assert doc.backflow and doc.state == states.REVIEWING
    err = ErrorRecord.get()
    assert (err.category, err.step, err.person.login) == ("文件倒流", "区长处发现", "qianhy")
    task = flow.waiting_tasks(flow.flow_of(outgoing.KIND, doc.id))[0]
    assert (task.step, task.holder_section.code) == ("秘书科核稿", "mishu")


# ---------------------------------------------------------------------------- 分发 to groups

GROUP_LINE = "各镇人民政府、街道办事处，区政府各部门"


def _doc_at_dispatch(main_to: str = "区财政局") -> OutgoingDocument:
    from helpers.outgoing_worker import drive_to, new_draft

    from govdesk.services.context import Actor

    doc = new_draft(Actor(org.person_by_login("qianhy"), NOW), main_to=main_to)
    drive_to(doc, "分发", NOW)
    return doc


def _group_units() -> list[str]:
    """各镇 (the 镇 only), every 街道, then 区政府各部门 (the 委局), in the directory's order."""
    towns = [u.short for u in Unit.select().where(Unit.kind == "乡镇").order_by(Unit.id)
             if u.short.endswith("镇")]
    streets = [u.short for u in Unit.select().where(Unit.kind == "街道").order_by(Unit.id)]
    departments = [u.short for u in Unit.select().where(Unit.kind == "委局").order_by(Unit.id)]
    return towns + streets + departments


async def _open_dispatch(pilot, doc) -> DispatchModal:
    from govdesk.screens.registry import open_record

    await pilot.pause()
    open_record(pilot.app, outgoing.KIND, doc.id)
    await pilot.pause()
    assert isinstance(pilot.app.screen, OutgoingDetailScreen)
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(pilot.app.screen, DispatchModal)
    return pilot.app.screen


async def test_dispatch_groups_typed_become_their_units_once_each(db):
    doc = _doc_at_dispatch()
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        modal = await _open_dispatch(pilot, doc)
        await settle(pilot)
        assert [r.recipient for r in modal.rows] == ["区财政局"]  # 主送 as written
        await type_text(pilot, GROUP_LINE)
        await pilot.press("enter")
        await pilot.pause()
        expected = _group_units()
        # 区财政局 is one of 区政府各部门: listed once, where it already was.
        assert [r.recipient for r in modal.rows] == \
            ["区财政局", *(n for n in expected if n != "区财政局")]
        assert all(r.copies == 1 for r in modal.rows)
        told = str(modal.query_one("#expanded", Label).render())
        assert "各镇人民政府、街道办事处 → 13 个单位" in told
        assert f"区政府各部门 → {len(expected) - 13} 个单位" in told
        assert "已合并重复的 1 个" in told
        assert modal.query_one("#d-recipient", Input).value == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OutgoingDetailScreen)
    rows = list(DispatchRecord.select().where(DispatchRecord.document == doc.id)
                .order_by(DispatchRecord.id))
    assert len(rows) == len(expected) and len({r.recipient for r in rows}) == len(rows)
    assert {r.copies for r in rows} == {1}
    assert OutgoingDocument.get_by_id(doc.id).state == states.DISPATCHED


async def test_dispatch_burst_before_the_groups_arrive_keeps_every_key(db):
    """d, the group line, Enter and Ctrl+S in one burst: what is typed before the groups are
    read waits for them, and the submit follows it."""
    doc = _doc_at_dispatch(main_to=GROUP_LINE)
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        from govdesk.screens.registry import open_record

        open_record(pilot.app, outgoing.KIND, doc.id)
        await settle(pilot)
        await pilot.press("d", *"区委办", "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OutgoingDetailScreen)
    names = [r.recipient for r in DispatchRecord.select().where(
        DispatchRecord.document == doc.id).order_by(DispatchRecord.id)]
    assert names == [*_group_units(), "区委办"]


async def test_number_previewed_on_the_record_and_in_the_numbering_modal(db):
    from helpers.outgoing_worker import drive_to, new_draft

    from govdesk.screens.registry import open_record
    from govdesk.services.context import Actor

    doc = new_draft(Actor(org.person_by_login("qianhy"), NOW))
    drive_to(doc, "编号", NOW)
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        open_record(pilot.app, outgoing.KIND, doc.id)
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, OutgoingDetailScreen)
        status = static_text(pilot.app, "#status")
        assert "（未编号）" in status and "预览：黄政办发〔2026〕1号" in status
        await pilot.press("a")  # 编号
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, FieldsModal)
        assert "预计发文字号：黄政办发〔2026〕1号" in str(modal.query_one(".note", Label).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is detail
        status = static_text(pilot.app, "#status")
        assert "发文字号：黄政办发〔2026〕1号" in status and "预览" not in status
    assert OutgoingDocument.get_by_id(doc.id).number == "黄政办发〔2026〕1号"
