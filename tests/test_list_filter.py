"""The filter line's syntax (pure), its conditions in the lists' own queries, and documents
found by their number exactly (services.list_filter, services.doc_numbers)."""

from __future__ import annotations

from datetime import date

import pytest

from govdesk.models import IncomingDocument
from govdesk.services import doc_numbers, incoming, list_filter, org, outgoing, section_work
from govdesk.services.errors import ValidationError
from tests.conftest import TODAY

MISHU = ("mishu",)


def test_the_line_reads_keywords_aliases_full_width_and_free_words():
    flt = list_filter.parse("类:收文 急:特急,加急 在办:黄晓敏 单位:财政 期限:11-01..11-30 防汛",
                            TODAY)
    assert flt.kinds == ("incoming",)
    assert flt.urgencies == ("特急", "加急")
    assert flt.holders == ("黄晓敏",)
    assert flt.units == ("财政",)
    assert (flt.since, flt.until) == (date(TODAY.year, 11, 1), date(TODAY.year, 11, 30))
    assert flt.words == ("防汛",)
    same = list_filter.parse("kind:incoming urgency：特急、加急 holder:黄晓敏 unit:財政 "
                             f"due:{TODAY.year}-11-01..{TODAY.year}-11-30 防汛", TODAY)
    assert (same.kinds, same.urgencies, same.units, same.since, same.until) == (
        flt.kinds, flt.urgencies, flt.units, flt.since, flt.until)
    assert list_filter.parse("類：發文", TODAY).kinds == ("outgoing",)
    assert list_filter.parse("期限:..12-01", TODAY).until == date(TODAY.year, 12, 1)
    assert list_filter.parse("期限:..12-01", TODAY).since is None
    assert list_filter.parse("", TODAY).empty


@pytest.mark.parametrize("line, token", [
    ("类:公文", "类:公文"), ("急:很急", "急:很急"), ("期限:13-45", "期限:13-45"),
    ("颜色:红", "颜色:红"), ("期限:12-01..11-01", "期限:12-01..11-01"), ("在办:", "在办:"),
])
def test_a_bad_token_is_refused_naming_it(line, token):
    with pytest.raises(ValidationError) as err:
        list_filter.parse(f"防汛 {line}", TODAY)
    assert token in str(err.value)


def test_a_holder_nobody_is_named_is_refused(demo_db, as_user):
    with pytest.raises(ValidationError) as err:
        list_filter.check(as_user("lixm"), "在办:无此人")
    assert "无此人" in str(err.value)


def _items(clerk, line, codes=MISHU):
    where = list_filter.task_condition(clerk, list_filter.check(clerk, line))
    items = section_work.section_items(clerk, codes, where=where)
    assert section_work.section_count(clerk, codes, where=where) == len(items)
    return items


def test_a_task_list_is_narrowed_in_its_own_query(demo_db, as_user):
    clerk = as_user("lixm")
    whole = section_work.section_items(clerk, MISHU)
    incoming_only = _items(clerk, "类:收文")
    assert incoming_only and {i.kind for i in incoming_only} == {"incoming"}
    assert [i.task_id for i in incoming_only] == [i.task_id for i in whole
                                                  if i.kind == "incoming"]
    urgent = _items(clerk, "急:加急 類：收文")
    assert urgent and {(i.kind, i.urgency) for i in urgent} == {("incoming", "加急")}
    november = _items(clerk, "期限:11-01..11-30")
    assert november and all(i.due and i.due.month == 11 for i in november)
    assert [i.task_id for i in _items(clerk, "状态:初审")] == [
        i.task_id for i in whole if i.step == "初审"]
    held = _items(clerk, "在办:秘书科")
    assert len(held) == len(whole)
    word = whole[0].title[3:5]
    assert {i.task_id for i in _items(clerk, word)} == {i.task_id for i in whole
                                                        if word in i.title}


def test_a_secret_title_or_unit_is_never_matched_above_clearance(demo_db, as_user):
    """张雨婷 (no clearance) sees a secret document's row redacted; her filter must not tell its
    title or its 来文单位 apart."""
    doc = IncomingDocument.get(IncomingDocument.number == "收〔2026〕30号")  # 密级 2
    word = doc.title[2:6]
    unit = doc.from_name[-4:]
    for login, cleared in (("lixm", True), ("zhangyt", False)):
        clerk = as_user(login)
        for line in (word, f"单位:{unit}"):
            found = {i.record_id for i in _items(clerk, line) if i.kind == "incoming"}
            assert (doc.id in found) == cleared, (login, line)
            rows = incoming.register_page(clerk, filter=line)
            assert (doc.id in {r.id for r in rows}) == cleared, (login, line)


