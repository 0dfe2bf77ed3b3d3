"""The 收文处理笺 (文件处理笺): the one-page slip that travels on paper with each 收文, as .docx and
as plain text (SPEC §3, §15).

Its layout is data/slip.toml — the heading, the rows of a ruled table (labels, the record's
fields, the boxes of opinions), column widths and row heights — so an office matches its own
form by editing that file; the page and the font names are data/gongwen.toml's (GB/T 9704).
What it holds is read through the 收文 service: ``incoming.get`` refuses a user above the
document's clearance (PermissionDenied, as on screen) and the opinions come from the flow's
timeline as that user may see it. Making a slip of a secret document is audited.

Long opinions: each cell's text is set at the first of the layout's sizes (4号, 小四, 五号) at
which it fits its row's height, so a long 批示 shrinks to keep the slip on one page. A text too
long even at the smallest size is still printed whole: its row grows (row heights are least
heights) and the slip runs onto a second page — never cut. The .txt edition always holds
everything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from govdesk.i18n import t
from govdesk.models import IncomingDocument, Person, Task
from govdesk.models import incoming as states
from govdesk.models.flow import DONE, RETURNED
from govdesk.services import doc_numbers, incoming, office_files, org
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import NotFound
from govdesk.services.office_files import gongwen, wordfile
from govdesk.services.office_files.wordfile import chinese_date
from govdesk.services.rules import data_dir

FIELDS = ("number", "received_on", "from_name", "doc_number", "secrecy", "urgency", "title",
          "doc_kind", "pages", "copy_no", "due", "attachments", "summary", "archive_no")
BOXES = ("proposal", "instructions", "readings", "result")
# The steps whose opinions are readers' (阅签, 阅办, 传阅; 阅知 the copy of a 转办).
READING_STEPS = (*incoming.READER_ACTIONS, "阅知")
PROPOSAL_STEP = "签批"  # the 主任's 拟办 (Supp. §2(一))
CLOSING_STEP = "分送"  # 办结 is this step's close (data/workflows/incoming.toml)
INTAKE_STEP, TOLD_STEP = "初审", "告知来文单位"
PT_PER_MM = 72 / 25.4


# --------------------------------------------------------------------------- the layout


@dataclass(frozen=True)
class Cell:
    kind: str  # label, field or box
    value: str  # the label's words, the field's or the box's name
    span: int = 1


@dataclass(frozen=True)
class Row:
    height_mm: float
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Layout:
    page: dict[str, Any]  # data/gongwen.toml [page]
    heading: str
    heading_font: str
    heading_size: float
    heading_colour: str
    heading_space_mm: float
    columns_mm: tuple[float, ...]
    label_font: str
    text_font: str
    sizes: tuple[float, ...]
    line_spacing: float
    rule: int
    rule_colour: str
    margin_mm: float
    top_mm: float
    rows: tuple[Row, ...]
    words: dict[str, str]


def _font(path: Path, fonts: dict[str, str], key: Any, where: str) -> str:
    if key not in fonts:
        raise ValueError(f"{path}: {where} = {key!r} is no key of data/gongwen.toml [fonts] "
                         f"({', '.join(fonts)})")
    return fonts[key]


def _cell(path: Path, raw: Any, where: str) -> Cell:
    kinds = [k for k in ("label", "field", "box") if isinstance(raw, dict) and k in raw]
    if len(kinds) != 1 or not set(raw) <= {"label", "field", "box", "span"}:
        raise ValueError(f"{path}: {where}: a cell is {{ label = … }}, {{ field = … }} or "
                         f"{{ box = … }}, with span = n if wider")
    kind = kinds[0]
    value, span = raw[kind], raw.get("span", 1)
    known = {"field": FIELDS, "box": BOXES}.get(kind)
    if not isinstance(value, str) or (known is not None and value not in known):
        raise ValueError(f"{path}: {where}: {kind} = {value!r}" +
                         (f" is none of {', '.join(known)}" if known else " is not text"))
    if not isinstance(span, int) or isinstance(span, bool) or span < 1:
        raise ValueError(f"{path}: {where}: span = {span!r} is not a whole number of columns")
    return Cell(kind, value, span)


@cache
def layout() -> Layout:
    """data/slip.toml, read once and checked: the fonts name keys of gongwen.toml [fonts],
    every row fills the columns, the columns fill the type area's width and the rows (with the
    heading) fit its height. A fault names the file and the row."""
    path = data_dir() / "slip.toml"
    doc, _ = wordfile.layout_file("slip.toml", ("heading", "table", "words"))
    if not isinstance(doc.get("rows"), list) or not doc["rows"]:
        raise ValueError(f"{path}: no [[rows]]")
    base = gongwen.layout()
    head, table = doc["heading"], doc["table"]
    columns = tuple(float(c) for c in table["columns_mm"])
    width = float(base.page["text_width_mm"])
    if abs(sum(columns) - width) > 0.5:
        raise ValueError(f"{path}: [table] columns_mm add up to {sum(columns):g} mm, not the "
                         f"type area's {width:g} mm (gongwen.toml [page] text_width_mm)")
    rows = []
    for n, raw in enumerate(doc["rows"], 1):
        where = f"row {n}"
        if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
            raise ValueError(f"{path}: {where}: cells = [ … ] is missing")
        cells = tuple(_cell(path, c, f"{where}, cell {i}") for i, c in enumerate(raw["cells"], 1))
        if sum(c.span for c in cells) != len(columns):
            raise ValueError(f"{path}: {where}: its cells span {sum(c.span for c in cells)} "
                             f"columns, the table has {len(columns)}")
        height = raw.get("height_mm")
        if not isinstance(height, (int, float)) or isinstance(height, bool) or height <= 0:
            raise ValueError(f"{path}: {where}: height_mm = {height!r} is not a height")
        rows.append(Row(float(height), cells))
    sizes = tuple(float(s) for s in table["sizes"])
    if not sizes or any(s <= 0 for s in sizes):
        raise ValueError(f"{path}: [table] sizes = {table['sizes']!r}: give one size or more")
    lay = Layout(
        page=base.page, heading=str(head["text"]),
        heading_font=_font(path, base.fonts, head["font"], "[heading] font"),
        heading_size=float(head["size"]), heading_colour=str(head["colour"]),
        heading_space_mm=float(head["space_after_mm"]), columns_mm=columns,
        label_font=_font(path, base.fonts, table["label_font"], "[table] label_font"),
        text_font=_font(path, base.fonts, table["text_font"], "[table] text_font"),
        sizes=sizes, line_spacing=float(table["line_spacing"]), rule=int(table["rule"]),
        rule_colour=str(table["rule_colour"]), margin_mm=float(table["cell_margin_mm"]),
        top_mm=float(table["cell_top_mm"]), rows=tuple(rows),
        words={k: str(v) for k, v in doc["words"].items()})
    for key in ("signed", "acting", "section", "no_secrecy"):
        if key not in lay.words:
            raise ValueError(f"{path}: [words] {key} is missing")
    total = heading_height_mm(lay) + sum(r.height_mm for r in rows)
    if total > float(base.page["text_height_mm"]):
        raise ValueError(f"{path}: the heading and rows are {total:g} mm tall, more than the "
                         f"type area's {base.page['text_height_mm']:g} mm: one A4 page")
    return lay


def heading_height_mm(lay: Layout) -> float:
    """The heading's line (its size × 1.5) and the space under it."""
    return lay.heading_size * 1.5 / PT_PER_MM + lay.heading_space_mm


