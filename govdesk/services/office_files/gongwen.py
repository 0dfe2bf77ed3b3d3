"""An outgoing 公文 as .docx in the layout of GB/T 9704-2012 (SPEC §15, §16).

``build(actor, outgoing_id, path)`` reads the 发文 through the outgoing service (which refuses a
user above their clearance) and writes the file atomically. Fonts, the 发文机关标志, colours and
the grid are data/gongwen.toml, each with the clause of the standard it follows.

Every run names its font for ascii, hAnsi and eastAsia (``_font``): python-docx's
``font.name`` sets only the first two, and Word then shows Chinese text in its default font.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips

from govdesk.i18n import t
from govdesk.models import SECRECY_LEVELS, OutgoingDocument, Unit
from govdesk.services import office_files, outgoing, unit_groups
from govdesk.services.context import Actor
from govdesk.services.errors import ValidationError
from govdesk.services.office_files import wordfile
from govdesk.services.office_files.wordfile import chinese_date
from govdesk.services.outgoing.rules import split_names
from govdesk.services.rules import office_rules

_ATTACHMENT = re.compile(r"^\s*\d+\s*[.．、]\s*(\S.*)$")


@dataclass(frozen=True)
class Layout:
    page: dict[str, Any]
    grid: dict[str, Any]
    fonts: dict[str, str]
    sizes: dict[str, float]
    colours: dict[str, str]
    rules: dict[str, int]
    mark: dict[str, list[str]]
    words: dict[str, str]


@cache
def layout() -> Layout:
    """data/gongwen.toml, read once; a missing table names the file and the table."""
    _, tables = wordfile.layout_file("gongwen.toml", ("page", "grid", "fonts", "sizes",
                                                     "colours", "rules", "mark", "words"))
    return Layout(**tables)


def secrecy_mark(doc: OutgoingDocument) -> str:
    """密级和保密期限 (7.2.2): 机密★5年; the level's longest period when none is set."""
    if not doc.secrecy:
        return ""
    level = SECRECY_LEVELS[doc.secrecy]
    years = doc.secrecy_years or office_rules().secrecy[level]
    return f"{level}★{years}年"


def cc_in_order(cc: str) -> list[str]:
    """抄送机关 in the order 党、政、军、群 (GB/T 9704-2012 7.4.2; data/rules.toml [outgoing.cc]);
    within a group as written. A group name (各乡镇人民政府) and an unknown name sort with the
    kinds not listed."""
    rules = office_rules().outgoing.cc

    def group(name: str) -> int:
        unit = Unit.get_or_none(Unit.short == name) or Unit.get_or_none(Unit.name == name)
        if unit is None or unit_groups.is_group(name):
            return rules.order.index(rules.other_kinds)
        kind = rules.party_units if unit.party else rules.kinds.get(unit.kind, rules.other_kinds)
        return rules.order.index(kind)

    names = split_names(cc)
    return sorted(names, key=group)  # stable: the written order inside a group


# ------------------------------------------------------------------------- the document


