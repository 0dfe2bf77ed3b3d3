"""收文 screens, driven by keys as a user would (SPEC §3): register, intake, 签批, reading,
close, archive, and 传阅 to a whole section."""

from __future__ import annotations

from textual.widgets import Input, Label, OptionList, Select, Static

from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, Task
from govdesk.models import incoming as states
from govdesk.screens.conflict import ConflictScreen
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.incoming.form import FIELD_WIDGETS, IncomingFormScreen
from govdesk.screens.incoming.modals import ActionModal
from govdesk.services import flow, incoming, org, section_work
from govdesk.widgets.paged_table import PagedTable
from govdesk.widgets.picker import Picker
from govdesk.widgets.timeline import TimelineTable
from tests.conftest import NOW, actor
from tests.helpers.workers import settle


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


def static_text(app, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.render())


async def register_via_form(pilot, title: str = "关于申请教育经费的请示") -> None:
    """Clerk on 秘书科: n, pick 来文单位 by pinyin, type the title, save."""
    await pilot.press("1")
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, IncomingFormScreen)
    await pilot.press("ctrl+g")
    await pilot.pause()
    assert isinstance(pilot.app.screen, Picker)
    await type_text(pilot, "jiaoyu")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, IncomingFormScreen)
    assert form.query_one("#from_name", Input).value == "黄岩区教育局"
    form.query_one("#title", Input).focus()
    await type_text(pilot, title)
    form.query_one("#doc_number", Input).focus()
    await type_text(pilot, "HJ2026-12")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_clerk_registers_a_document(db):
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        await register_via_form(pilot)
        assert not isinstance(app.screen, IncomingFormScreen)
        table = app.screen.query_one("#register", PagedTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[0] == "收〔2026〕1号"
    doc = IncomingDocument.get()
    assert doc.number == "收〔2026〕1号"
    assert doc.title == "关于申请教育经费的请示"
    assert doc.from_unit.code == "jyj"
    assert doc.doc_number == "HJ2026-12"
    assert doc.received_on == NOW.date()


async def test_empty_title_names_the_field_and_keeps_input(db):
    app = app_as("lixm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "某某单位")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        error = str(form.query_one("#form-error", Label).render())
        assert "标题" in error
        assert form.query_one("#from_name", Input).value == "某某单位"
        assert app.focused is form.query_one("#title", Input)
    assert IncomingDocument.select().count() == 0


async def test_refused_save_in_traditional_points_at_the_field(db, hant, tmp_path, monkeypatch):
    """繁體: the refusal is Traditional and the cursor still finds the field (by its name)."""
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))  # no saved language
    app = app_as("lixm")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IncomingFormScreen)
        assert str(form.query_one("#form-title", Label).render()) == "收文登記"
        for target in set(FIELD_WIDGETS.values()):  # every field the cursor can be sent to
            form.query_one(f"#{target}")
        form.query_one("#title", Input).focus()
        await type_text(pilot, "kuaibao")
        await pilot.press("ctrl+s")  # no 来文单位
        await pilot.pause()
        assert app.screen is form
        assert str(form.query_one("#form-error", Label).render()) == "來文單位：不能為空"
        assert app.focused is form.query_one("#from_name", Input)
        assert form.query_one("#title", Input).value == "kuaibao"

        await type_text(pilot, "shizhengfu")
        pages = form.query_one("#pages", Input)
        pages.focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "abc")
        form.query_one("#title", Input).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(form.query_one("#form-error", Label).render()) == "頁數：應為整數"
        assert app.focused is pages and pages.value == "abc"

        pages.value = "3"
        form.query_one("#addressed_to", Select).value = "领导个人"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(form.query_one("#form-error", Label).render()) == (
            "收件領導：寄給領導個人的件要寫明哪位領導")
        assert app.focused is form.query_one("#addressed_leader", Select)
        assert form.query_one("#from_name", Input).value == "shizhengfu"
    assert IncomingDocument.select().count() == 0


async def open_from_register(pilot) -> IncomingDetailScreen:
    await pilot.press("1", "ctrl+l", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, IncomingDetailScreen)
    return pilot.app.screen


async def open_from_home(pilot, title: str) -> IncomingDetailScreen:
    await pilot.press("0")
    await pilot.pause()
    inbox = pilot.app.screen.query_one("#inbox")
    titles = [str(inbox.get_row_at(i)[3]) for i in range(inbox.row_count)]
    assert title in titles
    inbox.focus()
    inbox.move_cursor(row=titles.index(title))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, IncomingDetailScreen)
    return pilot.app.screen


async def submit_modal(pilot, text: str = "") -> None:
    await pilot.pause()
    assert isinstance(pilot.app.screen, ActionModal)
    await type_text(pilot, text)
    await pilot.press("ctrl+s")
    await pilot.pause()
    error = str(pilot.app.screen.query("#error").first().render()) if isinstance(
        pilot.app.screen, ActionModal) else ""
    assert not isinstance(pilot.app.screen, ActionModal), error


