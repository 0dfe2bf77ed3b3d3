"""The column mapping of each file layout, kept so the next file of the same shape maps itself.

A layout is the kind and its header row, normalised (fulltext.normalise: spaces, brackets,
case and script do not count), so next month's 台账 saved from the same template is the same
layout. The mappings are the person's own settings (services/settings.py: their config file
on a PC, their row of the database on the shared server): the clerk who chose them sees them
again, and no schema change is needed.
"""

from __future__ import annotations

import hashlib

from govdesk.services import settings
from govdesk.services.fulltext import normalise

MAX_LAYOUTS = 50  # the oldest mapping goes when a person has kept more


def layout_key(kind: str, headers: list[str]) -> str:
    """``kind:`` and a short digest of the normalised header row."""
    text = "\x1f".join(normalise(h) for h in headers).rstrip("\x1f")
    return f"{kind}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def kept(login: str) -> dict[str, dict[str, str]]:
    """Every layout the person has a mapping kept for: layout → (normalised header → field,
    "" left out)."""
    table = settings.load(login).get(settings.IMPORT_LAYOUTS)
    if not isinstance(table, dict):
        return {}
    return {str(layout): {str(k): str(v) for k, v in mapping.items() if isinstance(v, str)}
            for layout, mapping in table.items() if isinstance(mapping, dict)}


def saved(login: str, layout: str) -> dict[str, str]:
    """The mapping kept for ``layout``, or {}."""
    return kept(login).get(layout, {})


def keep(login: str, layout: str, mapping: dict[str, str]) -> None:
    """Keep ``mapping`` for ``layout`` (the newest last; at most MAX_LAYOUTS)."""
    table = settings.load(login).get(settings.IMPORT_LAYOUTS)
    table = dict(table) if isinstance(table, dict) else {}
    if table.get(layout) == mapping:
        return
    table.pop(layout, None)
    table[layout] = mapping
    while len(table) > MAX_LAYOUTS:
        table.pop(next(iter(table)))
    settings.save(login, {settings.IMPORT_LAYOUTS: table})
