"""The one search (services.search, services.fulltext): two-character words, both scripts,
clearance inside the query, the index kept in step with the records, and the registers'
search boxes on the same index. Service tests run on SQLite and, with a server, PostgreSQL."""

from __future__ import annotations

import random
import sqlite3

import pytest
from conftest import NOW
from helpers.outgoing_worker import new_draft
from test_outgoing_life import GOV

from govdesk.models import IncomingDocument, OutgoingDocument, Person, SearchEntry, database
from govdesk.services import fulltext, incoming, outgoing, schema, search
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine


def variants(text: str) -> list[str]:
    """The text as typed, in Traditional (OpenCC's s2t and s2tw) and back in Simplified."""
    from opencc import OpenCC

    out = [text]
    for config in ("s2t", "s2tw", "t2s"):
        converted = OpenCC(config).convert(text)
        if converted not in out:
            out.append(converted)
    return out


def _actor(login: str) -> Actor:
    return Actor(Person.get(Person.login == login), NOW)


def _expected(model, texts, word: str, clearance: int) -> list[int]:
    """Brute force: the records whose fields hold ``word`` (normalised like the index)."""
    needle = fulltext.normalise(word)
    out = []
    for row in model.select().order_by(model.id.desc()):
        if row.secrecy <= clearance and any(needle in fulltext.normalise(text or "")
                                            for text in texts(row)):
            out.append(row.id)
    return out


def _incoming_texts(doc):
    return (doc.number, doc.from_name, doc.doc_number, doc.title, doc.summary)


def _outgoing_texts(doc):
    return (doc.number or "", doc.issuer, doc.title, doc.body)


def _found(kind_code: int, word: str, clearance: int) -> list[int]:
    """Every matching record's id, newest first, as a register's page asks the index."""
    model = {incoming.SEARCH_CODE: IncomingDocument, outgoing.SEARCH_CODE: OutgoingDocument}[
        kind_code]
    return [row.id for row in fulltext.keyset(model.select(model.id), kind_code, model.id, word,
                                              clearance, before=None, after=None,
                                              limit=10**7)]


# ---------------------------------------------------------------------------- the index


def test_normalising_joins_the_scripts_and_drops_punctuation():
    assert fulltext.normalise("《關於財政局》") == fulltext.normalise("关于财政局") == "关于财政局"
    assert fulltext.normalise("收〔2026〕31号") == "收202631号"
    assert fulltext.normalise("ＡＢＣ１２") == "abc12"  # full-width letters and digits
    assert fulltext.grams(["防汛会议", "", "区"]) == "防汛 汛会 会议 议 区"


def test_terms_of_two_three_and_four_characters_in_both_scripts(demo_db):
    """Every substring of 2, 3 and 4 characters of a few titles finds exactly the records a
    brute-force scan finds, typed in Simplified and in Traditional."""
    rng = random.Random(7)
    clearance = 3
    docs = list(IncomingDocument.select().order_by(IncomingDocument.id))
    for doc in rng.sample(docs, 5):
        for size in (2, 3, 4):
            start = rng.randrange(0, max(1, len(doc.title) - size))
            word = doc.title[start:start + size]
            expected = _expected(IncomingDocument, _incoming_texts, word, clearance)
            assert doc.id in expected
            for typed in variants(word):
                assert _found(incoming.SEARCH_CODE, typed, clearance) == expected, typed
    drafts = list(OutgoingDocument.select())
    for doc in rng.sample(drafts, 3):
        word = doc.title[2:5]
        expected = _expected(OutgoingDocument, _outgoing_texts, word, clearance)
        for typed in variants(word):
            assert _found(outgoing.SEARCH_CODE, typed, clearance) == expected


