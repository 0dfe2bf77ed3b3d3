"""Every register (台账) to .xlsx and .csv (issue 14 items 4 and 7; services/exports,
`govdesk export`): each workbook opened with openpyxl — a bold frozen header with a filter,
dates as dates, numbers as numbers, widths that fit Chinese —, each .csv with its BOM; what a
file holds is what its reader may see (a secret title redacted for the uncleared, a 信访
petitioner masked for 秘书科 and shown to 督查室); the command line writes and refuses."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from govdesk.models import IncomingDocument, Loan, Petition
from govdesk.services import exports, incoming, org
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.petition import masking
from govdesk.services.policy import redacted_title
from govdesk.services.textwidth import cells
from tests.helpers.own_home import run

ROOT = Path(__file__).resolve().parent.parent


def _sheet(path: Path):
    return openpyxl.load_workbook(path).active


def _shown(cell) -> str:
    """A workbook cell as the .csv writes it: a date as 2026-11-26, a time to the minute."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if cell.number_format == exports.DATE_FORMAT
                              else "%Y-%m-%d %H:%M")
    return str(value)


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def loan(demo_db, as_user) -> Loan:
    doc = (IncomingDocument.select().where((IncomingDocument.state == "已归档")
                                           & (IncomingDocument.secrecy == 0)).first())
    return incoming.lend(as_user("lixm"), doc.id, org.person_by_login("linzh"), days=7)


