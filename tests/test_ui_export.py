"""The desk's export (issue 14 item 7), driven by keys: ``e`` on a register writes it as the
screen filters it; ``E`` on a 发文 writes the 公文; a folder that cannot be written is refused
naming it and nothing is written; on the shared server the file goes to the person's own spool,
which ``govdesk fetch`` reads for that person only."""

from __future__ import annotations

import os
from datetime import date

import docx
import openpyxl
import pytest
from textual.widgets import Input, Label

from govdesk import config
from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, OutgoingDocument
from govdesk.screens import registry
from govdesk.screens.export_dialog import ExportModal
from govdesk.screens.outgoing.detail import OutgoingDetailScreen
from govdesk.server import ServerConfig
from govdesk.services import export_folder, org, settings
from govdesk.services.errors import NotFound, ValidationError
from tests.conftest import NOW
from tests.helpers.workers import settle

pytestmark = pytest.mark.usefixtures("config_file")


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def dialog_error(app) -> str:
    return str(app.screen.query_one("#export-error", Label).render())


async def open_dialog(pilot, key: str = "e") -> ExportModal:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ExportModal), pilot.app.screen
    return pilot.app.screen


async def test_e_on_the_filtered_incoming_register_writes_just_its_rows(demo_db, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    urgent = IncomingDocument.select().where(IncomingDocument.urgency == "特急").count()
    assert 0 < urgent < IncomingDocument.select().count()
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("ctrl+l", "l", *"急:特急", "enter")
        await settle(pilot)
        dialog = await open_dialog(pilot)
        assert dialog.offer.what == "收文登记簿（筛选：急:特急）"
        assert dialog.query_one("#export-folder", Input).value == str(tmp_path)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ExportModal)
    (made,) = tmp_path.glob("*.xlsx")
    assert made.name.startswith("收文登记簿-")
    sheet = openpyxl.load_workbook(made).active
    assert sheet.max_row - 1 == urgent  # the header, then the filtered rows only
    header = [c.value for c in sheet[1]]
    urgency = [r[header.index("紧急程度")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(urgency) == {"特急"}


async def test_keys_in_one_burst_export_the_register_as_csv(demo_db, tmp_path, monkeypatch):
    """e, the format chosen by keys, the name typed and Ctrl+S sent at once, as over SSH."""
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("ctrl+l", "e", "shift+tab", "shift+tab", "enter", "down", "enter",
                          "tab", "tab", "ctrl+u", *"全部收文", "ctrl+s")
        await settle(pilot)
    (made,) = tmp_path.glob("*.csv")
    assert made.name == "全部收文.csv"
    text = made.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    assert text.decode("utf-8-sig").count("\n") == IncomingDocument.select().count() + 1


async def test_a_folder_that_cannot_be_made_is_refused_naming_it_and_nothing_is_written(
        demo_db, tmp_path, monkeypatch):
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path / "out"))
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        dialog = await open_dialog(pilot)
        dialog.query_one("#export-folder", Input).value = str(blocker / "子")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal)
        assert "不能建立文件夹" in dialog_error(app) and str(blocker) in dialog_error(app)
        assert app.screen.focused is dialog.query_one("#export-folder")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ExportModal)
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob("*.xlsx"))
    assert "export_dir" not in settings.load("lixm")


async def test_shift_e_on_a_numbered_outgoing_writes_the_gongwen_and_keeps_the_folder(
        demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path / "default"))
    numbered = OutgoingDocument.select().where(OutgoingDocument.number.is_null(False)).first()
    picked = tmp_path / "公文"
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        registry.open_record(app, "outgoing", numbered.id)
        await settle(pilot)
        assert isinstance(app.screen, OutgoingDetailScreen)
        dialog = await open_dialog(pilot, "E")
        assert numbered.number in str(dialog.query_one("#export-what-one").render())
        dialog.query_one("#export-folder", Input).value = str(picked)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OutgoingDetailScreen)
    (made,) = picked.glob("*.docx")
    text = "\n".join(p.text for p in docx.Document(str(made)).paragraphs)
    assert numbered.number in text and numbered.title in text
    assert settings.load("lixm")["export_dir"] == str(picked)  # offered again next time


async def test_an_outgoing_without_its_number_is_refused_saying_why(demo_db, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    draft = OutgoingDocument.select().where(OutgoingDocument.number.is_null()).first()
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        registry.open_record(app, "outgoing", draft.id)
        await settle(pilot)
        await open_dialog(pilot, "E")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal)
        assert "还没有发文字号" in dialog_error(app)
    assert not list(tmp_path.glob("*.docx"))


