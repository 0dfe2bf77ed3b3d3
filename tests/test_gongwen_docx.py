"""The outgoing 公文 as .docx in the GB/T 9704-2012 layout (SPEC §15, §16; issue 14 item 1):
built from a real 发文 driven through the services and read back with python-docx."""

from __future__ import annotations

import re
import statistics
import time
from datetime import datetime

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from helpers.outgoing_worker import drive_to, new_draft
from helpers.rendered import assert_gbt_page, needs_office, pdf_text, to_pdf

from govdesk.services import outgoing
from govdesk.services.errors import PermissionDenied
from govdesk.services.office_files import gongwen, wordfile

D1 = datetime(2026, 11, 26, 9, 30)
D4 = datetime(2026, 12, 1, 9, 0)
EAST = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef—]")

BODY = "\n".join([
    "为切实做好冬季安全生产工作，现就有关事项通知如下。",
    "一、落实责任",
    "（一）明确分工。各单位主要负责人是本单位安全生产第一责任人。",
    "1．建立台账。",
    "（1）逐项登记。",
    *["各乡镇人民政府、各街道办事处要按照属地管理原则，认真组织开展安全生产大检查，"
      "做到全覆盖、无死角，发现问题立即整改到位。" for _ in range(16)],
])
FIELDS = {
    "issuer": "区政府",
    "title": "关于做好冬季安全生产工作的通知",
    "main_to": "各乡镇人民政府、各街道办事处，区政府各部门",
    "cc": "区委办、区人大常委会、区人武部、区总工会",
    "attachments": "1. 检查表\n2. 联系人名单",
    "body": BODY,
    "lead_leader": "wuzq",
}


def _printed(as_user, **fields):
    doc = new_draft(as_user("qianhy", D1), **{**FIELDS, **fields})
    drive_to(doc, "第一读者", D4)  # signed, numbered and printed
    return outgoing.get(as_user("lixm", D4), doc.id)


@pytest.fixture
def built(db, as_user, tmp_path):
    doc = _printed(as_user)
    path = gongwen.build(as_user("lixm", D4), doc.id, tmp_path / "gongwen.docx")
    return doc, path, docx.Document(str(path))


def _text(par) -> str:
    return "".join(r.text for r in par.runs)


def _find(out, pattern: str):
    return next(p for p in out.paragraphs if re.search(pattern, _text(p)))


def _fonts(run) -> dict[str, str | None]:
    rpr = run._element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return {k: None if fonts is None else fonts.get(qn(f"w:{k}"))
            for k in ("ascii", "hAnsi", "eastAsia")}


def test_page_is_a4_with_the_standard_margins(built):
    _, _, out = built
    s = out.sections[0]
    assert_gbt_page(s)
    assert abs((s.page_width - s.left_margin - s.right_margin) - Mm(156)) <= Mm(0.1)
    assert abs((s.page_height - s.top_margin - s.bottom_margin) - Mm(225)) <= Mm(0.1)


def test_every_east_asian_run_names_its_east_asian_font(built):
    _, path, out = built
    parts = [out.element, *(f._element for f in (out.sections[0].footer,
                                                  out.sections[0].even_page_footer))]
    east = 0
    for part in parts:
        for r in part.iter(qn("w:r")):
            text = "".join(t.text or "" for t in r.iter(qn("w:t")))
            if not EAST.search(text):
                continue
            east += 1
            fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert fonts is not None and fonts.get(qn("w:eastAsia")), text
            assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:eastAsia")), text
    assert east > 20


