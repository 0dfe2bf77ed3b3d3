"""The admins' tools (SPEC §14): only admins (or the system operator) may use them; backups are
private and never half-written; a restore takes only a govdesk database this version can open,
and only while no desk has the database open; both are audited. Real files, real processes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from test_cli import ROOT

from govdesk.models import AuditEntry, close_database, database, open_database
from govdesk.models.userlock import USERS_SUFFIX
from govdesk.services import audit, incoming, maintenance
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.schema import SCHEMA_VERSION

SECRET_TITLE = "关于某绝密事项的请示"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name or p.name.endswith(
        ("-journal",)))


@pytest.fixture
def admin(db, as_user):
    return as_user("lixm")


# ---------------------------------------------------------------------------- who may


def test_every_tool_refuses_a_non_admin(db, as_user, tmp_path):
    clerk = as_user("zhangyt")
    assert not clerk.person.admin
    good = tmp_path / "good.db"
    maintenance.backup(None, good)
    entries = AuditEntry.select().count()
    calls = {
        "backup": lambda: maintenance.backup(clerk, tmp_path / "mine.db"),
        "restore": lambda: maintenance.restore(clerk, good, tmp_path / "target.db"),
        "audit": lambda: maintenance.audit_lines(clerk, datetime(2020, 1, 1)),
        "audit --verify": lambda: maintenance.verify_chain(clerk),
    }
    for what, call in calls.items():
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert what in str(exc.value) and "李晓梅" in str(exc.value), str(exc.value)
    assert not (tmp_path / "mine.db").exists() and not (tmp_path / "target.db").exists()
    assert AuditEntry.select().count() == entries
    # An admin, and the system operator (None), may.
    assert maintenance.verify_chain(as_user("lixm")).intact
    assert maintenance.verify_chain(None).intact


# ---------------------------------------------------------------------------- backup


def test_backup_is_private_complete_and_audited(admin, tmp_path):
    os.umask(0o022)
    out = maintenance.backup(admin, tmp_path / "copy.db")
    assert mode(out) == 0o600
    assert maintenance.verify(out) == "ok"
    assert leftovers(tmp_path) == []
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.action, entry.actor) == ("maintenance.backup", "lixm")
    after = json.loads(entry.after)
    assert after == {"path": str(out.resolve()), "size": out.stat().st_size}
    # Never over an existing file.
    with pytest.raises(ValidationError, match="已存在"):
        maintenance.backup(admin, out)


def _damage(path: Path) -> None:
    """An index that no longer matches its table (its definition changed under it): SQLite
    opens the file and reads it, its integrity check fails."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = replace(sql, '(\"login\")', '(\"name\")')"
                     " WHERE name = 'person_login'")
        conn.commit()
    finally:
        conn.close()
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    finally:
        conn.close()


def test_a_backup_that_fails_its_check_leaves_nothing(tmp_path, db_path):
    broken = tmp_path / "broken.db"
    shutil.copy(db_path, broken)
    _damage(broken)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    open_database(broken)
    try:
        with pytest.raises(ValidationError) as exc:
            maintenance.backup(None, out_dir / "copy.db")
    finally:
        close_database()
    assert "备份文件" in str(exc.value)
    assert list(out_dir.iterdir()) == []


INTERRUPTED = """
import signal, sys
from datetime import datetime
from pathlib import Path
from govdesk.models import open_database
from govdesk.services import maintenance

def stop(*_):
    raise KeyboardInterrupt
signal.signal(signal.SIGALRM, stop)
open_database(sys.argv[1])
signal.setitimer(signal.ITIMER_REAL, float(sys.argv[3]))
try:
    maintenance.backup(None, Path(sys.argv[2]))
    signal.setitimer(signal.ITIMER_REAL, 0)
    print("DONE")
except KeyboardInterrupt:
    print("INTERRUPTED")
"""


