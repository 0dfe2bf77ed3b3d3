"""Who is at the keyboard: the OS login mapped to a person; ``--as`` only where it is safe."""

from __future__ import annotations

import getpass
import os

from govdesk.models import Person, database
from govdesk.services import audit
from govdesk.services.context import Actor
from govdesk.services.errors import PermissionDenied, ServiceError
from govdesk.services.schema import get_meta


class UnknownUser(ServiceError):
    pass


def os_login() -> str:
    for key in ("GOVDESK_LOGIN",):
        if os.environ.get(key):
            return os.environ[key]
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "")


def is_demo() -> bool:
    return get_meta("demo", "0") == "1"


def _admins() -> str:
    names = [p.name for p in Person.select().where(Person.admin & Person.active)]
    return "、".join(names) or "系统管理员"


def resolve(as_login: str | None = None, login: str | None = None) -> Person:
    """The person for this session, or a clear Chinese refusal naming whom to ask."""
    login = login or os_login()
    me = Person.get_or_none((Person.login == login) & Person.active)
    if as_login:
        if not is_demo() and (me is None or not me.admin):
            raise PermissionDenied(
                "--as 只能在演示数据库中使用，或由管理员使用。"
                f"当前系统用户 {login} 不是管理员。"
            )
        target = Person.get_or_none((Person.login == as_login) & Person.active)
        if target is None:
            raise UnknownUser(f"登录名 {as_login} 不在人员名单中。")
        if me is not None and me.admin and not is_demo():
            with database.atomic():
                audit.record(Actor(me), "identity.as", "person", target.id,
                             after={"as": as_login})
        return target
    if me is None:
        raise UnknownUser(
            f"系统用户 {login} 不在 govdesk 人员名单中。请联系管理员（{_admins()}）"
            "把您的登录名加入组织机构。"
        )
    return me
