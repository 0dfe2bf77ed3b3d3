"""The base model every table shares."""

from __future__ import annotations

from peewee import Model

from govdesk.models.db import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False
