"""Hostile input to every 收文 entry point (issue 4, item 4): empty, 1 MB, control characters,
mixed scripts, emoji, SQL-looking strings, dates out of range, wrong types and unknown ids.

Each call either keeps the value exactly (after strip()) or refuses with a ServiceError; a
ValidationError names a real field, and a refusal leaves every table as it was. One database
serves each test: every example runs in a transaction that is rolled back (helpers.bad_input).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from helpers.bad_input import (
    FAST,
    anything,
    check,
    dates,
    field_dicts,
    ids,
    report,
    strip,
    texts,
)
from hypothesis import given
from hypothesis import strategies as st

from govdesk.models import SECRECY_LEVELS, IncomingDocument, Loan, Reminder, Section, Task
from govdesk.screens.incoming.form import FIELD_WIDGETS
from govdesk.services import flow, incoming, org
from govdesk.services.errors import ValidationError
from govdesk.services.incoming import Reader
from tests.conftest import actor

# Every field of the register form, as its refusals name it (in Simplified, the default).
FORM_LABELS = {"来文单位", "来文字号", "标题", "文种", "密级", "保密期限", "紧急程度", "份数序号",
               "收文日期", "页数", "附件", "主送", "收件领导", "摘要", "附件文件", "特殊原因或领导批示",
               "职能部门", "例外情形", "催办人"}


def named(call):
    """``call``, where every refusal of a form field also gives the form's name for it, one the
    form can put the cursor on (in any language)."""
    def run():
        try:
            return call()
        except ValidationError as exc:
            assert exc.name in FIELD_WIDGETS, (exc.name, exc.field)
            raise
    return run
TEXT_KEYS = ("doc_number", "title", "copy_no", "attachments", "summary", "files",
             "special_reason")
FORM_KEYS = (*TEXT_KEYS, "from_name", "from_unit", "doc_kind", "secrecy", "secrecy_years",
             "urgency", "received_on", "pages", "addressed_to", "addressed_leader", "is_request",
             "remit_unit", "exception", "urging_person", "involves_units", "major")
BASE = {"from_unit": "cz", "title": "关于某事项的报告", "doc_kind": "报告"}
FORM_VALUES = {
    "received_on": dates(),
    "pages": st.one_of(anything(), st.integers(), st.sampled_from(["0", "7", " 12 ", "１２"])),
    "secrecy_years": st.one_of(anything(), st.integers(-5, 40)),
    "secrecy": st.one_of(anything(), st.sampled_from(SECRECY_LEVELS), st.integers(-2, 5)),
    "doc_kind": st.one_of(anything(), st.sampled_from(incoming.DOC_KINDS)),
    "urgency": st.one_of(anything(), st.sampled_from(incoming.URGENCIES + ("急件",))),
    "addressed_to": st.one_of(anything(), st.sampled_from(incoming.ADDRESSEES)),
    "exception": st.one_of(anything(), st.sampled_from(incoming.EXCEPTIONS)),
    "from_unit": st.one_of(anything(), st.sampled_from(["cz", "区财政局", "不存在的局"])),
    "remit_unit": st.one_of(anything(), st.sampled_from(["zjj", "不存在的局"])),
    "addressed_leader": st.one_of(anything(), st.sampled_from(["zhaogl", "赵国梁", "nobody"])),
    "urging_person": st.one_of(anything(), st.sampled_from(["chenhl", "nobody"])),
}


@pytest.fixture(scope="module", autouse=True)
def _examples(request):
    yield
    report(request.config, "收文 (test_bad_input)")


@pytest.fixture
def world(db):
    """One document waiting at each step, an archived one and a loan of it."""
    clerk, head, leader = actor("lixm"), actor("linzh"), actor("zhaogl")

    def reg(title: str) -> IncomingDocument:
        return incoming.register(clerk, {**BASE, "title": title})

    def task_of(doc, who) -> Task:
        task = incoming.current_task_for(who, doc)
        assert task is not None
        return task

    def to_signing(title):
        doc = reg(title)
        incoming.decide_intake(clerk, task_of(doc, clerk).id, "受理", "")
        return doc

    def to_reading(title):
        doc = to_signing(title)
        incoming.sign(head, task_of(doc, head).id, "请阅",
                      [Reader("阅签", person=leader.person)])
        return doc

    def to_sorting(title):
        doc = to_reading(title)
        incoming.reader_return(leader, task_of(doc, leader).id, "已阅")
        return doc

    def to_filing(title):
        doc = to_sorting(title)
        incoming.close(clerk, task_of(doc, clerk).id, "办结")
        return doc

    intake = reg("待初审")
    signing = to_signing("待签批")
    reading = to_reading("待阅签")
    sorting = to_sorting("待分送")
    filing = to_filing("待归档")
    archived = to_filing("已归档")
    incoming.archive(clerk, task_of(archived, clerk).id, "永久")
    loan = incoming.lend(clerk, archived.id, org.person_by_login("chenhl"))
    return SimpleNamespace(
        clerk=clerk, head=head, leader=leader,
        doc=intake, intake=task_of(intake, clerk).id, sign=task_of(signing, head).id,
        read=task_of(reading, leader).id, sort=task_of(sorting, clerk).id,
        sorting_doc=sorting, file=task_of(filing, clerk).id, archived=archived,
        loan=loan.id,
        people=[org.person_by_login(x) for x in ("zhaogl", "sunlh", "chenhl")],
    )


def task_or_bad(good: int) -> st.SearchStrategy:
    return st.one_of(st.just(good), st.just(good), ids())


def readers(people) -> st.SearchStrategy:
    good = st.builds(Reader, st.sampled_from(incoming.READER_ACTIONS),
                     person=st.sampled_from(people))
    odd = st.one_of(
        st.builds(Reader, anything(), person=st.sampled_from(people)),
        st.builds(Reader, st.sampled_from(incoming.READER_ACTIONS)),  # nobody named
        st.builds(Reader, st.just("阅签"), person=anything()),
        st.builds(Reader, st.just("阅签"), section=anything()),
        anything(),
    )
    return st.one_of(st.lists(good, min_size=1, max_size=3),
                     st.lists(st.one_of(good, odd), max_size=4), anything())


def opinion_of(task_id: int) -> str:
    return Task.get_by_id(task_id).opinion


# ---------------------------------------------------------------------------- register, update


@FAST
@given(fields=field_dicts(FORM_KEYS, FORM_VALUES, BASE))
def test_register(world, fields):
    def stored(doc):
        got = IncomingDocument.get_by_id(doc.id)
        for key in TEXT_KEYS:
            if key in fields:
                assert getattr(got, key) == (strip(fields[key]) or ""), key
        if isinstance(fields.get("from_name"), str) and fields["from_name"].strip():
            assert got.from_name == fields["from_name"].strip()

    check("incoming.register", named(lambda: incoming.register(world.clerk, fields)),
          labels=FORM_LABELS, stored=stored)


@FAST
@given(data=st.data(), fields=field_dicts(FORM_KEYS, FORM_VALUES, BASE))
def test_update(world, data, fields):
    doc_id = data.draw(task_or_bad(world.doc.id), "doc_id")
    version = data.draw(st.one_of(st.just(world.doc.version), ids()), "version")

    def stored(doc):
        got = IncomingDocument.get_by_id(doc.id)
        assert got.version == version + 1
        for key in TEXT_KEYS:
            if key in fields:
                assert getattr(got, key) == (strip(fields[key]) or ""), key

    check("incoming.update",
          named(lambda: incoming.update(world.clerk, doc_id, version, fields)),
          labels=FORM_LABELS, stored=stored)


# ---------------------------------------------------------------------------- the flow


@FAST
@given(data=st.data(), reason=st.one_of(texts(), anything()))
def test_decide_intake(world, data, reason):
    task_id = data.draw(task_or_bad(world.intake), "task")
    decision = data.draw(st.one_of(st.sampled_from(incoming.INTAKE_DECISIONS), anything()))
    unit = data.draw(st.one_of(st.sampled_from(["zjj", "区住建局", None]), anything()), "unit")

    def stored(doc):
        assert doc.intake == decision
        assert doc.intake_reason == (strip(reason) or "")

    check("incoming.decide_intake",
          lambda: incoming.decide_intake(world.clerk, task_id, decision, reason,
                                         transfer_unit=unit),
          labels={"受理决定", "理由", "转办单位"}, stored=stored)


@FAST
@given(data=st.data(), opinion=st.one_of(texts(), anything()))
def test_sign(world, data, opinion):
    task_id = data.draw(task_or_bad(world.sign), "task")
    chosen = data.draw(readers(world.people), "readers")

    def stored(doc):
        assert opinion_of(task_id) == opinion.strip()

    check("incoming.sign", lambda: incoming.sign(world.head, task_id, opinion, chosen),
          labels={"签批", "签批意见", "阅件人", "阅件方式"}, stored=stored)


@FAST
@given(data=st.data(), opinion=anything())
def test_reader_return(world, data, opinion):
    task_id = data.draw(task_or_bad(world.read), "task")

    def stored(doc):
        assert opinion_of(task_id) == (strip(opinion) or "已阅")

    check("incoming.reader_return",
          lambda: incoming.reader_return(world.leader, task_id, opinion),
          labels={"阅件", "阅办意见"}, stored=stored)


@FAST
@given(data=st.data(), note=st.one_of(texts(), anything()))
def test_send_on(world, data, note):
    task_id = data.draw(task_or_bad(world.sort), "task")
    chosen = data.draw(readers(world.people), "readers")

    def stored(doc):
        assert opinion_of(task_id) == (strip(note) or "按批示意见分送")

    check("incoming.send_on", lambda: incoming.send_on(world.clerk, task_id, note, chosen),
          labels={"分送", "分送说明", "阅件人", "阅件方式"}, stored=stored)


@FAST
@given(data=st.data(), note=st.one_of(texts(), anything()))
def test_circulate(world, data, note):
    doc_id = data.draw(task_or_bad(world.sorting_doc.id), "doc")
    people = data.draw(st.one_of(
        st.lists(st.sampled_from(world.people), min_size=1, max_size=3),
        st.lists(st.one_of(st.sampled_from(world.people), anything()), max_size=4),
        anything()), "people")

    def stored(n):
        notes = {t.note for t in Task.select().where(Task.step == "传阅")}
        assert notes == {strip(note) or ""}
        assert n == len({p.id for p in people})

    check("incoming.circulate", lambda: incoming.circulate(world.clerk, doc_id, people, note),
          labels={"传阅", "传阅说明", "阅件人", "阅件方式"}, stored=stored)


@FAST
@given(data=st.data(), note=anything())
def test_close(world, data, note):
    task_id = data.draw(task_or_bad(world.sort), "task")

    def stored(doc):
        assert opinion_of(task_id) == (strip(note) or "办结")

    check("incoming.close", lambda: incoming.close(world.clerk, task_id, note),
          labels={"办结", "办结说明"}, stored=stored)


@FAST
@given(data=st.data(), retention=st.one_of(st.sampled_from(["永久", "30年", "10年"]),
                                          anything()))
def test_archive(world, data, retention):
    task_id = data.draw(task_or_bad(world.file), "task")

    def stored(doc):
        assert doc.retention == retention and doc.archive_no

    check("incoming.archive", lambda: incoming.archive(world.clerk, task_id, retention),
          labels={"归档", "保管期限"}, stored=stored)


@FAST
@given(data=st.data(), note=anything())
def test_remind(world, data, note):
    task_id = data.draw(task_or_bad(world.read), "task")

    def stored(_):
        last = Reminder.select().order_by(Reminder.id.desc()).first()
        assert last.note == (strip(note) or "")

    check("incoming.remind", lambda: incoming.remind(world.clerk, task_id, note),
          labels={"催办", "催办说明"}, stored=stored)


@FAST
@given(data=st.data(), days=st.one_of(st.none(), st.integers(-10, 400), anything()))
def test_lend(world, data, days):
    doc_id = data.draw(task_or_bad(world.archived.id), "doc")
    borrower = data.draw(st.one_of(st.sampled_from(world.people), anything()), "borrower")

    def stored(loan):
        got = Loan.get_by_id(loan.id)
        assert got.borrower_id == borrower.id
        if days:
            assert (got.due_back - world.clerk.today).days == int(days)

    check("incoming.lend", lambda: incoming.lend(world.clerk, doc_id, borrower, days),
          labels={"借阅", "借阅人", "借阅天数"}, stored=stored)


@FAST
@given(data=st.data())
def test_return_loan(world, data):
    loan_id = data.draw(task_or_bad(world.loan), "loan")

    def stored(loan):
        assert Loan.get_by_id(loan.id).returned_at == world.clerk.now

    check("incoming.return_loan", lambda: incoming.return_loan(world.clerk, loan_id),
          labels={"归还"}, stored=stored)


@FAST
@given(text=st.one_of(texts(), anything()),
       year=st.one_of(st.none(), st.integers(-10, 10000), st.sampled_from([2026, 10**12, 2**63])),
       state=st.one_of(st.none(), texts()),
       before_id=st.one_of(st.none(), ids()),
       after_id=st.one_of(st.none(), ids()),
       limit=st.one_of(st.integers(-5, 500), st.sampled_from([10**12, 2**63]), anything()))
def test_register_page(world, text, year, state, before_id, after_id, limit):
    def stored(rows):
        assert isinstance(rows, list)

    check("incoming.register_page",
          lambda: incoming.register_page(world.clerk, year=year, state=state, text=text,
                                         before_id=before_id, after_id=after_id,
                                         limit=limit),
          labels={"搜索", "年度", "状态", "每页条数", "起始编号"}, stored=stored)


CURSORS = st.one_of(st.none(), anything(), st.tuples(st.one_of(st.none(), anything(), ids(),
                                                               st.dates()), anything()),
                    st.tuples(st.one_of(st.none(), texts(), st.dates()), ids()))


@FAST
@given(sort=st.one_of(st.none(), anything(), st.sampled_from(["due", "urgency", "title"])),
       descending=st.one_of(st.booleans(), anything()), before=CURSORS, after=CURSORS,
       text=st.one_of(st.just(""), st.just("关于"), texts()))
def test_sorted_register_page(world, sort, descending, before, after, text):
    """A sort, its direction and the (value, id) cursors of a sorted page, of any kind."""
    check("incoming.register_page (sorted)",
          lambda: incoming.register_page(world.clerk, sort=sort, descending=descending,
                                         before=before, after=after, text=text, limit=20),
          labels={"搜索", "排序", "起始编号"}, stored=lambda rows: isinstance(rows, list))


def test_sql_in_the_title_is_kept_as_words(world):
    """The classic: the title is stored as typed and the table is still there."""
    title = "'; DROP TABLE incoming_document; --"
    doc = incoming.register(world.clerk, {**BASE, "title": title})
    assert IncomingDocument.get_by_id(doc.id).title == title
    rows = incoming.register_page(world.clerk, text="DROP TABLE")
    assert [r.id for r in rows] == [doc.id]
    assert Section.select().count() > 0 and flow.flow_of(incoming.KIND, doc.id)


# ------------------------------------------------------------ hidden characters (issue 11)

HIDDEN = ["关于\t做好", "关于\x0b做好", "\x1b[31m红字", "零\u200b宽", "倒\u202e序", "\ufeff标题",
          "行\u2028分"]
MULTILINE = {"summary"}


@pytest.mark.parametrize("key", TEXT_KEYS)
@pytest.mark.parametrize("value", HIDDEN + ["第一行\n第二行"])
def test_hidden_characters_are_refused_naming_the_field(db, key, value):
    """A form has cleaned a paste already; what still holds a control, zero-width or bidi
    character is refused, naming the field (a multi-line field keeps its line breaks)."""
    fields = {**BASE, key: value}
    if key in MULTILINE and value == "第一行\n第二行":
        doc = incoming.register(actor("lixm"), fields)
        assert getattr(IncomingDocument.get_by_id(doc.id), key) == value
        return
    before = IncomingDocument.select().count()
    with pytest.raises(ValidationError) as caught:
        named(lambda: incoming.register(actor("lixm"), fields))()
    assert caught.value.name == key and caught.value.field in FORM_LABELS
    assert "控制字符" in str(caught.value)
    assert IncomingDocument.select().count() == before
