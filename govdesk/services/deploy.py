"""`govdesk init` / `govdesk doctor`: the office server's database, reachable only through
govdesk (SPEC §14, docs/trust-boundary.md).

Many people run govdesk over SSH on one server, each logged in as their own OS user, on one
database. None of them can open the database themselves: it belongs to a service account, in
a folder only that account can enter, and everyone's ``govdesk`` runs itself as that account
through one sudo rule (services/privilege.py). The layout:

* the folder is the service account's, mode 0700; its files (the database, ``-wal``, ``-shm``,
  the write queue, the users' lock), ``backups/`` and ``logs/`` are the account's alone (0600,
  0700): no office user can read, copy, move, remove or replace any of them;
* the database is made 0600 before SQLite touches it, because SQLite gives ``-wal``/``-shm``
  the database file's own mode;
* a server set up by an older govdesk (a group-writable folder and files) is put right.

WAL needs shared memory on one host, so the folder must be on a local disk: a network file
system (NFS, SMB/CIFS, sshfs, …) is refused. Running ``govdesk init`` again only puts things
right: it never deletes or overwrites data.
"""

from __future__ import annotations

import grp
import os
import pwd
import sqlite3
import stat
import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from govdesk.i18n import t
from govdesk.models.userlock import USERS_SUFFIX
from govdesk.models.writelock import QUEUE_SUFFIX
from govdesk.services import privilege
from govdesk.services.privilege import SYSTEM, Layout

DIR_MODE = 0o700
FILE_MODE = 0o600
# the service account's own, beside the database (exports: each person's spool of what they
# exported on the desk, services/export_folder.py)
KEPT_DIRS = ("backups", "logs", "exports")
# every file SQLite, the write queue and the users' lock use
SIDE_SUFFIXES = ("-wal", "-shm", QUEUE_SUFFIX, USERS_SUFFIX)

# File systems on which SQLite's WAL (shared memory + POSIX locks on one host) is unsafe.
NETWORK_FS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "coda", "ceph",
    "glusterfs", "lustre", "gpfs", "beegfs", "davfs", "fuse.sshfs", "fuse.glusterfs",
    "fuse.s3fs", "fuse.rclone", "fuse.cephfs", "fuse.davfs2", "ocfs2", "gfs2",
}
# Folders that are never a database's own: init would make them 2770 and lock others out.
SYSTEM_DIRS = {"/", "/srv", "/var", "/var/lib", "/opt", "/home", "/tmp", "/var/tmp", "/usr",
               "/etc", "/root", "/mnt", "/media"}


class DeployError(Exception):
    """Set-up refused or failed; the message is for the administrator (catalog ``cli.deploy.*``)."""


@dataclass
class InitReport:
    path: Path
    created: bool = False
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)


# ---------------------------------------------------------------------- file system type

def _unescape_mount(path: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as \040 \011 \012 \134
    out, i = [], 0
    while i < len(path):
        code = path[i + 1:i + 4]
        if path[i] == "\\" and len(code) == 3 and code.isdigit():
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(path[i])
            i += 1
    return "".join(out)


def fs_type(path: Path, mounts: str | None = None) -> str:
    """The file system type of ``path`` (an existing folder): the longest matching mount point
    in /proc/mounts, else ``stat -f``; "" when it cannot be told."""
    real = os.path.realpath(path)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text()
        except OSError:
            mounts = ""
    best, kind = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape_mount(parts[1])
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    if kind:
        return kind
    try:
        proc = subprocess.run(["stat", "-f", "-c", "%T", str(real)], capture_output=True,
                              text=True, timeout=5)
        return proc.stdout.strip() if proc.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def check_local_disk(folder: Path, mounts: str | None = None) -> str:
    kind = fs_type(folder, mounts)
    if kind.lower() in NETWORK_FS or kind.lower().startswith("nfs"):
        raise DeployError(t("cli.deploy.network_fs", folder=folder, kind=kind))
    return kind


# ---------------------------------------------------------------------- permissions

def _group_id(group: str) -> int:
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise DeployError(t("cli.deploy.no_group", group=group)) from None


def _own(path: Path, uid: int, gid: int, mode: int) -> bool:
    """Give ``path`` to ``uid``:``gid`` with ``mode``, never through a link; True when changed."""
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode):
        raise DeployError(t("cli.deploy.symlink", path=path))
    changed = False
    if (st.st_uid, st.st_gid) != (uid, gid):
        os.chown(path, uid, gid, follow_symlinks=False)
        changed = True
    if stat.S_IMODE(st.st_mode) != mode:
        os.chmod(path, mode)
        changed = True
    return changed


