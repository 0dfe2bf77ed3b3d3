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
