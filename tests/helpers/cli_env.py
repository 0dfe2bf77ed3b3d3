"""The environment a test runs ``python -m govdesk`` in: none of the tester's own database,
settings or login, a home of its own (made), and this checkout first on the path."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVDESK_DB", "GOVDESK_CONFIG", "GOVDESK_LOGIN")}
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    return env
