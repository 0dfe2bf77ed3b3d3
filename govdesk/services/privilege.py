"""The one privilege step of the shared server: the service account, the desk wrapper, the
sudo rule and /etc/govdesk/server.toml (docs/trust-boundary.md). Written by ``govdesk init``
as root, checked by ``govdesk doctor``.

* The **service account** (default ``govdesk-svc``) is a system account with no login shell and
  no password, its own primary group with nobody else in it, and the database folder as home.
* The **desk wrapper** (root's, 0755) starts this very interpreter isolated (``-I``: no PYTHON*
  variables, no user site, no current folder on the path) with a fixed PATH, LANG and umask 077.
* The **sudo rule** (``/etc/sudoers.d/govdesk``, root's, 0440) lets the office's group run that
  one command as the service account, without a password, with sudo's environment reset and
  no way to set variables (``!setenv``); visudo checks it before it is put in place.
* **server.toml** (root's, 0644) names the database, the account, the group and the wrapper;
  it holds no secret (PostgreSQL's password, if any, is in the service account's ~/.pgpass).
"""

from __future__ import annotations

import grp
import os
import pwd
import shlex
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from govdesk import server as server_config
from govdesk.i18n import t

DEFAULT_SERVICE_USER = "govdesk-svc"
WRAPPER_HEADER = "# govdesk desk wrapper"
NOLOGIN = ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false")


class PrivilegeError(Exception):
    """The privilege step cannot be set up; the message is for the administrator."""


@dataclass(frozen=True)
class Layout:
    """Where the server's files go; tests give a folder of their own instead of /etc."""

    server_config: Path = server_config.SERVER_CONFIG
    wrapper: Path = Path("/usr/local/libexec/govdesk/govdesk-desk")
    sudoers: Path = Path("/etc/sudoers.d/govdesk")


SYSTEM = Layout()


# ---------------------------------------------------------------------- the service account

