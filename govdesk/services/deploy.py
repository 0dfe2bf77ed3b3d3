"""`govdesk init`: set up a shared SQLite database on the office server (SPEC §14).

Many people run govdesk over SSH on one server, each as their own OS user, on one database
file. For that to work every member of the office's group must be able to write the database
*and* the ``-wal``/``-shm`` files SQLite makes beside it:

* the folder is the database's own, mode 2770 (setgid) and group GROUP, so every file made in
  it later (by any member) belongs to GROUP and nobody outside the group can even list it;
* the database file is made 0660 group GROUP *before* SQLite touches it: SQLite creates
  ``-wal``/``-shm`` with the database file's own mode, ignoring the user's umask, so a file made
  by the first user under umask 077 (0600) would lock everyone else out;
* existing ``-wal``/``-shm`` files are put right (group GROUP, 0660), missing ones pre-made.

WAL needs shared memory on one host, so the folder must be on a local disk: a network file
system (NFS, SMB/CIFS, sshfs, …) is refused. Running ``govdesk init`` again only fixes
permissions: it never deletes or overwrites data.
"""

from __future__ import annotations

import grp
import os
import sqlite3
import stat
import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from govdesk.i18n import t
from govdesk.models.userlock import USERS_SUFFIX
from govdesk.models.writelock import QUEUE_SUFFIX

DIR_MODE = 0o2770
FILE_MODE = 0o660
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


def _own(path: Path, gid: int, mode: int, *, uid: int = -1) -> bool:
    """Give ``path`` to group ``gid`` (and owner ``uid``) with ``mode``; True when changed."""
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode):
        raise DeployError(t("cli.deploy.symlink", path=path))
    changed = False
    if st.st_gid != gid or uid not in (-1, st.st_uid):
        try:
            os.chown(path, uid, gid)
        except PermissionError:
            raise DeployError(t("cli.deploy.cannot_chown", path=path, gid=gid)) from None
        changed = True
    if stat.S_IMODE(path.stat().st_mode) != mode:
        try:
            os.chmod(path, mode)
        except PermissionError:
            raise DeployError(t("cli.deploy.cannot_chmod", path=path)) from None
        changed = True
    return changed


