"""Groups of units (各乡镇人民政府、街道办事处，区政府各部门 …) as organisation data, and their
expansion into member units for 分发: each unit once, the user told what each group became."""

from __future__ import annotations

import pytest
from helpers.outgoing_worker import new_draft

from govdesk.models import Meta, Unit
from govdesk.services import unit_groups
from govdesk.services.outgoing.rules import format_report


def shorts(*kinds: str) -> list[str]:
    return [u.short for u in Unit.select().where(Unit.kind.in_(kinds)).order_by(Unit.id)]


def towns() -> list[str]:
    return [s for s in shorts("乡镇") if s.endswith("镇")]


def test_the_three_group_line_becomes_its_units(db):
    found = unit_groups.expand("各镇人民政府、街道办事处，区政府各部门")
    assert list(found.names) == towns() + shorts("街道") + shorts("委局")
    assert [(g.name, g.units) for g in found.groups] == [
        ("各镇人民政府、街道办事处", len(towns()) + len(shorts("街道"))),
        ("区政府各部门", len(shorts("委局")))]
    assert found.merged == 0


def test_each_group_alone_and_the_second_half_after_one_ge(db):
    assert list(unit_groups.expand("各乡镇人民政府").names) == shorts("乡镇")
    assert list(unit_groups.expand("各街道办事处").names) == shorts("街道")
    # The second half of 各乡镇人民政府、街道办事处, where one 各 covers both, alone.
    assert list(unit_groups.expand("街道办事处").names) == shorts("街道")
    both = unit_groups.expand("各乡镇人民政府、各街道办事处")
    assert list(both.names) == shorts("乡镇") + shorts("街道")
    assert [g.name for g in both.groups] == ["各乡镇人民政府、各街道办事处"]  # one group
    direct = unit_groups.expand("区直各单位")
    assert set(direct.names) == set(shorts("委局", "区委部门", "群团"))


def test_duplicates_merged_across_groups_names_and_scripts(db):
    found = unit_groups.expand(["区财政局 区政府各部门", "區財政局、黄岩区财政局，区委办 某某协会"])
    assert found.names.count("区财政局") == 1 and found.names[0] == "区财政局"
    assert found.names[-2:] == ("区委办", "某某协会")  # not in a group: as typed
    assert found.merged == 3  # in 区政府各部门, in Traditional, by its full name
    # Already listed: nothing new, and said so.
    again = unit_groups.expand("区政府各部门", have=found.names)
    assert again.names == () and again.merged == len(shorts("委局"))


def test_split_on_the_office_separators_and_spaces(db):
    found = unit_groups.expand("区财政局、区教育局，区民政局,区司法局；区审计局 区统计局\u3000区商务局")
    assert list(found.names) == ["区财政局", "区教育局", "区民政局", "区司法局", "区审计局",
                                 "区统计局", "区商务局"]


def test_groups_are_kept_in_the_database_with_the_organisation(db):
    stored = Meta.get(Meta.key == unit_groups.META_KEY).value
    assert "区政府各部门" in stored
    names = [g.name for g in unit_groups.groups()]
    assert {"各乡镇人民政府", "各街道办事处", "各镇人民政府、街道办事处", "区政府各部门",
            "区直各单位"} <= set(names)
    # A database loaded before groups existed reads them from the organisation file.
    Meta.delete().where(Meta.key == unit_groups.META_KEY).execute()
    assert [g.name for g in unit_groups.groups()] == names


def test_a_group_naming_an_unknown_unit_or_group_is_refused(db):
    with pytest.raises(ValueError, match="nosuch"):
        unit_groups.store_groups([{"name": "各某单位", "units": ["nosuch"]}], {"cz"})
    with pytest.raises(ValueError, match="各不存在"):
        unit_groups.store_groups([{"name": "各某单位", "parts": ["各不存在"]}], {"cz"})


def test_cc_may_name_a_group(db, as_user):
    doc = new_draft(as_user("qianhy"), cc="区委办、各乡镇人民政府")
    assert format_report(doc).ok, format_report(doc).problems
