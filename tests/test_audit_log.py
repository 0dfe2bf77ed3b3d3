"""The admin's audit browser: who may open it, filters, and redaction of secret words."""

from __future__ import annotations

from datetime import datetime

import pytest

from govdesk.app import GovDesk
from govdesk.models import AuditEntry
from govdesk.screens.audit_log import AuditLogScreen
from govdesk.services import audit, incoming
from govdesk.services.errors import PermissionDenied

SECRET_TITLE = "关于某绝密事项的请示"


def _secret_doc(as_user):
    return incoming.register(as_user("lixm"), {
        "from_unit": "fgj", "title": SECRET_TITLE, "secrecy": "机密", "doc_kind": "请示",
    })


def test_only_admins_and_the_director_browse(db, as_user):
    _secret_doc(as_user)
    assert audit.browse(as_user("lixm"))  # admin
    assert audit.browse(as_user("linzh"))  # 主任
    with pytest.raises(PermissionDenied):
        audit.browse(as_user("zhangyt"))


def test_filters_narrow_the_page(db, as_user):
    _secret_doc(as_user)
    rows = audit.browse(as_user("lixm"), action="incoming.")
    assert rows and all(r["action"].startswith("incoming.") for r in rows)
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    assert audit.browse(as_user("lixm"), who="nobody") == []
    later = audit.browse(as_user("lixm"), since=datetime(2030, 1, 1))
    assert later == []
    first = audit.browse(as_user("lixm"), limit=2)
    rest = audit.browse(as_user("lixm"), before_id=first[-1]["id"], limit=500)
    assert len(first) == 2 and all(r["id"] < first[-1]["id"] for r in rest)
    assert len(first) + len(rest) == AuditEntry.select().count()


def test_secret_words_hidden_from_a_viewer_without_clearance(db, as_user, monkeypatch):
    _secret_doc(as_user)
    director = as_user("linzh")
    seen = " ".join(r["after"] for r in audit.browse(director))
    assert SECRET_TITLE in seen  # 主任 holds 绝密
    lowered = as_user("linzh")
    monkeypatch.setattr(lowered.person, "clearance", 0)
    hidden = " ".join(r["after"] for r in audit.browse(lowered))
    assert SECRET_TITLE not in hidden
    assert "不予显示" in hidden


async def test_screen_lists_entries_and_refuses_others(db, as_user):
    _secret_doc(as_user)
    app = GovDesk(person=as_user("lixm").person, poll=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_audit_log()
        await pilot.pause()
        assert isinstance(app.screen, AuditLogScreen)
        table = app.screen.query_one("#audit-table")
        assert table.row_count == AuditEntry.select().count()
        app.screen.query_one("#f-action").value = "incoming.register"
        await pilot.press("ctrl+f")
        await pilot.press("enter")
        await pilot.pause()
        assert table.row_count == 1
    other = GovDesk(person=as_user("zhangyt").person, poll=False)
    async with other.run_test(size=(100, 30)) as pilot:
        other.action_audit_log()
        await pilot.pause()
        assert not isinstance(other.screen, AuditLogScreen)