# --------------------------------------------------------------------------- the content


@dataclass(frozen=True)
class Entry:
    """One opinion in a box: what was written, who signs it and when."""

    text: str
    who: str
    when: datetime | None

    def signature(self, words: dict[str, str]) -> str:
        date = chinese_date(self.when.date()) if self.when is not None else ""
        return words["signed"].format(name=self.who, date=date).strip()


@dataclass(frozen=True)
class Slip:
    """What the slip says, cell by cell, before either edition lays it out."""

    heading: str
    fields: dict[str, str]
    boxes: dict[str, tuple[Entry, ...]]


def _fields(doc: IncomingDocument, words: dict[str, str]) -> dict[str, str]:
    return {
        "number": doc.number, "received_on": chinese_date(doc.received_on),
        "from_name": doc.from_name, "doc_number": doc.doc_number, "title": doc.title,
        "secrecy": gongwen.secrecy_mark(doc) or words["no_secrecy"],
        "urgency": doc.urgency, "doc_kind": doc.doc_kind, "pages": str(doc.pages),
        "copy_no": doc.copy_no, "due": chinese_date(doc.due) if doc.due else "",
        "attachments": doc.attachments, "summary": doc.summary,
        "archive_no": doc.archive_no or "",
    }


def _who(hop: engine.Hop, words: dict[str, str]) -> str:
    name = hop.acted_by or hop.holder
    if hop.by_section and hop.acted_by:
        return words["section"].format(section=hop.holder, name=hop.acted_by)
    if hop.acting_for:
        return words["acting"].format(name=name, leader=hop.acting_for)
    return name


