"""The 收文处理笺 (文件处理笺) as .docx and .txt (SPEC §3, §15): a 收文 walked through 拟办, two
批示, 阅办 and 办结 on a real database, its slip opened with python-docx and rendered with
LibreOffice."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from helpers.cli_env import cli_env
from helpers.rendered import assert_gbt_page, needs_office, pdf_info, pdf_text, to_pdf

from govdesk.models import AuditEntry, IncomingDocument
from govdesk.services import incoming, office_files, org, schedule
from govdesk.services.errors import NotFound, PermissionDenied
from govdesk.services.office_files import slip

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 11, 23, 9, 0)  # a Monday
EAST = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")
Reader = incoming.Reader

PROPOSAL = "请赵副区长、周副区长阅示，综合调研科阅办。"
FIRST = "同意财政局意见，请教育局抓紧落实。"
SECOND = "请按赵区长批示办理，注意资金安全。"
READING = "已研究，拟按报告意见办理，结果报区政府。"
CLOSING = "已按批示办理完毕，函复区财政局。"


def at(as_user, login: str, hours: float):
    return as_user(login, T0 + timedelta(hours=hours))


def only_task(actor, doc):
    task = incoming.current_task_for(actor, doc)
    assert task is not None, f"nothing for {actor.person.login}"
    return task


def registered(as_user, **fields) -> IncomingDocument:
    base = {"from_unit": "cz", "doc_number": "黄财〔2026〕12号", "doc_kind": "报告",
            "title": "关于2026年教育专项资金安排情况的报告", "urgency": "加急",
            "received_on": "2026-11-23"}
    return incoming.register(at(as_user, "lixm", 0), {**base, **fields})


def walked(as_user, **fields) -> IncomingDocument:
    """Registered, accepted, 签批 (拟办) to two leaders and a section, both 批示 and the 阅办
    returned, 办结."""
    doc = registered(as_user, **fields)
    clerk = at(as_user, "lixm", 0.5)
    incoming.decide_intake(clerk, only_task(clerk, doc).id, "受理", "符合受文规定")
    director = at(as_user, "linzh", 2)
    incoming.sign(director, only_task(director, doc).id, PROPOSAL, [
        Reader("阅签", person=org.person_by_login("zhaogl")),
        Reader("阅签", person=org.person_by_login("zhoudw")),
        Reader("阅办", section=org.section("diaoyan")),
    ])
    for login, hours, text in (("zhaogl", 5, FIRST), ("zhoudw", 26, SECOND),
                               ("qianhy", 28, READING)):
        reader = at(as_user, login, hours)
        incoming.reader_return(reader, only_task(reader, doc).id, text)
    closer = at(as_user, "lixm", 50)
    incoming.close(closer, only_task(closer, doc).id, CLOSING)
    return IncomingDocument.get_by_id(doc.id)


def _text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs)


def _cells(out) -> list[list[str]]:
    """The table's rows as texts, a merged cell once."""
    rows = []
    for row in out.tables[0].rows:
        seen, texts = set(), []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                texts.append(_text(cell))
        rows.append(texts)
    return rows


def _beside(out, label: str) -> str:
    """The text of the cell right of ``label``'s."""
    for row in _cells(out):
        if label in row:
            return row[row.index(label) + 1]
    raise AssertionError(f"no cell {label}: {_cells(out)}")


@pytest.fixture
def made(db, as_user, tmp_path):
    doc = walked(as_user)
    path = slip.build(at(as_user, "lixm", 51), doc.id, tmp_path / "slip.docx")
    return doc, path, docx.Document(str(path))