async def test_full_route_to_archive(db):
    title = "关于申请教育经费的请示"
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        await register_via_form(pilot, title)
        detail = await open_from_register(pilot)
        assert "初审" in static_text(pilot.app, "#status")
        await pilot.press("i")
        await submit_modal(pilot, "")
        assert IncomingDocument.get().state == states.SIGNING
        assert detail.query_one("#timeline", TimelineTable).row_count == 3

    async with app_as("linzh").run_test(size=(120, 40)) as pilot:
        detail = await open_from_home(pilot, title)
        task = Task.get(Task.step == "签批")
        assert task.read_at == NOW  # opening marks it read
        await pilot.press("s")
        await pilot.pause()
        modal = pilot.app.screen
        readers = modal.query_one("#readers", OptionList)
        assert "周德伟" in str(readers.get_option_at_index(0).prompt)  # 分管 of 教育局
        await pilot.press("ctrl+s")  # no opinion yet: refused, modal stays
        await pilot.pause()
        assert pilot.app.screen is modal
        assert "签批意见" in str(modal.query_one("#error", Label).render())
        await submit_modal(pilot, "请周副区长阅示")
        assert IncomingDocument.get().state == states.READING
        assert "周德伟" in static_text(pilot.app, "#status")

    async with app_as("zhoudw").run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, title)
        await pilot.press("r")
        await submit_modal(pilot, "同意")
        assert IncomingDocument.get().state == states.SORTING

    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        detail = await open_from_register(pilot)
        await pilot.press("c")
        await submit_modal(pilot, "")
        assert IncomingDocument.get().state == states.CLOSED
        await pilot.press("g")
        await submit_modal(pilot)
        doc = IncomingDocument.get()
        assert doc.state == states.ARCHIVED and doc.retention == "10年"
        assert doc.archive_no.endswith("D10-0001")
        assert detail.query_one("#timeline", TimelineTable).row_count == 6

    f = flow.flow_of(incoming.KIND, doc.id)
    hops = [(task.step, task.holder.login if task.holder_id else task.holder_section.code,
             task.state, task.opinion) for task in flow.timeline(f)]
    assert [h[0] for h in hops] == ["登记", "初审", "签批", "阅签", "分送", "归档"]
    assert all(h[2] == "done" for h in hops)
    assert ("签批", "linzh", "done", "请周副区长阅示") in hops
    assert ("阅签", "zhoudw", "done", "同意") in hops
    assert f.state == "archived"


async def test_circulate_to_a_whole_section(db):
    clerk = actor("lixm")
    doc = incoming.register(clerk, {"from_name": "市政府办公室", "title": "关于做好冬季安全工作的通知"})
    assert len(section_work.members(("ban1",))) == 5
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        detail = await open_from_register(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Picker)
        await type_text(pilot, "byk")  # 办一科 by pinyin initials: the whole section
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is detail
        status = static_text(pilot.app, "#status")
        assert "共 5 人，已读 0，已退回 0" in status
        assert Task.select().where(Task.step == "传阅").count() == 5

        reader = actor("yej")
        task = incoming.current_task_for(reader, doc)
        flow.mark_read(reader, task)
        incoming.reader_return(reader, task.id, "已阅")
        other = actor("panlj")
        flow.mark_read(other, incoming.current_task_for(other, doc))
        detail.refresh_data()  # what the app's poll does when another user commits
        await pilot.pause()
        status = static_text(pilot.app, "#status")
        assert "共 5 人，已读 2，已退回 1" in status
        still = status.split("仍在：")[1]
        assert "潘立军" in still and "叶俊" not in still


async def test_edit_conflict_keeps_the_form(db):
    doc = incoming.register(actor("lixm"), {"from_name": "区财政局", "title": "原标题"})
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        await open_from_register(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, IncomingFormScreen)
        assert form.query_one("#title", Input).value == "原标题"
        # Meanwhile 陈海林 saves the same entry.
        incoming.update(actor("chenhl"), doc.id, doc.version,
                        {"from_name": "区财政局", "title": "他人改的标题"})
        title = form.query_one("#title", Input)
        title.focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "wode")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is not form
        assert "刚被他人修改过" in str(pilot.app.screen.query_one("#conflict-message",
                                                               Static).render())
        assert title.value == "wode"
        assert IncomingDocument.get_by_id(doc.id).title == "他人改的标题"
        # Settled field by field (screens/conflict.py): 标题 kept as typed, then saved.
        assert isinstance(pilot.app.screen, ConflictScreen)
        await pilot.press("m", "ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form and title.value == "wode"
        await pilot.press("ctrl+s")  # checked, and saved over it on purpose
        await settle(pilot)
        assert isinstance(pilot.app.screen, IncomingDetailScreen)
    assert IncomingDocument.get_by_id(doc.id).title == "wode"


async def test_intake_warning_shown_and_return_with_reason(db):
    fields = {"from_unit": "xikoucun", "title": "关于村道硬化资金的请示", "is_request": True}
    doc = incoming.register(actor("lixm"), fields)
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        detail = await open_from_register(pilot)
        assert "越级请示" in static_text(pilot.app, "#warnings")
        await pilot.press("i")
        await pilot.pause()
        modal = pilot.app.screen
        assert modal.choice == "退文"  # the check's suggestion comes pre-selected
        assert "越级请示" in str(modal.query_one(".note", Label).render())
        modal.query_one("#opinion", Input).focus()
        await submit_modal(pilot, "yuejiqingshi")
        assert pilot.app.screen is detail
    doc = IncomingDocument.get_by_id(doc.id)
    assert doc.state == states.RETURNED and doc.intake_reason == "yuejiqingshi"


async def test_secret_document_audited_once_and_refused_without_clearance(db):
    from govdesk.models import AuditEntry
    from govdesk.screens.secretariat import SecretariatScreen

    incoming.register(actor("lixm"), {"from_name": "市政府", "title": "机密事项", "secrecy": "秘密"})
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        detail = await open_from_register(pilot)
        detail.refresh_data()  # as the poll does whenever anyone commits
        detail.refresh_data()
    opened = AuditEntry.select().where(AuditEntry.action == "incoming.open_secret").count()
    assert opened == 1
    async with app_as("zhangyt").run_test(size=(80, 24)) as pilot:  # clearance 无
        await pilot.press("1", "ctrl+l")
        register = pilot.app.screen.query_one("#register", PagedTable)
        assert "机密事项" not in str(register.get_row_at(0)[1])  # title withheld
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SecretariatScreen)


