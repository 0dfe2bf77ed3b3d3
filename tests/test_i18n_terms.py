"""The office's fixed vocabulary (steps, states, 紧急程度, 密级, 文种, 发文机关, 差错 categories …)
is stored and compared as Simplified data and shown through ``i18n.term`` in the user's
language (catalog govdesk/i18n/*/terms.toml, keyed by the stored value).

Every value the services and models can store must have an entry in both languages: the step
names are read from the services' source (every ``hand_out``/``record_done``/``Step`` and every
comparison of a ``.step``), so a new step without its Traditional fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from opencc import OpenCC

from govdesk.i18n import catalog, set_language, term
from govdesk.i18n.make_hant import to_office_hant
from govdesk.models import SECRECY_LEVELS
from govdesk.models import incoming as incoming_states
from govdesk.models import leave as leave_states
from govdesk.models import outgoing as outgoing_states
from govdesk.models import suggestion as suggestion_states
from govdesk.services import (  # noqa: F401 (registers 发文, 请假 …)
    incoming,
    leave,
    outgoing,
    special_report,
    suggestion,
    workflows,  # every workflow, whichever tests ran before in this process
)
from govdesk.services.engine import core as engine
from govdesk.services.outgoing import rules as outgoing_rules
from govdesk.services.rules import rule

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# Where steps are named: the services that hand work out, and the screens that map a step to
# the keys it allows.
STEP_SOURCES = ["services/incoming/workflow.py", "services/outgoing/workflow.py",
                "services/outgoing/rules.py", "screens/incoming/detail.py",
                "screens/outgoing/detail.py", "services/leave/workflow.py",
                "screens/leave/detail.py", "services/suggestion/workflow.py",
                "services/special_report/workflow.py"]


def _strings(node: ast.AST) -> list[str]:
    """The Chinese string constants of an expression (a literal, a tuple/list of them)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if CJK.search(node.value) else []
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for element in node.elts for s in _strings(element)]
    return []


