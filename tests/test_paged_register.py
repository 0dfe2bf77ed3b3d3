"""The registers stay bounded however long they are (widgets/paged_table.py): the table holds a
window of a few pages, moving past it reads the next page and drops the farthest, Home and End
go to the register's newest and oldest entries with one page read, and the cursor keeps its
record when the screen is shown again. Keyset pages in both directions (services/engine/core.py
``keyset``) meet without a gap or a repeat.

Driven by keys on a generated year (20,000 收文, 6,000 发文), and on a made-up register for the
widget alone. Nothing here is timed: speed is for scripts/bench_register.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from helpers.workers import settle, wait_for
from textual import events
from textual.app import App, ComposeResult
from textual.widgets.data_table import ColumnKey

from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, OutgoingDocument, database
from govdesk.services import audit, incoming, org, outgoing
from govdesk.services.engine import core as engine
from govdesk.widgets.paged_table import Page, PagedTable
from tests.conftest import NOW, actor

SIZE = (120, 40)


# ---------------------------------------------------------------- keyset, both ways


def _walk_down(page, limit: int) -> list[int]:
    out: list[int] = []
    before = None
    while rows := page(before_id=before, limit=limit):
        out += [r.id for r in rows]
        before = rows[-1].id
    return out


def _walk_up(page, limit: int) -> list[int]:
    """From the oldest page (after_id=0) up to the newest, each page newest first."""
    pages: list[list[int]] = []
    after = 0
    while rows := page(after_id=after, limit=limit):
        pages.append([r.id for r in rows])
        after = rows[0].id
    return [i for p in reversed(pages) for i in p]


@pytest.mark.parametrize("kind", ["incoming", "outgoing"])
def test_keyset_pages_down_and_up_meet_without_gap_or_repeat(year, kind):
    clerk = actor("lixm")
    service, model = {"incoming": (incoming, IncomingDocument),
                      "outgoing": (outgoing, OutgoingDocument)}[kind]

    def page(**args):
        return service.register_page(clerk, **args)

    every = [i for i, in model.select(model.id).order_by(model.id.desc()).tuples()]
    assert len(every) == {"incoming": 20_000, "outgoing": 6_000}[kind]
    assert _walk_down(page, 700) == every
    assert _walk_up(page, 700) == every  # 700 does not divide either count: a short last page
    # Across one boundary: the page above a page's first row is the page before it.
    first = page(limit=300)
    second = page(before_id=first[-1].id, limit=300)
    assert [r.id for r in page(after_id=second[0].id, limit=300)] == [r.id for r in first]
    # The oldest page is the plain ascending read from the start, shown newest first.
    oldest = [i for i, in model.select(model.id).order_by(model.id).limit(250).tuples()]
    assert [r.id for r in page(after_id=0, limit=250)] == oldest[::-1]


def test_keyset_with_a_filter_both_ways(year):
    """A filtered register (one state) pages the same way: the rows above a row are the
    filtered rows just newer than it, not the register's newest."""
    clerk = actor("lixm")
    state = database.execute_sql(
        "SELECT state FROM incoming_document GROUP BY state ORDER BY COUNT(*) DESC").fetchone()[0]
    every = [i for i, in IncomingDocument.select(IncomingDocument.id)
             .where(IncomingDocument.state == state).order_by(IncomingDocument.id.desc()).tuples()]

    def page(**args):
        return incoming.register_page(clerk, state=state, **args)

    assert _walk_down(page, 450) == every
    assert _walk_up(page, 450) == every
    mid = every[len(every) // 2]
    q = IncomingDocument.select(IncomingDocument.id).where(IncomingDocument.state == state)
    above = [r.id for r in engine.keyset(q, IncomingDocument.id, None, 50, after_id=mid)]
    assert above == every[every.index(mid) - 50:every.index(mid)]


def test_the_audit_trail_pages_both_ways(year):
    clerk = actor("lixm")
    first = audit.browse(clerk, limit=100)
    second = audit.browse(clerk, before_id=first[-1]["id"], limit=100)
    assert [r["id"] for r in audit.browse(clerk, after_id=second[0]["id"], limit=100)] == \
        [r["id"] for r in first]
    oldest = [i for i, in database.execute_sql("SELECT id FROM audit_entry ORDER BY id LIMIT 40")]
    assert [r["id"] for r in audit.browse(clerk, after_id=0, limit=40)] == oldest[::-1]


# ---------------------------------------------------------------- 秘书科 on a year of 收文


def desk() -> GovDesk:
    return GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)


