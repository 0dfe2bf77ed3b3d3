"""Simplified/Traditional variants of a search text, so a record is found whichever script it
was typed in (SPEC §0)."""

from __future__ import annotations

from functools import cache


@cache
def _converter(config: str):
    from opencc import OpenCC

    return OpenCC(config)


def variants(text: str) -> list[str]:
    """The text as typed, in Simplified and in Traditional (duplicates removed, order kept)."""
    out = [text]
    for config in ("t2s", "s2t", "s2tw"):
        converted = _converter(config).convert(text)
        if converted not in out:
            out.append(converted)
    return out


def matching(text: str, fields: list, *, secret_fields: list = (), secrecy=None,
             clearance: int = 0):
    """WHERE clause: some field contains ``text`` in either script. ``secret_fields`` (titles)
    match only on rows within the viewer's clearance, so a search never reveals a secret title."""
    clause = None
    for variant in variants(text):
        like = f"%{variant}%"
        for field in fields:
            cond = field ** like
            clause = cond if clause is None else (clause | cond)
        for field in secret_fields:
            cond = (field ** like) & (secrecy <= clearance)
            clause = cond if clause is None else (clause | cond)
    return clause