def _boxes(doc: IncomingDocument, hops: list[engine.Hop], words: dict[str, str]
           ) -> dict[str, tuple[Entry, ...]]:
    """Each box's opinions from the timeline: 拟办意见 the 签批; a reader's turn is a 领导批示
    when the one who took it is a district leader (org.LEADER_RANKS, whichever of 阅签/阅办/
    传阅 it was), else a 阅办 result; 办理结果 the 办结 note, or the intake decision of a
    document sent on (转办) or back (退文). A turn not taken (waiting, cancelled) is not
    printed."""
    done = [h for h in hops if h.state in (DONE, RETURNED) and h.acted_at is not None]
    leaders = {task_id for (task_id,) in Task.select(Task.id)
               .join(Person, on=(Task.acted_by == Person.id))
               .where(Task.id.in_([h.id for h in done]) & Person.rank.in_(org.LEADER_RANKS))
               .tuples()}

    def entry(hop: engine.Hop) -> Entry:
        return Entry(hop.opinion.strip(), _who(hop, words), hop.acted_at)

    readers = [h for h in done if h.step in READING_STEPS]
    result: list[engine.Hop] = []
    if doc.state in (states.CLOSED, states.ARCHIVED):
        result = [h for h in done if h.step == CLOSING_STEP][-1:]
    elif doc.state in (states.TRANSFERRED, states.RETURNED):
        result = [h for h in done if h.step in (INTAKE_STEP, TOLD_STEP)]
    return {
        "proposal": tuple(entry(h) for h in done if h.step == PROPOSAL_STEP),
        "instructions": tuple(entry(h) for h in readers if h.id in leaders),
        "readings": tuple(entry(h) for h in readers if h.id not in leaders),
        "result": tuple(entry(h) for h in result),
    }


def content(actor: Actor, doc: IncomingDocument, lay: Layout | None = None) -> Slip:
    """The slip of ``doc`` (already read through ``incoming.get``, clearance checked)."""
    lay = lay or layout()
    hops = engine.timeline(incoming.KIND, doc.id, actor)
    heading = lay.heading.format(office=org.district("office"),
                                 government=org.district("government"))
    return Slip(heading, _fields(doc, lay.words), _boxes(doc, hops, lay.words))


# --------------------------------------------------------------------------- fitting


