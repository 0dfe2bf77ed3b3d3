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
from govdesk.services.named_kinds import Registry

__all__ = ["Duplicate", "ImportKind", "Imported", "Preview", "Problem", "Result", "column_line",
           "kind_list", "kind_of", "kinds", "parse_mapping", "preview", "preview_lines",
           "register", "result_lines", "run"]

# The modules that register kinds, in the order --help lists them.
MODULES = ("incoming", "supervision", "suggestion")

_REGISTRY: Registry[ImportKind] = Registry(__name__, MODULES)
register = _REGISTRY.register
kinds = _REGISTRY.kinds
kind_of = _REGISTRY.kind_of
kind_list = _REGISTRY.kind_list
