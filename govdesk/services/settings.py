"""A person's own settings (language, keys): where the process that serves them can keep them.

On a single PC govdesk runs as the user, and their settings are their config file's
(govdesk/config.py). On the shared server the desk runs as the service account, which has no
home of the user's and one for everybody: there each person's settings are a row of the
database (``meta`` key ``settings.<login>``), written through this module only.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from govdesk import config
from govdesk.models import database
from govdesk.services.errors import ValidationError
from govdesk.services.schema import get_meta, set_meta

PERSONAL = ("language", "keys", "list_filters", "saved_filters", "list_sorts", "export_dir",
            "import_layouts")
LIST_FILTERS = "list_filters"  # list id ("mishu.work", "mishu.incoming") → its filter line
LIST_SORTS = "list_sorts"  # list id → "column:asc" / "column:desc" (S)
SAVED_FILTERS = "saved_filters"  # name → filter line (L)
IMPORT_LAYOUTS = "import_layouts"  # file layout → its column mapping (services/imports/layouts)
MAX_SAVED = 20
MAX_NAME = 20
# Only the syntax is checked before a line is kept; a leap year reads every day it may name.
_ANY_YEAR = date(2024, 1, 1)


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


# ---- the lists' filter lines (services.list_filter), kept per list and per person ----


def _table(login: str, key: str) -> dict[str, str]:
    value = load(login).get(key)
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}


def list_filters(login: str) -> dict[str, str]:
    """The filter line in force on each of the person's lists."""
    return _table(login, LIST_FILTERS)


def set_list_filter(login: str, list_id: str, line: str, parse=None) -> None:
    """Keep ``line`` as the filter of ``list_id`` (an empty line: none). ``parse`` reads a
    line of that list (a list with words of its own, like the 督查事项 register's); only a
    line the list can read is kept."""
    from govdesk.services import list_filter

    line = line.strip()
    if line:
        if parse is None:
            list_filter.parse(line, _ANY_YEAR)
        else:
            parse(line)
    current = list_filters(login)
    if current.get(list_id, "") == line:
        return
    if line:
        current[list_id] = line
    else:
        current.pop(list_id, None)
    save(login, {LIST_FILTERS: current})


def list_sorts(login: str) -> dict[str, tuple[str, bool]]:
    """The sort in force on each of the person's lists: list id → (column key, descending)."""
    out = {}
    for list_id, value in _table(login, LIST_SORTS).items():
        column, _, way = value.rpartition(":")
        if column and way in ("asc", "desc"):
            out[list_id] = (column, way == "desc")
    return out


def set_list_sort(login: str, list_id: str, sort: tuple[str, bool] | None) -> None:
    """Keep ``sort`` ((column key, descending)) for ``list_id``; None: the list's own order."""
    current = _table(login, LIST_SORTS)
    value = None if sort is None else f"{sort[0]}:{'desc' if sort[1] else 'asc'}"
    if current.get(list_id) == value:
        return
    if value is None:
        current.pop(list_id, None)
    else:
        current[list_id] = value
    save(login, {LIST_SORTS: current})


def saved_filters(login: str) -> dict[str, str]:
    """The person's named filters (L), in the order they were saved."""
    return _table(login, SAVED_FILTERS)


def save_filter(login: str, name: str, line: str, parse=None) -> dict[str, str]:
    """Keep ``line`` under ``name`` (a name already kept takes the new line); ``parse`` as for
    ``set_list_filter``."""
    from govdesk.i18n import t
    from govdesk.services import list_filter

    name = " ".join(str(name).split())
    if not name or len(name) > MAX_NAME:
        raise ValidationError(t("listview.saved_name"), t("listview.saved_bad_name", n=MAX_NAME))
    line = str(line).strip()
    if not line:
        raise ValidationError(t("listview.f_filter"), t("listview.saved_empty_line"))
    if parse is None:
        list_filter.parse(line, _ANY_YEAR)
    else:
        parse(line)
    current = saved_filters(login)
    if name not in current and len(current) >= MAX_SAVED:
        raise ValidationError(t("listview.saved_title"), t("listview.saved_too_many", n=MAX_SAVED))
    current[name] = line
    save(login, {SAVED_FILTERS: current})
    return current


def delete_filter(login: str, name: str) -> dict[str, str]:
    current = saved_filters(login)
    if current.pop(name, None) is not None:
        save(login, {SAVED_FILTERS: current})
    return current