async def open_register(pilot) -> PagedTable:
    await pilot.press("1")
    await settle(pilot)
    await pilot.press("ctrl+l")
    table = pilot.app.screen.query_one("#register", PagedTable)
    assert pilot.app.focused is table
    return table


async def quiet(pilot, table: PagedTable, what: str) -> None:
    """Until no page is on its way and no move waits for one."""
    await wait_for(pilot, lambda: not table.reading and not table._pending, what)
    await pilot.pause()


async def burst(pilot, key: str, times: int) -> None:
    """``key`` pressed ``times`` over, faster than the screen can follow: every key event is
    queued at once, as the terminal would hand on a held-down key, and only then waited for."""
    driver = pilot.app._driver
    for _ in range(times):
        event = events.Key(key, None)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()


def numbers_shown(table: PagedTable) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def register_ids() -> list[int]:
    """Every 收文 id, newest first: the register unfiltered, to say where the cursor must be."""
    return [i for i, in IncomingDocument.select(IncomingDocument.id)
            .order_by(IncomingDocument.id.desc()).tuples()]


async def test_end_shows_the_oldest_and_home_the_newest(year):
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_register(pilot)
        await pilot.press("end")
        await quiet(pilot, table, "the oldest page")
        n = table.row_count
        oldest = [number for number, in database.execute_sql(
            f"SELECT number FROM incoming_document ORDER BY id LIMIT {n}")]
        assert 0 < n <= table.page_size
        assert numbers_shown(table) == oldest[::-1]
        assert table.cursor_row == n - 1  # on the very last entry
        assert table.at_bottom and not table.at_top
        await pilot.press("ctrl+home")
        await quiet(pilot, table, "the newest page")
        newest = IncomingDocument.select().order_by(IncomingDocument.id.desc()).first()
        assert table.cursor_row == 0 and table.get_row_at(0)[0] == newest.number
        assert table.at_top
        # and back: End again goes down with one read, Ctrl+End does the same
        await pilot.press("ctrl+end")
        await quiet(pilot, table, "the oldest page again")
        assert numbers_shown(table)[-1] == oldest[0]
        await pilot.press("home")
        await quiet(pilot, table, "the newest page again")
        assert table.selected_key() == str(newest.id)


@pytest.mark.usefixtures("config_file")  # the sort chosen is kept in this test's own file
async def test_sorted_by_due_end_and_home_go_to_either_end(year):
    """S by 期限 on a year of 收文: the cursor stays on its record, now in its place by 期限;
    Home goes to the nearest deadlines, End to the last page (the undated, the newest of them
    last) and back; PageDown and PageUp page on through the sort without a gap or a repeat,
    the window bounded."""
    from govdesk.screens.list_view import SortModal

    D = IncomingDocument
    every = [(d.id, d.due) for d in D.select(D.id, D.due)]
    order = [i for i, _ in sorted(every, key=lambda r: (r[1] is None, r[1] or date.min, r[0]))]
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_register(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, SortModal)
        await pilot.press(*["down"] * 6, "enter")  # 不排序, 编号, 单位, 缓急, 状态, 日期, 期限
        await settle(pilot)
        await quiet(pilot, table, "the register by 期限 around the record")
        newest = max(order)
        assert table.selected_key() == str(newest)  # the record the cursor was on
        window = [int(k) for k in table.keys_shown()]
        start = order.index(window[0])
        assert window == order[start:start + len(window)]
        assert str(table.columns[ColumnKey("due")].label).endswith("▲")
        await pilot.press("home")
        await quiet(pilot, table, "the first page by 期限")
        shown = [int(k) for k in table.keys_shown()]
        assert shown == order[:len(shown)] and table.at_top
        assert table.selected_key() == str(order[0])
        await pilot.press("end")
        await quiet(pilot, table, "the last page by 期限")
        shown = [int(k) for k in table.keys_shown()]
        assert shown == order[-len(shown):] and table.at_bottom
        assert table.selected_key() == str(order[-1])
        assert D.get_by_id(order[-1]).due is None  # the undated come last
        await pilot.press("home")
        await quiet(pilot, table, "the first page again")
        assert table.selected_key() == str(order[0]) and table.at_top
        step = table._view_rows()
        await burst(pilot, "pagedown", 40)
        await quiet(pilot, table, "paged down through the sort")
        assert table.selected_key() == str(order[40 * step])
        window = [int(k) for k in table.keys_shown()]
        start = order.index(window[0])
        assert window == order[start:start + len(window)]
        assert table.row_count <= table.max_rows
        await pilot.press(*["pageup"] * 5)
        await quiet(pilot, table, "paged up through the sort")
        assert table.selected_key() == str(order[35 * step])