def _precreate(path: Path, uid: int, gid: int) -> None:
    """An empty file 0600 of ``uid`` whatever the umask (O_EXCL: never truncates)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, FILE_MODE)
    try:
        os.fchown(fd, uid, gid)
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def _own_folder(folder: Path, uid: int, gid: int) -> int:
    """Everything in the database folder becomes the service account's alone (an older
    layout left it group-writable); returns how many entries changed."""
    changed = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        changed += _own(here, uid, gid, DIR_MODE)
        for name in filenames:
            if not (here / name).is_symlink():
                changed += _own(here / name, uid, gid, FILE_MODE)
        dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]
    return changed


def _check_folder_is_own(folder: Path, db_name: str) -> None:
    if str(folder) in SYSTEM_DIRS or folder == Path.home():
        raise DeployError(t("cli.deploy.system_dir", folder=folder,
                            example=folder / "govdesk" / db_name))
    others = sorted(p.name for p in folder.iterdir()
                    if not p.name.startswith(db_name)
                    and p.name not in (*KEPT_DIRS, "lost+found", ".pgpass"))
    if others:
        shown = t("errors.sep").join(others[:5]) + (t("cli.deploy.more") if len(others) > 5 else "")
        raise DeployError(t("cli.deploy.folder_not_empty", folder=folder, shown=shown))


# ---------------------------------------------------------------------- database content

def _is_empty_file(path: Path) -> bool:
    return path.exists() and path.stat().st_size == 0


def _govdesk_version(path: Path) -> int:
    """0 for an empty or non-govdesk SQLite file; raises for a file that is not SQLite."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            return -1 if tables else 0
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else -1
    finally:
        conn.close()


