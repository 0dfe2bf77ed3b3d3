"""Keys a 秘书科 clerk presses to register a complete 收文 and to 受理 it, counted by driving the
desk with Textual's Pilot as the clerk would, one key at a time, each registration on a fresh
database of the organisation (nothing else in it), and checked in the database afterwards.

    python -m govdesk.tools.keystrokes                      this tree's keys, pressed and checked
    python -m govdesk.tools.keystrokes --before TREE        beside an older checkout's

``--before TREE`` runs this same file again with ``PYTHONPATH=TREE`` (another checkout of
govdesk, e.g. ``git worktree add /tmp/before <commit>``) pressing the ``BEFORE`` sequences, and
prints the table: task, keys before, keys now, then every sequence. ``--trace`` says after each
key which screen shows and which widget has the cursor.

Counting: every key pressed is one, whatever it is (a letter, Tab, Enter, an arrow, Ctrl+S).
Chinese text counts its characters, one key each, as if each character came out of the input
method in one stroke (the input method's own keys — pinyin, choosing the candidate — are not
counted: they are the same whichever program receives the text). A 来文单位 picked from the
unit directory is found by its pinyin initials, typed as letters, each counted.

The registration fills what a real 收文登记 fills: 来文单位 (picked from the directory with
Ctrl+G, so the record names the unit; or typed as the document gives it), 来文字号, 标题, 密级
秘密 (its 保密期限 left at the rule's default), 紧急程度 加急, 份数序号 and 页数; 收文日期 is
today as the form offers it and is left alone; 文种 通知 is the form's default. 受理 opens the
new entry from the 秘书科 收文 register (the cursor is on it after the save), chooses 受理 for
初审 (the decision offered) and submits. Every key waits until the desk has settled (screens
mounted, their loads and saves done), as a clerk looks before pressing on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

NOW_AT = datetime(2026, 11, 26, 9, 30)  # a Thursday, a working day
CLERK = "lixm"

# What the registration enters, and what the record must then hold.
FROM_UNIT = "jyj"  # 黄岩区教育局, picked from the directory by its initials
FROM_PINYIN = "jyj"
TYPED_UNIT = "浙江省教育厅"  # typed as it stands on the document (not in the directory)
DOC_NUMBER = "黄教〔2026〕12号"
TITLE = "关于开展冬季校园安全检查的通知"
COPY_NO = "0003"
PAGES = "4"
SECRECY = 1  # 秘密
URGENCY = "加急"


def typed(text: str) -> list[str]:
    """The keys that type ``text``: one per character."""
    return list(text)


def after_unit(pages: list[str]) -> list[str]:
    """From 来文字号 (the cursor there) to the save; ``pages``: the keys that make 页数 4."""
    return [
        *typed(DOC_NUMBER), "tab",                 # 来文字号 → 标题
        *typed(TITLE), "tab", "tab",               # 标题 → 文种 (通知, as offered) → 密级
        "enter", "down", "enter", "tab", "tab",    # 密级 秘密 → 保密期限 (as offered) → 紧急程度
        "enter", "up", "enter", "tab",             # 紧急程度 加急 → 份数序号
        *typed(COPY_NO), "tab",                    # 份数序号 → 页数
        *pages,                                    # 页数 1 → 4; 收文日期 stays today
        "ctrl+s",                                  # 保存
    ]


OPEN_FORM = ["1", "n"]                             # 秘书科, 新登记收文
PICK_UNIT = ["ctrl+g", *typed(FROM_PINYIN), "enter"]  # the directory; the cursor → 来文字号
ACCEPT = [
    "enter",       # the 收文 register has the cursor after the save: its newest entry opens
    "i",           # 初审: the decision offered is 受理
    "ctrl+s",      # submit
]

# Now: Tab goes field to field (the 选择… buttons are out of the Tab order), and 页数 shows its
# 1 as a placeholder (empty is 1), so the 4 typed is the 4 kept.
NOW = {
    "register": [*OPEN_FORM, *PICK_UNIT, *after_unit(typed(PAGES))],
    "register_typed": [*OPEN_FORM, *typed(TYPED_UNIT), "tab", *after_unit(typed(PAGES))],
    "accept": ACCEPT,
}
# Before (govdesk at 8775954, the parent of "Form drafts"): Tab stopped on the 来文单位's
# 选择… button, and entering a field selected its text, so the 4 replaced the 1.
BEFORE = {
    "register": [*OPEN_FORM, *PICK_UNIT, *after_unit(typed(PAGES))],
    "register_typed": [*OPEN_FORM, *typed(TYPED_UNIT), "tab", "tab",
                       *after_unit(typed(PAGES))],
    "accept": ACCEPT,
}
SEQUENCES = {"now": NOW, "before": BEFORE}
TASKS = (
    ("register", "登记收文，来文单位从名录选 (Ctrl+G)"),
    ("accept", "受理 (初审)"),
    ("register_typed", "登记收文，来文单位直接输入"),
)


class Mismatch(AssertionError):
    """The keys did not leave the record the registration or 受理 should have."""


async def settle(pilot) -> None:
    """Until the desk has taken the key: keys it holds handed on, no load or save running (the
    change poll aside), the screen caught up with what they delivered."""
    app = pilot.app
    for _ in range(500):
        await pilot.pause()
        if getattr(app, "keys_waiting", False):
            continue
        busy = [w for w in app.workers if w.is_running and w.group != "poll"]
        if not busy:
            await pilot.pause()
            return
        await asyncio.wait_for(
            asyncio.gather(*(w.wait() for w in busy), return_exceptions=True), 30)
    raise RuntimeError("the desk never settled")


async def press_key(pilot, key: str) -> None:
    """One key, as the terminal delivers it. Pilot names a character by its Unicode name and
    loses the ones it cannot name back (〔 〕 arrive as nothing); those go to the driver as a
    terminal sends them: the key's name with the character."""
    if len(key) == 1 and not key.isalnum():
        from textual import events
        from textual.keys import _character_to_key

        event = events.Key(_character_to_key(key), key)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
        return
    await pilot.press(key)