def test_every_field_is_in_its_cell(made):
    doc, _, out = made
    assert out.paragraphs[0].text == "黄岩区人民政府办公室文件处理笺"
    assert _beside(out, "收文编号") == doc.number == "收〔2026〕1号"
    assert _beside(out, "收文日期") == "2026年11月23日"
    assert _beside(out, "来文单位") == "黄岩区财政局"
    assert _beside(out, "来文字号") == "黄财〔2026〕12号"
    assert _beside(out, "密级") == "无"
    assert _beside(out, "紧急程度") == "加急"
    assert _beside(out, "标题") == "关于2026年教育专项资金安排情况的报告"
    assert _beside(out, "拟办意见") == f"{PROPOSAL}\n林振华　2026年11月23日"
    # Both 批示, each with the leader's name and date, in the order written.
    assert _beside(out, "领导批示") == (f"{FIRST}\n赵国梁　2026年11月23日\n"
                                        f"{SECOND}\n周德伟　2026年11月24日")
    # The section's 阅办, signed by the section and the one who wrote it.
    assert _beside(out, "阅办情况") == f"{READING}\n综合调研科（钱红英）　2026年11月24日"
    assert _beside(out, "办理结果") == f"{CLOSING}\n秘书科（李晓梅）　2026年11月25日"


