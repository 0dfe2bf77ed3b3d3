"""The fixed words stored as data that screens offer and test: 密级 and each register's states.

They are defined beside the models that store them (govdesk.models); screens and widgets take
them from here, so that no screen imports ``govdesk.models`` (the import-linter contract in
pyproject.toml).
"""

from __future__ import annotations

from govdesk.models import SECRECY_LEVELS
from govdesk.models import incoming as incoming_states
from govdesk.models import leave as leave_states
from govdesk.models import outgoing as outgoing_states

__all__ = ["SECRECY_LEVELS", "incoming_states", "leave_states", "outgoing_states"]
