"""信访 (SPEC §9, §16; Part 2 §3) on the workflow engine: registration from the five channels with
its petitioners checked, repeat recognition, 拟办 → 阅批 → 转办 the same working day with a
numbered 反馈卡 → the unit's answer in 5/10 working days → 审核 → 办结 → 回访, 催办 logged, and
the statutory clocks of 《信访工作条例》 (15 / 60 + 30 / 30 and 30) beside the district's, across a
weekend and the National Day holiday."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from govdesk.models import AuditEntry, Petition, Reminder, Task
from govdesk.services import org, petition, search
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.petition import clocks, views

NOW = datetime(2026, 11, 26, 9, 30)  # Thursday
CLERK = "shenyj"  # 督查室 科员
HEAD = "wangjm"  # 区长
PHONE = "13857605678"
ID = "331003197506120025"


def actor(login: str = CLERK, when: datetime = NOW) -> Actor:
    return Actor(org.person_by_login(login), when)


def new_case(when: datetime = NOW, login: str = CLERK, **extra) -> Petition:
    fields = {"channel": "区长热线", "summary": "小区门口占道经营扰民",
              "matter": "王秀兰（13857605678）反映：劝农路菜场外占道经营，早晚噪音扰民。",
              "category": "城市管理", "place": "东城街道劝农路",
              "received_on": when.date().isoformat(),
              "people": [{"name": "王秀兰", "phone": PHONE, "id_number": ID,
                          "address": "浙江省台州市黄岩区东城街道劝农路12号"}], **extra}
    return petition.register(actor(login, when), fields)


def waiting(row: Petition) -> list[Task]:
    f = engine.flow_of(petition.KIND, row.id)
    return list(Task.select().where((Task.flow == f) & (Task.state == "waiting"))
                .order_by(Task.id))


def task_at(row: Petition, step: str) -> Task:
    (task,) = [t for t in waiting(row) if t.step == step]
    return task


def to_transfer(row: Petition, when: datetime = NOW, leader: str = HEAD) -> Petition:
    row = petition.propose(actor(when=when), task_at(row, "拟办").id,
                           {"proposal": "拟请综合行政执法局核查处理", "leader": leader})
    holder = task_at(row, "阅批").holder.login
    return petition.instruct(actor(holder, when), task_at(row, "阅批").id, "请执法局依法处理")


def transferred(when: datetime = NOW, **fields) -> Petition:
    row = to_transfer(new_case(when), when)
    return petition.transfer(actor(when=when), task_at(row, "转办").id,
                             {"lead_unit": "区综合行政执法局", **fields})


# ---------------------------------------------------------------------------- the clocks


@pytest.mark.parametrize("importance, units, start, due", [
    # Part 2 §3(三): 5 working days; National Day (10-01..10-07 off, 10-10 a 调休 Saturday).
    ("一般", 1, date(2026, 9, 29), date(2026, 10, 12)),
    ("重要", 1, date(2026, 9, 29), date(2026, 10, 19)),
    ("一般", 2, date(2026, 9, 29), date(2026, 10, 19)),  # several units: 10
    # across a weekend
    ("一般", 1, date(2026, 11, 27), date(2026, 12, 4)),
    ("重要", 1, date(2026, 11, 27), date(2026, 12, 11)),
])
def test_the_units_answer_is_due_in_5_or_10_working_days(db, importance, units, start, due):
    assert clocks.answer_due(importance, units, start) == due


@pytest.mark.parametrize("fn, start, due", [
    # 15 days to accept or tell; a day off at the end moves to the next working day.
    (clocks.accept_due, date(2026, 9, 20), date(2026, 10, 8)),
    (clocks.accept_due, date(2026, 11, 26), date(2026, 12, 11)),
    (clocks.accept_due, date(2026, 11, 28), date(2026, 12, 14)),  # Sunday → Monday
    # 60 days to resolve
    (clocks.resolve_due, date(2026, 8, 5), date(2026, 10, 8)),
    (clocks.resolve_due, date(2026, 11, 26), date(2027, 1, 25)),
    # 30 to ask for 复查/复核, 30 to decide
    (clocks.review_request_due, date(2026, 9, 6), date(2026, 10, 8)),
    (clocks.review_decision_due, date(2026, 11, 26), date(2026, 12, 28)),  # 12-26 Saturday
])
def test_statutory_clocks(db, fn, start, due):
    assert fn(start) == due


def test_the_terms_come_from_the_rules_file(db):
    from govdesk.services.rules import office_rules

    rules = office_rules().petition
    assert (rules.answer_days, rules.important_answer_days, rules.accept_days,
            rules.resolve_days, rules.extension_max_days, rules.review_request_days,
            rules.review_decision_days) == (5, 10, 15, 60, 30, 30, 30)


# ---------------------------------------------------------------------------- registering


@pytest.mark.parametrize("channel", ["区长信箱", "区长热线", "专线电话", "人民来信", "群众来访"])
def test_each_channel_registers_and_goes_to_the_ducha_for_its_proposal(db, channel):
    row = new_case(channel=channel)
    assert row.channel == channel and row.state == "待拟办"
    (task,) = waiting(row)
    assert task.step == "拟办" and task.holder_section.code == "ducha"
    assert task.due == date(2026, 12, 11)  # the statutory 15 days show on Home
    assert petition.number_of(row) == "信访〔2026〕1号"


def test_a_group_visits_further_petitioners_typed_on_one_line(db):
    row = new_case(channel="群众来访", others="李建国 13906761234；张红；331003198802034513")
    people = [(p.name, p.phone, p.id_number) for p in petition.people_of(row)]
    assert people[1:] == [("李建国", "13906761234", ""), ("张红", "", ""),
                          ("", "", "331003198802034513")]
    assert row.group_visit
    with pytest.raises(ValidationError) as err:
        new_case(others="李建国 12345")
    assert "第2位信访人的联系电话" in str(err.value)


def test_attachments_are_kept_with_the_case(db):
    row = new_case(attachments="来信原件1页、现场照片3张")
    assert views.detail_view(actor(), row.id).attachments == "来信原件1页、现场照片3张"


def test_a_group_visit_has_several_petitioners_and_an_anonymous_letter_none(db):
    group = new_case(channel="群众来访", people=[
        {"name": "王秀兰", "phone": PHONE}, {"name": "李建国"}, {"address": "院桥镇高洋村"}])
    assert group.group_visit and len(petition.people_of(group)) == 3
    letter = new_case(channel="人民来信", summary="反映村道破损", matter="", people=[],
                      when=datetime(2026, 11, 26, 10, 0))
    assert letter.anonymous and petition.people_of(letter) == []


@pytest.mark.parametrize("person, field, words", [
    ({"phone": "1385760567"}, "phone", "11位"),
    ({"phone": "abc"}, "phone", "11位"),
    ({"id_number": "33100319750612002"}, "id_number", "18位"),
    ({"id_number": "331003197513120025"}, "id_number", "出生日期"),
    ({"id_number": "331003197506120026"}, "id_number", "校验位"),
])
def test_a_bad_phone_or_id_is_refused_naming_the_field_not_the_number(db, person, field,
                                                                       words):
    with pytest.raises(ValidationError) as err:
        new_case(people=[{"name": "王秀兰", **person}])
    assert err.value.name == field and words in str(err.value)
    assert list(person.values())[0] not in str(err.value)
    assert Petition.select().count() == 0


def test_the_second_of_several_petitioners_is_named_in_the_message(db):
    with pytest.raises(ValidationError) as err:
        new_case(people=[{"name": "王秀兰"}, {"name": "李建国", "phone": "12"}])
    assert "第2位信访人的联系电话" in str(err.value)


def test_only_the_ducha_and_the_hotline_register(db):
    with pytest.raises(PermissionDenied):
        new_case(login="zhangyt")
    assert new_case(login="tianxl").registered_by.login == "tianxl"  # 直线电话受理中心


def test_a_future_date_received_is_refused(db):
    with pytest.raises(ValidationError) as err:
        new_case(received_on="2026-11-27")
    assert err.value.name == "received_on"


# ---------------------------------------------------------------------------- repeats


def test_the_same_phone_within_the_window_is_a_repeat_linked_to_the_earlier_case(db):
    first = new_case(datetime(2026, 9, 1, 9, 0))
    again = new_case(summary="菜场噪音问题仍未解决", people=[{"phone": "138-5760-5678"}])
    assert again.repeat_of_id == first.id and again.repeat_reason == "same_phone"
    detail = views.detail_view(actor(), again.id)
    assert detail.repeat_of == first.id and detail.repeat_of_number == "信访〔2026〕1号"
    assert detail.row.repeat


def test_the_same_id_or_the_same_matter_is_a_repeat_too(db):
    first = new_case(datetime(2026, 10, 9, 9, 0))
    by_id = new_case(summary="另一件事", people=[{"id_number": ID}])
    assert (by_id.repeat_of_id, by_id.repeat_reason) == (first.id, "same_id")
    same = new_case(summary="小区门口占道经营扰民。", people=[{"name": "李建国"}])
    assert same.repeat_of_id in (first.id, by_id.id) and same.repeat_reason == "same_matter"


def test_outside_the_window_it_is_a_new_case(db):
    new_case(datetime(2026, 3, 2, 9, 0))  # more than 180 days before 11-26
    again = new_case()
    assert again.repeat_of_id is None and again.repeat_reason == ""


# ---------------------------------------------------------------------------- the flow


def test_one_case_from_registration_to_回访(db):
    row = new_case()
    row = petition.propose(actor(), task_at(row, "拟办").id,
                           {"proposal": "拟请综合行政执法局核查处理", "leader": "zhoudw"})
    read = task_at(row, "阅批")
    assert read.holder.login == "zhoudw" and row.state == "待阅批"
    with pytest.raises(PermissionDenied):
        petition.instruct(actor(), read.id, "同意")
    row = petition.instruct(actor("zhoudw"), read.id, "请执法局依法处理，及时反馈")
    transfer = task_at(row, "转办")
    assert transfer.due == NOW.date()  # the same working day (Part 2 §3(二))
    row = petition.transfer(actor(), transfer.id, {"lead_unit": "区综合行政执法局"})
    assert petition.card_number(row) == "信访反馈卡〔2026〕1号"
    assert row.accepted_on == NOW.date() and row.answer_due == date(2026, 12, 3)
    assert task_at(row, "反馈").due == date(2026, 12, 3)
    later = datetime(2026, 12, 4, 9, 0)
    assert views.register_page(actor(when=later))[0].late  # the answer is late
    petition.urge(actor(when=later), row.id, "请抓紧反馈")
    (reminder,) = Reminder.select()
    assert reminder.task.step == "反馈"
    row = petition.answer(actor(when=later), task_at(row, "反馈").id,
                          {"text": "已依法取缔占道摊点", "unit_date": "2026-12-04"})
    assert row.state == "待审核" and row.answered_on == date(2026, 12, 4)
    row = petition.close(actor(when=later), task_at(row, "审核").id, "已取缔，信访人认可")
    assert row.state == "已办结" and row.closed_on == date(2026, 12, 4)
    assert engine.flow_of(petition.KIND, row.id).state == "closed"
    row = petition.visit(actor(when=later), row.id, {"satisfaction": "满意"})
    assert row.satisfaction == "满意"
    detail = views.detail_view(actor(when=later), row.id)
    by_name = {c.name: c for c in detail.clocks}
    assert by_name["answer"].late and not by_name["answer"].running
    assert not by_name["accept"].late and not by_name["resolve"].late
    assert not detail.row.late  # nothing still running is late
    steps = [h.step for h in detail.timeline]
    assert steps[:6] == ["登记", "拟办", "阅批", "转办", "反馈", "审核"] and "回访" in steps


def test_an_important_matter_or_several_units_get_10_working_days(db):
    row = transferred(co_units="区住建局")
    assert row.answer_due == date(2026, 12, 10)
    assert len(petition.units_of(row)) == 2
    one = transferred(datetime(2026, 11, 26, 11, 0), importance="重要")
    assert one.answer_due == date(2026, 12, 10)
    assert petition.card_number(one) == "信访反馈卡〔2026〕2号"


def test_the_区长_away_the_acting_head_reads_it(db):
    from govdesk.models import Absence

    head = org.person_by_login(HEAD)
    Absence.create(person=head, start=datetime(2026, 11, 25), end=datetime(2026, 11, 28),
                   reason="出差", acting=org.person_by_login("zhaogl"))
    row = new_case()
    row = petition.propose(actor(), task_at(row, "拟办").id, {"proposal": "拟转办"})
    task = task_at(row, "阅批")
    assert task.holder.login == "zhaogl" and task.acting_for.login == HEAD


def test_a_leader_who_is_not_one_is_refused_for_阅批(db):
    row = new_case()
    with pytest.raises(ValidationError) as err:
        petition.propose(actor(), task_at(row, "拟办").id,
                         {"proposal": "拟转办", "leader": "zhangyt"})
    assert err.value.name == "leader"


def test_not_accepted_the_petitioner_is_told_and_the_15_days_stop(db):
    row = new_case()
    row = petition.not_accepted(actor(), task_at(row, "拟办").id,
                                "属法院审理事项，告知其向区人民法院反映")
    assert row.state == "不予受理" and row.told_on == NOW.date()
    (accept,) = views.detail_view(actor(), row.id).clocks
    assert accept.name == "accept" and not accept.running and not accept.late


def test_sent_back_the_unit_answers_again_by_the_same_rule(db):
    row = transferred()
    row = petition.answer(actor(), task_at(row, "反馈").id, {"text": "已处理"})
    later = datetime(2026, 11, 30, 9, 0)
    row = petition.send_back(actor(when=later), task_at(row, "审核").id, "未说明处理结果")
    assert task_at(row, "反馈").due == date(2026, 12, 7) and row.answered_on is None


# ---------------------------------------------------------------------------- statutory


def test_a_case_not_accepted_in_15_days_is_late_though_no_unit_is(db):
    row = new_case(datetime(2026, 9, 20, 9, 0))  # a Sunday 调休 working day
    late = datetime(2026, 10, 9, 9, 0)
    (row_view,) = views.register_page(actor(when=late))
    assert row_view.late
    (accept,) = views.detail_view(actor(when=late), row.id).clocks
    assert accept.due == date(2026, 10, 8) and accept.left == -1 and accept.late


def test_the_60_days_late_while_the_units_answer_was_on_time(db):
    start = datetime(2026, 8, 5, 9, 0)
    row = transferred(start)
    row = petition.answer(actor(when=start), task_at(row, "反馈").id, {"text": "正在处理"})
    when = datetime(2026, 10, 9, 9, 0)
    detail = views.detail_view(actor(when=when), row.id)
    by_name = {c.name: c for c in detail.clocks}
    assert not by_name["answer"].late
    assert by_name["resolve"].due == date(2026, 10, 8) and by_name["resolve"].late
    assert detail.row.late


def test_one_extension_of_at_most_30_days_with_reason_and_approval(db):
    start = datetime(2026, 8, 5, 9, 0)
    row = transferred(start)
    with pytest.raises(ValidationError) as err:
        petition.extend(actor(), row.id, {"days": 31, "reason": "涉及多部门",
                                          "approved_by": "zhaogl"})
    assert err.value.name == "days"
    with pytest.raises(ValidationError) as err:
        petition.extend(actor(), row.id, {"days": 30, "reason": "涉及多部门"})
    assert err.value.name == "approved_by"
    with pytest.raises(ValidationError) as err:
        petition.extend(actor(), row.id, {"days": 30, "reason": "涉及多部门",
                                          "approved_by": "zhangyt"})
    assert err.value.name == "approved_by"
    row = petition.extend(actor(), row.id, {"days": 30, "reason": "涉及多部门",
                                            "approved_by": "zhaogl"})
    assert row.extension_days == 30 and row.extension_by.login == "zhaogl"
    when = datetime(2026, 10, 9, 9, 0)
    resolve = {c.name: c for c in views.detail_view(actor(when=when), row.id).clocks}["resolve"]
    assert resolve.due == date(2026, 11, 3) and not resolve.late and resolve.left == 25
    with pytest.raises(ValidationError) as err:
        petition.extend(actor(), row.id, {"days": 5, "reason": "再延", "approved_by": "zhaogl"})
    assert "只能延长一次" in str(err.value)


def test_复查_and_复核_within_30_days_decided_within_30(db):
    row = transferred(datetime(2026, 9, 1, 9, 0))
    when = datetime(2026, 9, 4, 9, 0)
    row = petition.answer(actor(when=when), task_at(row, "反馈").id, {"text": "已处理"})
    row = petition.close(actor(when=when), task_at(row, "审核").id, "已处理完毕")
    assert row.closed_on == date(2026, 9, 4)
    # 30 days from 09-04 is 10-04, a holiday: the request may come until 10-08.
    with pytest.raises(ValidationError) as err:
        petition.request_review(actor(when=datetime(2026, 10, 9, 9)), row.id,
                                {"requested_on": "2026-10-09"})
    assert err.value.name == "requested_on" and "2026-10-08" in str(err.value)
    review = petition.request_review(actor(when=datetime(2026, 10, 8, 9)), row.id,
                                     {"requested_on": "2026-10-08"})
    assert review.kind == "复查"
    late = datetime(2026, 11, 9, 9, 0)  # decision due 11-07 (Saturday) → 11-09; not late yet
    decision = {(c.name, c.detail): c for c in
                views.detail_view(actor(when=late), row.id).clocks}[("review_decision", "复查")]
    assert decision.due == date(2026, 11, 9) and not decision.late and decision.left == 0
    petition.decide_review(actor(when=late), row.id, {"decision": "维持原处理意见"})
    second = petition.request_review(actor(when=datetime(2026, 11, 20, 9)), row.id,
                                     {"requested_on": "2026-11-20"})
    assert second.kind == "复核"
    with pytest.raises(ValidationError):
        petition.request_review(actor(), row.id, {"requested_on": "2026-11-26"})


def test_回访_and_review_need_a_closed_case(db):
    row = transferred()
    with pytest.raises(ValidationError) as err:
        petition.visit(actor(), row.id, {"satisfaction": "满意"})
    assert err.value.name == "satisfaction"
    with pytest.raises(ValidationError):
        petition.request_review(actor(), row.id, {})


# ---------------------------------------------------------------------------- search


def test_the_one_search_finds_a_case_by_its_words_and_card(db):
    transferred()
    (group,) = search.search(actor("zhangyt"), "占道经营")
    assert group.kind == "petition" and group.hits[0].number == "信访〔2026〕1号"
    assert group.hits[0].source == "区长热线"
    assert search.search(actor("zhangyt"), "反馈卡〔2026〕1号")


def test_registering_is_audited_with_the_petitioners_masked(db):
    row = new_case()
    entry = AuditEntry.get((AuditEntry.action == "petition.register")
                           & (AuditEntry.record_id == row.id))
    assert "138****5678" in entry.after and PHONE not in entry.after
    assert ID not in entry.after and "王秀兰" not in entry.after


def test_a_late_answer_is_flagged_on_the_ducha_home_and_in_govdesk_today(db):
    from govdesk.services import inbox, today

    row = transferred()
    later = actor(when=datetime(2026, 12, 4, 9, 0))
    (item,) = [i for i in inbox.inbox(later) if i.kind == "petition"]
    assert item.step == "反馈" and item.label == inbox.OVERDUE and item.title == row.summary
    assert inbox.deadline_counts(later).overdue >= 1
    text = today.summary(later)
    assert "小区门口占道经营扰民" in text and "已超期" in text
    # the 主任 sees everyone's deadlines: the case is among them
    director = actor("linzh", datetime(2026, 12, 4, 9, 0))
    assert any(i.kind == "petition" for i in inbox.deadlines(director, label=inbox.OVERDUE))
