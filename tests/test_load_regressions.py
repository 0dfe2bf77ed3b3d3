"""Bugs the load test (python -m govdesk.tools.stress) found, pinned down one by one."""

from __future__ import annotations

import pytest
from helpers.outgoing_worker import holder_actor, new_draft, waiting
from helpers.write_queue import queue_free, writer_inside_transaction

from govdesk.models import database
from govdesk.models.writelock import QueuedSqliteDatabase
from govdesk.services import flow, incoming, org, outgoing
from govdesk.services.engine import core as engine
from govdesk.services.errors import ConflictError
from govdesk.services.incoming import Reader


def test_resubmitting_the_same_draft_twice_at_once_is_a_conflict(db, as_user, monkeypatch):
    """Two windows both hold the 修改 task and the draft (revision 1); both press 送审."""
    drafter = as_user("yej")
    doc = new_draft(drafter)
    outgoing.submit(drafter, waiting(doc).id)
    first = waiting(doc)
    outgoing.send_back(holder_actor(first, drafter.now), first.id, "请修改")
    task = waiting(doc)
    assert task.step == "修改"
    # The second window checked its turn (task, draft, permission) before the first one saved.
    stale_turn = engine.turn(drafter, outgoing.KIND, task.id, "submit")
    outgoing.submit(drafter, task.id)
    monkeypatch.setattr(engine, "turn", lambda *a, **k: stale_turn)
    with pytest.raises(ConflictError):  # was IntegrityError (draft_revision document, no)
        outgoing.submit(drafter, task.id)
    assert [r.no for r in outgoing.revisions(doc)] == [1, 2]


def test_sorting_waits_for_every_reading_round(db, as_user):
    """A 传阅 beside the leaders' 阅签: 秘书科 gets the file once both are back, and once."""
    clerk, director = as_user("lixm"), as_user("linzh")
    doc = incoming.register(clerk, {"from_unit": "cz", "title": "并行传阅", "doc_kind": "报告"})
    incoming.decide_intake(clerk, incoming.current_task_for(clerk, doc).id, "受理", "")
    incoming.sign(director, incoming.current_task_for(director, doc).id, "请阅",
                  [Reader("阅签", person=org.person_by_login("zhaogl"))])
    incoming.circulate(clerk, doc.id, [org.person_by_login("qianhy")], "请传阅")
    f = flow.flow_of(incoming.KIND, doc.id)

    def steps():
        return sorted(t.step for t in flow.waiting_tasks(f))

    incoming.reader_return(as_user("qianhy"), incoming.current_task_for(
        as_user("qianhy"), doc).id, "")
    assert steps() == ["阅签"]  # the leader still reads: not yet to 秘书科
    assert incoming.get(clerk, doc.id).state == "传阅中"
    incoming.reader_return(as_user("zhaogl"), incoming.current_task_for(
        as_user("zhaogl"), doc).id, "")
    assert steps() == ["分送"]
    assert incoming.get(clerk, doc.id).state == "待分送"

    # 传阅 started while it waits for 分送 does not hand out a second 分送 when it comes back.
    incoming.circulate(clerk, doc.id, [org.person_by_login("fengj")], "请传阅")
    incoming.reader_return(as_user("fengj"), incoming.current_task_for(
        as_user("fengj"), doc).id, "")
    assert steps() == ["分送"]


def test_write_queue_is_let_go_on_commit_rollback_and_death(db, as_user):
    """The fair write queue (models/writelock.py) never outlives its transaction or process."""
    assert isinstance(database.obj, QueuedSqliteDatabase)
    with database.atomic():
        assert not queue_free(db)  # held for the whole write transaction
        with database.atomic():  # a nested one joins it
            pass
        assert not queue_free(db)
    assert queue_free(db)
    with pytest.raises(RuntimeError), database.atomic():
        raise RuntimeError("rolled back")
    assert queue_free(db)
    with writer_inside_transaction(db):
        assert not queue_free(db)
    assert queue_free(db)
    with database.atomic():  # and the next writer goes straight in
        incoming.register(as_user("lixm"), {"from_unit": "cz", "title": "之后", "doc_kind": "报告"})
