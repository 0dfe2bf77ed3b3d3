"""A failure nobody foresaw: the user sees one sentence naming a report only they can read, the
report holds the traceback, and neither a traceback nor a local variable reaches the terminal
(services/crashlog.py, GovDesk._handle_exception, cli.main's last handler)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from govdesk import cli
from govdesk.app import GovDesk
from govdesk.services import crashlog, org
from tests.conftest import NOW
from tests.helpers.headless_desk import PRIVATE

ROOT = Path(__file__).resolve().parent.parent
REPORT = re.compile(r"(/\S+govdesk-crash-\S+?\.log)")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_crashing_desk_says_one_sentence_and_writes_a_private_report(demo_path, tmp_path):
    office = tmp_path / "office"
    office.mkdir()
    db = office / "govdesk.db"
    shutil.move(demo_path, db)
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVDESK_DB", "GOVDESK_CONFIG", "GOVDESK_LOGIN")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GOVDESK_LOGIN="lixm",
               XDG_STATE_HOME=str(home / ".state"),
               PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'tests'}")
    proc = subprocess.run([sys.executable, "-m", "tests.helpers.headless_desk", "--crash", "--",
                           "--db", str(db), "--as", "lixm"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    shown = proc.stdout + proc.stderr
    assert proc.returncode == 1, shown
    assert "govdesk 出错退出" in proc.stderr and "请交给系统管理员" in proc.stderr
    for secret in ("Traceback", PRIVATE, "RuntimeError", "petition", "locals"):
        assert secret not in shown, shown
    report = Path(REPORT.search(proc.stderr).group(1))
    assert report.parent == office / "logs"
    assert mode(report.parent) & 0o777 == 0o700 and mode(report) == 0o600
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: an unforeseen failure" in text
    assert "headless_desk.py" in text  # the frame that failed
    assert PRIVATE not in text  # no local variables, even in the report


async def test_a_pilot_crash_is_reported_not_printed(demo_db, tmp_path):
    def explode() -> None:
        petition = PRIVATE
        raise LookupError(len(petition))

    app = GovDesk(person=org.person_by_login("lixm"), db_target=str(demo_db), poll=False,
                  now=NOW)
    with pytest.raises(LookupError):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.call_later(explode)
            await pilot.pause()
    assert app.return_code == 1
    assert app._exit_renderables == []  # nothing of Textual's own traceback is kept to print
    assert "出错退出" in app._crash_message
    report = Path(REPORT.search(app._crash_message).group(1))
    assert report.parent == demo_db.parent / "logs" and mode(report) == 0o600
    assert "LookupError" in report.read_text(encoding="utf-8")


def test_an_unforeseen_command_line_failure_is_reported(demo_path, tmp_path, monkeypatch,
                                                        capsys):
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))

    def broken(target: str) -> int:
        secret = PRIVATE  # noqa: F841 - a local the traceback would have shown
        raise ZeroDivisionError("unforeseen")

    monkeypatch.setattr(cli, "cmd_people", broken)
    assert cli.main(["people", "--db", str(demo_path)]) == cli.EXIT_DB
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and PRIVATE not in err
    assert "出错退出" in err
    report = Path(REPORT.search(err).group(1))
    assert report.parent == demo_path.parent / "logs"
    assert "ZeroDivisionError: unforeseen" in report.read_text(encoding="utf-8")


def _boom() -> BaseException:
    try:
        raise ValueError("boom")
    except ValueError as exc:
        return exc


def test_reports_never_overwrite_and_never_follow_links(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    office = tmp_path / "office"
    office.mkdir()
    first = crashlog.write_report(_boom(), str(office / "x.db"))
    second = crashlog.write_report(_boom(), str(office / "x.db"))
    assert first != second and first.parent == second.parent == office / "logs"
    assert "ValueError: boom" in first.read_text() and "ValueError: boom" in second.read_text()
    # A logs "folder" that is a link to elsewhere is not used: the user's own state folder is.
    other = tmp_path / "other"
    other.mkdir()
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "logs").symlink_to(other)
    third = crashlog.write_report(_boom(), str(shared / "x.db"))
    assert third.parent == tmp_path / "state" / "govdesk" and mode(third) == 0o600
    assert mode(third.parent) & 0o777 == 0o700
    assert list(other.iterdir()) == []
    # A database URL has no folder: the state folder again.
    fourth = crashlog.write_report(_boom(), "postgresql://u:secret@h/db")
    assert fourth.parent == third.parent
    assert "secret" not in fourth.read_text() and "postgresql://u:***@h/db" in fourth.read_text()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to hand a folder to another user")
def test_a_logs_folder_of_someone_else_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "logs").mkdir(mode=0o700)
    os.chown(tmp_path / "logs", 65534, 65534)
    path = crashlog.write_report(_boom(), str(tmp_path / "x.db"))
    assert path.parent == tmp_path / "state" / "govdesk"


def test_without_a_target_the_report_goes_beside_the_open_database(db, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert crashlog.write_report(_boom()).parent == db.parent / "logs"
