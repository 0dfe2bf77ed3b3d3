"""What every .docx the office prints is made with: runs that name their East Asian font, the
GB/T 9704 page, page numbers between dashes, rules, and a file written whole or not at all.

The 公文 (gongwen.py), the 收文处理笺, the publications and the week sheet all use it, so a
font or a margin is set in one way everywhere. python-docx's ``font.name`` sets only the ascii
and hAnsi fonts; Word then shows Chinese text in its default font — ``set_font`` names all four.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from govdesk.services.user_files import atomic_write

# The order OOXML requires of a paragraph's, a run's and a table's properties (ECMA-376
# CT_PPr, CT_RPr, CT_TblPr): Word refuses a file whose elements are out of it.
PPR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
       "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
       "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
       "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
       "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
       "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
RPR = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
       "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
       "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u",
       "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
       "eastAsianLayout", "specVanish", "oMath")
TBLPR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
         "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
         "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange")


def layout_file(name: str, tables: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, dict]]:
    """A layout in data/ (``name``: gongwen.toml, week_sheet.toml …), read whole, and its
    ``tables``, each required: a missing one names the file and the table."""
    from govdesk.services.rules import data_dir

    path = data_dir() / name
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    for table in tables:
        if not isinstance(doc.get(table), dict):
            raise ValueError(f"{path}: table [{table}] is missing")
    return doc, {table: doc[table] for table in tables}


def put(parent, el, order: tuple[str, ...]) -> None:
    """Put ``el`` in ``parent`` in its schema place, replacing one of the same name."""
    name = el.tag.split("}")[1]
    for old in parent.findall(el.tag):
        parent.remove(old)
    after = {qn(f"w:{n}") for n in order[order.index(name) + 1:]}
    for index, child in enumerate(parent):
        if child.tag in after:
            parent.insert(index, el)
            return
    parent.append(el)


def set_font(run, name: str) -> None:
    """The one place a run's (or a style's) font is named: ascii, hAnsi and eastAsia alike."""
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def add_run(par, text: str, font: str, size: float, *, colour: str | None = None,
            spacing: int | None = None, bold: bool = False):
    """A run of ``text`` in ``font`` at ``size`` pt; ``spacing`` in twips (negative condenses)."""
    run = par.add_run(text)
    set_font(run, font)
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    if spacing:
        el = OxmlElement("w:spacing")
        el.set(qn("w:val"), str(spacing))
        put(run._element.get_or_add_rPr(), el, RPR)
    return run


# GB/T 9704-2012 7.3.3 结构层次序数: 第一层为"一、"，第二层为"（一）"，第三层为"1."，第四层为"（1）".
_LEVELS = ((4, re.compile(r"^[（(]\d+[）)]")), (1, re.compile(r"^[一二三四五六七八九十百]+、")),
           (2, re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")), (3, re.compile(r"^\d+[.．]")))


NUMERALS = "一二三四五六七八九十"


def first_level(n: int, text: str) -> str:
    """A first-level heading (7.3.3), ``n`` from 1 to 10: 三、text."""
    return f"{NUMERALS[n - 1]}、{text}"


def heading_level(text: str) -> int:
    """The 结构层次 a paragraph opens with (1–4, 7.3.3), 0 for plain text."""
    return next((level for level, pattern in _LEVELS if pattern.match(text)), 0)


def heading_parts(text: str) -> tuple[str, str]:
    """A heading paragraph as (its first sentence, the rest): only the first sentence takes the
    heading's font when text follows it in the same paragraph."""
    stop = text.find("。")
    if stop < 0 or stop == len(text) - 1:
        return text, ""
    return text[:stop + 1], text[stop + 1:]


def text_width(text: str) -> float:
    """Width in full-width characters: ASCII digits and letters are half a character."""
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in text)


def border(par, edge: str, size: int, colour: str, space: int = 1) -> None:
    """A rule on one edge of a paragraph (``size`` in eighths of a point)."""
    ppr = par._element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        put(ppr, borders, PPR)
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), colour)
    borders.append(el)


