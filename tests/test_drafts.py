"""Unsaved typing kept as the user's own draft (issue 11; services/drafts.py)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from govdesk.models import AuditEntry, FormDraft
from govdesk.services import drafts
from govdesk.services.errors import PermissionDenied, ValidationError

FIELDS = {"title": "关于秋季防火的通知", "from_name": "区应急管理局", "major": "1"}


def test_a_draft_is_kept_and_read_back_by_its_writer(db, as_user):
    kept = drafts.save(as_user("zhangyt"), "incoming", None, FIELDS)
    got = drafts.get(as_user("zhangyt"), "incoming", None)
    assert got is not None and got.fields == FIELDS == kept.fields
    assert got.saved_at == as_user("zhangyt").now
    # One per person, form and record: a later save replaces it.
    later = as_user("zhangyt", datetime(2026, 11, 26, 10, 0))
    drafts.save(later, "incoming", None, {**FIELDS, "title": "改过的标题"})
    assert FormDraft.select().count() == 1
    got = drafts.get(as_user("zhangyt"), "incoming", None)
    assert got.fields["title"] == "改过的标题" and got.saved_at == later.now
    # Another form, another record: drafts of their own.
    drafts.save(as_user("zhangyt"), "incoming", 7, {"title": "修改第7件"})
    drafts.save(as_user("zhangyt"), "outgoing", None, {"title": "拟稿"})
    assert drafts.get(as_user("zhangyt"), "incoming", 7).fields == {"title": "修改第7件"}
    assert drafts.get(as_user("zhangyt"), "outgoing", None).fields == {"title": "拟稿"}
    assert drafts.get(as_user("zhangyt"), "outgoing", 7) is None
    assert FormDraft.select().count() == 3


def test_nobody_else_reads_or_drops_a_draft_not_even_an_admin(db, as_user):
    drafts.save(as_user("zhangyt"), "incoming", None, FIELDS)
    admin = as_user("lixm")
    assert admin.person.admin
    assert drafts.get(admin, "incoming", None) is None
    assert drafts.discard(admin, "incoming", None) is False
    drafts.save(admin, "incoming", None, {"title": "李的"})
    assert drafts.get(as_user("zhangyt"), "incoming", None).fields == FIELDS
    assert drafts.get(admin, "incoming", None).fields == {"title": "李的"}


def test_an_inactive_person_keeps_no_drafts(db, as_user):
    gone = as_user("zhangyt")
    gone.person.active = False
    with pytest.raises(PermissionDenied):
        drafts.save(gone, "incoming", None, FIELDS)
    with pytest.raises(PermissionDenied):
        drafts.get(gone, "incoming", None)


def test_the_audit_trail_holds_nothing_of_a_draft(db, as_user):
    before = AuditEntry.select().count()
    drafts.save(as_user("zhangyt"), "incoming", None, FIELDS)
    drafts.get(as_user("zhangyt"), "incoming", None)
    drafts.discard(as_user("zhangyt"), "incoming", None)
    assert AuditEntry.select().count() == before


def test_discard_and_forget_drop_it(db, as_user):
    user = as_user("zhangyt")
    drafts.save(user, "outgoing", None, FIELDS)
    assert drafts.discard(user, "outgoing", None) is True
    assert drafts.get(user, "outgoing", None) is None
    assert drafts.discard(user, "outgoing", None) is False
    drafts.save(user, "outgoing", 3, FIELDS)
    assert drafts.forget(user, "outgoing", 3) is True
    assert FormDraft.select().count() == 0


def test_bad_drafts_are_refused_naming_the_field(db, as_user):
    user = as_user("zhangyt")
    with pytest.raises(ValidationError) as exc:
        drafts.save(user, "incoming", None, {"title": "x", "body": "甲" * (drafts.MAX_BYTES // 3)})
    assert exc.value.name == "body" and "200 KB" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        drafts.save(user, "incoming", None, {"pages": 3})
    assert exc.value.name == "pages"
    for bad in (None, ["title"], {1: "x"}, {"": "x"}, {f"k{i}": "" for i in range(201)}):
        with pytest.raises(ValidationError):
            drafts.save(user, "incoming", None, bad)
    with pytest.raises(ValidationError):
        drafts.save(user, "petition", None, FIELDS)  # a form that keeps no drafts
    for record in (0, -1, "3", True, 2.5):
        with pytest.raises(ValidationError):
            drafts.save(user, "incoming", record, FIELDS)
    assert FormDraft.select().count() == 0
    # Just under the bound is kept.
    drafts.save(user, "incoming", None, {"body": "a" * (drafts.MAX_BYTES - 20)})


def test_a_draft_that_no_longer_fits_is_read_tolerantly(db, as_user):
    user = as_user("zhangyt")
    drafts.save(user, "incoming", None, FIELDS)
    row = FormDraft.get()
    row.fields = json.dumps({"title": "留下", "old": 3, "gone": None, "n": ["x"]},
                            ensure_ascii=False)
    row.save()
    assert drafts.get(user, "incoming", None).fields == {"title": "留下"}
    for text in ("not json", "[1, 2]", "{}", '"x"'):
        row.fields = text
        row.save()
        assert drafts.get(user, "incoming", None) is None
