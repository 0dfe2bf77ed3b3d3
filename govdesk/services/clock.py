"""The office's clock: "now" and "today" in the office's time zone, whatever the server's.

The server may run in UTC (or anywhere); the office works in its own zone (setting
``timezone`` in the config file, default Asia/Shanghai). At 23:30 UTC it is already tomorrow
in Shanghai, and a deadline, a 收文日期 or an audit entry must say so. The database stores naive
datetimes meaning office-local time, so ``office_now()`` returns a naive datetime in that zone.
Every place that takes "now" calls it (services never call ``datetime.now()`` themselves).

Relative times shown to people ("3 天前", "还剩 2 个工作日") come from here too, in the user's
language (catalog ``clock.*``).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

import arrow

from govdesk import config
from govdesk.i18n import t
from govdesk.services.calendar import office_calendar

_pinned: datetime | None = None


def pin(moment: datetime | None) -> None:
    """Stop the office clock at ``moment`` (naive, office-local), or let it run again (None).

    For a process that must see one fixed moment, e.g. a command line run against a demo
    database built for that day (tests/helpers/pinned_cli.py); the desk never calls it."""
    global _pinned
    _pinned = moment


@cache
def _zone(config_file: str) -> str:
    return config.timezone()


def office_timezone() -> str:
    """The office's IANA time zone name (read once per config file)."""
    return _zone(str(config.config_path()))


def office_time(instant: datetime) -> datetime:
    """``instant`` (aware) as the office's naive local time; a naive one is taken as UTC."""
    moment = arrow.get(instant) if instant.tzinfo else arrow.get(instant, tzinfo="UTC")
    return moment.to(office_timezone()).naive


def office_now() -> datetime:
    """Now, as a naive datetime in the office's time zone (what the database stores)."""
    if _pinned is not None:
        return _pinned
    return arrow.utcnow().to(office_timezone()).naive


def office_today() -> date:
    """Today in the office (not the server's date)."""
    return office_now().date()


def ago(moment: datetime, now: datetime) -> str:
    """How long ago ``moment`` was, e.g. "3 天前" (both naive office-local times)."""
    seconds = (arrow.get(now) - arrow.get(moment)).total_seconds()
    if seconds < 60:
        return t("clock.just_now")
    if seconds < 3600:
        return t("clock.minutes_ago", n=int(seconds // 60))
    if seconds < 86400:
        return t("clock.hours_ago", n=int(seconds // 3600))
    return t("clock.days_ago", n=(now.date() - moment.date()).days)


def working_days_left(due: date, today: date) -> str:
    """A deadline told in working days: "还剩 2 个工作日", "今日到期", "已超期 1 个工作日"."""
    cal = office_calendar()
    if due == today:
        return t("clock.due_today")
    if due > today:
        return t("clock.left", n=cal.working_days_between(today, due))
    late = cal.working_days_between(due, today)
    if late == 0:  # due on a day off just passed: late since the next working day only
        return t("clock.due_today")
    return t("clock.overdue", n=late)
