"""`govdesk init` / `govdesk doctor` without SSH: the service account, the folder and files only
it can reach, the sudo rule, refusals and idempotence. Root only (init makes a system account);
the files /etc would get go to a folder of the test's own (``privilege.Layout``). The proof with
real people over SSH is tests/test_ssh_shared_server.py."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from govdesk.services import deploy, privilege

ROOT = Path(__file__).resolve().parent.parent
GROUP = grp.getgrgid(os.getegid()).gr_name
SERVICE = "gdsvc-deploytest"
MARKER = "govdesk service account"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/usr/sbin/visudo"),
    reason="needs root and sudo (init makes a system account and a sudo rule)")


@pytest.fixture(scope="module")
def office_group():
    """An office group of its own (the service account must not be in it)."""
    name = "gdoffice-deploytest"
    subprocess.run(["groupadd", name], capture_output=True)
    yield name
    subprocess.run(["groupdel", name], capture_output=True)


@pytest.fixture
def layout():
    """Where /etc's files go for the test: root's folder, closed to others (not /tmp)."""
    base = Path(tempfile.mkdtemp(prefix="govdesk-etc-", dir="/var/lib"))
    os.chmod(base, 0o755)
    yield privilege.Layout(server_config=base / "govdesk" / "server.toml",
                           wrapper=base / "libexec" / "govdesk-desk",
                           sudoers=base / "sudoers.d" / "govdesk")
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def base():
    """A folder the service account can pass through: pytest's tmp_path sits under a 0700
    folder, which init rightly reports."""
    path = Path(tempfile.mkdtemp(prefix="govdesk-deploy-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)
    try:
        if pwd.getpwnam(SERVICE).pw_gecos == MARKER:
            subprocess.run(["userdel", SERVICE], capture_output=True)
    except KeyError:
        pass


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


def init(db: Path, layout, group: str, **kw):
    return deploy.init(db, group, service_user=SERVICE, layout=layout, **kw)


def test_init_gives_the_database_to_a_service_account_only(base, layout, office_group,
                                                           strict_umask):
    db = base / "srv" / "govdesk" / "govdesk.db"
    report = init(db, layout, office_group)
    assert report.created
    svc = pwd.getpwnam(SERVICE)
    assert svc.pw_shell in privilege.NOLOGIN and svc.pw_dir == str(db.parent)
    assert SERVICE not in grp.getgrnam(office_group).gr_mem
    folder = db.parent
    assert mode(folder) == 0o700 and folder.stat().st_uid == svc.pw_uid
    assert mode(folder.parent) == 0o755  # made on the way: the account must pass through
    for p in sides(db):
        assert mode(p) == 0o600 and p.stat().st_uid == svc.pw_uid, p
    for d in ("backups", "logs"):
        assert mode(folder / d) == 0o700 and (folder / d).stat().st_uid == svc.pw_uid
    assert people(db) > 10
    assert not list(folder.glob("*.building*"))
    # The privilege step: root's files, the rule visudo accepts, naming this one command.
    rule = layout.sudoers.read_text()
    assert f"%{office_group} ALL=({SERVICE}) NOPASSWD: {layout.wrapper}" in rule
    assert "!setenv" in rule and "env_reset" in rule
    assert mode(layout.sudoers) == 0o440 and layout.sudoers.stat().st_uid == 0
    wrapper = layout.wrapper.read_text()
    assert " -I " in wrapper and "umask 077" in wrapper and mode(layout.wrapper) == 0o755
    assert f'service_user = "{SERVICE}"' in layout.server_config.read_text()
    assert deploy.check(db, office_group, layout=layout) == []


def test_sqlite_side_files_follow_the_database_mode(base, layout, office_group, strict_umask):
    """The measured fact init relies on: -wal/-shm get the db file's mode, not the umask."""
    db = base / "office" / "govdesk.db"
    init(db, layout, office_group)
    for side in sides(db)[1:]:
        side.unlink()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("CREATE TABLE t(x)")
    try:
        for side in sides(db)[1:]:
            assert mode(side) == 0o600, side
    finally:
        conn.close()


def test_rerun_fixes_permissions_and_keeps_data(base, layout, office_group):
    db = base / "office" / "govdesk.db"
    init(db, layout, office_group)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE person SET phone = 'kept' WHERE login = 'lixm'")
    conn.commit()
    conn.close()
    before = people(db)
    os.chmod(db, 0o660)
    os.chmod(db.parent, 0o2770)  # the group-shared layout of an older govdesk
    os.chown(db, 0, grp.getgrnam(office_group).gr_gid)
    Path(f"{db}-shm").unlink(missing_ok=True)  # the last connection to close removes it
    layout.sudoers.write_text("%nobody ALL=(ALL) NOPASSWD: ALL\n")  # someone loosened it
    problems = deploy.check(db, office_group, layout=layout)
    assert any("0660" in p for p in problems) and any("sudo" in p for p in problems), problems
    report = init(db, layout, office_group, org_file=ROOT / "data" / "organisation.toml")
    assert not report.created
    assert any("数据未改动" in line for line in report.lines)
    assert mode(db) == 0o600 and mode(db.parent) == 0o700
    assert db.stat().st_uid == pwd.getpwnam(SERVICE).pw_uid
    assert Path(f"{db}-shm").exists()
    assert people(db) == before
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT phone FROM person WHERE login='lixm'").fetchone() == ("kept",)
    conn.close()
    assert "%nobody" not in layout.sudoers.read_text()
    assert deploy.check(db, office_group, layout=layout) == []


