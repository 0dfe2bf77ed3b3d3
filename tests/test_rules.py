"""data/rules.toml read into typed tables and checked at start (SPEC §3, §4, §16; seed sections
cited in the file): every fault an office can make when editing it is named with file, key and
line; no key is left unread; govdesk refuses to start on a bad file with exit code 1."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from govdesk.models import OutgoingDocument
from govdesk.services import incoming, outgoing, rules  # noqa: F401 (register their workflows)
from govdesk.services.engine import core as engine
from govdesk.services.engine.spec import DueRule
from govdesk.services.outgoing.rules import format_report
from govdesk.services.rules import Rules, RulesError, Term, office_rules

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "govdesk"


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A copy of data/ the test may edit, used by govdesk for the test (GOVDESK_DATA)."""
    copy = tmp_path / "data"
    shutil.copytree(rules.data_dir(), copy)
    monkeypatch.setenv("GOVDESK_DATA", str(copy))
    return copy


def edit(data: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in the copy's rules.toml; the 1-based line of the change."""
    path = data / "rules.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


def fault(data: Path) -> RulesError:
    with pytest.raises(RulesError) as caught:
        office_rules()
    assert str(data / "rules.toml") in str(caught.value)
    return caught.value


# ---------------------------------------------------------------------------- the real file


def test_the_office_file_reads_into_typed_tables():
    r = office_rules()
    assert isinstance(r, Rules)
    # Supp. §3(三)3: 特急 3 working days, 加急 a week of five working days.
    assert r.incoming.deadline == {"特急": Term(3, "working"), "加急": Term(5, "working")}
    # Step deadlines live with their steps, in the workflow specs (data/workflows/*.toml).
    assert engine.workflow("incoming").spec.steps["签批"].due == DueRule(1, "working", cap=True)
    assert r.incoming.loan_days == 14
    # DA/T 22-2015: retention choices in order, each with its 档号 code.
    assert r.incoming.retention == {"永久": "Y", "30年": "D30", "10年": "D10"}
    assert r.incoming.fonds == "J001-WS"
    assert {"党建", "党组织", "组织", "宣传", "统战"} <= set(r.incoming.party_words)
    assert r.home.soon_working_days == 3
    assert r.secrecy == {"秘密": 10, "机密": 20, "绝密": 30}
    assert engine.workflow("outgoing").spec.steps["秘书科核稿"].due == DueRule(
        1, "working", urgent_days=0)
    assert r.outgoing.written_date_grace_days == 20
    # Supp. §3(一)7: 党、政、军、群.
    cc = r.outgoing.cc
    assert cc.order == ("党", "政", "军", "群")
    assert cc.kinds["区委部门"] == "党" and cc.kinds["军事"] == "军" and cc.kinds["群团"] == "群"
    assert cc.party_units == "党" and cc.other_kinds == "政"


def test_every_unit_kind_of_the_organisation_has_a_cc_group():
    import tomllib

    with open(rules.data_dir() / "organisation.toml", "rb") as fh:
        org = tomllib.load(fh)
    kinds = {u["kind"] for u in org["units"]}
    assert kinds <= set(office_rules().outgoing.cc.kinds)


def test_the_old_accessor_reads_the_checked_file_without_fallbacks():
    assert rules.rule("incoming", "retention") == {"永久": "Y", "30年": "D30", "10年": "D10"}
    with pytest.raises(RulesError) as caught:
        rules.rule("incoming", "remind_after_days", default=2)
    assert "incoming.remind_after_days" in str(caught.value)


# ---------------------------------------------------------------------------- every key is read


def _typed_paths(cls: type, parent: str):
    """(parent, field) for every field of the typed tables, nested ones included."""
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        yield parent, f.name
        kind = hints[f.name]
        inner = [kind, *typing.get_args(kind)]
        for candidate in inner:
            if is_dataclass(candidate):
                child = f.name if candidate is kind else candidate.__name__.lower()
                yield from _typed_paths(candidate, child)


def _code_outside_rules() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))
                     if p != PACKAGE / "services" / "rules.py")


def unread_fields(code: str) -> list[str]:
    """Typed fields no code outside rules.py reads: ``parent.field`` (or ``parent_x.field``,
    ``office_rules().field``) must appear, and not as a call of a function of that name."""
    missing = []
    for parent, name in _typed_paths(Rules, "office_rules"):
        pattern = rf"\b{re.escape(parent)}(_\w+)?(\(\))?\.{name}\b(?!\s*\()"
        if not re.search(pattern, code) and f"{parent}.{name}" not in missing:
            missing.append(f"{parent}.{name}")
    return missing


def test_every_typed_rule_is_read_by_the_code():
    assert unread_fields(_code_outside_rules()) == []


def test_the_reference_check_finds_an_unread_rule():
    # The check above is real: take away the one place a rule is read and it is reported.
    code = _code_outside_rules().replace("incoming.loan_days", "incoming.loan_dayz")
    assert unread_fields(code) == ["incoming.loan_days"]
    code = _code_outside_rules().replace("term.kind", "term.knd")
    assert unread_fields(code) == ["term.kind"]