def test_registers_take_the_filter_line(demo_db, as_user):
    clerk = as_user("lixm")
    rows = incoming.register_page(clerk, filter="急:加急")
    assert rows and {r.urgency for r in rows} == {"加急"}
    rows = incoming.register_page(clerk, filter="单位:信访")
    assert rows and all("信访" in r.from_name for r in rows)
    day = incoming.register_page(clerk, limit=1)[0].received_on
    rows = incoming.register_page(clerk, filter=f"期限:{day:%m-%d}..{day:%m-%d}")
    assert rows and {r.received_on for r in rows} == {day}
    rows = incoming.register_page(clerk, filter="在办:林振华")
    assert rows and all("林振华" in r.holders for r in rows)
    assert incoming.register_page(clerk, filter="类:发文") == []
    out = outgoing.register_page(clerk, filter="状态:审核")
    assert out and {r.state for r in out} == {"审核中"}
    with pytest.raises(ValidationError):
        incoming.register_page(clerk, filter="急:很急")


def test_a_number_is_found_exactly(demo_db, as_user):
    clerk = as_user("lixm")
    year = TODAY.year
    for text in (f"收〔{year}〕21号", f"收[{year}]21号", f"收({year})21", f"收（{year}）21号",
                 "21"):
        assert [(f.kind, f.number) for f in doc_numbers.find(clerk, text)] == [
            ("incoming", f"收〔{year}〕21号")], text
    assert [f.number for f in doc_numbers.find(clerk, f"黄政发〔{year}〕2号")] == [
        f"黄政发〔{year}〕2号"]
    assert [f.number for f in doc_numbers.find(clerk, f"黃政發[{year}]2号")] == [
        f"黄政发〔{year}〕2号"]
    assert sorted(f.number for f in doc_numbers.find(clerk, "2", "outgoing")) == sorted(
        [f"黄政发〔{year}〕2号", f"黄政办发〔{year}〕2号"])
    assert doc_numbers.find(clerk, "99") == []
    assert doc_numbers.find(clerk, "防汛") == []


def test_a_secret_number_is_not_found_by_someone_not_cleared(demo_db, as_user):
    year = TODAY.year
    assert doc_numbers.find(as_user("lixm"), f"收〔{year}〕5号")
    assert doc_numbers.find(as_user("zhangyt"), f"收〔{year}〕5号") == []
    assert doc_numbers.find(as_user("zhangyt"), f"收〔{year}〕21号")


def test_the_register_box_answers_a_number_with_that_number_only(demo_db, as_user):
    clerk = as_user("lixm")
    assert [r.number for r in incoming.register_page(clerk, text="2")] == [
        f"收〔{TODAY.year}〕2号"]
    assert [r.number for r in incoming.register_page(clerk, text=f"收({TODAY.year})21号")] == [
        f"收〔{TODAY.year}〕21号"]
    assert [r.number for r in outgoing.register_page(clerk, text=f"黄政发[{TODAY.year}]1")] == [
        f"黄政发〔{TODAY.year}〕1号"]


def test_the_one_search_answers_a_number_with_that_document(demo_db, as_user):
    from govdesk.services import search

    year = TODAY.year
    for login, expected in (("lixm", [f"收〔{year}〕5号"]), ("zhangyt", [])):
        groups = search.search(as_user(login), f"收[{year}]5号")
        assert [h.number for g in groups for h in g.hits] == expected, login
    groups = search.search(as_user("lixm"), f"黄政发（{year}）1号")
    assert [h.number for g in groups for h in g.hits] == [f"黄政发〔{year}〕1号"]


def test_the_deadlines_take_the_filter_line(demo_db, as_user):
    from govdesk.services import inbox

    head = as_user("linzh")  # 主任: everyone's deadlines
    whole = inbox.deadlines(head)
    where = list_filter.task_condition(head, list_filter.check(head, "类:发文"))
    rows = inbox.deadlines(head, where=where)
    assert rows and {r.kind for r in rows} == {"outgoing"}
    assert {r.flow_id for r in rows} == {r.flow_id for r in whole if r.kind == "outgoing"}
    assert inbox.deadline_counts(head, where=where).total == len(rows)


def test_a_holder_is_found_in_either_script_or_by_initials(demo_db):
    head = org.person_by_login("linzh")
    for name in ("林振华", "林振華", "lzh", "linzhen"):
        people, _sections = list_filter.holder_ids((name,))
        assert head.id in people, name
    _people, sections = list_filter.holder_ids(("祕書科",))
    assert sections