def test_the_one_search_groups_kinds_newest_first(demo_db):
    groups = search.search(_actor("lixm"), "關於")
    # 收文 and 发文 first; the demo's 督查室 records (titled 关于…) after them.
    assert [g.kind for g in groups][:2] == ["incoming", "outgoing"]
    assert [g.label for g in groups][:2] == ["收文", "发文"]
    for group in groups:
        ids = [hit.id for hit in group.hits]
        assert ids == sorted(ids, reverse=True)
        assert all("关于" in hit.title for hit in group.hits)
    several = search.search(_actor("lixm"), "关于 通知")  # words separated by a space: both
    assert several and all("关于" in h.title and "通知" in h.title
                           for g in several for h in g.hits if g.kind == "incoming")
    assert search.search(_actor("lixm"), "  〔〕 ") == []  # nothing to look for
    assert search.search(_actor("lixm"), "不存在的词语组合") == []


def test_clearance_applies_inside_the_query(demo_db):
    """A 机密 document is found by none of its fields by someone not cleared for it, and by
    all of them by someone who is; the same in the register's search box."""
    secret = IncomingDocument.select().where(IncomingDocument.secrecy >= 2).first()
    assert secret is not None
    clerk = _actor("zhangyt")  # clearance 无
    cleared = _actor("lixm")  # 机密
    assert clerk.person.clearance < secret.secrecy <= cleared.person.clearance
    for value in (secret.title, secret.number, secret.from_name, secret.doc_number):
        if not fulltext.normalise(value):
            continue
        assert secret.id not in _found(incoming.SEARCH_CODE, value, clerk.person.clearance)
        assert secret.id in _found(incoming.SEARCH_CODE, value, cleared.person.clearance)
        assert all(h.id != secret.id for g in search.search(clerk, value) for h in g.hits)
        assert secret.id not in [r.id for r in incoming.register_page(clerk, text=value)]
        assert secret.id in [r.id for r in incoming.register_page(cleared, text=value)]


def test_the_index_follows_the_record(db, as_user):
    """Registered, edited, made secret: the index says what the record says, in the same
    transaction as the record."""
    clerk = as_user("lixm")
    doc = incoming.register(clerk, {"from_unit": "cz", "title": "关于防汛物资储备的报告",
                                    "doc_kind": "报告", "summary": "汛前检查堤防"})
    assert _found(incoming.SEARCH_CODE, "防汛", 0) == [doc.id]
    assert _found(incoming.SEARCH_CODE, "堤防", 0) == [doc.id]  # 摘要
    assert _found(incoming.SEARCH_CODE, "财政局", 0) == [doc.id]  # 来文单位
    incoming.update(clerk, doc.id, 1, {"from_unit": "cz", "title": "关于抗旱工作的报告",
                                       "doc_kind": "报告", "secrecy": "秘密"})
    assert _found(incoming.SEARCH_CODE, "防汛", 3) == []
    assert _found(incoming.SEARCH_CODE, "抗旱", 1) == [doc.id]
    assert _found(incoming.SEARCH_CODE, "抗旱", 0) == []  # 秘密 now
    assert SearchEntry.select().count() == 1


def test_a_draft_is_found_by_its_body_and_number(db, as_user):
    drafter = as_user("qianhy")
    doc = new_draft(drafter, **{**GOV, "body": "请于月底前完成消防通道排查。"})
    assert _found(outgoing.SEARCH_CODE, "消防通道", 0) == [doc.id]
    assert [r.id for r in outgoing.register_page(drafter, text="消防")] == [doc.id]
    assert outgoing.register_page(drafter, text="防汛") == []


def test_a_register_search_pages_through_every_match(demo_db):
    clerk = _actor("lixm")
    everything = [r.id for r in incoming.register_page(clerk, text="关于", limit=1000)]
    assert len(everything) > 6
    pages, before = [], None
    while True:
        page = incoming.register_page(clerk, text="关于", before_id=before, limit=4)
        if not page:
            break
        pages += [r.id for r in page]
        before = page[-1].id
    assert pages == everything  # newest first, no gap, no repeat
    oldest = incoming.register_page(clerk, text="关于", after_id=0, limit=4)  # End
    assert [r.id for r in oldest] == everything[-4:]
    above = incoming.register_page(clerk, text="关于", after_id=oldest[0].id, limit=4)
    assert [r.id for r in above] == everything[-8:-4]  # the page right above it
    drafts = [r.id for r in outgoing.register_page(clerk, text="关于", limit=1000)]
    assert [r.id for r in outgoing.register_page(clerk, text="关于", after_id=0, limit=2)] \
        == drafts[-2:]