def test_a_key_no_code_reads_is_refused(data):
    # remind_after_days was once in the file with no code behind it: now it cannot be.
    line = edit(data, "loan_days = 14\n", "loan_days = 14\nremind_after_days = 2\n") + 1
    exc = fault(data)
    assert exc.key == "incoming.remind_after_days"
    assert exc.line == line
    assert f"第 {line} 行" in str(exc) and "未知的项" in str(exc)


def test_an_unknown_key_inside_an_inline_table_is_refused(data):
    line = edit(data, '"特急" = { days = 3, kind = "working" }',
                '"特急" = { days = 3, kind = "working", hours = 2 }')
    exc = fault(data)
    assert exc.key == "incoming.deadline.特急.hours" and exc.line == line


# ---------------------------------------------------------------------------- faults named


def test_wrong_type_is_named_with_its_line(data):
    line = edit(data, "loan_days = 14", 'loan_days = "14"')
    exc = fault(data)
    assert (exc.key, exc.line) == ("incoming.loan_days", line)
    assert "应为整数" in str(exc)


def test_missing_key_is_named(data):
    edit(data, 'fonds = "J001-WS"\n', "")
    exc = fault(data)
    assert exc.key == "incoming.fonds"
    assert "缺少此项" in str(exc)
    text = (data / "rules.toml").read_text(encoding="utf-8").splitlines()
    assert text[exc.line - 1].strip() == "[incoming]"  # its table's line


def test_missing_urgency_deadline_is_named(data):
    edit(data, '"加急" = { days = 5, kind = "working" }\n', "")
    exc = fault(data)
    assert exc.key == "incoming.deadline.加急"


def test_unknown_day_kind_is_refused(data):
    line = edit(data, '"特急" = { days = 3, kind = "working" }',
                '"特急" = { days = 3, kind = "lunar" }')
    exc = fault(data)
    assert (exc.key, exc.line) == ("incoming.deadline.特急.kind", line)
    assert "lunar" in str(exc) and "working" in str(exc) and "natural" in str(exc)


def test_negative_days_are_refused(data):
    line = edit(data, '"特急" = { days = 3, kind = "working" }',
                '"特急" = { days = -3, kind = "working" }')
    exc = fault(data)
    assert (exc.key, exc.line) == ("incoming.deadline.特急.days", line)
    assert "不能小于 0" in str(exc)


def test_a_cc_group_outside_the_order_is_refused(data):
    line = edit(data, '"军事" = "军"', '"军事" = "兵"')
    exc = fault(data)
    assert (exc.key, exc.line) == ("outgoing.cc.kinds.军事", line)


def test_a_secrecy_period_of_zero_is_refused(data):
    line = edit(data, '"秘密" = 10', '"秘密" = 0')
    exc = fault(data)
    assert (exc.key, exc.line) == ("secrecy.秘密", line)


def test_a_toml_syntax_error_names_its_line(data):
    line = edit(data, "soon_working_days = 3", "soon_working_days = = 3")
    exc = fault(data)
    assert exc.line == line
    assert f"第 {line} 行" in str(exc)


def test_fault_is_said_in_traditional(data, hant):
    edit(data, "loan_days = 14", 'loan_days = "14"')
    assert "應為整數" in str(fault(data))


# ---------------------------------------------------------------------------- rules as data


def test_cc_order_follows_the_data(db, data):
    doc = OutgoingDocument(title="t", main_to="各乡镇", body="正文", signature="区政府",
                           cc="区人武部、区总工会")
    assert not [p for p in format_report(doc).problems if p.name == "cc"]
    edit(data, 'order = ["党", "政", "军", "群"]', 'order = ["党", "政", "群", "军"]')
    rules.reload()  # read once: an edit is seen when govdesk reads the file again
    faults = [p for p in format_report(doc).problems if p.name == "cc"]
    assert faults and "区总工会" in faults[0].message


# ---------------------------------------------------------------------------- at start


def run_govdesk(args: list[str], tmp_path: Path, **env_extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVDESK_DB", "GOVDESK_CONFIG", "GOVDESK_LOGIN", "GOVDESK_DATA")}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GOVDESK_LOGIN="lixm",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "govdesk", *args], capture_output=True,
                          text=True, env=env, cwd=home, timeout=120)


@pytest.mark.parametrize("command", [["people"], ["today"], []])
def test_govdesk_does_not_start_on_a_bad_rules_file(data, tmp_path, command):
    line = edit(data, "soon_working_days = 3", "soon_working_days = -1")
    proc = run_govdesk([*command, "--db", str(tmp_path / "none.db")], tmp_path,
                       GOVDESK_DATA=str(data))
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stderr + proc.stdout
    assert str(data / "rules.toml") in proc.stderr
    assert f"第 {line} 行" in proc.stderr and "home.soon_working_days" in proc.stderr
    assert not (tmp_path / "none.db").exists()


def test_govdesk_does_not_start_on_a_bad_holidays_file(data, tmp_path):
    (data / "holidays.toml").write_text('[2027]\nholidays = ["2027-02-30"]\n', encoding="utf-8")
    proc = run_govdesk(["people", "--db", str(tmp_path / "none.db")], tmp_path,
                       GOVDESK_DATA=str(data))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert str(data / "holidays.toml") in proc.stderr
    assert "第 2 行" in proc.stderr and "2027.holidays" in proc.stderr and "2027-02-30" in proc.stderr
