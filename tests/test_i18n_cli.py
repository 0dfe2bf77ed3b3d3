"""The command line and the services under it speak the user's language (catalogs cli, today,
work): `govdesk today` for a user whose settings say zh-Hant prints Traditional, and the
refusals of identity, flow, schedule, policy, audit, init/doctor, backup and migrate come out in
the language of the moment. What people wrote (names, sections, titles) stays as stored; the
office's fixed words (steps, 密级) are stored Simplified and printed in the user's language."""

from __future__ import annotations

import ast
import os
import re
import string
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from govdesk.i18n import catalog
from govdesk.models import Flow, Task
from govdesk.services import audit, deploy, flow, identity, maintenance, migrate, schedule
from govdesk.services.errors import ConflictError, PermissionDenied, SchemaError, ValidationError
from govdesk.services.policy import visible_title
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "govdesk" / "i18n"
HAN = re.compile(r"[\u4e00-\u9fff]")


def run(args: list[str], home: Path, *, language: str | None, login: str = "lixm"):
    """``python -m govdesk ARGS`` at tests.conftest.NOW as ``login`` whose config file (under
    XDG_CONFIG_HOME) sets ``language`` (or has no language at all)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVDESK_DB", "GOVDESK_CONFIG", "GOVDESK_LOGIN")}
    settings = home / ".config" / "govdesk" / "config.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(f'language = "{language}"\n' if language else "", encoding="utf-8")
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GOVDESK_LOGIN=login,
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    # The clock is pinned to the moment the demo copies were built for (tests.conftest.NOW).
    proc = subprocess.run([sys.executable, "-m", "tests.helpers.pinned_cli", NOW.isoformat(),
                           *args], capture_output=True, text=True, env=env, cwd=home,
                          timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


# ---------------------------------------------------------------------------- the command line


def test_today_speaks_the_language_of_the_users_settings(demo_path, tmp_path):
    args = ["today", "--db", str(demo_path), "--as", "linzh"]
    hant = run(args, tmp_path / "hant", language="zh-Hant")
    assert hant.returncode == 0, hant.stderr
    lines = hant.stdout.splitlines()
    # the office's data as stored: name, section, post
    assert lines[0].startswith("govdesk · 林振华（办公室领导 主任） · ")
    assert re.fullmatch(r"待辦 \d+ 件", lines[2]), lines[2]
    assert any(re.fullmatch(r"期限提醒 \d+ 件", line) for line in lines)
    assert any(re.fullmatch(r"  已超期 \d+ 件", line) for line in lines)
    assert "領導外出" in hant.stdout
    assert not any(line.startswith(("待办 ", "领导外出")) for line in lines)

    # the same database and person without a language setting: Simplified, as before
    hans = run(args, tmp_path / "hans", language=None)
    assert hans.returncode == 0, hans.stderr
    assert re.fullmatch(r"待办 \d+ 件", hans.stdout.splitlines()[2])
    assert "领导外出" in hans.stdout and "領導外出" not in hans.stdout


def test_today_prints_the_steps_in_traditional_and_titles_as_written(demo_path, tmp_path):
    args = ["today", "--db", str(demo_path), "--as", "lixm"]
    hant = run(args, tmp_path / "hant", language="zh-Hant")
    assert hant.returncode == 0, hant.stderr
    inbox, deadlines = hant.stdout.split("\n\n")[1:3]
    # "  【已超期】11-13    歸檔   关于…": due, step, title
    steps = [line.split()[1] for line in inbox.splitlines()[1:]]
    assert {"歸檔", "分送", "分發", "第一讀者", "編號", "複核登記", "秘書科核稿", "初審",
            "銷假"} == set(steps)
    held = [line.split()[2] for line in deadlines.splitlines() if line.startswith("    ")]
    # (the first ten of each bucket: the demo's 督查室 work came before a 傳閱)
    assert {"簽批", "閱簽", "閱辦", "反饋", "協辦意見", "區長簽發", "主任複審"} <= set(held)
    assert not {"归档", "初审", "签批", "阅签", "复核登记", "区长签发"} & set(steps + held)
    assert "关于新建城东小学用地调整的请示" in inbox  # a title is what was written
    assert "赵国梁（代王建明）" in deadlines  # and so are names

    hans = run(args, tmp_path / "hans", language=None)
    hans_steps = [line.split()[1] for line in hans.stdout.split("\n\n")[1].splitlines()[1:]]
    assert {"归档", "复核登记", "初审"} <= set(hans_steps) and "歸檔" not in hans.stdout


def test_unknown_login_is_told_whom_to_ask_in_traditional(demo_path, tmp_path):
    proc = run(["today", "--db", str(demo_path)], tmp_path, language="zh-Hant", login="nobody")
    assert proc.returncode == 2
    assert proc.stderr.startswith("govdesk：系統用戶 nobody 不在 govdesk 人員名單中。請聯繫管理員（")
    assert "李晓梅" in proc.stderr  # the admin's name is data
    assert "把您的登錄名加入組織機構。" in proc.stderr


def test_command_line_errors_and_help_in_traditional(tmp_path):
    missing = tmp_path / "nope.db"
    proc = run(["today", "--db", str(missing)], tmp_path, language="zh-Hant")
    assert proc.returncode == 1
    assert f"govdesk：找不到數據庫 {missing}。可用 `govdesk demo --db {missing}` 創建演示數據庫" \
        in proc.stderr

    proc = run(["audit", "--db", str(missing), "--since", "昨天"], tmp_path, language="zh-Hant")
    assert proc.returncode == 2
    assert "--since 日期格式應為 2026-11-01，而不是 昨天" in proc.stderr

    proc = run(["bogus"], tmp_path, language="zh-Hant")
    assert proc.returncode == 2
    assert "govdesk：參數有誤（" in proc.stderr and "用 govdesk --help 查看用法。" in proc.stderr

    proc = run(["--help"], tmp_path, language="zh-Hant")
    assert proc.returncode == 0
    assert "區政府辦公室辦文辦會辦事桌面（鍵盤操作）" in proc.stdout
    assert "以純文本輸出今日待辦摘要" in proc.stdout


def test_doctor_reports_in_traditional(tmp_path):
    proc = run(["doctor", "--db", str(tmp_path / "none.db")], tmp_path, language="zh-Hant")
    assert proc.returncode == 1
    assert f"問題：數據庫 {tmp_path / 'none.db'} 不存在（請運行 govdesk init）" in proc.stdout
    assert "可用 sudo govdesk init --db … --group … 修復（不會改動數據）。" in proc.stdout


# ---------------------------------------------------------------------------- the services


def test_unknown_login_in_traditional(db, hant):
    with pytest.raises(identity.UnknownUser) as exc:
        identity.resolve(login="nobody")
    assert str(exc.value).startswith("系統用戶 nobody 不在 govdesk 人員名單中。請聯繫管理員（")
    with pytest.raises(identity.UnknownUser, match="^登錄名 ghost 不在人員名單中。$"):
        identity.resolve("ghost", login="lixm")  # organisation-only db is a demo one


def _one_task(actor, holder):
    f = flow.start(actor, "test", 1, "关于测试的通知")
    (task_id,) = flow.hand_out(actor, f, "阅知", [flow.Hand(person=holder.person)], due=None)
    return Task.get_by_id(task_id)


def test_flow_refusals_in_traditional(db, as_user, hant):
    clerk, leader = as_user("lixm"), as_user("linzh")
    task = _one_task(clerk, leader)
    with pytest.raises(PermissionDenied, match="^這一步不在您手上，不能辦理。$"):
        flow.complete(clerk, task)
    with pytest.raises(ValidationError) as exc:
        flow.hand_out(clerk, Flow.get_by_id(task.flow_id), "阅知", [], due=None)
    assert (exc.value.field, exc.value.message) == ("辦理人", "至少選擇一位")
    flow.complete(leader, task)  # ``task`` is now stale: still waiting as far as it knows
    with pytest.raises(ConflictError, match="^這一步剛被他人辦理，請刷新後再看。$"):
        flow.complete(leader, task)
    with pytest.raises(ValidationError) as exc:
        flow.remind(clerk, Task.get_by_id(task.id))
    assert str(exc.value) == "催辦：這一步已經辦完，無需催辦"


def test_flow_refusal_in_simplified_is_unchanged(db, as_user):
    clerk, leader = as_user("lixm"), as_user("linzh")
    task = _one_task(clerk, leader)
    with pytest.raises(PermissionDenied, match="^这一步不在您手上，不能办理。$"):
        flow.complete(clerk, task)


def test_schedule_refusals_in_traditional(db, as_user, hant):
    from govdesk.services import org

    clerk, head = as_user("lixm"), org.person_by_login("wangjm")
    start = datetime(2026, 11, 27, 9)
    with pytest.raises(ValidationError) as exc:
        schedule.add_entry(clerk, head, start, start, "调研")
    assert (exc.value.field, exc.value.message, exc.value.name) == (
        "結束時間", "應晚於開始時間", "end")
    with pytest.raises(ValidationError) as exc:
        schedule.add_entry(clerk, head, "明天", start, "调研")
    assert str(exc.value) == "開始時間：應為日期和時間"
    with pytest.raises(ValidationError) as exc:
        schedule.add_entry(clerk, head, start, datetime(2026, 11, 27, 10), "")
    assert str(exc.value) == "事項：不能為空"
    with pytest.raises(ValidationError) as exc:
        schedule.add_absence(clerk, "王建明", start, start)
    assert str(exc.value) == "領導：應從人員名錄中選擇"
    with pytest.raises(ValidationError) as exc:
        schedule.add_absence(clerk, head, start, start - datetime.resolution)
    assert str(exc.value) == "返回時間：應晚於離開時間"


def test_redaction_and_audit_refusal_in_traditional(db, as_user, hant):
    clerk = as_user("lixm")
    assert clerk.person.clearance < 3
    assert visible_title(clerk.person, "绝密标题", 3) == "【絕密】（密級高於本人權限，標題不予顯示）"
    with pytest.raises(PermissionDenied, match="^只有系統管理員和辦公室主任可以查看審計日誌。$"):
        audit.browse(as_user("zhaogl"))  # a 常务副区长, neither admin nor 主任
    assert audit._redact('{"secrecy": 3, "title": "绝密标题"}', 0) == \
        '{"secrecy": 3, "title": "（密級高於本人權限，不予顯示）"}'


def test_backup_schema_and_migrate_in_traditional(db, tmp_path, hant):
    from govdesk.services.schema import SCHEMA_VERSION, ensure_schema, set_meta

    out = tmp_path / "copy.db"
    out.write_bytes(b"")
    with pytest.raises(ValidationError) as exc:
        maintenance.backup(None, out)
    assert str(exc.value) == f"備份文件：{out} 已存在，不覆蓋"
    with pytest.raises(ValidationError, match="^--from：只支持從 SQLite 文件遷出"):
        migrate.migrate("postgresql://u:p@localhost/x", "postgresql://u:p@localhost/y")
    report = migrate.MigrationReport("a", "b", {"person": 3, "section": 2})
    assert report.lines()[-1].startswith("合計")
    set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(SchemaError) as exc:
        ensure_schema()
    assert str(exc.value) == (f"數據庫的結構版本是 {SCHEMA_VERSION + 1}，比本程序支持的 "
                              f"{SCHEMA_VERSION} 新；請升級 govdesk。")


def test_deploy_refusals_in_traditional(tmp_path, hant):
    nfs = f"server:/export {tmp_path} nfs4 rw 0 0\n"
    with pytest.raises(deploy.DeployError) as exc:
        deploy.check_local_disk(tmp_path, nfs)
    assert str(exc.value).startswith(f"{tmp_path} 在網絡文件系統（nfs4）上。")
    with pytest.raises(deploy.DeployError, match="^系統裡沒有用戶組 no-such-group-x。"):
        deploy.init(tmp_path / "office" / "govdesk.db", "no-such-group-x")
    assert deploy.check(tmp_path / "none.db") == [
        f"數據庫 {tmp_path / 'none.db'} 不存在（請運行 govdesk init）"]


# ---------------------------------------------------------------------------- the catalogs


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", sorted(p.stem for p in (I18N / "zh-Hans").glob("*.toml")))
def test_both_catalogs_hold_the_same_keys_and_placeholders(name):
    hans = {k: v for k, v in catalog("zh-Hans").items() if k.startswith(name + ".")}
    hant = {k: v for k, v in catalog("zh-Hant").items() if k.startswith(name + ".")}
    assert set(hans) == set(hant), "run python -m govdesk.i18n.make_hant"
    assert {k: _fields(v) for k, v in hans.items()} == {k: _fields(v) for k, v in hant.items()}


# Modules whose every user-facing text now comes from the catalog: no Chinese in their code
# outside docstrings and comments (the others still hold office data such as ranks and steps).
CATALOGUED = ["cli.py", "services/today.py", "services/deploy.py", "services/maintenance.py",
              "services/migrate.py", "services/schema.py", "services/identity.py"]


@pytest.mark.parametrize("module", CATALOGUED)
def test_no_chinese_literals_left_in_code(module):
    tree = ast.parse((ROOT / "govdesk" / module).read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = [(node.lineno, node.value) for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and id(node) not in docstrings and HAN.search(node.value)]
    assert found == []
