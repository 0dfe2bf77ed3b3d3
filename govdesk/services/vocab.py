"""The fixed words stored as data that screens offer and test: 密级, 文种 and each register's
states.

They are defined beside the models that store them (govdesk.models); screens and widgets take
them from here, so that no screen imports ``govdesk.models`` (the import-linter contract in
pyproject.toml).
"""

from __future__ import annotations

from govdesk.models import SECRECY_LEVELS
from govdesk.models import incoming as incoming_states
from govdesk.models import leave as leave_states
from govdesk.models import outgoing as outgoing_states
from govdesk.models import suggestion as suggestion_states

__all__ = ["DOC_KINDS", "SECRECY_LEVELS", "incoming_states", "leave_states", "outgoing_states",
           "suggestion_states"]

# 文种: the fifteen kinds of 公文 (《党政机关公文处理工作条例》 §8; GB/T 9704-2012), received
# (收文) and issued (发文) alike.
DOC_KINDS = (
    "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告",
    "请示", "批复", "议案", "函", "纪要",
)

