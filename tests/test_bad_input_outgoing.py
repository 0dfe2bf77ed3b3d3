"""Hostile input to every 发文 entry point (issue 4, item 4); see test_bad_input.py for the
property and helpers.bad_input for the values."""

from __future__ import annotations

from datetime import date, datetime, timedelta
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
from helpers.outgoing_worker import BASE_FIELDS, drive_to, holder_actor, new_draft, waiting
from hypothesis import given
from hypothesis import strategies as st

from govdesk.i18n import t
from govdesk.models import (
    SECRECY_LEVELS,
    DispatchRecord,
    DraftRevision,
    ErrorRecord,
    OutgoingDocument,
    Task,
)
from govdesk.screens.outgoing.form import FIELD_WIDGETS
from govdesk.services import org, outgoing
from govdesk.services.errors import ValidationError
from govdesk.services.outgoing.rules import ERROR_CATEGORIES, ISSUERS
from tests.conftest import actor

D1 = datetime(2026, 11, 26, 9, 30)
D2 = datetime(2026, 11, 27, 10, 0)
D3 = datetime(2026, 11, 30, 15, 0)
D4 = datetime(2026, 12, 1, 9, 0)

# every field the draft form can point the cursor at: its name → its label as the user sees it
FORM_FIELDS = {name: t(f"outgoing.field.{name}") for name in FIELD_WIDGETS}
FORM_LABELS = set(FORM_FIELDS.values())
PRINT_NAMES = {"print_org", "print_date", "number"}  # format checks of the print stage
TEXT_KEYS = ("title", "main_to", "cc", "attachments", "body", "recipients")
FORM_KEYS = (*TEXT_KEYS, "issuer", "doc_kind", "urgency", "secrecy", "secrecy_years", "origin",
             "drafting_section", "review_section", "drafting_unit", "lead_leader", "signature",
             "normative", "upward", "appointment", "restricted", "sealed")
FORM_VALUES = {
    "issuer": st.one_of(anything(), st.sampled_from(ISSUERS)),
    "doc_kind": st.one_of(anything(), st.sampled_from(("通知", "请示", "纪要"))),
    "urgency": st.one_of(anything(), st.sampled_from(("特急", "加急", "普通", "急件"))),
    "secrecy": st.one_of(anything(), st.sampled_from(SECRECY_LEVELS), st.integers(-2, 5)),
    "secrecy_years": st.one_of(anything(), st.integers(-5, 40)),
    "origin": st.one_of(anything(), st.sampled_from(("office", "department"))),
    "drafting_section": st.one_of(anything(), st.sampled_from(("diaoyan", "综合调研科"))),
    "review_section": st.one_of(anything(), st.sampled_from(("mishu", "nosuch"))),
    "drafting_unit": st.one_of(anything(), st.sampled_from(("cz", "不存在的局"))),
    "lead_leader": st.one_of(anything(), st.sampled_from(("wuzq", "nobody"))),
}
STEP_LABELS = {"环节"}
PRINT_LABELS = {"印发机关", "印发日期", "印发份数", "发文字号"}


def named(call):
    """``call``, where every refusal of a field of the draft form also gives the form's name
    for it (the same in every language) and the label belongs to that name."""
    def run():
        try:
            return call()
        except ValidationError as exc:
            if exc.field in FORM_LABELS:
                assert exc.name in FORM_FIELDS, exc
                assert FORM_FIELDS[exc.name] == exc.field, (exc.name, exc.field)
            raise
    return run


@pytest.fixture(scope="module", autouse=True)
def _examples(request):
    yield
    report(request.config, "发文 (test_bad_input_outgoing)")


@pytest.fixture
def world(db):
    """A draft, one waiting at review and at each step after signing."""
    drafter = actor("qianhy", D1)
    draft = new_draft(drafter)
    reviewing = new_draft(drafter, title="关于送审的通知")
    review = drive_to(reviewing, "秘书科核稿", D1)
    steps = {}
    for step in ("编号", "印制", "第一读者", "分发"):
        doc = new_draft(drafter, title=f"关于{step}的通知")
        steps[step] = (doc, drive_to(doc, step, D4))
    signed = steps["编号"][0]
    signed = OutgoingDocument.get_by_id(signed.id)
    return SimpleNamespace(
        drafter=drafter, clerk=actor("lixm", D4), reader=actor("chenhl", D4),
        draft=draft, draft_task=waiting(draft).id,
        reviewing=reviewing, review=review.id, reviewer=holder_actor(review, D1),
        number=steps["编号"][1].id, print=steps["印制"][1].id,
        first=steps["第一读者"][1].id, dispatch=steps["分发"][1].id,
        signed=signed, late=actor("qianhy", signed.signed_at + timedelta(days=25)),
    )


