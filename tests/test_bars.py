"""The charts drawn as text (widgets/bars.py): bars and stacked bars with their numbers beside,
a character per part as well as a colour, sparklines with the numbers under them, all within
80 columns; and the figures the 建议提案 tab draws (services/suggestion/stats.satisfaction)."""

from __future__ import annotations

from rich.cells import cell_len

from govdesk.services.suggestion import stats
from govdesk.widgets import bars
from tests.test_suggestion import _through, actor, assigned


def test_count_bars_put_the_count_and_share_beside_each_bar():
    text = bars.count_bars([("满意", 12, "green"), ("基本满意", 6, "yellow"),
                            ("不满意", 0, "red")], width=12, total=18).plain
    assert text.splitlines() == ["满意     ████████████ 12（67%）",
                                 "基本满意 ██████        6（33%）",
                                 "不满意                 0（0%）"]


def test_a_stacked_bar_draws_each_part_with_its_own_character_and_its_counts():
    parts = [bars.Part("未启动", "░"), bars.Part("推进中", "▒"), bars.Part("已完成", "█")]
    text = bars.stacked_bars([("1月", [1, 2, 1]), ("2月", [0, 4, 4]), ("3月", [0, 0, 0])],
                             parts, width=8, number_width=7, total_label="合计").plain
    legend, heads, jan, feb, mar = text.splitlines()
    assert legend.split() == ["░", "未启动", "▒", "推进中", "█", "已完成"]
    assert heads.split() == ["未启动", "推进中", "已完成", "合计"]
    # the largest row fills the bar; the others in proportion, each part by its share
    assert feb.split() == ["2月", "▒▒▒▒████", "0", "4", "4", "8"]
    assert jan.split() == ["1月", "░▒▒█", "1", "2", "1", "4"]
    assert mar.split() == ["3月", "0", "0", "0", "0"]
    assert len({cell_len(line) for line in (jan, feb, mar)}) == 1  # the numbers line up


def test_a_sparkline_has_its_heads_above_and_its_numbers_under():
    assert bars.sparkline([0, 1, 4, 8]) == "▁▂▅█"
    assert bars.sparkline([0, 0]) == "▁▁"
    heads, line, numbers = bars.spark_rows("反馈份数", ["1月", "2月", "10月"], [0, 6, 3],
                                           column=5).plain.splitlines()
    assert heads.split() == ["反馈份数", "1月", "2月", "10月"]
    assert line.split() == ["▁", "█", "▅"] and numbers.split() == ["0", "6", "3"]
    def at(text: str, part: str) -> int:  # in terminal cells
        return cell_len(text[:text.index(part)])

    assert at(heads, "2月") == at(line, "█") == at(numbers, "6")


def test_a_years_chart_fits_80_columns():
    parts = [bars.Part("未启动", "░"), bars.Part("推进中", "▒"), bars.Part("滞后", "▓"),
             bars.Part("已完成", "█")]
    rows = [(f"{m}月", [m * 3, m * 40, m, m * 90]) for m in range(1, 13)]
    text = bars.stacked_bars(rows, parts, total_label="合计").plain
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    spark = bars.spark_rows("反馈份数", [f"{m}月" for m in range(1, 13)],
                            [m * 111 for m in range(1, 13)], column=5).plain
    assert max(cell_len(line) for line in spark.splitlines()) <= 80


def test_satisfaction_counts_the_latest_feedback(db):
    _through(assigned(co=(), number="第1号"), verdict="满意")
    _through(assigned(co=(), number="第2号"), verdict="满意")
    _through(assigned(co=(), number="第3号"), verdict="基本满意")
    _through(assigned(co=(), number="第4号"), verdict="不满意")
    _through(assigned(co=(), number="第5号"), verdict="")  # no feedback yet
    s = stats.satisfaction(actor(), year=2026)
    assert (s.satisfied, s.fairly, s.dissatisfied, s.total) == (2, 1, 1, 4)
    assert s.counts() == (("满意", 2), ("基本满意", 1), ("不满意", 1))
    assert stats.satisfaction(actor(), year=2025).total == 0
    assert stats.satisfaction(actor(), source="提案").total == 0
