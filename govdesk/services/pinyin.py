"""Pinyin keys for pickers: typing `zsq` or `zhang` finds 张三强, as users expect.

A query and a name are compared as the one search compares text (fulltext.normalise: NFKC,
lower case, Traditional to Simplified character by character, letters and digits only), so
財政局, 郭建偉 and 秘書 typed in 繁體 find 区财政局, 郭建伟 and 秘书科, and `zhang san` finds
张三强 as `zhangsan` does.

pypinyin's tables are about half of what the desk's imports cost in memory; they are loaded
when a picker first asks, not at start-up."""

from __future__ import annotations

from functools import lru_cache

from govdesk.services.fulltext import normalise


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), both lowercase."""
    from pypinyin import Style, lazy_pinyin

    full = lazy_pinyin(text, errors="ignore")
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(full).lower(), "".join(initials).lower()


# Names are the same few thousand on every keystroke: each normalised once.
_normalised = lru_cache(maxsize=16384)(normalise)


def matches(query: str, text: str, full: str, initials: str) -> bool:
    """Whether ``query`` is in ``text`` (both normalised), its full pinyin or its initials."""
    q = _normalised(query)
    if not q:
        return True
    return q in _normalised(text) or q in full or q in initials
