"""The leaders' week as a kind of office file (``govdesk export 一周日程``): .ics
(week_calendar.py), the week sheet as .docx or .txt (week_sheet.py), of the week and leader
asked for (week_data.py).
"""

from __future__ import annotations

from pathlib import Path

from govdesk.i18n import t
from govdesk.services import office_files, user_files
from govdesk.services.context import Actor
from govdesk.services.office_files import wordfile
from govdesk.services.office_files.week_calendar import calendar
from govdesk.services.office_files.week_data import span, the_week
from govdesk.services.office_files.week_sheet import posts, sheet_text, write_sheet


def build(actor: Actor, request: office_files.Request, path: Path, fmt: str
          ) -> office_files.Made:
    """Write the week of ``request`` at ``path`` as ``fmt`` (.ics, .docx, .txt)."""
    week = the_week(actor, request)
    if fmt == ".ics":
        body = calendar(actor, week).to_ical()
        user_files.atomic_write(path, lambda fh: fh.write(body))
    elif fmt == ".txt":
        wordfile.save_text(sheet_text(week), path)
    else:
        wordfile.save(write_sheet(week), path)
    start, end = span(week)
    return office_files.Made(Path(path), t("week.made", title=f"《{posts(week)}》", start=start,
                                           end=end, entries=len(week.entries()),
                                           absences=len(week.absences())))


office_files.register(office_files.FileKind(
    "week", ("一周日程", "日程", "week", "schedule"), (".docx", ".ics", ".txt"),
    frozenset({"period", "leader"}), build))
