"""Bytes a desk nobody touches sends to its terminal, in a real pty, beside a bare Textual app
measured in the same run.

Usage: python scripts/bench_idle_bytes.py [--seconds N] [--size 160x48]
A demo database is built in a temporary folder. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

BARE = "from textual.app import App\nApp().run()\n"


def idle_bytes(argv: list[str], cols: int, rows: int, settle: float, seconds: float) -> float:
    """Bytes per second after the first screen has been drawn and the output gone quiet."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def read_for(duration: float) -> int:
        total, end = 0, time.monotonic() + duration
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                try:
                    total += len(os.read(fd, 65536))
                except OSError:
                    break
        return total

    try:
        read_for(settle)
        return read_for(seconds) / seconds
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--size", default="160x48")
    args = parser.parse_args()
    cols, rows = (int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        subprocess.run([sys.executable, "-m", "govdesk", "demo", "--db", str(db)], check=True,
                       capture_output=True)
        desk = idle_bytes([sys.executable, "-m", "govdesk", "--db", str(db), "--as", "lixm"],
                          cols, rows, settle=8, seconds=args.seconds)
        bare = idle_bytes([sys.executable, "-c", BARE], cols, rows, settle=3,
                          seconds=args.seconds)
    print(f"idle bytes per second at {cols}×{rows} over {args.seconds:.0f} s:")
    print(f"  bare Textual app (baseline)  {bare:8.1f} B/s")
    print(f"  govdesk on Home              {desk:8.1f} B/s")


if __name__ == "__main__":
    main()
