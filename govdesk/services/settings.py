"""A person's own settings (language, keys): where the process that serves them can keep them.

On a single PC govdesk runs as the user, and their settings are their config file's
(govdesk/config.py). On the shared server the desk runs as the service account, which has no
home of the user's and one for everybody: there each person's settings are a row of the
database (``meta`` key ``settings.<login>``), written through this module only.
"""

from __future__ import annotations

import json
from typing import Any

from govdesk import config
from govdesk.models import database
from govdesk.services.errors import ValidationError
from govdesk.services.schema import get_meta, set_meta

PERSONAL = ("language", "keys")


def _key(login: str) -> str:
    return f"settings.{login}"


def load(login: str) -> dict[str, Any]:
    """The person's settings ({} when none are kept)."""
    if not config.server_mode():
        values = config.load()
        return {k: values[k] for k in PERSONAL if k in values}
    try:
        data = json.loads(get_meta(_key(login)) or "{}")
    except ValueError:
        return {}
    return {k: data[k] for k in PERSONAL if k in data} if isinstance(data, dict) else {}


def save(login: str, values: dict[str, Any]) -> str:
    """Keep ``values`` (only the personal keys) for ``login``; returns where, for the user."""
    values = {k: v for k, v in values.items() if k in PERSONAL}
    if not config.server_mode():
        try:
            return str(config.save(values))
        except OSError as exc:
            from govdesk.i18n import t

            raise ValidationError(t("settings.title"), t("settings.cannot_save",
                                                         error=exc.strerror or exc)) from None
    with database.atomic():
        current = load(login)
        current.update(values)
        set_meta(_key(login), json.dumps(current, ensure_ascii=False))
    from govdesk.i18n import t

    return t("settings.kept_on_server")
