"""Deadline badges: a text label and a colour, never colour alone (SPEC §2)."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from govdesk.i18n import t, term

STYLES = {"已超期": "bold red", "今日到期": "bold yellow", "即将到期": "cyan"}
LABEL_KEYS = {"已超期": "common.overdue", "今日到期": "common.due_today", "即将到期": "common.due_soon"}


def deadline(label: str, due: date | None) -> Text:
    if due is None:
        return Text(t("common.no_deadline"), style="dim")
    text = Text(f"{due:%m-%d}")
    if label:
        text = Text.assemble((f"[{t(LABEL_KEYS[label])}]", STYLES[label]), " ", text)
    return text


def urgency(value: str) -> Text:
    style = {"特急": "bold red", "加急": "yellow"}.get(value, "")
    return Text(term(value), style=style)
