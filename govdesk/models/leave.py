"""请假: department heads' leave requests (SPEC §7; Part 3 §22)."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from govdesk.models.base import BaseModel
from govdesk.models.org import Person, Unit

# 正职/副职: the post of a unit's head (Person.post), which decides the path.
HEAD, DEPUTY = "正职", "副职"
GRADES = (HEAD, DEPUTY)

# States, in the order a request normally passes through them.
PORTFOLIO = "待分管审批"
HEAD_REVIEW = "待区长审批"
APPROVED = "已准假"
REFUSED = "不予准假"
RESUMED = "已销假"
RESUMED_LATE = "逾期销假"
STATES = (PORTFOLIO, HEAD_REVIEW, APPROVED, REFUSED, RESUMED, RESUMED_LATE)


class LeaveRequest(BaseModel):
    person = ForeignKeyField(Person, backref="leave_requests", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="leave_requests", on_delete="RESTRICT")
    grade = CharField()  # 正职 / 副职 when it was asked
    title = CharField()  # "发改局 张三 请假" (what Home and the register show)
    starts_on = DateField()
    ends_on = DateField()
    destination = CharField()
    reason = TextField()
    contact = CharField(default="")
    state = CharField(default=PORTFOLIO, index=True)
    returned_on = DateField(null=True)  # the actual return (销假)
    registered_by = ForeignKeyField(Person, on_delete="RESTRICT")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)
