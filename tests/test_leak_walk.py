"""Access control (SPEC §14): walk every screen as users without clearance and look for the
secret titles seeded in the demo database in everything the screens hold.

The same walk as the 主任 (绝密 clearance) must find them: that proves the walk can see titles,
so a pass for the uncleared users means something.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label, OptionList, Static, TextArea

from govdesk.app import SECTION_MODES, GovDesk
from govdesk.models import IncomingDocument, OutgoingDocument
from govdesk.screens import registry
from tests.conftest import NOW

SIZE = (160, 48)


def screen_text(app) -> str:
    """Every string the active screen holds: table cells, labels, inputs, lists, notices."""
    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, DataTable):
            for row in range(widget.row_count):
                parts.extend(str(cell) for cell in widget.get_row_at(row))
        elif isinstance(widget, (Label, Static)):
            parts.append(str(widget.content))
        elif isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, TextArea):
            parts.append(widget.text)
        elif isinstance(widget, OptionList):
            parts.extend(str(widget.get_option_at_index(i).prompt)
                         for i in range(widget.option_count))
    parts.append(app.sub_title or "")
    parts.append(app.screen.sub_title or "")
    parts.extend(str(n.message) for n in app._notifications)
    return "\n".join(parts)


def secret_titles() -> list[str]:
    titles = [d.title for d in IncomingDocument.select().where(IncomingDocument.secrecy > 0)]
    titles += [d.title for d in OutgoingDocument.select().where(OutgoingDocument.secrecy > 0)]
    assert titles, "the demo database must hold secret documents for this test to mean anything"
    return titles


async def walk(login: str) -> str:
    """Home, every section (each of its tabs), every inbox item opened: all text seen."""
    from govdesk.services import org

    app = GovDesk(person=org.person_by_login(login), poll=False, now=NOW)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen.append(screen_text(app))
        home = app.screen
        items = list(getattr(home, "_items", {}).values())
        for item in items:
            registry.open_record(app, item.kind, item.record_id)
            await pilot.pause()
            seen.append(screen_text(app))
            if app.screen is not home:
                app.pop_screen()
                await pilot.pause()
        for number, _ in enumerate(SECTION_MODES, start=1):
            await pilot.press(str(number))
            await pilot.pause()
            seen.append(screen_text(app))
            for _ in range(4):  # section screens with tabs: ] shows the next one
                await pilot.press("]")
                await pilot.pause()
                seen.append(screen_text(app))
            await pilot.press("escape")
        # Opening every document by id, as a crafted inbox entry would, must not show it either.
        for doc in IncomingDocument.select().where(IncomingDocument.secrecy > 0):
            registry.open_record(app, "incoming", doc.id)
            await pilot.pause()
            seen.append(screen_text(app))
        for doc in OutgoingDocument.select().where(OutgoingDocument.secrecy > 0):
            registry.open_record(app, "outgoing", doc.id)
            await pilot.pause()
            seen.append(screen_text(app))
    return "\n".join(seen)


async def test_the_walk_sees_titles_for_a_cleared_user(demo_db):
    text = await walk("linzh")
    assert any(title in text for title in secret_titles())


@pytest.mark.parametrize("login", ["zhangyt", "xiaor"])  # 秘书科 and 信息科, clearance 无
async def test_no_secret_title_reaches_an_uncleared_user(demo_db, login):
    titles = secret_titles()
    text = await walk(login)
    leaked = [title for title in titles if title in text]
    assert not leaked, f"{login} saw: {leaked}"
