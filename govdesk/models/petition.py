"""信访 (petitions) and the 直线电话受理中心's calls (SPEC §9, §16; Part 2 §3; Part 5 直线电话受理中心).

A petitioner's name, phone, address and ID number are personal data: they are kept only in
``PetitionPerson`` (and a call's caller), never copied into a title, a task note, the search
index or an audit entry unmasked (services.petition.masking owns the rule)."""

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

# The five channels (Part 2 §3; SPEC §9).
MAILBOX, HEAD_LINE, HOTLINE, LETTER, VISIT = "区长信箱", "区长热线", "专线电话", "人民来信", "群众来访"
CHANNELS = (MAILBOX, HEAD_LINE, HOTLINE, LETTER, VISIT)

# Part 2 §3(三): 一般性问题5天内反馈, 比较重要或涉及多个部门办理的问题10天内反馈.
ORDINARY, IMPORTANT = "一般", "重要"
IMPORTANCE = (ORDINARY, IMPORTANT)

# 复查 / 复核 (《信访工作条例》(2022) 第三十五、三十六条).
RECHECK, REEXAMINE = "复查", "复核"

SATISFACTION = ("满意", "基本满意", "不满意")


class Petition(BaseModel):
    year = IntegerField(index=True)
    seq = IntegerField()  # gap-free per year: 信访〔2026〕N号
    channel = CharField(index=True)
    summary = CharField()  # 事项摘要 (petitioners' values kept as tokens, masking.tokenise)
    matter = TextField(default="")  # 反映内容 (tokens likewise)
    category = CharField(default="")
    place = CharField(default="")  # 事发地点
    attachments = TextField(default="")  # 附件: what came with it (letters, photos, materials)
    received_on = DateField(index=True)
    importance = CharField(default=ORDINARY)
    anonymous = BooleanField(default=False)
    group_visit = BooleanField(default=False)  # 集体访: several petitioners
    repeat_of = ForeignKeyField("self", null=True, on_delete="SET NULL", backref="repeats")
    repeat_reason = CharField(default="")  # 同一电话 / 同一身份证号 / 同一事项
    proposal = TextField(default="")  # 拟办意见
    leader = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")  # who 阅批
    instruction = TextField(default="")  # 批示
    instructed_on = DateField(null=True)
    card_year = IntegerField(null=True)  # 《信访事项办理结果反馈卡》 number, gap-free per year
    card_seq = IntegerField(null=True)
    accepted_on = DateField(null=True)  # 受理/转办 (the 15-day clock stops, the 60-day starts)
    told_on = DateField(null=True)  # told it is not accepted (the 15-day clock stops)
    answer_due = DateField(null=True, index=True)  # the unit's answer (5/10 working days)
    answer = TextField(default="")
    answered_on = DateField(null=True)  # the unit's own date of its answer
    extension_days = IntegerField(default=0)  # at most 30, once (条例 第三十二条)
    extension_reason = TextField(default="")
    extension_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    result = TextField(default="")  # 办理结果
    closed_on = DateField(null=True)
    visited_on = DateField(null=True)  # 回访
    satisfaction = CharField(default="")
    visit_note = TextField(default="")
    state = CharField(default="待拟办", index=True)
    registered_by = ForeignKeyField(Person, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("year", "seq"), True),)


class PetitionPerson(BaseModel):
    """One petitioner (several for a group visit); every field may be empty (anonymous)."""

    petition = ForeignKeyField(Petition, backref="people", on_delete="CASCADE")
    position = IntegerField(default=0)
    name = CharField(default="", index=True)
    phone = CharField(default="", index=True)  # digits only
    address = CharField(default="")
    id_number = CharField(default="", index=True)  # 18 characters, X upper case


class PetitionUnit(BaseModel):
    """A unit the case is transferred to (the first is the lead unit)."""

    petition = ForeignKeyField(Petition, backref="units", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    lead = BooleanField(default=False)

    class Meta:
        indexes = ((("petition", "unit"), True),)


class PetitionReview(BaseModel):
    """A 复查 or 复核 request and its decision (条例 第三十五、三十六条: request within 30 days of
    the decision it asks about, decided within 30 days)."""

    petition = ForeignKeyField(Petition, backref="reviews", on_delete="CASCADE")
    kind = CharField()  # 复查 / 复核
    requested_on = DateField()
    decision = TextField(default="")
    decided_on = DateField(null=True)
    recorded_by = ForeignKeyField(Person, on_delete="RESTRICT", backref="+")
    recorded_at = DateTimeField()


class HotlineCall(BaseModel):
    """A call to the 直线电话受理中心 (Part 5 直线电话受理中心): in scope it becomes a petition
    (channel 专线电话); out of scope the caller was told where to go."""

    year = IntegerField(index=True)
    seq = IntegerField()
    caller = CharField(default="")
    phone = CharField(default="")
    matter = TextField()
    category = CharField(default="")
    scope = CharField(default="")  # the scope item it falls under, or the body it belongs to
    in_scope = BooleanField(default=True)
    told_where = CharField(default="")  # out of scope: where the caller was told to go
    petition = ForeignKeyField(Petition, null=True, on_delete="SET NULL", backref="calls")
    recorded_by = ForeignKeyField(Person, on_delete="RESTRICT", backref="+")
    called_at = DateTimeField(index=True)

    class Meta:
        indexes = ((("year", "seq"), True),)
