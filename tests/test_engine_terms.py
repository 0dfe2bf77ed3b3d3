"""Deadlines a record sets rather than a step's rule (engine.set_task_dues, engine.add_months),
on the 建议提案 spec: each group of steps gets its date on the waiting tasks only, a group
without a date is left as it was, and the flow's deadline follows the record's."""

from __future__ import annotations

from datetime import date

import pytest
from test_suggestion import actor, assigned, only, waiting

from govdesk.models import Flow, Task
from govdesk.models.flow import DONE
from govdesk.services import suggestion
from govdesk.services.engine import core as engine


@pytest.mark.parametrize("day, months, later", [
    (date(2026, 11, 26), 3, date(2027, 2, 26)),
    (date(2026, 8, 31), 1, date(2026, 9, 30)),  # September has no 31st
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
    (date(2026, 11, 26), -2, date(2026, 9, 26)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),  # back across a year
])
def test_add_months(day, months, later):
    assert engine.add_months(day, months) == later


def test_each_group_of_steps_gets_its_date_on_the_waiting_tasks_and_the_flow_follows(db):
    row = assigned()  # 拟复 and each co-unit's 协办意见 wait
    co = waiting(row, "协办意见")
    suggestion.co_opinion(actor(), co[0].id, "同意")
    reply = only(row, "拟复")
    engine.set_task_dues(suggestion.KIND, row, ((("协办意见",), date(2027, 1, 5)),
                                                (("拟复",), None)))
    assert [t.due for t in waiting(row, "协办意见")] == [date(2027, 1, 5)]
    done = Task.get_by_id(co[0].id)
    assert done.state == DONE and done.due == co[0].due != date(2027, 1, 5)  # done: its own
    assert Task.get_by_id(reply.id).due == reply.due == row.reply_due  # no date: as it was
    f = engine.flow_of(suggestion.KIND, row.id)
    Flow.update(due=None).where(Flow.id == f.id).execute()
    engine.set_task_dues(suggestion.KIND, row, ())
    assert Flow.get_by_id(f.id).due == row.reply_due  # the record's deadline (record_due)