def table_rules(table, edges: dict[str, int], colour: str = "000000") -> None:
    """The rules of a table: ``edges`` maps top/left/bottom/right/insideH/insideV to a width
    in eighths of a point, 0 for none."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        size = edges.get(edge, 0)
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), colour)
        borders.append(el)
    put(table._tbl.tblPr, borders, TBLPR)


def cell_margins(table, **twips: int) -> None:
    """The room inside every cell of a table, by edge (top, left, bottom, right) in twips."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("top", "left", "bottom", "right"):
        if edge in twips:
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:w"), str(int(twips[edge])))
            el.set(qn("w:type"), "dxa")
            margins.append(el)
    put(table._tbl.tblPr, margins, TBLPR)


def chinese_date(day: date) -> str:
    """A date as the office prints it (GB/T 9704-2012 7.3.5.1): Arabic numerals, the year in
    full, no 虚位 — 2026年7月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def paragraph(out, align=WD_ALIGN_PARAGRAPH.LEFT, *, exact=None, first=None, left=None,
              right=None):
    """A paragraph with no space around it and exact line spacing (``exact``, a Length), as
    every line of a grid-laid page is; indents are Lengths."""
    par = out.add_paragraph()
    fmt = par.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    if exact is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact
    fmt.widow_control = False
    if first is not None:
        fmt.first_line_indent = Emu(int(first))
    if left is not None:
        fmt.left_indent = Emu(int(left))
    if right is not None:
        fmt.right_indent = Emu(int(right))
    return par


def setup_page(out, page: dict[str, Any], *, font: str, size: float,
               line_pitch_twips: int | None = None, landscape: bool = False) -> None:
    """The page of ``page`` (data/gongwen.toml [page]: A4, 天头 and 订口, the type area) with
    the document's default font (so an empty paragraph's mark is the body's); landscape turns
    the sheet, the binding margin then on top."""
    section = out.sections[0]
    width, height = Mm(page["width_mm"]), Mm(page["height_mm"])
    top, left = Mm(page["top_mm"]), Mm(page["left_mm"])
    text_w, text_h = Mm(page["text_width_mm"]), Mm(page["text_height_mm"])
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
        section.left_margin = section.right_margin = Emu(int((height - text_h) / 2))
        section.top_margin = left
        section.bottom_margin = Emu(int(width - left - text_w))
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
        section.top_margin, section.left_margin = top, left
        section.right_margin = Emu(int(width - left - text_w))
        section.bottom_margin = Emu(int(height - top - text_h))
    section.footer_distance = Mm(page["footer_distance_mm"])
    section.header_distance = Mm(15)
    if line_pitch_twips:
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(line_pitch_twips))
    normal = out.styles["Normal"]
    set_font(normal, font)
    normal.font.size = Pt(size)


def field(par, code: str, font: str, size: float) -> None:
    """A Word field (PAGE, NUMPAGES …) showing 1 until the reader's program updates it."""
    for kind, text in (("begin", None), ("instr", f" {code} "), ("separate", None),
                       ("text", "1"), ("end", None)):
        run = add_run(par, "" if kind != "text" else text, font, size)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._element.append(el)
        elif kind != "text":
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._element.append(el)


def page_numbers(out, font: str, size: float) -> None:
    """GB/T 9704-2012 7.5 页码: — 1 —, 4号半角宋体; 单页码居右空一字，双页码居左空一字."""
    out.settings.odd_and_even_pages_header_footer = True
    section = out.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        par = footer.paragraphs[0]
        fmt = par.paragraph_format
        fmt.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(size)
        else:
            fmt.left_indent = Pt(size)
        add_run(par, "— ", font, size)
        field(par, "PAGE", font, size)
        add_run(par, " —", font, size)


def save(out, path: str | os.PathLike) -> Path:
    """Write the document ``out`` at ``path`` (``atomic_write``)."""
    return atomic_write(path, out.save)


def save_text(text: str, path: str | os.PathLike) -> Path:
    """A plain-text edition: UTF-8, lines ending CRLF so Notepad shows them (``atomic_write``)."""
    body = (text if text.endswith("\n") else text + "\n").replace("\r\n", "\n")
    return atomic_write(path, lambda fh: fh.write(body.replace("\n", "\r\n").encode("utf-8")))