class GridPage:
    """A document on the 公文's page and grid (data/gongwen.toml [page], [grid], [fonts]): the
    公文 and the publications (bulletin.py) lay their lines out with the same paragraphs."""

    def __init__(self, grid_layout: Layout):
        self.grid_layout = grid_layout
        self.out = Document()
        g = grid_layout.grid
        self.pitch = Twips(g["line_pitch_twips"])
        self.spacing = int(g["char_spacing_twips"])
        self.body_size = float(grid_layout.sizes["body"])
        self.char = Pt(self.body_size + self.spacing / 20)  # one character of the grid

    def par(self, align=WD_ALIGN_PARAGRAPH.LEFT, *, exact=None, first=None, left=None,
            right=None):
        # widow control off: 22 lines on every full page (5.2.4), none pushed on
        return wordfile.paragraph(self.out, align, exact=exact if exact is not None
                                  else self.pitch, first=first, left=left, right=right)

    def body_run(self, par, text: str, font: str | None = None):
        return wordfile.add_run(par, text, font or self.grid_layout.fonts["body"],
                                self.body_size, spacing=self.spacing)

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.par()

    def text_paragraph(self, text: str, indent: int = 2, parts=wordfile.heading_parts) -> None:
        """A paragraph of the 正文, 首行缩进 ``indent`` 字; 7.3.3 结构层次序数: 一、 黑体, （一） 楷体,
        1. and （1） 仿宋. A heading followed by text in the same paragraph has only its head
        (``parts``: by default its first sentence) in the heading's font."""
        fonts = self.grid_layout.fonts
        par = self.par(first=indent * self.char)
        # 第三层和第四层 仿宋, like the body
        heading = {1: fonts["heading1"], 2: fonts["heading2"]}.get(wordfile.heading_level(text))
        if heading is None:
            self.body_run(par, text)
            return
        head, rest = parts(text)
        self.body_run(par, head, heading)
        if rest:
            self.body_run(par, rest)


