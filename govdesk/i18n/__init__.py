"""UI strings: one catalog per language, kept as TOML files per screen area.

``t("home.inbox_title", n=3)`` looks the key up in the current language's catalog
(govdesk/i18n/<lang>/*.toml, each file's tables nested by key prefix) and formats it.
zh-Hant is generated from zh-Hans by ``python -m govdesk.i18n.make_hant`` and then
reviewed; a test checks both catalogs hold the same keys.

``term("归档")`` shows one of the office's fixed words that are stored as data (a step, a
record's state, 紧急程度, 密级, 文种 …) in the current language (catalog ``terms``, keyed by the
stored Simplified value); the stored value itself never changes. The organisation's own names —
sections, posts, units — are office words too, kept in the database rather than the catalog:
the desk registers them once (``set_office_words``, from ``org.office_words``) and ``term``
writes them in Traditional with the catalog's own conversion (OpenCC s2tw and the office's
usage, make_hant.py). People's names are never converted: a name is written as its bearer
writes it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

LANGUAGES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文"}
DEFAULT_LANGUAGE = "zh-Hans"
_HERE = Path(__file__).parent
_current = DEFAULT_LANGUAGE
_office_words: frozenset[str] = frozenset()  # section, post and unit names (set_office_words)
LIST_SEPARATOR = "、"  # "办一科、办二科": each name is looked up by itself


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


def set_office_words(words: Iterable[str]) -> None:
    """The organisation's section, post and unit names, as stored (Simplified)."""
    global _office_words
    _office_words = frozenset(w for w in words if w)


@cache
def _hant(word: str) -> str:
    from govdesk.i18n.make_hant import office_hant

    return office_hant(word)


def term(value: str) -> str:
    """A stored vocabulary value (``"签批"``, ``"已归档"``, ``"机密"`` …) or an office name
    (``"秘书科"``, ``"副科长"``, a unit; a "、" list of them) as the current language writes it;
    anything else (free text, people's names) comes back unchanged.

    For display only: compare, filter and store the value, never what this returns."""
    if not value:
        return value
    found = catalog(_current).get(f"terms.{value}")
    if found is not None:
        return found
    if _current == DEFAULT_LANGUAGE:
        return value
    if value in _office_words:
        return _hant(value)
    if LIST_SEPARATOR in value:
        return LIST_SEPARATOR.join(term(part) for part in value.split(LIST_SEPARATOR))
    return value
