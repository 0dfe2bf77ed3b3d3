"""建议提案: NPC deputies' suggestions (建议) and CPPCC members' proposals (提案) handed to the
government after the 两会 (SPEC §11; Part 2 §5(一))."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from govdesk.models.base import BaseModel
from govdesk.models.org import Person, Unit

# Which body handed it over: an NPC deputy's 建议 or a CPPCC member's 提案.
NPC, CPPCC = "建议", "提案"
SOURCES = (NPC, CPPCC)

# The deputy's or member's word on the reply (Part 2 §5(一)4).
SATISFIED, FAIRLY, DISSATISFIED = "满意", "基本满意", "不满意"
FEEDBACKS = (SATISFIED, FAIRLY, DISSATISFIED)

# States, in the order a suggestion normally passes through them.
REGISTERED = "待交办"
HANDLING = "办理中"  # with the lead unit (and its co-units): opinions, the draft reply
REVIEW = "待审核"  # 督查室 reviews the draft
APPROVAL = "待阅批"  # the lead unit's 主管领导
SENDING = "待寄送"  # approved: 督查室 sends it to the deputy
REPLIED = "已答复"  # sent; the deputy's feedback awaited
REDO = "重新办理"  # 不满意: the unit talks with the deputy and replies again
IMPLEMENTING = "落实中"  # adopted: tracked until it is done
CLOSED = "已办结"
IMPLEMENTED = "已落实"
STATES = (REGISTERED, HANDLING, REVIEW, APPROVAL, SENDING, REPLIED, REDO, IMPLEMENTING,
          CLOSED, IMPLEMENTED)


class Suggestion(BaseModel):
    source = CharField(index=True)  # 建议 / 提案
    year = IntegerField(index=True)  # the 两会's year
    session = CharField(default="")  # 区十七届人大五次会议 …
    number = CharField()  # the 人大's or 政协's own number: 第12号
    proposer = CharField()  # the deputy or member (several: 领衔 first)
    group = CharField(default="")  # the delegation (代表团) or sector (界别)
    title = CharField()
    category = CharField(default="")  # 城建/教育/… as 督查室 classifies it
    body = TextField()
    lead_unit = ForeignKeyField(Unit, null=True, backref="suggestions", on_delete="RESTRICT")
    co_units = TextField(default="")  # the co-units' ids, comma-separated, in the order named
    assigned_on = DateField(null=True)  # 交办: the reply deadline counts from it
    complex = BooleanField(default=False)  # 复杂: 6 months instead of 3, with approval
    extension = TextField(default="")  # who approved the longer term, and why
    reply_due = DateField(null=True)
    reply = TextField(default="")  # the lead unit's reply as drafted (and approved)
    replied_on = DateField(null=True)  # sent to the deputy
    feedback = CharField(default="")  # 满意 / 基本满意 / 不满意 (the latest)
    feedback_on = DateField(null=True)
    second_due = DateField(null=True)  # 不满意: the second reply's deadline
    second_replied_on = DateField(null=True)
    adopted = BooleanField(default=False)  # 予以采纳: tracked to implementation
    implemented_on = DateField(null=True)
    state = CharField(default=REGISTERED, index=True)
    registered_by = ForeignKeyField(Person, on_delete="RESTRICT")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)


# 人大常委会 special work reports (专项工作报告, SPEC §11; Part 2 §5(二)): from the 人大's letter
# to the report sent, and the committee's opinions followed up by their deadline.
R_NOTIFY = "待通知"
R_WRITING = "报告中"  # the reporting department writes it
R_REVIEW = "待初审"
R_APPROVAL = "待阅批"
R_SENDING = "待印送"
R_SENT = "已印送"  # the committee's opinions awaited
R_FOLLOWING = "意见办理中"
R_CHECK = "待把关"
R_CLOSED = "已办结"
REPORT_STATES = (R_NOTIFY, R_WRITING, R_REVIEW, R_APPROVAL, R_SENDING, R_SENT, R_FOLLOWING,
                 R_CHECK, R_CLOSED)


class SpecialReport(BaseModel):
    year = IntegerField(index=True)
    letter_number = CharField()  # the 人大's 《关于拟听取和审议区政府专项工作报告有关事项的函》
    title = CharField()  # the subject of the report
    letter = TextField(default="")  # what the letter asks
    department = ForeignKeyField(Unit, null=True, backref="special_reports",
                                 on_delete="RESTRICT")
    report_due = DateField(null=True)  # 在規定時間內報送工作報告
    meeting_on = DateField(null=True)  # the 常委会 meeting that hears it
    report = TextField(default="")
    sent_on = DateField(null=True)  # 印送區人大
    opinions = TextField(default="")  # the committee's opinions and suggestions
    opinions_due = DateField(null=True)  # 按規定期限將研究處理情況報督查室
    handling = TextField(default="")  # the department's 研究处理情况
    closed_on = DateField(null=True)  # 督查室把關后報區人大常委會
    state = CharField(default=R_NOTIFY, index=True)
    registered_by = ForeignKeyField(Person, on_delete="RESTRICT")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)
