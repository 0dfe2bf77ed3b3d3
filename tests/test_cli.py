"""`python -m govdesk …` as a user runs it: real processes, real files, no tracebacks (SPEC §2, §14)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], home: Path, login: str = "lixm", *, account: str | None = None,
        **env_extra: str):
    """``govdesk args`` as a user runs it; ``login`` is GOVDESK_LOGIN (honoured on a demo
    database only), ``account`` the OS account the process is taken to be (pinned in-process:
    tests/helpers/as_account.py)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVDESK_DB", "GOVDESK_CONFIG", "GOVDESK_LOGIN")}
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GOVDESK_LOGIN=login,
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    env.update(env_extra)
    entry = ["govdesk"] if account is None else ["tests.helpers.as_account", account]
    proc = subprocess.run([sys.executable, "-m", *entry, *args], capture_output=True,
                          text=True, env=env, cwd=ROOT if account else home, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout
    return proc


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    base = tmp_path_factory.mktemp("cli")
    path = base / "office" / "demo.db"
    proc = run(["demo", "--db", str(path)], base / "home")
    return path, proc


@pytest.fixture
def demo_copy(built_demo, tmp_path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(built_demo[0], path)
    return path


def test_demo_creates_a_database(built_demo):
    path, proc = built_demo
    assert proc.returncode == 0, proc.stderr
    assert "已创建演示数据库" in proc.stdout
    assert path.exists()
    assert not path.with_name(path.name + ".building").exists()
    raw = sqlite3.connect(str(path))
    try:
        assert raw.execute("SELECT value FROM meta WHERE key='demo'").fetchone() == ("1",)
        assert raw.execute("SELECT count(*) FROM incoming_document").fetchone()[0] >= 20
    finally:
        raw.close()


def test_demo_again_without_force_leaves_it_untouched(demo_copy, tmp_path):
    before = digest(demo_copy)
    proc = run(["demo", "--db", str(demo_copy)], tmp_path / "home")
    assert proc.returncode == 0
    assert "已存在" in proc.stdout and "--force" in proc.stdout
    assert digest(demo_copy) == before


def test_today_prints_the_summary(demo_copy, tmp_path):
    proc = run(["today", "--db", str(demo_copy), "--as", "linzh"], tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert "林振华" in first and "办公室领导" in first and "主任" in first
    assert "待办" in proc.stdout and "期限提醒" in proc.stdout and "领导外出" in proc.stdout


def test_today_as_the_os_login(demo_copy, tmp_path):
    proc = run(["today", "--db", str(demo_copy)], tmp_path / "home", login="chenhl")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("govdesk · 陈海林（秘书科 科长）")


def test_people_is_tab_separated(demo_copy, tmp_path):
    proc = run(["people", "--db", str(demo_copy)], tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) >= 40
    assert all(len(line.split("\t")) == 4 for line in lines)
    assert "lixm\t李晓梅\t秘书科\t文书" in lines
    assert "wangjm\t王建明\t区政府领导\t区长" in lines


def test_unknown_login_gets_a_chinese_message(demo_copy, tmp_path):
    proc = run(["today", "--db", str(demo_copy)], tmp_path / "home", login="nobody")
    assert proc.returncode == 2
    assert "nobody" in proc.stderr and "不在 govdesk 人员名单中" in proc.stderr
    assert "李晓梅" in proc.stderr  # names the admin to ask
    proc = run(["today", "--db", str(demo_copy), "--as", "ghost"], tmp_path / "home")
    assert proc.returncode == 2
    assert "ghost" in proc.stderr and "不在人员名单中" in proc.stderr


@pytest.fixture
def office_db(db_path) -> Path:
    """A real (non-demo) database: the organisation only, demo flag off."""
    raw = sqlite3.connect(str(db_path))
    raw.execute("UPDATE meta SET value = '0' WHERE key = 'demo'")
    raw.commit()
    raw.close()
    return db_path


def test_as_on_a_real_database_is_for_admins_only(office_db, tmp_path):
    proc = run(["today", "--db", str(office_db), "--as", "linzh"], tmp_path / "home",
               account="chenhl")
    assert proc.returncode == 2
    assert "--as" in proc.stderr and "管理员" in proc.stderr
    # An admin may, for a person of no higher clearance (李晓梅 机密 → 陈海林 机密), audited.
    proc = run(["today", "--db", str(office_db), "--as", "chenhl"], tmp_path / "home",
               account="lixm")
    assert proc.returncode == 0, proc.stderr
    assert "陈海林" in proc.stdout
    raw = sqlite3.connect(str(office_db))
    try:
        rows = raw.execute(
            "SELECT actor, after FROM audit_entry WHERE action = 'identity.as'").fetchall()
    finally:
        raw.close()
    assert len(rows) == 1 and rows[0][0] == "lixm" and "chenhl" in rows[0][1]
    # Not the 主任 (绝密): an admin's --as never reaches above the admin's own clearance.
    proc = run(["today", "--db", str(office_db), "--as", "linzh"], tmp_path / "home",
               account="lixm")
    assert proc.returncode == 2 and "密级" in proc.stderr and "林振华" not in proc.stdout


def test_no_environment_variable_changes_who_you_are_on_a_real_database(office_db, tmp_path):
    """GOVDESK_LOGIN, LOGNAME and USER name the 主任; the kernel says this process is the
    test's own account, which is nobody in the organisation."""
    import pwd

    me = pwd.getpwuid(os.getuid()).pw_name
    for extra in ({}, {"LOGNAME": "linzh", "USER": "linzh", "USERNAME": "linzh"}):
        proc = run(["today", "--db", str(office_db)], tmp_path / "home", login="linzh", **extra)
        assert proc.returncode == 2, proc.stdout
        assert "林振华" not in proc.stdout and me in proc.stderr
    # On a demo database GOVDESK_LOGIN still picks the person (README quick start, tests).
    raw = sqlite3.connect(str(office_db))
    raw.execute("UPDATE meta SET value = '1' WHERE key = 'demo'")
    raw.commit()
    raw.close()
    proc = run(["today", "--db", str(office_db)], tmp_path / "home", login="linzh")
    assert proc.returncode == 0 and "林振华" in proc.stdout, proc.stderr


def test_missing_database(tmp_path):
    missing = tmp_path / "nowhere" / "office.db"
    for command in ("today", "people"):
        proc = run([command, "--db", str(missing)], tmp_path / "home")
        assert proc.returncode == 1
        assert "找不到数据库" in proc.stderr and str(missing) in proc.stderr
    assert not missing.exists()


def test_default_database_comes_from_home_and_config(demo_copy, tmp_path):
    home = tmp_path / "home"
    proc = run(["people"], home)
    assert proc.returncode == 1
    assert str(home / ".local" / "share" / "govdesk") in proc.stderr
    config = home / ".config" / "govdesk" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'db = "{demo_copy}"\n', encoding="utf-8")
    proc = run(["people"], home)
    assert proc.returncode == 0, proc.stderr
    assert "lixm\t李晓梅\t秘书科\t文书" in proc.stdout.splitlines()


def test_unwritable_directory(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    proc = run(["demo", "--db", str(blocker / "demo.db")], tmp_path / "home")
    assert proc.returncode == 1
    assert "无法创建目录" in proc.stderr
    # A directory nobody may write to (even root cannot create files under /proc).
    proc = run(["demo", "--db", "/proc/govdesk-demo.db"], tmp_path / "home")
    assert proc.returncode == 1
    assert "govdesk" in proc.stderr and proc.stderr.strip()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        proc = run(["demo", "--db", str(locked / "demo.db")], tmp_path / "home")
        assert proc.returncode == 1
        assert "不可写" in proc.stderr
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("content", [
    b"this is not a database at all\n" * 40,
    bytes(range(256)) * 20,
    b"SQLite format 3\x00" + b"\xff" * 4000,
], ids=["text", "binary", "bad-header"])
def test_garbage_file(tmp_path, content):
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    for command in ("today", "people"):
        proc = run([command, "--db", str(bad)], tmp_path / "home")
        assert proc.returncode == 1, proc.stdout
        assert "数据库" in proc.stderr and str(bad) in proc.stderr
    assert bad.read_bytes() == content


def test_sqlite_file_that_is_not_govdesk(tmp_path):
    other = tmp_path / "other.db"
    raw = sqlite3.connect(str(other))
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    proc = run(["people", "--db", str(other)], tmp_path / "home")
    assert proc.returncode == 1
    assert "不是 govdesk 数据库" in proc.stderr


def test_newer_schema_is_refused_with_a_message(demo_copy, tmp_path):
    from govdesk.services.schema import SCHEMA_VERSION

    newer = SCHEMA_VERSION + 1
    raw = sqlite3.connect(str(demo_copy))
    raw.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(newer),))
    raw.commit()
    raw.close()
    proc = run(["today", "--db", str(demo_copy), "--as", "linzh"], tmp_path / "home")
    assert proc.returncode == 1
    assert f"结构版本是 {newer}" in proc.stderr and "升级" in proc.stderr
    assert proc.stdout == ""


def test_options_before_the_subcommand_are_not_lost(demo_copy, tmp_path):
    # `govdesk --db X --as linzh today` must use X and linzh, not the default database.
    proc = run(["--db", str(demo_copy), "--as", "linzh", "today"], tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert "林振华" in proc.stdout.splitlines()[0]
    proc = run(["--db", str(demo_copy), "people"], tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert "lixm\t李晓梅\t秘书科\t文书" in proc.stdout.splitlines()


def test_bad_arguments_exit_2_without_traceback(tmp_path):
    proc = run(["today", "--no-such-option"], tmp_path / "home")
    assert proc.returncode == 2
    assert "govdesk" in proc.stderr


def test_an_older_database_says_it_is_being_upgraded(demo_copy, tmp_path):
    """A migration backs the file up and builds indexes (tens of seconds on a decade): the
    user is told before it starts, not left at a silent terminal; a current one says nothing."""
    import sqlite3

    from govdesk.services.register_sort import INDEXES

    with sqlite3.connect(demo_copy) as conn:
        for name, *_ in INDEXES:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    proc = run(["today", "--db", str(demo_copy), "--as", "linzh"], tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    from govdesk.services.schema import SCHEMA_VERSION

    assert f"正在把数据库从结构版本 7 升级到 {SCHEMA_VERSION}" in proc.stderr
    again = run(["today", "--db", str(demo_copy), "--as", "linzh"], tmp_path / "home")
    assert again.returncode == 0 and "升级" not in again.stderr
