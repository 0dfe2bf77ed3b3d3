"""The pickers and the unit directory find people, units and sections whichever way people
type them: Simplified, Traditional, full pinyin with or without spaces, initials (SPEC §1)."""

from __future__ import annotations

import pytest

from govdesk.services import incoming, org, section_work
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


# ---------------------------------------------------------------------------- 来文单位 typed freely


def _closest(name: str) -> list[str]:
    notice = incoming.from_unit_notice({"from_name": name})
    assert notice is not None, name
    return [u.short for u in notice.closest]


def test_a_unit_typed_that_is_not_in_the_directory_gets_the_closest(db):
    assert _closest("财政局")[0] == "区财政局"  # held in the directory's name
    assert _closest("黄岩区财政局办公室")[0] == "区财政局"  # holds the directory's name
    assert _closest("區財政局辦公室")[0] == "区财政局"  # the same in 繁體
    assert _closest("区财正局")[0] == "区财政局"  # sounds the same: caizhengju
    assert "区教育局" in _closest("区教肓局")  # one character mistyped: by similarity
    assert len(_closest("财政")) <= 3
    notice = incoming.from_unit_notice({"from_name": "区财正局"})
    assert "区财政局" in notice.message and "区财正局" in notice.message
    none = incoming.from_unit_notice({"from_name": "某某某协会"})
    assert none is not None and none.closest == () and "某某某协会" in none.message


def test_a_directory_unit_or_a_picked_one_has_no_notice(db):
    unit = org.pick_units("财政局")[0]
    assert incoming.from_unit_notice({"from_name": "区财政局"}) is None
    assert incoming.from_unit_notice({"from_name": "黄岩区财政局"}) is None
    assert incoming.from_unit_notice({"from_name": "區財政局"}) is None
    assert incoming.from_unit_notice({"from_name": "随便写的", "from_unit": unit}) is None
    assert incoming.from_unit_notice({"from_name": "  "}) is None


def test_the_notice_is_no_refusal(db):
    """A body outside the directory registers as before, the notice only advises."""
    from govdesk.services.context import Actor
    from tests.conftest import NOW

    clerk = Actor(org.person_by_login("lixm"), NOW)
    doc = incoming.register(clerk, {"from_name": "区财正局", "title": "甲"})
    assert doc.from_name == "区财正局" and doc.from_unit_id is None
