"""The 简报/信息 layout every publication of the office is printed in (SPEC §15): the red
masthead (the publication's name in 小标宋, centred), 第N期 or the period under it, the 编印单位
left and the date right over the red rule, the title in 2号小标宋, the body in 3号仿宋 with the
一、/（一） headings in 黑体/楷体 as in a 公文, ruled tables for the figures, a 版记-like foot of
报/送/发 lines between rules, and page numbers — 1 —.

A publication's builder (pubs_errors, pubs_supervision, pubs_petition) reads its figures through
its service and hands this module a ``Sheet`` of plain data; the same data gives the .txt. The
page, the grid and the fonts are data/gongwen.toml's (GB/T 9704-2012 covers the family); the
mastheads, the 编印单位, the 报/送/发 defaults and the sizes are data/bulletin.toml's.

A 纪要's header is not laid out here: the office keeps no meetings yet, so there is nothing to
print one from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from govdesk.i18n import t
from govdesk.services.office_files import gongwen, wordfile
from govdesk.services.rules import data_dir

FOOT = ("to", "copy", "send")  # 报, 送, 发


@dataclass(frozen=True)
class Masthead:
    """One publication's [publication.<kind>] of data/bulletin.toml."""

    name: str
    issue: str  # "第{seq}期" or "{period}"
    by: str
    to: str
    copy: str
    send: str


@dataclass(frozen=True)
class Layout:
    sizes: dict[str, float]
    fonts: dict[str, str]
    colours: dict[str, str]
    rules: dict[str, int]
    words: dict[str, str]
    publications: dict[str, Masthead]


@cache
def layout() -> Layout:
    """data/bulletin.toml, read once; a missing table or key names the file and where."""
    path = data_dir() / "bulletin.toml"
    _, tables = wordfile.layout_file("bulletin.toml", ("sizes", "fonts", "colours", "rules",
                                                       "words", "publication"))
    mastheads = {}
    for kind, entry in tables.pop("publication").items():
        missing = [k for k in Masthead.__dataclass_fields__ if not isinstance(entry.get(k), str)]
        if missing:
            raise ValueError(f"{path}: [publication.{kind}] lacks {', '.join(missing)}")
        mastheads[kind] = Masthead(**{k: entry[k] for k in Masthead.__dataclass_fields__})
    return Layout(**tables, publications=mastheads)


@dataclass(frozen=True)
class Table:
    """Figures in rows: the head row, then one row per line (strings as printed)."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Sheet:
    """One issue of a publication as plain data: ``kind`` picks its masthead; ``seq`` (an issue
    number) or ``period`` fills the line under it; ``body`` its paragraphs and tables in order."""

    kind: str
    day: date
    title: str
    body: tuple[str | Table, ...]
    seq: int | None = None
    period: str = ""
    foot: dict[str, str] = field(default_factory=dict)  # to/copy/send over the data's defaults


def span_days(start: date, end: date) -> tuple[str, str]:
    """A period's first and last day as printed, the second year left out when it is the
    first's: (2026年11月23日, 11月29日)."""
    last = wordfile.chinese_date(end)
    if end.year == start.year:
        last = last[len(f"{end.year}年"):]
    return wordfile.chinese_date(start), last


def span_text(start: date, end: date) -> str:
    """A period as the issue line prints it: （2026年11月23日—11月29日）."""
    first, last = span_days(start, end)
    return f"（{first}—{last}）"


def summary(sheet: Sheet) -> str:
    """What was made, as the user is told: 《督查专报》第3期, 《信访工作简报》（…）."""
    head = layout().publications[sheet.kind]
    issue = head.issue.format(seq=sheet.seq if sheet.seq is not None else "",
                              period=sheet.period)
    return t("publications.made", name=head.name, issue=issue)


def heading_parts(text: str) -> tuple[str, str]:
    """A heading and the text after it: up to its colon when one comes before the first full
    stop (一、总体情况：督查事项共…), else its first sentence (wordfile.heading_parts)."""
    colon, stop = text.find("："), text.find("。")
    if 0 < colon < len(text) - 1 and (stop < 0 or colon < stop):
        return text[:colon + 1], text[colon + 1:]
    return wordfile.heading_parts(text)


