"""The department's own work on a 专项工作报告 (its report, its handling), registered by 督查室 on
its behalf with the department's date: said on the timeline with the department and that date;
a date after today or an empty text is refused naming the field, and nothing moves."""

from __future__ import annotations

import pytest
from test_special_report import actor, letter, only

from govdesk.models import SpecialReport
from govdesk.models import suggestion as states
from govdesk.services import special_report
from govdesk.services.engine import core as engine
from govdesk.services.errors import ValidationError


def notified() -> SpecialReport:
    row = letter()
    return special_report.notify(actor(), only(row, "通知").id, department="区教育局",
                                 report_due="2026-12-10")


@pytest.mark.parametrize("report, on, field, name", [
    ("一、基本情况", "2026-11-27", "单位日期", "on"),  # tomorrow
    ("  ", "2026-11-25", "工作报告", "report"),
])
def test_a_bad_report_is_refused_naming_the_field_and_nothing_moves(db, report, on, field,
                                                                     name):
    row = notified()
    with pytest.raises(ValidationError) as exc:
        special_report.submit_report(actor(), only(row, "报送").id, report, on=on)
    assert (exc.value.field, exc.value.name) == (field, name)
    assert SpecialReport.get_by_id(row.id).state == states.R_WRITING and only(row, "报送")


def test_the_report_is_kept_and_said_with_the_departments_date(db):
    row = notified()
    row = special_report.submit_report(actor(), only(row, "报送").id, "一、基本情况",
                                       on="2026-11-25")
    assert (row.state, row.report) == (states.R_REVIEW, "一、基本情况")
    hop = next(h for h in engine.timeline(special_report.KIND, row.id) if h.step == "报送")
    assert "区教育局（2026-11-25）" in hop.opinion and "一、基本情况" in hop.opinion
