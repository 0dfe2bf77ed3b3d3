"""Working days in a year whose 调休 schedule is not published yet (SPEC §16): the statutory
holidays of 《全国年节及纪念日放假办法》 (as amended 2024) are days off all the same; a year in
data/holidays.toml is authoritative; admins are told when a schedule is missing."""

from __future__ import annotations

import shutil
from datetime import date

import chinese_calendar
import pytest

from govdesk.models import Person
from govdesk.services import calendar as calendar_service
from govdesk.services import incoming, rules, today
from govdesk.services.calendar import (
    WorkCalendar,
    office_calendar,
    schedule_notice,
    statutory_holidays,
)
from govdesk.services.rules import RulesError, Source

D = date


@pytest.fixture
def fresh_calendar():
    """The office calendar read again from the data folder, before and after the test."""
    rules.reload()
    calendar_service.office_calendar.cache_clear()
    yield
    rules.reload()
    calendar_service.office_calendar.cache_clear()


@pytest.fixture
def data(tmp_path, monkeypatch, fresh_calendar):
    copy = tmp_path / "data"
    shutil.copytree(rules.data_dir(), copy)
    monkeypatch.setenv("GOVDESK_DATA", str(copy))
    return copy


def test_library_knows_2026_but_not_2027():
    assert calendar_service.library_knows(2026)
    assert not calendar_service.library_knows(2027)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))


def test_statutory_holidays_of_2027():
    days = statutory_holidays(2027)
    assert days[D(2027, 1, 1)] == "元旦"
    # 春节 4 days from 除夕: 正月初一 2027 is Sat 6 Feb, so Fri 5 Feb … Mon 8 Feb.
    assert [d for d, name in sorted(days.items()) if name == "春节"] == [
        D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)]
    assert days[D(2027, 4, 5)] == "清明节"  # the solar term
    assert days[D(2027, 5, 1)] == days[D(2027, 5, 2)] == "劳动节"
    assert days[D(2027, 6, 9)] == "端午节"  # 五月初五
    assert days[D(2027, 9, 15)] == "中秋节"  # 八月十五
    assert [d for d, name in sorted(days.items()) if name == "国庆节"] == [
        D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)]
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_holidays_agree_with_the_published_schedules(year):
    # Under the amended rules (in force from 2025) every statutory day is off in the official
    # schedule, which the library holds.
    for day, name in statutory_holidays(year).items():
        assert not chinese_calendar.is_workday(day), (day, name)


def test_new_years_day_2027_is_skipped(fresh_calendar):
    # 特急 received Wed 30 Dec 2026: Thu 31 Dec, (Fri 1 Jan 2027 off), Mon 4, Tue 5 Jan.
    assert not office_calendar().is_workday(D(2027, 1, 1))
    assert incoming.document_due("特急", D(2026, 12, 30)) == D(2027, 1, 5)


def test_spring_festival_2027_is_skipped(fresh_calendar):
    cal = office_calendar()
    assert not cal.is_workday(D(2027, 2, 5))  # 除夕, a Friday
    assert not cal.is_workday(D(2027, 2, 8))  # 正月初三, a Monday
    assert cal.is_workday(D(2027, 2, 9))
    # 加急 received Thu 4 Feb 2027: 9, 10, 11, 12, 15 Feb.
    assert incoming.document_due("加急", D(2027, 2, 4)) == D(2027, 2, 15)


def test_a_year_in_holidays_toml_is_authoritative(data):
    # The notice of the year gives 1 Jan 2027 as a working day (made up): the table wins.
    (data / "holidays.toml").write_text(
        '[2027]\nholidays = ["2027-01-05"]\nworkdays = []\n', encoding="utf-8")
    cal = office_calendar()
    assert cal.is_workday(D(2027, 1, 1))
    assert not cal.is_workday(D(2027, 1, 5))
    assert cal.is_workday(D(2027, 10, 1))  # statutory, but not in the table: worked
    # Thu 31 Dec, Fri 1 Jan (worked, per the table), Mon 4 Jan.
    assert incoming.document_due("特急", D(2026, 12, 30)) == D(2027, 1, 4)


def test_holidays_table_accepts_toml_dates(data):
    (data / "holidays.toml").write_text(
        "[2027]\nholidays = [2027-01-01, 2027-10-01]\nworkdays = [2027-09-26]\n",
        encoding="utf-8")
    cal = office_calendar()
    assert not cal.is_workday(D(2027, 10, 1))
    assert cal.is_workday(D(2027, 9, 26))


@pytest.mark.parametrize(("text", "key", "line", "words"), [
    ('[2027]\nholidays = ["2027-02-30"]\n', "2027.holidays", 2, "2027-02-30"),
    ('[2027]\nholidays = ["2028-01-01"]\n', "2027.holidays", 2, "不在 2027 年"),
    ('[2027]\nholiday = ["2027-01-01"]\n', "2027.holiday", 2, "未知的项"),
    ('[2027]\nholidays = ["2027-01-01"]\nworkdays = ["2027-01-01"]\n', "2027.workdays", 3,
     "既是放假日又是上班日"),
    ('[next]\nholidays = []\n', "next", 1, "应为年份"),
    ('[2027]\nholidays = "2027-01-01"\n', "2027.holidays", 2, "应为日期列表"),
])
def test_holidays_table_faults_are_named(tmp_path, text, key, line, words):
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        WorkCalendar.from_table(rules.read_toml(path), Source(path))
    assert (caught.value.key, caught.value.line) == (key, line)
    assert words in str(caught.value) and str(path) in str(caught.value)


# ---------------------------------------------------------------------------- admins told


def admin(flag: bool = True) -> Person:
    return Person(login="x", name="管理员", admin=flag)


def test_admins_are_told_from_november_that_next_years_schedule_is_missing(fresh_calendar):
    notice = schedule_notice(admin(), D(2026, 11, 2))
    assert notice is not None and "2027" in notice and "holidays.toml" in notice
    assert schedule_notice(admin(), D(2026, 10, 30)) is None  # not yet due
    assert schedule_notice(admin(False), D(2026, 11, 2)) is None  # only admins can fix it


def test_admins_are_told_when_this_years_schedule_is_missing(fresh_calendar):
    notice = schedule_notice(admin(), D(2027, 3, 1))
    assert notice is not None and "2027" in notice


def test_no_notice_once_the_year_is_entered(data):
    (data / "holidays.toml").write_text('[2027]\nholidays = ["2027-01-01"]\n', encoding="utf-8")
    assert schedule_notice(admin(), D(2026, 11, 2)) is None
    assert schedule_notice(admin(), D(2027, 11, 2)) is not None  # then 2028


def test_notice_in_traditional(fresh_calendar, hant):
    assert "尚未錄入 2027 年" in schedule_notice(admin(), D(2026, 11, 2))
    assert "節假日檔案" in schedule_notice(admin(), D(2026, 11, 2), with_path=False)


def test_notice_for_a_screen_names_no_path(fresh_calendar):
    text = schedule_notice(admin(), D(2026, 11, 2), with_path=False)
    assert "尚未录入 2027 年" in text and "holidays.toml" not in text


def test_govdesk_today_tells_admins(demo_db, as_user, fresh_calendar):
    text = today.summary(as_user("lixm"))  # 李晓梅 is an admin; NOW is 26 Nov 2026
    assert "尚未录入 2027 年" in text
    assert "尚未录入" not in today.summary(as_user("zhangyt"))
