"""Importing an office's 收文台账 (SPEC §15): the preview lists exactly the bad rows in the
form's words, cancel and --dry-run write nothing, confirm imports the good rows in one
transaction, a second import adds nothing, the mapping is kept per layout."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from govdesk.models import AuditEntry, Counter, IncomingDocument, database
from govdesk.services import imports, incoming, search, settings
from govdesk.services.errors import PermissionDenied, ValidationError, ValidationErrors
from govdesk.services.imports import layouts
from govdesk.services.imports.sheet import read_file
from tests.helpers.own_home import run

pytestmark = pytest.mark.usefixtures("config_file")

HEADERS = ["收文编号", "来文单位", "来文字号", "标题", "密级", "紧急程度", "收文日期", "份数序号",
           "备注"]


def workbook(path: Path, rows: list[list], *, headers=HEADERS, title: str | None = "2025年收文台账"):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def read(path: Path) -> tuple[bytes, str]:
    return path.read_bytes(), path.suffix


def kind():
    return imports.kind_of("收文")


def counts() -> tuple[int, int, int]:
    return (IncomingDocument.select().count(), AuditEntry.select().count(),
            sum(c.value for c in Counter.select()))


def form_words(**fields) -> dict[str, str]:
    """The register form's own refusals of these fields (name → message)."""
    base = {"from_name": "某单位", "title": "某标题", "received_on": "2025-03-01"}
    base.update(fields)
    with pytest.raises(ValidationErrors) as refused:
        incoming.clean_fields(base, date(2026, 11, 26))
    return {e.name: e.message for e in refused.value.errors}


def found_ids(actor, text: str) -> list[int]:
    return [h.id for g in search.search(actor, text) for h in g.hits if g.kind == "incoming"]


GOOD_AND_BAD = [
    # row 3: kept number, a unit of the directory
    ["收〔2025〕40号", "黄岩区财政局", "黄财〔2025〕1号", "关于甲事项的报告", "非密", "特急",
     datetime(2025, 3, 3), 2, "摘要甲"],
    # row 4: no 标题
    [None, "区教育局", "黄教〔2025〕2号", None, "无", "普通", date(2025, 3, 4), None, None],
    # row 5: an unknown 密级
    [None, "外单位甲", "外〔2025〕3号", "关于丙的函", "内部", None, "2025-03-05", None, None],
    # row 6: a date that is none
    [None, "外单位乙", "乙〔2025〕4号", "关于丁的函", None, None, "2025-13-01", None, None],
    # row 7: number typed as a date-like text, 急件 (the seed's 加急), a 密级 with its period
    ["41", "外单位丙", "丙〔2025〕5号", "关于戊的函", "秘密★5年", "急件", "2025年3月7日", "3",
     None],
    # empty row: skipped
    [None, None, None, None, None, None, None, None, None],
    # row 9: an Excel serial number (a date column formatted as 常规), no number: assigned
    [None, "外单位丁", "丁〔2025〕6号", "关于己的函", None, "平件", 45723, None, None],
    # row 10: the same document as row 9 again
    [None, "外单位丁", "丁〔2025〕6号", "关于己的函", None, None, 45723, None, None],
    # row 11: the number of row 3 again
    ["收[2025]40号", "外单位戊", "戊〔2025〕7号", "关于庚的函", None, None, "2025/3/11", None,
     None],
    # row 12: no such number form
    ["第四十号", "外单位己", "己〔2025〕8号", "关于辛的函", None, None, "2025-03-12", None, None],
]


@pytest.fixture
def sheet(tmp_path) -> Path:
    return workbook(tmp_path / "2025年收文台账.xlsx", GOOD_AND_BAD)