class _Writer(GridPage):
    def __init__(self, doc: OutgoingDocument, lay: Layout, copy_no: int | None, note: str):
        super().__init__(lay)
        self.doc, self.lay, self.copy_no, self.note = doc, lay, copy_no, note

    # sections ----------------------------------------------------------------------------

    def page_setup(self) -> None:
        wordfile.setup_page(self.out, self.lay.page, font=self.lay.fonts["body"],
                            size=self.body_size,
                            line_pitch_twips=int(self.lay.grid["line_pitch_twips"]))

    def page_numbers(self) -> None:
        wordfile.page_numbers(self.out, self.lay.fonts["page_number"],
                              float(self.lay.sizes["page_number"]))

    # 版头 -------------------------------------------------------------------------------

    def head(self) -> None:
        d, lay = self.doc, self.lay
        if d.secrecy:
            # 7.2.1 份号: 6 位3号阿拉伯数字，顶格编排在版心左上角第一行.
            self.body_run(self.par(), f"{self.copy_no or 1:06d}")
            # 7.2.2 密级和保密期限: 3号黑体字，顶格编排在版心左上角第二行.
            self.body_run(self.par(), secrecy_mark(d), lay.fonts["marking"])
        if d.urgency in ("特急", "加急"):
            # 7.2.3 紧急程度: 3号黑体字，顶格编排在版心左上角.
            self.body_run(self.par(), d.urgency, lay.fonts["marking"])
        names = lay.mark.get(d.issuer) or [d.signature or d.issuer]
        size = float(lay.sizes["mark"])
        above = len(self.out.paragraphs)  # 份号, 密级, 紧急程度: one line each
        # 7.2.4: 发文机关标志上边缘至版心上边缘为 35 mm (推荐).
        gap = Emu(max(0, int(Mm(lay.page["mark_top_mm"]) - above * self.pitch)))
        if len(names) > 1:
            self.joint_mark(names, size, gap)
        else:
            par = self.par(WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(size * 1.25))
            par.paragraph_format.space_before = gap
            wordfile.add_run(par, names[0], lay.fonts["mark"], size, colour=lay.colours["mark"])
        self.blank(2)  # 7.2.5 发文字号: 发文机关标志下空二行位置
        if d.upward:
            # 7.2.6: 发文字号居左空一字，签发人居右空一字 (by a full-width space and a tab, not
            # by indents: the separator under this paragraph spans the whole type area).
            par = self.par()
            tab = Mm(lay.page["text_width_mm"]) - self.char
            par.paragraph_format.tab_stops.add_tab_stop(Emu(int(tab)), WD_TAB_ALIGNMENT.RIGHT)
            self.body_run(par, "\u3000" + (d.number or "") + "\t")
            self.body_run(par, lay.words["signer"])
            self.body_run(par, d.signer_name or "", lay.fonts["signer_name"])
        else:
            par = self.par(WD_ALIGN_PARAGRAPH.CENTER)
            self.body_run(par, d.number or "")
        # 7.2.7 分隔线: 发文字号之下 4 mm 处，与版心等宽的红色分隔线.
        wordfile.border(par, "bottom", int(lay.rules["separator"]), lay.colours["separator"], space=11)

    def joint_mark(self, names: list[str], size: float, gap) -> None:
        """7.2.4 联合行文: 主办机关名称排列在前；"文件"二字置于发文机关名称右侧，以联署发文机关
        名称为准上下居中 — the bodies stacked, each spread to the widest one's width, and the
        word beside them in a table without rules."""
        lay = self.lay
        word = lay.words["mark_suffix"]
        font, colour = lay.fonts["mark"], lay.colours["mark"]
        lead = self.par(exact=Pt(1))  # carries the gap above the mark
        lead.paragraph_format.space_before = gap
        wide = max(wordfile.text_width(n) for n in names)
        room = wide + wordfile.text_width(word) + 0.5
        # No wider than the type area (5.2.2): a long joint mark is set smaller.
        size = min(size, Mm(lay.page["text_width_mm"]).pt * 0.97 / room)
        widths = (Pt(size * wide + 2), Pt(size * (room - wide)))
        table = self.out.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        wordfile.table_rules(table, {})
        wordfile.cell_margins(table, left=0, right=0, top=0, bottom=0)
        bodies, beside = table.rows[0].cells
        for column, cell, width in zip(table.columns, (bodies, beside), widths, strict=True):
            column.width = cell.width = width
        for n, name in enumerate(names):
            par = bodies.paragraphs[0] if n == 0 else bodies.add_paragraph()
            fmt = par.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE if len(name) > 1 else None
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(size * 1.25)
            fmt.space_before = fmt.space_after = Pt(0)
            wordfile.add_run(par, name, font, size, colour=colour)
        beside.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        par = beside.paragraphs[0]
        par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        wordfile.add_run(par, word, font, size, colour=colour)

    # 主体 -------------------------------------------------------------------------------

    def main(self) -> None:
        d, lay = self.doc, self.lay
        self.blank(2)  # 7.3.1 标题: 红色分隔线下空二行位置
        title_size = float(lay.sizes["title"])
        par = self.par(WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(max(title_size * 1.5, 28.95)))
        wordfile.add_run(par, d.title, lay.fonts["title"], title_size)
        self.blank()  # 7.3.2 主送机关: 标题下空一行，居左顶格
        if d.main_to.strip():
            self.body_run(self.par(), d.main_to.strip().rstrip(":：") + "：")
        for line in d.body.splitlines():
            if line.strip():
                self.text_paragraph(line.strip())
        self.attachments()
        self.signature()
        if self.note.strip():
            # 7.3.7 附注: 居左空二字加圆括号编排在成文日期下一行.
            text = self.note.strip()
            if not text.startswith(("（", "(")):
                text = f"（{text}）"
            self.body_run(self.par(first=2 * self.char), text)

    def attachments(self) -> None:
        """7.3.4 附件说明: 正文下空一行左空二字编排"附件"二字，后标全角冒号和附件名称；多个附件
        使用阿拉伯数字标注顺序号；附件名称后不加标点符号."""
        lines = [line.strip() for line in (self.doc.attachments or "").splitlines()
                 if line.strip()]
        if not lines:
            return
        names = [(_ATTACHMENT.match(x).group(1) if _ATTACHMENT.match(x) else x).rstrip("。.；;，,")
                 for x in lines]
        self.blank()
        label = self.lay.words["attachments"]
        if len(names) == 1:
            self.body_run(self.par(first=2 * self.char), label + names[0])
            return
        for n, name in enumerate(names, 1):
            if n == 1:
                par = self.par(first=2 * self.char)
                self.body_run(par, f"{label}{n}. {name}")
            else:
                par = self.par(left=(2 + wordfile.text_width(label)) * self.char)
                self.body_run(par, f"{n}. {name}")

    def signature(self) -> None:
        """7.3.5 发文机关署名、成文日期和印章. With a seal (7.3.5.1): 成文日期右空四字，署名以成文日期
        为准居中; without (7.3.5.2): 署名右空二字, 成文日期在署名下一行，首字比署名首字右移二字."""
        d = self.doc
        written = chinese_date(d.written_date) if d.written_date else ""
        name = d.signature or ""
        date_w = wordfile.text_width(written)
        if d.sealed:
            self.blank(2)  # room for the seal above and over the 署名
            sig_right = 4 + max(0.0, (date_w - wordfile.text_width(name)) / 2)
            date_right = 4.0
        else:
            self.blank()
            sig_right = 2.0
            date_right = max(0.0, 2 + wordfile.text_width(name) - 2 - date_w)
        sig = self.par(WD_ALIGN_PARAGRAPH.RIGHT, right=sig_right * self.char)
        runs = [self.body_run(sig, name)]
        when = self.par(WD_ALIGN_PARAGRAPH.RIGHT, right=date_right * self.char)
        runs.append(self.body_run(when, written))
        if d.sealed:
            # 7.3.5.1 印章 position, as a note that does not print.
            comment = self.out.add_comment(runs, text="", author="govdesk")
            wordfile.add_run(comment.paragraphs[0], self.lay.words["seal_note"], self.lay.fonts["body"],
                 10.5)

    # 版记 -------------------------------------------------------------------------------

    def record(self) -> None:
        """7.4 版记: on the last page, its last element on the last line (a floating table held
        at the foot of the type area); 首条、末条分隔线粗线, 中间细线; 抄送 and 印发 in 4号仿宋，
        左右各空一字."""
        d, lay = self.doc, self.lay
        size = float(lay.sizes["record"])
        one = Pt(size)
        rows = []
        cc = cc_in_order(d.cc)
        if cc:
            rows.append("cc")
        rows.append("printed")
        table = self.out.add_table(rows=len(rows), cols=1)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl = table._tbl
        tpr = tbl.tblPr
        pos = OxmlElement("w:tblpPr")
        # At the foot of the type area (tblpYSpec, which Word and WPS honour), else its top
        # a whole number of lines above it (tblpY). LibreOffice 7.4 lays a floating table
        # as wide as the type area inline, where the text ends.
        top = Mm(lay.page["text_height_mm"]).twips - len(rows) * lay.grid["line_pitch_twips"]
        for key, value in (("w:leftFromText", "0"), ("w:rightFromText", "0"),
                           ("w:vertAnchor", "margin"), ("w:horzAnchor", "margin"),
                           ("w:tblpXSpec", "center"), ("w:tblpY", str(int(top))),
                           ("w:tblpYSpec", "bottom")):
            pos.set(qn(key), value)
        style = tpr.find(qn("w:tblStyle"))
        if style is not None:
            tpr.remove(style)
        wordfile.put(tpr, pos, wordfile.TBLPR)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(int(Mm(lay.page["text_width_mm"]).twips)))
        width.set(qn("w:type"), "dxa")
        wordfile.put(tpr, width, wordfile.TBLPR)
        wordfile.table_rules(table, {"top": lay.rules["record_outer"],
                                     "bottom": lay.rules["record_outer"],
                                     "insideH": lay.rules["record_inner"]})
        wordfile.cell_margins(table, left=0, right=0)
        font = lay.fonts["body"]
        for row, kind in zip(table.rows, rows, strict=True):
            cell = row.cells[0]
            cell.width = Mm(lay.page["text_width_mm"])
            par = cell.paragraphs[0]
            fmt = par.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = self.pitch
            fmt.left_indent = fmt.right_indent = one
            if kind == "cc":
                label = lay.words["cc"]
                # 7.4.2: 抄送机关间用逗号隔开，回行时与冒号后的首字对齐，最后一个后标句号.
                fmt.left_indent = Emu(int(one * (1 + len(label))))
                fmt.first_line_indent = Emu(int(-one * len(label)))
                wordfile.add_run(par, label + "，".join(cc) + "。", font, size)
            else:
                # 7.4.3: 印发机关左空一字，印发日期右空一字，日期后加"印发"二字.
                inner = Mm(lay.page["text_width_mm"]) - 2 * one
                fmt.tab_stops.add_tab_stop(Emu(int(inner)), WD_TAB_ALIGNMENT.RIGHT)
                printed = (chinese_date(d.print_date) + lay.words["printed"]
                           if d.print_date else "")
                wordfile.add_run(par, f"{d.print_org}\t{printed}", font, size)
        # A body ends on a paragraph: an empty one the height of nothing.
        end = self.par(exact=Pt(1))
        wordfile.add_run(end, "", font, 1)

    def write(self) -> Any:
        self.page_setup()
        self.page_numbers()
        self.head()
        self.main()
        self.record()
        return self.out


