"""Who is at the keyboard: the account the kernel says runs govdesk, mapped to a person.

No environment variable changes who you are on an office database. The login is the passwd
name of the process's real uid; on the shared server, where govdesk runs as the service
account through the server's one sudo rule (govdesk/server.py), it is the account sudo
reports as the invoker (``SUDO_UID``), which is trusted only in a process running as that
service account, whose environment sudo has reset. ``GOVDESK_LOGIN`` picks a person on a demo
database only; tests pin a login in-process (:func:`pin_login`). ``--as`` is for an admin, for
a person of no higher clearance, and is audited.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Mapping
from dataclasses import dataclass

from govdesk import server as server_config
from govdesk.i18n import t
from govdesk.models import Person, database
from govdesk.services import audit
from govdesk.services.context import Actor
from govdesk.services.errors import PermissionDenied, ServiceError
from govdesk.services.schema import get_meta


class UnknownUser(ServiceError):
    pass


@dataclass(frozen=True)
class OsAccount:
    """The OS account a session belongs to, as the kernel reports it."""

    login: str
    uid: int
    via_sudo: bool = False  # reached through the server's sudo rule
    operator: bool = False  # root, or the service account itself: maintenance, not a desk


_UNSET = object()


def os_account(*, uid: int | None = None, env: Mapping[str, str] | None = None,
               server: object = _UNSET) -> OsAccount:
    """The account running this process, or the one that invoked it through the server's
    sudo rule. ``uid``/``env``/``server`` default to this process's own."""
    uid = os.getuid() if uid is None else uid
    env = os.environ if env is None else env
    cfg = server_config.current() if server is _UNSET else server
    invoker, via_sudo = uid, False
    service_uid = cfg.service_uid() if isinstance(cfg, server_config.ServerConfig) else None
    if service_uid is not None and uid == service_uid and uid != 0:
        raw = env.get("SUDO_UID", "")
        if raw.isascii() and raw.isdigit():
            invoker, via_sudo = int(raw), True
        else:  # the service account itself (a cron job, the admin's `sudo -u`): no person
            return OsAccount(login=cfg.service_user, uid=uid, operator=True)
    try:
        login = pwd.getpwuid(invoker).pw_name
    except KeyError:  # a uid without a passwd entry (some containers)
        login = ""
    return OsAccount(login=login, uid=invoker, via_sudo=via_sudo, operator=invoker == 0)


_pinned: str | None = None


def pin_login(login: str | None) -> None:
    """Tests: this process is ``login`` (in-process only; nothing outside it can set this)."""
    global _pinned
    _pinned = login


def is_demo() -> bool:
    return get_meta("demo", "0") == "1"


def _admins() -> str:
    names = [p.name for p in Person.select().where(Person.admin & Person.active)]
    return t("errors.sep").join(names) or t("work.sysadmin")


def session_login(account: OsAccount | None = None) -> str:
    """The login this session is: pinned (tests), else GOVDESK_LOGIN on a demo database, else
    the kernel's account."""
    if _pinned:
        return _pinned
    if is_demo() and os.environ.get("GOVDESK_LOGIN"):
        return os.environ["GOVDESK_LOGIN"]
    return (account or os_account()).login


def is_operator() -> bool:
    """Root, or the service account itself: may run maintenance without being a person."""
    return _pinned is None and os_account().operator


def resolve(as_login: str | None = None, login: str | None = None) -> Person:
    """The person for this session, or a clear refusal (in the user's language) naming whom
    to ask."""
    account = os_account()
    login = login or session_login(account)
    me = Person.get_or_none((Person.login == login) & Person.active)
    if as_login:
        demo = is_demo()
        if not demo and (me is None or not me.admin):
            raise PermissionDenied(t("work.as_refused", login=login))
        target = Person.get_or_none((Person.login == as_login) & Person.active)
        if target is None:
            raise UnknownUser(t("work.unknown_as", login=as_login))
        if not demo and me is not None:
            if target.clearance > me.clearance:
                raise PermissionDenied(t("work.as_above_clearance", login=as_login))
            with database.atomic():
                audit.record(Actor(me), "identity.as", "person", target.id,
                             after={"as": as_login, "os_account": account.login})
        return target
    if me is None:
        if not login:
            raise UnknownUser(t("work.no_passwd_entry", uid=account.uid, admins=_admins()))
        raise UnknownUser(t("work.unknown_login", login=login, admins=_admins()))
    return me
