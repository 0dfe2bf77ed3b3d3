"""Text from outside (a path, a login, an argument, a record) made safe to put on a terminal.

A terminal obeys what it is sent: ESC starts a control sequence that can recolour, move the
cursor, retitle the window or rewrite what is already on screen; a carriage return overwrites
the line; bidi overrides (U+202E …) show ``gpj.exe`` as ``exe.jpg``. ``visible`` writes every such
character as a short escape (``\\x1b``, ``\\u009b``, ``\\u202e``) so that the user sees it and the terminal
does not act on it. Line breaks and tabs stay: they are the layout of what is printed.

Bytes that were not UTF-8 reach Python as lone surrogates (``surrogateescape``); a stream
refuses to encode them. They are shown as the byte they stood for (``\\xff``).
"""

from __future__ import annotations

import re

# C0 controls (except \n and \t), DEL, C1 controls, bidi marks/embeddings/overrides/isolates,
# line and paragraph separators, and lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x20:
        return f"\\x{code:02x}"
    # DEL, C1 and the rest as \u escapes: a JSON line printed (audit export) stays valid JSON,
    # json.dumps having written C0 as \u00XX already.
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every character a terminal would act on written out as an escape."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)


def has_undecodable(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate: bytes that were not UTF-8 (surrogateescape)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)
