"""Charts drawn as text, for people who would rather look than read (issue 12 item 6): bars,
stacked bars and sparklines as Rich ``Text``, pure functions of plain numbers.

Never colour alone: every bar has its numbers beside it, and the parts of a stacked bar are
drawn each with a character of its own (░ ▒ ▓ █) as well as a colour, named in a legend. The
widths are terminal cells (a Chinese character takes two), and a chart fits 80 columns.
The caller gives every word (its catalogs'); nothing here is shown that it did not give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

SPARKS = "▁▂▃▄▅▆▇█"
WIDTH = 80


@dataclass(frozen=True)
class Part:
    """One part of a stacked bar: its name (in the legend and over its column of numbers),
    the character it is drawn with and its colour."""

    label: str
    char: str
    style: str = ""


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells (on the left if ``right``-aligned)."""
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def cells(value: int, most: int, width: int) -> int:
    """How many of ``width`` cells ``value`` fills when ``most`` fills them all; a value
    above nothing shows at least one cell."""
    if value <= 0 or most <= 0:
        return 0
    return max(1, round(value * width / most))


def bar(value: int, most: int, width: int, *, char: str = "█", style: str = "") -> Text:
    """One bar, ``width`` cells long at most (the rest blank, so numbers beside it line up)."""
    n = min(width, cells(value, most, width))
    return Text.assemble((char * n, style), " " * (width - n))


def count_bars(rows: Sequence[tuple[str, int, str]], *, width: int = 30,
               total: int | None = None) -> Text:
    """A bar per row — (label, count, style) — the count beside it and, given the ``total``,
    its share: ``满意     ████████████   12（60%）``."""
    most = max((n for _, n, _ in rows), default=0)
    label_width = max((cell_len(label) for label, _, _ in rows), default=0)
    number_width = max((len(str(n)) for _, n, _ in rows), default=1)
    out = Text()
    for i, (label, n, style) in enumerate(rows):
        if i:
            out.append("\n")
        out.append(pad(label, label_width) + " ")
        out.append_text(bar(n, most, width, style=style))
        out.append(" " + str(n).rjust(number_width))
        if total:
            out.append(f"（{round(100 * n / total)}%）")
    return out


def stacked_bars(rows: Sequence[tuple[str, Sequence[int]]], parts: Sequence[Part], *,
                 width: int = 28, number_width: int = 7, total_label: str = "") -> Text:
    """A stacked bar per row — (label, a count per part) — scaled to the largest row, then
    the counts in columns under the parts' names (and the row's total under
    ``total_label``); a legend line first names each part's character."""
    label_width = max((cell_len(label) for label, _ in rows), default=0)
    most = max((sum(counts) for _, counts in rows), default=0)
    out = Text(" " * (label_width + 1))
    for i, part in enumerate(parts):
        if i:
            out.append(" ")
        out.append(part.char, part.style)
        out.append(" " + part.label)
    heads = " " * (label_width + 1 + width) + "".join(
        pad(p.label, number_width, right=True) for p in parts)
    if total_label:
        heads += pad(total_label, number_width, right=True)
    out.append("\n" + heads.rstrip())
    for label, counts in rows:
        out.append("\n" + pad(label, label_width) + " ")
        whole = sum(counts)
        # Each part's cells by the largest remainder, so the bar is as long as its total's.
        length = min(width, cells(whole, most, width))
        shares = [n * length / whole if whole else 0 for n in counts]
        sizes = [int(s) for s in shares]
        for j in sorted(range(len(counts)), key=lambda j: sizes[j] - shares[j])[
                :length - sum(sizes)]:
            sizes[j] += 1
        for part, size in zip(parts, sizes, strict=False):
            out.append(part.char * size, part.style)
        out.append(" " * (width - sum(sizes)))
        out.append("".join(str(n).rjust(number_width) for n in counts))
        if total_label:
            out.append(str(whole).rjust(number_width))
    return out


def sparkline(values: Sequence[int]) -> str:
    """▁▃█▂: one character per value, the largest the tallest, nothing at all a ▁."""
    most = max(values, default=0)
    if most <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[0] if v <= 0 else SPARKS[max(1, round(v * 7 / most))]
                   for v in values)


def spark_rows(label: str, heads: Sequence[str], values: Sequence[int], *,
               column: int = 4, style: str = "") -> Text:
    """A sparkline in columns, its heads (the months) above and the numbers below:

        反馈份数   1月 2月 3月
                   ▁   █   ▄
                   0   6   3
    """
    label_width = cell_len(label) + 1
    line = sparkline(values)
    out = Text(pad(label, label_width) + "".join(pad(h, column) for h in heads).rstrip())
    out.append("\n" + " " * label_width)
    for ch in line:
        out.append(ch, style)
        out.append(" " * (column - 1))
    out.rstrip()
    out.append("\n" + " " * label_width + "".join(pad(str(v), column) for v in values).rstrip())
    return out