def _back_to_version_4(conn: sqlite3.Connection) -> None:
    """The demo as a database from before the index (schema v4; v5's indexes are idempotent)."""
    for sql in ("DROP TRIGGER search_entry_ai", "DROP TRIGGER search_entry_ad",
                "DROP TRIGGER search_entry_au", "DROP TABLE search_fts",
                "DROP TABLE search_entry", "UPDATE meta SET value = '4' WHERE key = 'schema_version'"):
        conn.execute(sql)
    conn.commit()


def _records() -> int:
    """The records of every searchable kind (the demo has 收文, 发文 and the 督查室's)."""
    return sum(wf.model.select().count() for wf in engine.searchable())


def test_a_database_from_before_the_index_gains_it(demo_path):
    """v6: a database made before the index is filled from the records it holds."""
    conn = sqlite3.connect(demo_path)
    _back_to_version_4(conn)
    conn.close()
    from govdesk.models import close_database, open_database

    open_database(demo_path, create=False)
    try:
        assert 6 in schema.ensure_schema(now=NOW)
        assert SearchEntry.select().count() == 0  # to be filled by the first desk
        assert search.complete_pending() is True
        assert search.complete_pending() is False  # once
        n = _records()
        assert n > IncomingDocument.select().count() + OutgoingDocument.select().count()
        assert SearchEntry.select().count() == n
        assert database.execute_sql("SELECT count(*) FROM search_fts").fetchone()[0] == n
        some = IncomingDocument.select().first()
        assert some.id in _found(incoming.SEARCH_CODE, some.title, 3)
    finally:
        close_database()


# ---------------------------------------------------------------------------- a year of records


def test_a_year_of_records_answers_like_a_full_scan(year):
    """On 20,000 收文 and 6,000 发文: random 2-, 3- and 4-character words from titles and
    摘要, in both scripts, for two clearances, equal a scan of every record."""
    rng = random.Random(2026)
    docs = list(IncomingDocument.select(IncomingDocument.id, IncomingDocument.title,
                                        IncomingDocument.summary)
                .where(IncomingDocument.id % 997 == 0))
    assert docs
    for doc in rng.sample(docs, 6):
        text = rng.choice([doc.title, doc.summary or doc.title])
        size = rng.choice((2, 3, 4))
        start = rng.randrange(0, max(1, len(text) - size))
        word = text[start:start + size]
        for clearance in (0, 3):
            expected = _expected(IncomingDocument, _incoming_texts, word, clearance)
            for typed in variants(word)[:2]:
                assert _found(incoming.SEARCH_CODE, typed, clearance) == expected, typed
    assert len(search.search(_actor("lixm"), "关于")[0].hits) == search.PER_KIND


@pytest.mark.parametrize("word", ["会议", "信访", "防汛"])
def test_two_character_words_of_the_office(year, word):
    expected = _expected(IncomingDocument, _incoming_texts, word, 3)
    assert _found(incoming.SEARCH_CODE, word, 3) == expected


def test_the_first_command_after_an_upgrade_fills_the_index(demo_path):
    """`govdesk people` (any command that opens the database) migrates and fills."""
    import subprocess
    import sys

    conn = sqlite3.connect(demo_path)
    _back_to_version_4(conn)
    done = subprocess.run([sys.executable, "-m", "govdesk", "people", "--db", str(demo_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    count = conn.execute("SELECT count(*) FROM search_entry").fetchone()[0]
    records = conn.execute(" + ".join(f'(SELECT count(*) FROM "{wf.model._meta.table_name}")'
                                      for wf in engine.searchable()).join(("SELECT ", ""))
                           ).fetchone()[0]
    pending = conn.execute("SELECT count(*) FROM meta WHERE key = 'fulltext.pending'").fetchone()
    conn.close()
    assert count == records > 0 and pending == (0,)
