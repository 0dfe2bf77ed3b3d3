"""UI strings: one catalog per language, kept as TOML files per screen area.

``t("home.inbox_title", n=3)`` looks the key up in the current language's catalog
(govdesk/i18n/<lang>/*.toml, each file's tables nested by key prefix) and formats it.
zh-Hant is generated from zh-Hans by ``python -m govdesk.i18n.make_hant`` and then
reviewed; a test checks both catalogs hold the same keys.

``term("归档")`` shows one of the office's fixed words that are stored as data (a step, a
record's state, 紧急程度, 密级, 文种 …) in the current language (catalog ``terms``, keyed by the
stored Simplified value); the stored value itself never changes.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文"}
DEFAULT_LANGUAGE = "zh-Hans"
_HERE = Path(__file__).parent
_current = DEFAULT_LANGUAGE


def _flatten(table: dict, prefix: str, out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, name + ".", out)
        else:
            out[name] = str(value)


@cache
def catalog(language: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((_HERE / language).glob("*.toml")):
        with open(path, "rb") as fh:
            _flatten(tomllib.load(fh), f"{path.stem}.", out)
    return out


def set_language(language: str) -> None:
    global _current
    _current = language if language in LANGUAGES else DEFAULT_LANGUAGE


def language() -> str:
    return _current


def t(key: str, /, **values: object) -> str:
    text = catalog(_current).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


# The office's records (opinions, notes, 签发人 written into a document) are kept in Simplified
# whatever the writer reads; what is shown goes through t() at the moment it is shown.
RECORD_LANGUAGE = DEFAULT_LANGUAGE


def t_record(key: str, **values: object) -> str:
    """Catalog text ``key`` as the office's records keep it (RECORD_LANGUAGE)."""
    text = catalog(RECORD_LANGUAGE)[key]
    return text.format(**values) if values else text


def term(value: str) -> str:
    """A stored vocabulary value (``"签批"``, ``"已归档"``, ``"机密"`` …) as the current language
    writes it; anything not in the ``terms`` catalog (free text, names) comes back unchanged.

    For display only: compare, filter and store the value, never what this returns."""
    if not value:
        return value
    return catalog(_current).get(f"terms.{value}", value)
