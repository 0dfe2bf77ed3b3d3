"""The organisation: the office's sections, district units, people and leaders' portfolios."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from govdesk.models.base import BaseModel

# Clearance and secrecy share one scale so a comparison is a plain integer test in SQL.
SECRECY_LEVELS = ("无", "秘密", "机密", "绝密")


class Section(BaseModel):
    code = CharField(unique=True)
    name = CharField()
    order = IntegerField(default=0)


class Unit(BaseModel):
    code = CharField(unique=True)
    name = CharField()
    short = CharField()
    kind = CharField(index=True)
    level = CharField()
    supervisor = ForeignKeyField("self", null=True, backref="supervised", on_delete="SET NULL")
    key_enterprise = BooleanField(default=False)
    party = BooleanField(default=False)
    # Pinyin forms make the picker match `fgj` or `fagai` as well as 发改.
    pinyin = CharField(default="")
    initials = CharField(default="")


class Person(BaseModel):
    login = CharField(unique=True)
    name = CharField()
    section = ForeignKeyField(Section, backref="people", on_delete="RESTRICT")
    post = CharField()
    rank = CharField(null=True, index=True)  # 区长/常务副区长/副区长/主任/副主任 for leaders
    clearance = IntegerField(default=0)  # index into SECRECY_LEVELS
    phone = CharField(default="")
    active = BooleanField(default=True)
    admin = BooleanField(default=False)
    follows = ForeignKeyField("self", null=True, backref="line_secretaries", on_delete="SET NULL")
    # A district unit's head (post 正职/副职), for leave (Part 3 §22); None for office staff.
    unit = ForeignKeyField(Unit, null=True, backref="heads", on_delete="SET NULL")
    pinyin = CharField(default="")
    initials = CharField(default="")

    @property
    def clearance_name(self) -> str:
        return SECRECY_LEVELS[self.clearance]


class Portfolio(BaseModel):
    """A vice head's 分管 of a unit (Part 3 §15 routes by it)."""

    leader = ForeignKeyField(Person, backref="portfolio", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="leaders", on_delete="CASCADE")

    class Meta:
        indexes = ((("leader", "unit"), True),)


class Oversight(BaseModel):
    """A 副主任's 分管 of an office section."""

    deputy = ForeignKeyField(Person, backref="oversees", on_delete="CASCADE")
    section = ForeignKeyField(Section, backref="overseen_by", on_delete="CASCADE")

    class Meta:
        indexes = ((("deputy", "section"), True),)


class Absence(BaseModel):
    """A leader away (Part 1 §7, Part 3 §19): while the 区长 is away the acting head acts."""

    person = ForeignKeyField(Person, backref="absences", on_delete="CASCADE")
    start = DateTimeField(index=True)
    end = DateTimeField(index=True)
    destination = CharField(default="")
    reason = CharField(default="")
    contact = CharField(default="")
    documents_via = CharField(default="")  # how documents reach them meanwhile
    acting = ForeignKeyField(Person, null=True, backref="acting_for", on_delete="SET NULL")


class ScheduleEntry(BaseModel):
    """One item of a leader's week (《区长一周日程安排》)."""

    person = ForeignKeyField(Person, backref="schedule", on_delete="CASCADE")
    start = DateTimeField(index=True)
    end = DateTimeField()
    title = CharField()
    place = CharField(default="")
    note = TextField(default="")
