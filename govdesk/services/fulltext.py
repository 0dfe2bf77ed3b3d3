"""The full-text index under the one search: every record's text as overlapping character
pairs, so that two-character words (会议, 信访, 防汛), most of what people type, are found as
exact substrings, in Simplified or Traditional, without scanning the records.

Both the index and a query are normalised the same way (NFKC, lower case, Traditional to
Simplified character by character, only letters and digits kept): 《關於財政局……》 and
关于财政局 are the same text here, and so are 收〔2026〕31号 and 收2026 31号. A text becomes its
character pairs and, for each field, its last character alone ("防汛会议" → 防汛 汛会 会议 议),
so that a field's pairs never join the next field's. A term of two or more characters is the
phrase of its pairs (consecutive, so exactly the substring); a single character is a prefix.

SQLite: the FTS5 table ``search_fts`` over ``search_entry.grams`` (external content, kept in
step by triggers in the same transaction as the entry). PostgreSQL: a GIN index over the
entry's words (``string_to_array(grams, ' ')``), the phrase then checked with LIKE on the same
row; it does not depend on the server's locale (docs/postgresql.md).

An entry's id is its kind's code in the high bits and the record's id in the low ones, so one
kind's entries are a range of ids and newest first is ``ORDER BY id DESC``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

from peewee import SQL, PostgresqlDatabase, Table

from govdesk.models import SearchEntry, database

KIND_BITS = 40  # record ids below 2**40; kinds' codes above
_NOT_WORD = re.compile(r"[\W_]+")
BATCH = 2000  # rows per INSERT when filling

_SQLITE_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
           grams, content='search_entry', content_rowid='id')""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_entry BEGIN
           INSERT INTO search_fts(rowid, grams) VALUES (new.id, new.grams); END""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_entry BEGIN
           INSERT INTO search_fts(search_fts, rowid, grams) VALUES ('delete', old.id, old.grams);
       END""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE ON search_entry BEGIN
           INSERT INTO search_fts(search_fts, rowid, grams) VALUES ('delete', old.id, old.grams);
           INSERT INTO search_fts(rowid, grams) VALUES (new.id, new.grams); END""",
]
_POSTGRES_DDL = [
    """CREATE INDEX IF NOT EXISTS search_entry_words ON search_entry
       USING gin (string_to_array(grams, ' '))""",
]


def _postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def create_index() -> None:
    """The index over search_entry (idempotent; the table itself is a model)."""
    for sql in _POSTGRES_DDL if _postgres() else _SQLITE_DDL:
        database.execute_sql(sql)


# ---------------------------------------------------------------------------- normalising


@cache
def _traditional_to_simplified() -> dict[int, str]:
    """One character for another, from OpenCC's table (the first reading of each): a search
    compares characters, so the phrase-level choices OpenCC makes for display do not matter
    here, and a table lookup costs nothing beside OpenCC's converter."""
    from importlib import resources

    table: dict[int, str] = {}
    text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    for line in text.splitlines():
        traditional, _tab, simplified = line.partition("\t")
        if len(traditional) == 1 and simplified:
            first = simplified.split()[0]
            if first != traditional:
                table[ord(traditional)] = first
    return table


def normalise(text: str) -> str:
    """The text as the index compares it: one script, one case, letters and digits only."""
    return _NOT_WORD.sub("", simplified(unicodedata.normalize("NFKC", text).lower()))


def simplified(text: str) -> str:
    """``text`` with each Traditional character replaced by its Simplified one (normalise's
    table): one character for one, so a position in it is the same position in ``text``."""
    return text.translate(_traditional_to_simplified())


def _pairs(word: str) -> list[str]:
    return [word[i:i + 2] for i in range(len(word) - 1)]


def grams(texts: Iterable[str]) -> str:
    """What the index holds for a record whose fields are ``texts``."""
    out: list[str] = []
    for text in texts:
        word = normalise(text or "")
        if word:
            out += _pairs(word)
            out.append(word[-1])
    return " ".join(out)


def terms(query: str) -> list[str]:
    """The query's words, normalised (words are what the user separated by spaces)."""
    return [word for word in (normalise(part) for part in query.split()) if word]


# ---------------------------------------------------------------------------- writing


def entry_id(code: int, record_id: int) -> int:
    return (code << KIND_BITS) | record_id


def put(code: int, record_id: int, secrecy: int, texts: Sequence[str]) -> None:
    """The record's entry, written only if it changed (the caller's transaction)."""
    value = grams(texts)
    key = entry_id(code, record_id)
    SearchEntry.insert(id=key, secrecy=secrecy, grams=value).on_conflict(
        conflict_target=[SearchEntry.id],
        update={SearchEntry.secrecy: secrecy, SearchEntry.grams: value},
        where=((SearchEntry.grams != value) | (SearchEntry.secrecy != secrecy)),
    ).execute()


def remove(code: int, record_id: int) -> None:
    SearchEntry.delete().where(SearchEntry.id == entry_id(code, record_id)).execute()