def test_the_preview_lists_exactly_the_bad_rows_in_the_forms_words(db, as_user, sheet):
    clerk = as_user("lixm")
    before = counts()
    plan = imports.preview(clerk, kind(), *read(sheet))
    assert counts() == before
    assert plan.header_row == 2  # below the merged title row
    assert {c.header: c.field for c in plan.columns} == {
        "收文编号": "number", "来文单位": "from_name", "来文字号": "doc_number",
        "标题": "title", "密级": "secrecy", "紧急程度": "urgency", "收文日期": "received_on",
        "份数序号": "copy_no", "备注": "summary"}
    assert plan.bad_rows == [4, 5, 6, 11, 12]
    found = {(p.row, p.column, p.header, p.field): p.message for p in plan.problems}
    words = form_words(title="", secrecy="内部", received_on="2025-13-01")
    assert found == {
        (4, "D", "标题", "标题"): words["title"],
        (5, "E", "密级", "密级"): words["secrecy"],
        (6, "G", "收文日期", "收文日期"): words["received_on"],
        (11, "A", "收文编号", "收文编号"): "与第 3 行的收文编号相同。",
        (12, "A", "收文编号", "收文编号"): found[(12, "A", "收文编号", "收文编号")],
    }
    assert "第四十号" in found[(12, "A", "收文编号", "收文编号")]
    assert [(d.row, d.why) for d in plan.duplicates] == [
        (10, "与第 9 行相同（来文单位、来文字号、收文日期相同）")]
    assert [g.row for g in plan.good] == [3, 7, 9]
    assert plan.rows == 9  # the empty row is no row
    assert plan.problems[0].line() == "第 4 行 D 列“标题”　标题：不能为空"


