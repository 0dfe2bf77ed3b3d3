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
