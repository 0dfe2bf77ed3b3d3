"""The office's numeric rules, read from data/rules.toml (never hard-coded)."""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any


def data_dir() -> Path:
    """The data folder: $GOVDESK_DATA, else the project's data/ beside the package."""
    env = os.environ.get("GOVDESK_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "data", here / "data"):
        if candidate.is_dir():
            return candidate
    return here.parent / "data"


@cache
def load_toml(name: str) -> dict[str, Any]:
    with open(data_dir() / name, "rb") as fh:
        return tomllib.load(fh)


def rules() -> dict[str, Any]:
    return load_toml("rules.toml")


def rule(*path: str, default: Any = None) -> Any:
    node: Any = rules()
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node