async def test_paging_thousands_of_rows_keeps_the_window_bounded(year, monkeypatch):
    """PageDown in bursts (no pause between keys) runs down ~4,000 rows: the table never holds
    more than its window, each key moves one screen, and PageUp comes back the same way."""
    shown: list[int] = []
    fill = PagedTable._fill

    def counting(self, rows, cursor, shift=None):
        shown.append(len(rows))
        fill(self, rows, cursor, shift)

    monkeypatch.setattr(PagedTable, "_fill", counting)
    ids = register_ids()
    app = desk()
    async with app.run_test(size=(120, 100)) as pilot:  # a tall terminal: long steps
        table = await open_register(pilot)
        step = table._view_rows()
        presses = 0
        for _round in range(8):
            await burst(pilot, "pagedown", 10)
            presses += 10
            await quiet(pilot, table, "the pages after a burst")
            assert table.selected_key() == str(ids[presses * step])
            assert table.row_count <= table.max_rows
        assert presses * step > 3_000
        assert not table.at_top and not table.at_bottom
        assert max(shown) <= table.max_rows
        # the window is a run of the register without a gap or a repeat
        window = [int(k) for k in table.keys_shown()]
        start = ids.index(window[0])
        assert window == ids[start:start + len(window)]
        # down a row at a time across page boundaries, then PageUp back, as Pilot presses
        at = presses * step
        await burst(pilot, "down", 450)
        await quiet(pilot, table, "rows one by one")
        assert table.selected_key() == str(ids[at + 450])
        await pilot.press(*["pageup"] * 12)
        await quiet(pilot, table, "the pages above")
        at += 450 - 12 * step
        assert table.selected_key() == str(ids[at])
        assert table.row_count <= table.max_rows
        await burst(pilot, "up", 400)
        await quiet(pilot, table, "rows one by one upwards")
        assert table.selected_key() == str(ids[at - 400])
    assert len(shown) > 20  # it did page, many times


async def test_the_cursor_keeps_its_record_away_and_back(year):
    """Deep in the register, 0 (Home) and 1 again: the cursor is on the same 收文 — also when
    the screen reads its register again on the way back (something changed meanwhile) and
    the record is far below the first page: the window around it is read by its id."""
    ids = register_ids()
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_register(pilot)
        await burst(pilot, "pagedown", 60)
        await pilot.press(*["down"] * 7)
        await quiet(pilot, table, "deep in the register")
        kept = table.selected_key()
        assert kept is not None and ids.index(int(kept)) > 3 * table.page_size
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert table.selected_key() == kept  # nothing changed: nothing read again
        # Something changed while Home showed: 秘书科 reads its first page again when shown.
        await pilot.press("0")
        await settle(pilot)
        app.note_change()
        await pilot.press("1")
        await settle(pilot)
        await quiet(pilot, table, "the window around the record")
        assert table.selected_key() == kept
        assert table.row_count <= table.max_rows
        assert not table.at_top
        # and the rows above it are there as before
        here = ids.index(int(kept))
        await burst(pilot, "up", 150)
        await quiet(pilot, table, "up from the kept record")
        assert table.selected_key() == str(ids[here - 150])
        # Another filter (t: the next state): the record stays under the cursor if it is in
        # the new list, and the list starts at its top if it is not.
        kept = table.selected_key()
        await pilot.press("t")
        await settle(pilot)
        await quiet(pilot, table, "the filtered register")
        state = app.screen.state_filter
        assert state is not None
        if IncomingDocument.get_by_id(int(kept)).state == state:
            assert table.selected_key() == kept
        else:
            newest = IncomingDocument.select().where(IncomingDocument.state == state) \
                .order_by(IncomingDocument.id.desc()).first()
            assert table.at_top and table.selected_key() == str(newest.id)


# ---------------------------------------------------------------- the widget alone


class OneTable(App):
    """A made-up register of ``n`` rows (keys n … 1, newest first) read like a service's."""

    def __init__(self, n: int, *, threaded: bool, page_size: int = 50):
        super().__init__()
        self.n = n
        self.gone: set[int] = set()  # rows that have left the list (another filter)
        self.reads: list[Page] = []
        self.table = PagedTable(self.load, page_size=page_size, threaded=threaded)

    def load(self, page: Page):
        self.reads.append(page)
        args = page.keyset_args()
        keys = range(self.n, 0, -1)
        if args["after_id"] is not None:
            above = [k for k in range(args["after_id"] + 1, self.n + 1)
                     if k not in self.gone][:page.limit]
            return [(k, [f"第{k}条"]) for k in reversed(above)]
        if args["before_id"] is not None:
            keys = range(args["before_id"] - 1, 0, -1)
        return [(k, [f"第{k}条"]) for k in keys if k not in self.gone][:page.limit]

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.add_column("条目", key="item")
        self.table.show_first_page(self.load(Page(self.table.page_size)))
        self.table.focus()


