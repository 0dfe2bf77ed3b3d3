"""Who is at the keyboard: the OS login mapped to a person; ``--as`` only where it is safe."""

from __future__ import annotations

import getpass
import os

from govdesk.i18n import t
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
    return t("errors.sep").join(names) or t("work.sysadmin")


def resolve(as_login: str | None = None, login: str | None = None) -> Person:
    """The person for this session, or a clear refusal (in the user's language) naming whom
    to ask."""
    login = login or os_login()
    me = Person.get_or_none((Person.login == login) & Person.active)
    if as_login:
        if not is_demo() and (me is None or not me.admin):
            raise PermissionDenied(t("work.as_refused", login=login))
        target = Person.get_or_none((Person.login == as_login) & Person.active)
        if target is None:
            raise UnknownUser(t("work.unknown_as", login=as_login))
        if me is not None and me.admin and not is_demo():
            with database.atomic():
                audit.record(Actor(me), "identity.as", "person", target.id,
                             after={"as": as_login})
        return target
    if me is None:
        raise UnknownUser(t("work.unknown_login", login=login, admins=_admins()))
    return me
