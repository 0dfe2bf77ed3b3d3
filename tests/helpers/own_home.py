"""``python -m govdesk …`` as a person with a home of their own: none of the suite's GOVDESK_*
variables, HOME and XDG_CONFIG_HOME in the test's folder (the command's settings are its own),
and no traceback whatever it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run(args: list[str], home: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The command's exit, stdout and stderr (as text); ``stdin`` its standard input."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVDESK_DB", "GOVDESK_CONFIG", "GOVDESK_LOGIN")}
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "govdesk", *args], capture_output=True,
                          input=stdin, env=env, cwd=home, timeout=120)
    out = subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(),
                                      proc.stderr.decode())
    assert "Traceback" not in out.stderr, out.stderr
    return out
