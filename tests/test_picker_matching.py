"""The pickers and the unit directory find people, units and sections whichever way people
type them: Simplified, Traditional, full pinyin with or without spaces, initials (SPEC §1)."""

from __future__ import annotations

import pytest

from govdesk.services import org, section_work
from govdesk.services.pinyin import matches


@pytest.mark.parametrize("query", ["财政局", "財政局", "財政", "caizheng", "cai zheng", "czj",
                                   "ＣＺＪ", "CaiZheng"])
def test_units_in_either_script_and_pinyin(db, query):
    assert "区财政局" in [u.short for u in org.pick_units(query, limit=50)]


@pytest.mark.parametrize("query", ["郭建伟", "郭建偉", "建偉", "guojianwei", "gjw", "GJW"])
def test_people_in_either_script_and_pinyin(db, query):
    assert "郭建伟" in [p.name for p in org.pick_people(query, limit=50)]


@pytest.mark.parametrize("query", ["秘书", "秘書", "秘書科", "mishu", "msk"])
def test_sections_in_either_script_and_pinyin(db, query):
    assert "秘书科" in [s.name for s in org.pick_sections(query)]


def test_the_unit_directory_in_either_script(db):
    for query in ("財政", "财政", "czj", "caizheng"):
        assert "区财政局" in [u.short for u in section_work.unit_directory(query)], query
    assert section_work.unit_directory("財政局") == section_work.unit_directory("财政局")


def test_a_stored_traditional_name_is_found_in_simplified_too():
    """Both sides are normalised: a name written in 繁體 matches a Simplified query."""
    assert matches("财政", "黃巖區財政局", "", "")
    assert matches("財政", "黄岩区财政局", "", "")
    assert not matches("教育", "黄岩区财政局", "huangyanqucaizhengju", "hyqczj")
    assert matches("", "任何", "", "") and matches(" ·", "任何", "", "")