def fill(code: int, rows: Iterable[tuple[int, int, Sequence[str]]]) -> int:
    """Index many records at once, (record id, 密级, texts) each, replacing what was there;
    returns how many. For a migration or a generated database, inside its transaction."""
    n = 0
    batch: list[tuple[int, int, str]] = []

    def flush() -> None:
        if batch:
            SearchEntry.replace_many(batch, fields=[SearchEntry.id, SearchEntry.secrecy,
                                                    SearchEntry.grams]).execute()
            batch.clear()

    for record_id, secrecy, texts in rows:
        batch.append((entry_id(code, record_id), secrecy, grams(texts)))
        n += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    return n


def clear(code: int) -> None:
    lo, hi = _range(code)
    SearchEntry.delete().where(SearchEntry.id.between(lo, hi)).execute()


# ---------------------------------------------------------------------------- reading


def _range(code: int) -> tuple[int, int]:
    return code << KIND_BITS, ((code + 1) << KIND_BITS) - 1


def _sqlite_match(words: list[str]) -> str:
    """FTS5 query: every word, a phrase of its pairs (or one character as a prefix)."""
    parts = []
    for word in words:
        parts.append(f'"{word}"*' if len(word) == 1 else '"' + " ".join(_pairs(word)) + '"')
    return " AND ".join(parts)


def keyset(query, code: int, id_field, text: str, clearance: int, *, before: int | None,
           after: int | None, limit: int) -> list:
    """A register's page (``query`` over the records, with its own filters) of the records
    holding every word of ``text``, newest first, keyset-paged like engine.keyset: below
    ``before``, or the page right above ``after`` (``after=0``: the oldest page). On SQLite
    the index drives the query in its own order, so a page costs what its rows cost however
    many records match. Nothing when the text has no word to look for."""
    words = terms(text)
    if not words:
        return []
    lo, hi = _range(code)
    if before is not None:
        hi = min(hi, entry_id(code, before) - 1)
    if after is not None:
        lo = max(lo, entry_id(code, after) + 1)
    base = _range(code)[0]
    rows = list(_restrict(query, base, lo, hi, words, id_field, clearance,
                          ascending=after is not None).limit(limit))
    if after is not None:
        rows.reverse()
    return rows


def _pg_holding(query, words: list[str]):
    """PostgreSQL: ``query`` (joined to search_entry) narrowed to the entries holding every
    word: a 1-character word by LIKE, a longer one by its pairs through the GIN index."""
    for word in words:
        if len(word) == 1:
            query = query.where(SQL("search_entry.grams LIKE %s", [f"%{word}%"]))
        else:
            pairs = _pairs(word)
            query = query.where(SQL(
                "string_to_array(search_entry.grams, ' ') @> %s::text[]"
                " AND search_entry.grams LIKE %s", [pairs, "%" + " ".join(pairs) + "%"]))
    return query


def _restrict(query, base: int, lo: int, hi: int, words: list[str], id_field, clearance: int,
              *, ascending: bool):
    """``query`` joined to the index: the entries between ``lo`` and ``hi`` holding every
    word, within the clearance, in id order (newest first unless ``ascending``)."""
    entry = Table("search_entry", alias="search_entry")  # named so in the SQL below
    if _postgres():
        query = _pg_holding(query.join(entry, on=(entry.c.id == id_field + base)), words)
        return (query.where(entry.c.id.between(lo, hi) & (entry.c.secrecy <= clearance))
                .order_by(id_field.asc() if ascending else id_field.desc()))
    fts = Table("search_fts", alias="search_fts")
    return (query.join(fts, on=(id_field == fts.c.rowid - base))
            .join(entry, on=(entry.c.id == fts.c.rowid))
            .where(SQL("search_fts MATCH ?", [_sqlite_match(words)])
                   & fts.c.rowid.between(lo, hi) & (entry.c.secrecy <= clearance))
            .order_by(fts.c.rowid.asc() if ascending else fts.c.rowid.desc()))


def sorted_join(query, code: int, id_field, text: str, clearance: int):
    """``query`` narrowed to the records holding every word of ``text`` within the clearance,
    for a register sorted by another column (services.register_sort): the records are walked
    in the sort's index order and each is looked up in the index by its id, so the page still
    stops at its rows and nothing is sorted. None when the text has no word to look for."""
    from peewee import JOIN

    words = terms(text)
    if not words:
        return None
    base = _range(code)[0]
    entry = Table("search_entry", alias="search_entry")
    if _postgres():
        query = _pg_holding(query.join(entry, on=(entry.c.id == id_field + base)), words)
        return query.where(entry.c.secrecy <= clearance)
    fts = Table("search_fts", alias="search_fts")
    # CROSS JOIN: SQLite keeps the register (walked by the sort's index) the outer loop.
    return (query.join(fts, JOIN.CROSS).join(entry, JOIN.CROSS)
            .where((fts.c.rowid == id_field + base) & (entry.c.id == fts.c.rowid)
                   & SQL("search_fts MATCH ?", [_sqlite_match(words)])
                   & (entry.c.secrecy <= clearance)))