def test_a_register_pages_oldest_first_through_its_keyset(demo_db, as_user):
    """S on a register's 编号: every page read by id through the register's own query, the
    pages below and above joining up, Home and End at either end."""
    from govdesk.screens.list_view import register_keyset
    from govdesk.services.register_sort import Sort
    from govdesk.widgets.paged_table import ABOVE, BELOW, FIRST, LAST, read_pages

    clerk = as_user("lixm")

    def loader(page):
        rows = incoming.register_page(clerk, **register_keyset(page, Sort("number", False)))
        return [(r.cursor, r.number) for r in rows]

    def ids(rows):
        return [int(str(k)) for k, _ in rows]

    every = sorted(r.id for r in incoming.register_page(clerk, limit=500))
    got = read_pages(loader, FIRST, None, 7)
    seen = list(got.rows)
    while True:
        more = read_pages(loader, BELOW, seen[-1][0], 7)
        seen += more.rows
        if more.at_bottom:
            break
    assert ids(seen) == every and got.at_top
    last = read_pages(loader, LAST, None, 7)
    assert ids(last.rows) == every[-7:] and last.at_bottom
    above = read_pages(loader, ABOVE, every[10], 7)
    assert ids(above.rows) == every[3:10]


def test_the_one_search_puts_this_years_number_first_for_a_bare_number(demo_db, as_user):
    from govdesk.services import search

    groups = {g.kind: g for g in search.search(as_user("lixm"), "2")}
    incoming_hits = [h.number for h in groups["incoming"].hits]
    assert incoming_hits[0] == f"收〔{TODAY.year}〕2号"
    assert len(incoming_hits) == len(set(incoming_hits))
    outgoing_first = {h.number for h in groups["outgoing"].hits[:2]}
    assert outgoing_first == {f"黄政发〔{TODAY.year}〕2号", f"黄政办发〔{TODAY.year}〕2号"}
    # 张雨婷 is not cleared for 黄政办发〔…〕1号 (秘密): it is not among her hits at all.
    hers = {h.number for g in search.search(as_user("zhangyt"), "1") for h in g.hits}
    assert f"黄政办发〔{TODAY.year}〕1号" not in hers


def test_a_number_no_document_bears_is_looked_for_as_words(db, as_user):
    """88号 names no 收文 of this year: the box finds the 来文字号 that holds it, and only for
    someone cleared for it."""
    from tests.test_engine import register

    clerk = as_user("lixm")
    register(clerk, title="关于某事的报告", doc_number="黄财〔2026〕88号", secrecy="秘密",
             from_name="某保密单位", from_unit=None)
    register(clerk, title="关于另一事的报告", doc_number="黄财〔2026〕7号")
    assert [r.title for r in incoming.register_page(clerk, text="88号")] == ["关于某事的报告"]
    assert incoming.register_page(as_user("zhangyt"), text="88号") == []
    # 收〔2026〕2号 exists: the bare 2 is that document only, not 黄财〔2026〕88号's digits.
    assert [r.number for r in incoming.register_page(clerk, text="2")] == ["收〔2026〕2号"]


def test_类_信访_narrows_a_task_list_and_the_deadlines_to_the_petitions(demo_db, as_user):
    """The demo's 信访 cases wait at 督查室 (拟办, 转办, 反馈, 审核): 类:信访 (or 類：信訪, kind:
    petition) keeps those tasks and only those, on the section's list and the deadlines."""
    from govdesk.services import inbox

    assert list_filter.parse("类:信访", TODAY).kinds == ("petition",)
    assert list_filter.parse("類：信訪", TODAY).kinds == ("petition",)
    assert list_filter.parse("kind:petition", TODAY).kinds == ("petition",)
    clerk = as_user("shenyj")  # 督查室
    ducha = ("ducha",)
    whole = section_work.section_items(clerk, ducha)
    where = list_filter.task_condition(clerk, list_filter.check(clerk, "类:信访"))
    cases = section_work.section_items(clerk, ducha, where=where)
    assert cases and {i.kind for i in cases} == {"petition"}
    assert [i.task_id for i in cases] == [i.task_id for i in whole if i.kind == "petition"]
    assert len(cases) < len(whole)  # the 督查事项 and 建议提案 are left out
    head = as_user("linzh")  # 主任: everyone's deadlines, the late 信访 answer among them
    where = list_filter.task_condition(head, list_filter.check(head, "类:信访"))
    rows = inbox.deadlines(head, where=where)
    assert rows and {r.kind for r in rows} == {"petition"}
    assert {r.flow_id for r in rows} == {r.flow_id for r in inbox.deadlines(head)
                                         if r.kind == "petition"}