def _load_org_table(org_file: Path | None) -> dict:
    from govdesk.services import org

    if org_file is None:
        return org.organisation_table()
    try:
        with open(org_file, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise DeployError(t("cli.deploy.cannot_read_org", path=org_file, error=exc)) from exc
    except UnicodeDecodeError as exc:  # tomllib decodes first; this is no TOMLDecodeError
        raise DeployError(t("cli.deploy.org_not_utf8", path=org_file,
                            position=exc.start + 1)) from None
    except tomllib.TOMLDecodeError as exc:
        raise DeployError(t("cli.deploy.bad_org_toml", path=org_file, error=exc)) from exc


def _fill(path: Path, *, demo: bool, org_file: Path | None, now: datetime | None,
          report: InitReport) -> None:
    """Schema and organisation (and demo work) in a fresh 0600 database file."""
    from govdesk.models import Person, close_database, database, open_database
    from govdesk.services import org
    from govdesk.services.schema import ensure_schema

    if demo:
        from govdesk.services import demo as demo_data

        demo_data.build(path, now)  # dated back from now: by default the office clock's
        report.say(t("cli.deploy.loaded_demo"))
        return
    table = _load_org_table(org_file)
    open_database(path)
    try:
        ensure_schema()
        if Person.select().count() == 0:
            try:
                with database.atomic():
                    org.load_organisation(table)
            except (KeyError, TypeError, ValueError) as exc:
                raise DeployError(t("cli.deploy.bad_org", error=repr(exc))) from exc
            report.say(t("cli.deploy.loaded_org", n=Person.select().count()))
        else:
            report.say(t("cli.deploy.org_kept"))
    finally:
        close_database()


# ---------------------------------------------------------------------- init

def init(db: str | Path, group: str, *, service_user: str = privilege.DEFAULT_SERVICE_USER,
         demo: bool = False, demo_confirmed: bool = False,
         org_file: str | Path | None = None, now: datetime | None = None,
         mounts: str | None = None, layout: Layout = SYSTEM) -> InitReport:
    """Create (or repair) the office server's database at ``db`` for the members of
    ``group``: the service account, the folder and files, the sudo rule. Root only."""
    path = Path(os.path.abspath(Path(db).expanduser()))
    report = InitReport(path)
    if os.geteuid() != 0:
        raise DeployError(t("cli.deploy.not_root"))
    if demo and not demo_confirmed:
        raise DeployError(t("cli.deploy.demo_needs_confirm"))
    _group_id(group)
    folder = path.parent
    existing = folder
    while not existing.exists():
        existing = existing.parent
    kind = check_local_disk(existing, mounts)

    if folder.exists():
        if not folder.is_dir():
            raise DeployError(t("cli.deploy.not_dir", path=folder))
        _check_folder_is_own(folder, path.name)
    if path.exists() and not path.is_file():
        raise DeployError(t("cli.deploy.not_file", path=path))
    if org_file is not None:  # a file that cannot be used stops init before anything is made
        _load_org_table(Path(org_file))
    try:
        service, made = privilege.ensure_service_account(service_user, folder, group)
    except privilege.PrivilegeError as exc:
        raise DeployError(str(exc)) from None
    if made:
        report.say(t("cli.deploy.service_created", user=service_user))
    uid, gid = service.pw_uid, service.pw_gid
    if not folder.exists():
        try:
            # Folders made on the way are 0755 whatever the umask: the account must pass through.
            for up in [*reversed(folder.parents), folder]:
                if not up.exists():
                    up.mkdir()
                    os.chmod(up, 0o755 if up != folder else DIR_MODE)
        except OSError as exc:
            raise DeployError(t("cli.deploy.cannot_mkdir", path=folder, error=exc)) from exc
        report.say(t("cli.deploy.dir_created", path=folder))
    _own(folder, uid, gid, DIR_MODE)

    fresh = not path.exists() or _is_empty_file(path)
    if not fresh:
        try:
            version = _govdesk_version(path)
        except sqlite3.DatabaseError as exc:
            raise DeployError(t("cli.deploy.not_sqlite", path=path, error=exc)) from exc
        if version < 0:
            raise DeployError(t("cli.deploy.other_program", path=path))
        fresh = version == 0

    if fresh:
        # Built aside in the same folder and renamed into place: a failure never leaves a
        # half-made database.
        building = path.with_name(path.name + ".building")
        for suffix in ("", *SIDE_SUFFIXES):
            Path(str(building) + suffix).unlink(missing_ok=True)
        _precreate(building, uid, gid)
        try:
            _fill(building, demo=demo, org_file=Path(org_file) if org_file else None,
                  now=now, report=report)
        except BaseException:
            for suffix in ("", *SIDE_SUFFIXES):
                Path(str(building) + suffix).unlink(missing_ok=True)
            raise
        for suffix in SIDE_SUFFIXES:
            Path(str(building) + suffix).unlink(missing_ok=True)
        building.replace(path)
        report.created = True
        report.say(t("cli.deploy.db_created", path=path))
    else:
        _fill(path, demo=False, org_file=None, now=now, report=report)
        report.say(t("cli.deploy.db_kept", path=path))

    for suffix in SIDE_SUFFIXES:
        side = Path(str(path) + suffix)
        if not side.exists():
            _precreate(side, uid, gid)
    for name in KEPT_DIRS:
        (folder / name).mkdir(mode=DIR_MODE, exist_ok=True)
    if _own_folder(folder, uid, gid):
        report.say(t("cli.deploy.files_owned", path=folder, user=service_user))
    try:
        for line in privilege.install(layout, path, service, group):
            report.say(line)
    except privilege.PrivilegeError as exc:
        raise DeployError(str(exc)) from None
    problems = check(path, group, mounts=mounts, layout=layout)
    if problems:
        raise DeployError(t("cli.deploy.check_failed",
                            problems=t("cli.deploy.problem_sep").join(problems)))
    report.say(t("cli.deploy.ready", kind=kind or t("cli.deploy.fs_unknown"), group=group,
                 user=service_user, path=path))
    return report


# ---------------------------------------------------------------------- doctor

def check(db: str | Path, group: str | None = None, *, mounts: str | None = None,
          layout: Layout = SYSTEM) -> list[str]:
    """What breaks the server's trust boundary or the database itself; empty when all is
    well. Root only (it reads the sudo rule and the service account's files)."""
    path = Path(os.path.abspath(Path(db).expanduser()))
    if os.geteuid() != 0:
        raise DeployError(t("cli.deploy.doctor_not_root"))
    if not path.exists():
        return [t("cli.deploy.missing", path=path)]
    problems, service = privilege.problems(layout, path, group)
    folder = path.parent
    try:
        check_local_disk(folder, mounts)
    except DeployError as exc:
        problems.append(str(exc))
    for up in folder.parents:
        st_up = up.stat()
        if not st_up.st_mode & stat.S_IXOTH:
            problems.append(t("cli.deploy.parent_closed", path=up,
                              mode=f"{stat.S_IMODE(st_up.st_mode):04o}"))
    if service is not None:
        problems += _folder_problems(path, service)
    problems += _database_problems(path)
    return problems


def _folder_problems(path: Path, service: pwd.struct_passwd) -> list[str]:
    """SQLite's files must be the service account's (it writes them); a backup or a kept copy
    root made may stay root's. Nothing in the folder may be open to anyone else."""
    folder = path.parent
    live = {path, *(Path(str(path) + s) for s in SIDE_SUFFIXES), folder}
    problems = []
    for dirpath, _dirs, filenames in os.walk(folder):
        here = Path(dirpath)
        for p in (here, *(here / n for n in filenames)):
            st = p.lstat()
            want = DIR_MODE if p == here else FILE_MODE
            mode = stat.S_IMODE(st.st_mode)
            owners = {service.pw_uid} if p in live else {service.pw_uid, 0}
            if st.st_uid not in owners:
                problems.append(t("cli.deploy.not_service_owned", path=p, user=service.pw_name))
            if mode & 0o077 or mode & want != want:
                problems.append(t("cli.deploy.bad_mode", path=p, mode=f"{mode:04o}",
                                  want=f"{want:04o}"))
    return problems


def _database_problems(path: Path) -> list[str]:
    """PRAGMA quick_check: the pages SQLite can read at all (a damaged page says so)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [t("cli.deploy.db_damaged", path=path, result=exc)]
    if rows != ["ok"]:
        return [t("cli.deploy.db_damaged", path=path, result="; ".join(rows[:3]))]
    return []


def warnings(db: str | Path) -> list[str]:
    """What doctor says out loud without failing: a demo database on a shared server, where
    anyone may take anyone's identity with --as."""
    path = Path(os.path.abspath(Path(db).expanduser()))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key='demo'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return [t("cli.deploy.demo_on_server", path=path)] if row and row[0] == "1" else []