# ---------------------------------------------------------------- the server's spool


@pytest.fixture
def on_server(demo_path):
    config.use_server(ServerConfig(db=str(demo_path), service_user="govdesk-svc",
                                   group="govdesk", wrapper="/usr/local/libexec/govdesk/desk"))
    yield demo_path
    config.use_server(None)


def test_on_the_server_an_export_goes_to_the_persons_own_spool(on_server, demo_db, tmp_path,
                                                              monkeypatch):
    from govdesk.services import exporting
    from tests.conftest import actor

    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path / "ignored"))
    clerk = actor("lixm")
    offer = exporting.register_offer("incoming", NOW.date())
    made = exporting.write(clerk, offer, ".csv", str(tmp_path / "typed"), "收文")
    spool = on_server.parent / "exports" / "lixm"
    assert made.path == spool / "收文.csv" and made.spooled
    assert os.stat(spool).st_mode & 0o777 == 0o700
    assert os.stat(spool.parent).st_mode & 0o777 == 0o700
    assert not (tmp_path / "typed").exists() and not (tmp_path / "ignored").exists()
    again = exporting.write(clerk, offer, ".csv", None, "收文")
    assert again.path.name == "收文(2).csv"  # never over an earlier one
    assert {f.name for f in export_folder.spooled("lixm")} == {"收文(2).csv", "收文.csv"}
    assert export_folder.spooled_file("lixm", "收文.csv") == spool / "收文.csv"
    # Another person's spool holds none of it; a path is not a name.
    assert export_folder.spooled("zhangyt") == []
    for name in ("收文.csv", "../lixm/收文.csv", str(spool / "收文.csv"), ""):
        with pytest.raises(NotFound):
            export_folder.spooled_file("zhangyt", name)


def test_a_file_name_with_a_path_in_it_is_refused_naming_the_field(tmp_path):
    for bad in ("", "  ", "a/b", "..", "a\\b", ".报告", "a" * 260, "报" * 70):
        with pytest.raises(ValidationError) as refused:
            export_folder.file_name(bad, ".xlsx")
        assert refused.value.name == "name"
    assert export_folder.file_name("收文", ".xlsx") == "收文.xlsx"
    assert export_folder.file_name("收文.XLSX", ".xlsx") == "收文.XLSX"
    assert export_folder.file_name("报" * 60, ".docx") == "报" * 60 + ".docx"
    assert export_folder.stem("关于/" + "很长" * 40) == ("关于-" + "很长" * 40)[:40]


async def test_a_name_too_long_is_refused_in_the_dialog_and_the_desk_goes_on(demo_db, tmp_path,
                                                                              monkeypatch):
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        dialog = await open_dialog(pilot)
        dialog.query_one("#export-name", Input).value = "a" * 260
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal) and "文件名太长" in dialog_error(app)
    assert not list(tmp_path.glob("a*"))


def test_fetch_is_only_for_the_shared_server(demo_path, capsys):
    from govdesk.cli import main

    assert main(["fetch", "--db", str(demo_path)]) == 2
    assert "共享服务器" in capsys.readouterr().err


# ---------------------------------------------------------------- the office's files


async def write_first_offer(pilot, key: str, fmt: str | None = None) -> ExportModal:
    """Open the dialog, pick ``fmt`` (default: the offer's first), Ctrl+S; the dialog closed."""
    dialog = await open_dialog(pilot, key)
    if fmt is not None:
        dialog.query_one("#export-format").value = fmt
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert not isinstance(pilot.app.screen, ExportModal), dialog_error(pilot.app)
    return dialog


async def test_shift_e_on_an_incoming_writes_its_slip(demo_db, tmp_path, monkeypatch):
    from govdesk.screens.incoming.detail import IncomingDetailScreen

    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    doc = IncomingDocument.select().order_by(IncomingDocument.id).first()
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        registry.open_record(app, "incoming", doc.id)
        await settle(pilot)
        assert isinstance(app.screen, IncomingDetailScreen)
        await write_first_offer(pilot, "E")
    (made,) = tmp_path.glob("*.docx")
    assert made.name.startswith("收文处理笺-")
    cells = "\n".join(c.text for t_ in docx.Document(str(made)).tables for row in t_.rows
                      for c in row.cells)
    assert doc.title in cells and doc.from_name in cells


async def test_e_on_home_writes_the_leaders_week_as_a_calendar(demo_db, tmp_path, monkeypatch):
    import icalendar

    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await write_first_offer(pilot, "e", ".ics")
    (made,) = tmp_path.glob("*.ics")
    calendar = icalendar.Calendar.from_ical(made.read_bytes())
    days = [e.decoded("dtstart") for e in calendar.walk("VEVENT")]
    days = [d.date() if hasattr(d, "date") else d for d in days]
    assert days and all(date(2026, 11, 23) <= d <= date(2026, 11, 29) for d in days)  # NOW's week