def _paragraphs(cell: Cell, slip: Slip, words: dict[str, str]) -> list[tuple[str, bool]]:
    """The cell's lines of text as (text, signed): a box's entries each followed by its
    signature (set to the right)."""
    if cell.kind == "label":
        return [(cell.value, False)]
    if cell.kind == "field":
        return [(line, False) for line in slip.fields[cell.value].splitlines() or [""]]
    out: list[tuple[str, bool]] = []
    for item in slip.boxes[cell.value]:
        out += [(line, False) for line in item.text.splitlines() if line.strip()]
        out.append((item.signature(words), True))
    return out


def lines_needed(texts: list[str], width_mm: float, size: float) -> int:
    """Lines the texts take in a column ``width_mm`` wide at ``size`` pt, a full-width
    character being ``size`` wide. A text that runs over is reckoned a character short a line:
    a closing mark is never set at the start of a line, which can carry a character over."""
    per_line = max(1, math.floor(width_mm * PT_PER_MM / size))
    wrapped = max(1, per_line - 1)
    return sum(1 if wordfile.text_width(t) <= per_line
               else math.ceil(wordfile.text_width(t) / wrapped) for t in texts)


def fitting_size(texts: list[str], width_mm: float, height_mm: float, lay: Layout) -> float:
    """The first of the layout's sizes at which ``texts`` fit the cell; the smallest when none
    does (the row then grows)."""
    room = height_mm - 2 * lay.top_mm
    for size in lay.sizes:
        tall = lines_needed(texts, width_mm, size) * size * lay.line_spacing / PT_PER_MM
        if tall <= room:
            return size
    return lay.sizes[-1]


# --------------------------------------------------------------------------- the .docx