@pytest.mark.parametrize("kind", list(exports.KINDS))
def test_every_register_as_a_workbook_and_a_csv(demo_db, as_user, tmp_path, kind, loan):
    admin = as_user("lixm")
    book, sheet_csv = tmp_path / f"{kind}.xlsx", tmp_path / f"{kind}.csv"
    n = exports.export(admin, kind, book)
    assert n > 0
    assert exports.export(admin, kind, sheet_csv) == n
    header = exports.table(admin, kind).header

    ws = _sheet(book)
    assert ws.title == exports.kind_name(kind)
    assert [c.value for c in ws[1]] == header
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{n + 1}"
    assert ws.max_row == n + 1
    # Each column as wide as its widest text (a Chinese character counts two), or its date.
    for i, name in enumerate(header, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        values = [c.value for c in ws[letter]]
        texts = [cells(str(v)) for v in values if isinstance(v, (str, int))]
        widest = min(max(texts), exports.MAX_WIDTH) + 2
        if any(isinstance(v, datetime) for v in values):
            widest = max(widest, 12)
        assert ws.column_dimensions[letter].width >= widest, name

    rows = _csv(sheet_csv)
    assert sheet_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    assert rows[0] == header
    assert len(rows) == n + 1
    # The csv holds what the workbook holds, row by row (dates and numbers as text).
    for line, row in zip(rows[1:], ws.iter_rows(min_row=2), strict=True):
        assert line == [_shown(c) for c in row]


def test_cells_are_typed(demo_db, as_user, tmp_path, loan):
    admin = as_user("lixm")
    exports.export(admin, "incoming", tmp_path / "in.xlsx")
    ws = _sheet(tmp_path / "in.xlsx")
    header = [c.value for c in ws[1]]
    received = header.index("收文日期") + 1
    cell = ws.cell(row=2, column=received)
    assert isinstance(cell.value, datetime) and cell.number_format == exports.DATE_FORMAT
    number = IncomingDocument.select().order_by(IncomingDocument.id.desc()).first()
    assert ws.cell(row=2, column=1).value == number.number
    assert cell.value.date() == number.received_on

    exports.export(admin, "supervision", tmp_path / "sup.xlsx")
    ws = _sheet(tmp_path / "sup.xlsx")
    header = [c.value for c in ws[1]]
    for name in ("进度（%）", "催办次数"):
        values = [r[header.index(name)] for r in ws.iter_rows(min_row=2, values_only=True)]
        assert values and all(isinstance(v, int) for v in values), name

    exports.export(admin, "audit", tmp_path / "audit.xlsx")
    ws = _sheet(tmp_path / "audit.xlsx")
    first = next(ws.iter_rows(min_row=2, values_only=True))
    assert isinstance(first[0], int) and isinstance(first[1], datetime)
    assert ws.cell(row=2, column=2).number_format == exports.DATETIME_FORMAT

    exports.export(admin, "loans", tmp_path / "loans.xlsx")
    ws = _sheet(tmp_path / "loans.xlsx")
    (row,) = ws.iter_rows(min_row=2, values_only=True)
    assert row[0] == loan.document.number and row[2] == "林振华"
    assert isinstance(row[3], datetime) and row[4].date() == loan.due_back and row[5] is None


def test_an_uncleared_clerk_gets_secret_titles_redacted(demo_db, as_user, tmp_path):
    secret = IncomingDocument.select().where(IncomingDocument.secrecy > 0)
    assert secret.count() > 0
    exports.export(as_user("zhangyt"), "incoming", tmp_path / "in.csv")
    exports.export(as_user("zhangyt"), "incoming", tmp_path / "in.xlsx")
    text = (tmp_path / "in.csv").read_text(encoding="utf-8-sig")
    book = "\n".join(str(v) for row in _sheet(tmp_path / "in.xlsx").iter_rows(values_only=True)
                     for v in row)
    rows = {r[0]: r for r in _csv(tmp_path / "in.csv")[1:]}
    for doc in secret:
        assert doc.title not in text and doc.title not in book
        assert redacted_title() in rows[doc.number][1]
    # The 主任 (cleared for all) sees them: the check can fail.
    exports.export(as_user("linzh"), "incoming", tmp_path / "all.csv")
    assert all(doc.title in (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
               for doc in secret)


def test_petitioners_masked_for_the_secretariat_and_shown_to_the_ducha(demo_db, as_user,
                                                                        tmp_path):
    cases = [p.id for p in Petition.select()]
    firsts = [people[0] for people in masking.people_by_case(cases).values() if people]
    phones = [p.phone for p in firsts if len(p.phone) == 11]  # the register's 联系电话
    assert phones
    exports.export(as_user("zhangyt"), "petition", tmp_path / "clerk.xlsx")
    exports.export(as_user("shenyj"), "petition", tmp_path / "ducha.xlsx")
    clerk = [v for row in _sheet(tmp_path / "clerk.xlsx").iter_rows(values_only=True)
             for v in row]
    ducha = [v for row in _sheet(tmp_path / "ducha.xlsx").iter_rows(values_only=True)
             for v in row]
    for phone in phones:
        assert phone not in clerk and masking.mask_phone(phone) in clerk
        assert phone in ducha
    assert any(masking.mask_phone(p) == p[:3] + "****" + p[-4:] for p in phones)


def test_dates_narrow_by_the_registers_date(demo_db, as_user, tmp_path):
    admin = as_user("lixm")
    days = sorted({d.received_on for d in IncomingDocument.select()})
    since, until = days[1], days[-2]
    n = exports.export(admin, "incoming", tmp_path / "in.csv", since, until)
    expected = IncomingDocument.select().where(IncomingDocument.received_on.between(since, until))
    assert n == expected.count() > 0
    got = {date.fromisoformat(r[6]) for r in _csv(tmp_path / "in.csv")[1:]}
    assert min(got) >= since and max(got) <= until
    with pytest.raises(ValidationError):
        exports.export(admin, "incoming", tmp_path / "bad.csv", until, since)
    assert not (tmp_path / "bad.csv").exists()


def test_refusals_write_nothing(demo_db, as_user, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(PermissionDenied):
        exports.export(as_user("zhangyt"), "audit", tmp_path / "audit.xlsx")
    with pytest.raises(PermissionDenied):
        exports.export(as_user("shenyj"), "loans", tmp_path / "loans.csv")
    with pytest.raises(ValidationError, match=r"\.pdf"):
        exports.export(as_user("lixm"), "incoming", tmp_path / "in.pdf")
    with pytest.raises(ValidationError, match="登记簿"):
        exports.export(as_user("lixm"), "nothing", tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_kinds_are_named_in_chinese_traditional_and_ascii():
    assert exports.kind_of("收文") == exports.kind_of("in") == "incoming"
    assert exports.kind_of("審計日誌") == exports.kind_of("audit") == "audit"
    assert exports.kind_of("信訪") == "petition"
    assert exports.kind_of("督查事项") == exports.kind_of("ducha") == "supervision"
    assert exports.kind_of("报表") is None


# ---------------------------------------------------------------------------- the command


def test_the_command_writes_what_the_user_may_see(demo_path, tmp_path):
    home = tmp_path / "home"
    out = tmp_path / "收文台账.xlsx"
    proc = run(["export", "收文", "--db", str(demo_path), "--as", "zhangyt", "--out", str(out),
                "--from", "2000-01-01", "--to", "2100-12-31"], home)
    assert proc.returncode == 0, proc.stderr
    assert str(out) in proc.stdout
    ws = _sheet(out)
    assert ws.freeze_panes == "A2" and ws.cell(row=1, column=1).value == "编号"
    assert redacted_title() in "\n".join(str(c.value) for c in ws["B"])
    proc = run(["export", "petition", "--db", str(demo_path), "--as", "zhangyt", "--out",
                str(tmp_path / "p.csv")], home)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "p.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_command_refuses_naming_what_is_wrong(demo_path, tmp_path):
    home = tmp_path / "home"
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "out.xlsx"
    base = ["--db", str(demo_path), "--as", "lixm", "--out", str(out)]
    cases = [
        (["export", "报表", *base], "报表"),
        (["export", "收文", *base, "--from", "2026-13-01"], "--from"),
        (["export", "收文", *base, "--to", "明天"], "--to"),
        (["export", "收文", *base, "--from", "2026-12-01", "--to", "2026-11-01"], "2026-12-01"),
        (["export", "收文", "--db", str(demo_path), "--as", "lixm", "--out",
          str(tmp_path / "out.pdf")], ".pdf"),
        (["export", "审计日志", "--db", str(demo_path), "--as", "zhangyt", "--out", str(out)],
         "审计日志"),
        (["export", "收文", *base, "--filter", "颜色:红"], "颜色:红"),
    ]
    for args, named in cases:
        proc = run(args, home)
        assert proc.returncode == 2, (args, proc.stderr)
        assert named in proc.stderr, (args, proc.stderr)
        assert not out.exists() and not (tmp_path / "out.pdf").exists()
    assert list(tmp_path.iterdir()) == []


def test_kind_list_names_each_kind_with_its_aliases():
    text = exports.kind_list()
    for names in exports.KINDS.values():
        for alias in names[1:]:
            assert alias in text
    assert "收文（incoming、in）" in text and "信访（petition）" in text


def test_help_command_lists_the_kinds(tmp_path):
    proc = run(["export", "--help"], tmp_path / "home")
    assert proc.returncode == 0
    for word in ("收文", "发文", "借阅", "差错", "审计日志", "督查事项", "建议提案", "信访",
                 "incoming", "petition", ".xlsx", ".csv", "--from", "--to", "--filter"):
        assert word in "".join(proc.stdout.split()), word  # argparse wraps the lines


def test_text_that_looks_like_a_formula_stays_text(db, as_user, tmp_path):
    title = "=HYPERLINK(\"http://x\",\"关于点击的报告\")"
    incoming.register(as_user("lixm"), {"from_unit": "fgj", "title": title, "doc_kind": "请示"})
    exports.export(as_user("lixm"), "incoming", tmp_path / "in.xlsx")
    exports.export(as_user("lixm"), "incoming", tmp_path / "in.csv")
    cell = _sheet(tmp_path / "in.xlsx").cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == "'" + title
    assert _csv(tmp_path / "in.csv")[1][1] == "'" + title


def test_the_screens_filter_line_narrows_the_export(demo_db, as_user, tmp_path):
    admin = as_user("lixm")
    n = exports.export(admin, "incoming", tmp_path / "in.csv", line="急:特急,加急")
    urgent = IncomingDocument.select().where(IncomingDocument.urgency.in_(["特急", "加急"]))
    assert n == urgent.count() > 0
    assert {r[3] for r in _csv(tmp_path / "in.csv")[1:]} <= {"特急", "加急"}
    n = exports.export(admin, "supervision", tmp_path / "sup.csv", line="状态:已完成")
    assert n > 0 and {r[5] for r in _csv(tmp_path / "sup.csv")[1:]} == {"已完成"}
    with pytest.raises(ValidationError, match="颜色:红"):
        exports.export(admin, "incoming", tmp_path / "bad.xlsx", line="颜色:红")
    with pytest.raises(ValidationError, match="信访"):
        exports.export(admin, "petition", tmp_path / "bad.csv", line="急:特急")
    assert not (tmp_path / "bad.xlsx").exists() and not (tmp_path / "bad.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_the_command_writes_to_stdout_for_the_users_own_shell(demo_path, tmp_path):
    """On the shared server the command runs as the service account: ``--out -`` lets the
    user's own shell write the file (``> 收文.xlsx``) where the user may."""
    import io

    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVDESK_DB", "GOVDESK_CONFIG", "GOVDESK_LOGIN")}
    home = tmp_path / "home"
    home.mkdir()
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))

    def export(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "govdesk", "export", *args, "--db",
                               str(demo_path), "--as", "zhangyt", "--out", "-"],
                              capture_output=True, env=env, cwd=home, timeout=120)

    proc = export("收文", "--format", "xlsx")
    assert proc.returncode == 0, proc.stderr.decode()
    ws = openpyxl.load_workbook(io.BytesIO(proc.stdout)).active
    assert ws.freeze_panes == "A2" and ws.cell(row=1, column=1).value == "编号"
    assert redacted_title() in "\n".join(str(c.value) for c in ws["B"])
    assert "收文登记簿" in proc.stderr.decode()
    proc = export("信访", "--format", "csv")
    assert proc.returncode == 0 and proc.stdout.startswith(b"\xef\xbb\xbf")
    assert "****" in proc.stdout.decode("utf-8-sig")
    proc = export("信访")
    assert proc.returncode == 2 and b"--format" in proc.stderr and proc.stdout == b""
    assert list(home.iterdir()) == [] or all(p.name == ".config" for p in home.iterdir())


def test_on_the_shared_server_a_file_path_is_refused_for_stdout(demo_path, tmp_path):
    """The service account must not write a file of its own where the user named it."""
    from govdesk import config
    from govdesk.cli import EXIT_USER, CliError, cmd_export
    from govdesk.server import ServerConfig

    config.use_server(ServerConfig(db=str(demo_path), service_user="govdesk-svc",
                                   group="govdesk", wrapper="/usr/local/libexec/govdesk/desk"))
    try:
        with pytest.raises(CliError, match="--out -") as refused:
            cmd_export(str(demo_path), "zhangyt", "收文", str(tmp_path / "收文.xlsx"), None, None)
    finally:
        config.use_server(None)
    assert refused.value.code == EXIT_USER
    assert not (tmp_path / "收文.xlsx").exists()


def test_options_a_kind_does_not_take_are_refused_naming_them(demo_path, tmp_path):
    for args, said in ((["公文", "--record", "1", "--copy", "0"], "份号应为 1 至 999999"),
                       (["公文", "--record", "1", "--copy", "1000000"], "份号应为 1 至 999999"),
                       (["一周日程", "--copy", "3"], "一周日程不用 --copy"),
                       (["一周日程", "--note", "x"], "一周日程不用 --note"),
                       (["公文", "--record", "1", "--filter", "急:特急"], "公文不用 --filter")):
        out = tmp_path / ("x.ics" if args[0] == "一周日程" else "x.docx")
        proc = run(["export", *args, "--db", str(demo_path), "--as", "lixm", "--out", str(out)],
                   tmp_path / "home")
        assert proc.returncode == 2 and said in proc.stderr, (args, proc.stderr)
        assert not out.exists()
    proc = run(["export", "收文", "--format", "csv", "--out", str(tmp_path / "x.xlsx"), "--db",
                str(demo_path), "--as", "lixm"], tmp_path / "home")
    assert proc.returncode == 2 and "--format csv" in proc.stderr
    assert not (tmp_path / "x.xlsx").exists()
