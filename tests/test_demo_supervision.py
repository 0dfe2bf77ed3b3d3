"""`govdesk demo`'s 督查室 work: 督查事项 of every kind, a 两会 batch of 建议提案 in every state and
a 专项工作报告 under way, made through the services — so the invariants and the audit chain hold,
the leaders' 需要关注 shows the late 批示件 with its badges, and the one search finds them."""

from __future__ import annotations

from conftest import NOW

from govdesk.models import (
    SpecialReport,
    Suggestion,
    SupervisionItem,
    SupervisionNotice,
    SupervisionPart,
    SupervisionReport,
    Task,
)
from govdesk.models import supervision as states
from govdesk.models.flow import WAITING
from govdesk.services import org, search
from govdesk.services.audit import verify_chain
from govdesk.services.context import Actor
from govdesk.services.suggestion import stats
from govdesk.services.supervision import views
from govdesk.tools.stress import check_invariants


def _actor(login: str) -> Actor:
    return Actor(org.person_by_login(login), NOW)


def test_every_kind_of_item_with_its_parts_and_reports(demo_db):
    items = list(SupervisionItem.select())
    assert {i.kind for i in items} == set(states.KINDS)
    key = SupervisionItem.get(SupervisionItem.kind == states.KEY_WORK)
    assert key.meeting_on is not None and key.meeting_on < NOW.date()
    assert SupervisionPart.select().where((SupervisionPart.item == key)
                                          & (SupervisionPart.role == states.CO)).count() == 2
    instructed = {i.instructed_by.rank for i in items if i.kind == states.INSTRUCTION}
    assert instructed == {"区长", "副区长"}
    assert {i.status for i in items} >= {states.NOT_STARTED, states.UNDER_WAY, states.DONE}
    assert any(i.state == "待签收" for i in items)  # not yet signed for
    assert SupervisionReport.select().where(SupervisionReport.final).count() == 1
    assert SupervisionReport.select().count() > 5
    assert SupervisionNotice.select().count() == 1
    # Numbered gap-free in the year.
    by_year: dict[int, list[int]] = {}
    for i in items:
        by_year.setdefault(i.year, []).append(i.seq)
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in by_year.values())


def test_the_late_instruction_needs_attention_with_its_badges(demo_db):
    for login in ("linzh", "zhoudw"):
        rows = views.attention(_actor(login))
        late = [r for r in rows if r.status == states.LAGGING]
        assert late, login
        (row,) = late
        assert row.kind == states.INSTRUCTION and row.urged == 1
        assert states.LAGGING in row.badges and any("1" in b for b in row.badges[1:])
    assert [r.kind for r in views.attention(_actor("wangjm"))] == [states.INSTRUCTION]
    overdue = views.register_page(_actor("shenyj"), overdue=True)
    assert len(overdue) == 1


def test_a_lianghui_batch_in_every_state(demo_db):
    rows = list(Suggestion.select())
    assert 8 <= len(rows) <= 12
    assert {r.source for r in rows} == {"建议", "提案"}
    assert {r.state for r in rows} >= {"待交办", "办理中", "待审核", "待阅批", "待寄送", "已答复",
                                       "重新办理", "落实中", "已办结"}
    assert {r.feedback for r in rows} >= {"满意", "不满意"}
    assert any(r.adopted for r in rows)
    assert any(r.co_units for r in rows)
    redo = Suggestion.get(Suggestion.state == "重新办理")
    assert redo.second_due is not None and redo.second_due > NOW.date()
    # The co-units' opinions: one of a unit's still awaited.
    co = Suggestion.get(Suggestion.number == "第21号")
    assert Task.select().where((Task.step == "协办意见") & (Task.state == WAITING)
                               & Task.flow.in_(_flows("suggestion", co.id))).count() == 1
    figures = stats.statistics(_actor("guojw"))
    assert figures.unassigned == 1 and sum(u.total for u in figures.units) >= 8


def _flows(kind: str, record_id: int):
    from govdesk.models import Flow

    return [f.id for f in Flow.select().where((Flow.kind == kind)
                                              & (Flow.record_id == record_id))]


def test_a_special_report_under_way(demo_db):
    (row,) = SpecialReport.select()
    assert row.state == "待初审" and row.department.code == "sthjfj"
    assert row.report and row.report_due > NOW.date()


def test_invariants_audit_chain_and_search_hold(demo_db):
    report = check_invariants()
    assert report["failures"] == []
    chain = verify_chain()
    assert chain.intact, chain.reason()
    actor = _actor("guojw")
    found = search.search(actor, "老旧小区加装电梯")
    assert any(getattr(h, "kind", "") == "suggestion" for h in found), found
    assert any(getattr(h, "kind", "") == "supervision"
               for h in search.search(actor, "森林防火工作的批示"))