def test_title_body_and_headings(built):
    doc, _, out = built
    title = _find(out, "^关于做好冬季安全生产工作的通知$")
    assert title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert (_fonts(title.runs[0])["eastAsia"], title.runs[0].font.size) == (
        "方正小标宋简体", Pt(22))
    body = _find(out, "^为切实做好")
    run = body.runs[0]
    assert (_fonts(run)["eastAsia"], run.font.size) == ("仿宋_GB2312", Pt(16))
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == docx.enum.text.WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing == Pt(28.95)
    # 22 lines of 28.95 pt fit the 225 mm type area, a 23rd does not.
    assert 22 * fmt.line_spacing <= Mm(225) < 23 * fmt.line_spacing
    # 28 characters of 16 pt condensed by the run's spacing fit the 156 mm, a 29th does not.
    spacing = int(run._element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    pitch = Pt(16 + spacing)
    assert 28 * pitch <= Mm(156) < 29 * pitch
    assert _fonts(_find(out, "^一、落实责任").runs[0])["eastAsia"] == "黑体"
    second = _find(out, "^（一）明确分工")
    assert [(_fonts(r)["eastAsia"], r.text) for r in second.runs] == [
        ("楷体_GB2312", "（一）明确分工。"),
        ("仿宋_GB2312", "各单位主要负责人是本单位安全生产第一责任人。")]
    assert _fonts(_find(out, "^1．建立台账").runs[0])["eastAsia"] == "仿宋_GB2312"
    assert _fonts(_find(out, "^（1）逐项登记").runs[0])["eastAsia"] == "仿宋_GB2312"
    mark = _find(out, "^黄岩区人民政府文件$")
    assert str(mark.runs[0].font.color.rgb) == "FF0000"
    assert _text(_find(out, "^附件：")) == "附件：1. 检查表"
    assert _text(_find(out, "^2. 联系人名单$")) == "2. 联系人名单"
    assert _text(_find(out, "^主送|^各乡镇人民政府、各街道办事处，")).endswith("：")
    assert _text(_find(out, "^黄岩区人民政府$"))
    assert _find(out, r"^2026年\d{1,2}月\d{1,2}日$")


def test_number_has_the_year_in_brackets_and_no_leading_zeros(built):
    doc, _, out = built
    number = _find(out, "〔")
    assert re.fullmatch(r"黄政发〔2026〕[1-9]\d*号", _text(number)), _text(number)
    assert _text(number) == doc.number
    # The red separator under it.
    bottom = number._element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"


def test_the_record_lists_cc_party_government_army_groups(built, as_user):
    doc, _, out = built
    table = out.tables[-1]
    cc, printed = (c.text for c in (table.rows[0].cells[0], table.rows[1].cells[0]))
    assert cc == "抄送：区委办，区人大常委会，区人武部，区总工会。"
    assert printed == f"黄岩区人民政府办公室\t{doc.print_date.year}年{doc.print_date.month}月" \
                      f"{doc.print_date.day}日印发"
    # Held at the foot of the type area: its top two lines above the lower edge.
    pos = table._tbl.tblPr.find(qn("w:tblpPr"))
    assert (pos.get(qn("w:vertAnchor")), pos.get(qn("w:tblpYSpec")),
            int(pos.get(qn("w:tblpY")))) == ("margin", "bottom", round(Mm(225).twips) - 2 * 579)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert [borders.find(qn(f"w:{e}")).get(qn("w:val")) for e in ("top", "insideH", "bottom")
            ] == ["single"] * 3
    # Written out of order, the 版记 still lists 党、政、军、群.
    assert gongwen.cc_in_order("区总工会、区人武部、区人大常委会、区委办") == [
        "区委办", "区人大常委会", "区人武部", "区总工会"]


def test_page_numbers_odd_right_even_left(built):
    _, _, out = built
    assert out.settings.odd_and_even_pages_header_footer
    s = out.sections[0]
    for footer, align in ((s.footer, "RIGHT"), (s.even_page_footer, "LEFT")):
        par = footer.paragraphs[0]
        assert par.alignment == getattr(docx.enum.text.WD_ALIGN_PARAGRAPH, align)
        xml = par._element
        codes = [t.text.strip() for t in xml.iter(qn("w:instrText"))]
        assert codes == ["PAGE"]
        assert [f.get(qn("w:fldCharType")) for f in xml.iter(qn("w:fldChar"))] == [
            "begin", "separate", "end"]
        assert par.text == "— 1 —"
        assert all(r.font.size == Pt(14) and _fonts(r)["eastAsia"] == "宋体" for r in par.runs)


def test_secret_copy_marks_and_refusal(db, as_user, tmp_path):
    doc = new_draft(as_user("qianhy", D1), **{**FIELDS, "secrecy": "机密", "secrecy_years": 5,
                                              "urgency": "特急", "upward": True})
    path = gongwen.build(as_user("lixm", D1), doc.id, tmp_path / "secret.docx", copy_no=12)
    out = docx.Document(str(path))
    texts = [_text(p) for p in out.paragraphs[:3]]
    assert texts == ["000012", "机密★5年", "特急"]
    assert _fonts(out.paragraphs[1].runs[0])["eastAsia"] == "黑体"
    # Upward: 签发人 on the 发文字号's line, right; the separator under it spans the type area.
    signer = _find(out, "签发人：")
    assert signer._element.pPr.find(qn("w:pBdr")) is not None
    assert signer.paragraph_format.left_indent in (None, 0)
    assert signer.paragraph_format.right_indent in (None, 0)
    for login in ("zhangyt", "yangf"):  # clearance 无 and 秘密
        target = tmp_path / f"{login}.docx"
        with pytest.raises(PermissionDenied):
            gongwen.build(as_user(login, D1), doc.id, target)
        assert not target.exists()
    # No temp file is left beside them.
    assert [p.name for p in tmp_path.iterdir() if "docx" in p.name] == ["secret.docx"]


def test_build_time(built, as_user, tmp_path):
    doc, _, _ = built
    actor = as_user("lixm", D4)
    times = []
    for n in range(10):
        start = time.perf_counter()
        gongwen.build(actor, doc.id, tmp_path / f"t{n}.docx")
        times.append(time.perf_counter() - start)
    print(f"gongwen.build median of 10: {statistics.median(times) * 1000:.1f} ms")
    assert len(list(tmp_path.glob("t*.docx"))) == 10


@needs_office
def test_rendered_pdf_has_22_body_lines_on_a_full_page(built, tmp_path):
    _, path, _ = built
    text = pdf_text(to_pdf(path, tmp_path), layout=True)
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3, text
    # Page numbers between dashes, odd pages right and even pages left.
    numbers = [[line for line in p.splitlines() if re.search(r"—\s*\d+\s*—", line)][-1]
               for p in pages]
    assert [re.sub(r"\s", "", n) for n in numbers] == [f"—{n}—" for n in
                                                         range(1, len(pages) + 1)]
    assert len(numbers[0]) - len(numbers[0].lstrip()) > len(numbers[1]) - len(
        numbers[1].lstrip())
    # Page 2 is all body: 22 lines, and a full line holds 28 characters.
    lines = [line.strip() for line in pages[1].splitlines()
             if line.strip() and not re.search(r"—\s*\d+\s*—", line)]
    print("\n".join(lines))
    assert len(lines) == 22
    # A full line holds 28 characters; a paragraph's first line 26 after its two-character
    # indent.
    firsts = [line for line in lines if line.startswith("各乡镇")]
    full = [line for line in lines if not line.endswith("。") and line not in firsts]
    assert full and {len(line.replace(" ", "")) for line in full} == {28}, full
    assert firsts and {len(line.replace(" ", "")) for line in firsts} == {26}, firsts
    # The 版记 on the last page.
    assert "抄送" in pages[-1] and "印发" in pages[-1]


def test_properties_are_in_schema_order(built):
    """Word refuses a file whose paragraph, run or table properties are out of ECMA-376 order."""
    _, _, out = built
    parts = [out.element, out.sections[0].footer._element,
             out.sections[0].even_page_footer._element]
    checked = 0
    for part in parts:
        for tag, order in (("w:pPr", wordfile.PPR), ("w:rPr", wordfile.RPR),
                           ("w:tblPr", wordfile.TBLPR)):
            for props in part.iter(qn(tag)):
                names = [c.tag.split("}")[1] for c in props]
                assert all(n in order for n in names), names
                assert names == sorted(names, key=order.index), names
                checked += 1
    assert checked > 50


def test_a_joint_document_sets_wenjian_beside_the_bodies_centred_between_them(built):
    """7.2.4 联合行文: the 主办机关 first, "文件" right of the names, centred on them."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc, _, _ = built
    doc.issuer = "两办联合"  # the layout only: nothing is saved
    out = gongwen.document(doc)
    mark = out.tables[0]
    bodies, beside = mark.rows[0].cells
    assert [p.text for p in bodies.paragraphs] == ["中共黄岩区委办公室", "黄岩区人民政府办公室"]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.DISTRIBUTE for p in bodies.paragraphs)
    assert beside.text == "文件" and beside.vertical_alignment == WD_CELL_VERTICAL_ALIGNMENT.CENTER
    runs = [r for c in (bodies, beside) for p in c.paragraphs for r in p.runs]
    assert {str(r.font.color.rgb) for r in runs} == {"FF0000"}
    assert {_fonts(r)["eastAsia"] for r in runs} == {"方正小标宋简体"}
    # Nothing of the mark is printed twice, and the 文号 still follows it.
    text = "\n".join(p.text for p in out.paragraphs)
    assert "文件" not in text and doc.number in text


def test_a_secret_documents_export_is_audited_once_with_its_opening(db, as_user, tmp_path):
    """One 公文 written through the registry: one opening of the secret record and one
    export entry, in the same transaction as the file."""
    from govdesk.models import AuditEntry
    from govdesk.services import office_files

    doc = _printed(as_user, secrecy="秘密")
    clerk = as_user("lixm", D4)
    before = {a: AuditEntry.select().where(AuditEntry.action == a).count()
              for a in ("outgoing.open_secret", "outgoing.export_docx")}
    office_files.produce(clerk, office_files.kinds()["gongwen"],
                         office_files.Request(record=doc.number, copy_no=3),
                         tmp_path / "g.docx")
    after = {a: AuditEntry.select().where(AuditEntry.action == a).count() for a in before}
    assert {a: after[a] - before[a] for a in before} == {"outgoing.open_secret": 1,
                                                         "outgoing.export_docx": 1}
    # A file that cannot be put in place leaves no entry.
    with pytest.raises(OSError):
        office_files.produce(clerk, office_files.kinds()["gongwen"],
                             office_files.Request(record=doc.number),
                             tmp_path / "no such folder" / "g.docx")
    assert AuditEntry.select().where(AuditEntry.action == "outgoing.export_docx").count() == \
        after["outgoing.export_docx"]
