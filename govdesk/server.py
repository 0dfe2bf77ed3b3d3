"""This machine as the office's shared govdesk server (docs/trust-boundary.md).

On the shared server the database belongs to a service account that no person logs in as, in a
folder only that account can enter. People reach it only through govdesk: their ``govdesk``
runs itself again as the service account through one sudo rule for one fixed command (the
*desk wrapper*), with sudo's clean environment, and the kernel-reported invoker (``SUDO_UID``)
says who is at the keyboard.

``govdesk init`` writes :data:`SERVER_CONFIG` (root's, never writable by anyone else) naming the
database, the service account, the office's group and the wrapper. A file there that root does
not own, or that others may write, is ignored: nothing a user can write ever decides whether a
process trusts ``SUDO_UID``.
"""

from __future__ import annotations

import os
import pwd
import stat
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

SERVER_CONFIG = Path("/etc/govdesk/server.toml")
SUDO = "/usr/bin/sudo"


@dataclass(frozen=True)
class ServerConfig:
    db: str
    service_user: str
    group: str
    wrapper: str
    language: str = ""
    timezone: str = ""

    def service_uid(self) -> int | None:
        try:
            return pwd.getpwnam(self.service_user).pw_uid
        except KeyError:
            return None


def _root_owned(path: Path) -> bool:
    """Owned by root and writable by root alone, and so is every folder above it."""
    try:
        for p in (path, *path.parents):
            st = p.lstat()
            if stat.S_ISLNK(st.st_mode) or st.st_uid != 0 or st.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


def load(path: Path = SERVER_CONFIG) -> ServerConfig | None:
    """The server's configuration, or None when this is not a govdesk server (or the file is
    not root's alone, or cannot be read)."""
    if not _root_owned(path):
        return None
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        return ServerConfig(
            db=str(data["db"]), service_user=str(data["service_user"]),
            group=str(data["group"]), wrapper=str(data["wrapper"]),
            language=str(data.get("language", "")), timezone=str(data.get("timezone", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


_current: ServerConfig | None = None
_checked = False


def current() -> ServerConfig | None:
    """This machine's server configuration (read once per process)."""
    global _current, _checked
    if not _checked:
        _current, _checked = load(), True
    return _current


def as_service(server: ServerConfig | None = None) -> bool:
    """This process runs as the server's service account (started through the desk wrapper)."""
    server = server if server is not None else current()
    return server is not None and os.geteuid() == server.service_uid() \
        and os.getuid() == os.geteuid()


def same_database(target: str, server: ServerConfig) -> bool:
    """``target`` names the server's database (the same file, however it is spelt)."""
    if "://" in target or "://" in server.db:
        return target == server.db
    try:
        return os.path.realpath(os.path.expanduser(target)) == os.path.realpath(server.db)
    except (OSError, ValueError):
        return False


def hop_argv(server: ServerConfig, argv: list[str]) -> list[str]:
    """The command that runs this same govdesk command as the service account: sudo, never
    asking for a password (``-n``), the one command the sudo rule allows."""
    return [SUDO, "-n", "-u", server.service_user, "--", server.wrapper, *argv]


def in_group(server: ServerConfig) -> bool:
    """The caller belongs to the office's group (the sudo rule's ``%group``)."""
    import grp

    try:
        gid = grp.getgrnam(server.group).gr_gid
    except KeyError:
        return False
    return gid in os.getgroups() or os.getgid() == gid


def python_command() -> list[str]:
    """How the desk wrapper starts this interpreter: isolated (no PYTHON* variables, no user
    site, no current folder on the path), UTF-8, no bytecode written as the service account."""
    return [sys.executable, "-I", "-B", "-X", "utf8", "-m", "govdesk"]
