"""What the one search reads: each record's searchable text as overlapping character pairs."""

from __future__ import annotations

from peewee import BigIntegerField, IntegerField, TextField

from govdesk.models.base import BaseModel


class SearchEntry(BaseModel):
    """One record of one kind. ``id`` is the kind's code in the high bits and the record's id
    in the low ones (services.fulltext.entry_id), so a kind's entries are one range of ids,
    newest record last. ``grams`` is what the full-text index holds (on SQLite the FTS5 table
    search_fts, kept in step by triggers; on PostgreSQL a GIN index over its words)."""

    id = BigIntegerField(primary_key=True)
    secrecy = IntegerField(default=0)
    grams = TextField()