def _set_row(row, height_mm: float) -> None:
    row.height = Mm(height_mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def document(slip: Slip, lay: Layout | None = None):
    """The python-docx Document of the slip: the heading, then one ruled table."""
    lay = lay or layout()
    out = Document()
    wordfile.setup_page(out, lay.page, font=lay.text_font, size=lay.sizes[0])
    par = wordfile.paragraph(out, WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(lay.heading_size * 1.5))
    par.paragraph_format.space_after = Mm(lay.heading_space_mm)
    wordfile.add_run(par, slip.heading, lay.heading_font, lay.heading_size,
                     colour=lay.heading_colour)
    table = out.add_table(rows=len(lay.rows), cols=len(lay.columns_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    rule = lay.rule
    wordfile.table_rules(table, dict.fromkeys(
        ("top", "left", "bottom", "right", "insideH", "insideV"), rule), lay.rule_colour)
    side, top = Mm(lay.margin_mm).twips, Mm(lay.top_mm).twips
    wordfile.cell_margins(table, top=top, left=side, bottom=top, right=side)
    for column, width in zip(table.columns, lay.columns_mm, strict=True):
        column.width = Mm(width)
    for spec, row in zip(lay.rows, table.rows, strict=True):
        _set_row(row, spec.height_mm)
        for column, cell in enumerate(row.cells):
            cell.width = Mm(lay.columns_mm[column])
        column = 0
        for spec_cell in spec.cells:
            cell = row.cells[column]
            if spec_cell.span > 1:
                cell = cell.merge(row.cells[column + spec_cell.span - 1])
            width = sum(lay.columns_mm[column:column + spec_cell.span]) - 2 * lay.margin_mm
            _fill(cell, spec_cell, slip, lay, width, spec.height_mm)
            column += spec_cell.span
    end = wordfile.paragraph(out, exact=Pt(1))  # a body ends on a paragraph: of no height
    wordfile.add_run(end, "", lay.text_font, 1)
    return out


def _fill(cell, spec: Cell, slip: Slip, lay: Layout, width_mm: float, height_mm: float
          ) -> None:
    lines = _paragraphs(spec, slip, lay.words)
    size = fitting_size([text for text, _ in lines], width_mm, height_mm, lay)
    cell.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.TOP if spec.kind == "box"
                               else WD_CELL_VERTICAL_ALIGNMENT.CENTER)
    font = lay.label_font if spec.kind == "label" else lay.text_font
    first = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:  # a merged cell keeps each part's empty paragraph
        extra._element.getparent().remove(extra._element)
    for n, (text, signed) in enumerate(lines or [("", False)]):
        par = first if n == 0 else cell.add_paragraph()
        fmt = par.paragraph_format
        fmt.alignment = (WD_ALIGN_PARAGRAPH.CENTER if spec.kind == "label" else
                         WD_ALIGN_PARAGRAPH.RIGHT if signed else WD_ALIGN_PARAGRAPH.LEFT)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(size * lay.line_spacing)
        fmt.widow_control = False
        if spec.kind == "box" and not signed:
            fmt.first_line_indent = Pt(2 * size)  # 首行缩进二字
        wordfile.add_run(par, text, font, size)


# --------------------------------------------------------------------------- the .txt


def plain_text(slip: Slip, lay: Layout | None = None) -> str:
    """The same slip as plain text: the heading, each row's label：value pairs on one line,
    each box's opinions under its label, indented, each signed on the line below."""
    lay = lay or layout()
    out = [slip.heading, ""]
    for row in lay.rows:
        pairs: list[str] = []
        label = ""
        for cell in row.cells:
            if cell.kind == "label":
                if label:
                    pairs.append(f"{label}：")
                label = cell.value
                continue
            if cell.kind == "field":
                value = "\n　　".join(slip.fields[cell.value].splitlines())
                pairs.append(f"{label}：{value}" if label else value)
            else:
                if pairs:
                    out.append("　　".join(pairs))
                    pairs = []
                out.append(f"{label}：" if label else "")
                for item in slip.boxes[cell.value]:
                    out += [f"　　{line.strip()}" for line in item.text.splitlines()
                            if line.strip()]
                    out.append(f"　　　　{item.signature(lay.words)}")
            label = ""
        if label:
            pairs.append(f"{label}：")
        if pairs:
            out.append("　　".join(pairs))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- making it


def record_id(actor: Actor, ref: str) -> int:
    """The 收文 a user names: its id, or its 收文编号 as printed (收〔2026〕12号; the brackets
    typed as [] or (), the 号 left out; 12号 this year's twelfth). NotFound names what was
    typed."""
    text = (ref or "").strip()
    if text.isdigit():
        return int(text)
    query = doc_numbers.parse(text, actor.today)
    if query is not None and incoming.KIND in doc_numbers.kinds_of(query, incoming.KIND):
        found = (IncomingDocument.select(IncomingDocument.id)
                 .where(doc_numbers.condition(query, incoming.KIND)).first())
        if found is not None:
            return found.id
    raise NotFound(t("slip.no_incoming", ref=text))


def build(actor: Actor, doc_id: int, path: str | Path, fmt: str = ".docx") -> Path:
    """Write the slip of 收文 ``doc_id`` for ``actor`` at ``path``, as .docx or .txt, whole or
    not at all. Read through ``incoming.get`` (PermissionDenied above the user's clearance,
    NotFound for no such record); a secret document's slip is audited."""
    doc = incoming.get(actor, doc_id)
    lay = layout()
    slip = content(actor, doc, lay)

    def save() -> Path:
        if fmt == ".txt":
            return wordfile.save_text(plain_text(slip, lay), path)
        return wordfile.save(document(slip, lay), path)

    return office_files.audited_save(actor, bool(doc.secrecy), save, "incoming.export_slip",
                                     "incoming_document", doc.id,
                                     {"path": str(path), "format": fmt})


def _build(actor: Actor, request: office_files.Request, path: Path, fmt: str
           ) -> office_files.Made:
    doc_id = record_id(actor, request.record or "")
    made = build(actor, doc_id, path, fmt)
    number = IncomingDocument.get_by_id(doc_id).number
    return office_files.Made(made, t("slip.made", number=number))


office_files.register(office_files.FileKind(
    "slip", ("处理笺", "文件处理笺", "收文处理笺", "slip"), (".docx", ".txt"),
    frozenset({"record"}), _build, needs=frozenset({"record"})))