async def press(pilot, keys: list[str], trace=None) -> None:
    """Each key in turn, waiting for the desk to settle after it."""
    for key in keys:
        await press_key(pilot, key)
        await settle(pilot)
        if trace:
            app = pilot.app
            focused = app.focused
            trace(f"{key!r:12} {type(app.screen).__name__:24} "
                  f"{type(focused).__name__}#{getattr(focused, 'id', None)}")


def check_registered(from_unit: str | None, from_name: str | None = None):
    """The one 收文 the keys registered, holding every field they entered: the unit picked
    (``from_unit``, its code) or the name typed (``from_name``, and no unit)."""
    from govdesk.models import IncomingDocument
    from govdesk.models import incoming as states

    docs = list(IncomingDocument.select())
    if len(docs) != 1:
        raise Mismatch(f"{len(docs)} 收文 registered, not 1")
    doc = docs[0]
    got = {"from_unit": doc.from_unit.code if doc.from_unit_id else None,
           "doc_number": doc.doc_number, "title": doc.title, "secrecy": doc.secrecy,
           "urgency": doc.urgency, "copy_no": doc.copy_no, "pages": doc.pages,
           "received_on": doc.received_on, "doc_kind": doc.doc_kind, "state": doc.state}
    want = {"from_unit": from_unit, "doc_number": DOC_NUMBER, "title": TITLE,
            "secrecy": SECRECY, "urgency": URGENCY, "copy_no": COPY_NO, "pages": int(PAGES),
            "received_on": NOW_AT.date(), "doc_kind": "通知", "state": states.REGISTERED}
    if from_name is not None:
        got["from_name"], want["from_name"] = doc.from_name, from_name
    if got != want:
        raise Mismatch(f"registered {got}, wanted {want}")
    return doc


def check_accepted(doc_id: int) -> None:
    """受理 done: the entry waits for the 主任's 签批, and its 初审 is done."""
    from govdesk.models import IncomingDocument, Task
    from govdesk.models import incoming as states

    doc = IncomingDocument.get_by_id(doc_id)
    if doc.state != states.SIGNING:
        raise Mismatch(f"after 受理 the entry is {doc.state}, not {states.SIGNING}")
    intake = [task for task in Task.select() if task.step == "初审"]
    if len(intake) != 1 or intake[0].state != "done":
        raise Mismatch(f"初审 tasks: {[(task.step, task.state) for task in intake]}")


