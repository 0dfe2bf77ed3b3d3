"""人大常委会 special work reports (SPEC §11; Part 2 §5(二)): this module's room. ``workflow``:
the report, its checks and each step on the engine (data/workflows/special_report.toml)."""

from govdesk.services.special_report.workflow import *  # noqa: F403
from govdesk.services.special_report.workflow import KIND  # noqa: F401
