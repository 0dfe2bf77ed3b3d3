"""The office's clock (services/clock.py): "now" and "today" in the office's time zone, whatever
the server's; relative times said in the user's language."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from govdesk.models import Person
from govdesk.services import clock
from govdesk.services.context import Actor

ROOT = Path(__file__).resolve().parent.parent


def python(code: str, tmp_path: Path, *, tz: str = "UTC", config: str | None = None) -> str:
    """Run ``code`` in a fresh process whose own clock is in ``tz``; its printed output."""
    env = {k: v for k, v in os.environ.items() if k not in ("GOVDESK_CONFIG",)}
    cfg = tmp_path / "config.toml"
    cfg.write_text(config or "", encoding="utf-8")
    env.update(TZ=tz, GOVDESK_CONFIG=str(cfg),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_late_evening_utc_is_already_tomorrow_in_the_office(tmp_path):
    out = python(
        "from datetime import datetime, UTC\n"
        "from govdesk.services.clock import office_time\n"
        "print(office_time(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)).isoformat())\n",
        tmp_path)
    assert out == "2026-12-02T07:30:00"


def test_office_now_is_office_time_on_a_utc_server(tmp_path):
    # The server's own clock says UTC; the office's clock is eight hours ahead (Asia/Shanghai).
    out = python(
        "from datetime import datetime\n"
        "from govdesk.services.clock import office_now, office_today\n"
        "from govdesk.services.context import Actor\n"
        "from govdesk.models import Person\n"
        "server = datetime.now()\n"
        "office = office_now()\n"
        "actor = Actor(Person(login='x'))\n"
        "print(round((office - server).total_seconds() / 3600), office.tzinfo,"
        " office_today() == office.date(), round((actor.now - server).total_seconds() / 3600))\n",
        tmp_path)
    assert out == "8 None True 8"


def test_the_timezone_setting_is_the_offices(tmp_path):
    out = python(
        "from datetime import datetime, UTC\n"
        "from govdesk.services.clock import office_time, office_timezone\n"
        "print(office_timezone(), office_time(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)).date())\n",
        tmp_path, tz="Asia/Shanghai", config='timezone = "Europe/London"\n')
    assert out == "Europe/London 2026-12-01"


def test_an_unknown_timezone_stops_govdesk_with_a_message(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('timezone = "Asia/Beijing"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("GOVDESK_DB", "GOVDESK_DATA")}
    env.update(GOVDESK_CONFIG=str(cfg), GOVDESK_LOGIN="lixm", HOME=str(tmp_path),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "govdesk", "people", "--db",
                           str(tmp_path / "none.db")], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "Asia/Beijing" in proc.stderr and str(cfg) in proc.stderr


def test_naive_instant_is_taken_as_utc():
    assert clock.office_time(datetime(2026, 12, 1, 16, 0)) == datetime(2026, 12, 2, 0, 0)
    aware = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert clock.office_time(aware) == datetime(2026, 12, 2, 0, 0)


def test_actor_defaults_to_the_office_clock():
    before = clock.office_now()
    actor = Actor(Person(login="x"))
    assert before - timedelta(seconds=5) <= actor.now <= clock.office_now()


NOW = datetime(2026, 11, 26, 9, 30)  # a Thursday


@pytest.mark.parametrize(("moment", "said"), [
    (NOW - timedelta(seconds=20), "刚才"),
    (NOW - timedelta(minutes=5), "5 分钟前"),
    (NOW - timedelta(hours=3), "3 小时前"),
    (NOW - timedelta(days=3), "3 天前"),
])
def test_ago(moment, said):
    assert clock.ago(moment, NOW) == said


@pytest.mark.parametrize(("due", "said"), [
    (date(2026, 11, 26), "今日到期"),
    (date(2026, 11, 30), "还剩 2 个工作日"),  # Fri 27, Mon 30
    (date(2026, 11, 25), "已超期 1 个工作日"),
    (date(2026, 11, 20), "已超期 4 个工作日"),  # Mon 23 … Thu 26
])
def test_working_days_left(due, said):
    assert clock.working_days_left(due, NOW.date()) == said


def test_relative_times_in_traditional(hant):
    assert clock.ago(NOW - timedelta(hours=2), NOW) == "2 小時前"
    assert clock.working_days_left(date(2026, 11, 30), NOW.date()) == "還剩 2 個工作日"
    assert clock.working_days_left(date(2026, 11, 25), NOW.date()) == "已超期 1 個工作日"