def test_confirm_imports_exactly_the_good_rows(db, as_user, sheet):
    clerk = as_user("lixm")
    plan = imports.preview(clerk, kind(), *read(sheet))
    audit_before = AuditEntry.select().count()
    seen: list[tuple[int, int]] = []
    result = imports.run(clerk, plan, lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [(i.row, i.number, i.kept) for i in result.imported] == [
        (3, "收〔2025〕40号", True), (7, "收〔2025〕41号", True), (9, "收〔2025〕42号", False)]
    docs = {d.number: d for d in IncomingDocument.select()}
    assert set(docs) == {"收〔2025〕40号", "收〔2025〕41号", "收〔2025〕42号"}
    first = docs["收〔2025〕40号"]
    assert first.from_unit.code == "cz" and first.from_name == "黄岩区财政局"
    assert first.received_on == date(2025, 3, 3) and first.urgency == "特急"
    assert first.copy_no == "2" and first.summary == "摘要甲" and first.secrecy == 0
    second = docs["收〔2025〕41号"]
    assert second.urgency == "加急" and second.secrecy == 1 and second.secrecy_years == 5
    assert second.received_on == date(2025, 3, 7)
    assert docs["收〔2025〕42号"].received_on == date(2025, 3, 7)  # Excel's day 45723
    assert docs["收〔2025〕42号"].urgency == "普通"
    # Through the form's registration: audited, in the search, its flow started.
    actions = [a.action for a in AuditEntry.select().where(AuditEntry.id > 0)
               .order_by(AuditEntry.id)][audit_before:]
    assert actions.count("incoming.register") == 3 and actions[-1] == "incoming.import"
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert entry.actor == "lixm" and '"7": "收〔2025〕41号"' in entry.after
    assert incoming.current_task_for(clerk, first).step == "初审"
    assert found_ids(clerk, "甲事项") == [first.id]
    # The year's counter passed the kept numbers: the form's next one follows them.
    nxt = incoming.register(clerk, {"from_name": "x", "title": "y", "received_on": "2025-12-01"})
    assert nxt.number == "收〔2025〕43号"
    assert "保留原编号 2 条，新编号 1 条" in result.summary()


def test_cancel_and_a_second_import_add_nothing(db, as_user, sheet):
    clerk = as_user("lixm")
    imports.preview(clerk, kind(), *read(sheet))  # previewed, then 取消: run never called
    before = counts()
    assert before[0] == 0
    imports.run(clerk, imports.preview(clerk, kind(), *read(sheet)))
    middle = counts()
    assert middle[0] == before[0] + 3
    again = imports.preview(clerk, kind(), *read(sheet))
    assert again.good == []
    assert {d.row for d in again.duplicates} == {3, 7, 9, 10}
    assert "已登记为 收〔2025〕40号" in next(d.why for d in again.duplicates if d.row == 3)
    result = imports.run(clerk, again)
    assert result.imported == [] and counts()[0] == middle[0]


def test_a_row_registered_since_the_preview_is_skipped(db, as_user, sheet):
    clerk = as_user("lixm")
    plan = imports.preview(clerk, kind(), *read(sheet))
    incoming.register(clerk, {"from_name": "外单位丁", "doc_number": "丁〔2025〕6号",
                              "title": "关于己的函", "received_on": "2025-03-07"})
    result = imports.run(clerk, plan)
    assert [i.row for i in result.imported] == [3, 7]
    assert 9 in [d.row for d in result.duplicates]


def test_a_failure_midway_leaves_nothing(db, backend, as_user, sheet):
    """The third row's insert fails (a trigger of the database refuses it): the two before
    it are rolled back with it, numbers, audit and search entries included."""
    clerk = as_user("lixm")
    plan = imports.preview(clerk, kind(), *read(sheet))
    before = counts()
    if backend == "postgresql":
        database.execute_sql(
            "CREATE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN "
            "IF NEW.title = '关于己的函' THEN RAISE EXCEPTION 'refused'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql")
        database.execute_sql(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON incoming_document "
            "FOR EACH ROW EXECUTE FUNCTION refuse_one()")
    else:
        database.execute_sql(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON incoming_document "
            "WHEN NEW.title = '关于己的函' BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(Exception, match="refused"):
        imports.run(clerk, plan)
    assert counts() == before
    assert found_ids(clerk, "甲事项") == []


def test_an_existing_document_and_a_taken_number(db, as_user, tmp_path):
    clerk = as_user("lixm")
    old = incoming.register(clerk, {"from_name": "黄岩区财政局", "doc_number": "黄财〔2025〕1号",
                                    "title": "关于甲事项的报告", "received_on": "2025-03-03"})
    taken = incoming.register(clerk, {"from_name": "别处", "title": "别的",
                                      "received_on": "2025-01-02"})
    assert taken.number == "收〔2025〕2号"
    path = workbook(tmp_path / "t.xlsx", [
        [None, "黄岩区财政局", "黄财〔2025〕1号", "关于甲事项的报告（另存）", None, None,
         "2025-03-03", None, None],
        ["2", "外单位", "外〔2025〕9号", "另一件", None, None, "2025-05-01", None, None],
    ], title=None)
    plan = imports.preview(clerk, kind(), *read(path))
    assert plan.header_row == 1
    assert [(d.row, d.why) for d in plan.duplicates] == [
        (2, f"已登记为 {old.number}（来文单位、来文字号、收文日期相同）")]
    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (3, "A", "收〔2025〕2号 已被另一份收文使用；改正或清空后自动编号。")]


def test_only_who_may_register_may_import(db, as_user, sheet):
    plan = imports.preview(as_user("lixm"), kind(), *read(sheet))
    for login in ("linzh", "shenyj", "tianxl"):
        with pytest.raises(PermissionDenied):
            imports.preview(as_user(login), kind(), *read(sheet))
        with pytest.raises(PermissionDenied):
            imports.run(as_user(login), plan)
    assert IncomingDocument.select().count() == 0


def test_the_mapping_is_kept_for_the_next_file_of_the_layout(db, as_user, tmp_path):
    """Headers nobody could guess, mapped once by hand: next month's file maps itself."""
    clerk = as_user("lixm")
    odd = ["发件方", "文件字号", "文件名", "到达日", "经办人"]
    first = workbook(tmp_path / "一月.xlsx", [["外单位", "外〔2025〕1号", "一月的函", "2025-01-05",
                                               "张三"]], headers=odd, title=None)
    with pytest.raises(ValidationError, match="表头"):
        imports.preview(clerk, kind(), *read(first))
    mapping = imports.parse_mapping(kind(), ["发件方=来文单位", "文件字号=doc_number",
                                             "文件名=标题", "到达日=收文日期", "经办人="])
    plan = imports.preview(clerk, kind(), *read(first), mapping=mapping)
    assert [(c.field, c.how) for c in plan.columns] == [
        ("from_name", "map"), ("doc_number", "map"), ("title", "map"),
        ("received_on", "map"), (None, "map")]
    assert layouts.saved("lixm", plan.layout) == {}  # a preview keeps nothing
    imports.run(clerk, plan)
    second = workbook(tmp_path / "二月.xlsx", [["外单位", "外〔2025〕2号", "二月的函", "2025-02-05",
                                                "李四"]], headers=odd, title="二月")
    again = imports.preview(clerk, kind(), *read(second))
    assert [(c.field, c.how) for c in again.columns] == [
        ("from_name", "saved"), ("doc_number", "saved"), ("title", "saved"),
        ("received_on", "saved"), (None, "saved")]
    assert [g.row for g in again.good] == [3]
    assert "import_layouts" in settings.load("lixm")


def test_on_the_shared_server_each_clerk_keeps_their_own_mappings(db, as_user):
    from govdesk import config
    from govdesk.server import ServerConfig

    config.use_server(ServerConfig(db=str(db), service_user="govdesk-svc", group="govdesk",
                                   wrapper="/usr/local/libexec/govdesk/desk"))
    try:
        layout = layouts.layout_key("incoming", ["发件方", "文件名"])
        layouts.keep("lixm", layout, {"发件方": "from_name", "文件名": "title"})
        assert layouts.saved("lixm", layout) == {"发件方": "from_name", "文件名": "title"}
        assert layouts.saved("chenhl", layout) == {}
        assert layout == layouts.layout_key("incoming", [" 发件方 ", "文件名（*）", None or ""])
    finally:
        config.use_server(None)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_the_encodings_chinese_excel_writes(db, as_user, tmp_path, encoding):
    text = ("收文台账,,,\n"
            "来文单位,文号,事由,日期\n"
            "黄岩区财政局,黄财〔2025〕3号,关于经费的请示,2025/4/1\n"
            ",,,\n"
            "外单位,外〔2025〕4号,,2025-04-02\n")
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    plan = imports.preview(as_user("lixm"), kind(), *read(path))
    assert plan.header_row == 2
    assert [g.row for g in plan.good] == [3]
    assert [(p.row, p.column, p.header) for p in plan.problems] == [(5, "C", "事由")]
    result = imports.run(as_user("lixm"), plan)
    doc = IncomingDocument.get_by_id(IncomingDocument.select().first().id)
    assert doc.title == "关于经费的请示" and doc.received_on == date(2025, 4, 1)
    assert result.imported[0].kept is False and doc.number == "收〔2025〕1号"


def test_files_that_are_no_register_are_refused(db, as_user, tmp_path):
    clerk = as_user("lixm")
    with pytest.raises(ValidationError, match=r"\.pdf"):
        imports.preview(clerk, kind(), b"%PDF", ".pdf")
    with pytest.raises(ValidationError, match="Excel"):
        imports.preview(clerk, kind(), b"PK\x03\x04 not really", ".xlsx")
    with pytest.raises(ValidationError, match="GB18030"):
        imports.preview(clerk, kind(), b"\xff\xfe\xff", ".csv")
    with pytest.raises(ValidationError, match="列名=字段"):
        imports.parse_mapping(kind(), ["没有等号"])
    with pytest.raises(ValidationError, match="颜色"):
        imports.parse_mapping(kind(), ["列=颜色"])
    path = workbook(tmp_path / "t.xlsx", [["a", "b", "c", "d", "e"]], title=None)
    with pytest.raises(ValidationError, match="不存在的列"):
        imports.preview(clerk, kind(), *read(path),
                        mapping=imports.parse_mapping(kind(), ["不存在的列=标题"]))


def test_kinds_are_named_in_chinese_and_ascii():
    assert imports.kind_of("收文") is imports.kind_of("incoming") is imports.kind_of(" Incoming ")
    assert imports.kind_of("發文") is None
    assert "收文（incoming" in imports.kind_list()


# ---------------------------------------------------------------------------- the command


def _count(path: Path) -> tuple[int, int]:
    import sqlite3

    with sqlite3.connect(path) as con:
        return (con.execute("select count(*) from incoming_document").fetchone()[0],
                con.execute("select count(*) from audit_entry").fetchone()[0])


def test_the_command_previews_then_imports(db_path, tmp_path, sheet):
    home = tmp_path / "home"
    base = ["import", "收文", str(sheet), "--db", str(db_path), "--as", "lixm"]
    before = _count(db_path)
    proc = run([*base, "--dry-run"], home)
    assert proc.returncode == 0, proc.stderr
    assert "第 4 行 D 列“标题”　标题：不能为空" in proc.stdout
    assert "共 9 行：可导入 3 行，有误 5 行，重复 1 行。" in proc.stdout
    assert _count(db_path) == before
    proc = run(base, home)  # no terminal to ask on, no --yes
    assert proc.returncode == 2 and "--yes" in proc.stderr
    assert _count(db_path) == before
    proc = run([*base, "--yes"], home)
    assert proc.returncode == 0, proc.stderr
    assert "第 9 行 → 收〔2025〕42号（新编号）" in proc.stdout
    assert _count(db_path)[0] == before[0] + 3
    proc = run(["import", "收文", "-", "--db", str(db_path), "--as", "lixm", "--yes"], home,
               stdin=sheet.read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert "没有可导入的行" in proc.stdout and _count(db_path)[0] == before[0] + 3


def test_the_command_refuses_naming_what_is_wrong(db_path, tmp_path, sheet):
    home = tmp_path / "home"
    before = _count(db_path)
    cases = [
        (["import", "报表", str(sheet), "--db", str(db_path), "--yes"], "报表"),
        (["import", "收文", str(tmp_path / "无.xlsx"), "--db", str(db_path), "--yes"], "无.xlsx"),
        (["import", "收文", str(sheet), "--db", str(db_path), "--yes", "--map", "x"], "列名=字段"),
        (["import", "收文", "-", "--db", str(db_path), "--as", "lixm"], "--yes"),
        (["import", "收文", str(sheet), "--db", str(db_path), "--as", "linzh", "--yes"], "秘书科"),
    ]
    for args, named in cases:
        proc = run(args, home)
        assert proc.returncode == 2, (args, proc.stderr)
        assert named in proc.stderr, (args, proc.stderr)
    assert _count(db_path) == before


def test_help_lists_the_kinds(tmp_path):
    proc = run(["import", "--help"], tmp_path / "home")
    assert proc.returncode == 0
    text = "".join(proc.stdout.split())
    for word in ("收文", "incoming", "督查事项", "建议提案", "suggestion", "--dry-run", "--map", "--yes", ".xlsx",
                 ".csv"):
        assert word in text, word


def test_on_the_shared_server_a_path_is_refused_for_stdin(db_path, sheet):
    """The service account must not open a file the user names."""
    from govdesk import config
    from govdesk.cli import EXIT_USER, CliError, cmd_import
    from govdesk.server import ServerConfig

    config.use_server(ServerConfig(db=str(db_path), service_user="govdesk-svc",
                                   group="govdesk", wrapper="/usr/local/libexec/govdesk/desk"))
    try:
        with pytest.raises(CliError, match="- --yes <") as refused:
            cmd_import(str(db_path), "lixm", "收文", str(sheet), yes=True)
        with pytest.raises(ValidationError, match="- --yes <"):  # as the desk's import screen reads
            read_file(sheet)
    finally:
        config.use_server(None)
    assert refused.value.code == EXIT_USER
    assert read_file(sheet)[1] == ".xlsx"


# ---------------------------------------------------------------------------- 建议提案


def test_a_list_of_suggestions_through_the_same_engine(db, as_user, tmp_path):
    """The 人大's list: its own headers, the registration's own checks and words, 类别+年度+编号
    as the duplicate key; for 督查室 only."""
    from govdesk.models import Suggestion
    from govdesk.services import suggestion

    path = workbook(tmp_path / "建议.xlsx", [
        ["人大建议", "第101号", "陈立新", "城东代表团", "关于学校扩容的建议", "新建两所小学"],
        ["人大建议", "第102号", None, "城东代表团", "关于道路的建议", "修路"],
        ["人大建议", "第101号", "陈立新", "城东代表团", "关于学校扩容的建议", "新建两所小学"],
        ["县委", "第103号", "王五", "", "关于某事的建议", "某"],
        ["政协提案", "第7号", "李四", "农工党", "关于河道的提案", "清淤"],
    ], headers=["类别", "编号", "领衔代表", "代表团", "案由", "内容"], title="2026年建议提案")
    kind = imports.kind_of("建议提案")
    with pytest.raises(PermissionDenied):
        imports.preview(as_user("zhuh"), kind, *read(path))
    ducha = as_user("guojw")
    plan = imports.preview(ducha, kind, *read(path))
    with pytest.raises(ValidationError) as refused:
        suggestion.clean_fields({"number": "第102号", "title": "x", "body": "y"}, date(2026, 11, 26))
    assert [(p.row, p.column, p.field, p.message) for p in plan.problems] == [
        (4, "C", "代表委员", refused.value.message),
        (6, "A", "类别", "应为 建议、提案 之一")]
    assert [d.row for d in plan.duplicates] == [5]
    result = imports.run(ducha, plan)
    assert [(i.row, i.number) for i in result.imported] == [(3, "建议 第101号"), (7, "提案 第7号")]
    assert {(s.source, s.number, s.proposer) for s in Suggestion.select()} == {
        ("建议", "第101号", "陈立新"), ("提案", "第7号", "李四")}
    again = imports.preview(ducha, kind, *read(path))
    assert again.good == [] and {d.row for d in again.duplicates} == {3, 5, 7}


# ---------------------------------------------------------------------------- 督查事项


def test_a_supervision_ledger_through_the_same_engine(db, as_user, tmp_path):
    from govdesk.models import SupervisionItem
    from govdesk.services import supervision

    path = workbook(tmp_path / "督查台账.xlsx", [
        ["重点工作任务", "推进城东片区旧城改造", "区发改局", "区财政局", date(2026, 2, 12), "年底完成"],
        ["重点工作", "推进某事", "不存在的局", None, date(2026, 2, 12), None],
        ["重点工作", "推进某二事", "区财政局", None, None, None],
        ["重点工作", "推进城东片区旧城改造", "区发改局", None, "2026/2/12", None],
    ], headers=["督查类别", "督查事项", "牵头单位", "协办单位", "常务会议日期", "目标要求"],
        title="2026年督查台账")
    kind = imports.kind_of("督查事项")
    with pytest.raises(PermissionDenied):
        imports.preview(as_user("wangjm"), kind, *read(path))
    ducha = as_user("guojw")
    plan = imports.preview(ducha, kind, *read(path))

    def words(**fields) -> str:
        base = {"kind": "重点工作", "title": "x", "lead_unit": "区财政局",
                "meeting_on": "2026-02-12"}
        with pytest.raises(ValidationError) as refused:
            supervision.clean_fields(ducha, {**base, **fields})
        return refused.value.message

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (4, "C", words(lead_unit="不存在的局")), (5, "E", words(meeting_on=""))]
    assert [d.row for d in plan.duplicates] == [6]
    result = imports.run(ducha, plan)
    item = SupervisionItem.get()
    assert [i.number for i in result.imported] == [supervision.number_of(item)]
    assert item.kind == "重点工作" and item.lead_unit.short == "区发改局"
    assert [p.unit.short for p in supervision.parts(item)] == ["区发改局", "区财政局"]
    assert imports.preview(ducha, kind, *read(path)).good == []


def _rewritten(path: Path, sheet_xml) -> bytes:
    """The workbook at ``path`` with its first sheet's XML passed through ``sheet_xml``."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, sheet_xml(data) if item.filename == "xl/worksheets/sheet1.xml"
                          else data)
    return out.getvalue()


def test_workbooks_other_programs_write(db, as_user, tmp_path):
    """A workbook stating a smaller range than it holds is read whole; one whose sheet is cut
    off midway is refused as a file, not a crash."""
    path = workbook(tmp_path / "t.xlsx", [["甲", "甲〔2025〕1号", "关于甲", "2025-01-02"]],
                    headers=["来文单位", "文号", "事由", "日期"], title=None)
    small = _rewritten(path, lambda xml: xml.replace(b'<dimension ref="A1:D2"/>',
                                                     b'<dimension ref="A1:A1"/>'))
    import io

    from openpyxl import load_workbook

    stated = load_workbook(io.BytesIO(small), read_only=True)
    assert stated.active.calculate_dimension() == "A1:A1"  # what the file says of itself
    stated.close()
    plan = imports.preview(as_user("lixm"), kind(), small, ".xlsx")
    assert [g.row for g in plan.good] == [2] and plan.problems == []
    cut = _rewritten(path, lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ValidationError, match="Excel"):
        imports.preview(as_user("lixm"), kind(), cut, ".xlsx")


def test_a_duplicate_of_a_secret_document_is_not_named_to_a_reader_without_clearance(
        db, as_user, tmp_path):
    """The register does not confirm a secret document's 来文单位 and 来文字号 to a reader
    below its clearance; neither does the import's duplicate."""
    secret = incoming.register(as_user("lixm"), {
        "from_name": "台州市公安局黄岩分局", "doc_number": "公安〔2026〕15号",
        "title": "关于某专案的通报", "received_on": "2026-11-24", "secrecy": "机密"})
    path = workbook(tmp_path / "t.xlsx", [
        [None, "台州市公安局黄岩分局", "公安〔2026〕15号", "某件", None, None, "2026-11-24",
         None, None]], title=None)
    for login, named in (("zhangyt", False), ("lixm", True)):
        plan = imports.preview(as_user(login), kind(), *read(path))
        (dup,) = plan.duplicates
        assert (secret.number in dup.why) is named, (login, dup.why)
        assert "重复" in dup.why or "已登记" in dup.why


def test_end_of_input_at_the_question_answers_no(monkeypatch, capsys):
    """Ctrl+D at 导入 N 条？[y/N] (or at restore's question) is a no, not a crash."""
    import io

    from govdesk import cli

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli._ask("导入 3 条？[y/N] ") == ""
    assert "导入 3 条" in capsys.readouterr().out


def test_a_count_of_copies_is_not_taken_for_the_copys_serial(db, as_user, tmp_path):
    """份数 (how many copies came) and 份数序号 (which copy this is) are not one field: a
    column headed 份数 is left for the user to map."""
    path = workbook(tmp_path / "t.xlsx", [[None, "黄岩区财政局", "黄财〔2025〕1号", "甲", None,
                                           None, "2025-03-03", "3", None]],
                    headers=[*HEADERS[:7], "份数", "备注"], title=None)
    plan = imports.preview(as_user("lixm"), kind(), *read(path))
    assert {c.header: c.field for c in plan.columns}["份数"] is None


def test_a_bad_secrecy_period_is_placed_in_the_secrecy_column(db, as_user, tmp_path):
    """机密★999年 in the 密级 cell: the refusal of its years names that cell."""
    path = workbook(tmp_path / "t.xlsx", [[None, "黄岩区财政局", "黄财〔2025〕1号", "甲", "秘密★999年",
                                           None, "2025-03-03", None, None]], title=None)
    (problem,) = imports.preview(as_user("lixm"), kind(), *read(path)).problems
    assert (problem.column, problem.header) == ("E", "密级")