async def test_e_on_the_error_register_writes_the_periods_statistics(demo_db, tmp_path,
                                                                     monkeypatch):
    from govdesk.screens.outgoing.error_register import ErrorRegisterScreen

    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ErrorRegisterScreen())
        await settle(pilot)
        dialog = await write_first_offer(pilot, "e", ".txt")
        assert [o.file_kind or o.register for o in dialog.offers] == [
            "error_stats", "error_evaluation", "errors"]
    (made,) = tmp_path.glob("*.txt")
    assert made.name.startswith("差错统计-") and "差错" in made.read_text(encoding="utf-8")


async def test_e_on_a_published_issue_writes_it_in_the_bulletin_layout(demo_db, tmp_path,
                                                                       monkeypatch):
    from govdesk.screens.supervision_items.publish import IssueScreen
    from govdesk.services.supervision import publications
    from tests.conftest import actor

    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    issue = publications.compile_issue(actor("shenyj"), {"kind": "督查专报"})
    app = app_as("shenyj")
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(IssueScreen(issue))
        await settle(pilot)
        await write_first_offer(pilot, "e")
    (made,) = tmp_path.glob("*.docx")
    text = "\n".join(p.text for p in docx.Document(str(made)).paragraphs)
    assert "督查专报" in text and issue.number.split("第")[1] in text


async def test_the_error_register_itself_is_offered_only_to_who_may_have_it(demo_db, tmp_path,
                                                                          monkeypatch):
    from govdesk.screens.outgoing.error_register import ErrorRegisterScreen

    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    app = app_as("tianxl")  # 直线电话受理中心: the figures, not the register of names
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ErrorRegisterScreen())
        await settle(pilot)
        dialog = await open_dialog(pilot)
        assert [o.file_kind or o.register for o in dialog.offers] == [
            "error_stats", "error_evaluation"]


async def test_the_registers_search_words_and_state_are_exported_as_the_screen_reads_them(
        demo_db, tmp_path, monkeypatch):
    """The search box is a search, not a filter line: 急:特急 typed there finds what the
    screen finds (nothing), and the state chosen narrows the file as it narrows the list."""
    from textual.widgets import Select

    from govdesk.widgets.paged_table import PagedTable

    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#reg-state", Select).value = "已归档"
        await settle(pilot)
        shown = screen.query_one("#register", PagedTable).row_count
        dialog = await open_dialog(pilot)
        assert dialog.offer.what == "收文登记簿（状态：已归档）"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen.query_one("#reg-search", Input).value = "急:特急"
        await pilot.pause(0.6)  # the search box applies what is typed after a pause
        await settle(pilot)
        nothing = screen.query_one("#register", PagedTable).row_count
        await open_dialog(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    first, second = (tmp_path / "收文登记簿-20261126.xlsx", tmp_path / "收文登记簿-20261126(2).xlsx")
    assert 0 < shown == openpyxl.load_workbook(first).active.max_row - 1
    assert nothing == openpyxl.load_workbook(second).active.max_row - 1 == 0


async def test_a_secret_gongwen_asks_its_copy_number_and_note(demo_db, tmp_path, monkeypatch):
    """7.2.1 份号 on a secret copy, 7.3.7 附注: typed in the dialog, printed in the file; a
    份号 that is no number is refused naming it."""
    monkeypatch.setenv("GOVDESK_EXPORT_DIR", str(tmp_path))
    secret = (OutgoingDocument.select().where(OutgoingDocument.number.is_null(False)
                                              & (OutgoingDocument.secrecy > 0)).first())
    assert secret is not None
    app = app_as("lixm")
    async with app.run_test(size=(120, 40)) as pilot:
        registry.open_record(app, "outgoing", secret.id)
        await settle(pilot)
        dialog = await open_dialog(pilot, "E")
        dialog.query_one("#export-copy_no", Input).value = "十二"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "份号" in dialog_error(app) and app.screen.focused is dialog.query_one(
            "#export-copy_no")
        dialog.query_one("#export-copy_no", Input).value = "12"
        dialog.query_one("#export-note", Input).value = "此件发至乡镇"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ExportModal)
    (made,) = tmp_path.glob("*.docx")
    texts = [p.text for p in docx.Document(str(made)).paragraphs]
    assert texts[0] == "000012" and "（此件发至乡镇）" in texts
