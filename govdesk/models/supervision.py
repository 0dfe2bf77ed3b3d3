"""督查事项: the items 督查室 follows up (SPEC §10; Part 2 §4; Part 5 督查室)."""

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

# The kinds of item (SPEC §10; Part 2 §4(一)–(四); Part 5 督查室 1).
KEY_WORK = "重点工作"
BIG_PROJECT = "大项目"
MEETING = "会议安排事项"
INSTRUCTION = "领导批示件"
ASSIGNMENT = "特别交办事项"
HIGHER = "上级决策部署"
KINDS = (KEY_WORK, BIG_PROJECT, MEETING, INSTRUCTION, ASSIGNMENT, HIGHER)

# Status of an item (SPEC §10); 滞后 is also shown for any item whose report is overdue.
NOT_STARTED, UNDER_WAY, LAGGING, DONE = "未启动", "推进中", "滞后", "已完成"
STATUSES = (NOT_STARTED, UNDER_WAY, LAGGING, DONE)

LEAD, CO = "牵头", "协办"


class SupervisionItem(BaseModel):
    year = IntegerField(index=True)
    seq = IntegerField()  # gap-free per year: 督查〔2026〕N号
    kind = CharField(index=True)
    title = CharField()
    target = TextField(default="")  # 目标要求
    lead_unit = ForeignKeyField(Unit, backref="supervision_items", on_delete="RESTRICT")
    responsible = CharField(default="")  # 责任人 of the lead unit
    liaison = CharField(default="")  # 联络员 (Part 2 §4(一)2 确定一名工作人员)
    leader = ForeignKeyField(Person, null=True, on_delete="SET NULL")  # 分管领导 of the item
    meeting_on = DateField(null=True)  # the 常务会议 that approved it (重点工作)
    instructed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL",
                                    backref="instructions")  # 领导批示件: who instructed
    instruction = TextField(default="")  # the 批示 text
    instructed_on = DateField(null=True)
    urgency = CharField(default="普通")
    status = CharField(default=NOT_STARTED, index=True)
    progress = IntegerField(default=0)  # percent, from the latest report
    latest_report = TextField(default="")
    latest_report_on = DateField(null=True)  # the unit's date of its latest report
    next_due = DateField(null=True, index=True)  # the next report due
    extended = BooleanField(default=False)  # a report deadline was put back (延期)
    state = CharField(default="待签收", index=True)  # where its flow stands
    registered_by = ForeignKeyField(Person, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("year", "seq"), True),)


class SupervisionPart(BaseModel):
    """One unit's part in an item: the lead unit or a co-unit, its 签收 and latest 反馈."""

    item = ForeignKeyField(SupervisionItem, backref="parts", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    role = CharField()  # 牵头 / 协办
    signed_on = DateField(null=True)  # the unit's date of its 签收
    last_report_on = DateField(null=True)
    reports = IntegerField(default=0)

    class Meta:
        indexes = ((("item", "unit"), True),)


class SupervisionReport(BaseModel):
    """A unit's 反馈 (or final report), registered by 督查室 staff on its behalf."""

    item = ForeignKeyField(SupervisionItem, backref="reports", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    final = BooleanField(default=False)
    text = TextField()
    progress = IntegerField()
    status = CharField()
    unit_date = DateField()  # the date the unit gives its report
    recorded_by = ForeignKeyField(Person, on_delete="RESTRICT", backref="+")
    recorded_at = DateTimeField()


class SupervisionNotice(BaseModel):
    """催办单: numbered gap-free per year, each audited (Part 5 督查室 3–4)."""

    year = IntegerField()
    seq = IntegerField()
    item = ForeignKeyField(SupervisionItem, backref="notices", on_delete="CASCADE")
    units = CharField()  # the units urged, 、-joined short names
    note = TextField(default="")
    issued_by = ForeignKeyField(Person, on_delete="RESTRICT", backref="+")
    issued_at = DateTimeField()

    class Meta:
        indexes = ((("year", "seq"), True),)


# The 督查室's publications (SPEC §10; Part 2 §4(一)3, Part 5 督查室 2 and 6).
SPECIAL_REPORT = "督查专报"  # every 2 months, to the leaders and all units
BULLETIN = "督查通报"  # monthly
PUBLICATIONS = (SPECIAL_REPORT, BULLETIN)


class SupervisionBulletin(BaseModel):
    """One issue of 《督查专报》 or 《督查通报》: numbered gap-free per year and kind, its period,
    and the text compiled from the items as they stood (kept as it was published)."""

    kind = CharField()
    year = IntegerField()
    seq = IntegerField()
    starts_on = DateField()
    ends_on = DateField()
    text = TextField()
    compiled_by = ForeignKeyField(Person, on_delete="RESTRICT", backref="+")
    compiled_at = DateTimeField()

    class Meta:
        indexes = ((("kind", "year", "seq"), True),)
