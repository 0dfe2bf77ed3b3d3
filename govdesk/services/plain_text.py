"""What a field may hold: text as a person reads it, without the invisible rest.

Text pasted from Word, a web page or a terminal brings characters nobody sees: tabs, Word's
manual line break (``\\x0b``), colour codes (``\\x1b[31m``), zero-width spaces, bidi
controls. Stored, they garble the registers, Home and ``govdesk today`` (a bidi control
reverses the line it is in; an escape sequence recolours the terminal).

``clean`` is what a form does to a paste: line breaks and tabs become spaces (a multi-line
field keeps its line breaks, as ``\\n``), escape sequences go whole, the other control,
zero-width and bidi characters go, and everything else stays in its order. ``unwanted`` is
what the services refuse (validate.text): any of those characters, except ``\\n`` in a
multi-line field. Pure Python: the widgets and the services both use it.
"""

from __future__ import annotations

import re
import unicodedata

# Line breaks as str.splitlines() knows them (\r\n first: one break, not two).
_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# ESC sequences, whole: CSI (ESC [ or the 8-bit CSI \x9b, parameters, intermediates, final),
# OSC/DCS/SOS/PM/APC strings up to BEL or ST, and two- or three-character escapes (ESC,
# intermediates, final). An unended string loses only its ESC and introducer, not the text
# after it; a lone ESC goes too.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])(?:[^\x07\x1b\x9c]|\x1b(?!\\))*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xa0)]
    + list(ZERO_WIDTH) + list(BIDI) + ["\u2028", "\u2029"]
)


def _pictograph(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f"


def _allowed(text: str, i: int, multiline: bool) -> bool:
    ch = text[i]
    if ch not in _INVISIBLE:
        return True
    if ch == "\n":
        return multiline
    # The zero-width joiner inside an emoji sequence (👨\u200d👩\u200d👧) is part of the
    # picture, not an invisible character between words.
    return (ch == "\u200d" and 0 < i < len(text) - 1 and _pictograph(text[i - 1])
            and _pictograph(text[i + 1]))


def drop_escapes(text: str) -> str:
    """``text`` without its ESC sequences, each taken out whole."""
    return _ESCAPES.sub("", text)


def clean(text: str, *, multiline: bool = False) -> str:
    """``text`` as a field takes it from a paste (see the module's docstring)."""
    text = drop_escapes(text)
    text = _BREAKS.sub("\n" if multiline else " ", text)
    text = text.replace("\t", " ")
    return "".join(ch for i, ch in enumerate(text) if _allowed(text, i, multiline))


def unwanted(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` a field must not hold, or None."""
    for i, ch in enumerate(text):
        if not _allowed(text, i, multiline):
            return ch
    return None