def ensure_service_account(name: str, home: Path, office_group: str) -> tuple[pwd.struct_passwd, bool]:
    """The service account (created when missing); refused if it is a person's or root's."""
    try:
        entry = pwd.getpwnam(name)
        created = False
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        proc = subprocess.run(
            [useradd, "--system", "--user-group", "--no-create-home", "--home-dir", str(home),
             "--shell", _nologin(), "--comment", "govdesk service account", name],
            capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise PrivilegeError(t("cli.deploy.cannot_useradd", user=name,
                                   error=proc.stderr.strip())) from None
        entry, created = pwd.getpwnam(name), True
    problems = account_problems(entry, office_group)
    if problems:
        raise PrivilegeError(t("cli.deploy.problem_sep").join(problems))
    return entry, created


def _nologin() -> str:
    return next((p for p in NOLOGIN if os.path.exists(p)), "/usr/sbin/nologin")


def account_problems(entry: pwd.struct_passwd, office_group: str) -> list[str]:
    """Why ``entry`` cannot be the service account: root, a person, or sharing a group."""
    name = entry.pw_name
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        return [t("cli.deploy.service_is_root", user=name)]
    problems = []
    try:
        office = grp.getgrnam(office_group)
        if name in office.gr_mem or entry.pw_gid == office.gr_gid:
            problems.append(t("cli.deploy.service_in_group", user=name, group=office_group))
        own = grp.getgrgid(entry.pw_gid)
        if own.gr_mem:
            problems.append(t("cli.deploy.service_group_shared", group=own.gr_name,
                              members=", ".join(own.gr_mem)))
    except KeyError:
        pass
    if entry.pw_shell not in NOLOGIN:
        problems.append(t("cli.deploy.service_shell", user=name, shell=entry.pw_shell))
    return problems


# ---------------------------------------------------------------------- files root writes

def _install(path: Path, text: str, mode: int, check=None) -> bool:
    """``path`` root:root ``mode`` holding ``text``; True when it had to change. Written aside
    (O_EXCL, never through a link), checked, then renamed: a reader never sees half a file."""
    try:
        if path.read_text() == text and _is_root_only(path, mode):
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    for up in (path.parent, *path.parent.parents):
        st = up.stat()
        if st.st_uid != 0 or st.st_mode & 0o022:
            raise PrivilegeError(t("cli.deploy.folder_not_root", path=up))
    # A leading dot: sudo's @includedir skips the half-written file.
    tmp = path.with_name(f".{path.name}.new")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, mode)
    try:
        try:
            os.write(fd, text.encode())
            os.fchown(fd, 0, 0)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        if check is not None:
            check(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _is_root_only(path: Path, mode: int) -> bool:
    st = path.lstat()
    return (not stat.S_ISLNK(st.st_mode) and st.st_uid == 0 and st.st_gid == 0
            and stat.S_IMODE(st.st_mode) == mode)


def wrapper_text(service: pwd.struct_passwd, group: str) -> str:
    """The one command the sudo rule allows: this interpreter, isolated, as the service
    account. An interpreter that needs LD_LIBRARY_PATH to start (a relocated build) keeps the
    value init was run with: sudo drops every LD_* variable."""
    lines = [
        "#!/bin/sh",
        f"{WRAPPER_HEADER}: runs govdesk as {service.pw_name} for the members of {group}",
        "# (sudo rule /etc/sudoers.d/govdesk). Written by `govdesk init`; run it again to"
        " repair.",
        "umask 077",
        f"export LANG=C.UTF-8 PATH=/usr/bin:/bin HOME={shlex.quote(service.pw_dir)}",
    ]
    if os.environ.get("LD_LIBRARY_PATH"):
        lines.append(f"export LD_LIBRARY_PATH={shlex.quote(os.environ['LD_LIBRARY_PATH'])}")
    lines.append("exec " + " ".join(shlex.quote(a) for a in server_config.python_command())
                 + ' "$@"')
    return "\n".join(lines) + "\n"


def sudoers_text(service_user: str, group: str, wrapper: Path) -> str:
    cmd = str(wrapper)
    return (
        "# govdesk: the members of group " + group + " run the desk, and only the desk, as the\n"
        "# service account " + service_user + ", with a clean environment. Written by\n"
        "# `govdesk init`; run it again to repair.\n"
        f"Defaults!{cmd} env_reset, !setenv, !lecture\n"
        f"%{group} ALL=({service_user}) NOPASSWD: {cmd}\n")


def _visudo(path: Path) -> None:
    visudo = shutil.which("visudo") or "/usr/sbin/visudo"
    if not os.path.exists(visudo):
        raise PrivilegeError(t("cli.deploy.no_sudo"))
    proc = subprocess.run([visudo, "-c", "-q", "-f", str(path)], capture_output=True,
                          text=True, timeout=30)
    if proc.returncode != 0:
        raise PrivilegeError(t("cli.deploy.sudoers_invalid", path=path,
                               error=(proc.stderr or proc.stdout).strip()))


def server_text(db: Path, service_user: str, group: str, wrapper: Path) -> str:
    return ("# govdesk server (written by `govdesk init`; run it again to repair).\n"
            + tomli_w.dumps({"db": str(db), "service_user": service_user, "group": group,
                             "wrapper": str(wrapper)}))


def install(layout: Layout, db: Path, service: pwd.struct_passwd, group: str) -> list[str]:
    """Wrapper, sudo rule and server.toml in place (idempotent); what changed, worded."""
    if not os.path.exists(server_config.SUDO):
        raise PrivilegeError(t("cli.deploy.no_sudo"))
    said = []
    if _install(layout.wrapper, wrapper_text(service, group), 0o755):
        said.append(t("cli.deploy.wrapper_written", path=layout.wrapper))
    if _install(layout.sudoers, sudoers_text(service.pw_name, group, layout.wrapper), 0o440,
                check=_visudo):
        said.append(t("cli.deploy.sudoers_written", path=layout.sudoers, group=group,
                      user=service.pw_name))
    if _install(layout.server_config,
                server_text(db, service.pw_name, group, layout.wrapper), 0o644):
        said.append(t("cli.deploy.server_written", path=layout.server_config))
    return said


def problems(layout: Layout, db: Path,
             group: str | None) -> tuple[list[str], pwd.struct_passwd | None]:
    """What is wrong with the privilege step for ``db`` (empty when all is well), and the
    service account server.toml names (None when there is none to check the files against)."""
    cfg = server_config.load(layout.server_config)
    if cfg is None:
        return [t("cli.deploy.no_server_config", path=layout.server_config)], None
    out: list[str] = []
    if not server_config.same_database(str(db), cfg):
        out.append(t("cli.deploy.server_other_db", path=layout.server_config, db=cfg.db))
    group = group or cfg.group
    try:
        service = pwd.getpwnam(cfg.service_user)
    except KeyError:
        return [*out, t("cli.deploy.no_service_user", user=cfg.service_user)], None
    out += account_problems(service, group)
    wrapper = Path(cfg.wrapper)
    try:
        if not _is_root_only(wrapper, 0o755) or wrapper.read_text() != wrapper_text(service,
                                                                                    group):
            out.append(t("cli.deploy.wrapper_changed", path=wrapper))
    except OSError:
        out.append(t("cli.deploy.wrapper_missing", path=wrapper))
    try:
        if (not _is_root_only(layout.sudoers, 0o440) or layout.sudoers.read_text()
                != sudoers_text(service.pw_name, group, wrapper)):
            out.append(t("cli.deploy.sudoers_changed", path=layout.sudoers))
        else:
            _visudo(layout.sudoers)
    except OSError:
        out.append(t("cli.deploy.sudoers_missing", path=layout.sudoers))
    except PrivilegeError as exc:
        out.append(str(exc))
    return out, service
