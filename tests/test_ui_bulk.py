"""Tagging rows and acting on all of them at once, and 催办 of every holder, through Textual's
Pilot: keys pressed as a user would, in bursts; the database and the screen asserted."""

from __future__ import annotations

import pytest
from helpers.workers import settle, wait_for
from rich.cells import cell_len
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Label

from govdesk.app import GovDesk
from govdesk.i18n import t
from govdesk.models import IncomingDocument, Person, Reminder, Task
from govdesk.models import incoming as states
from govdesk.models.flow import WAITING
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.home import HomeScreen
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.screens.triage import BulkMenu, BulkResultScreen, RemindHoldersModal, Triage
from govdesk.services import flow, incoming, org
from govdesk.widgets.paged_table import Page, PagedTable
from govdesk.widgets.tagging import MARK
from tests.conftest import NOW, actor

pytestmark = pytest.mark.usefixtures("config_file")

SIZE = (160, 48)


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def label(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


def rows(table: DataTable) -> list[list[str]]:
    return [[getattr(c, "plain", str(c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]


def drawn(table: DataTable, row: int) -> str:
    """What the table draws for a row's first cell (the mark is drawn, not stored)."""
    cell = table._get_row_renderables(row).cells[0]
    return getattr(cell, "text", cell).plain


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


def register(title: str) -> IncomingDocument:
    return incoming.register(actor("lixm"), {"from_unit": "jyj", "title": title,
                                             "doc_kind": "报告"})


def to_signing(doc: IncomingDocument) -> Task:
    clerk = actor("lixm")
    incoming.decide_intake(clerk, incoming.current_task_for(clerk, doc).id, "受理", "")
    return Task.get((Task.step == "签批") & (Task.state == WAITING)
                    & (Task.flow == flow.flow_of(incoming.KIND, doc.id)))


async def test_sign_five_tagged_one_signed_meanwhile(db):
    docs = [register(f"关于第{i}项经费的报告") for i in range(5)]
    tasks = [to_signing(d) for d in docs]
    app = app_as("linzh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        inbox = screen.query_one("#inbox", DataTable)
        assert inbox.row_count == 5
        await pilot.press("space", "space", "space", "space", "space")
        assert len(inbox.tags) == 5
        assert "已标记 5" in label(screen, "#inbox-title")
        assert all(drawn(inbox, i).startswith(MARK) for i in range(5))
        assert rows(inbox)[0][0] == rows(inbox)[0][0].lstrip(MARK)  # the data is untouched

        # Meanwhile the fifth is signed elsewhere (another desk of the 主任's).
        late = docs[4]
        incoming.sign(actor("linzh"), tasks[4].id, "已阅", incoming.suggest_readers(late))
        screen.refresh_data()
        await settle(pilot)
        assert inbox.row_count == 4 and len(inbox.tags) == 5  # kept by key, not by row
        assert "已标记 5" in label(screen, "#inbox-title")

        await pilot.press("semicolon")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkMenu) and app.screen.narrowed,
                       "the menu")
        menu = app.screen
        shown = [a for a in menu.actions if menu.query_one(f"#menu-{a}").display]
        # 催办: the fifth is with its reader now; 传阅 is 秘书科's; none is the 主任's to 办结
        assert shown == ["remind", "sign"]
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, FieldsModal)
        await type_text(pilot, "请周副区长阅示")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkResultScreen), "the result")
        result = app.screen
        assert "已办 4 项，未办 1 项" in label(result, "#result-title")
        (refused,) = rows(result.query_one("#refused", DataTable))
        assert refused[0] == f"{late.number} 关于第4项经费的报告"
        assert refused[1] == t("work.not_yours")  # the service's own reason
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # The four done lose their tags; the refused one keeps it.
        assert list(inbox.tags) == [str(tasks[4].id)]
        assert inbox.row_count == 0

    for d, task in zip(docs[:4], tasks[:4], strict=True):
        assert IncomingDocument.get_by_id(d.id).state == states.READING
        assert Task.get_by_id(task.id).opinion == "请周副区长阅示"
    assert Task.get_by_id(tasks[4].id).opinion == "已阅"


