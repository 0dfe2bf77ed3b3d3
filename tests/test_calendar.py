"""Working days (SPEC §16) and the 收文 deadlines built on them (SPEC §3, data/rules.toml)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import chinese_calendar
import pytest

from govdesk.services import calendar as calendar_service
from govdesk.services import incoming, rules
from govdesk.services.calendar import WorkCalendar, office_calendar

D = date


@pytest.fixture
def cal() -> WorkCalendar:
    return office_calendar()


def test_weekends_are_skipped(cal):
    assert cal.is_workday(D(2026, 11, 27))  # Friday
    assert not cal.is_workday(D(2026, 11, 28))  # Saturday
    assert not cal.is_workday(D(2026, 11, 29))  # Sunday
    assert cal.add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)
    assert cal.add_working_days(D(2026, 11, 26), 3) == D(2026, 12, 1)
    assert cal.add_working_days(D(2026, 11, 26), 0) == D(2026, 11, 26)


def test_public_holidays_are_skipped(cal):
    # 2026 National Day: 1–7 October off (the library's official schedule).
    for day in range(1, 8):
        assert not cal.is_workday(D(2026, 10, day)), day
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # 2026 New Year's Day (Thursday) and 2 Jan (Friday) are off.
    assert cal.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)


def test_makeup_saturdays_and_sundays_count(cal):
    # 调休: Sunday 4 Jan, Saturday 14 Feb, Sunday 20 Sep, Saturday 10 Oct 2026 are working days.
    for day in (D(2026, 1, 4), D(2026, 2, 14), D(2026, 9, 20), D(2026, 10, 10)):
        assert day.weekday() >= 5
        assert cal.is_workday(day), day
    assert cal.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert cal.add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)


def test_library_agrees_on_golden_week_2026():
    # The expectations above are the official schedule, not our own guess.
    assert chinese_calendar.is_holiday(D(2026, 10, 7))
    assert chinese_calendar.is_workday(D(2026, 10, 10))
    assert chinese_calendar.get_holiday_detail(D(2026, 10, 1))[1] == "National Day"


def test_urgent_document_received_before_national_day_is_due_after_it(cal):
    # 特急: 3 working days. From Wed 30 Sep: Thu 8 Oct, Fri 9 Oct, makeup Sat 10 Oct.
    assert incoming.document_due("特急", D(2026, 9, 30)) == D(2026, 10, 10)
    # The same through the register: what the clerk sees on the record.
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3


def test_urgent_document_registered_before_national_day(db, as_user):
    clerk = as_user("lixm")
    doc = incoming.register(clerk, {
        "from_unit": "cz", "title": "关于国庆期间安全生产的紧急报告", "doc_kind": "报告",
        "urgency": "特急", "received_on": "2026-09-30",
    })
    assert doc.due == D(2026, 10, 10)
    plain = incoming.register(clerk, {
        "from_unit": "cz", "title": "普通件", "doc_kind": "报告", "received_on": "2026-09-30",
    })
    assert plain.due is None


def test_jiaji_is_a_week_of_five_working_days():
    # Supp. §3(三)3 "一周内", counted as 特急's 3 days are: five working days (rules.toml).
    # An ordinary week: Thursday + 5 working days = Thursday.
    assert incoming.document_due("加急", D(2026, 11, 26)) == D(2026, 12, 3)
    # Saturday 21 Nov: Mon 23 … Fri 27 Nov.
    assert incoming.document_due("加急", D(2026, 11, 21)) == D(2026, 11, 27)
    # Sunday 27 Sep: 28, 29, 30 Sep, then National Day, then 8 and 9 Oct.
    assert incoming.document_due("加急", D(2026, 9, 27)) == D(2026, 10, 9)
    # Friday 2 Oct (a holiday): 8, 9, makeup Saturday 10, 12, 13 Oct.
    assert incoming.document_due("加急", D(2026, 10, 2)) == D(2026, 10, 13)


def test_jiaji_is_never_due_before_teji_received_the_same_day(cal):
    # Received Wed 30 Sep 2026: 特急 3 working days → makeup Sat 10 Oct; 加急 5 → Tue 13 Oct.
    # (As 7 natural days, 加急 fell due on 8 Oct, before the 特急 one.)
    assert incoming.document_due("特急", D(2026, 9, 30)) == D(2026, 10, 10)
    assert incoming.document_due("加急", D(2026, 9, 30)) == D(2026, 10, 13)
    start = D(2026, 9, 1)
    for n in range(120):
        day = start + timedelta(days=n)
        assert incoming.document_due("加急", day) > incoming.document_due("特急", day), day


def test_seed_word_jijian_is_accepted_as_jiaji(db, as_user):
    doc = incoming.register(as_user("lixm"), {
        "from_unit": "cz", "title": "急件", "doc_kind": "报告", "urgency": "急件",
        "received_on": "2026-11-26",
    })
    assert doc.urgency == "加急"
    assert doc.due == D(2026, 12, 3)


def test_unknown_day_kind_is_refused(cal):
    with pytest.raises(ValueError):
        cal.due(D(2026, 11, 26), 3, "lunar")


def test_working_days_between(cal):
    assert cal.working_days_between(D(2026, 11, 26), D(2026, 11, 26)) == 0
    assert cal.working_days_between(D(2026, 11, 27), D(2026, 11, 30)) == 1  # Fri → Mon
    assert cal.working_days_between(D(2026, 11, 23), D(2026, 11, 26)) == 3
    # Across golden week with its makeup Saturday: 8, 9, 10, 12 October.
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert cal.working_days_between(D(2026, 10, 12), D(2026, 9, 30)) == -4
    # Consistent with add_working_days.
    start = D(2026, 9, 25)
    for n in range(0, 15):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


# ---------------------------------------------------------------------------- 2027: the table

TABLE_2027 = {
    # A made-up but realistic 2027 golden week, entered by the office from the notice.
    "2027": {
        "holidays": ["2027-10-01", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07"],
        "workdays": ["2027-09-26", "2027-10-09"],
    }
}


def test_library_has_no_2027_data():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 10, 1))


def test_table_is_used_when_the_library_has_no_data():
    cal = WorkCalendar.from_table(TABLE_2027)
    assert not cal.is_workday(D(2027, 10, 1))  # Friday, a holiday per the table
    assert cal.is_workday(D(2027, 9, 26))  # Sunday makeup
    assert cal.is_workday(D(2027, 10, 9))  # Saturday makeup
    assert not cal.is_workday(D(2027, 10, 10))  # ordinary Sunday
    # Thu 30 Sep 2027 + 3 working days: Fri 8 Oct, Sat 9 Oct (makeup), Mon 11 Oct.
    assert cal.add_working_days(D(2027, 9, 30), 3) == D(2027, 10, 11)
    assert cal.due(D(2027, 9, 28), 7, "natural") == D(2027, 10, 8)
    # Without the table, 2027 falls back to weekends and the statutory holidays (国庆 1–3
    # October, 《全国年节及纪念日放假办法》), without the 调休 swaps (and does not crash).
    bare = WorkCalendar()
    assert not bare.is_workday(D(2027, 10, 1))
    assert bare.is_workday(D(2027, 10, 4))  # off only once the year's schedule says so
    assert not bare.is_workday(D(2027, 10, 9))
    assert bare.add_working_days(D(2027, 9, 30), 3) == D(2027, 10, 6)


def test_table_year_overrides_the_library_entirely():
    # A year in the table replaces the library's schedule for that year only.
    cal = WorkCalendar.from_table({"2026": {"holidays": ["2026-11-27"], "workdays": []}})
    assert not cal.is_workday(D(2026, 11, 27))
    assert cal.is_workday(D(2026, 10, 1))  # library holiday, not in the table
    assert not cal.is_workday(D(2025, 10, 1))  # other years still from the library


@pytest.fixture
def data_with_2027(tmp_path, monkeypatch):
    """A copy of data/ whose holidays.toml has 2027 filled in, with the caches reset."""
    data = tmp_path / "data"
    shutil.copytree(rules.data_dir(), data)
    (data / "holidays.toml").write_text(
        '[2027]\n'
        'holidays = ["2027-10-01", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07"]\n'
        'workdays = ["2027-09-26", "2027-10-09"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GOVDESK_DATA", str(data))
    rules.load_toml.cache_clear()
    calendar_service.office_calendar.cache_clear()
    yield data
    monkeypatch.delenv("GOVDESK_DATA")
    rules.load_toml.cache_clear()
    calendar_service.office_calendar.cache_clear()


def test_office_calendar_reads_the_data_file(data_with_2027):
    assert incoming.document_due("特急", D(2027, 9, 30)) == D(2027, 10, 11)
    assert not office_calendar().is_workday(D(2027, 10, 1))
    # 2026 still comes from the library.
    assert incoming.document_due("特急", D(2026, 9, 30)) == D(2026, 10, 10)


def test_office_calendar_copes_with_years_the_library_does_not_know():
    rules.load_toml.cache_clear()
    calendar_service.office_calendar.cache_clear()
    cal = office_calendar()
    assert not cal.is_workday(D(2027, 3, 14))  # an ordinary Sunday
    assert cal.is_workday(D(2027, 3, 17))  # an ordinary Wednesday
    assert cal.add_working_days(D(2027, 3, 12), 1) == D(2027, 3, 15)
