"""收文 register, intake checks (a)–(e) and decisions, audit and redaction (SPEC §3, §14)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import peewee
import pytest

from govdesk.models import AuditEntry, Flow, IncomingDocument, Task, database
from govdesk.models import incoming as states
from govdesk.services import flow, inbox, incoming, org, today
from govdesk.services.errors import NotFound, PermissionDenied, ValidationError
from govdesk.services.sequence import current_number


def register(actor, **fields):
    base = {"from_unit": "cz", "title": "关于某事项的报告", "doc_kind": "报告"}
    base.update(fields)
    return incoming.register(actor, base)


def codes(doc) -> list[str]:
    return [w.code for w in incoming.intake_warnings(doc)]


def intake_task(actor, doc) -> Task:
    task = incoming.current_task_for(actor, doc)
    assert task is not None and task.step == "初审"
    return task


# ---------------------------------------------------------------------------- register


def test_register_fills_the_record(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="cz", doc_number="黄财〔2026〕12号", urgency="特急",
                   secrecy="秘密", pages="7", is_request=False, urging_person="chenhl")
    assert doc.number == "收〔2026〕1号"
    assert doc.from_name == "黄岩区财政局"
    assert doc.secrecy == 1 and doc.secrecy_years == 10  # SPEC §16 default for 秘密
    assert doc.pages == 7
    assert doc.state == states.REGISTERED
    assert doc.received_on == date(2026, 11, 26)
    assert doc.urging_person.login == "chenhl"
    assert doc.due == date(2026, 12, 1)  # 特急: 3 working days
    f = flow.flow_of(incoming.KIND, doc.id)
    steps = [(t.step, t.state) for t in flow.timeline(f)]
    assert steps == [("登记", "done"), ("初审", "waiting")]
    assert flow.holders_now(f)[0].holder_section.code == "mishu"


@pytest.mark.parametrize(
    ("fields", "field", "name"),
    [
        ({"title": "  "}, "标题", "title"),
        ({"doc_kind": "便条"}, "文种", "doc_kind"),
        ({"urgency": "很急"}, "紧急程度", "urgency"),
        ({"secrecy": "内部"}, "密级", "secrecy"),
        ({"secrecy": "秘密", "secrecy_years": 11}, "保密期限", "secrecy_years"),
        ({"received_on": "2026/11/26"}, "收文日期", "received_on"),
        ({"pages": "七"}, "页数", "pages"),
        ({"from_unit": "不存在的局"}, "来文单位", "from_unit"),
        ({"from_unit": "", "from_name": " "}, "来文单位", "from_name"),
        ({"addressed_to": "领导个人"}, "收件领导", "addressed_leader"),
        ({"exception": "看心情"}, "例外情形", "exception"),
        ({"remit_unit": "不存在的局"}, "职能部门", "remit_unit"),
        ({"urging_person": "nobody"}, "催办人", "urging_person"),
        ({"special_reason": "坏\x07原因"}, "特殊原因或领导批示", "special_reason"),
        ({"title": "坏\x00标题"}, "标题", "title"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(db, as_user, fields, field, name):
    before = (IncomingDocument.select().count(), AuditEntry.select().count())
    with pytest.raises(ValidationError) as err:
        register(as_user("lixm"), **fields)
    assert err.value.field == field
    assert err.value.name == name  # the form's key: the form finds the field in any language
    assert str(err.value).startswith(field)
    assert (IncomingDocument.select().count(), AuditEntry.select().count()) == before
    assert current_number("incoming", 2026) == 0


def test_only_the_secretariat_registers(db, as_user):
    with pytest.raises(PermissionDenied):
        register(as_user("qianhy"))
    assert IncomingDocument.select().count() == 0


# ---------------------------------------------------------------------------- intake checks


def test_a_village_writing_straight_to_the_government(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="xikoucun", doc_kind="请示", is_request=True,
                   title="关于要求解决道路硬化资金的请示")
    warnings = incoming.intake_warnings(doc)
    assert [w.code for w in warnings] == ["a"]
    assert warnings[0].suggestion == "退文"
    assert "越级请示" in warnings[0].message


def test_a_enterprise_with_supervisor_but_not_key(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="mjny", doc_kind="请示", is_request=True)
    assert codes(doc) == ["a"]


def test_a_not_triggered(db, as_user):
    clerk = as_user("lixm")
    key = register(clerk, from_unit="jsmj", doc_kind="请示", is_request=True)  # key enterprise
    assert codes(key) == []
    street = register(clerk, from_unit="dongcheng", doc_kind="请示", is_request=True)
    assert codes(street) == []
    report = register(clerk, from_unit="xikoucun", doc_kind="报告", is_request=False)
    assert codes(report) == []  # not a 请示: nothing to refuse


def test_b_within_a_departments_remit(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="dongcheng", remit_unit="zjj")
    warnings = incoming.intake_warnings(doc)
    assert [w.code for w in warnings] == ["b"]
    assert warnings[0].suggestion == "转办"
    assert "区住建局" in warnings[0].message
    assert codes(register(clerk, from_unit="dongcheng")) == []


def test_c_other_units_without_consultation(db, as_user):
    clerk = as_user("lixm")
    assert codes(register(clerk, involves_units=True)) == ["c"]
    assert codes(register(clerk, involves_units=True, states_differing_views=True)) == []
    assert codes(register(clerk, involves_units=True, consulted=True)) == []
    assert codes(register(clerk, involves_units=False)) == []


def test_d_to_a_leader_personally(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, addressed_to="领导个人", addressed_leader="zhaogl")
    assert codes(doc) == ["d"]
    ok = register(clerk, addressed_to="领导个人", addressed_leader="zhaogl",
                  special_reason="赵副区长2026年11月20日批示要求直报")
    assert codes(ok) == []


def test_e_party_matters(db, as_user):
    clerk = as_user("lixm")
    assert codes(register(clerk, party_matter=True)) == ["e"]
    touching = register(clerk, touches_party_dept=True)
    assert codes(touching) == ["e"]
    assert "区委" in incoming.intake_warnings(touching)[0].message
    assert codes(register(clerk, touches_party_dept=True, party_dept_reviewed=True)) == []


def test_several_checks_at_once(db, as_user):
    doc = register(as_user("lixm"), from_unit="xikoucun", is_request=True, doc_kind="请示",
                   involves_units=True, party_matter=True)
    assert codes(doc) == ["a", "c", "e"]


# ---------------------------------------------------------------------------- intake decisions


def test_accept_hands_to_the_director(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, involves_units=True)
    done = incoming.decide_intake(clerk, intake_task(clerk, doc).id, "受理", "情况紧急，先行受理")
    assert done.state == states.SIGNING
    assert done.intake == "受理"
    assert done.intake_reason == "情况紧急，先行受理"
    assert "(c)" in done.intake_warnings  # the warning shown is kept with the decision
    f = flow.flow_of(incoming.KIND, doc.id)
    waiting = flow.holders_now(f)
    assert [(t.step, t.holder.login) for t in waiting] == [("签批", "linzh")]
    assert waiting[0].due == date(2026, 11, 27)  # 签批: 1 working day
    first = [t for t in flow.timeline(f) if t.step == "初审"][0]
    assert first.state == "done" and first.acted_by.login == "lixm"
    assert first.opinion == "受理：情况紧急，先行受理"


def test_transfer_tells_the_sender_and_copies_the_leader(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="dongcheng", remit_unit="zjj",
                   title="关于调整商品房预售资金监管比例的请示")
    done = incoming.decide_intake(clerk, intake_task(clerk, doc).id, "转办", "属住建局职权")
    assert done.state == states.TRANSFERRED
    assert done.transfer_unit.code == "zjj"
    assert done.intake_reason == "属住建局职权"
    f = flow.flow_of(incoming.KIND, doc.id)
    told = [t for t in flow.timeline(f) if t.step == "告知来文单位"]
    assert len(told) == 1 and told[0].state == "done"
    assert "黄岩区东城街道办事处" in told[0].opinion
    waiting = flow.holders_now(f)
    assert [(t.step, t.holder.login) for t in waiting] == [("阅知", "zhengyf")]  # 住建局's leader
    # The leader returns the copy: the matter is closed as transferred.
    leader = as_user("zhengyf")
    incoming.reader_return(leader, waiting[0].id, "")
    assert Flow.get_by_id(f.id).state == "transferred"
    assert flow.holders_now(f) == []


def test_transfer_to_another_unit_than_suggested(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="dongcheng")
    with pytest.raises(ValidationError) as err:
        incoming.decide_intake(clerk, intake_task(clerk, doc).id, "转办", "属部门职权")
    assert err.value.field == "转办单位"
    done = incoming.decide_intake(clerk, intake_task(clerk, doc).id, "转办", "属教育局职权",
                                  transfer_unit="jyj")
    assert done.transfer_unit.code == "jyj"
    f = flow.flow_of(incoming.KIND, doc.id)
    assert [t.holder.login for t in flow.holders_now(f)] == ["zhoudw"]


def test_return_closes_with_reason(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="xikoucun", is_request=True, doc_kind="请示")
    task = intake_task(clerk, doc)
    with pytest.raises(ValidationError) as err:
        incoming.decide_intake(clerk, task.id, "退文", "  ")
    assert err.value.field == "理由"
    done = incoming.decide_intake(clerk.at(datetime(2026, 11, 26, 10, 5)), task.id, "退文",
                                  "越级请示：请先向宁溪镇请示")
    assert done.state == states.RETURNED
    assert done.intake == "退文"
    assert done.intake_reason == "越级请示：请先向宁溪镇请示"
    assert done.closed_at == datetime(2026, 11, 26, 10, 5)
    f = flow.flow_of(incoming.KIND, doc.id)
    assert Flow.get_by_id(f.id).state == "returned"
    assert flow.holders_now(f) == []
    # Decided once only: the intake task is no longer in anyone's hands.
    with pytest.raises(PermissionDenied):
        incoming.decide_intake(clerk, task.id, "受理", "")


def test_unknown_decision_is_refused(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk)
    with pytest.raises(ValidationError):
        incoming.decide_intake(clerk, intake_task(clerk, doc).id, "搁置", "以后再说")
    assert IncomingDocument.get_by_id(doc.id).state == states.REGISTERED


def test_intake_by_someone_outside_the_secretariat(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk)
    task = intake_task(clerk, doc)
    with pytest.raises(PermissionDenied):
        incoming.decide_intake(as_user("qianhy"), task.id, "受理", "")
    assert Task.get_by_id(task.id).state == "waiting"


# ---------------------------------------------------------------------------- audit


def actions_for(doc_id: int) -> list[str]:
    return [a.action for a in AuditEntry.select().where(
        (AuditEntry.table == "incoming_document") & (AuditEntry.record_id == doc_id)
    ).order_by(AuditEntry.id)]


def test_every_write_is_audited(db, as_user):
    clerk = as_user("lixm")
    n0 = AuditEntry.select().count()
    doc = register(clerk)
    assert actions_for(doc.id) == ["incoming.register"]
    entry = AuditEntry.get(AuditEntry.action == "incoming.register")
    assert entry.actor == "lixm" and entry.at == clerk.now
    assert '"title": "关于某事项的报告"' in entry.after
    n1 = AuditEntry.select().count()
    assert n1 > n0
    incoming.update(clerk, doc.id, 1, {"from_unit": "cz", "title": "改过的标题", "doc_kind": "报告"})
    incoming.decide_intake(clerk, intake_task(clerk, doc).id, "受理", "")
    assert actions_for(doc.id) == ["incoming.register", "incoming.update", "incoming.待签批"]
    upd = AuditEntry.get(AuditEntry.action == "incoming.update")
    assert "关于某事项的报告" in upd.before and "改过的标题" in upd.after
    task_actions = {a.action for a in AuditEntry.select().where(AuditEntry.table == "task")}
    assert "task.done" in task_actions


def test_audit_entry_shares_the_transaction_of_its_change(db, as_user):
    clerk = as_user("lixm")
    register(clerk)
    counts = (IncomingDocument.select().count(), AuditEntry.select().count(),
              Task.select().count())

    class Boom(Exception):
        pass

    with pytest.raises(Boom), database.atomic():
        register(clerk, title="半途而废")
        assert AuditEntry.select().where(AuditEntry.action == "incoming.register").count() == 2
        raise Boom
    assert (IncomingDocument.select().count(), AuditEntry.select().count(),
            Task.select().count()) == counts
    # …and the rolled-back number was given back: no gap.
    assert register(clerk).number == "收〔2026〕2号"


@pytest.mark.sqlite_only  # goes round the app with sqlite3; PostgreSQL's: tests/test_postgres.py
def test_audit_log_refuses_update_and_delete(db, as_user):
    register(as_user("lixm"))
    entry = AuditEntry.select().first()
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        AuditEntry.update(actor="someone-else").where(AuditEntry.id == entry.id).execute()
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        AuditEntry.delete().where(AuditEntry.id == entry.id).execute()
    assert AuditEntry.get_by_id(entry.id).actor == "lixm"
    # Also for anyone going round the application with plain sqlite3.
    raw = sqlite3.connect(str(db))
    try:
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("DELETE FROM audit_entry")
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("UPDATE audit_entry SET action = 'x'")
    finally:
        raw.close()
    assert AuditEntry.select().count() > 0


def test_opening_a_secret_document_is_logged(db, as_user):
    clerk = as_user("lixm")
    secret = register(clerk, secrecy="秘密", title="秘密报告")
    plain = register(clerk, title="普通报告")
    reader = as_user("chenhl", datetime(2026, 11, 26, 15, 0))
    assert incoming.get(reader, secret.id).title == "秘密报告"
    incoming.get(reader, plain.id)
    opened = list(AuditEntry.select().where(AuditEntry.action == "incoming.open_secret"))
    assert [(a.actor, a.record_id, a.at) for a in opened] == [
        ("chenhl", secret.id, datetime(2026, 11, 26, 15, 0))]
    with pytest.raises(PermissionDenied):
        incoming.get(as_user("zhangyt"), secret.id)  # clearance 无
    with pytest.raises(NotFound):
        incoming.get(reader, 99999)


# ---------------------------------------------------------------------------- redaction

SECRET_TITLE = "关于某重点项目征地补偿底数的机要报告"


def test_uncleared_person_never_sees_a_secret_title(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, secrecy="秘密", title=SECRET_TITLE, urgency="特急")
    uncleared = as_user("zhangyt")  # 秘书科, clearance 无: the 初审 task is her section's
    assert uncleared.person.clearance == 0

    items = inbox.inbox(uncleared)
    assert [i.record_id for i in items] == [doc.id]
    due = inbox.deadlines(uncleared)
    assert [i.record_id for i in due] == [doc.id]
    assert all(SECRET_TITLE not in i.title for i in items + due)
    assert "秘密" in due[0].title

    rows = incoming.register_page(uncleared)
    assert [r.id for r in rows] == [doc.id]
    assert SECRET_TITLE not in rows[0].title
    assert incoming.register_page(uncleared, text="征地补偿") == []  # no search by hidden title

    text = today.summary(uncleared)
    assert "待办 1 件" in text
    assert SECRET_TITLE not in text
    assert "征地补偿" not in text

    # Positive control: a cleared colleague sees it in the same places.
    cleared = as_user("lixm")
    assert SECRET_TITLE in today.summary(cleared)
    assert incoming.register_page(cleared, text="征地补偿")[0].title == SECRET_TITLE


def test_redaction_for_someone_who_sees_everyones_deadlines(db, as_user):
    clerk = as_user("lixm")
    register(clerk, secrecy="机密", title=SECRET_TITLE)
    deputy = as_user("luxf")  # 督查室, clearance 秘密: sees all deadlines, not 机密 titles
    items = inbox.deadlines(deputy)
    assert len(items) == 1
    assert SECRET_TITLE not in items[0].title
    assert SECRET_TITLE not in today.summary(deputy)
    assert SECRET_TITLE in inbox.deadlines(as_user("guojw"))[0].title  # 机密 clearance


def test_update_changes_the_denormalised_flow_title(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, title="旧标题")
    incoming.update(clerk, doc.id, 1, {"from_unit": "cz", "title": SECRET_TITLE,
                                       "doc_kind": "报告", "secrecy": "秘密"})
    f = flow.flow_of(incoming.KIND, doc.id)
    assert (f.title, f.secrecy) == (SECRET_TITLE, 1)
    assert SECRET_TITLE not in today.summary(as_user("zhangyt"))


def test_update_recomputes_the_deadline(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, received_on="2026-09-30")
    assert doc.due is None
    urgent = incoming.update(clerk, doc.id, 1, {"from_unit": "cz", "title": "改为特急",
                                                "doc_kind": "报告", "urgency": "特急",
                                                "received_on": "2026-09-30"})
    assert urgent.due == date(2026, 10, 10)
    assert flow.flow_of(incoming.KIND, doc.id).due == date(2026, 10, 10)
    plain = incoming.update(clerk, doc.id, 2, {"from_unit": "cz", "title": "改回普通",
                                               "doc_kind": "报告", "received_on": "2026-09-30"})
    assert plain.due is None


def test_uncleared_clerk_cannot_edit_a_secret_document(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, secrecy="秘密", title=SECRET_TITLE)
    with pytest.raises(PermissionDenied):
        incoming.update(as_user("zhangyt"), doc.id, 1, {"from_unit": "cz", "title": "覆盖",
                                                        "doc_kind": "报告"})
    stored = IncomingDocument.get_by_id(doc.id)
    assert (stored.title, stored.version, stored.secrecy) == (SECRET_TITLE, 1, 1)
    assert AuditEntry.select().where(AuditEntry.action == "incoming.update").count() == 0


def test_demo_secret_titles_never_reach_uncleared_people(demo_db, as_user):
    secret_titles = [d.title for d in IncomingDocument.select().where(IncomingDocument.secrecy > 0)]
    assert len(secret_titles) >= 3
    uncleared = [p.login for p in org.Person.select().where(
        (org.Person.clearance == 0) & org.Person.active)]
    assert "zhangyt" in uncleared and len(uncleared) >= 3
    for login in uncleared:
        actor = as_user(login)  # the demo is built around the pinned TODAY
        texts = [today.summary(actor)]
        texts += [i.title for i in inbox.deadlines(actor) + inbox.inbox(actor)]
        texts += [r.title for r in incoming.register_page(actor)]
        blob = "\n".join(texts)
        for title in secret_titles:
            assert title not in blob, (login, title)
    # The 秘书科 clerk without clearance does see the secret rows exist, redacted.
    rows = incoming.register_page(as_user("zhangyt"))
    assert sum(1 for r in rows if r.secrecy > 0) == len(secret_titles)