async def test_register_tags_survive_paging_and_t_clears_them(db):
    for i in range(3):
        register(f"关于第{i}项工作的通知")
    app = app_as("lixm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SecretariatScreen)
        await pilot.press("ctrl+l")
        register_table = screen.query_one("#register", PagedTable)
        await pilot.press("space", "space")
        assert len(register_table.tags) == 2
        assert "已标记 2" in label(screen, "#register-title")
        screen.refresh_data()
        await settle(pilot)
        assert len(register_table.tags) == 2 and "已标记 2" in label(screen, "#register-title")
        await pilot.press("T")  # some tagged: clear them all
        assert register_table.tags == {} and "已标记" not in label(screen, "#register-title")
        await pilot.press("T")  # none tagged: tag every row shown
        assert len(register_table.tags) == 3


async def test_circulate_three_tagged_documents_to_the_same_readers(db):
    docs = [register(f"关于第{i}项工作的通知") for i in range(3)]
    app = app_as("lixm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+l", "T", "semicolon")
        await pilot.pause()
        assert isinstance(app.screen, BulkMenu)
        await pilot.press("m")
        await pilot.pause()
        await type_text(pilot, "byk")  # 办一科 by pinyin initials: the whole section
        await settle(pilot)
        await pilot.press("enter", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkResultScreen), "the result")
        assert "已办 3 项，未办 0 项" in label(app.screen, "#result-title")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#register", PagedTable).tags == {}
    for d in docs:
        f = flow.flow_of(incoming.KIND, d.id)
        assert len(flow.waiting_tasks(f, ["传阅"])) == 5


async def test_u_reaches_every_reader_but_the_two_unticked(db):
    doc = register("关于冬季安全的通知")
    people = [p for p in Person.select().where(Person.active).order_by(Person.id)
              if p.login not in ("lixm",)][:12]
    incoming.circulate(actor("lixm"), doc.id, people, "请阅")
    app = app_as("lixm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        work = screen.query_one("#work", DataTable)
        work.focus()
        keys = [i for i, row in enumerate(rows(work)) if "冬季安全" in row[3]]
        work.move_cursor(row=keys[0])
        # u, then, at once: past 秘书科's own 初审 (not ticked), untick two readers
        await pilot.press("u", "down", "space", "space")
        await wait_for(pilot, lambda: isinstance(app.screen, RemindHoldersModal)
                       and app.screen.loaded and len(app.screen.chosen) == 10, "two unticked")
        modal = app.screen
        table = modal.query_one("#holders", DataTable)
        marks = [r[0] for r in rows(table)]
        assert marks.count("☑") == 10 and marks.count("☐") == 3
        assert "已选 10 / 共 13 人" in label(modal, "#holders-count")
        modal.query_one("#note").focus()
        await type_text(pilot, "请今日退回")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the modal closed")
    reminded = list(Reminder.select())
    assert len(reminded) == 10
    assert {r.note for r in reminded} == {"请今日退回"}
    unticked = {p.id for p in people[:2]}
    assert {r.task.holder_id for r in reminded} == {p.id for p in people} - unticked


async def test_u_on_a_record_and_on_a_register_row(db):
    from govdesk.screens.incoming.detail import IncomingDetailScreen

    doc = register("关于冬季安全的通知")
    people = [p for p in Person.select().where(Person.active).order_by(Person.id)
              if p.login not in ("lixm",)][:12]
    incoming.circulate(actor("lixm"), doc.id, people, "请阅")
    app = app_as("lixm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "ctrl+l", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncomingDetailScreen)
                       and app.screen.doc is not None, "the record open")
        detail = app.screen
        # All twelve readers at once (秘书科's own 初审 is the clerk's: not ticked).
        await pilot.press("u", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail and Reminder.select().count(),
                       "the 催办 sent")
        await settle(pilot)
        assert Reminder.select().count() == 12
        assert {r.task.holder_id for r in Reminder.select()} == {p.id for p in people}
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SecretariatScreen)
        # u on the register's row: the same holders, with one unticked this time.
        await pilot.press("u", "down", "down", "space", "ctrl+s")
        await wait_for(pilot, lambda: Reminder.select().count() == 23, "eleven more")
    per_task = {r.task_id for r in Reminder.select()}
    assert len(per_task) == 12


class TagScreen(Triage, Screen):
    """A screen with one register of ``n`` made-up rows (keys n … 1, newest first)."""

    TAG_TABLES = {"reg": "reg-title"}

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def load(self, page: Page):
        args = page.keyset_args()
        if args["after_id"] is not None:
            above = list(range(args["after_id"] + 1, self.n + 1))[:page.limit]
            return [(k, [f"第{k}条"]) for k in reversed(above)]
        start = self.n if args["before_id"] is None else args["before_id"] - 1
        return [(k, [f"第{k}条"]) for k in range(start, 0, -1)][:page.limit]

    def compose(self):
        yield Label("登记簿", id="reg-title")
        yield PagedTable(self.load, id="reg", page_size=50)

    def on_mount(self) -> None:
        table = self.query_one("#reg", PagedTable)
        table.add_column("条目", key="item")
        table.show_first_page(self.load(Page(table.page_size)))
        table.focus()

    def tag_item(self, table_id: str, key: str):
        return int(key)