async def drive(app, keys: dict[str, list[str]], trace=None) -> str:
    """On ``app`` (a GovDesk on an open database with no 收文, showing Home): register with
    ``keys["register"]`` and 受理 with ``keys["accept"]``, checking the database after each;
    the entry's 收文编号."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, keys["register"], trace)
        doc = check_registered(FROM_UNIT)
        await press(pilot, keys["accept"], trace)
        check_accepted(doc.id)
    return doc.number


async def drive_typed(app, keys: dict[str, list[str]], trace=None) -> str:
    """As ``drive``, the registration with the 来文单位 typed (``keys["register_typed"]``)."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, keys["register_typed"], trace)
        return check_registered(None, TYPED_UNIT).number


def fresh_database(path: Path) -> None:
    """The organisation and nothing else, opened (a demo database: nothing real in it)."""
    from govdesk.models import database, open_database
    from govdesk.services import org
    from govdesk.services.schema import ensure_schema, set_meta

    open_database(path)
    ensure_schema()
    with database.atomic():
        org.load_organisation()
        set_meta("demo", "1")


def desk():
    """The clerk's desk: the clock pinned, no change poll, no personal settings."""
    from govdesk.app import GovDesk
    from govdesk.services import org

    return GovDesk(person=org.person_by_login(CLERK), poll=False, now=NOW_AT, settings={})


def run(version: str, trace=None) -> dict[str, list[str]]:
    """Press ``version``'s keys, each registration on a fresh database in a scratch directory
    of its own, and check what they left; the sequences, as pressed."""
    from govdesk.models import close_database

    keys = SEQUENCES[version]
    with tempfile.TemporaryDirectory(prefix="govdesk-keys-") as scratch:
        os.environ["GOVDESK_CONFIG"] = str(Path(scratch) / "config.toml")  # not the user's
        for name, script in (("picked", drive), ("typed", drive_typed)):
            fresh_database(Path(scratch) / f"{name}.db")
            try:
                asyncio.run(script(desk(), keys, trace))
            finally:
                close_database()
    return keys


def shown(keys: list[str]) -> str:
    """A key sequence written compactly: typed characters run together, named keys apart."""
    out: list[str] = []
    text = ""
    for key in keys:
        if len(key) == 1:
            if text and text.isascii() and not key.isascii():  # keys, then words: "1n 浙江…"
                out.append(text)
                text = ""
            text += key
            continue
        if text:
            out.append(text)
            text = ""
        out.append(f"<{key}>")
    if text:
        out.append(text)
    return " ".join(out)


def table(before: dict[str, list[str]], now: dict[str, list[str]]) -> str:
    """Markdown: task, keys before, keys now; then every sequence."""
    lines = ["| task | keys before | keys now |", "| --- | ---: | ---: |"]
    for task, name in TASKS:
        lines.append(f"| {name} | {len(before[task])} | {len(now[task])} |")
    lines.append("")
    for label, keys in (("before", before), ("now", now)):
        for task, name in TASKS:
            lines.append(f"- {label}, {name} ({len(keys[task])}): `{shown(keys[task])}`")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govdesk.tools.keystrokes",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", choices=sorted(SEQUENCES), default="now",
                        help="whose key sequences to press (default: now, this tree's)")
    parser.add_argument("--before", metavar="TREE",
                        help="also press the before sequences on the govdesk checkout TREE")
    parser.add_argument("--json", action="store_true", help="print the sequences as JSON")
    parser.add_argument("--trace", action="store_true",
                        help="after each key, the screen and the focused widget (stderr)")
    args = parser.parse_args(argv)
    trace = (lambda line: print(line, file=sys.stderr)) if args.trace else None

    try:
        if args.before:
            env = {**os.environ, "PYTHONPATH": str(Path(args.before).resolve())}
            answer = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--version", "before",
                 "--json", *(["--trace"] if args.trace else [])],
                env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
            print(answer.stderr, file=sys.stderr, end="")
            if answer.returncode != 0:
                return 1
            print(table(json.loads(answer.stdout), run("now", trace)))
            return 0
        keys = run(args.version, trace)
    except Mismatch as exc:
        print(f"keystrokes: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(keys, ensure_ascii=False))
    else:
        for task, name in TASKS:
            print(f"{name}: {len(keys[task])} keys: {shown(keys[task])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
