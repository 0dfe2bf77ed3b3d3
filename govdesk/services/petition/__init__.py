"""信访 (SPEC §9, §16; Part 2 §3): this module's room. ``workflow``: the case, its checks and
each step on the engine (data/workflows/petition.toml); ``clocks``: the district's and the
statutory clocks; ``masking``: who sees a petitioner's personal data; ``views``: the plain data
the screens show."""

from govdesk.services.petition.workflow import *  # noqa: F403
from govdesk.services.petition.workflow import KIND  # noqa: F401