class TagApp(App):
    def on_mount(self) -> None:
        self.push_screen(TagScreen(5_000))


async def test_register_tags_stay_on_their_records_as_pages_come_and_go():
    app = TagApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#reg", PagedTable)
        await pilot.press("space", "down", "space")  # 5000 and 4998
        assert table.tags == {"5000": 5000, "4998": 4998}
        assert label(screen, "#reg-title") == "登记簿" + t("bulk.tagged", n=2)
        await pilot.press("end")  # the oldest page: the tagged rows' pages are dropped
        await wait_for(pilot, lambda: table.selected_key() == "1", "the oldest row")
        assert "5000" not in map(str, table.keys_shown())
        assert len(table.tags) == 2
        await pilot.press("home")
        await wait_for(pilot, lambda: table.selected_key() == "5000", "the newest row")
        assert drawn(table, 0).startswith(MARK) and drawn(table, 2).startswith(MARK)
        assert table._get_row_renderables(0).cells[0].text.plain == f"{MARK} 第5000条"
        assert table.ordered_columns[0].width >= cell_len(f"{MARK} 第5000条")  # not cut
        assert not drawn(table, 1).startswith(MARK)
        await pilot.press("T")  # some tagged: all cleared
        assert table.tags == {} and label(screen, "#reg-title") == "登记簿"
        await pilot.press("T")  # none tagged: every row shown
        assert len(table.tags) == len(table.keys_shown())


async def test_close_then_archive_from_the_register(db):
    director, leader = actor("linzh"), actor("zhoudw")
    docs = [register(f"关于第{i}项事务的报告") for i in range(3)]
    for d in docs:
        task = to_signing(d)
        incoming.sign(director, task.id, "阅", incoming.suggest_readers(d))
    for d in docs[:2]:  # the third is still with the leader
        incoming.reader_return(leader, incoming.current_task_for(leader, d).id, "同意")
    app = app_as("lixm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+l", "T", "semicolon", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldsModal), "the 办结 form")
        await type_text(pilot, "已办")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkResultScreen), "the result")
        assert "已办 2 项，未办 1 项" in label(app.screen, "#result-title")
        (refused,) = rows(app.screen.query_one("#refused", DataTable))
        assert refused[0] == f"{docs[2].number} 关于第2项事务的报告" and "分送" in refused[1]
        await pilot.press("enter")
        await settle(pilot)
        table = screen.query_one("#register", PagedTable)
        assert list(table.tags) == [str(docs[2].id)]  # the refused one stays tagged
        await pilot.press("T", "T", "semicolon", "g")  # clear, tag all again, 归档
        await wait_for(pilot, lambda: isinstance(app.screen, FieldsModal), "the 归档 form")
        await pilot.press("ctrl+s")  # the default 保管期限
        await wait_for(pilot, lambda: isinstance(app.screen, BulkResultScreen), "the result")
        assert "已办 2 项，未办 1 项" in label(app.screen, "#result-title")
    for d in docs[:2]:
        doc = IncomingDocument.get_by_id(d.id)
        assert doc.state == states.ARCHIVED and doc.retention == "10年"
        assert Task.get((Task.step == "分送")
                        & (Task.flow == flow.flow_of(incoming.KIND, d.id))).opinion == "已办"
    assert IncomingDocument.get_by_id(docs[2].id).state == states.READING


async def test_esc_at_once_after_u_or_a_choice_before_the_menu_narrows(db):
    doc = register("关于冬季安全的通知")
    incoming.circulate(actor("lixm"), doc.id, [org.person_by_login("zhangyt")], "请阅")
    app = app_as("lixm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        await pilot.press("u", "escape")  # gone before the holders came
        await settle(pilot)
        assert app.screen is screen and Reminder.select().count() == 0
        await pilot.press("space", "semicolon", "escape")  # gone before the menu narrowed
        await settle(pilot)
        assert app.screen is screen
        assert len(screen.query_one("#work", DataTable).tags) == 1
