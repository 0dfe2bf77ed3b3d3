"""Every workflow govdesk runs, registered with the engine in one place, and the start-up check
of their data: a workflow file or module data an office edited wrongly is a clear message
(file, key, line) before anyone opens a form, never a traceback half-way through one."""

from __future__ import annotations

from govdesk.services import (  # noqa: F401  (each registers its Workflow)
    incoming,
    outgoing,
    petition,  # noqa: F401  (信访)
    special_report,  # noqa: F401  (人大常委会专项工作报告)
    suggestion,  # noqa: F401  (建议提案)
    supervision,  # noqa: F401  (督查事项)
)
from govdesk.services.engine import core as engine
from govdesk.services.outgoing.rules import outgoing_data
from govdesk.services.petition.hotline import scope_list


def check() -> None:
    """Read every registered spec and the modules' own data now; raises SpecError."""
    engine.check_all()
    outgoing_data()
    scope_list()  # data/hotline.toml, the 直线电话受理中心's scope
