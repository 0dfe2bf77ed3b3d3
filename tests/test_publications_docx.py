"""The office's publications as .docx in the 简报 layout and as .txt (SPEC §15): 差错统计 and the
yearly evaluation, 《督查专报》/《督查通报》, the 信访 and 直线电话 briefings — each made from data
driven through its service on a real database, read back with python-docx (masthead, red,
第N期, the figures in the table cells, East Asian fonts, the A4 page), its .txt the text the
service gives, and refused to whoever the service refuses."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from helpers.cli_env import cli_env
from helpers.outgoing_worker import new_draft

from govdesk.services import office_files, org, outgoing, petition, supervision
from govdesk.services.context import Actor
from govdesk.services.errors import NotFound, PermissionDenied, ValidationError
from govdesk.services.office_files import bulletin
from govdesk.services.outgoing import error_register as er
from govdesk.services.petition import briefing as briefings
from govdesk.services.petition import hotline
from govdesk.services.supervision import publications

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 26, 9, 30)  # Thursday: the week 2026-11-23 … 11-29
EAST = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")
CALLER, PHONE = "李建国", "13906761234"


def actor(login: str, when: datetime = NOW) -> Actor:
    return Actor(org.person_by_login(login), when)


def produce(login: str, word: str, path: Path, **request) -> office_files.Made:
    kind = office_files.kind_of(word)
    assert kind is not None, word
    return office_files.produce(actor(login), kind, office_files.Request(**request), path)


def crlf_text(path: Path) -> str:
    raw = path.read_bytes().decode("utf-8")
    assert "\r\n" in raw and "\n" not in raw.replace("\r\n", "")  # Notepad's line ends
    return raw.replace("\r\n", "\n")


def runs(out) -> list:
    """Every run of the body, its tables and the footers."""
    found = [r for p in out.paragraphs for r in p.runs]
    for table in out.tables:
        found += [r for row in table.rows for cell in row.cells for p in cell.paragraphs
                  for r in p.runs]
    section = out.sections[0]
    for footer in (section.footer, section.even_page_footer):
        found += [r for p in footer.paragraphs for r in p.runs]
    return found


def table_rows(out) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in out.tables for row in table.rows]


def text_of(out) -> str:
    return "\n".join(r.text for r in runs(out))


def check_layout(out, name: str, issue: str) -> None:
    """A4 with the GB/T 9704 margins; the masthead red, the issue line under it; every East
    Asian run naming its East Asian font; page numbers — PAGE — in both footers."""
    s = out.sections[0]
    for got, want in [(s.page_width, 210), (s.page_height, 297), (s.top_margin, 37),
                      (s.left_margin, 28), (s.right_margin, 26), (s.bottom_margin, 35)]:
        assert abs(got - Mm(want)) <= Mm(0.1), (got.mm, want)
    head, line = out.paragraphs[0], out.paragraphs[1]
    assert head.text == name and str(head.runs[0].font.color.rgb) == "FF0000"
    assert head.runs[0].font.size.pt == 42
    assert head.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert line.text == issue
    rule = out.paragraphs[3]._element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    east = [r for r in runs(out) if EAST.search(r.text)]
    assert east
    for run in east:
        fonts = run._element.rPr.find(qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text
    for footer in (s.footer, s.even_page_footer):
        xml = footer.paragraphs[0]._element.xml
        assert "— " in footer.paragraphs[0].text and " PAGE " in xml


# ---------------------------------------------------------------------------- 差错


def _error(when: datetime, category: str, section: str, person: str | None = None, doc=None):
    return outgoing.record_error(actor("lixm", when), doc.id if doc else None, category,
                                 section=section, person=person, note="标点有误",
                                 step="秘书科核稿")


@pytest.fixture
def errors(db):
    nov = datetime(2026, 11, 10, 10)
    docs = [new_draft(actor("qianhy", nov)) for _ in range(2)]
    _error(nov, "文字差错", "diaoyan", "qianhy", docs[0])
    _error(nov, "文字差错", "diaoyan", "qianhy", docs[1])
    _error(nov, "政策差错", "ban1")
    _error(datetime(2026, 12, 2, 10), "文件倒流", "diaoyan", "qianhy")  # next month
    return docs


def test_error_statistics_of_a_month_as_docx_and_txt(errors, tmp_path):
    made = produce("lixm", "差错统计", tmp_path / "s.docx", since=date(2026, 11, 1),
                   until=date(2026, 11, 30))
    out = docx.Document(str(made.path))
    check_layout(out, "公文差错通报", "（2026年11月1日—11月30日）")
    assert "2026年11月公文差错统计" in [p.text for p in out.paragraphs]
    rows = {r[0]: r[1:] for r in table_rows(out)}
    assert rows["文字差错"] == ["2"] and rows["政策差错"] == ["1"] and rows["文件倒流"] == ["0"]
    assert rows["综合调研科"] == ["0", "0", "2", "0", "2"]  # 政策 文种格式 文字 倒流 合计
    assert rows["办一科"] == ["1", "0", "0", "0", "1"]
    assert rows[org.person_by_login("qianhy").name] == ["0", "0", "2", "0", "2"]
    assert "共记录差错 3 处" in text_of(out)
    assert made.summary == "《公文差错通报》（2026年11月1日—11月30日）"
    txt = produce("lixm", "errors-stats", tmp_path / "s.txt", since=date(2026, 11, 1),
                  until=date(2026, 11, 30))
    stats = er.statistics(date(2026, 11, 1), date(2026, 12, 1))
    assert crlf_text(txt.path) == er.statistics_text(stats, "2026年11月公文差错统计")


def test_error_statistics_default_to_this_month_and_any_user_has_them(errors, tmp_path):
    """The register has no reading rule (the desk opens it for everyone); nor has its file."""
    made = produce("zhangyt", "errors-stats", tmp_path / "s.txt")
    text = crlf_text(made.path)
    assert text.splitlines()[0] == "2026年11月公文差错统计"
    assert "差错合计：3 处" in text  # December's 文件倒流 left out
    span = produce("lixm", "errors-stats", tmp_path / "d.docx", since=date(2026, 11, 1),
                   until=date(2026, 12, 20))
    out = docx.Document(str(span.path))
    assert "2026年11月1日至12月20日公文差错统计" in [p.text for p in out.paragraphs]
    assert {r[0]: r[1:] for r in table_rows(out)}["文件倒流"] == ["1"]


def test_the_yearly_evaluation_as_docx_and_txt(errors, tmp_path):
    made = produce("lixm", "差错年度评价", tmp_path / "e.docx", record="2026")
    out = docx.Document(str(made.path))
    check_layout(out, "公文评比通报", "（2026年度）")
    rows = {r[0]: r[1:] for r in table_rows(out)}
    assert rows["科室"][:4] == ["拟文件数", "有差错件数", "差错率", "政策差错"]
    assert rows["综合调研科"] == ["2", "2", "100%", "0", "0", "2", "1"]
    assert rows["办一科"] == ["0", "0", "0%", "1", "0", "0", "0"]
    # Eight columns: 小四 to fit the 156 mm type area.
    cell = out.tables[0].rows[1].cells[1].paragraphs[0].runs[0]
    assert cell.font.size.pt == 12
    widths = sum(c.width for c in out.tables[0].rows[0].cells)
    assert abs(widths - Mm(156)) <= Mm(0.1)
    txt = produce("lixm", "errors-year", tmp_path / "e.txt", since=date(2026, 3, 1))
    assert crlf_text(txt.path) == er.evaluation_text(2026)
    with pytest.raises(ValidationError) as err:
        produce("lixm", "errors-year", tmp_path / "x.docx", record="二〇二六")
    assert (err.value.field, err.value.name) == ("年度", "record")
    with pytest.raises(ValidationError):
        produce("lixm", "errors-year", tmp_path / "x.docx", record="1999")
    assert not (tmp_path / "x.docx").exists()


# ---------------------------------------------------------------------------- 督查


@pytest.fixture
def issue(db):
    ducha = actor("shenyj")
    supervision.register(ducha, {
        "kind": "重点工作", "title": "推进城东片区旧城改造", "lead_unit": "区发改局",
        "co_units": "区住建局", "target": "年底前完成征迁 80%", "responsible": "江文彬",
        "liaison": "小陈", "meeting_on": "2026-02-12"})
    return publications.compile_issue(ducha, {"kind": "督查专报"})


def test_a_special_report_as_docx_and_txt(issue, tmp_path):
    assert issue.number == "2026年第1期"
    made = produce("shenyj", "督查专报", tmp_path / "z.docx", record="2026年第1期")
    assert made.summary == "《督查专报》2026年第1期"
    out = docx.Document(str(made.path))
    check_layout(out, "督查专报", "第1期")
    pars = [p.text for p in out.paragraphs]
    byline = pars[3]
    assert byline.startswith("\u3000区政府办公室督查室\t") and byline.endswith("2026年11月26日")
    assert "督查事项推进情况" in pars
    summary = next(p for p in out.paragraphs if p.text.startswith("一、总体情况"))
    assert "督查事项共 1 件，其中未启动 1 件" in summary.text
    head = summary.runs[0]
    assert head.text == "一、总体情况：" and head._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert any("推进城东片区旧城改造" in p for p in pars)
    assert "《督查专报》" not in pars  # the kept head lines are the masthead's
    assert "报：区政府领导。" in pars and "发：全区各部门，各乡镇人民政府、街道办事处。" in pars
    for ref in ("2026-1", str(issue.id)):
        txt = produce("shenyj", "zhuanbao", tmp_path / f"z{ref}.txt", record=ref)
        assert crlf_text(txt.path) == issue.text


def test_only_the_ducha_has_an_issue_and_a_wrong_number_is_not_found(issue, tmp_path):
    with pytest.raises(PermissionDenied):
        produce("zhangyt", "zhuanbao", tmp_path / "z.docx", record="2026-1")
    with pytest.raises(PermissionDenied):
        produce("wangjm", "督查專報", tmp_path / "z.docx", record="2026-1")
    assert not (tmp_path / "z.docx").exists()
    for word, ref in (("tongbao", str(issue.id)), ("zhuanbao", "2026-2"),
                      ("zhuanbao", "第一期")):
        with pytest.raises(NotFound) as err:
            produce("shenyj", word, tmp_path / "z.docx", record=ref)
        assert ref in str(err.value)
    with pytest.raises(ValidationError) as err:
        produce("shenyj", "zhuanbao", tmp_path / "z.docx")
    assert err.value.name == "record"
    notice = publications.compile_issue(actor("shenyj"), {"kind": "督查通报"})
    made = produce("shenyj", "督查通报", tmp_path / "t.docx", record="2026年第1期")
    out = docx.Document(str(made.path))
    check_layout(out, "督查通报", "第1期")
    assert crlf_text(produce("shenyj", "tongbao", tmp_path / "t.txt",
                             record=str(notice.id)).path) == notice.text


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler's pdftotext is not installed")
def test_a_special_report_renders_with_its_masthead_and_page_number(issue, tmp_path):
    made = produce("shenyj", "zhuanbao", tmp_path / "zhuanbao.docx", record="2026-1")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    f"-env:UserInstallation=file://{tmp_path}/lo", str(made.path)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "zhuanbao.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "督查专报" and lines[1] == "第1期"
    assert "区政府办公室督查室" in lines[2]
    assert any(re.fullmatch(r"—\s*1\s*—", line) for line in lines), text


# ---------------------------------------------------------------------------- 信访, 直线电话


@pytest.fixture
def week(db):
    operator = actor("tianxl")
    hotline.record_call(operator, {"caller": CALLER, "phone": PHONE, "scope": "problems",
                                   "matter": f"{CALLER}反映小区路灯坏了",
                                   "category": f"{CALLER}家门口路灯"})
    hotline.record_call(operator, {"caller": "王芳", "phone": "13806769876", "scope": "court",
                                   "matter": "对判决不服", "category": "诉讼"})
    clerk = actor("shenyj")
    for _ in range(2):
        petition.register(clerk, {"channel": "区长信箱", "summary": "反映路灯",
                                  "category": "城市管理"})


def test_the_petition_briefing_of_the_week_as_docx_and_txt(week, tmp_path):
    made = produce("shenyj", "信访简报", tmp_path / "p.docx")
    assert made.summary == "《信访工作简报》（2026年11月23日—11月29日）"
    out = docx.Document(str(made.path))
    check_layout(out, "信访工作简报", "（2026年11月23日—11月29日）")
    assert "信访及直线电话周报" in [p.text for p in out.paragraphs]
    rows = table_rows(out)
    assert ["区长信箱", "2"] in rows and ["专线电话", "1"] in rows
    assert ["区人民法院", "1"] in rows
    everything = text_of(out)
    assert "本期受理信访 3 件" in everything and "来电 2 个，属受理范围 1 个" in everything
    for secret in (CALLER, PHONE):
        assert secret not in everything
    b = briefings.briefing(actor("shenyj"), briefings.WEEK)
    txt = produce("tianxl", "petition-brief", tmp_path / "p.txt")
    assert crlf_text(txt.path) == briefings.briefing_text(b)
    month = produce("shenyj", "petition-brief", tmp_path / "m.docx", since=date(2026, 11, 1),
                    until=date(2026, 11, 30))
    assert "信访及直线电话月报" in [p.text for p in docx.Document(str(month.path)).paragraphs]


def test_a_briefing_is_the_staffs_and_takes_a_week_or_a_month(week, tmp_path):
    for word in ("信访简报", "热线简报"):
        with pytest.raises(PermissionDenied):
            produce("zhangyt", word, tmp_path / "p.docx")
        with pytest.raises(ValidationError) as err:
            produce("shenyj", word, tmp_path / "p.docx", since=date(2026, 11, 1),
                    until=date(2026, 11, 10))
        assert err.value.name == "to"
        with pytest.raises(ValidationError) as err:
            produce("shenyj", word, tmp_path / "p.docx", record="1")
        assert err.value.name == "record"
    assert not (tmp_path / "p.docx").exists()


def test_the_hotline_briefing_masks_a_callers_name_typed_into_the_category(week, tmp_path):
    made = produce("tianxl", "热线简报", tmp_path / "h.docx", since=date(2026, 11, 25))
    out = docx.Document(str(made.path))
    check_layout(out, "直线电话简报", "（2026年11月23日—11月29日）")
    rows = table_rows(out)
    assert [hotline.scope_item("problems").name, "1"] in rows
    assert [hotline.scope_item("court").name, "1"] in rows
    assert ["区人民法院", "1"] in rows and ["诉讼", "1"] in rows
    assert ["李*家门口路灯", "1"] in rows
    everything = text_of(out)
    assert "本期来电 2 个，属受理范围 1 个，不属受理范围 1 个" in everything
    for secret in (CALLER, PHONE):
        assert secret not in everything
    f = briefings.hotline_briefing(actor("tianxl"), briefings.WEEK)
    assert (f.calls, f.in_scope, f.elsewhere) == (2, 1, [("区人民法院", 1)])
    txt = produce("tianxl", "hotline-brief", tmp_path / "h.txt")
    text = crlf_text(txt.path)
    assert text == briefings.hotline_text(f)
    assert "直线电话周报（2026-11-23 至 2026-11-29）" in text and CALLER not in text


# ---------------------------------------------------------------------------- the kinds


def test_every_publication_is_a_kind_by_its_words(db):
    for word, kind in (("差错统计", "error_stats"), ("errors-stats", "error_stats"),
                       ("差错年度评价", "error_evaluation"), ("errors-year", "error_evaluation"),
                       ("督查专报", "supervision_report"), ("zhuanbao", "supervision_report"),
                       ("督查通报", "supervision_notice"), ("tongbao", "supervision_notice"),
                       ("信访简报", "petition_briefing"), ("petition-brief", "petition_briefing"),
                       ("热线简报", "hotline_briefing"), ("hotline-brief", "hotline_briefing")):
        found = office_files.kind_of(word)
        assert found is not None and found.kind == kind, word
        assert found.formats == (".docx", ".txt")
        assert kind in bulletin.layout().publications
    with pytest.raises(ValidationError):
        produce("lixm", "差错统计", Path("/tmp/x.xlsx"))


# ---------------------------------------------------------------------------- the command line


def test_govdesk_export_writes_a_briefing_and_refuses_in_words(demo_path, tmp_path):
    """``govdesk export 信访简报 --out …`` on the demo office, its clock pinned to the demo's;
    a 专报 that was never compiled, and a user who may not have it, refused in words."""
    env = cli_env(tmp_path)

    def cli(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "tests.helpers.pinned_cli", NOW.isoformat(),
                               "export", *args, "--db", str(demo_path)], capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    out = tmp_path / "信访简报.docx"
    proc = cli("信访简报", "--as", "shenyj", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "《信访工作简报》（2026年11月23日—11月29日）" in proc.stdout and str(out) in proc.stdout
    assert docx.Document(str(out)).paragraphs[0].text == "信访工作简报"
    proc = cli("zhuanbao", "--as", "shenyj", "--record", "2099-9", "--out",
               str(tmp_path / "z.docx"))
    assert proc.returncode != 0 and "2099-9" in proc.stderr
    proc = cli("热线简报", "--as", "zhangyt", "--out", str(tmp_path / "h.txt"))
    assert proc.returncode != 0 and proc.stderr.strip()
    assert not (tmp_path / "z.docx").exists() and not (tmp_path / "h.txt").exists()


def test_one_date_means_its_month_and_a_year_is_one_year():
    from datetime import date

    from govdesk.services import office_files
    from govdesk.services.errors import ValidationError
    from govdesk.services.office_files import pubs_errors

    today = date(2026, 11, 26)
    for request in (office_files.Request(until=date(2026, 2, 10)),
                    office_files.Request(since=date(2026, 2, 10))):
        assert pubs_errors.stats_period(request, today) == (date(2026, 2, 1), date(2026, 2, 28))
    assert pubs_errors.stats_period(office_files.Request(), today) == (
        date(2026, 11, 1), date(2026, 11, 30))
    assert pubs_errors.evaluation_year(office_files.Request(
        since=date(2026, 3, 1), until=date(2026, 4, 30)), today) == 2026
    with pytest.raises(ValidationError) as refused:
        pubs_errors.evaluation_year(office_files.Request(
            since=date(2025, 3, 1), until=date(2026, 4, 30)), today)
    assert refused.value.name == "from" and "跨了两年" in refused.value.message
