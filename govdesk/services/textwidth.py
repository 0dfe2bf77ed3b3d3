"""Display width of Chinese text in a terminal: wide and full-width characters take two cells."""

from __future__ import annotations

import unicodedata


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))
