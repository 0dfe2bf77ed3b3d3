"""收文: incoming documents, their archive files and lending (SPEC §3)."""

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

# 收文 states, in the order a document normally passes through them.
REGISTERED = "已登记"
SIGNING = "待签批"
READING = "传阅中"
SORTING = "待分送"
CLOSED = "已办结"
ARCHIVED = "已归档"
RETURNED = "已退文"
TRANSFERRED = "已转办"


class IncomingDocument(BaseModel):
    year = IntegerField()
    seq = IntegerField()
    number = CharField(unique=True)  # 收文编号
    from_unit = ForeignKeyField(Unit, null=True, backref="incoming", on_delete="SET NULL")
    from_name = CharField()  # 来文单位 as written, also when not a known unit
    doc_number = CharField(default="")  # 来文字号
    title = CharField()
    doc_kind = CharField()  # 文种
    secrecy = IntegerField(default=0)
    secrecy_years = IntegerField(null=True)
    urgency = CharField(default="普通")  # 特急/加急/普通
    copy_no = CharField(default="")  # 份数序号
    received_on = DateField()
    pages = IntegerField(default=1)
    attachments = TextField(default="")
    addressed_to = CharField(default="区政府")  # 区政府 / 区政府办公室 / 领导个人
    addressed_leader = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    is_request = BooleanField(default=False)  # 请示件
    summary = TextField(default="")
    files = TextField(default="")
    # Facts the intake checks (Supp. §1) read; the clerk ticks them when registering.
    involves_units = BooleanField(default=False)
    consulted = BooleanField(default=False)
    states_differing_views = BooleanField(default=False)
    special_reason = TextField(default="")
    party_matter = BooleanField(default=False)
    touches_party_dept = BooleanField(default=False)
    party_dept_reviewed = BooleanField(default=False)
    remit_unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    major = BooleanField(default=False)  # 重大事项 → also to the 区长 (Part 3 §15)
    exception = CharField(default="")  # Supp. §1(三) grounds for accepting anyway
    # Intake and progress.
    intake = CharField(null=True)  # 受理/转办/退文
    intake_reason = TextField(default="")
    intake_warnings = TextField(default="")
    transfer_unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    state = CharField(default=REGISTERED, index=True)
    due = DateField(null=True)
    urging_person = ForeignKeyField(Person, null=True, on_delete="SET NULL")  # 催办人
    retention = CharField(null=True)  # 永久/30年/10年
    archive_no = CharField(null=True)
    version = IntegerField(default=1)
    created_by = ForeignKeyField(Person, on_delete="RESTRICT")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("year", "seq"), True),)


class Loan(BaseModel):
    """借阅登记 of an archived document."""

    document = ForeignKeyField(IncomingDocument, backref="loans", on_delete="CASCADE")
    borrower = ForeignKeyField(Person, on_delete="RESTRICT")
    lent_at = DateTimeField()
    due_back = DateField()
    returned_at = DateTimeField(null=True)
    note = TextField(default="")
