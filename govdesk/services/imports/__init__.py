"""Importing an office's existing Excel 台账 (SPEC §15): read the sheet, map its columns to a
registration form's fields, preview every row through the form's own checks, then register
the good rows in one transaction.

A kind (收文 first) registers itself (``register``) when its module is imported; ``MODULES``
lists the modules, read on first use so the CLI's ``--help`` and the desk both see every kind.
The engine is ``core``: ``preview`` reads and checks and writes nothing; ``run`` imports what
a preview found good. A mapping chosen for a sheet is kept per file layout (``layouts``), so
the next file of the same shape maps itself.
"""

from __future__ import annotations

import importlib

from govdesk.services.imports.core import (
    Duplicate,
    Imported,
    ImportKind,
    Preview,
    Problem,
    Result,
    column_line,
    parse_mapping,
    preview,
    preview_lines,
    result_lines,
    run,
)

__all__ = ["Duplicate", "ImportKind", "Imported", "Preview", "Problem", "Result", "column_line",
           "kind_list", "kind_of", "kinds", "parse_mapping", "preview", "preview_lines",
           "register", "result_lines", "run"]

# The modules that register kinds, in the order --help lists them.
MODULES = ("incoming",)

_KINDS: dict[str, ImportKind] = {}
_loaded = False


def register(kind: ImportKind) -> ImportKind:
    _KINDS[kind.kind] = kind
    return kind


def kinds() -> dict[str, ImportKind]:
    """Every kind, its module imported on first use."""
    global _loaded
    if not _loaded:
        for name in MODULES:
            importlib.import_module(f"{__name__}.{name}")
        _loaded = True
    return _KINDS


def kind_of(word: str) -> ImportKind | None:
    """The kind a word names (Chinese, Traditional or an ASCII alias), or None."""
    from govdesk.services.fulltext import simplified

    key = simplified(word.strip()).lower()
    for kind in kinds().values():
        if key in (simplified(w).lower() for w in kind.words):
            return kind
    return None


def kind_list() -> str:
    """The kinds as --help lists them: 收文（incoming）…"""
    return "；".join(f"{k.words[0]}（{'、'.join(k.words[1:])}）" for k in kinds().values())
