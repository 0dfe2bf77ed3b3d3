"""Words in what people wrote: the intake checks' hints from a title or 摘要 (SPEC §3 (e)).

The office's word lists (data/rules.toml) are kept in Simplified; a title typed in Traditional
(the seed rules are written in it) is compared in Simplified too, through OpenCC.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache


@cache
def _to_simplified():
    from opencc import OpenCC  # loaded when a check first needs it, not at start-up

    return OpenCC("t2s")


def first_word(text: str, words: Iterable[str]) -> str:
    """The first of ``words`` found in ``text`` (as written, or in Simplified), else ""."""
    simplified = _to_simplified().convert(text) if text else ""
    for word in words:
        if word in text or word in simplified:
            return word
    return ""
