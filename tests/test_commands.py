"""Each command defined once (govdesk/commands.py): on every screen, what F1 lists, what the
palette offers and what the keys do come from the same definitions and the same availability;
[keys] in the config file remaps them; the registry stays consistent."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from helpers.workers import settle, wait_for
from textual.command import CommandList
from textual.widgets import DataTable, Select

from govdesk import commands
from govdesk.app import GovDesk
from govdesk.commands import REGISTRY, commands_of
from govdesk.i18n import set_language, t
from govdesk.models import IncomingDocument, LeaveRequest, OutgoingDocument, Person
from govdesk.models import incoming as states
from govdesk.screens.audit_log import AuditLogScreen
from govdesk.screens.conflict import ConflictField, ConflictScreen
from govdesk.screens.draft_modals import CloseFormModal, DraftOfferModal
from govdesk.screens.export_dialog import ExportModal
from govdesk.screens.help import HelpScreen, key_label
from govdesk.screens.import_sheet import ImportScreen
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.incoming.modals import ActionModal
from govdesk.screens.leave.detail import LeaveDetailScreen
from govdesk.screens.leave.register import LeaveRegisterScreen
from govdesk.screens.list_view import JumpModal, SavedFiltersModal
from govdesk.screens.outgoing.detail import OutgoingDetailScreen
from govdesk.screens.outgoing.error_register import ErrorRegisterScreen
from govdesk.screens.outgoing.form import OutgoingFormScreen
from govdesk.screens.outgoing.modals import CompareScreen, DispatchModal, FieldsModal
from govdesk.screens.palette import DeskPalette
from govdesk.screens.petition.detail import PetitionDetailScreen
from govdesk.screens.petition.register import BriefingScreen, PetitionRegisterScreen
from govdesk.screens.search import SearchScreen
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.screens.settings import SettingsScreen
from govdesk.screens.special_report.detail import SpecialReportDetailScreen
from govdesk.screens.special_report.register import SpecialReportRegisterScreen
from govdesk.screens.suggestion.detail import SuggestionDetailScreen
from govdesk.screens.suggestion.register import SuggestionRegisterScreen
from govdesk.screens.supervision_items.detail import SupervisionItemScreen
from govdesk.screens.supervision_items.publish import IssueScreen
from govdesk.screens.triage import BulkMenu, BulkResultScreen, RemindHoldersModal
from govdesk.services import (
    bulk,
    exporting,
    imports,
    org,
    outgoing,
    petition,
    special_report,
    suggestion,
    supervision,
)
from govdesk.services.context import Actor
from govdesk.services.imports.core import Good
from govdesk.services.supervision import publications
from govdesk.widgets.picker import PEOPLE, Picker
from tests.conftest import NOW

SIZE = (160, 48)


pytestmark = pytest.mark.usefixtures("config_file")


def desk(login: str = "lixm") -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def help_rows(app) -> dict[str, str]:
    """F1's (description → key) rows."""
    table = app.screen.query_one("#help-keys", DataTable)
    rows = [[getattr(c, "plain", str(c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]
    return {description: key for key, description in rows}


def palette_rows(palette: DeskPalette) -> dict[str, str]:
    """The palette's (label → help line) entries."""
    listing = palette.query_one(CommandList)
    out = {}
    for i in range(listing.option_count):
        prompt = listing.get_option_at_index(i).prompt
        text = str(getattr(getattr(prompt, "renderable", prompt), "plain", prompt))
        first, _, rest = text.partition("\n")
        out[first] = rest
    return out


async def check_screen(pilot, seen: set[str]) -> None:
    """On the screen showing now: F1 lists every command offered, with its key, and the
    palette offers every one of them (bar the palette itself), with its key."""
    app = pilot.app
    screen = app.screen
    offered = commands.offered(screen)
    assert offered, screen
    if screen.is_modal:
        app.action_help()  # a form keeps F1 for itself; the palette's 帮助 opens it
    else:
        await pilot.press("f1")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen), screen
    rows = help_rows(app)
    for item in offered:
        key = key_label(item.keys) if item.keys else t("help.palette_only")
        assert rows.get(item.command.help_text) == key, (screen, item.command.id, rows)
    await pilot.press("escape")
    await pilot.pause()
    assert app.screen is screen
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    palette = app.screen
    assert isinstance(palette, DeskPalette)
    listed = palette_rows(palette)
    for item in commands.offered(screen, past_modal=True):
        if not item.command.palette:
            continue
        assert item.command.palette_text in listed, (screen, item.command.id, listed)
        if item.keys:
            assert key_label(item.keys) in listed[item.command.palette_text], item.command.id
    await pilot.press("escape")
    await pilot.pause()
    assert app.screen is screen
    seen.update(item.command.id for item in offered)


def previewed_import() -> ImportScreen:
    """导入收文台账 with a preview that found a good row, so 导入 is offered too."""
    screen = ImportScreen()
    kind = imports.kind_of("收文")
    screen.plan = imports.Preview(kind, 1, [], "", 1, [], [], [Good(2, {}, ("key",))])
    return screen


def everything_allowed(screen) -> None:
    """A detail screen with every one of its actions open (as some step would allow it)."""
    screen.available = {REGISTRY[i].action for i in commands_of(type(screen))}
    screen.hand_backs = [object()]
    screen.refresh_bindings()


async def test_every_command_is_in_f1_and_the_palette_where_it_is_available(demo_db):
    seen: set[str] = set()
    app = desk("lixm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await check_screen(pilot, seen)  # Home
        for key in "123456":
            await pilot.press(key)
            await pilot.pause(0.2)
            await check_screen(pilot, seen)
        await pilot.press("5")  # 督查室's 信访 tab: its own n, c and w while it shows
        await pilot.pause(0.2)
        app.screen.show_pane("petitions")
        await pilot.pause(0.2)
        await check_screen(pilot, seen)
        await pilot.press("1", "slash")  # in the register's search box: Esc goes back to it
        await pilot.pause()
        await check_screen(pilot, seen)
        await pilot.press("escape", "0")
        await pilot.pause()

        incoming_doc = IncomingDocument.select().order_by(IncomingDocument.id).first()
        outgoing_doc = OutgoingDocument.select().order_by(OutgoingDocument.id).first()
        revised = next(d for d in OutgoingDocument.select() if outgoing.revisions(d))
        held = next(d for d in IncomingDocument.select().order_by(IncomingDocument.id)
                    if bulk.holders(app.actor(), "incoming", d.id))
        screens = [
            lambda: IncomingFormScreen(),
            lambda: OutgoingFormScreen(),
            lambda: ErrorRegisterScreen(),
            lambda: SettingsScreen(),
            lambda: Picker(PEOPLE, multi=True),
            lambda: ActionModal("x", lambda modal: None, opinion="", readers=[], with_unit=True),
            lambda: FieldsModal("x", lambda values: None, []),
            lambda: DispatchModal(outgoing_doc, lambda rows: None),
            lambda: CompareScreen(revised.id, outgoing.revisions(revised)),
            lambda: AuditLogScreen(),  # lixm is an administrator
            lambda: LeaveRegisterScreen(),
            lambda: SuggestionRegisterScreen(),
            lambda: SpecialReportRegisterScreen(),
            lambda: PetitionRegisterScreen(),
            lambda: BriefingScreen("x"),
            lambda: SearchScreen(),
            lambda: CloseFormModal(),
            lambda: DraftOfferModal("11-26 09:30"),
            lambda: ConflictScreen("x", [ConflictField("title", "标题", "甲", "乙", "甲", "乙",
                                                       None)]),
            lambda: BulkMenu(2, bulk.ACTIONS),
            lambda: BulkResultScreen("x", bulk.BulkResult((), ())),
            lambda: RemindHoldersModal("incoming", held.id, "x"),
            lambda: JumpModal(),
            lambda: IssueScreen(publications.Issue(1, "督查专报", "2026年第1期", 2026, 1, NOW.date(),
                                                   NOW.date(), "x", {}, ())),
            lambda: SavedFiltersModal({"收文": "类:收文"}, "类:收文", "lixm"),
            lambda: ExportModal([exporting.register_offer("incoming", NOW.date())], "lixm"),
            previewed_import,
        ]
        for make in screens:
            app.push_screen(make())
            await pilot.pause(0.2)
            await check_screen(pilot, seen)
            app.pop_screen()
            await pilot.pause()

        leave_request = LeaveRequest.select().order_by(LeaveRequest.id).first()
        item = supervision.register(app.actor(), {
            "kind": "重点工作", "title": "推进城东片区旧城改造", "lead_unit": "区发改局",
            "meeting_on": "2026-02-12"})
        proposal = suggestion.register(Actor(org.person_by_login("guojw"), NOW), {
            "number": "第1号", "proposer": "陈立新", "title": "关于学校扩容的建议",
            "body": "新建两所小学"})
        letter = special_report.register(Actor(org.person_by_login("guojw"), NOW), {
            "letter_number": "黄人大常函〔2026〕5号", "title": "义务教育均衡发展情况"})
        case = petition.register(Actor(org.person_by_login("shenyj"), NOW), {
            "channel": "区长信箱", "summary": "反映村道破损"})
        for screen in (IncomingDetailScreen(incoming_doc.id),
                       OutgoingDetailScreen(outgoing_doc.id),
                       LeaveDetailScreen(leave_request.id),
                       SupervisionItemScreen(item.id),
                       SuggestionDetailScreen(proposal.id),
                       SpecialReportDetailScreen(letter.id),
                       PetitionDetailScreen(case.id)):
            app.push_screen(screen)
            await pilot.pause(0.2)
            everything_allowed(screen)
            await pilot.pause()
            await check_screen(pilot, seen)
            app.pop_screen()
            await pilot.pause()

    missing = set(REGISTRY) - seen
    assert missing == set(), missing


async def test_a_detail_screen_offers_only_what_the_step_allows(demo_db):
    """F1, the palette and the keys agree with available_commands(): a 收文 waiting for
    intake offers 初审 and not 签批, everywhere."""
    app = desk("lixm")
    async with app.run_test(size=SIZE) as pilot:
        doc = next(d for d in IncomingDocument.select() if d.state == states.REGISTERED)
        screen = IncomingDetailScreen(doc.id)
        app.push_screen(screen)
        await pilot.pause(0.2)
        available = screen.available_commands()
        assert "incoming.intake" in available and "incoming.sign" not in available
        offered = {item.command.id for item in commands.offered(screen)}
        assert "incoming.sign" not in offered and "incoming.intake" in offered
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        listed = palette_rows(app.screen)
        assert t("incoming.act_intake") in listed and t("incoming.act_sign") not in listed
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")  # 签批 is not this step's: the key does nothing
        await pilot.pause()
        assert app.screen is screen


async def test_the_palette_runs_what_the_key_runs(demo_db):
    app = desk("lixm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*t("incoming.new"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, IncomingFormScreen)


async def test_audit_log_is_offered_to_those_who_may_browse_it(demo_db):
    clerk = next(p for p in Person.select() if not p.admin and p.rank != "主任" and p.login)
    for login, may in (("lixm", True), (clerk.login, False)):
        app = desk(login)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            ids = {item.command.id for item in commands.offered(app.screen)}
            assert ("app.audit_log" in ids) is may, login
            assert {"app.error_register", "app.home", "app.section.jiedai"} <= ids


# ------------------------------------------------------------------ [keys] in the config file


async def test_a_remapped_key_from_the_config_file_works_and_the_old_one_does_not(
        demo_db, config_file):
    config_file.write_text('[keys]\n"secretariat.new_incoming" = "ctrl+n"\n'
                           'app.settings = "f9"\n', encoding="utf-8")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, SecretariatScreen)
        await pilot.press("n")  # the old key
        await pilot.pause()
        assert isinstance(app.screen, SecretariatScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, IncomingFormScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f2")  # app.settings = "f9", written unquoted (a nested table)
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f1")  # F1 names the new keys
        await pilot.pause()
        rows = help_rows(app)
        assert rows[t("incoming.new")] == "Ctrl+N" and rows[t("app.settings")] == "F9"


async def test_bad_keys_in_the_config_file_are_told_in_the_users_language(demo_db, config_file):
    config_file.write_text('language = "zh-Hant"\n[keys]\n"no.such" = "ctrl+g"\n'
                           '"home.refresh" = "ctrl+nonsense"\n"app.quit" = 5\n',
                           encoding="utf-8")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("no.such" in m and "命令" in m for m in notes), notes
        assert any("home.refresh" in m and "按鍵" in m for m in notes), notes
        assert any("app.quit" in m for m in notes), notes
        await pilot.press("r")  # defaults kept
        await pilot.pause()
        assert app.is_running


async def test_a_remapped_key_that_clashes_is_told_once(demo_db, config_file):
    config_file.write_text('[keys]\n"home.refresh" = "enter"\n', encoding="utf-8")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "up")
        await pilot.pause()
        notes = [n.message for n in app._notifications if "Enter" in n.message]
        assert len(notes) == 1, notes


def test_moving_one_of_the_shared_a_keys_keeps_the_others():
    keymap, problems = commands.keymap_from_config({"outgoing.approve": "ctrl+g"})
    assert problems == []
    assert keymap["outgoing.approve"] == "ctrl+g"
    assert keymap["outgoing.number"] == "a" and keymap["outgoing.first_read"] == "a"


def test_the_registry_is_consistent():
    for cmd in REGISTRY.values():
        assert not t(cmd.label).startswith(cmd.label.split(".")[0] + "."), cmd.id
        assert all(commands.valid_key(k) for k in cmd.keys.split(",") if k), cmd.id
        if cmd.help:
            assert t(cmd.help) != cmd.help, cmd.id
    with pytest.raises(ValueError):
        commands.command("home.open", "x", "home.open")


# ------------------------------------------------------------------ a language change in place


def drawn(app) -> list[str]:
    """The screen's text as drawn, below the header (its clock moves)."""
    svg = app.export_screenshot()
    lines: dict[str, list[str]] = {}
    for y, text in re.findall(r'<text[^>]* y="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        lines.setdefault(y, []).append(html.unescape(text))
    return ["".join(parts).rstrip() for _, parts in sorted(lines.items(),
                                                          key=lambda kv: float(kv[0]))][1:]


async def visit(pilot, doc_id: int) -> dict[str, list[str]]:
    app = pilot.app
    out = {}
    for key in "1234560":
        await pilot.press(key)
        await pilot.pause(0.3)
        app.clear_notifications()
        await pilot.pause()
        out[key] = drawn(app)
    app.push_screen(IncomingDetailScreen(doc_id))
    await pilot.pause(0.3)
    await settle(pilot)  # its record read and shown, and its footer drawn (the last line)
    await wait_for(pilot, lambda: "^p" in "".join(drawn(app)[-1:]), "the detail's footer")
    out["detail"] = drawn(app)
    app.pop_screen()
    await pilot.pause()
    return out


async def test_switching_to_traditional_draws_what_a_fresh_start_in_it_draws(demo_db,
                                                                            config_file):
    """Home, every section and a 收文's detail screen, made in 简体 and switched from the
    settings screen, look exactly as in a desk started in 繁體: nothing left in the old script,
    and govdesk kept running."""
    doc_id = IncomingDocument.select().order_by(IncomingDocument.id).first().id
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = await visit(pilot, doc_id)  # every screen exists now, made in 简体
        detail = IncomingDetailScreen(doc_id)
        app.push_screen(detail)
        await pilot.pause(0.3)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#language", Select).value = "zh-Hant"
        await pilot.click("#save")
        await pilot.pause(0.3)
        assert app.is_running and app.screen is detail
        app.clear_notifications()
        await settle(pilot)
        await wait_for(pilot, lambda: "^p" in "".join(drawn(app)[-1:]), "the detail's footer")
        switched_detail = drawn(app)
        app.pop_screen()
        await pilot.pause()
        switched = await visit(pilot, doc_id)
    assert app.return_value is None

    set_language("zh-Hans")
    fresh = desk()  # the saved language: 繁體 from the first frame
    async with fresh.run_test(size=SIZE) as pilot:
        await pilot.pause()
        started = await visit(pilot, doc_id)
    assert started != before
    for key in started:
        assert switched[key] == started[key], key
    assert switched_detail == started["detail"]


def test_the_readme_names_every_command_id_and_its_default_keys():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for cmd in REGISTRY.values():
        shown = f"`{key_label(cmd.keys)}`" if cmd.keys else "palette only"
        assert f"`{cmd.id}` ({shown})" in readme, cmd.id


def test_the_readme_example_keys_table_is_read_without_a_problem():
    import tomllib

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Settings", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    keymap, problems = commands.keymap_from_config(tomllib.loads(example)["keys"])
    assert problems == [] and keymap["incoming.sign"] == "ctrl+g"


async def test_moving_approve_off_a_keeps_a_for_the_other_steps(demo_db, config_file, as_user):
    """发文's a is four commands (only one open at a time). Textual's keymap drops every binding
    of a key it moves one of them off; govdesk keeps the others on a."""
    from govdesk.services import inbox

    config_file.write_text('[keys]\n"outgoing.approve" = "ctrl+g"\n', encoding="utf-8")
    item = next(i for i in inbox.inbox(as_user("lixm"))
                if i.kind == "outgoing" and i.step in ("编号", "复核登记"))
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not [n for n in app._notifications]  # nothing to report: no clash
        screen = OutgoingDetailScreen(item.record_id)
        app.push_screen(screen)
        await pilot.pause(0.3)
        offered = {o.command.id: o.keys for o in commands.offered(screen)}
        step_command = "outgoing.number" if item.step == "编号" else "outgoing.register_signed"
        assert offered[step_command] == "a"
        await pilot.press("a")
        await pilot.pause(0.3)
        assert app.screen is not screen  # the step's form opened
