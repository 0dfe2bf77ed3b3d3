"""发文: drafts, their kept revisions, dispatch register and the error register (SPEC §4, §5)."""

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
from govdesk.models.org import Person, Section, Unit

DRAFTING = "起草中"
REVIEWING = "审核中"
RETURNED = "退改中"
SIGNED = "已签发"
NUMBERED = "已编号"
PRINTED = "已印制"
PROOFREAD = "已校读"
DISPATCHED = "已分发"


class OutgoingDocument(BaseModel):
    issuer = CharField()  # 区政府 / 区政府办公室 / 区委区政府联合 / 两办联合
    doc_kind = CharField()
    title = CharField()
    main_to = TextField(default="")  # 主送
    cc = TextField(default="")  # 抄送, 、-separated standard short names
    secrecy = IntegerField(default=0)
    secrecy_years = IntegerField(null=True)
    urgency = CharField(default="普通")
    normative = BooleanField(default=False)  # 规范性文件
    upward = BooleanField(default=False)  # to 市/省
    appointment = BooleanField(default=False)  # 任免
    attachments = TextField(default="")  # one per line: "1. 名称"
    origin = CharField(default="office")  # office / department
    drafting_section = ForeignKeyField(Section, null=True, on_delete="SET NULL")
    drafting_unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    review_section = ForeignKeyField(Section, null=True, on_delete="SET NULL",
                                     backref="reviewed_drafts")
    lead_leader = ForeignKeyField(Person, null=True, on_delete="SET NULL",
                                  backref="led_drafts")  # 分管领导
    drafter = ForeignKeyField(Person, on_delete="RESTRICT", backref="drafts")
    body = TextField(default="")
    restricted = BooleanField(default=False)  # 不普发
    recipients = TextField(default="")  # its list, required when restricted
    signature = CharField(default="")  # 落款 (发文机关署名)
    sealed = BooleanField(default=True)  # 印章
    print_org = CharField(default="")  # 印发机关
    print_date = DateField(null=True)  # 印发日期
    copies = IntegerField(default=0)  # 印发份数
    state = CharField(default="起草中", index=True)
    revision = IntegerField(default=1)
    chain = TextField(default="")  # JSON list of the steps chosen at submission
    resume_step = IntegerField(default=0)  # where a 退改 draft re-enters the chain
    signer = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="to_sign")
    signer_name = CharField(default="")  # as written on the document, also external signers
    signed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="signed")
    signed_at = DateTimeField(null=True)
    signed_revision = IntegerField(null=True)
    written_date = DateField(null=True)  # 成文日期
    prefix = CharField(null=True)
    year = IntegerField(null=True)
    seq = IntegerField(null=True)
    number = CharField(null=True, unique=True)  # 发文字号
    first_reader = ForeignKeyField(Person, null=True, on_delete="SET NULL",
                                   backref="first_read")
    first_read_at = DateTimeField(null=True)
    dispatched_at = DateTimeField(null=True)
    backflow = BooleanField(default=False)  # 文件倒流 recorded
    version = IntegerField(default=1)
    created_at = DateTimeField()
    updated_at = DateTimeField()


class DraftRevision(BaseModel):
    """Every version of a draft is kept, so any two can be compared (Supp. §4)."""

    document = ForeignKeyField(OutgoingDocument, backref="revisions", on_delete="CASCADE")
    no = IntegerField()
    title = CharField()
    body = TextField()
    fields = TextField()  # JSON of the other fields at that revision
    by = ForeignKeyField(Person, on_delete="RESTRICT")
    at = DateTimeField()
    note = TextField(default="")

    class Meta:
        indexes = ((("document", "no"), True),)


class DispatchRecord(BaseModel):
    document = ForeignKeyField(OutgoingDocument, backref="dispatches", on_delete="CASCADE")
    recipient = CharField()
    copies = IntegerField(default=1)
    electronic = BooleanField(default=True)
    paper = BooleanField(default=False)
    copy_numbers = CharField(default="")  # 份号 of secret copies
    at = DateTimeField()
    by = ForeignKeyField(Person, on_delete="RESTRICT")


class ErrorRecord(BaseModel):
    """差错 found at review (Supp. §5(四)): 政策差错 / 文种格式差错 / 文字差错 / 文件倒流."""

    document = ForeignKeyField(OutgoingDocument, null=True, backref="errors", on_delete="CASCADE")
    step = CharField(default="")
    category = CharField(index=True)
    section = ForeignKeyField(Section, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="errors_made")
    note = TextField(default="")
    by = ForeignKeyField(Person, on_delete="RESTRICT", backref="errors_recorded")
    at = DateTimeField(index=True)
