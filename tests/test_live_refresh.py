"""What another user commits shows up without a restart (SPEC §2).

The desk runs with its real poll timer on a database file while a separate process — another
clerk's session — registers a document; lixm's (秘书科) Home must show it within 2 seconds.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time

from textual.widgets import DataTable

from govdesk.app import POLL_SECONDS, GovDesk
from govdesk.services import org
from tests.conftest import NOW

TITLE = "关于另一进程登记的测试来文的通知"

REGISTER = """
import sys
from datetime import datetime
from govdesk.models import close_database, open_database
from govdesk.services import incoming, org
from govdesk.services.context import Actor

open_database(sys.argv[1])
actor = Actor(org.person_by_login("lixm"), datetime(2026, 11, 26, 9, 45))
doc = incoming.register(actor, {"from_name": "区发改局", "title": sys.argv[2],
                                "doc_kind": "通知", "received_on": "2026-11-26"})
print(doc.number)
close_database()
"""


def inbox_count(sub_title: str) -> int:
    return int(re.findall(r"\d+", sub_title)[-1])


def titles(app: GovDesk) -> list[str]:
    table = app.screen.query_one("#inbox", DataTable)
    return [str(table.get_row_at(i)[3]) for i in range(table.row_count)]


async def test_other_process_commit_reaches_home_within_two_seconds(demo_db):
    assert POLL_SECONDS <= 1
    app = GovDesk(person=org.person_by_login("lixm"), poll=True, now=NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        before = inbox_count(app.sub_title)
        assert TITLE not in titles(app)

        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", REGISTER, str(demo_db), TITLE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        committed = time.monotonic()
        assert out.decode().strip().startswith("收")

        seen = None
        while time.monotonic() - committed < 3:
            await pilot.pause(0.05)
            if TITLE in titles(app):
                seen = time.monotonic() - committed
                break
        assert seen is not None, "the new document never reached the inbox"
        assert seen < 2, f"took {seen:.2f}s"
        assert inbox_count(app.sub_title) == before + 1
        assert str(before + 1) in str(app.screen.query_one("#inbox-title").render())
