"""收文 (SPEC §3): this module's room. ``workflow`` holds its fields, intake checks and the
functions of each step on the engine; its path is data/workflows/incoming.toml."""

from govdesk.services.incoming.workflow import *  # noqa: F403
from govdesk.services.incoming.workflow import KIND  # noqa: F401