@pytest.mark.parametrize("threaded", [False, True])
async def test_a_window_of_pages_on_a_made_up_register(threaded):
    app = OneTable(5_000, threaded=threaded)
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.table
        await burst(pilot, "pagedown", 60)
        await quiet(pilot, table, "down")
        step = table._view_rows()
        assert table.selected_key() == str(5_000 - 60 * step)
        assert table.scroll_y <= table.cursor_row < table.scroll_y + step  # still in view
        keys = table.keys_shown()
        assert keys == list(range(keys[0], keys[0] - len(keys), -1))
        assert len(keys) <= table.max_rows
        await pilot.press("end")
        await quiet(pilot, table, "end")
        assert table.keys_shown()[-1] == 1 and table.selected_key() == "1"
        assert app.reads[-1].oldest  # one read: the oldest page
        await pilot.press(*["pageup"] * 5)
        await quiet(pilot, table, "up from the end")
        assert table.selected_key() == str(1 + 5 * step)
        await pilot.press("home")
        await quiet(pilot, table, "home")
        assert table.selected_key() == "5000" and table.at_top
        # A screen's new first page keeps the cursor on its record, read around it by key.
        await pilot.press(*["pagedown"] * 20)
        await quiet(pilot, table, "down again")
        kept = table.selected_key()
        table.show_first_page(app.load(Page(table.page_size)))
        await quiet(pilot, table, "around the kept record")
        assert table.selected_key() == kept
        keys = table.keys_shown()
        assert keys == list(range(keys[0], keys[0] - len(keys), -1))
        # The record has left the list (another filter): the list starts at its first page.
        app.gone.add(int(kept))
        table.show_first_page(app.load(Page(table.page_size)))
        await quiet(pilot, table, "the first page of the new list")
        assert table.at_top and table.cursor_row == 0 and table.selected_key() == "5000"


async def test_a_page_read_while_the_cursor_went_the_other_way_keeps_its_row():
    """The page below was asked for near the window's end; before it came the user went back
    up to the window's first row: the cursor's row stays, and so does its record."""
    from govdesk.widgets import paged_table

    app = OneTable(5_000, threaded=False)
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.table
        await burst(pilot, "pagedown", 40)
        await quiet(pilot, table, "a full window")
        assert table.row_count == table.max_rows and not table.at_top
        table.move_cursor(row=table.page_size // 2)  # no read: not near either end
        await pilot.pause()
        below = paged_table.read_pages(app.load, paged_table.BELOW, table.keys_shown()[-1],
                                       table.page_size)
        table._filling = True  # the cursor reaches row 0 without reading the page above
        table.move_cursor(row=0)
        table._filling = False
        table._loading = True  # …while the page below was on its way
        kept = table.selected_key()
        table._arrived(table._epoch, paged_table.BELOW, None, below, None)
        await pilot.pause()
        assert table.selected_key() == kept
        assert table.row_count <= table.max_rows + table.page_size
        keys = table.keys_shown()
        assert keys == list(range(keys[0], keys[0] - len(keys), -1))


async def test_the_audit_log_goes_to_its_oldest_entry_and_back(year):
    """审计日志 on a year of entries: End shows the oldest, with its details below; Home the
    newest; the details kept stay bounded while paging."""
    from textual.widgets import Static

    from govdesk.screens.audit_log import DETAILS_KEPT, AuditLogScreen

    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        app.action_audit_log()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditLogScreen)
        table = screen.query_one("#audit-table", PagedTable)
        assert app.focused is table
        await pilot.press("end")
        await quiet(pilot, table, "the oldest entries")
        oldest = [str(i) for i, in database.execute_sql(
            f"SELECT id FROM audit_entry ORDER BY id LIMIT {table.row_count}")]
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == oldest[::-1]
        assert table.selected_key() == oldest[0]
        assert str(screen.query_one("#audit-detail", Static).render()).strip()
        await burst(pilot, "pageup", 120)
        await quiet(pilot, table, "pages above the oldest")
        assert table.row_count <= table.max_rows
        assert len(screen._rows) <= DETAILS_KEPT
        await pilot.press("home")
        await quiet(pilot, table, "the newest entries")
        newest, = database.execute_sql("SELECT MAX(id) FROM audit_entry").fetchone()
        assert table.selected_key() == str(newest)
