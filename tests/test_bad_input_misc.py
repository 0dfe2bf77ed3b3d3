"""Hostile input to the schedule, 差错 statistics, pickers and the admin's tools (issue 4,
item 4); see test_bad_input.py for the property and helpers.bad_input for the values."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers.bad_input import (
    FAST,
    WRONG_TYPES,
    anything,
    check,
    datetimes,
    mostly,
    report,
    strip,
    texts,
)
from hypothesis import example, given
from hypothesis import strategies as st

from govdesk.models import Absence, ScheduleEntry
from govdesk.services import maintenance, org, schedule
from govdesk.services.outgoing import error_register
from tests.conftest import actor

START = datetime(2026, 11, 30, 9, 0)
END = datetime(2026, 11, 30, 11, 0)
SCHEDULE_LABELS = {"领导", "事项", "地点", "开始时间", "结束时间"}
ABSENCE_LABELS = {"领导", "离开时间", "返回时间", "去向", "事由", "联系方式", "文件处理",
                  "代理人"}


@pytest.fixture(scope="module", autouse=True)
def _examples(request):
    yield
    report(request.config, "日程、差错统计、选择器、维护 (test_bad_input_misc)")


@pytest.fixture
def clerk(db):
    return actor("lixm")


def people() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(["zhaogl", "wangjm"]).map(org.person_by_login), anything())


def moments() -> st.SearchStrategy:
    return st.one_of(st.sampled_from([START, END]), datetimes())


# ---------------------------------------------------------------------------- schedule


@FAST
@given(person=people(), start=mostly(START, moments()), end=mostly(END, moments()),
       title=mostly("区政府常务会议", st.one_of(texts(), anything())),
       place=mostly("", st.one_of(texts(), anything())))
@example(person="zhaogl", start=START, end=END, title="  常务会议😀 ", place="'; DROP TABLE x; --")
def test_add_entry(clerk, person, start, end, title, place):
    person = org.person_by_login(person) if person == "zhaogl" else person
    def stored(entry):
        got = ScheduleEntry.get_by_id(entry.id)
        assert (got.person_id, got.start, got.end, got.title, got.place) == (
            person.id, start, end, title.strip(), strip(place) or "")

    check("schedule.add_entry",
          lambda: schedule.add_entry(clerk, person, start, end, title, place),
          labels=SCHEDULE_LABELS, stored=stored)


@FAST
@given(person=people(), start=mostly(START, moments()), end=mostly(END, moments()),
       destination=mostly("杭州", st.one_of(texts(), anything())),
       reason=mostly("", st.one_of(texts(), anything())),
       acting=st.one_of(st.none(), people()))
@example(person="zhaogl", start=START, end=END, destination=" 杭州 🚄 ", reason="\u202e会议",
         acting=None)
def test_add_absence(clerk, person, start, end, destination, reason, acting):
    person = org.person_by_login(person) if person == "zhaogl" else person
    def stored(absence):
        got = Absence.get_by_id(absence.id)
        assert (got.person_id, got.start, got.end, got.destination, got.reason) == (
            person.id, start, end, strip(destination) or "", strip(reason) or "")
        if acting is not None:
            assert got.acting_id == acting.id

    check("schedule.add_absence",
          lambda: schedule.add_absence(clerk, person, start, end, destination=destination,
                                       reason=reason, acting=acting),
          labels=ABSENCE_LABELS, stored=stored)


# ---------------------------------------------------------------------------- 差错 statistics


@FAST
@given(year=st.one_of(st.integers(2000, 2100), st.integers(-10, 10**5), st.sampled_from([1, 9999, 10000, 2**63]),
                      anything()),
       month=st.one_of(st.none(), st.integers(-2, 14), anything()),
       quarter=st.one_of(st.none(), st.integers(-2, 6), anything()))
@example(year=2026, month=12, quarter=None)
@example(year=2026, month=None, quarter=4)
def test_period_bounds(clerk, year, month, quarter):
    def stored(bounds):
        start, end = bounds
        assert isinstance(start, date) and start < end

    check("error_register.period_bounds",
          lambda: error_register.period_bounds(year, month=month, quarter=quarter),
          labels={"统计期间", "年度", "月份", "季度"}, stored=stored)


@FAST
@given(start=st.one_of(st.dates(), st.sampled_from([date(1, 1, 1), date(9999, 12, 31)]),
                       anything()),
       end=st.one_of(st.dates(), st.sampled_from([date(1, 1, 1), date(9999, 12, 31)]),
                     anything()))
def test_statistics(clerk, start, end):
    check("error_register.statistics", lambda: error_register.statistics(start, end),
          labels={"统计期间", "开始日期", "结束日期"},
          stored=lambda stats: stats.total == 0)


# ---------------------------------------------------------------------------- pickers


@FAST
@given(query=st.one_of(texts(), anything()),
       limit=st.one_of(st.integers(-5, 100), st.sampled_from([10**12, 2**63]), anything()))
def test_pick_people(clerk, query, limit):
    def stored(rows):
        assert all(isinstance(p, org.PersonChoice) for p in rows)  # plain, never a row

    check("org.pick_people", lambda: org.pick_people(query, limit), labels={"查找", "条数"},
          stored=stored)


@FAST
@given(query=st.one_of(texts(), anything()),
       limit=st.one_of(st.integers(-5, 100), st.sampled_from([10**12, 2**63]), anything()))
def test_pick_units(clerk, query, limit):
    check("org.pick_units", lambda: org.pick_units(query, limit), labels={"查找", "条数"},
          stored=lambda rows: isinstance(rows, list))


def test_pickers_still_find_by_pinyin(clerk):
    """Hostile queries are refused or find nothing; the ordinary ones still work."""
    assert [p.login for p in org.pick_people("zgl")] == ["zhaogl"]
    assert "cz" in [u.code for u in org.pick_units("财政")]
    assert org.pick_people("'; DROP TABLE person; --") == []


# ---------------------------------------------------------------------------- maintenance

_names = itertools.count()


def paths(tmp: Path) -> st.SearchStrategy:
    name = texts().map(lambda text: tmp / f"{next(_names)}-{text[:300]}")
    return st.one_of(name, st.just(tmp / "no-such-dir" / "x.db"), st.just(tmp),
                     st.sampled_from([*WRONG_TYPES, "", "\x00", "a" * 5000]))


@FAST
@given(data=st.data())
def test_backup(clerk, tmp_path, data):
    out = data.draw(st.one_of(st.just(tmp_path / f"ok-{next(_names)}.db"), paths(tmp_path)),
                    "out")

    def stored(path):
        assert Path(path).exists() and maintenance.verify(Path(path)) == "ok"

    check("maintenance.backup", lambda: maintenance.backup(clerk, out),
          labels={"备份文件"}, stored=stored, transaction=False)


@FAST
@given(data=st.data())
def test_restore(clerk, tmp_path, data):
    good = tmp_path / "good.db"
    if not good.exists():
        maintenance.backup(clerk, good)
        (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    source = data.draw(st.one_of(st.sampled_from([good, tmp_path / "junk.db"]),
                                 paths(tmp_path)), "source")
    target = data.draw(st.one_of(st.just(tmp_path / f"target-{next(_names)}.db"),
                                 paths(tmp_path)), "target")

    def stored(path):
        assert maintenance.verify(Path(path)) == "ok"

    check("maintenance.restore", lambda: maintenance.restore(clerk, source, target),
          labels={"备份文件", "数据库文件"}, stored=stored)


@FAST
@given(since=datetimes())
def test_audit_lines(clerk, since):
    check("maintenance.audit_lines", lambda: maintenance.audit_lines(clerk, since),
          labels={"起始时间"}, stored=lambda lines: isinstance(lines, list))
