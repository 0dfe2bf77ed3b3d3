"""Home tells an admin that next year's holiday schedule is missing (SPEC §16; from November),
and says nothing of it to anyone else."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Label

from govdesk.app import GovDesk
from govdesk.i18n import set_language
from govdesk.services import calendar as calendar_service
from govdesk.services import org, rules
from tests.conftest import NOW

SIZE = (160, 50)


@pytest.fixture(autouse=True)
def config_file(tmp_path, monkeypatch):
    """Never read or write the real user's settings; a calendar read afresh from data/."""
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))
    rules.reload()
    calendar_service.office_calendar.cache_clear()
    yield
    set_language("zh-Hans")
    calendar_service.office_calendar.cache_clear()


async def notice(login: str) -> tuple[bool, str]:
    app = GovDesk(person=org.person_by_login(login), poll=False, now=NOW)  # 26 Nov 2026
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        label = app.screen.query_one("#schedule-notice", Label)
        return label.display, str(label.render())


async def test_an_admin_is_told_on_home(demo_db):
    shown, text = await notice("lixm")  # 李晓梅, the system administrator
    assert shown
    assert "尚未录入 2027 年" in text and "节假日文件" in text
    assert not re.search(r"[A-Za-z]{2,}", text)  # a screen speaks the office's language only


async def test_others_are_not_told(demo_db):
    shown, _text = await notice("zhangyt")
    assert not shown
