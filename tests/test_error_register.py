"""差错 register and quality statistics (SPEC §5; Supp. §5(四)(六)): recording, periods, counts
by category / section / person, the yearly evaluation, and their plain-text forms."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from helpers.outgoing_worker import new_draft

from govdesk.models import AuditEntry, ErrorRecord
from govdesk.services import org, outgoing
from govdesk.services.errors import NotFound, ValidationError
from govdesk.services.outgoing import error_register as er


def _name(login: str) -> str:
    return org.person_by_login(login).name


def _record(as_user, when, category, section, person=None, doc=None, note="标点有误"):
    return outgoing.record_error(as_user("lixm", when), doc.id if doc else None, category,
                                 section=section, person=person, note=note, step="秘书科核稿")


# ---------------------------------------------------------------------------- recording


def test_record_error(db, as_user):
    doc = new_draft(as_user("qianhy"))
    rec = _record(as_user, datetime(2026, 11, 26, 10), "文字差错", "综合调研科", "qianhy", doc)
    stored = ErrorRecord.get_by_id(rec.id)
    assert (stored.category, stored.section.code, stored.person.login, stored.by.login,
            stored.document_id, stored.step, stored.note) == (
        "文字差错", "diaoyan", "qianhy", "lixm", doc.id, "秘书科核稿", "标点有误")
    assert _record(as_user, datetime(2026, 11, 26, 11), "政策差错", "ban1").person is None
    assert AuditEntry.select().where(AuditEntry.action == "outgoing.error").count() == 2


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"category": "错别字"}, "差错类别"),
    ({"category": ""}, "差错类别"),
    ({"section": "不存在科"}, "责任科室"),
    ({"section": None}, "责任科室"),
    ({"person": "nobody"}, "责任人"),
    ({"note": "  "}, "差错说明"),
])
def test_record_error_validation(db, as_user, kwargs, field):
    args = {"category": "文字差错", "section": "diaoyan", "person": "qianhy", "note": "错字"}
    args.update(kwargs)
    category = args.pop("category")
    with pytest.raises(ValidationError) as err:
        outgoing.record_error(as_user("lixm"), None, category, **args)
    assert err.value.field == field
    if field == "差错类别":
        assert "文件倒流" in err.value.message  # lists the allowed categories
    assert ErrorRecord.select().count() == 0
    assert not AuditEntry.select().where(AuditEntry.action == "outgoing.error").exists()


def test_record_error_on_a_missing_document(db, as_user):
    with pytest.raises(NotFound):
        outgoing.record_error(as_user("lixm"), 4242, "文字差错", section="diaoyan", note="x")
    assert ErrorRecord.select().count() == 0


# ---------------------------------------------------------------------------- periods


@pytest.mark.parametrize(("kwargs", "bounds"), [
    ({"month": 1}, (date(2026, 1, 1), date(2026, 2, 1))),
    ({"month": 2}, (date(2026, 2, 1), date(2026, 3, 1))),
    ({"month": 11}, (date(2026, 11, 1), date(2026, 12, 1))),
    ({"month": 12}, (date(2026, 12, 1), date(2027, 1, 1))),
    ({"quarter": 1}, (date(2026, 1, 1), date(2026, 4, 1))),
    ({"quarter": 2}, (date(2026, 4, 1), date(2026, 7, 1))),
    ({"quarter": 3}, (date(2026, 7, 1), date(2026, 10, 1))),
    ({"quarter": 4}, (date(2026, 10, 1), date(2027, 1, 1))),
    ({}, (date(2026, 1, 1), date(2027, 1, 1))),
])
def test_period_bounds(kwargs, bounds):
    assert er.period_bounds(2026, **kwargs) == bounds


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"month": 0}, "月份"), ({"month": 13}, "月份"), ({"quarter": 0}, "季度"),
    ({"quarter": 5}, "季度"), ({"month": 1, "quarter": 1}, "统计期间"),
])
def test_period_bounds_refused(kwargs, field):
    with pytest.raises(ValidationError) as err:
        er.period_bounds(2026, **kwargs)
    assert err.value.field == field


# ---------------------------------------------------------------------------- statistics


@pytest.fixture
def errors(db, as_user):
    """Errors spread over the edges of months, quarters and years."""
    rows = [
        (datetime(2026, 9, 30, 23, 59), "政策差错", "ban1", "yej"),  # Q3
        (datetime(2026, 10, 1, 0, 0), "文字差错", "diaoyan", "qianhy"),  # Q4 starts
        (datetime(2026, 11, 15, 10), "政策差错", "diaoyan", "fengj"),
        (datetime(2026, 11, 30, 23, 59, 59), "文字差错", "ban1", "yej"),  # last of November
        (datetime(2026, 12, 1, 0, 0), "文种格式差错", "diaoyan", "qianhy"),  # first of December
        (datetime(2026, 12, 31, 23, 59, 59), "文件倒流", "mishu", None),  # last of the year
        (datetime(2027, 1, 1, 0, 0), "文字差错", "diaoyan", "qianhy"),  # next year
    ]
    for when, category, section, person in rows:
        _record(as_user, when, category, section, person)
    return rows


def _stats(**period):
    return er.statistics(*er.period_bounds(2026, **period))


def test_statistics_by_month(errors):
    nov = _stats(month=11)
    assert nov.total == 2
    assert nov.by_category == {"政策差错": 1, "文种格式差错": 0, "文字差错": 1, "文件倒流": 0}
    assert {k: dict(v) for k, v in nov.by_section.items()} == {
        "综合调研科": {"政策差错": 1}, "办一科": {"文字差错": 1}}
    assert {k: dict(v) for k, v in nov.by_person.items()} == {
        _name("fengj"): {"政策差错": 1}, _name("yej"): {"文字差错": 1}}

    dec = _stats(month=12)
    assert dec.total == 2
    assert dec.by_category["文种格式差错"] == 1 and dec.by_category["文件倒流"] == 1
    assert dict(dec.by_person["（未指明）"]) == {"文件倒流": 1}
    assert dict(dec.by_section["秘书科"]) == {"文件倒流": 1}
    assert _stats(month=10).total == 1 and _stats(month=9).total == 1
    assert _stats(month=1).total == 0


def test_statistics_by_quarter_and_year(errors):
    q4 = _stats(quarter=4)
    assert q4.total == 5
    assert q4.by_category == {"政策差错": 1, "文种格式差错": 1, "文字差错": 2, "文件倒流": 1}
    assert {k: sum(v.values()) for k, v in q4.by_section.items()} == {
        "综合调研科": 3, "办一科": 1, "秘书科": 1}
    assert sum(q4.by_person[_name("qianhy")].values()) == 2
    assert _stats(quarter=3).total == 1
    assert _stats().total == 6  # the whole of 2026; the 2027 one is not in it
    assert er.statistics(*er.period_bounds(2027, quarter=1)).total == 1


def test_statistics_text_contains_the_numbers(errors):
    text = er.statistics_text(_stats(quarter=4), "2026年第四季度公文差错统计")
    lines = text.splitlines()
    assert lines[0] == "2026年第四季度公文差错统计"
    assert "2026-10-01 至 2027-01-01" in lines[1]
    assert "差错合计：5 处" in text

    def row(first: str) -> list[str]:
        return next(line.split() for line in lines if line.split()[:1] == [first])

    assert row("文字差错") == ["文字差错", "2"]
    assert row("文件倒流") == ["文件倒流", "1"]
    assert row("综合调研科") == ["综合调研科", "1", "1", "1", "0", "3"]
    assert row("秘书科") == ["秘书科", "0", "0", "0", "1", "1"]
    assert row(_name("qianhy")) == [_name("qianhy"), "0", "1", "1", "0", "2"]
    assert row("（未指明）")[-1] == "1"
    empty = er.statistics_text(_stats(month=1), "2026年1月")
    assert "差错合计：0 处" in empty and "（无）" in empty


# ---------------------------------------------------------------------------- yearly evaluation


def test_yearly_evaluation(db, as_user):
    y26 = datetime(2026, 3, 2, 9)
    diaoyan = [new_draft(as_user("qianhy", y26)) for _ in range(3)]
    new_draft(as_user("songwb", y26))  # 办一科's own draft
    new_draft(as_user("songwb", y26), origin="department", drafting_unit="cz",
              review_section="ban1")  # a department's draft, counted for its review section
    new_draft(as_user("qianhy", datetime(2027, 1, 5, 9)))  # next year's
    when = datetime(2026, 6, 1, 10)
    _record(as_user, when, "文字差错", "diaoyan", "qianhy", diaoyan[0])
    _record(as_user, when, "政策差错", "diaoyan", "qianhy", diaoyan[0])  # same document
    _record(as_user, when, "文种格式差错", "diaoyan", "fengj", diaoyan[1])
    _record(as_user, when, "文字差错", "diaoyan", "fengj")  # no document named
    _record(as_user, datetime(2027, 2, 1, 10), "文字差错", "diaoyan", "qianhy", diaoyan[2])
    outgoing.report_backflow(as_user("lixm", when), diaoyan[2].id, "区长处发现")

    rows = {e.section: e for e in er.yearly_evaluation(2026)}
    assert "区政府领导" not in rows and "办公室领导" not in rows
    assert list(rows)[:2] == ["秘书科", "综合调研科"]
    d = rows["综合调研科"]
    assert (d.documents, d.with_errors) == (3, 3)
    assert d.errors == {"政策差错": 1, "文种格式差错": 1, "文字差错": 2, "文件倒流": 1}
    assert d.error_rate == 1.0
    b = rows["办一科"]
    assert (b.documents, b.with_errors, sum(b.errors.values()), b.error_rate) == (2, 0, 0, 0.0)
    assert rows["信息科"].documents == 0 and rows["信息科"].error_rate == 0.0

    nxt = {e.section: e for e in er.yearly_evaluation(2027)}["综合调研科"]
    # The 2027 error is on a 2026 document: counted among 2027's errors, but the rate only
    # counts 2027's own documents, so it never passes 100%.
    assert (nxt.documents, nxt.with_errors, nxt.errors["文字差错"]) == (1, 0, 1)
    assert nxt.error_rate == 0.0

    text = er.evaluation_text(2026)
    assert text.splitlines()[0] == "2026年度各科室公文质量评比表"
    line = next(x.split() for x in text.splitlines() if x.startswith("综合调研科"))
    assert line == ["综合调研科", "3", "3", "100%", "1", "1", "2", "1"]
    line = next(x.split() for x in text.splitlines() if x.startswith("办一科"))
    assert line == ["办一科", "2", "0", "0%", "0", "0", "0", "0"]


def test_yearly_evaluation_rate(db, as_user):
    y26 = datetime(2026, 5, 6, 9)
    docs = [new_draft(as_user("hanl", y26)) for _ in range(4)]
    _record(as_user, y26, "文字差错", "xinxi", "hanl", docs[0])
    row = next(e for e in er.yearly_evaluation(2026) if e.section == "信息科")
    assert (row.documents, row.with_errors, row.error_rate) == (4, 1, 0.25)
    assert "25%" in next(x for x in er.evaluation_text(2026).splitlines()
                         if x.startswith("信息科"))
