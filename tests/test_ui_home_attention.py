"""需要关注 on Home (SPEC §10; issue 12 item 2): a leader opening the desk sees the 批示 items
and the overdue items of their portfolio above the deadlines, and opens one with Enter; a clerk
sees no such panel. ``u`` on a 督查事项's task in a section's list issues its 催办单."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers.workers import settle, wait_for
from textual.widgets import DataTable

from govdesk.app import GovDesk
from govdesk.models import SupervisionItem, SupervisionNotice, Task
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.supervision import SupervisionScreen
from govdesk.screens.supervision_items.detail import SupervisionItemScreen
from govdesk.services import org, supervision
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("config_file")
CLERK = "shenyj"  # 督查室
LATER = datetime(2026, 12, 3, 9, 0)  # the 批示's report (due 12-01) is late


def rows(table: DataTable) -> list[str]:
    return [" ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i))
            for i in range(table.row_count)]


def instructed() -> SupervisionItem:
    clerk = Actor(org.person_by_login(CLERK), NOW)
    row = supervision.register(clerk, {
        "kind": "领导批示件", "title": "关于城西停水问题的批示", "lead_unit": "区住建局",
        "instructed_by": "wangjm", "instruction": "请住建局三日内解决", "urgency": "特急"})
    f = engine.flow_of(supervision.KIND, row.id)
    (sign,) = Task.select().where((Task.flow == f) & (Task.state == "waiting"))
    row = supervision.sign(clerk, sign.id)
    supervision.urge(clerk, row.id)
    return row


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_head_sees_what_needs_him_on_home_and_opens_it(db, size):
    instructed()
    app = GovDesk(person=org.person_by_login("wangjm"), poll=False, now=LATER)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#attention", DataTable)
        assert table.display
        (line,) = rows(table)
        assert "关于城西停水问题的批示" in line and "滞后" in line and "催办×1" in line
        title = str(app.screen.query_one("#attention-title").render())
        assert "需要关注（1 件" in title
        assert table.region.height >= 2 and table.region.bottom <= size[1]  # on screen
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisionItemScreen), "the item")
        await settle(pilot)
        assert app.screen.doc_id == SupervisionItem.get().id


async def test_a_clerk_has_no_attention_panel(db):
    instructed()
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=LATER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#attention", DataTable).display
        assert not app.screen.query_one("#attention-title").display


async def test_u_on_an_items_task_in_a_list_issues_its_notice(db):
    row = instructed()
    app = GovDesk(person=org.person_by_login(CLERK), poll=False, now=LATER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisionScreen), "督查室")
        await settle(pilot)
        table = app.screen.query_one("#due", DataTable)
        app.screen.show_pane("deadlines")
        await settle(pilot)
        table.focus()
        found = [i for i, line in enumerate(rows(table)) if "关于城西停水问题的批示" in line]
        assert found, rows(table)
        table.move_cursor(row=found[0])
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldsModal), "the 催办单's note")
        await pilot.press(*"请今日反馈", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisionScreen), "back")
        await settle(pilot)
    notes = [n.note for n in SupervisionNotice.select().where(SupervisionNotice.item == row.id)
             .order_by(SupervisionNotice.id)]
    assert notes == ["", "请今日反馈"]