def _is_step(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "step"


def steps_in(source: str) -> set[str]:
    """Step names in one module: the step argument of hand_out(actor, flow, STEP, …),
    record_done(actor, flow, STEP, …), Step(STEP, …), Reader(ACTION, …), Hand(step=…), and
    the strings a ``….step`` is compared with (==, !=, in, .in_([...])) or STEP_ACTIONS keys."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("hand_out", "record_done") and len(node.args) > 2:
                found.update(_strings(node.args[2]))
            elif name in ("Step", "Reader") and node.args:
                found.update(_strings(node.args[0]))
            elif name == "in_" and _is_step(node.func.value):  # Task.step.in_([...])
                found.update(s for arg in node.args for s in _strings(arg))
            found.update(s for kw in node.keywords if kw.arg == "step"
                         for s in _strings(kw.value))
        elif isinstance(node, ast.Compare) and _is_step(node.left):
            found.update(s for comparator in node.comparators for s in _strings(comparator))
        elif isinstance(node, ast.Assign) and any(
                getattr(target, "id", "") == "STEP_ACTIONS" for target in node.targets):
            found.update(s for key in node.value.keys if key is not None for s in _strings(key))
    return found


def spec_vocabulary() -> set[str]:
    """Every step and record state the workflow specs (data/workflows/*.toml) name."""
    out: set[str] = set()
    assert {path.stem for path in (ROOT / "data" / "workflows").glob("*.toml")} <= set(
        engine.kinds()), "every workflow file belongs to a registered workflow"
    for kind in engine.kinds():
        spec = engine.workflow(kind).spec
        out |= set(spec.steps)
        out |= {a.state for s in spec.steps.values() for a in s.actions.values() if a.state}
    return out


def stored_steps() -> set[str]:
    out: set[str] = set()
    for module in STEP_SOURCES:
        if not (ROOT / "govdesk" / module).exists():
            continue
        out |= steps_in((ROOT / "govdesk" / module).read_text(encoding="utf-8"))
    return out | spec_vocabulary()


def stored_states() -> set[str]:
    """The 收文, 发文 and 请假 states: every Chinese module-level constant of their models."""
    return {value for module in (incoming_states, outgoing_states, leave_states,
                                        suggestion_states)
            for name, value in vars(module).items()
            if name.isupper() and isinstance(value, str) and CJK.search(value)}


def stored_vocabulary() -> set[str]:
    return (stored_steps() | stored_states() | set(incoming.DOC_KINDS) | set(incoming.URGENCIES)
            | set(SECRECY_LEVELS) | set(outgoing_rules.ISSUERS) | set(incoming.ADDRESSEES)
            | set(outgoing_rules.ERROR_CATEGORIES) | set(incoming.INTAKE_DECISIONS)
            | set(incoming.READER_ACTIONS) | set(incoming.EXCEPTIONS)
            | set(rule("incoming", "retention")))


# ---------------------------------------------------------------------------- term()


def test_term_is_the_identity_in_simplified():
    assert term("归档") == "归档"
    assert term("已归档") == "已归档"
    assert term("区长签发") == "区长签发"


def test_term_in_traditional(hant):
    assert term("归档") == "歸檔"
    assert term("签批") == "簽批"  # the office's 簽, never OpenCC's 籤
    assert term("阅签") == "閱簽"
    assert term("区长签发") == "區長簽發"
    assert term("已归档") == "已歸檔"
    assert term("待签批") == "待簽批"
    assert term("绝密") == "絕密"
    assert term("文种格式差错") == "文種格式差錯"


def test_what_is_not_vocabulary_comes_back_unchanged(hant):
    for text in ("收〔2026〕1号", "关于新建城东小学用地调整的请示", "李晓梅", "同意，请抓紧办理。",
                 "", "归档 J001-WS·2026-Y-0001"):
        assert term(text) == text


def test_term_follows_the_language_of_the_moment():
    set_language("zh-Hant")
    try:
        assert term("传阅中") == "傳閱中"
    finally:
        set_language("zh-Hans")
    assert term("传阅中") == "传阅中"


# ---------------------------------------------------------------------------- the catalog


def test_the_collector_finds_the_steps_it_should():
    """Proves the source walk sees steps at all, so the check below means something."""
    steps = stored_steps()
    assert {"登记", "初审", "签批", "阅签", "阅办", "传阅", "阅知", "分送", "归档",
            "告知来文单位"} <= steps  # 收文
    assert {"起草", "修改", "秘书科核稿", "区长签发", "主任签发", "区委领导签发", "重新签发",
            "复核登记", "编号", "印制", "第一读者", "分发"} <= steps  # 发文
    assert steps_in('flow.hand_out(a, f, "新环节", [])') == {"新环节"}
    assert steps_in('if task.step in ("甲", "乙"): pass') == {"甲", "乙"}
    assert {"已登记", "已归档", "已转办", "起草中", "已分发"} <= stored_states()


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_every_stored_value_has_an_entry(language):
    entries = {k.removeprefix("terms."): v for k, v in catalog(language).items()
               if k.startswith("terms.")}
    missing = sorted(stored_vocabulary() - set(entries))
    assert missing == [], "add them to govdesk/i18n/zh-Hans/terms.toml, then run make_hant"


def test_simplified_entries_are_the_identity():
    entries = {k.removeprefix("terms."): v for k, v in catalog("zh-Hans").items()
               if k.startswith("terms.")}
    assert {k: v for k, v in entries.items() if k != v} == {}


def test_traditional_entries_are_traditional_and_written_as_the_office_does():
    cc = OpenCC("s2tw")
    entries = {k.removeprefix("terms."): v for k, v in catalog("zh-Hant").items()
               if k.startswith("terms.")}
    assert not [v for v in entries.values() if "籤" in v]
    # Nothing Simplified left (a reviewed entry may differ from OpenCC's, but converting it
    # again changes nothing).
    assert {k: v for k, v in entries.items() if to_office_hant(cc, v) != v} == {}
