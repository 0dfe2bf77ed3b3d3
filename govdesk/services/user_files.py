"""Files written for a user (an export, a 公文, a briefing): whole or not at all, with the mode
any file the user writes gets.

The file is written beside its target under a hidden temporary name (.名称.xxxx.part) and
renamed over it, so a failure — a full disk, a refusal midway — leaves nothing half-written
where the user looks, and the spool's listing (services/export_folder) never shows a part.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> Path:
    """Call ``write`` with a binary file that becomes ``path`` whole or not at all: written
    beside it under a temporary name, then renamed over it, with the mode any file the user
    writes gets (mkstemp makes it 0600)."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