def task_or_bad(good: int) -> st.SearchStrategy:
    return st.one_of(st.just(good), st.just(good), ids())


def opinion_of(task_id: int) -> str:
    return Task.get_by_id(task_id).opinion


def stored_fields(fields: dict):
    def stored(doc):
        got = OutgoingDocument.get_by_id(doc.id)
        for key in TEXT_KEYS:
            if key in fields:
                assert getattr(got, key) == (strip(fields[key]) or ""), key
        rev = DraftRevision.select().where(DraftRevision.document == got.id).order_by(
            DraftRevision.no.desc()).first()
        assert (rev.title, rev.body) == (got.title, got.body)
    return stored


# ---------------------------------------------------------------------------- the draft


@FAST
@given(fields=field_dicts(FORM_KEYS, FORM_VALUES, BASE_FIELDS))
def test_create_draft(world, fields):
    check("outgoing.create_draft", named(lambda: outgoing.create_draft(world.drafter, fields)),
          labels=FORM_LABELS, stored=stored_fields(fields))


@FAST
@given(data=st.data(), fields=field_dicts(FORM_KEYS, FORM_VALUES, BASE_FIELDS))
def test_update_draft(world, data, fields):
    doc_id = data.draw(task_or_bad(world.draft.id), "doc")
    version = data.draw(st.one_of(st.just(world.draft.version), ids()), "version")
    check("outgoing.update_draft",
          named(lambda: outgoing.update_draft(world.drafter, doc_id, version, fields)),
          labels=FORM_LABELS | {"文稿"}, stored=stored_fields(fields))


@FAST
@given(fields=field_dicts(FORM_KEYS, FORM_VALUES, BASE_FIELDS),
       stage=st.one_of(st.sampled_from(("submit", "print")), anything()))
def test_check_format(world, fields, stage):
    def stored(report):
        for problem in report.problems:
            assert problem.field in FORM_LABELS | PRINT_LABELS, problem
            assert problem.name in set(FORM_FIELDS) | PRINT_NAMES, problem

    check("outgoing.check_format", lambda: outgoing.check_format(world.drafter, fields, stage),
          labels=FORM_LABELS, stored=stored)


@FAST
@given(data=st.data())
def test_submit(world, data):
    task_id = data.draw(task_or_bad(world.draft_task), "task")
    check("outgoing.submit", named(lambda: outgoing.submit(world.drafter, task_id)),
          labels=FORM_LABELS | STEP_LABELS)


# ---------------------------------------------------------------------------- review


@FAST
@given(data=st.data(), opinion=st.one_of(texts(), anything()))
def test_approve(world, data, opinion):
    task_id = data.draw(task_or_bad(world.review), "task")

    def stored(doc):
        assert opinion_of(task_id) == (strip(opinion) or "同意")

    check("outgoing.approve", lambda: outgoing.approve(world.reviewer, task_id, opinion),
          labels={"审核意见", "环节", "密级"}, stored=stored)


@FAST
@given(data=st.data(), comments=st.one_of(texts(), anything()))
def test_send_back(world, data, comments):
    task_id = data.draw(task_or_bad(world.review), "task")

    def stored(doc):
        assert opinion_of(task_id) == comments.strip()
        assert waiting(doc).note == comments.strip()

    check("outgoing.send_back", lambda: outgoing.send_back(world.reviewer, task_id, comments),
          labels={"退改意见", "环节"}, stored=stored)


# ---------------------------------------------------------------------------- after signing


@FAST
@given(data=st.data())
def test_assign_number(world, data):
    task_id = data.draw(task_or_bad(world.number), "task")
    check("outgoing.assign_number", lambda: outgoing.assign_number(world.clerk, task_id),
          labels={"发文字号", "环节"})


@FAST
@given(data=st.data(), print_org=st.one_of(st.just("黄岩区人民政府办公室"), texts(), anything()),
       print_date=st.one_of(st.none(), st.just(D4.date()), dates()),
       copies=st.one_of(st.integers(1, 200), st.integers(-5, 200),
                        st.sampled_from([10**12, 2**63, "30", " 30 "]), anything()))
