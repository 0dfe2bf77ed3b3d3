"""The header's office clock is drawn again only when the minute it shows changes: an idle desk
writes nothing to its terminal between minutes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from govdesk.widgets.office_header import OfficeClock


def test_the_clock_redraws_once_a_minute_not_every_second(demo_db):
    from govdesk.app import GovDesk
    from govdesk.services import org

    moment = [datetime(2026, 11, 26, 9, 30, 58)]

    async def run() -> tuple[list[str], int, int]:
        app = GovDesk(person=org.person_by_login("lixm"), now=lambda: moment[0], poll=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            clock = app.screen.query_one(OfficeClock)
            redraws = []
            original = clock.refresh

            def counted(*args, **kwargs):
                redraws.append(clock._text())
                return original(*args, **kwargs)

            clock.refresh = counted
            seen = [str(clock.render())]
            for _ in range(3):  # 09:30:59, 09:31:00, 09:31:01
                moment[0] += timedelta(seconds=1)
                clock._tick()
                await pilot.pause()  # the redraw, if one was asked for
                seen.append(clock._shown)
            quiet = len(redraws)
            moment[0] += timedelta(seconds=30)
            clock._tick()
            await pilot.pause()
            return seen, quiet, len(redraws)

    seen, after_minute, after_half_minute_more = asyncio.run(run())
    assert seen == ["09:30", "09:30", "09:31", "09:31"]
    assert after_minute == 1  # asked only when 09:30 became 09:31
    assert after_half_minute_more == 1  # nothing more within the same minute
