"""Typing ahead in a real terminal (issue 11, item 2): the desk runs in a tmux pane, a pty
like an SSH session's; ``tmux send-keys`` hands a whole burst to the pty in one write, as a
slow link or a paste does, and ``paste-buffer -p`` pastes as a terminal does (bracketed).
What lands where is read back from the database once the form is saved.

Needs tmux; skipped without it. Waits are on what the pane shows, never on a fixed time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govdesk.models import IncomingDocument, open_database

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Pane:
    def __init__(self, tmp: Path):
        self.sock = tmp / "tmux.sock"
        self.tmp = tmp

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-S", str(self.sock), *args], capture_output=True,
                              text=True, check=check, timeout=20)

    def start(self, command: str) -> None:
        conf = self.tmp / "tmux.conf"
        conf.write_text("set -g remain-on-exit on\nset -g default-terminal xterm-256color\n")
        self.tmux("-f", str(conf), "new-session", "-d", "-s", "desk", "-x", "120", "-y", "40",
                  command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "desk").stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "desk", *(["-l"] if literal else []), *keys)

    def paste(self, text: str) -> None:
        clip = self.tmp / "clip.txt"
        clip.write_text(text, encoding="utf-8")
        self.tmux("load-buffer", "-b", "clip", str(clip))
        self.tmux("paste-buffer", "-p", "-b", "clip", "-t", "desk")

    def wait_for(self, pattern: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if re.search(pattern, text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"the pane never showed {pattern!r}:\n{text}")

    def stop(self) -> None:
        self.tmux("kill-server", check=False)


@pytest.fixture
def pane(tmp_path):
    p = Pane(tmp_path)
    yield p
    p.stop()


def test_a_burst_and_a_paste_over_a_pty_land_where_typed(demo_path, tmp_path, pane):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_STATE_HOME": str(home / ".state"), "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", "")}
    exports = " ".join(f"{k}='{v}'" for k, v in env.items())
    pane.start(f"env -i {exports} {sys.executable} -m govdesk --db '{demo_path}' --as lixm")
    pane.wait_for("收文")
    # One write to the pty: the key that opens the form and the whole line typed after it.
    pane.keys("1", "n", "甲单位", "Tab", "乙字号", "Tab")
    pane.wait_for("来文单位")
    pane.paste("\x1b[31m关于\t做好\x0b冬季\u200b安全\x1b[0m的通知")
    pane.keys("C-s")
    pane.wait_for("已登记：")
    pane.keys("C-q")

    open_database(str(demo_path))
    doc = IncomingDocument.select().order_by(IncomingDocument.id.desc()).get()
    assert (doc.from_name, doc.doc_number, doc.title) == ("甲单位", "乙字号",
                                                          "关于 做好 冬季安全的通知")
