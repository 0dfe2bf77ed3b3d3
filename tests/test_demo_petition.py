"""`govdesk demo`'s 信访 and 直线电话受理中心 (services/demo_petition.py): cases from all five
channels made through the services — an anonymous 区长信箱 letter, a group visit of three, a
repeat of an earlier case, one late on its 5-day answer and urged, one extended, one closed with
its 回访 满意, one not accepted — and three calls, two in scope and one told where to go; the
invariants, the audit chain and the one search hold, and 督查室's 信访 tab lists the late first."""

from __future__ import annotations

from conftest import NOW

from govdesk.models import HotlineCall, Petition, PetitionPerson, Reminder, Task
from govdesk.models import petition as states
from govdesk.services import org, search
from govdesk.services.audit import verify_chain
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.petition import clocks, open_cases, views
from govdesk.tools.stress import check_invariants


def _actor(login: str) -> Actor:
    return Actor(org.person_by_login(login), NOW)


def _case(summary: str) -> Petition:
    return Petition.get(Petition.summary.contains(summary))


def test_cases_from_all_five_channels(demo_db):
    rows = list(Petition.select())
    assert 7 <= len(rows) <= 12
    assert {r.channel for r in rows} == set(states.CHANNELS)
    assert all(r.received_on <= r.created_at.date() <= NOW.date() for r in rows)
    # Numbered gap-free in the year.
    seqs = sorted(r.seq for r in rows if r.year == NOW.year)
    assert seqs == list(range(1, len(seqs) + 1))


def test_an_anonymous_letter_and_a_group_visit_of_three(demo_db):
    letter = _case("公共厕所")
    assert letter.channel == "区长信箱" and letter.anonymous
    assert PetitionPerson.select().where(PetitionPerson.petition == letter).count() == 0
    assert letter.state == "待阅批"
    visit = _case("逾期交房")
    assert visit.channel == "群众来访" and visit.group_visit
    assert PetitionPerson.select().where(PetitionPerson.petition == visit).count() == 3
    assert visit.importance == "重要" and visit.card_seq is not None


def test_a_repeat_linked_to_the_earlier_case_late_on_its_five_days_and_urged(demo_db):
    repeat = _case("仍未解决")
    earlier = repeat.repeat_of
    assert earlier is not None and repeat.repeat_reason == "same_phone"
    assert earlier.summary == "永宁江边工地夜间施工噪音扰民"
    assert clocks.answer_days(earlier.importance, 1) == 5
    assert earlier.answer_due < NOW.date() and earlier.answered_on is None
    assert clocks.is_late(earlier, [], NOW.date())
    flow = engine.flow_of("petition", earlier.id)
    urged = (Reminder.select().join(Task, on=(Reminder.task == Task.id))
             .where(Task.flow == flow))
    assert urged.count() == 1


def test_an_extension_a_closed_case_visited_and_one_not_accepted(demo_db):
    extended = _case("征地补偿款")
    assert extended.extension_days == 30 and extended.extension_by.login == "linzh"
    assert extended.extension_reason and not clocks.is_late(extended, [], NOW.date())
    assert clocks.resolve_due(extended.accepted_on) < NOW.date()  # late but for the 30 days
    closed = _case("路灯不亮")
    assert closed.closed_on is not None and closed.satisfaction == "满意"
    assert closed.visited_on >= closed.closed_on
    refused = _case("民事判决")
    assert refused.state == "不予受理" and refused.told_on is not None
    assert "法院" in refused.result


def test_three_calls_two_in_scope_one_told_where_to_go(demo_db):
    calls = list(HotlineCall.select().order_by(HotlineCall.id))
    assert len(calls) == 3
    inside = [c for c in calls if c.in_scope]
    assert len(inside) == 2 and all(c.petition.channel == "专线电话" for c in inside)
    (outside,) = [c for c in calls if not c.in_scope]
    assert outside.petition_id is None and "区人大常委会办公室" in outside.told_where


def test_the_督查室_tab_lists_the_open_cases_the_late_first_masked_for_others(demo_db):
    shown = open_cases.open_cases(_actor("shenyj"))
    assert shown.late == 1 and shown.cases[0].row.title == "永宁江边工地夜间施工噪音扰民"
    assert shown.cases[0].clock == clocks.ANSWER and shown.cases[0].left < 0
    assert all(c.row.state not in ("已办结", "不予受理") for c in shown.cases)
    names = {c.row.petitioner for c in shown.cases}
    assert "周美华" in names
    clerk = open_cases.open_cases(_actor("zhangyt"))  # 秘书科
    assert "周美华" not in {c.row.petitioner for c in clerk.cases}
    assert "周*" in {c.row.petitioner for c in clerk.cases}


def test_invariants_audit_chain_and_search_hold(demo_db):
    report = check_invariants()
    assert report["failures"] == []
    chain = verify_chain()
    assert chain.intact, chain.reason()
    found = search.search(_actor("guojw"), "夜间施工噪音")
    assert {getattr(h, "kind", "") for h in found} >= {"petition"}, found
    # A petitioner's phone finds the cases only for those allowed.
    assert views.find_personal(_actor("shenyj"), "13706761198", 10)
    assert views.find_personal(_actor("zhangyt"), "13706761198", 10) == []
    assert not [h for h in search.search(_actor("zhangyt"), "13706761198")
                if getattr(h, "kind", "") == "petition"]
