"""Regenerate the zh-Hant catalog from zh-Hans with OpenCC (s2tw), keeping reviewed entries.

Run: ``python -m govdesk.i18n.make_hant``. An entry already in zh-Hant is kept as reviewed;
new keys are converted, so a new string never goes missing in Traditional.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from opencc import OpenCC

HERE = Path(__file__).parent

# Where OpenCC's Taiwan table differs from the office's own Traditional usage (the seed's).
OFFICE_USAGE = {"籤批": "簽批", "籤發": "簽發", "會籤": "會簽", "籤收": "簽收", "閱籤": "閱簽",
                "審籤": "審簽", "籤字": "簽字", "籤到": "簽到", "籤署": "簽署",
                "隻有": "只有"}


def to_office_hant(cc: OpenCC, text: str) -> str:
    text = cc.convert(text)
    for wrong, right in OFFICE_USAGE.items():
        text = text.replace(wrong, right)
    return text


@cache
def _s2tw() -> OpenCC:
    return OpenCC("s2tw")


def office_hant(text: str) -> str:
    """``text`` in the office's Traditional (the names the desk shows, govdesk.i18n.term)."""
    return to_office_hant(_s2tw(), text)


def convert_table(src: dict, old: dict, cc: OpenCC) -> dict:
    out: dict = {}
    for key, value in src.items():
        if isinstance(value, dict):
            out[key] = convert_table(value, old.get(key, {}) if isinstance(old, dict) else {}, cc)
        elif isinstance(old, dict) and key in old and not isinstance(old[key], dict):
            out[key] = old[key]
        else:
            out[key] = to_office_hant(cc, value)
    return out


def main() -> None:
    import tomli_w

    cc = OpenCC("s2tw")
    for path in sorted((HERE / "zh-Hans").glob("*.toml")):
        target = HERE / "zh-Hant" / path.name
        with open(path, "rb") as fh:
            src = tomllib.load(fh)
        old = {}
        if target.exists():
            with open(target, "rb") as fh:
                old = tomllib.load(fh)
        with open(target, "wb") as fh:
            tomli_w.dump(convert_table(src, old, cc), fh)
        print(target)


if __name__ == "__main__":
    main()