def document(doc: OutgoingDocument, *, copy_no: int | None = None, note: str = ""):
    """The python-docx Document of ``doc`` (already read with clearance checked)."""
    return _Writer(doc, layout(), copy_no, note).write()


def build(actor: Actor, outgoing_id: int, path: str | os.PathLike, *,
          copy_no: int | None = None, note: str = "") -> Path:
    """Write the 发文 ``outgoing_id`` as .docx at ``path`` for ``actor``.

    Read through ``outgoing.get`` (PermissionDenied above the user's clearance; NotFound for no
    such record). ``copy_no`` is the 份号 printed on a secret copy (000001 when not given);
    ``note`` the 附注, which the record does not hold. The file appears whole or not at all: it
    is written beside ``path`` and renamed over it."""
    return _write(actor, outgoing.get(actor, outgoing_id), path, copy_no, note)


def _write(actor: Actor, doc: OutgoingDocument, path: str | os.PathLike,
           copy_no: int | None, note: str) -> Path:
    """``doc`` (read with its clearance checked) as the file; a secret one's export audited."""
    out = document(doc, copy_no=copy_no, note=note)
    return office_files.audited_save(
        actor, bool(doc.secrecy), lambda: wordfile.save(out, path), "outgoing.export_docx",
        "outgoing_document", doc.id, {"path": str(path), "copy_no": copy_no or 1})


