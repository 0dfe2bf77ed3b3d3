"""建议提案 (SPEC §11; Part 2 §5(一)): this module's room. ``workflow``: the suggestion, its
checks, its terms and each step on the engine (path: data/workflows/suggestion.toml);
``stats``: the per-unit statistics, as plain data."""

from govdesk.services.suggestion.workflow import *  # noqa: F403
from govdesk.services.suggestion.workflow import KIND  # noqa: F401
