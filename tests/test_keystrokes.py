"""The keys govdesk.tools.keystrokes counts for a 秘书科 clerk, pressed on the desk: each
sequence registers a complete 收文 (or 受理s it) in the database, so the counts it prints stay
true. When a change to the form or the register changes them, change NOW's sequences there and
the counts here, and say so (docs: ``python -m govdesk.tools.keystrokes --before TREE``)."""

from __future__ import annotations

import pytest

from govdesk.models import IncomingDocument, Task
from govdesk.models import incoming as states
from govdesk.tools import keystrokes
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("config_file")

# Keys per task as the desk is now (a typed character counts one; see the tool's docstring).
COUNTS = {"register": 52, "accept": 3, "register_typed": 54}


def test_the_counts_are_the_sequences():
    assert {task: len(keys) for task, keys in keystrokes.NOW.items()} == COUNTS
    assert keystrokes.NOW_AT == NOW  # the tool pins the tests' clock


async def test_register_with_the_unit_picked_then_accept(db):
    number = await keystrokes.drive(keystrokes.desk(), keystrokes.NOW)
    doc = IncomingDocument.get()
    assert doc.number == number == "收〔2026〕1号"
    assert doc.from_unit.code == "jyj" and doc.from_name == "黄岩区教育局"
    assert (doc.doc_number, doc.title) == ("黄教〔2026〕12号", "关于开展冬季校园安全检查的通知")
    assert (doc.secrecy, doc.urgency, doc.copy_no, doc.pages) == (1, "加急", "0003", 4)
    assert doc.received_on == NOW.date() and doc.doc_kind == "通知"
    assert doc.state == states.SIGNING  # 受理: on to the 主任's 签批
    intake = Task.get(Task.step == "初审")
    assert intake.state == "done" and intake.opinion == "受理"  # the decision chosen
    signing = Task.get(Task.step == "签批")
    assert signing.state == "waiting" and signing.holder.login == "linzh"  # the 主任


async def test_register_with_the_unit_typed(db):
    await keystrokes.drive_typed(keystrokes.desk(), keystrokes.NOW)
    doc = IncomingDocument.get()
    assert doc.from_unit is None and doc.from_name == "浙江省教育厅"
    assert (doc.doc_number, doc.title) == ("黄教〔2026〕12号", "关于开展冬季校园安全检查的通知")
    assert (doc.secrecy, doc.urgency, doc.copy_no, doc.pages) == (1, "加急", "0003", 4)
    assert doc.state == states.REGISTERED


def test_the_sequences_before_differ_only_where_the_form_did():
    """Before: a Tab more past the 来文单位's 选择… button when the unit is typed; 页数 takes
    the one key 4 both times (before, entering it selected its "1"; now the 1 is a
    placeholder)."""
    before, now = keystrokes.BEFORE, keystrokes.NOW
    assert before["accept"] == now["accept"]
    assert before["register"] == now["register"]
    assert "backspace" not in now["register"] + now["register_typed"]
    assert len(before["register_typed"]) == len(now["register_typed"]) + 1
