"""A screen loads once when it is first shown; shown again, it loads again only when what it
shows may have changed since (screens/base.py): a commit the poll saw while it was hidden, a
write of this desk (a save, the first opening of an unread record), another office day.

Loads are counted as asked for (``DeskScreen.refresh_data``), per screen class.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import timedelta

import pytest
from helpers.workers import settle, wait_for
from textual.widgets import DataTable

from govdesk.app import GovDesk, PollResult
from govdesk.models import Task
from govdesk.screens.base import DeskScreen, run_service
from govdesk.screens.home import HomeScreen
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.incoming.modals import ActionModal
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.services import incoming, org
from govdesk.services.errors import ServiceError
from tests.conftest import NOW, actor

SIZE = (160, 48)
KEYS = "0123456"  # Home, then the six sections


@pytest.fixture(autouse=True)
def config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))


@pytest.fixture
def loads(monkeypatch) -> Counter:
    """How many loads each screen class has asked for."""
    counted: Counter = Counter()
    original = DeskScreen.refresh_data

    def counting(self) -> None:
        counted[type(self).__name__] += 1
        original(self)

    monkeypatch.setattr(DeskScreen, "refresh_data", counting)
    return counted


def desk(now=NOW, *, poll: bool = False, login: str = "lixm") -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=poll, now=now)


async def show(pilot, key: str) -> DeskScreen:
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


def inbox_titles(screen: HomeScreen) -> list[str]:
    table = screen.query_one("#inbox", DataTable)
    return [str(table.get_row_at(i)[3]) for i in range(table.row_count)]



async def test_each_section_loads_once_when_first_shown_and_not_again_unchanged(
        demo_db, loads):
    async with desk().run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = {}
        for key in KEYS:
            screen = await show(pilot, key)
            first[type(screen).__name__] = loads[type(screen).__name__]
        print("\nloads on a first visit (demo database):", first)
        assert set(first.values()) == {1}, first
        for key in KEYS * 2:  # each shown again, twice: nothing changed, nothing loads
            await show(pilot, key)
        print("loads after two more rounds of every section:", dict(loads))
        assert dict(loads) == first


async def test_a_change_seen_while_hidden_loads_once_when_shown_again(db, loads):
    """The poll tells only the screen shown (DataChanged); the hidden one catches up on its
    return, once."""
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show(pilot, "1")
        assert loads == Counter(HomeScreen=1, SecretariatScreen=1)
        # What the poll hands over when another process committed (GovDesk._read_changes).
        app.notify_changes(PollResult((1, 1), 1, frozenset({"incomingdocument"}), 0))
        await settle(pilot)
        assert loads["SecretariatScreen"] == 2  # the screen shown: DataChanged, as before
        await show(pilot, "0")
        assert loads["HomeScreen"] == 2
        await show(pilot, "1")
        await show(pilot, "0")
        assert loads == Counter(HomeScreen=2, SecretariatScreen=2)


REGISTER = """
import sys
from datetime import datetime
from govdesk.models import close_database, open_database
from govdesk.services import incoming, org
from govdesk.services.errors import ServiceError
from govdesk.services.context import Actor

open_database(sys.argv[1])
actor = Actor(org.person_by_login("lixm"), datetime(2026, 11, 26, 9, 45))
incoming.register(actor, {"from_name": "区发改局", "title": sys.argv[2], "doc_kind": "通知",
                          "received_on": "2026-11-26"})
close_database()
"""


async def test_another_process_commit_while_home_is_hidden_shows_on_return(db, loads):
    title = "关于另一进程在首页隐藏时登记的来文"
    app = desk(poll=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert title not in inbox_titles(app.screen)
        await show(pilot, "1")
        mark = app.change_mark
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", REGISTER, str(db), title,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        await wait_for(pilot, lambda: app.change_mark != mark, "the poll sees the commit")
        await settle(pilot)
        assert loads["HomeScreen"] == 1
        home = await show(pilot, "0")
        assert loads["HomeScreen"] == 2
        assert title in inbox_titles(home)
        await show(pilot, "1")
        await show(pilot, "0")
        assert loads["HomeScreen"] == 2


async def open_from_home(pilot, title: str) -> IncomingDetailScreen:
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    table = home.query_one("#inbox", DataTable)
    table.focus()
    table.move_cursor(row=inbox_titles(home).index(title))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, IncomingDetailScreen)
    return pilot.app.screen


async def test_opening_an_unread_record_loads_home_again_once(db, loads):
    """Opening it marks my task read (a write of this desk): Home loads again on the way back;
    opening it again writes nothing, and Home does not load."""
    title = "关于首次打开即标记已阅的来文"
    clerk, director = actor("lixm"), actor("linzh")
    doc = incoming.register(clerk, {"from_unit": "cz", "title": title, "doc_kind": "报告"})
    incoming.decide_intake(clerk, incoming.current_task_for(clerk, doc).id, "受理", "")
    task = incoming.current_task_for(director, doc)  # 签批, the 主任's own
    assert Task.get_by_id(task.id).read_at is None
    async with desk(login="linzh").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_home(pilot, title)
        assert Task.get_by_id(task.id).read_at == NOW
        await show(pilot, "escape")
        assert loads["HomeScreen"] == 2
        await open_from_home(pilot, title)
        await show(pilot, "escape")
        assert loads["HomeScreen"] == 2


async def test_a_save_in_a_modal_over_a_record_shows_in_the_list_behind(db, loads):
    """初审 in the record opened from Home: back on Home the document has left my inbox."""
    title = "关于在详情中受理后返回首页的来文"
    incoming.register(actor("lixm"), {"from_unit": "cz", "title": title, "doc_kind": "报告"})
    async with desk().run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = await open_from_home(pilot, title)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ActionModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is detail
        assert incoming.get(actor("lixm"), detail.doc_id).state == "待签批"
        home = await show(pilot, "escape")
        assert isinstance(home, HomeScreen)
        assert title not in inbox_titles(home)
        assert loads["HomeScreen"] == 2


async def test_a_new_office_day_loads_again_when_shown(db, loads):
    """Deadline labels count from today: the next morning a screen shown again loads."""
    clock = [NOW]
    async with desk(lambda: clock[0]).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show(pilot, "1")
        await show(pilot, "0")
        assert loads == Counter(HomeScreen=1, SecretariatScreen=1)
        clock[0] = NOW + timedelta(hours=2)  # later the same day: nothing to do
        await show(pilot, "1")
        assert loads["SecretariatScreen"] == 1
        clock[0] = NOW + timedelta(days=1)
        screen = await show(pilot, "0")
        assert loads["HomeScreen"] == 2
        assert isinstance(screen, HomeScreen)
        screen = await show(pilot, "1")
        assert isinstance(screen, SecretariatScreen)
        assert loads == Counter(HomeScreen=2, SecretariatScreen=2)
        await show(pilot, "0")
        assert loads["HomeScreen"] == 2


async def test_a_service_call_moves_the_change_mark_unless_it_only_reads_or_is_refused(db):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        answers: list = []
        mark = app.change_mark
        run_service(app.screen, lambda: "read", done=answers.append, refused=answers.append,
                    writes=False)
        await settle(pilot)
        assert answers == ["read"] and app.change_mark == mark

        def refuse() -> None:
            raise ServiceError("数据库正忙")

        run_service(app.screen, refuse, done=answers.append, refused=answers.append)
        await settle(pilot)
        assert isinstance(answers[-1], ServiceError) and app.change_mark == mark
        run_service(app.screen, lambda: "written", done=answers.append, refused=answers.append)
        await settle(pilot)
        assert answers[-1] == "written" and app.change_mark != mark