def test_an_interrupted_backup_leaves_no_partial_file(demo_path, tmp_path):
    outcomes = set()
    for i, delay in enumerate((0.0005, 0.002, 0.005, 0.01, 0.02, 0.05)):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        out = folder / "copy.db"
        proc = subprocess.run([sys.executable, "-c", INTERRUPTED, str(demo_path), str(out),
                               str(delay)], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
        assert proc.returncode == 0, proc.stderr
        outcomes.add(proc.stdout.strip())
        assert leftovers(folder) == [], (delay, proc.stdout)
        if out.exists():
            assert maintenance.verify(out) == "ok" and mode(out) == 0o600
        else:
            assert list(folder.iterdir()) == []
    assert "INTERRUPTED" in outcomes


# ---------------------------------------------------------------------------- restore


def _sqlite(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(str(path))
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return path


def test_restore_refuses_what_is_not_a_govdesk_database(admin, tmp_path, db_path):
    target = tmp_path / "target.db"
    shutil.copy(db_path, target)
    before = target.read_bytes()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all\n" * 200)
    foreign = _sqlite(tmp_path / "foreign.db", "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)")
    no_version = _sqlite(tmp_path / "no-version.db", "CREATE TABLE meta (key, value)")
    too_new = tmp_path / "too-new.db"
    shutil.copy(db_path, too_new)
    _sqlite(too_new, f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}'"
                     " WHERE key = 'schema_version'")
    corrupt = tmp_path / "corrupt.db"
    shutil.copy(db_path, corrupt)
    _damage(corrupt)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = {Path("/dev/null"): "不是文件", folder: "不是文件", junk: "不是可用的数据库文件",
             foreign: "不是 govdesk 数据库", no_version: "不是 govdesk 数据库",
             too_new: f"结构版本是 {SCHEMA_VERSION + 1}", corrupt: ""}
    for source, words in cases.items():
        with pytest.raises(ValidationError) as exc:
            maintenance.restore(admin, source, target)
        assert str(source) in str(exc.value) and words in str(exc.value), str(exc.value)
        assert exc.value.field == "备份文件"
    assert target.read_bytes() == before
    assert not list(tmp_path.glob("target.db.before-restore-*"))


# A desk: the database open, a worker thread's job done (it closes its own connection only).
HOLDER = """
import sys, threading
from govdesk.models import open_database
from govdesk.services import audit
from govdesk.services.session import in_worker
open_database(sys.argv[1])
job = threading.Thread(target=in_worker, args=(audit.latest_id,))
job.start()
job.join()
print("OPEN", flush=True)
sys.stdin.read()
"""


def test_restore_waits_for_every_desk_to_close(admin, tmp_path, db_path):
    target = tmp_path / "office.db"
    shutil.copy(db_path, target)
    incoming.register(admin, {"from_unit": "cz", "title": "备份里的", "doc_kind": "报告"})
    source = maintenance.backup(admin, tmp_path / "copy.db")
    conn = sqlite3.connect(str(source))
    head_id, head_hash = conn.execute(
        "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    desk = subprocess.Popen([sys.executable, "-c", HOLDER, str(target)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert desk.stdout.readline().strip() == "OPEN"
        with pytest.raises(ValidationError) as exc:
            maintenance.restore(None, source, target)
        assert "1 个工作台正在使用数据库" in str(exc.value) and str(target) in str(exc.value)
    finally:
        desk.communicate("", timeout=30)
    conn = sqlite3.connect(str(target))
    try:
        notice = json.loads(conn.execute(
            "SELECT value FROM meta WHERE key = ?", (maintenance.NOTICE_KEY,)).fetchone()[0])
    finally:
        conn.close()
    assert notice["by"] == "系统" and notice["what"] == "restore" and notice["at"]
    assert not list(tmp_path.glob("office.db.before-restore-*"))

    # The desk has gone: now it restores, keeps the old file (owner only) and says so.
    os.chmod(target, 0o640)
    maintenance.restore(admin, source, target)
    kept = list(tmp_path.glob("office.db.before-restore-*"))
    assert len(kept) == 1 and mode(kept[0]) == 0o600 and maintenance.verify(kept[0]) == "ok"
    assert mode(target) == 0o640
    raw = sqlite3.connect(str(target))
    try:
        assert raw.execute("SELECT value FROM meta WHERE key = ?",
                           (maintenance.NOTICE_KEY,)).fetchone() is None
        actor, after = raw.execute("SELECT actor, after FROM audit_entry WHERE action ="
                                   " 'maintenance.restore'").fetchone()
    finally:
        raw.close()
    after = json.loads(after)
    assert actor == "lixm" and head_id > 1
    assert after == {"source": str(source.resolve()), "schema_version": SCHEMA_VERSION,
                     "audit_head": {"id": head_id, "hash": head_hash}}
    open_database(target)
    try:
        assert audit.verify_chain().intact
    finally:
        close_database()


def test_restore_over_the_database_this_process_has_open(db, admin, tmp_path):
    """The CLI looks its user up in the database it restores: its own lock is no obstacle,
    and afterwards it works on the restored file."""
    copy = maintenance.backup(admin, tmp_path / "copy.db")
    incoming.register(admin, {"from_unit": "cz", "title": "备份之后登记的", "doc_kind": "报告"})
    maintenance.restore(admin, copy, db)
    titles = [r[0] for r in database.execute_sql("SELECT title FROM incoming_document")]
    assert "备份之后登记的" not in titles
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().action == \
        "maintenance.restore"
    assert Path(str(db) + USERS_SUFFIX).exists()
    # Others may open it again, as before.
    done = subprocess.run([sys.executable, "-c", HOLDER, str(db)], input="", text=True,
                          capture_output=True, cwd=ROOT, timeout=30,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "OPEN", done.stderr


# ---------------------------------------------------------------------------- audit export


def test_audit_export_is_redacted_for_the_viewer(db, as_user, monkeypatch):
    incoming.register(as_user("lixm"), {"from_unit": "fgj", "title": SECRET_TITLE,
                                        "secrecy": "机密", "doc_kind": "请示"})
    since = datetime(2020, 1, 1)
    cleared = as_user("lixm")
    monkeypatch.setattr(cleared.person, "clearance", 3)
    assert SECRET_TITLE in "\n".join(maintenance.audit_lines(cleared, since))
    assert SECRET_TITLE in "\n".join(maintenance.audit_lines(None, since))
    lowered = as_user("lixm")
    monkeypatch.setattr(lowered.person, "clearance", 0)
    hidden = "\n".join(maintenance.audit_lines(lowered, since))
    assert SECRET_TITLE not in hidden and "不予显示" in hidden
    assert all(json.loads(line)["hash"] for line in hidden.splitlines())


# ---------------------------------------------------------------------------- the CLI


AS_USER = """
import os, sys
import govdesk.cli, govdesk.services.maintenance, govdesk.services.identity
import govdesk.services.clock, govdesk.services.context, govdesk.services.schema
import govdesk.services.rules, govdesk.services.workflows, govdesk.services.org
import govdesk.services.exports  # the parser lists its kinds; its csv is root's to read here
import govdesk.services.office_files  # so are the office's files (公文, 处理笺 …): python-docx's
govdesk.services.office_files.kinds()  # lxml needs gzip, root's to read here
import govdesk.services.imports.incoming  # likewise the import kinds
from govdesk.i18n import t
t("cli.failed", message="")
uid = int(sys.argv[1])
os.setgroups([])
os.setgid(uid)
os.setuid(uid)
# Who is at the keyboard: pinned in-process (tests/helpers/as_account.py), as no variable can.
govdesk.services.identity.pin_login(sys.argv[2])
sys.exit(govdesk.cli.main(sys.argv[3:]))
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_cli_maintenance_refuses_a_non_admin_who_is_not_root(_org_template):
    """A real process that is not root: the person at the keyboard must be an admin."""
    work = Path(tempfile.mkdtemp(prefix="govdesk-maint-"))
    try:
        work.chmod(0o777)
        db = work / "office.db"
        shutil.copy(_org_template, db)
        db.chmod(0o666)
        nobody = 65534

        def as_nobody(login: str, *args: str):
            env = {k: v for k, v in os.environ.items() if not k.startswith("GOVDESK_")}
            env.update(HOME=str(work), XDG_CONFIG_HOME=str(work / ".config"),
                       PYTHONPATH=str(ROOT))
            proc = subprocess.run([sys.executable, "-c", AS_USER, str(nobody), login, *args],
                                  capture_output=True, text=True, env=env, cwd=work,
                                  timeout=120)
            assert "Traceback" not in proc.stderr, proc.stderr
            return proc

        proc = as_nobody("zhangyt", "backup", "--db", str(db), str(work / "copy.db"))
        assert proc.returncode == 2, proc.stderr
        assert "govdesk backup 只有管理员或 root 可以运行" in proc.stderr
        assert "李晓梅" in proc.stderr
        assert not (work / "copy.db").exists()
        for args in (["restore", "--yes", str(db)], ["audit", "--verify"],
                     ["audit", "--since", "2020-01-01"]):
            proc = as_nobody("zhangyt", *args[:1], "--db", str(db), *args[1:])
            assert proc.returncode == 2 and f"govdesk {args[0]} 只有管理员" in proc.stderr
        proc = as_nobody("zhangyt", "migrate-db", "--from", str(db), "--to", str(work / "x"))
        assert proc.returncode == 2 and "govdesk migrate-db 只有管理员" in proc.stderr

        # An admin at the keyboard may; the copy is hers alone.
        proc = as_nobody("lixm", "backup", "--db", str(db), str(work / "copy.db"))
        assert proc.returncode == 0, proc.stderr
        copy = work / "copy.db"
        assert copy.stat().st_uid == nobody and mode(copy) == 0o600
        proc = as_nobody("lixm", "audit", "--verify", "--db", str(db))
        assert proc.returncode == 0 and "链条完整" in proc.stdout, proc.stdout + proc.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_odd_file_names_back_up_and_restore(admin, tmp_path, db_path):
    odd = maintenance.backup(admin, tmp_path / "copy ?#%20.db")
    assert maintenance.verify(odd) == "ok"
    target = tmp_path / "办公 #1?.db"
    shutil.copy(db_path, target)
    maintenance.restore(admin, odd, target)
    assert maintenance.verify(target) == "ok"
