"""The 直线电话受理中心 (SPEC §9; Part 5 直线电话受理中心): a call recorded with caller, number,
matter and category, classified against the scope list of data/hotline.toml; an in-scope call
becomes a 信访 case from 专线电话 and flows like one, an out-of-scope one is recorded as told
where to go, with the place; the caller's name and number are masked like a petitioner's."""

from __future__ import annotations

from datetime import datetime

import pytest

from govdesk.models import HotlineCall, Petition, Task
from govdesk.services import org, petition
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.petition import hotline

NOW = datetime(2026, 11, 26, 9, 30)
OPERATOR = "tianxl"  # 直线电话受理中心
PHONE = "13906761234"


def actor(login: str = OPERATOR) -> Actor:
    return Actor(org.person_by_login(login), NOW)


def call(**extra) -> HotlineCall:
    return hotline.record_call(actor(), {"caller": "李建国", "phone": PHONE,
                                         "matter": "李建国反映小区路灯坏了半个月无人修",
                                         "category": "城市管理", "scope": "problems", **extra})


def test_the_scope_list_is_the_seeds_five_items_and_where_the_rest_go(db):
    codes = [(s.code, s.in_scope) for s in hotline.scope_list()]
    assert [c for c, inside in codes if inside] == [
        "criticism", "development", "duties", "problems", "violations"]
    places = {s.code: s.place for s in hotline.scope_list() if not s.in_scope}
    assert places["court"] == "区人民法院" and places["letters"] == "区信访局"
    assert set(places) == {"party", "npc", "cppcc", "army", "court", "procuratorate",
                           "letters"}


def test_an_in_scope_call_becomes_a_case_from_专线电话_and_flows_like_one(db):
    c = call()
    assert c.in_scope and c.petition is not None and hotline.call_number(c) == "热线〔2026〕1号"
    case = Petition.get_by_id(c.petition_id)
    assert case.channel == "专线电话" and case.category == "城市管理"
    (person,) = petition.people_of(case)
    assert (person.name, person.phone) == ("李建国", PHONE)
    f = engine.flow_of(petition.KIND, case.id)
    (task,) = Task.select().where((Task.flow == f) & (Task.state == "waiting"))
    assert task.step == "拟办" and task.holder_section.code == "ducha"
    # the caller's name typed into the matter is kept out of the record itself
    assert "李建国" not in case.summary and "李建国" not in c.matter


def test_an_out_of_scope_call_is_recorded_as_told_where_to_go(db):
    c = call(scope="court", matter="对法院判决不服")
    assert not c.in_scope and c.petition is None
    assert "区人民法院" in c.told_where
    assert Petition.select().count() == 0
    (row,) = hotline.calls(actor())
    assert row.scope == "法院工作" and "区人民法院" in row.told_where


def test_a_call_needs_a_matter_and_a_scope_and_a_good_number(db):
    for fields, name in (({"matter": ""}, "matter"), ({"scope": "weather"}, "scope"),
                         ({"phone": "123"}, "phone")):
        with pytest.raises(ValidationError) as err:
            call(**fields)
        assert err.value.name == name
    assert HotlineCall.select().count() == 0 and Petition.select().count() == 0


def test_only_the_hotline_and_the_ducha_record_calls(db):
    with pytest.raises(PermissionDenied):
        hotline.record_call(actor("zhangyt"), {"matter": "咨询", "scope": "duties"})
    assert hotline.record_call(actor("shenyj"), {"matter": "咨询办证流程",
                                                 "scope": "duties"}).in_scope


@pytest.mark.parametrize("login, sees", [("tianxl", True), ("shenyj", True),
                                         ("zhangyt", False), ("zhuh", False)])
def test_the_callers_name_and_number_are_masked_for_others(db, login, sees):
    call()
    call(scope="army", matter="李建国反映征兵问题")
    text = repr(hotline.calls(actor(login)))
    assert (PHONE in text) is sees and ("李建国" in text) is sees
    if not sees:
        assert "139****1234" in text and "李*" in text


def test_a_wrongly_edited_scope_file_names_the_key(db, tmp_path, monkeypatch):
    import shutil

    from govdesk.services import rules
    from govdesk.services.rules import RulesError

    data = tmp_path / "data"
    shutil.copytree(rules.data_dir(), data)
    text = (data / "hotline.toml").read_text(encoding="utf-8")
    (data / "hotline.toml").write_text(text.replace('place = "区人民法院"', 'plaec = "x"'),
                                       encoding="utf-8")
    monkeypatch.setattr(rules, "data_dir", lambda: data)
    monkeypatch.setattr(hotline, "data_dir", lambda: data)
    hotline.scope_list.cache_clear()
    try:
        with pytest.raises(RulesError) as err:
            hotline.scope_list()
        assert "elsewhere" in str(err.value)
    finally:
        hotline.scope_list.cache_clear()


# ---------------------------------------------------------------------------- briefings


def test_the_weekly_briefing_counts_by_channel_category_unit_and_on_time_rate(db):
    from govdesk.services.petition import briefing

    call()  # in scope: a 专线电话 case
    call(scope="court", matter="对判决不服")
    clerk = Actor(org.person_by_login("shenyj"), NOW)
    for channel in ("区长信箱", "区长信箱"):
        petition.register(clerk, {"channel": channel, "summary": f"{channel}反映路灯",
                                  "category": "城市管理"})
    case = petition.register(clerk, {"channel": "人民来信", "summary": "反映校车",
                                     "category": "教育"})
    f = engine.flow_of(petition.KIND, case.id)

    def task(step):
        return Task.get((Task.flow == f) & (Task.step == step) & (Task.state == "waiting"))

    petition.propose(clerk, task("拟办").id, {"proposal": "拟转教育局", "leader": "zhoudw"})
    petition.instruct(Actor(org.person_by_login("zhoudw"), NOW), task("阅批").id, "同意")
    petition.transfer(clerk, task("转办").id, {"lead_unit": "区教育局"})
    petition.answer(clerk, task("反馈").id, {"text": "已处理"})
    b = briefing.briefing(clerk, briefing.WEEK)
    assert (b.starts_on.isoformat(), b.ends_on.isoformat()) == ("2026-11-23", "2026-11-29")
    assert b.cases == 4 and dict(b.by_channel) == {"区长信箱": 2, "专线电话": 1, "人民来信": 1}
    assert dict(b.by_category)["城市管理"] == 3
    assert (b.calls, b.calls_in_scope, b.calls_elsewhere) == (2, 1, [("区人民法院", 1)])
    (unit,) = b.units
    assert (unit.unit, unit.cases, unit.answered, unit.on_time_rate) == ("区教育局", 1, 1, 1.0)
    text = briefing.briefing_text(b)
    assert "区长信箱" in text and "█" * 20 + " 2" in text and "█" * 10 in text
    assert "按期 100%（1/1）" in text
    assert "李建国" not in text and PHONE not in text
    month = briefing.briefing(clerk, briefing.MONTH)
    assert month.starts_on.isoformat() == "2026-11-01" and month.cases == 4
    with pytest.raises(PermissionDenied):
        briefing.briefing(actor("zhangyt"))
