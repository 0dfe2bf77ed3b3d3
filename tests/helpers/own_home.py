"""``python -m govdesk …`` as a person with a home of their own: none of the suite's GOVDESK_*
variables, HOME and XDG_CONFIG_HOME in the test's folder (the command's settings are its own),
and no traceback whatever it prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers.cli_env import cli_env


def run(args: list[str], home: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The command's exit, stdout and stderr (as text); ``stdin`` its standard input."""
    proc = subprocess.run([sys.executable, "-m", "govdesk", *args], capture_output=True,
                          input=stdin, env=cli_env(home), cwd=home, timeout=120)
    out = subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(),
                                      proc.stderr.decode())
    assert "Traceback" not in out.stderr, out.stderr
    return out
