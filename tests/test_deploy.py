"""`govdesk init` / `govdesk doctor` (issue 4 item 1) without SSH: modes, groups, refusals and
idempotence. The group is the caller's own primary group, so this runs as any user; the
multi-user proof over SSH is tests/test_ssh_shared_server.py."""

from __future__ import annotations

import grp
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from govdesk.services import deploy

ROOT = Path(__file__).resolve().parent.parent
GROUP = grp.getgrgid(os.getegid()).gr_name
GID = os.getegid()


@pytest.fixture
def base():
    """A folder every user can pass through: pytest's tmp_path sits under a 0700 folder, which
    init rightly reports (members could not reach the database)."""
    path = Path(tempfile.mkdtemp(prefix="govdesk-deploy-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def strict_umask():
    old = os.umask(0o077)  # the worst a first user could have
    yield
    os.umask(old)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def sides(db: Path) -> list[Path]:
    return [db, Path(f"{db}-wal"), Path(f"{db}-shm")]


def people(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM person").fetchone()[0]
    finally:
        conn.close()


def test_init_makes_a_group_shared_database_whatever_the_umask(base, strict_umask):
    db = base / "srv" / "govdesk" / "govdesk.db"
    report = deploy.init(db, GROUP)
    assert report.created
    folder = db.parent
    assert mode(folder) == 0o2770 and folder.stat().st_gid == GID
    assert folder.stat().st_uid == os.geteuid()
    assert mode(folder.parent) == 0o755  # made on the way: members must pass through
    for p in sides(db):
        assert mode(p) == 0o660 and p.stat().st_gid == GID, p
    assert people(db) > 10
    assert not list(folder.glob("*.building*"))
    assert deploy.check(db, GROUP) == []


def test_sqlite_side_files_follow_the_database_mode(base, strict_umask):
    """The measured fact init relies on: -wal/-shm get the db file's mode, not the umask."""
    db = base / "office" / "govdesk.db"
    deploy.init(db, GROUP)
    for side in sides(db)[1:]:
        side.unlink()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("CREATE TABLE t(x)")
    try:
        for side in sides(db)[1:]:
            assert mode(side) == 0o660 and side.stat().st_gid == GID, side
    finally:
        conn.close()


def test_rerun_fixes_permissions_and_keeps_data(base):
    db = base / "office" / "govdesk.db"
    deploy.init(db, GROUP)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE person SET phone = 'kept' WHERE login = 'lixm'")
    conn.commit()
    conn.close()
    before = people(db)
    os.chmod(db, 0o600)
    os.chmod(db.parent, 0o755)
    Path(f"{db}-shm").unlink(missing_ok=True)  # the last connection to close removes it
    assert deploy.check(db, GROUP)  # doctor sees the damage
    report = deploy.init(db, GROUP, org_file=ROOT / "data" / "organisation.toml")
    assert not report.created
    assert any("数据未改动" in line for line in report.lines)
    assert mode(db) == 0o660 and mode(db.parent) == 0o2770
    assert Path(f"{db}-shm").exists()
    assert people(db) == before
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT phone FROM person WHERE login='lixm'").fetchone() == ("kept",)
    conn.close()
    assert deploy.check(db, GROUP) == []


def test_demo_database(base):
    db = base / "office" / "demo.db"
    deploy.init(db, GROUP, demo=True)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key='demo'").fetchone() == ("1",)
        assert conn.execute("SELECT count(*) FROM incoming_document").fetchone()[0] > 10
    finally:
        conn.close()
    assert mode(db) == 0o660


def test_refuses_network_file_systems(base):
    mounts = f"/dev/vda / ext4 rw 0 0\nfiler:/export {base} nfs4 rw,relatime 0 0\n"
    with pytest.raises(deploy.DeployError, match="NFS"):
        deploy.init(base / "office" / "govdesk.db", GROUP, mounts=mounts)
    assert not (base / "office").exists()
    assert deploy.fs_type(base / "x", mounts) == "nfs4"
    spaced = base / "my share"
    spaced.mkdir()
    escaped = str(spaced).replace(" ", "\\040")
    assert deploy.fs_type(spaced, f"//nas/s {escaped} cifs rw 0 0\n") == "cifs"


def test_refuses_folders_that_are_not_its_own_and_foreign_files(base):
    shared = base / "shared"
    shared.mkdir()
    (shared / "minutes.docx").write_text("x")
    with pytest.raises(deploy.DeployError, match="minutes.docx"):
        deploy.init(shared / "govdesk.db", GROUP)
    assert mode(shared) != 0o2770
    with pytest.raises(deploy.DeployError, match="/srv"):
        deploy._check_folder_is_own(Path("/srv"), "govdesk.db")
    other = base / "other" / "govdesk.db"
    other.parent.mkdir()
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE accounts(x)")
    conn.commit()
    conn.close()
    with pytest.raises(deploy.DeployError, match="不是 govdesk 数据库"):
        deploy.init(other, GROUP)
    with pytest.raises(deploy.DeployError, match="用户组"):
        deploy.init(base / "x" / "govdesk.db", "no-such-group-gd")


def test_cli_init_and_doctor(base):
    db = base / "office" / "govdesk.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "govdesk", *args], capture_output=True,
                              text=True, env=env, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    proc = run("init", "--db", str(db), "--group", GROUP)
    assert proc.returncode == 0 and "已创建数据库" in proc.stdout, proc.stderr
    assert run("doctor", "--db", str(db), "--group", GROUP).returncode == 0
    os.chmod(db, 0o644)
    bad = run("doctor", "--db", str(db))
    assert bad.returncode == 1 and "0644" in bad.stdout
    assert run("init", "--db", str(db), "--group", GROUP).returncode == 0
    assert run("doctor", "--db", str(db)).returncode == 0
    nogroup = run("init", "--db", str(base / "y" / "g.db"), "--group", "no-such-group-gd")
    assert nogroup.returncode == 1 and "groupadd" in nogroup.stderr


def test_restore_keeps_the_shared_mode(base, strict_umask):
    """A backup taken under umask 077 is 0600; restoring it must not lock the group out."""
    from govdesk.models import close_database, open_database
    from govdesk.services import maintenance

    db = base / "office" / "govdesk.db"
    deploy.init(db, GROUP)
    (base / "backups").mkdir()
    open_database(db)
    try:
        copy = maintenance.backup(None, base / "backups" / "copy.db")
    finally:
        close_database()
    assert mode(copy) == 0o600
    maintenance.restore(None, copy, db)
    assert mode(db) == 0o660 and db.stat().st_gid == GID
    assert deploy.check(db, GROUP) == []
