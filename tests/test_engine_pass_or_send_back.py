"""The engine's review/阅批 turn (engine.pass_or_send_back), on the 建议提案 spec's 审核 and 阅批:
passed on with the opinion written or the module's default, the record's values and the next
step's follow-up written with it; sent back with the reason, the values not written; a missing
reason refused naming the field; a refused actor, a step that does not allow the action and a
failing follow-up leave everything as it was."""

from __future__ import annotations

import pytest
from test_suggestion import LEADER, actor, assigned, only, waiting

from govdesk.models import Suggestion, Task
from govdesk.models import suggestion as states
from govdesk.models.flow import DONE, RETURNED, WAITING
from govdesk.services import suggestion
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError


def at_review() -> Suggestion:
    row = assigned(co=())
    return suggestion.submit(actor(), only(row, "拟复").id, "初稿")


def turn_of(row: Suggestion, step: str, login: str = "guojw", **kw) -> Suggestion:
    kw = {"label": "审核意见", "forward": "review_pass", "passed_opinion": "审核通过", **kw}
    return engine.pass_or_send_back(actor(login), suggestion.KIND, only(row, step).id, **kw)


def test_passed_on_with_the_opinion_its_values_and_the_follow_up_in_one_go(db):
    row = at_review()
    task = only(row, "审核")
    seen: list[tuple[str, int]] = []

    def then(moved: Suggestion) -> None:  # the record has moved when the follow-up runs
        seen.append((moved.state, len(waiting(moved, "阅批"))))

    row = turn_of(row, "审核", passed=True, opinion="答复具体", then=then,
                  passed_values={"category": "城建"})
    assert (row.state, row.category) == (states.APPROVAL, "城建")
    assert seen == [(states.APPROVAL, 1)]
    task = Task.get_by_id(task.id)
    assert (task.state, task.opinion) == (DONE, "答复具体")
    assert only(row, "阅批").holder.login == LEADER


def test_passed_on_without_an_opinion_takes_the_default(db):
    row = at_review()
    task = only(row, "审核")
    row = turn_of(row, "审核", passed=True, opinion="  ")
    assert Task.get_by_id(task.id).opinion == "审核通过" and row.state == states.APPROVAL


def test_sent_back_with_the_reason_and_without_the_passed_values(db):
    row = at_review()
    row = turn_of(row, "审核", passed=True)
    task = only(row, "阅批")
    row = turn_of(row, "阅批", LEADER, passed=False, opinion="请补充经费安排",
                  forward="approve", passed_values={"category": "城建"})
    assert (row.state, row.category) == (states.HANDLING, "教育")
    task = Task.get_by_id(task.id)
    assert (task.state, task.opinion) == (RETURNED, "请补充经费安排")
    assert only(row, "拟复").state == WAITING


def test_a_missing_reason_is_refused_naming_the_field_and_nothing_moves(db):
    row = at_review()
    called: list[Suggestion] = []
    with pytest.raises(ValidationError) as exc:
        turn_of(row, "审核", passed=False, opinion=" ", then=called.append)
    assert (exc.value.field, exc.value.name) == ("审核意见", "opinion")
    assert called == [] and Suggestion.get_by_id(row.id).state == states.REVIEW
    assert only(row, "审核").state == WAITING


def test_a_refused_actor_a_wrong_step_and_a_failing_follow_up_change_nothing(db):
    row = at_review()
    with pytest.raises(PermissionDenied):  # not 督查室: the 审核 task is not theirs
        turn_of(row, "审核", "zhangyt", passed=True)
    with pytest.raises(ValidationError):  # 审核 does not 阅批
        turn_of(row, "审核", passed=True, forward="approve")

    def fails(moved: Suggestion) -> None:
        raise ValidationError("期限", "无法设置")

    with pytest.raises(ValidationError):
        turn_of(row, "审核", passed=True, opinion="可以", then=fails,
                passed_values={"category": "城建"})
    row = Suggestion.get_by_id(row.id)
    assert (row.state, row.category) == (states.REVIEW, "教育")
    assert only(row, "审核").state == WAITING and waiting(row, "阅批") == []


def test_forward_takes_the_first_action_the_step_allows(db):
    row = at_review()
    row = turn_of(row, "审核", passed=True, forward=("approve", "review_pass"))
    assert row.state == states.APPROVAL
