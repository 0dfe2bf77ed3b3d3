"""What reaches the command line from outside is not trusted: a damaged database file, bytes
that are not UTF-8 in an argument or a GOVDESK_* variable, an argument far too long, an
organisation file that is not text, a path full of terminal control sequences. Each ends in a
clear message and an exit code, never a traceback, and nothing printed drives the terminal
(govdesk/cli.py, services/visible.py)."""

from __future__ import annotations

import grp
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from govdesk.i18n import t
from govdesk.services.visible import visible

ROOT = Path(__file__).resolve().parent.parent
GROUP = grp.getgrgid(os.getgid()).gr_name
DAMAGED = t("errors.storage_corrupt")
GARBAGE = b"\xde\xad\xbe\xef" * 1024


def run(args: list, home: Path, *, login: bytes | str = b"lixm", env_extra: dict | None = None,
        desk: bool = False, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m govdesk args`` (bytes or str arguments) in a clean environment; ``desk``
    runs the desk headless for a moment, then quits (tests/helpers/headless_desk.py)."""
    env = {k: v for k, v in os.environb.items()
           if k not in (b"GOVDESK_DB", b"GOVDESK_CONFIG", b"GOVDESK_LOGIN")}
    home.mkdir(parents=True, exist_ok=True)
    env.update({b"HOME": os.fsencode(home), b"XDG_CONFIG_HOME": os.fsencode(home / ".config"),
                b"XDG_STATE_HOME": os.fsencode(home / ".state"),
                b"GOVDESK_LOGIN": os.fsencode(login) if isinstance(login, str) else login,
                b"PYTHONPATH": os.fsencode(f"{ROOT}{os.pathsep}{ROOT / 'tests'}")})
    env.update(env_extra or {})
    module = ["-m", "tests.helpers.headless_desk", "--"] if desk else ["-m", "govdesk"]
    proc = subprocess.run([sys.executable, *module, *args], capture_output=True, env=env,
                          cwd=home, timeout=timeout)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out and "Traceback" not in err, err
    # Nothing printed may drive the terminal: no ESC, no other control, no bidi override.
    for text in (out, err):
        assert visible(text) == text, text
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture
def demo_copy(_demo_template, tmp_path) -> Path:
    path = tmp_path / "office" / "demo.db"
    path.parent.mkdir()
    shutil.copy(_demo_template, path)
    return path


def root_page(db: Path, table: str) -> int:
    raw = sqlite3.connect(db)
    try:
        return raw.execute("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?",
                           (table,)).fetchone()[0]
    finally:
        raw.close()


def damage(db: Path, page: int) -> None:
    """Overwrite page ``page`` (1-based) with garbage, as a failing disk would."""
    raw = sqlite3.connect(db)
    try:
        size = raw.execute("PRAGMA page_size").fetchone()[0]
    finally:
        raw.close()
    with open(db, "r+b") as fh:
        fh.seek((page - 1) * size + (100 if page == 1 else 0))  # page 1: keep the file header
        fh.write(GARBAGE[: size - (100 if page == 1 else 0)])


COMMANDS = {
    "today": ["today"],
    "people": ["people"],
    "audit": ["audit", "--since", "2026-11-01"],
    "backup": ["backup", "{tmp}/copy.db"],
    "doctor": ["doctor"],
    "desk": [],
}


def run_command(name: str, db: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    args = [a.format(tmp=tmp_path) for a in COMMANDS[name]]
    if name in ("today", "desk"):
        args += ["--as", "lixm"]
    return run([*args, "--db", str(db)] if args else ["--db", str(db), "--as", "lixm"],
               tmp_path / "home", desk=name == "desk")


# Which commands must fail on which damage: each reads the damaged page before anything else.
MUST_FAIL = {
    "page1": set(COMMANDS),
    "person": {"today", "people", "backup", "doctor", "desk"},
    "audit_entry": {"audit", "backup", "doctor"},
}


@pytest.mark.parametrize("where", ["page1", "person", "audit_entry", "middle"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_damaged_database_file_gives_the_message_not_a_traceback(demo_copy, tmp_path, where,
                                                                   command):
    if where == "page1":
        page = 1
    elif where == "middle":
        raw = sqlite3.connect(demo_copy)
        page = raw.execute("PRAGMA page_count").fetchone()[0] // 2
        raw.close()
    else:
        page = root_page(demo_copy, where)
    assert page == 1 or page > 2  # the schema page itself survives
    damage(demo_copy, page)
    proc = run_command(command, demo_copy, tmp_path)
    if command in MUST_FAIL.get(where, set()):
        assert proc.returncode == 1, (proc.stdout, proc.stderr)
    # A command that never reads the damaged page may well succeed; one that fails says why.
    assert proc.returncode in (0, 1), proc.stderr
    if proc.returncode == 1 and command not in ("backup", "doctor"):
        assert DAMAGED in proc.stderr, proc.stderr
        assert str(demo_copy) in proc.stderr
    if proc.returncode == 1 and command == "backup":
        assert proc.stderr.startswith("govdesk")  # the backup's own verdict (it checks the copy)


def test_invalid_utf8_in_as_is_refused_naming_the_argument(demo_copy, tmp_path):
    proc = run([b"today", b"--db", os.fsencode(demo_copy), b"--as", b"li\xffxm"], tmp_path / "h")
    assert proc.returncode == 2
    assert "--as" in proc.stderr and "UTF-8" in proc.stderr and "\\xff" in proc.stderr
    proc = run([b"today", b"--db", os.fsencode(demo_copy), b"--as=\xfe"], tmp_path / "h")
    assert proc.returncode == 2 and "--as" in proc.stderr and "\\xfe" in proc.stderr
    proc = run([b"backup", b"--db", os.fsencode(demo_copy), b"/tmp/\xff.db"], tmp_path / "h")
    assert proc.returncode == 2 and "第 4 个参数" in proc.stderr


@pytest.mark.parametrize("variable", [b"GOVDESK_LOGIN", b"GOVDESK_DB", b"GOVDESK_CONFIG"])
def test_invalid_utf8_in_the_environment_is_refused_naming_it(demo_copy, tmp_path, variable):
    args = ["today"] if variable == b"GOVDESK_DB" else ["today", "--db", str(demo_copy)]
    proc = run(args, tmp_path / "h", env_extra={variable: b"/tmp/li\xff\xfexm"})
    assert proc.returncode == 2, proc.stderr
    assert variable.decode() in proc.stderr and "UTF-8" in proc.stderr
    assert "\\xff\\xfe" in proc.stderr
    assert proc.stdout == ""


def test_an_argument_far_too_long_is_refused(tmp_path):
    proc = run(["people", "--db", "x" * 100_000], tmp_path / "h")
    assert proc.returncode == 2
    assert "--db" in proc.stderr and "100000" in proc.stderr
    assert len(proc.stderr) < 1000  # the argument itself is not echoed back
    # A path within the argument limit but over the system's, in bytes (3 per character).
    proc = run(["people", "--db", "/tmp/" + "文" * 1400], tmp_path / "h")
    assert proc.returncode == 2 and "--db" in proc.stderr
    # A single name longer than a folder takes: the system's refusal, said plainly.
    proc = run(["people", "--db", "/tmp/" + "a" * 300], tmp_path / "h")
    assert proc.returncode == 1 and proc.stderr.startswith("govdesk")


def test_an_escape_sequence_in_a_path_is_shown_not_sent(tmp_path):
    evil = "/tmp/\x1b[31mX\u202egpj.exe\x07"
    proc = run(["people", "--db", evil], tmp_path / "h")
    assert proc.returncode == 1
    assert "\x1b" not in proc.stderr and "\u202e" not in proc.stderr
    assert "/tmp/\\x1b[31mX\\u202egpj.exe\\x07" in proc.stderr
    # argparse's own refusal, which echoes what it did not understand.
    proc = run(["people", "--no-such", "\x1b]0;owned\x07"], tmp_path / "h")
    assert proc.returncode == 2
    assert "\\x1b]0;owned\\x07" in proc.stderr and "\x1b" not in proc.stderr


def test_an_escape_sequence_in_a_login_is_shown_not_sent(demo_copy, tmp_path):
    proc = run(["today", "--db", str(demo_copy), "--as", "\x1b[2Jghost"], tmp_path / "h")
    assert proc.returncode == 2
    assert "\\x1b[2Jghost" in proc.stderr


@pytest.fixture
def open_base():
    """init wants a folder every member can pass through (pytest's tmp_path is under 0700)."""
    path = Path(tempfile.mkdtemp(prefix="govdesk-untrusted-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("content,expected", [
    (b'[district]\nname = "\xb6\xab\xb3\xc7\xc7\xf8"\n', "UTF-8"),  # GBK, as Windows saves it
    (b"this is = = not toml\n", "格式有误"),
], ids=["gbk", "not-toml"])
def test_an_organisation_file_that_is_not_utf8_toml(open_base, tmp_path, content, expected):
    org_file = open_base / "org.toml"
    org_file.write_bytes(content)
    db = open_base / "srv" / "office.db"
    had_account = _account_exists("govdesk-svc")
    proc = run(["init", "--db", str(db), "--group", GROUP, "--org", str(org_file)],
               tmp_path / "h")
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert str(org_file) in proc.stderr and expected in proc.stderr
    # Refused before anything was made: no folder, no service account.
    assert not db.parent.exists()
    assert _account_exists("govdesk-svc") == had_account


def _account_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def test_visible_keeps_text_and_layout():
    assert visible("李晓梅\t秘书科\n") == "李晓梅\t秘书科\n"
    assert visible("a\x1bb\rc\x7fd\x9be\u2066f\udcffg") == (
        "a\\x1bb\\x0dc\\u007fd\\u009be\\u2066f\\xffg")
    # A JSON line (the audit export) stays JSON: what json.dumps leaves raw becomes \u escapes.
    line = json.dumps({"title": "x\x7f\x9b\u202e\x1b"}, ensure_ascii=False)
    assert json.loads(visible(line)) == {"title": "x\x7f\x9b\u202e\x1b"}


def last_leaf(db: Path, table: str) -> int:
    raw = sqlite3.connect(db)
    try:
        return raw.execute("SELECT max(pageno) FROM dbstat WHERE name = ? AND pagetype = 'leaf'",
                           (table,)).fetchone()[0]
    finally:
        raw.close()


def test_a_damaged_page_met_while_reading_rows_is_a_storage_error(demo_path):
    """The query runs, the first rows come, then a damaged page: the driver raises its bare
    sqlite3.DatabaseError from the loop that fetches rows, past execute_sql."""
    from govdesk.errors import StorageError
    from govdesk.models import close_database, open_database
    from govdesk.services import audit
    from govdesk.services.session import in_worker, reading

    damage(demo_path, last_leaf(demo_path, "audit_entry"))
    open_database(demo_path)
    try:
        for call in (in_worker, reading):
            with pytest.raises(StorageError) as caught:
                call(audit.changes_since, 0)
            assert caught.value.kind == "corrupt" and DAMAGED in str(caught.value)
    finally:
        close_database()


async def test_the_desk_stays_up_on_a_damaged_page_and_says_so(demo_path):
    from govdesk.app import POLL_SECONDS, GovDesk
    from govdesk.models import close_database, open_database
    from govdesk.services import org
    from tests.conftest import NOW

    open_database(demo_path)
    try:
        app = GovDesk(person=org.person_by_login("lixm"), db_target=str(demo_path), now=NOW)
        damage(demo_path, last_leaf(demo_path, "audit_entry"))  # the poll's first read
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause(4 * POLL_SECONDS)
            assert app.is_running
            assert any(DAMAGED in str(n.message) for n in app._notifications)
    finally:
        close_database()
