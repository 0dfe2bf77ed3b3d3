"""秘书科 (key 1): its work list; the 收文 register and forms open from here."""

from __future__ import annotations

from govdesk.screens.section import SectionScreen


class SecretariatScreen(SectionScreen):
    SECTION_CODES = ("mishu",)