def test_demo_database_needs_its_confirmation_and_doctor_warns(base, layout, office_group):
    db = base / "office" / "demo.db"
    with pytest.raises(deploy.DeployError, match="--i-know-this-is-a-demo"):
        init(db, layout, office_group, demo=True)
    assert not db.exists()
    init(db, layout, office_group, demo=True, demo_confirmed=True)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key='demo'").fetchone() == ("1",)
        assert conn.execute("SELECT count(*) FROM incoming_document").fetchone()[0] > 10
    finally:
        conn.close()
    assert mode(db) == 0o600
    assert any("演示数据库" in w and "--as" in w for w in deploy.warnings(db))


def test_doctor_finds_a_damaged_page(base, layout, office_group):
    db = base / "office" / "govdesk.db"
    init(db, layout, office_group)
    size = db.stat().st_size
    with open(db, "r+b") as fh:  # a page in the middle, past the schema
        fh.seek((size // 4096 // 2) * 4096)
        fh.write(b"\xde\xad" * 2048)
    problems = deploy.check(db, office_group, layout=layout)
    assert any("quick_check" in p for p in problems), problems


def test_service_account_must_not_be_a_member_of_the_office(base, layout, office_group):
    db = base / "office" / "govdesk.db"
    init(db, layout, office_group)
    subprocess.run(["usermod", "-aG", office_group, SERVICE], check=True)
    assert any(SERVICE in p and office_group in p
               for p in deploy.check(db, office_group, layout=layout))
    with pytest.raises(deploy.DeployError, match=office_group):
        init(db, layout, office_group)
    subprocess.run(["gpasswd", "-d", SERVICE, office_group], capture_output=True, check=True)


def test_refuses_network_file_systems(base):
    mounts = f"/dev/vda / ext4 rw 0 0\nfiler:/export {base} nfs4 rw,relatime 0 0\n"
    with pytest.raises(deploy.DeployError, match="NFS"):
        deploy.init(base / "office" / "govdesk.db", GROUP, service_user=SERVICE, mounts=mounts)
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
        deploy.init(shared / "govdesk.db", GROUP, service_user=SERVICE)
    assert mode(shared) != 0o700
    with pytest.raises(deploy.DeployError, match="/srv"):
        deploy._check_folder_is_own(Path("/srv"), "govdesk.db")
    other = base / "other" / "govdesk.db"
    other.parent.mkdir()
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE accounts(x)")
    conn.commit()
    conn.close()
    with pytest.raises(deploy.DeployError, match="不是 govdesk 数据库"):
        deploy.init(other, GROUP, service_user=SERVICE)
    with pytest.raises(deploy.DeployError, match="用户组"):
        deploy.init(base / "x" / "govdesk.db", "no-such-group-gd")


@pytest.fixture
def system_layout():
    """The real places (the command line has no other): only on a machine that is not a
    govdesk server already, and put back afterwards."""
    paths = (privilege.SYSTEM.server_config, privilege.SYSTEM.wrapper, privilege.SYSTEM.sudoers)
    if any(p.exists() for p in paths):
        pytest.skip("this machine is a govdesk server: its /etc/govdesk is left alone")
    yield privilege.SYSTEM
    for p in paths:
        p.unlink(missing_ok=True)
    for folder in (paths[0].parent, paths[1].parent):
        try:
            folder.rmdir()
        except OSError:
            pass


def test_cli_init_and_doctor(base, office_group, system_layout):
    db = base / "office" / "govdesk.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "govdesk", *args], capture_output=True,
                              text=True, env=env, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    svc = ("--service-user", SERVICE)
    proc = run("init", "--db", str(db), "--group", office_group, *svc)
    assert proc.returncode == 0 and "已创建数据库" in proc.stdout, proc.stderr
    assert run("doctor", "--db", str(db), "--group", office_group).returncode == 0
    os.chmod(db, 0o644)
    bad = run("doctor", "--db", str(db))
    assert bad.returncode == 1 and "0644" in bad.stdout
    assert run("init", "--db", str(db), "--group", office_group, *svc).returncode == 0
    assert run("doctor", "--db", str(db)).returncode == 0
    nogroup = run("init", "--db", str(base / "y" / "g.db"), "--group", "no-such-group-gd")
    assert nogroup.returncode == 1 and "groupadd" in nogroup.stderr
    demo = run("init", "--db", str(base / "d" / "demo.db"), "--group", office_group, *svc,
               "--demo")
    assert demo.returncode == 1 and "--i-know-this-is-a-demo" in demo.stderr


def test_restore_keeps_the_service_accounts_file(base, layout, office_group, strict_umask):
    """A backup is 0600; the restored database stays the service account's alone, 0600."""
    from govdesk.models import close_database, open_database
    from govdesk.services import maintenance

    db = base / "office" / "govdesk.db"
    init(db, layout, office_group)
    open_database(db)
    try:
        copy = maintenance.backup(None, db.parent / "backups" / "copy.db")
    finally:
        close_database()
    assert mode(copy) == 0o600
    maintenance.restore(None, copy, db)
    assert mode(db) == 0o600 and db.stat().st_uid == pwd.getpwnam(SERVICE).pw_uid
    assert deploy.check(db, office_group, layout=layout) == []