async def test_transfer_goes_to_the_remit_unit_shown(db):
    """转办 proposes the unit the check names (the plain view's unit, no row) and the service
    takes it back by its code."""
    doc = incoming.register(actor("lixm"), {"from_name": "区财政局", "title": "应转部门办理的来文",
                                            "remit_unit": "zjj"})
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        detail = await open_from_register(pilot)
        await pilot.press("i")
        await pilot.pause()
        modal = pilot.app.screen
        assert modal.choice == "转办"
        assert modal.unit is not None and modal.unit.code == "zjj"
        modal.query_one("#opinion", Input).focus()
        await submit_modal(pilot, "shuyubumen")
        assert pilot.app.screen is detail
    doc = IncomingDocument.get_by_id(doc.id)
    assert doc.state == states.TRANSFERRED and doc.transfer_unit.code == "zjj"


async def test_loans_shown_with_the_borrower_and_returned_by_key(demo_db):
    """借阅 of an archived 收文: the status names the borrower (read in the worker), and 归还
    (b) offers that loan by the borrower's name and returns it."""
    from govdesk.models import Loan
    from govdesk.screens.registry import open_record

    doc = IncomingDocument.select().where(
        (IncomingDocument.state == states.ARCHIVED) & (IncomingDocument.secrecy == 0)).first()
    loan = incoming.lend(actor("lixm"), doc.id, org.person_by_login("yej"))
    async with app_as("lixm").run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        open_record(pilot.app, incoming.KIND, doc.id)
        await pilot.pause()
        detail = pilot.app.screen
        assert isinstance(detail, IncomingDetailScreen)
        assert "借阅：叶俊" in static_text(pilot.app, "#status")
        await pilot.press("b")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ActionModal) and modal.choice == loan.id
        assert modal.choices[0][0].startswith("叶俊 ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is detail
        assert "已归还" in static_text(pilot.app, "#status")
    assert Loan.get_by_id(loan.id).returned_at == NOW


async def _choose(pilot, modal, value: str) -> None:
    """Open the 初审 choice with Enter and move to ``value`` with the arrow keys."""
    select = modal.query_one("#choice", Select)
    select.focus()
    options = [v for _, v in select._options if v is not Select.NULL]
    current, target = options.index(select.value), options.index(value)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*(["down" if target > current else "up"] * abs(target - current)), "enter")
    await pilot.pause()
    assert select.value == value


async def test_intake_switched_back_to_accept_sends_no_transfer_unit(db):
    """初审: a 转办单位 picked under 转办 is dropped when the clerk switches back to 受理, and the
    unit field (and its Ctrl+G) is there only under 转办."""
    doc = incoming.register(actor("lixm"), {"from_name": "区财政局", "title": "先想转办后受理"})
    async with app_as("lixm").run_test(size=(100, 30)) as pilot:
        detail = await open_from_register(pilot)
        await pilot.press("i")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ActionModal) and modal.choice == "受理"
        assert not modal.query_one("#pick-unit").display
        assert "incoming_action.pick_unit" not in modal.available_commands()

        await _choose(pilot, modal, "转办")
        assert modal.query_one("#pick-unit").display
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Picker)
        await type_text(pilot, "caiz")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is modal and modal.unit is not None
        assert "区财政局" in str(modal.query_one("#unit-label", Label).render())

        await _choose(pilot, modal, "受理")
        assert modal.unit is None
        assert not modal.query_one("#unit-label").display
        assert not modal.query_one("#pick-unit").display
        await pilot.press("ctrl+g")  # no unit to pick under 受理
        await pilot.pause()
        assert pilot.app.screen is modal
        modal.query_one("#opinion", Input).focus()
        await submit_modal(pilot, "fuhe")
        assert pilot.app.screen is detail
    doc = IncomingDocument.get_by_id(doc.id)
    assert doc.intake == "受理" and doc.transfer_unit_id is None
    assert doc.state != states.TRANSFERRED