def test_print_document(world, data, print_org, print_date, copies):
    task_id = data.draw(task_or_bad(world.print), "task")

    def stored(doc):
        got = OutgoingDocument.get_by_id(doc.id)
        assert got.print_org == print_org.strip()
        assert got.print_date == (print_date or world.clerk.today)
        assert got.copies == int(str(copies))

    check("outgoing.print_document",
          lambda: outgoing.print_document(world.clerk, task_id, print_org=print_org,
                                          print_date=print_date, copies=copies),
          labels=FORM_LABELS | STEP_LABELS | PRINT_LABELS, stored=stored)


@FAST
@given(data=st.data(), opinion=st.one_of(texts(), anything()))
def test_first_reader_signoff(world, data, opinion):
    task_id = data.draw(task_or_bad(world.first), "task")

    def stored(doc):
        assert opinion_of(task_id) == (strip(opinion) or "阅读无误")

    check("outgoing.first_reader_signoff",
          lambda: outgoing.first_reader_signoff(world.reader, task_id, opinion),
          labels={"环节", "校读意见"}, stored=stored)


def dispatch_rows() -> st.SearchStrategy:
    good = st.builds(outgoing.Dispatch, st.sampled_from(["各乡镇", "区财政局", "区委办"]),
                     st.integers(1, 30))
    odd = st.builds(outgoing.Dispatch, anything(),
                    st.one_of(st.integers(-3, 10**12), anything()),
                    electronic=st.one_of(st.booleans(), anything()),
                    paper=st.one_of(st.booleans(), anything()),
                    copy_numbers=anything())
    return st.one_of(st.lists(good, min_size=1, max_size=3),
                     st.lists(st.one_of(good, odd, anything()), max_size=3), anything())


@FAST
@given(data=st.data(), records=dispatch_rows())
def test_dispatch(world, data, records):
    task_id = data.draw(task_or_bad(world.dispatch), "task")

    def stored(doc):
        rows = list(DispatchRecord.select().where(DispatchRecord.document == doc.id)
                    .order_by(DispatchRecord.id))
        assert [(r.recipient, r.copies, r.copy_numbers) for r in rows] == [
            (x.recipient.strip(), x.copies, x.copy_numbers.strip()) for x in records]

    check("outgoing.dispatch", lambda: outgoing.dispatch(world.clerk, task_id, records),
          labels={"环节", "第一读者", "分发单位", "分发方式", "份数", "份号"}, stored=stored)


@FAST
@given(data=st.data(), fields=field_dicts(FORM_KEYS, FORM_VALUES),
       note=st.one_of(texts(), anything()))
def test_change_after_signing(world, data, fields, note):
    doc_id = data.draw(task_or_bad(world.signed.id), "doc")

    def stored(doc):
        got = OutgoingDocument.get_by_id(doc.id)
        for key in TEXT_KEYS:
            if key in fields:
                assert getattr(got, key) == (strip(fields[key]) or ""), key
        last = DraftRevision.select().where(DraftRevision.document == got.id).order_by(
            DraftRevision.no.desc()).first()
        assert last.note == f"签发后修改：{note.strip()}"

    check("outgoing.change_after_signing",
          named(lambda: outgoing.change_after_signing(world.clerk, doc_id, fields, note)),
          labels=FORM_LABELS | {"签发后修改", "修改说明", "签发人"}, stored=stored)


@FAST
@given(data=st.data())
def test_set_written_date(world, data):
    doc_id = data.draw(task_or_bad(world.signed.id), "doc")
    written = data.draw(st.one_of(
        st.dates(world.signed.signed_at.date(), world.late.today), dates()), "written")

    def stored(doc):
        assert OutgoingDocument.get_by_id(doc.id).written_date == written

    check("outgoing.set_written_date",
          lambda: outgoing.set_written_date(world.late, doc_id, written),
          labels={"成文日期"}, stored=stored)


# ---------------------------------------------------------------------------- 倒流, 差错


@FAST
@given(data=st.data(), note=st.one_of(texts(), anything()))
def test_report_backflow(world, data, note):
    doc_id = data.draw(task_or_bad(world.draft.id), "doc")

    def stored(doc):
        rec = ErrorRecord.select().order_by(ErrorRecord.id.desc()).first()
        assert rec.step == (strip(note) or "领导处发现")

    check("outgoing.report_backflow",
          lambda: outgoing.report_backflow(actor("linzh", D1), doc_id, note),
          labels={"文件倒流", "发现环节", "审核科室", "密级"}, stored=stored)


@FAST
@given(data=st.data(), note=st.one_of(st.just("错字"), texts(), anything()),
       step=st.one_of(st.just("秘书科核稿"), texts(), anything()))
