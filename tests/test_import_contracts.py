"""The layers are checked statically too (import-linter, pyproject.toml [tool.importlinter]):
services and models never import Textual, screens and widgets never import govdesk.models,
arrows point down. ./dev test runs lint-imports; these tests prove it passes on the project and
fails on a copy that breaks a contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed "
                                "(pip install -e '.[test]')")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_project_keeps_its_contracts():
    proc = _lint(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_a_screen_importing_models_or_a_service_importing_textual_fails(tmp_path):
    shutil.copytree(ROOT / "govdesk", tmp_path / "govdesk",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "govdesk" / "screens" / "sneaky.py").write_text(
        "from govdesk.models import Person\n")
    (tmp_path / "govdesk" / "services" / "sneaky.py").write_text(
        "from textual.widgets import Label\n")
    proc = _lint(tmp_path)
    assert proc.returncode != 0
    out = " ".join(proc.stdout.split())
    assert "govdesk.screens.sneaky -> govdesk.models" in out
    assert "govdesk.services.sneaky -> textual" in out
