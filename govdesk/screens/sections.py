"""Section screens for keys 2–6 (秘书科, key 1, has its own module: secretariat.py)."""

from __future__ import annotations

from govdesk.screens.section import SectionScreen


class ResearchScreen(SectionScreen):
    SECTION_CODES = ("diaoyan",)


class LineSecretariesScreen(SectionScreen):
    SECTION_CODES = ("ban1", "ban2")
    NAME_KEY = "app.line"


class InformationScreen(SectionScreen):
    SECTION_CODES = ("xinxi",)


class SupervisionScreen(SectionScreen):
    SECTION_CODES = ("ducha",)


class ReceptionScreen(SectionScreen):
    SECTION_CODES = ("jiedai",)
