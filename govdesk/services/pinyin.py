"""Pinyin keys for pickers: typing `zsq` or `zhang` finds 张三强, as users expect.

pypinyin's tables are about half of what the desk's imports cost in memory; they are loaded
when a picker first asks, not at start-up."""

from __future__ import annotations


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), both lowercase."""
    from pypinyin import Style, lazy_pinyin

    full = lazy_pinyin(text, errors="ignore")
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(full).lower(), "".join(initials).lower()


def matches(query: str, text: str, full: str, initials: str) -> bool:
    q = query.strip().lower()
    if not q:
        return True
    return q in text.lower() or q in full or q in initials
