"""./dev says it is installing before pip's silent minutes, and says when it is done — once.

The venv is a stand-in (a `python` that does nothing, a `ruff` that stops `./dev test` right after
set-up), so the test costs milliseconds and never touches the network or the real .venv.
"""

import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def stand_in(tmp_path):
    venv = tmp_path / "venv"
    maker = tmp_path / "python3"
    # `python3 -m venv DIR` makes DIR/bin/python (pip installs nothing) and a ruff that fails,
    # so `./dev test` ends right after set-up with ruff's exit status.
    _script(maker, '\n'.join([
        'dir="$3"', 'mkdir -p "$dir/bin"',
        "printf '#!/bin/sh\\necho pip-ran \"$@\"\\n' > \"$dir/bin/python\"",
        "printf '#!/bin/sh\\nexit 7\\n' > \"$dir/bin/ruff\"",
        'chmod +x "$dir/bin/python" "$dir/bin/ruff"']))
    env = {**os.environ, "PYTHON": str(maker), "GOVDESK_VENV": str(venv)}
    return venv, env


def _dev_test(env):
    return subprocess.run([str(ROOT / "dev"), "test"], env=env, capture_output=True, text=True,
                          timeout=60)


def test_first_use_says_it_is_installing_and_when_it_is_ready(stand_in):
    venv, env = stand_in
    first = _dev_test(env)
    assert first.returncode == 7
    assert "installing" in first.stderr and "few minutes" in first.stderr
    assert "is ready" in first.stderr
    # The notice comes before pip's output would, the "ready" line after it.
    assert first.stderr.index("installing") < first.stderr.index("is ready")
    assert "pip-ran" in first.stdout
    assert (venv / ".installed").is_file()

    again = _dev_test(env)
    assert again.returncode == 7
    assert "installing" not in again.stderr and "pip-ran" not in again.stdout