def test_record_error(world, data, note, step):
    doc_id = data.draw(st.one_of(st.none(), task_or_bad(world.reviewing.id)), "doc")
    category = data.draw(st.one_of(st.sampled_from(ERROR_CATEGORIES),
                                   st.sampled_from(ERROR_CATEGORIES), anything()), "category")
    section = data.draw(st.one_of(st.sampled_from(["mishu", "秘书科", "nosuch"]),
                                  st.sampled_from(["mishu", "秘书科"]), anything()), "section")
    person = data.draw(st.one_of(st.sampled_from([None, "qianhy", "nobody"]), anything()),
                       "person")

    def stored(rec):
        got = ErrorRecord.get_by_id(rec.id)
        assert (got.category, got.note, got.step) == (category, note.strip(), strip(step) or "")

    check("outgoing.record_error",
          lambda: outgoing.record_error(world.clerk, doc_id, category, section=section,
                                        person=person, note=note, step=step),
          labels={"差错类别", "责任科室", "责任人", "差错说明", "差错环节"}, stored=stored)


# ---------------------------------------------------------------------------- queries


@FAST
@given(data=st.data(), old=st.one_of(st.just(1), ids()), new=st.one_of(st.just(1), ids()))
def test_compare(world, data, old, new):
    doc_id = data.draw(task_or_bad(world.signed.id), "doc")
    check("outgoing.compare", lambda: outgoing.compare(doc_id, old, new), labels={"版本"},
          stored=lambda lines: isinstance(lines, list))


@FAST
@given(text=st.one_of(texts(), anything()), state=st.one_of(st.none(), texts()),
       before_id=st.one_of(st.none(), ids()),
       after_id=st.one_of(st.none(), ids()),
       limit=st.one_of(st.integers(-5, 500), st.sampled_from([10**12, 2**63]), anything()))
def test_register_page(world, text, state, before_id, after_id, limit):
    check("outgoing.register_page",
          lambda: outgoing.register_page(world.clerk, state=state, text=text,
                                         before_id=before_id, after_id=after_id,
                                         limit=limit),
          labels={"搜索", "状态", "每页条数", "起始编号"},
          stored=lambda rows: isinstance(rows, list))


@FAST
@given(sort=st.one_of(st.none(), anything(), st.sampled_from(["drafter", "updated_at"])),
       descending=st.one_of(st.booleans(), anything()),
       before=st.one_of(st.none(), anything(), st.tuples(anything(), ids()),
                        st.tuples(st.one_of(st.none(), texts()), anything())))
def test_sorted_register_page(world, sort, descending, before):
    check("outgoing.register_page (sorted)",
          lambda: outgoing.register_page(world.clerk, sort=sort, descending=descending,
                                         before=before, limit=20),
          labels={"搜索", "排序", "起始编号"}, stored=lambda rows: isinstance(rows, list))


def test_a_signed_document_keeps_its_date_when_refused(world):
    """Out-of-range 成文日期 are refused by name and the one already set stays."""
    before = OutgoingDocument.get_by_id(world.signed.id).written_date
    for bad in (date(1, 1, 1), date(9999, 12, 31), "2026-13-01", None):
        with pytest.raises(outgoing.ValidationError) as err:
            outgoing.set_written_date(world.late, world.signed.id, bad)
        assert err.value.field == "成文日期"
    assert OutgoingDocument.get_by_id(world.signed.id).written_date == before
    assert org.person_by_login("qianhy")  # the database is still whole


# ------------------------------------------------------------ hidden characters (issue 11)

HIDDEN = ["关于\t做好", "关于\x0b做好", "\x1b[31m红字", "零\u200b宽", "倒\u202e序", "\ufeff标题",
          "行\u2028分"]
MULTILINE = {"attachments", "body"}


@pytest.mark.parametrize("key", TEXT_KEYS)
@pytest.mark.parametrize("value", HIDDEN + ["第一行\n第二行"])
def test_hidden_characters_are_refused_naming_the_field(db, key, value):
    """A form has cleaned a paste already; what still holds a control, zero-width or bidi
    character is refused, naming the field (a multi-line field keeps its line breaks)."""
    fields = {**BASE_FIELDS, key: value}
    if key in MULTILINE and value == "第一行\n第二行":
        doc = outgoing.create_draft(actor("qianhy", D1), fields)
        assert getattr(OutgoingDocument.get_by_id(doc.id), key) == value
        return
    before = OutgoingDocument.select().count()
    with pytest.raises(ValidationError) as caught:
        outgoing.create_draft(actor("qianhy", D1), fields)
    assert caught.value.name == key and caught.value.field in FORM_LABELS
    assert "控制字符" in str(caught.value)
    assert OutgoingDocument.select().count() == before
