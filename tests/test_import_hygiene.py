"""models/ and services/ never import the UI (STYLE.md rule 1), proved in a clean interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPER = Path(__file__).parent / "helpers" / "import_check.py"


def test_services_and_models_do_not_import_textual():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, str(HELPER)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    imported = set(result["imported"])
    # Every module file is covered, so a new one cannot slip past.
    for package in ("services", "models"):
        for path in (ROOT / "govdesk" / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if path.stem == "__init__" else parts)
            assert name in imported, path
    assert not [m for m in result["ui"] if m == "textual" or m.startswith("textual.")]


def test_the_check_would_notice_textual():
    # The same check, in a process that does import the UI, must see textual.
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    code = (
        "import json, runpy, sys; import textual\n"
        f"runpy.run_path({str(HELPER)!r})\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "textual" in json.loads(proc.stdout)["ui"]


def _run(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)


def test_starting_the_app_imports_no_pinyin_converter_nor_record_screen():
    # What start-up does not need: pinyin and OpenCC (the picker and the Traditional check
    # load them), the record screens (opened on demand).
    lazy = ["pypinyin", "opencc", "govdesk.screens.flow_detail",
            "govdesk.screens.incoming.detail", "govdesk.screens.outgoing.detail",
            "govdesk.screens.leave.detail", "govdesk.screens.incoming.form"]
    proc = _run("import json, sys; import govdesk.app\n"
                f"print(json.dumps([m for m in {lazy!r} if m in sys.modules]))")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_a_record_screen_is_imported_when_its_kind_is_first_opened():
    proc = _run("import sys; from govdesk.screens import registry\n"
                "assert 'govdesk.screens.incoming.detail' not in sys.modules\n"
                "assert registry.opener_of('incoming') is not None\n"
                "assert 'govdesk.screens.incoming.detail' in sys.modules\n"
                "assert registry.opener_of('nothing') is None\n")
    assert proc.returncode == 0, proc.stderr
