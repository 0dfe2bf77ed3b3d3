"""The leaders' week as files (SPEC §7 printable week sheet, §15 Leader schedules → .ics):
entries and absences added through services.schedule, then the .ics parsed back with
icalendar, the landscape sheet opened with python-docx, the text edition read, and the
command line driven once."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import docx
import icalendar
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from helpers.cli_env import cli_env

from govdesk.i18n import t
from govdesk.services import office_files, org, schedule, schema
from govdesk.services.errors import ValidationError
from govdesk.services.office_files import Request, week_sheet

ROOT = Path(__file__).resolve().parent.parent
EAST = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef—]")
MONDAY = date(2026, 11, 23)  # the week of the pinned NOW (Thursday 2026-11-26)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


@pytest.fixture
def kind():
    return office_files.kinds()["week"]


@pytest.fixture
def entered(db, as_user):
    """A week of the 区长's: a meeting the 常务副区长 attends too, one crossing noon, one in
    the evening, a timed absence; an all-day absence of a 副区长; one entry next week."""
    clerk = as_user("lixm")
    head, deputy, vice = (org.person_by_login(x) for x in ("wangjm", "zhaogl", "sunlh"))
    add = schedule.add_entry
    made = {
        "meeting": add(clerk, head, at(23, 9), at(23, 10, 30), "区长办公会", "一号会议室"),
        "deputy": add(clerk, deputy, at(23, 9), at(23, 10, 30), "区长办公会", "一号会议室"),
        "noon": add(clerk, head, at(24, 11), at(24, 13), "陪同市领导调研", "院桥镇"),
        "evening": add(clerk, head, at(25, 19), at(25, 21), "防汛视频调度会"),
        "next_week": add(clerk, head, datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10),
                         "下周的会"),
    }
    made["away"] = schedule.add_absence(clerk, head, at(26, 8), at(27, 18), destination="杭州",
                                        reason="参加省委党校培训", contact="138 0000 1234",
                                        documents_via="由跟线秘书送阅")
    made["all_day"] = schedule.add_absence(clerk, vice, at(28, 0), at(30, 0),
                                           destination="宁波", reason="学习考察")
    return made


def produce(as_user, kind, path: Path, **request) -> Path:
    office_files.produce(as_user("lixm"), kind, Request(**request), path)
    return path


def events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


# ---------------------------------------------------------------------------- .ics


def test_the_calendar_parses_back_with_each_entry_and_absence(entered, as_user, kind,
                                                              tmp_path):
    path = produce(as_user, kind, tmp_path / "w.ics", leader="wangjm", since=MONDAY)
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded (RFC 5545 3.1)
    cal = icalendar.Calendar.from_ical(raw)
    assert "王建明" in str(cal["X-WR-CALNAME"]) and "2026年11月23日" in str(cal["X-WR-CALNAME"])
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    evs = {str(e["SUMMARY"]): e for e in events(path)}
    assert set(evs) == {"区长办公会", "陪同市领导调研", "防汛视频调度会", "外出：杭州"}
    noon = evs["陪同市领导调研"]
    assert noon.decoded("DTSTART") == at(24, 11).replace(tzinfo=noon.decoded("DTSTART").tzinfo)
    assert str(noon.decoded("DTSTART").tzinfo) == "Asia/Shanghai"
    assert noon.decoded("DTEND").hour == 13 and str(noon["LOCATION"]) == "院桥镇"
    assert "LOCATION" not in evs["防汛视频调度会"]
    assert "同时出席：赵国梁" in str(evs["区长办公会"]["DESCRIPTION"])
    away = evs["外出：杭州"]
    assert away.decoded("DTSTART").hour == 8 and str(away.decoded("DTSTART").tzinfo) == \
        "Asia/Shanghai"
    assert away.decoded("DTEND").day == 27
    for words in ("138 0000 1234", "由跟线秘书送阅", "参加省委党校培训", "赵国梁代行"):
        assert words in str(away["DESCRIPTION"]), words


def test_uids_are_unique_and_the_same_when_exported_again(entered, as_user, kind, tmp_path):
    first = [str(e["UID"]) for e in events(produce(as_user, kind, tmp_path / "a.ics"))]
    again = [str(e["UID"]) for e in events(produce(as_user, kind, tmp_path / "b.ics"))]
    assert len(first) == len(set(first)) == 6  # 4 entries this week, 2 absences
    assert sorted(first) == sorted(again)
    one = [str(e["UID"]) for e in events(produce(as_user, kind, tmp_path / "c.ics",
                                                 leader="王建明"))]
    assert set(one) < set(first)  # the same event whichever calendar holds it
    assert f"schedule-entry-{entered['meeting'].id}@{schema.get_meta('database_id')}" in one


def test_every_leader_in_one_calendar_and_a_whole_day_absence_as_dates(entered, as_user, kind,
                                                                      tmp_path):
    evs = {str(e["SUMMARY"]): e for e in events(produce(as_user, kind, tmp_path / "all.ics"))}
    assert "赵国梁：区长办公会" in evs and "王建明：区长办公会" in evs
    assert "王建明：下周的会" not in evs
    whole = evs["孙丽华：外出：宁波"]
    assert whole.decoded("DTSTART") == date(2026, 11, 28)
    assert whole.decoded("DTEND") == date(2026, 11, 30)  # exclusive: through the 29th


# ---------------------------------------------------------------------------- the sheet


def _runs(out):
    for par in out.paragraphs:
        yield from par.runs
    for table in out.tables:
        for row in table.rows:
            for cell in row.cells:
                for par in cell.paragraphs:
                    yield from par.runs
    for footer in (out.sections[0].footer, out.sections[0].even_page_footer):
        for par in footer.paragraphs:
            yield from par.runs


def _rows(out) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in out.tables[0].rows]


def test_one_leaders_sheet_is_landscape_a4_with_each_entry_on_its_day(entered, as_user, kind,
                                                                      tmp_path):
    out = docx.Document(str(produce(as_user, kind, tmp_path / "w.docx", leader="wangjm")))
    s = out.sections[0]
    assert s.page_width > s.page_height
    assert abs(s.page_width - Mm(297)) <= Mm(0.1) and abs(s.page_height - Mm(210)) <= Mm(0.1)
    assert abs(s.page_width - s.left_margin - s.right_margin - Mm(225)) <= Mm(0.2)
    title = out.paragraphs[0]
    assert title.text == "区长一周日程安排"
    assert title.runs[0].font.size == Pt(22)
    assert "2026年11月23日—11月29日" in out.paragraphs[1].text
    rows = _rows(out)
    assert rows[0] == ["日期", "时段", "时间", "工作内容", "地点"]

    def where(text: str) -> list[tuple[str, str, str, str]]:
        return [(r[0], r[1], r[2], r[4]) for r in rows[1:] if text in r[3]]

    assert where("区长办公会") == [("星期一\n11月23日", "上午", "09:00—10:30", "一号会议室")]
    assert where("陪同市领导调研") == [("星期二\n11月24日", "上午", "11:00—13:00", "院桥镇")]
    assert where("防汛视频调度会") == [("星期三\n11月25日", "晚上", "19:00—21:00", "")]
    away = [(r[0].split("\n")[0], r[1], r[2]) for r in rows[1:] if "外出：杭州" in r[3]]
    assert away == [("星期四", "上午", "08:00起"), ("星期四", "下午", ""), ("星期四", "晚上", ""),
                    ("星期五", "上午", ""), ("星期五", "下午", "至18:00")]
    assert "下周的会" not in "".join(r[3] for r in rows)
    assert {r[0].split("\n")[0] for r in rows[1:]} == {
        "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"}
    for run in _runs(out):
        if EAST.search(run.text):
            fonts = run._element.rPr.find(qn("w:rFonts"))
            assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text
    footer = "".join(p.text for p in s.footer.paragraphs)
    assert footer.startswith("— ") and footer.endswith(" —")


def test_all_leaders_share_one_sheet_a_column_each(entered, as_user, kind, tmp_path):
    out = docx.Document(str(produce(as_user, kind, tmp_path / "all.docx", since=MONDAY)))
    assert out.paragraphs[0].text == "区政府领导一周工作安排"
    rows = _rows(out)
    leaders = org.leaders()
    assert len(rows[0]) == 2 + len(leaders)
    column = {p.name: 2 + i for i, p in enumerate(leaders)}
    assert rows[0][column["赵国梁"]] == "常务副区长\n赵国梁"
    monday_morning = next(r for r in rows if r[0].startswith("星期一") and r[1] == "上午")
    assert "09:00—10:30 区长办公会" in monday_morning[column["赵国梁"]]
    assert "同时出席：王建明" in monday_morning[column["赵国梁"]]
    saturday = [r[column["孙丽华"]] for r in rows if r[0].startswith("星期六")]
    assert saturday == ["外出：宁波"] * 3


def test_a_week_with_nothing_says_so(db, as_user, kind, tmp_path):
    out = docx.Document(str(produce(as_user, kind, tmp_path / "none.docx",
                                    since=date(2026, 12, 16))))
    assert out.paragraphs[0].text == "区政府领导一周工作安排"
    assert "2026年12月14日—12月20日" in out.paragraphs[1].text
    assert out.paragraphs[2].text == t("week.none") and not out.tables
    cal = icalendar.Calendar.from_ical(produce(as_user, kind, tmp_path / "none.ics",
                                               since=date(2026, 12, 14)).read_bytes())
    assert "2026年12月14日" in str(cal["X-WR-CALNAME"]) and not cal.walk("VEVENT")
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    text = produce(as_user, kind, tmp_path / "none.txt", leader="zhaogl",
                   until=date(2026, 12, 20)).read_text(encoding="utf-8")
    assert "《常务副区长一周日程安排》" in text and t("week.none") in text


def test_the_text_edition_lists_each_day(entered, as_user, kind, tmp_path):
    raw = produce(as_user, kind, tmp_path / "w.txt", leader="sunlh").read_bytes()
    assert b"\r\n" in raw
    lines = raw.decode("utf-8").split("\r\n")
    assert lines[0] == "《孙丽华副区长一周日程安排》"  # four 副区长: the name goes first
    assert lines[lines.index("星期六　11月28日") + 1] == "　　上午　外出：宁波"


# ------------------------------------------------------------------------- refusals


def test_an_unknown_leader_or_one_who_is_none_is_refused_by_name(entered, as_user, kind,
                                                                 tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    for who, named in (("nobody", "nobody"), ("lixm", "李"), ("", "wangjm")):
        with pytest.raises(ValidationError) as caught:
            produce(as_user, kind, folder / "x.ics", leader=who)
        assert caught.value.name == "leader" and caught.value.field == t("office_files.f_leader")
        assert named in caught.value.message, caught.value.message
        assert list(folder.iterdir()) == []


def test_a_period_over_two_weeks_is_refused(entered, as_user, kind, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ValidationError) as caught:
        produce(as_user, kind, folder / "x.docx", since=date(2026, 11, 27),
                until=date(2026, 12, 1))
    assert caught.value.name == "period" and "2026-12-01" in caught.value.message
    assert list(folder.iterdir()) == []


def test_the_kind_answers_to_its_words():
    assert office_files.kind_of("一周日程").kind == "week"
    assert office_files.kind_of("日程").kind == "week"
    assert office_files.kind_of("Schedule").kind == "week"
    assert office_files.kind_of("一週日程").kind == "week"


def test_the_layout_covers_the_day():
    periods = week_sheet.layout().periods
    assert [p.name for p in periods] == ["上午", "下午", "晚上"]
    assert periods[0].start == 0 and periods[-1].end == 24


# ------------------------------------------------------------------------ the command


def test_the_command_writes_the_leaders_week(entered, db, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = cli_env(home)
    out = tmp_path / "x.ics"
    args = [sys.executable, "-m", "govdesk", "export", "一周日程", "--db", str(db), "--as",
            "lixm", "--leader", "wangjm", "--from", "2026-11-23", "--out", str(out)]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=home,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "《区长一周日程安排》" in proc.stdout and str(out) in proc.stdout
    assert {str(e["SUMMARY"]) for e in events(out)} == {
        "区长办公会", "陪同市领导调研", "防汛视频调度会", "外出：杭州"}
    bad = subprocess.run([*args[:-4], "--leader", "nobody", "--out", str(tmp_path / "y.ics")],
                         capture_output=True, text=True, env=env, cwd=home, timeout=120)
    assert bad.returncode == 2 and "nobody" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "y.ics").exists()
