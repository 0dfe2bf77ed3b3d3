"""The user's settings file (TOML): language, database, time zone; read with tomllib, written
with tomli-w.

Location: $GOVDESK_CONFIG, else $XDG_CONFIG_HOME/govdesk/config.toml, else
~/.config/govdesk/config.toml. On the shared server, where govdesk runs as the service account
(govdesk/server.py), no such file is read: the machine's settings are /etc/govdesk/server.toml's
and each person's own (language, keys) are kept in the database (services/settings.py).

Keys:
  language = "zh-Hans" | "zh-Hant"   UI language (default zh-Hans)
  db = "/srv/govdesk/office.db"      database when neither --db nor GOVDESK_DB is given
  timezone = "Asia/Shanghai"         the office's time zone (IANA name, default Asia/Shanghai):
                                     "now" and "today" of every deadline, date and record are
                                     the office's, not the server's (a server often runs UTC)
  export_dir = "~/文档/导出"          the folder the desk's exports (e) go to; the last one picked
                                     is kept here (default $GOVDESK_EXPORT_DIR, else
                                     ~/govdesk-exports)
  [keys]                             command id = key(s), replacing the command's default keys:
  "incoming.sign" = "ctrl+g"         ids in govdesk/commands.py and README "Keys"; read by
                                     commands.keymap_from_config, which reports what it can't use
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

DEFAULT_DB = Path("~/.local/share/govdesk/govdesk.db")
DEFAULT_TIMEZONE = "Asia/Shanghai"


class ConfigError(ValueError):
    """A setting of the config file that cannot be used (the message names file and key)."""


_server = None  # the shared server's configuration, once use_server() was called


def use_server(server) -> None:
    """This process serves the shared server's database as its service account: the settings
    come from ``server`` (a govdesk.server.ServerConfig), never from a file in a home."""
    global _server
    _server = server


def server_mode() -> bool:
    return _server is not None


def server_database() -> str:
    """The shared server's database (server mode only): its folder holds the exports' spool."""
    if _server is None:
        raise ConfigError("not serving the shared server")
    return _server.db


def config_path() -> Path:
    if os.environ.get("GOVDESK_CONFIG"):
        return Path(os.environ["GOVDESK_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "govdesk" / "config.toml"


def load() -> dict[str, Any]:
    if _server is not None:
        values = {"db": _server.db, "timezone": _server.timezone, "language": _server.language}
        return {k: v for k, v in values.items() if v}
    path = config_path()
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, OSError):
        return {}


def save(values: dict[str, Any]) -> Path:
    if _server is not None:
        raise ConfigError("the shared server keeps personal settings in the database")
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    current = load()
    current.update(values)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        tomli_w.dump(current, fh)
    tmp.replace(path)
    return path


def database_target(cli_value: str | None) -> str:
    """--db, else $GOVDESK_DB, else the config file, else the default path."""
    if cli_value:
        return cli_value
    if os.environ.get("GOVDESK_DB"):
        return os.environ["GOVDESK_DB"]
    configured = load().get("db")
    if configured:
        return str(configured)
    from govdesk import server

    on_server = server.current()
    if on_server is not None:  # a person on the shared server: its database is the default
        return on_server.db
    return str(DEFAULT_DB.expanduser())


def timezone() -> str:
    """The office's time zone from the config file, checked: an unknown name raises ConfigError.

    The default is the office's own zone, not the server's: a server set to UTC must not move
    the office's day (services/clock.py)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = load().get("timezone") or DEFAULT_TIMEZONE
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        from govdesk.i18n import t

        raise ConfigError(t("clock.bad_timezone", file=config_path(), value=name)) from None
    return str(name)