def check_copy_no(copy_no: int | None) -> None:
    """7.2.1 份号: 6 位阿拉伯数字 — 1 to 999999 (printed 000001 …)."""
    if copy_no is not None and not 1 <= copy_no <= 999999:
        raise ValidationError(t("office_files.f_copy"), t("office_files.bad_copy",
                                                          value=copy_no), name="copy_no")


def record_id(ref: str) -> int:
    """The 发文 a user names: its id, or its 发文字号 as printed (黄政发〔2026〕12号; the
    brackets may be typed as [] or ()). NotFound names what was typed."""
    from govdesk.services.errors import NotFound

    text = ref.strip()
    if text.isdigit():
        return int(text)
    typed = text.replace("[", "〔").replace("]", "〕").replace("(", "〔").replace(")", "〕")
    found = OutgoingDocument.get_or_none(OutgoingDocument.number == typed)
    if found is None:
        raise NotFound(t("office_files.no_outgoing", ref=text))
    return found.id


def _build(actor: Actor, request: office_files.Request, path: Path, fmt: str
           ) -> office_files.Made:
    doc = outgoing.get(actor, record_id(request.record or ""))
    if not doc.number:
        raise ValidationError(t("office_files.f_record"),
                              t("office_files.unnumbered", title=doc.title, state=doc.state),
                              name="record")
    check_copy_no(request.copy_no)
    made = _write(actor, doc, path, request.copy_no, request.note)
    return office_files.Made(made, t("office_files.made_gongwen", number=doc.number))


office_files.register(office_files.FileKind(
    "gongwen", ("公文", "gongwen"), (".docx",), frozenset({"record"}), _build,
    needs=frozenset({"record"})))
