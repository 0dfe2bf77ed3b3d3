"""督查事项 (SPEC §10; Part 2 §4; Part 5 督查室): this module's room. ``workflow``: the item,
its checks and each step on the engine (data/workflows/supervision.toml); ``views``: registers,
the leaders' 需要关注 list and the detail screen's plain data."""

from govdesk.services.supervision.workflow import *  # noqa: F403
from govdesk.services.supervision.workflow import KIND  # noqa: F401
