"""请假 of department heads (SPEC §7, Part 3 §22): this module's room. ``workflow``: the
request, its checks and each step on the engine; its path is data/workflows/leave.toml."""

from govdesk.services.leave.workflow import *  # noqa: F403
from govdesk.services.leave.workflow import KIND  # noqa: F401