def test_every_east_asian_run_names_its_font(made):
    _, _, out = made
    runs = [r for p in out.paragraphs for r in p.runs]
    runs += [r for row in out.tables[0].rows for c in row.cells for p in c.paragraphs
             for r in p.runs]
    east = [r for r in runs if EAST.search(r.text)]
    assert len(east) > 20
    for run in east:
        fonts = run._element.rPr.find(qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text
        assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:ascii"))
    heading = out.paragraphs[0].runs[0]
    assert heading.font.size.pt == 22
    assert heading._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    label = out.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    assert label._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    labels = {r.font.size.pt for row in out.tables[0].rows
              for r in row.cells[0].paragraphs[0].runs}
    assert labels == {14}  # every label at 4号: each fits its column
    value = out.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert value._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_page_is_a4_with_the_gongwen_margins_and_the_table_fills_the_type_area(made):
    _, _, out = made
    s = out.sections[0]
    assert_gbt_page(s)
    widths = [c.width for c in out.tables[0].columns]
    assert abs(sum(widths) - Mm(156)) <= Mm(0.1)
    heights = [r.height.mm for r in out.tables[0].rows]
    assert heights == pytest.approx([r.height_mm for r in slip.layout().rows], abs=0.1)


def test_the_plain_text_edition(db, as_user, tmp_path):
    doc = walked(as_user)
    path = slip.build(at(as_user, "lixm", 51), doc.id, tmp_path / "slip.txt", ".txt")
    raw = path.read_bytes()
    assert b"\r\n" in raw
    text = raw.decode("utf-8").replace("\r\n", "\n")
    lines = text.splitlines()
    assert lines[0] == "黄岩区人民政府办公室文件处理笺"
    assert "收文编号：收〔2026〕1号　　收文日期：2026年11月23日" in lines
    assert "来文单位：黄岩区财政局　　来文字号：黄财〔2026〕12号" in lines
    assert "密级：无　　紧急程度：加急" in lines
    assert "标题：关于2026年教育专项资金安排情况的报告" in lines
    at_ = lines.index("领导批示：")
    assert lines[at_ + 1:at_ + 5] == [f"　　{FIRST}", "　　　　赵国梁　2026年11月23日",
                                      f"　　{SECOND}", "　　　　周德伟　2026年11月24日"]
    for label, body in (("拟办意见：", PROPOSAL), ("阅办情况：", READING),
                        ("办理结果：", CLOSING)):
        assert lines[lines.index(label) + 1] == f"　　{body}"


def test_a_document_still_at_registration_gives_empty_boxes(db, as_user, tmp_path):
    doc = registered(as_user)
    clerk = at(as_user, "lixm", 1)
    out = docx.Document(str(slip.build(clerk, doc.id, tmp_path / "new.docx")))
    assert _beside(out, "来文单位") == "黄岩区财政局"
    for label in ("拟办意见", "领导批示", "阅办情况", "办理结果"):
        assert _beside(out, label) == "", label
    text = slip.build(clerk, doc.id, tmp_path / "new.txt", ".txt").read_bytes().decode()
    assert "拟办意见：\r\n领导批示：\r\n阅办情况：\r\n办理结果：\r\n" in text


def test_a_leaders_aban_is_an_instruction(db, as_user, tmp_path):
    """A 请示 goes to its 分管领导 for 阅办: what the leader wrote is still a 批示."""
    doc = registered(as_user, from_unit="jyj", doc_kind="请示", is_request=True,
                     title="关于要求追加校舍维修资金的请示")
    clerk = at(as_user, "lixm", 0.5)
    incoming.decide_intake(clerk, only_task(clerk, doc).id, "受理", "符合受文规定")
    director = at(as_user, "linzh", 1)
    incoming.sign(director, only_task(director, doc).id, "请周副区长阅办。",
                  incoming.suggest_readers(doc))
    vice = at(as_user, "zhoudw", 3)
    incoming.reader_return(vice, only_task(vice, doc).id, "同意，请财政局统筹。")
    out = docx.Document(str(slip.build(clerk, doc.id, tmp_path / "ask.docx")))
    assert _beside(out, "领导批示") == "同意，请财政局统筹。\n周德伟　2026年11月23日"
    assert _beside(out, "阅办情况") == ""
    assert _beside(out, "办理结果") == ""  # not yet 办结


def test_the_acting_head_signs_for_the_head(db, as_user, tmp_path):
    clerk = at(as_user, "lixm", 0)
    head = org.by_rank("区长")
    schedule.add_absence(clerk, head, clerk.now, clerk.now + timedelta(days=3),
                         destination="北京", reason="汇报")
    doc = registered(as_user, major=True)
    incoming.decide_intake(clerk, only_task(clerk, doc).id, "受理", "符合受文规定")
    director = at(as_user, "linzh", 1)
    incoming.sign(director, only_task(director, doc).id, "呈王区长阅示。",
                  [Reader("阅签", person=head)])
    acting = at(as_user, "zhaogl", 2)
    incoming.reader_return(acting, only_task(acting, doc).id, "同意。")
    out = docx.Document(str(slip.build(clerk, doc.id, tmp_path / "acting.docx")))
    assert _beside(out, "领导批示") == "同意。\n赵国梁（代王建明）　2026年11月23日"


def test_a_transferred_document_shows_the_intake_decision(db, as_user, tmp_path):
    doc = registered(as_user, from_unit="dongcheng", remit_unit="zjj",
                     title="关于调整商品房预售资金监管比例的请示")
    clerk = at(as_user, "lixm", 1)
    incoming.decide_intake(clerk, only_task(clerk, doc).id, "转办", "属住建局职权")
    out = docx.Document(str(slip.build(clerk, doc.id, tmp_path / "moved.docx")))
    result = _beside(out, "办理结果")
    assert result.startswith("转办：属住建局职权\n秘书科（李晓梅）　2026年11月23日\n已转区住建局办理")
    assert _beside(out, "拟办意见") == _beside(out, "领导批示") == ""


def test_a_long_instruction_shrinks_and_stays_whole(db, as_user, tmp_path):
    long = "请教育局会同财政局认真研究，" * 12 + "按程序报批。"
    doc = registered(as_user)
    clerk = at(as_user, "lixm", 0.5)
    incoming.decide_intake(clerk, only_task(clerk, doc).id, "受理", "符合受文规定")
    director = at(as_user, "linzh", 1)
    incoming.sign(director, only_task(director, doc).id, long,
                  [Reader("阅签", person=org.person_by_login("zhaogl"))])
    out = docx.Document(str(slip.build(clerk, doc.id, tmp_path / "long.docx")))
    assert _beside(out, "拟办意见").startswith(long)
    cell = next(r.cells[1] for r in out.tables[0].rows if r.cells[0].text == "拟办意见")
    sizes = {r.font.size.pt for p in cell.paragraphs for r in p.runs}
    assert sizes and max(sizes) < 14  # shrunk from 4号 to fit the box


def test_fitting_chooses_the_first_size_that_fits():
    lay = slip.layout()
    assert slip.fitting_size(["同意"], 130, 30, lay) == 14
    # 200 characters in a 130 mm column (less a character): at 14 pt 25 a line, 8 lines
    # ≈ 49 mm; at 12 pt 29 a line, 7 lines ≈ 37 mm; at 10.5 pt 34 a line, 6 lines ≈ 28 mm.
    assert slip.fitting_size(["字" * 200], 130, 40, lay) == 12
    assert slip.fitting_size(["字" * 200], 130, 30, lay) == 10.5
    assert slip.fitting_size(["字" * 2000], 130, 30, lay) == 10.5  # the row grows


def test_the_layout_is_checked_naming_the_row(tmp_path, monkeypatch):
    from govdesk.services import rules

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(ROOT / "data" / "gongwen.toml", data / "gongwen.toml")
    text = (ROOT / "data" / "slip.toml").read_text("utf-8")
    monkeypatch.setattr(rules, "data_dir", lambda: data)
    monkeypatch.setattr(slip, "data_dir", lambda: data)
    for bad, says in (
            (text.replace('{ field = "title", span = 3 }', '{ field = "title", span = 2 }'),
             "row 4: its cells span 3 columns"),
            (text.replace('{ box = "result", span = 3 }', '{ box = "outcome", span = 3 }'),
             "row 8, cell 2: box = 'outcome'"),
            (text.replace("height_mm = 62", "height_mm = 120"), "more than the type area"),
            (text.replace('label_font = "marking"', 'label_font = "宋体"'), "label_font"),
            (text.replace("columns_mm = [24, 54, 24, 54]", "columns_mm = [24, 54, 24, 50]"),
             "152 mm")):
        (data / "slip.toml").write_text(bad, "utf-8")
        slip.layout.cache_clear()
        with pytest.raises(ValueError, match=re.escape(says)):
            slip.layout()
    slip.layout.cache_clear()
    monkeypatch.undo()
    slip.layout.cache_clear()
    assert slip.layout().rows


def test_build_time(db, as_user, tmp_path):
    doc = walked(as_user)
    clerk = at(as_user, "lixm", 51)
    times = {}
    for fmt in (".docx", ".txt"):
        spent = []
        for n in range(10):
            start = time.perf_counter()
            slip.build(clerk, doc.id, tmp_path / f"t{n}{fmt}", fmt)
            spent.append(time.perf_counter() - start)
        times[fmt] = statistics.median(spent) * 1000
    print("slip.build median of 10: " + ", ".join(f"{k} {v:.1f} ms" for k, v in times.items()))
    assert len(list(tmp_path.glob("t*.docx"))) == len(list(tmp_path.glob("t*.txt"))) == 10


# ---------------------------------------------------------------------------- clearance


def test_a_user_without_clearance_is_refused_and_a_secret_slip_is_audited(db, as_user,
                                                                          tmp_path):
    doc = walked(as_user, secrecy="秘密")
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(PermissionDenied):
        slip.build(at(as_user, "zhangyt", 51), doc.id, tmp_path / "no.docx")
    with pytest.raises(PermissionDenied):
        office_files.produce(at(as_user, "zhangyt", 51), office_files.kind_of("处理笺"),
                             office_files.Request(record=doc.number), tmp_path / "no.txt")
    assert not list(tmp_path.iterdir())
    before = AuditEntry.select().where(AuditEntry.action == "incoming.export_slip").count()
    path = slip.build(at(as_user, "lixm", 51), doc.id, tmp_path / "secret.docx")
    assert _beside(docx.Document(str(path)), "密级") == "秘密★10年"
    entries = list(AuditEntry.select().where(AuditEntry.action == "incoming.export_slip"))
    assert len(entries) == before + 1
    assert entries[-1].record_id == doc.id and entries[-1].actor == "lixm"
    assert [p.name for p in tmp_path.iterdir()] == ["secret.docx"]


def test_an_open_document_is_not_audited(made):
    assert not AuditEntry.select().where(AuditEntry.action == "incoming.export_slip").exists()


# ---------------------------------------------------------------------------- --record


def test_the_kind_and_the_record_as_typed(db, as_user, tmp_path):
    doc = walked(as_user)
    kind = office_files.kind_of("收文处理笺")
    assert kind is office_files.kind_of("文件處理箋") is office_files.kind_of("slip")
    clerk = at(as_user, "lixm", 51)
    for n, ref in enumerate(("收〔2026〕1号", "收[2026]1", "收(2026)1号", "1号", str(doc.id))):
        made = office_files.produce(clerk, kind, office_files.Request(record=ref),
                                    tmp_path / f"{n}.docx")
        assert made.summary == "文件处理笺 收〔2026〕1号"
        assert _beside(docx.Document(str(made.path)), "收文编号") == "收〔2026〕1号"
    for ref in ("收〔2026〕99号", "黄政发〔2026〕1号", "999", "没有这件"):
        with pytest.raises(NotFound) as err:
            office_files.produce(clerk, kind, office_files.Request(record=ref),
                                 tmp_path / "x.docx")
        assert ref in str(err.value)
    assert not (tmp_path / "x.docx").exists()


# ---------------------------------------------------------------------------- rendered


@needs_office
def test_the_rendered_slip_is_one_page(made, tmp_path):
    _, path, _ = made
    pdf = to_pdf(path, tmp_path)
    info = pdf_info(pdf)
    assert info["Pages"] == "1", info
    assert re.match(r"595\.\d* x 841\.\d* pts \(A4\)", info["Page size"]), info
    text = pdf_text(pdf)
    flat = re.sub(r"\s", "", text)
    for words in (PROPOSAL, FIRST, SECOND, READING, CLOSING, "周德伟2026年11月24日"):
        assert words in flat, words


@needs_office
def test_an_instruction_too_long_for_the_page_runs_on_whole(db, as_user, tmp_path):
    doc = registered(as_user)
    clerk = at(as_user, "lixm", 0.5)
    incoming.decide_intake(clerk, only_task(clerk, doc).id, "受理", "符合受文规定")
    director = at(as_user, "linzh", 1)
    incoming.sign(director, only_task(director, doc).id, "请赵副区长阅示。",
                  [Reader("阅签", person=org.person_by_login("zhaogl"))])
    vice = at(as_user, "zhaogl", 2)
    long = "".join(f"第{n}条，请财政局会同教育局逐项核实资金安排。" for n in range(1, 61))
    incoming.reader_return(vice, only_task(vice, doc).id, long + "此件最后一句。")
    path = slip.build(clerk, doc.id, tmp_path / "long.docx")
    text = pdf_text(to_pdf(path, tmp_path))
    assert len([p for p in text.split("\f") if p.strip()]) == 2
    flat = re.sub(r"\s", "", text)
    assert "第60条" in flat and "此件最后一句。" in flat and "办理结果" in flat


# ---------------------------------------------------------------------------- the command


def test_the_command_writes_the_slip(db, as_user, tmp_path):
    doc = walked(as_user)
    home = tmp_path / "home"
    home.mkdir()
    env = cli_env(home)

    def run(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "govdesk", "export", *args, "--db",
                               str(db), "--as", "lixm"], capture_output=True, text=True,
                              env=env, cwd=home, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    out = tmp_path / "x.docx"
    proc = run("处理笺", "--record", doc.number, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "文件处理笺 收〔2026〕1号" in proc.stdout and str(out) in proc.stdout
    assert _beside(docx.Document(str(out)), "办理结果").startswith(CLOSING)
    proc = run("处理笺", "--record", "收〔2026〕42号", "--out", str(tmp_path / "y.docx"))
    assert proc.returncode != 0 and "收〔2026〕42号" in proc.stderr
    proc = run("处理笺", "--out", str(tmp_path / "y.docx"))
    assert proc.returncode != 0 and "记录" in proc.stderr
    assert not (tmp_path / "y.docx").exists()
