"""代 ends with the absence (Part 1 §7: the acting head acts "during" the 区长's absence): a task
still held for him when he is back can be handed back — by the acting head or by 秘书科 —
to the 区长 himself, same step, round and deadline; the timeline keeps both hops."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from helpers.outgoing_worker import drive_to, new_draft
from helpers.outgoing_worker import waiting as waiting_draft
from textual.widgets import Label

from govdesk.app import GovDesk
from govdesk.models import AuditEntry, Task
from govdesk.models.flow import CANCELLED, WAITING
from govdesk.screens.fields_modal import FieldsModal
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.services import flow, inbox, incoming, org, outgoing, schedule
from govdesk.services.errors import PermissionDenied, ValidationError
from tests.conftest import NOW, actor

BACK = datetime(2026, 11, 30, 9)  # the 区长 is away 11-26 08:00 – 11-28 18:00


@pytest.fixture
def away(db, as_user):
    head = org.by_rank("区长")
    schedule.add_absence(as_user("lixm"), head, datetime(2026, 11, 26, 8),
                         datetime(2026, 11, 28, 18), destination="北京", reason="汇报")
    return head


def held_for_head(as_user) -> Task:
    """A major 收文 the 主任 sends to the 区长 while he is away: 阅签 held by 赵国梁, 代."""
    clerk = as_user("lixm")
    doc = incoming.register(clerk, {"from_unit": "jtj", "title": "关于干线公路改建的请示",
                                    "doc_kind": "请示", "is_request": True, "major": True})
    incoming.decide_intake(clerk, incoming.current_task_for(clerk, doc).id, "受理", "")
    director = as_user("linzh")
    incoming.sign(director, incoming.current_task_for(director, doc).id, "呈王区长阅示。",
                  [incoming.Reader("阅签", org.by_rank("区长"))])
    [task] = flow.holders_now(flow.flow_of(incoming.KIND, doc.id))
    assert (task.holder.login, task.acting_for.login) == ("zhaogl", "wangjm")
    return task


def test_not_while_the_head_is_still_away(away, as_user):
    task = held_for_head(as_user)
    assert not flow.can_hand_back(org.person_by_login("zhaogl"), task, NOW)
    with pytest.raises(ValidationError, match="王建明仍在外出"):
        flow.hand_back(as_user("zhaogl"), task.id)
    assert Task.get_by_id(task.id).state == WAITING


def test_the_acting_head_hands_it_back_once_the_head_is_back(away, as_user):
    task = held_for_head(as_user)
    zhaogl = actor("zhaogl", BACK)
    assert flow.can_hand_back(zhaogl.person, task, BACK)
    new = flow.hand_back(zhaogl, task.id)
    old = Task.get_by_id(task.id)
    assert old.state == CANCELLED and old.opinion == "王建明已返回，交还本人办理"
    assert (new.holder.login, new.acting_for, new.state) == ("wangjm", None, WAITING)
    assert (new.step, new.round, new.due, new.note) == (old.step, old.round, old.due, old.note)
    entry = AuditEntry.select().where(AuditEntry.action == "task.handed_back").get()
    assert entry.record_id == task.id
    # It moved from one inbox to the other.
    assert [i.task_id for i in inbox.inbox(actor("wangjm", BACK))] == [new.id]
    assert all(i.task_id != task.id for i in inbox.inbox(zhaogl))
    # The 区长 reads it like any 阅签, and it comes back to 秘书科 for 分送.
    incoming.reader_return(actor("wangjm", BACK), new.id, "同意")
    steps = [t.step for t in flow.holders_now(old.flow)]
    assert steps == ["分送"]


def test_secretariat_may_hand_it_back_others_may_not(away, as_user):
    task = held_for_head(as_user)
    with pytest.raises(PermissionDenied):
        flow.hand_back(actor("fengj", BACK), task.id)
    assert not flow.can_hand_back(org.person_by_login("fengj"), task, BACK)
    new = flow.hand_back(actor("lixm", BACK), task.id)
    assert new.holder.login == "wangjm"
    with pytest.raises(Exception, match="刚被他人办理"):  # a second press finds it gone
        flow.hand_back(actor("zhaogl", BACK), task.id)


def test_a_task_not_held_for_anyone_cannot_be_handed_back(db, as_user):
    clerk = as_user("lixm")
    doc = incoming.register(clerk, {"from_unit": "cz", "title": "关于预算执行的报告",
                                    "doc_kind": "报告"})
    task = incoming.current_task_for(clerk, doc)
    assert not flow.can_hand_back(clerk.person, task, NOW)
    with pytest.raises(ValidationError, match="不是代办"):
        flow.hand_back(clerk, task.id)


def test_signing_goes_back_to_the_head_who_then_signs_himself(away, as_user):
    drafter = as_user("qianhy")
    doc = new_draft(drafter, issuer="区政府", lead_leader="wuzq")
    doc = outgoing.submit(drafter, waiting_draft(doc).id)
    task = drive_to(doc, "区长签发", NOW)
    assert task.holder.login == "zhaogl"
    new = flow.hand_back(actor("zhaogl", BACK), task.id)
    assert waiting_draft(doc).id == new.id  # still one waiting step
    signed = outgoing.approve(actor("wangjm", BACK), new.id, "签发")
    assert signed.signer_name == "王建明" and signed.signed_by.login == "wangjm"


async def test_the_acting_head_hands_back_from_the_detail_screen(away, as_user):
    task = held_for_head(as_user)
    doc_id = task.flow.record_id
    app = GovDesk(person=org.person_by_login("zhaogl"), poll=False, now=BACK)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(IncomingDetailScreen(doc_id))
        await pilot.pause()
        assert app.screen.check_action("hand_back", ())
        await pilot.press("h")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, FieldsModal)
        assert "交还王建明" in str(modal.query_one(".panel-title", Label).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IncomingDetailScreen)
        assert not app.screen.check_action("hand_back", ())  # nothing left to hand back
    assert Task.get_by_id(task.id).state == CANCELLED
    [now_waiting] = flow.holders_now(task.flow)
    assert now_waiting.holder.login == "wangjm"


async def test_no_hand_back_key_while_the_head_is_away(away, as_user):
    task = held_for_head(as_user)
    app = GovDesk(person=org.person_by_login("zhaogl"), poll=False,
                  now=NOW + timedelta(hours=1))
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(IncomingDetailScreen(task.flow.record_id))
        await pilot.pause()
        assert not app.screen.check_action("hand_back", ())
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, IncomingDetailScreen)
    assert Task.get_by_id(task.id).state == WAITING


def test_the_inbox_says_the_leader_is_back(away, as_user):
    task = held_for_head(as_user)
    [while_away] = [i for i in inbox.inbox(actor("zhaogl", NOW)) if i.task_id == task.id]
    assert while_away.acting_for == "王建明" and not while_away.leader_back
    [after] = [i for i in inbox.inbox(actor("zhaogl", BACK)) if i.task_id == task.id]
    assert after.leader_back