def _precreate(path: Path, gid: int) -> None:
    """Make an empty file 0660 group ``gid`` whatever the umask (O_EXCL: never truncates)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0),
                 FILE_MODE)
    try:
        os.fchown(fd, -1, gid)
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def _check_folder_is_own(folder: Path, db_name: str) -> None:
    if str(folder) in SYSTEM_DIRS or folder == Path.home():
        raise DeployError(t("cli.deploy.system_dir", folder=folder,
                            example=folder / "govdesk" / db_name))
    others = sorted(p.name for p in folder.iterdir()
                    if not p.name.startswith(db_name) and p.name not in ("backups", "lost+found"))
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
    except tomllib.TOMLDecodeError as exc:
        raise DeployError(t("cli.deploy.bad_org_toml", path=org_file, error=exc)) from exc


def _fill(path: Path, *, demo: bool, org_file: Path | None, today: date,
          report: InitReport) -> None:
    """Schema and organisation (and demo work) in an open-able, 0660 database file."""
    from govdesk.models import Person, close_database, database, open_database
    from govdesk.services import org
    from govdesk.services.schema import ensure_schema

    if demo:
        from govdesk.services import demo as demo_data

        demo_data.build(path, today)
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

def init(db: str | Path, group: str, *, demo: bool = False, org_file: str | Path | None = None,
         today: date | None = None, mounts: str | None = None) -> InitReport:
    """Create (or repair) the shared database at ``db`` for the members of ``group``."""
    from govdesk.services.clock import office_today

    path = Path(os.path.abspath(Path(db).expanduser()))
    report = InitReport(path)
    gid = _group_id(group)
    if os.geteuid() != 0 and gid not in os.getgroups() and os.getegid() != gid:
        raise DeployError(t("cli.deploy.not_member", group=group))
    folder = path.parent
    existing = folder
    while not existing.exists():
        existing = existing.parent
    kind = check_local_disk(existing, mounts)

    if folder.exists():
        if not folder.is_dir():
            raise DeployError(t("cli.deploy.not_dir", path=folder))
        _check_folder_is_own(folder, path.name)
    else:
        try:
            # Folders made on the way are 0755 whatever the umask: members must pass through.
            for up in [*reversed(folder.parents), folder]:
                if not up.exists():
                    up.mkdir()
                    if up != folder:
                        os.chmod(up, 0o755)
        except OSError as exc:
            raise DeployError(t("cli.deploy.cannot_mkdir", path=folder, error=exc)) from exc
        report.say(t("cli.deploy.dir_created", path=folder))
    # The folder is root's (or the caller's) and the group's: no member can loosen it.
    if _own(folder, gid, DIR_MODE, uid=0 if os.geteuid() == 0 else -1):
        owner = "root" if os.geteuid() == 0 else t("cli.deploy.owner_you")
        report.say(t("cli.deploy.dir_owned", path=folder, owner=owner, group=group))

    if path.exists() and not path.is_file():
        raise DeployError(t("cli.deploy.not_file", path=path))
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
        # half-made database, and rename keeps the 0660 group file made here.
        building = path.with_name(path.name + ".building")
        for suffix in ("", *SIDE_SUFFIXES):
            Path(str(building) + suffix).unlink(missing_ok=True)
        _precreate(building, gid)
        try:
            _fill(building, demo=demo, org_file=Path(org_file) if org_file else None,
                  today=today or office_today(), report=report)
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
        _fill(path, demo=False, org_file=None, today=today or office_today(), report=report)
        report.say(t("cli.deploy.db_kept", path=path))

    if _own(path, gid, FILE_MODE):
        report.say(t("cli.deploy.file_owned", group=group))
    for suffix in SIDE_SUFFIXES:
        side = Path(str(path) + suffix)
        if side.exists():
            if _own(side, gid, FILE_MODE):
                report.say(t("cli.deploy.side_owned", name=side.name, group=group))
        else:
            _precreate(side, gid)
    problems = check(path, group, mounts=mounts)
    if problems:
        raise DeployError(t("cli.deploy.check_failed",
                            problems=t("cli.deploy.problem_sep").join(problems)))
    report.say(t("cli.deploy.ready", kind=kind or t("cli.deploy.fs_unknown"), group=group,
                 path=path))
    return report


def check(db: str | Path, group: str | None = None, *, mounts: str | None = None) -> list[str]:
    """What stops the members of the group from sharing ``db``; empty when all is well."""
    path = Path(os.path.abspath(Path(db).expanduser()))
    problems: list[str] = []
    if not path.exists():
        return [t("cli.deploy.missing", path=path)]
    folder = path.parent
    try:
        check_local_disk(folder, mounts)
    except DeployError as exc:
        problems.append(str(exc))
    st_dir = folder.stat()
    gid = _group_id(group) if group else st_dir.st_gid
    name = group or str(gid)
    if st_dir.st_gid != gid:
        problems.append(t("cli.deploy.dir_group", path=folder, group=name))
    for up in folder.parents:
        st_up = up.stat()
        if not (st_up.st_mode & stat.S_IXOTH or (st_up.st_mode & stat.S_IXGRP
                                                 and st_up.st_gid == gid)):
            problems.append(t("cli.deploy.parent_closed", path=up,
                              mode=f"{stat.S_IMODE(st_up.st_mode):04o}"))
    mode = stat.S_IMODE(st_dir.st_mode)
    if mode & 0o2070 != 0o2070:
        problems.append(t("cli.deploy.dir_mode", path=folder, mode=f"{mode:04o}"))
    if mode & 0o007:
        problems.append(t("cli.deploy.dir_open", path=folder, mode=f"{mode:04o}"))
    for p in (path, *(Path(str(path) + s) for s in SIDE_SUFFIXES)):
        if not p.exists():
            continue
        st = p.stat()
        fmode = stat.S_IMODE(st.st_mode)
        if st.st_gid != gid:
            problems.append(t("cli.deploy.file_group", name=p.name, group=name))
        if fmode & 0o060 != 0o060:
            problems.append(t("cli.deploy.file_not_writable", name=p.name, mode=f"{fmode:04o}"))
        if fmode & 0o007:
            problems.append(t("cli.deploy.file_open", name=p.name, mode=f"{fmode:04o}"))
    return problems