class _Writer(gongwen.GridPage):
    def __init__(self, sheet: Sheet) -> None:
        self.gw = gongwen.layout()
        super().__init__(self.gw)
        self.sheet, self.lay = sheet, layout()
        self.head = self.lay.publications[sheet.kind]
        self.width = Mm(self.gw.page["text_width_mm"])

    # 版头 ----------------------------------------------------------------------------------

    def masthead(self) -> None:
        lay, s = self.lay, self.sheet
        size = float(lay.sizes["masthead"])
        par = self.par(WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(size * 1.25))
        wordfile.add_run(par, self.head.name, lay.fonts["masthead"], size,
                         colour=lay.colours["masthead"])
        issue = self.head.issue.format(seq=s.seq if s.seq is not None else "",
                                       period=s.period)
        if issue.strip():
            par = self.par(WD_ALIGN_PARAGRAPH.CENTER)
            wordfile.add_run(par, issue, lay.fonts["issue"], float(lay.sizes["issue"]))
        self.par()
        # 编印单位 left, the date right, both a character in (as 7.4.3 印发机关和印发日期), over
        # the red rule as wide as the type area (7.2.7).
        par = self.par()
        size = float(lay.sizes["byline"])
        tab = self.width - Pt(size)
        par.paragraph_format.tab_stops.add_tab_stop(Emu(int(tab)), WD_TAB_ALIGNMENT.RIGHT)
        wordfile.add_run(par, f"\u3000{self.head.by}\t{wordfile.chinese_date(s.day)}",
                         self.gw.fonts["body"], size)
        wordfile.border(par, "bottom", int(lay.rules["masthead"]), lay.colours["rule"], space=6)

    # 主体 ----------------------------------------------------------------------------------

    def main(self) -> None:
        self.par()
        size = float(self.lay.sizes["title"])
        par = self.par(WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(max(size * 1.5, 28.95)))
        wordfile.add_run(par, self.sheet.title, self.gw.fonts["title"], size)
        self.par()
        for block in self.sheet.body:
            if isinstance(block, Table):
                self.table(block)
            elif block.strip():
                self.paragraph(block)

    def paragraph(self, text: str) -> None:
        """As a 公文's (7.3.3), a heading's head up to its colon; a line indented in the source
        (a note under an item) two characters further in."""
        indent = 4 if text.startswith((" ", "\u3000")) else 2
        self.text_paragraph(text.strip(), indent, heading_parts)

    def table(self, table: Table) -> None:
        """A ruled table as wide as the type area (156 mm): 4号仿宋, 小四 when it has many
        columns; the head row in 黑体; the first column left, figures centred."""
        lay = self.lay
        columns = len(table.head)
        size = float(lay.sizes["table"] if columns <= int(lay.sizes["table_columns"])
                     else lay.sizes["table_small"])
        grid = self.out.add_table(rows=1 + len(table.rows), cols=columns)
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        tpr = grid._tbl.tblPr
        style = tpr.find(qn("w:tblStyle"))
        if style is not None:
            tpr.remove(style)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(int(self.width.twips)))
        width.set(qn("w:type"), "dxa")
        wordfile.put(tpr, width, wordfile.TBLPR)
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(int(lay.rules["table"])))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
            borders.append(el)
        wordfile.put(tpr, borders, wordfile.TBLPR)
        fixed = OxmlElement("w:tblLayout")
        fixed.set(qn("w:type"), "fixed")
        wordfile.put(tpr, fixed, wordfile.TBLPR)
        widths = column_widths([table.head, *table.rows], int(self.width))
        for n, row in enumerate([table.head, *table.rows]):
            font = lay.fonts["table_head"] if n == 0 else self.gw.fonts["body"]
            for col, (cell, text) in enumerate(zip(grid.rows[n].cells, row, strict=True)):
                cell.width = Emu(widths[col])
                par = cell.paragraphs[0]
                fmt = par.paragraph_format
                fmt.space_before = fmt.space_after = Pt(0)
                # the page's 22-line grid would give each line of a cell a whole grid line
                fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                fmt.line_spacing = Pt(size * 1.5)
                off = OxmlElement("w:snapToGrid")
                off.set(qn("w:val"), "0")
                wordfile.put(par._element.get_or_add_pPr(), off, wordfile.PPR)
                fmt.alignment = (WD_ALIGN_PARAGRAPH.LEFT if col == 0 and n
                                 else WD_ALIGN_PARAGRAPH.CENTER)
                wordfile.add_run(par, text, font, size)
        self.par()  # a line of the grid after the table

    # 版记 ----------------------------------------------------------------------------------

    def foot(self) -> None:
        """报/送/发 (7.4 by analogy): 4号仿宋, 左右各空一字, 回行时与冒号后的首字对齐, between
        rules — the first and the last thick, those between thin."""
        lay, s = self.lay, self.sheet
        lines = [(key, s.foot.get(key, getattr(self.head, key))) for key in FOOT]
        lines = [(key, text.strip().rstrip("。")) for key, text in lines if text.strip()]
        if not lines:
            return
        self.par()
        size = float(lay.sizes["foot"])
        one = Pt(size)
        for n, (key, text) in enumerate(lines):
            label = lay.words[key]
            par = self.par(left=one * (1 + len(label)), right=one, first=-one * len(label))
            wordfile.add_run(par, f"{label}{text}。", self.gw.fonts["body"], size)
            if n == 0:
                wordfile.border(par, "top", int(lay.rules["foot_outer"]), "000000")
            last = n == len(lines) - 1
            wordfile.border(par, "bottom", int(lay.rules["foot_outer" if last else "foot_inner"]),
                            "000000")

    def write(self):
        gw = self.gw
        wordfile.setup_page(self.out, gw.page, font=gw.fonts["body"], size=self.body_size,
                            line_pitch_twips=int(gw.grid["line_pitch_twips"]))
        wordfile.page_numbers(self.out, gw.fonts["page_number"], float(gw.sizes["page_number"]))
        self.masthead()
        self.main()
        self.foot()
        return self.out


def column_widths(rows: list[tuple[str, ...]], total: int) -> list[int]:
    """Each column's width (EMU) out of ``total``, in proportion to its widest figure or name
    (a head may wrap onto two lines, a figure should not), a character's padding each."""
    head, *body = rows
    need = [1 + max(2.0, wordfile.text_width(head[c]) / 2,
                    *(wordfile.text_width(r[c]) for r in body))
            for c in range(len(head))]
    whole = sum(need)
    widths = [int(total * n / whole) for n in need]
    widths[0] += total - sum(widths)
    return widths


def document(sheet: Sheet):
    """The python-docx Document of ``sheet``."""
    if sheet.kind not in layout().publications:
        raise ValueError(f"data/bulletin.toml has no [publication.{sheet.kind}]")
    return _Writer(sheet).write()


def save(sheet: Sheet, text: str, path: Path, fmt: str) -> Path:
    """The issue at ``path``: the .docx of ``sheet``, or ``text`` as the .txt — both from the
    same figures; written whole or not at all."""
    if fmt == ".txt":
        return wordfile.save_text(text, path)
    return wordfile.save(document(sheet), path)
