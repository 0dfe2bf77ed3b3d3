"""发文 (SPEC §4): this module's room. ``workflow``: drafting and each step on the engine;
``rules``: the signer matrix, review chains (data/outgoing.toml) and format checks;
``error_register``: the 差错 statistics. Its path is data/workflows/outgoing.toml."""

from govdesk.services.outgoing.workflow import *  # noqa: F403
from govdesk.services.outgoing.workflow import KIND  # noqa: F401
