"""繁體 on the desk: the office's fixed words (steps, states, 紧急程度, 密级, 文种 …) are shown in
Traditional in Home's inbox, the registers and a 收文's detail and timeline, while the database
keeps, and the filters compare, the Simplified values. Titles, names and numbers stay as written.
"""

from __future__ import annotations

from rich.console import Console
from textual.widgets import DataTable, Select, Static
from textual.widgets._select import SelectOverlay

from govdesk.app import GovDesk
from govdesk.i18n import catalog
from govdesk.models import IncomingDocument, OutgoingDocument, Task
from govdesk.models import incoming as states
from govdesk.screens.home import HomeScreen
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.secretariat import OUT_STATES, STATES, SecretariatScreen
from govdesk.services import inbox as inbox_service
from govdesk.services import org
from govdesk.widgets.paged_table import PagedTable
from govdesk.widgets.timeline import TimelineTable
from tests.conftest import NOW, actor

SIZE = (160, 48)
HANT = {k.removeprefix("terms."): v for k, v in catalog("zh-Hant").items()
        if k.startswith("terms.")}


def column(table: DataTable, index: int) -> list[str]:
    return [getattr(c, "plain", str(c)) for c in (table.get_row_at(i)[index]
                                                  for i in range(table.row_count))]


def static_text(widget: Static) -> str:
    """What a Static shows, as plain text (its content may be a Rich table)."""
    console = Console(width=SIZE[0], color_system=None)
    with console.capture() as capture:
        console.print(widget.content)
    return capture.get()


def options(select: Select) -> list[str]:
    overlay = select.query_one(SelectOverlay)
    return [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]


async def test_traditional_desk_shows_the_offices_words_in_traditional(
        demo_db, hant, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))  # no saved language
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        # Home's inbox: kind and step in Traditional, the title as written.
        inbox = app.screen.query_one("#inbox", DataTable)
        items = inbox_service.inbox(actor("lixm"))
        assert inbox.row_count == len(items) == 15  # with the demo's late 销假
        kinds = {"incoming": "收文", "outgoing": "發文", "leave": "請假"}
        assert column(inbox, 2) == [f"{kinds[i.kind]}·{HANT[i.step]}" for i in items]
        assert {"收文·歸檔", "收文·初審", "發文·複核登記", "發文·第一讀者"} <= set(column(inbox, 2))
        assert "归档" in {i.step for i in items}  # the service still answers in data
        assert column(inbox, 3) == [i.title for i in items]

        # 秘书科's 收文 register: the state column in Traditional …
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SecretariatScreen)
        register = screen.query_one("#register", PagedTable)
        shown = set(column(register, 4))
        assert "已歸檔" in shown and "待簽批" in shown
        assert shown <= {HANT[s] for s in STATES}
        # … its state filter shows Traditional and filters on the stored Simplified value.
        select = screen.query_one("#reg-state", Select)
        assert options(select)[1:] == [HANT[s] for s in STATES]  # after 全部狀態
        select.value = states.ARCHIVED
        await pilot.pause()
        archived = IncomingDocument.select().where(IncomingDocument.state == states.ARCHIVED)
        assert register.row_count == archived.count() > 0
        assert set(column(register, 4)) == {"已歸檔"}

        # Its first row opened: the state field and every hop of the timeline in Traditional.
        register.focus()
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, IncomingDetailScreen)
        doc = IncomingDocument.get_by_id(detail.doc_id)
        fields = static_text(detail.query_one("#fields", Static))
        assert "已歸檔" in fields and "已归档" not in fields
        assert HANT[doc.doc_kind] in fields and doc.title in fields and doc.number in fields
        timeline = detail.query_one("#timeline", TimelineTable)
        steps = column(timeline, 0)
        assert {"登記", "初審", "簽批", "分送", "歸檔"} <= set(steps)
        assert not {"登记", "初审", "签批", "归档"} & set(steps)
        hop = static_text(detail.query_one("#hop", Static))
        assert hop.startswith(f"{steps[timeline.cursor_row]} ")

        # 发文 register: 发文机关, 文种 and state too.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        out = screen.query_one("#out-registry", PagedTable)
        assert out.row_count > 0
        assert set(column(out, 5)) <= {HANT[s] for s in OUT_STATES}
        assert "已分發" in column(out, 5)
        assert "區政府辦公室" in column(out, 2)

    # What is stored stays Simplified: nothing above wrote the words it showed.
    assert archived.count() == IncomingDocument.select().where(
        IncomingDocument.state == "已归档").count()
    assert Task.select().where(Task.step == "归档").count() > 0
    assert Task.select().where(Task.step.in_(["歸檔", "簽批", "初審"])).count() == 0
    assert OutgoingDocument.select().where(OutgoingDocument.state == "已分發").count() == 0
