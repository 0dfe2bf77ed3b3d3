"""The workflow engine, table-driven from the specs (data/workflows/*.toml): every transition of
收文 and 发文, 退改, parallel rounds, the acting head and hand-back, and the specs' own checks."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers.outgoing_worker import do_step, drive_to, holder_actor, new_draft, waiting

from govdesk.models import Flow, Person, Task
from govdesk.models.flow import CANCELLED, DONE, RETURNED, SKIPPED, WAITING
from govdesk.services import flow, incoming, org, outgoing, rules, schedule
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.engine import spec as spec_module
from govdesk.services.engine.spec import CLOSE, DYNAMIC, SpecError, parse
from govdesk.services.errors import PermissionDenied, ValidationError

NOW = datetime(2026, 11, 26, 9, 30)  # Thursday
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------- the specs


@pytest.mark.parametrize("kind", ["incoming", "outgoing"])
def test_every_destination_is_a_step_and_every_step_is_cited(kind):
    spec = engine.workflow(kind).spec
    assert spec.first in spec.steps
    for step in spec.steps.values():
        assert step.cite, step.name
        for action in step.actions.values():
            assert action.cite, (step.name, action.id)
            for to in action.to:
                assert to in spec.steps or to in (CLOSE, DYNAMIC), (step.name, action.id, to)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "data" / "workflows" / "incoming.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "incoming.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


@pytest.mark.parametrize(("old", "new", "key", "needle"), [
    ('due = { days = 1, kind = "working", cap = true }\ncite = "Supp. §1(二)"',
     'due = { days = 1, kind = "workin", cap = true }\ncite = "Supp. §1(二)"',
     "steps.初审.due.kind", 'kind = "workin"'),
    ('actions.accept = { to = "签批"', 'actions.accept = { to = "签pi"',
     "steps.初审.actions.accept.to", 'to = "签pi"'),
    ('holder = "director"', 'holder = "directer"', "steps.签批.holder", 'holder = "directer"'),
    ('due = { days = 5, kind = "working" }', 'due = { days = -5, kind = "working" }',
     "steps.归档.due.days", "days = -5"),
    ('parallel = true\ndue = { days = 3', 'paralel = true\ndue = { days = 3',
     "steps.阅办.paralel", "paralel = true"),
])
def test_a_wrongly_edited_spec_names_file_key_and_line(tmp_path, old, new, key, needle):
    path = _broken(tmp_path, old, new)
    with pytest.raises(SpecError) as err:
        parse(path)
    message = str(err.value)
    assert "incoming.toml" in message and key in message, message
    assert f"第 {_line(path, needle)} 行" in message, message


def test_a_spec_that_is_not_toml_names_its_line(tmp_path):
    path = _broken(tmp_path, 'first = "初审"', 'first = "初审')
    with pytest.raises(SpecError) as err:
        parse(path)
    assert "incoming.toml" in str(err.value) and f"第 {_line(path, 'first =')} 行" in str(err.value)


def test_the_shipped_specs_parse_and_a_missing_first_step_is_refused(tmp_path):
    assert parse(ROOT / "data" / "workflows" / "incoming.toml").first == "初审"
    with pytest.raises(SpecError, match="first"):
        parse(_broken(tmp_path, 'first = "初审"', 'first = "初核"'))


# ---------------------------------------------------------------------------- 收文, every edge


def register(actor, **fields):
    base = {"from_unit": "cz", "title": "关于某事项的报告", "doc_kind": "报告"}
    return incoming.register(actor, {**base, **fields})


def mine(actor, doc) -> Task:
    task = incoming.current_task_for(actor, doc)
    assert task is not None, actor.person.login
    return task


def waiting_steps(doc) -> list[tuple[str, str]]:
    out = []
    for task in flow.waiting_tasks(flow.flow_of(incoming.KIND, doc.id)):
        who = task.holder.login if task.holder_id else task.holder_section.code
        out.append((task.step, who))
    return sorted(out)


def _to_sign(as_user, **fields):
    clerk = as_user("lixm")
    doc = register(clerk, **fields)
    incoming.decide_intake(clerk, mine(clerk, doc).id, "受理", "")
    return doc


def _reading(as_user, readers=(("阅签", "zhaogl"), ("阅办", "qianhy"))):
    doc = _to_sign(as_user)
    chosen = [incoming.Reader(a, person=org.person_by_login(p)) for a, p in readers]
    return incoming.sign(as_user("linzh"), mine(as_user("linzh"), doc).id, "请阅", chosen)


def _sorting(as_user):
    doc = _reading(as_user, (("阅签", "zhaogl"),))
    incoming.reader_return(as_user("zhaogl"), mine(as_user("zhaogl"), doc).id, "阅")
    return doc


def e_accept(as_user):
    clerk = as_user("lixm")
    doc = register(clerk)
    doc = incoming.decide_intake(clerk, mine(clerk, doc).id, "受理", "")
    return doc, "待签批", [("签批", "linzh")], "open"


def e_transfer_to_reader(as_user):
    clerk = as_user("lixm")
    doc = register(clerk, remit_unit="jyj")
    doc = incoming.decide_intake(clerk, mine(clerk, doc).id, "转办", "属教育局职责")
    leader = org.portfolio_leader(doc.transfer_unit).login
    return doc, "已转办", [("阅知", leader)], "open"


def e_reject(as_user):
    clerk = as_user("lixm")
    doc = register(clerk)
    doc = incoming.decide_intake(clerk, mine(clerk, doc).id, "退文", "越级请示")
    return doc, "已退文", [], "returned"


def e_sign(as_user):
    doc = _reading(as_user)
    return doc, "传阅中", [("阅办", "qianhy"), ("阅签", "zhaogl")], "open"


def e_read_partial_then_last(as_user):
    doc = _reading(as_user)
    doc = incoming.reader_return(as_user("zhaogl"), mine(as_user("zhaogl"), doc).id, "阅")
    # A parallel round: one reader back, the other still holds it, nothing moves on.
    assert doc.state == "传阅中" and waiting_steps(doc) == [("阅办", "qianhy")]
    doc = incoming.reader_return(as_user("qianhy"), mine(as_user("qianhy"), doc).id, "已办")
    return doc, "待分送", [("分送", "mishu")], "open"


def e_circulation_joins_the_waiting_send_on(as_user):
    doc = _sorting(as_user)
    incoming.circulate(as_user("lixm"), doc.id, [org.person_by_login("zhoudw")])
    doc = incoming.reader_return(as_user("zhoudw"), mine(as_user("zhoudw"), doc).id, "")
    # 分送 already waits: no second 分送 is handed out.
    return doc, "待分送", [("分送", "mishu")], "open"


def e_read_transfer_copy(as_user):
    doc, *_ = e_transfer_to_reader(as_user)
    leader = as_user(org.portfolio_leader(doc.transfer_unit).login)
    doc = incoming.reader_return(leader, mine(leader, doc).id, "")
    return doc, "已转办", [], "transferred"


def e_send_on(as_user):
    doc = _sorting(as_user)
    clerk = as_user("lixm")
    doc = incoming.send_on(clerk, mine(clerk, doc).id, "",
                           [incoming.Reader("传阅", person=org.person_by_login("zhoudw"))])
    return doc, "传阅中", [("传阅", "zhoudw")], "open"


def e_close(as_user):
    doc = _sorting(as_user)
    clerk = as_user("lixm")
    incoming.circulate(clerk, doc.id, [org.person_by_login("zhoudw")])
    task = next(t for t in flow.waiting_tasks(flow.flow_of(incoming.KIND, doc.id))
                if t.step == "分送")
    doc = incoming.close(clerk, task.id, "")
    # 办结 ends every other waiting hand (the 传阅 still out) and hands 归档 on.
    return doc, "已办结", [("归档", "mishu")], "open"


def e_archive(as_user):
    doc, *_ = e_close(as_user)
    clerk = as_user("lixm")
    doc = incoming.archive(clerk, mine(clerk, doc).id, "永久")
    assert doc.archive_no.endswith("-Y-0001")
    return doc, "已归档", [], "archived"


INCOMING_EDGES = {
    ("初审", "accept"): e_accept,
    ("初审", "transfer"): e_transfer_to_reader,
    ("初审", "reject"): e_reject,
    ("签批", "sign"): e_sign,
    ("阅签", "read"): e_read_partial_then_last,
    ("阅办", "read"): e_read_partial_then_last,
    ("传阅", "read"): e_circulation_joins_the_waiting_send_on,
    ("阅知", "read"): e_read_transfer_copy,
    ("分送", "send_on"): e_send_on,
    ("分送", "close"): e_close,
    ("归档", "archive"): e_archive,
}


def test_the_table_covers_every_transition_of_the_incoming_spec():
    spec = engine.workflow("incoming").spec
    assert {(step, action) for step, action, _ in spec.transitions()} == set(INCOMING_EDGES)


@pytest.mark.parametrize("edge", sorted(INCOMING_EDGES), ids="-".join)
def test_incoming_transition(db, as_user, edge):
    doc, state, holders, flow_state = INCOMING_EDGES[edge](as_user)
    assert doc.state == state
    assert waiting_steps(doc) == sorted(holders)
    assert flow.flow_of(incoming.KIND, doc.id).state == flow_state


def test_a_step_refuses_what_it_does_not_allow_and_who_does_not_hold_it(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk)
    task = mine(clerk, doc)
    with pytest.raises(ValidationError):
        incoming.sign(clerk, task.id, "请阅", [])  # 初审 allows no 签批
    with pytest.raises(PermissionDenied):
        incoming.decide_intake(as_user("linzh"), task.id, "受理", "")  # not 秘书科's member
    assert {a.action for a in engine.available_actions(as_user("linzh"), "incoming", doc.id)
            if a.task_id} == set()
    offered = engine.action_ids(clerk, "incoming", doc.id)
    assert {"accept", "transfer", "reject", "edit", "circulate"} <= offered
    assert "sign" not in offered


def test_an_incoming_task_id_is_not_an_outgoing_one(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk)
    task = mine(clerk, doc)
    with pytest.raises(Exception) as err:
        outgoing.submit(clerk, task.id)
    assert type(err.value).__name__ == "NotFound"


def test_step_deadlines_come_from_the_spec_and_the_document_caps_them(db, as_user):
    clerk = as_user("lixm")
    urgent = register(clerk, urgency="特急")  # due 3 working days: 12-01
    task = mine(clerk, urgent)
    assert task.due == date(2026, 11, 27)  # 初审: 1 working day, its own rule
    doc = incoming.decide_intake(clerk, task.id, "受理", "")
    sign = mine(as_user("linzh"), doc)
    assert sign.due == date(2026, 11, 27)
    assert engine.step_due("incoming", "阅办", doc, date(2026, 11, 30)) == urgent.due


def test_the_first_step_uses_its_own_deadline_rule(db, as_user, tmp_path, monkeypatch):
    """初审 is due by its own rule in the spec, not the 分送 rule (they differ here)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    spec_file = data / "workflows" / "incoming.toml"
    text = spec_file.read_text(encoding="utf-8")
    text = text.replace('due = { days = 1, kind = "working", cap = true }\ncite = "Supp. §1(二)"',
                        'due = { days = 2, kind = "working", cap = true }\ncite = "Supp. §1(二)"')
    spec_file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GOVDESK_DATA", str(data))
    spec_module.load.cache_clear()
    rules.load_toml.cache_clear()
    try:
        clerk = as_user("lixm")
        doc = register(clerk)
        assert mine(clerk, doc).due == date(2026, 11, 30)  # 2 working days after Thursday
        assert engine.step_due("incoming", "分送", doc, NOW.date()) == date(2026, 11, 27)
    finally:
        monkeypatch.delenv("GOVDESK_DATA")
        spec_module.load.cache_clear()
        rules.load_toml.cache_clear()


def test_the_timeline_is_plain_data_with_names(db, as_user):
    doc = _reading(as_user)
    hops = engine.timeline("incoming", doc.id)
    assert [h.step for h in hops][:3] == ["登记", "初审", "签批"]
    assert hops[1].by_section and hops[1].holder == "秘书科" and hops[1].acted_by == "李晓梅"
    assert {(h.step, h.holder, h.state) for h in hops if h.state == WAITING} == {
        ("阅签", "赵国梁", WAITING), ("阅办", "钱红英", WAITING)}


# ---------------------------------------------------------------------------- 收文 and the 区长


def _away(as_user, start: datetime, end: datetime, login: str = "wangjm"):
    return schedule.add_absence(as_user("lixm"), org.person_by_login(login), start, end,
                                destination="杭州", reason="参加省里会议")


def test_the_acting_head_holds_and_hands_back_through_the_engine(db, as_user):
    _away(as_user, datetime(2026, 11, 25, 8), datetime(2026, 11, 26, 12))
    doc = _to_sign(as_user)
    head = [incoming.Reader("阅签", person=org.person_by_login("wangjm"))]
    incoming.sign(as_user("linzh"), mine(as_user("linzh"), doc).id, "呈区长阅", head)
    held = mine(as_user("zhaogl"), doc)
    assert held.acting_for.login == "wangjm"
    later = as_user("zhaogl", datetime(2026, 11, 26, 15))
    assert "hand_back" in engine.action_ids(later, "incoming", doc.id)
    new = engine.hand_back(later, "incoming", held.id)
    assert (new.holder.login, new.step, new.due) == ("wangjm", "阅签", held.due)
    assert Task.get_by_id(held.id).state == CANCELLED


# ---------------------------------------------------------------------------- 发文, every edge

DOCS = {
    # every chain template and every optional step, each drafted by whoever drafts it
    "office": ("qianhy", {}),
    "government": ("qianhy", {"issuer": "区政府", "lead_leader": "wuzq"}),
    "department": ("songwb", {"issuer": "区政府", "origin": "department", "normative": True,
                              "drafting_unit": "cz", "review_section": "ban1",
                              "lead_leader": "wuzq"}),
    "joint": ("qianhy", {"issuer": "区委区政府联合", "signature": "中共黄岩区委 黄岩区人民政府"}),
    "two_offices": ("qianhy", {"issuer": "两办联合", "signature": "中共黄岩区委办公室 黄岩区人民政府办公室"}),
}


def _draft(as_user, which: str):
    login, fields = DOCS[which]
    return new_draft(as_user(login), **fields)


def _chains(as_user) -> dict[str, list[str]]:
    out = {}
    for which in DOCS:
        doc = _draft(as_user, which)
        doc = outgoing.submit(holder_actor(waiting(doc), NOW), waiting(doc).id)
        out[which] = [s.name for s in outgoing.chain_of(doc)]
    return out


def test_the_documents_below_reach_every_chain_step_of_the_spec(db, as_user):
    reached = {name for chain in _chains(as_user).values() for name in chain}
    assert reached == {s.name for s in engine.workflow("outgoing").spec.chain_steps()}


@pytest.mark.parametrize("which", sorted(DOCS))
def test_each_chain_step_approves_to_the_next_and_the_signature_to_registration(db, as_user,
                                                                                which):
    doc = _draft(as_user, which)
    doc = outgoing.submit(holder_actor(waiting(doc), NOW), waiting(doc).id)
    chain = outgoing.chain_of(doc)
    assert doc.state == "审核中"
    for i, step in enumerate(chain):
        task = waiting(doc)
        assert task.step == step.name
        doc = outgoing.approve(holder_actor(task, NOW), task.id, "同意")
        if step.signs:
            assert i == len(chain) - 1 and doc.state == "已签发"
            assert waiting(doc).step == "复核登记"
        else:
            assert doc.state == "审核中"


@pytest.mark.parametrize("which", sorted(DOCS))
def test_every_chain_step_sends_back_and_resubmission_resumes_there(db, as_user, which):
    names = _chains(as_user)[which]
    for name in names:
        doc = _draft(as_user, which)
        task = drive_to(doc, name, NOW)
        doc = outgoing.send_back(holder_actor(task, NOW), task.id, "请修改")
        assert doc.state == "退改中"
        assert Task.get_by_id(task.id).state == RETURNED
        back = waiting(doc)
        assert (back.step, back.holder_id, back.note) == ("修改", doc.drafter_id, "请修改")
        doc = outgoing.submit(holder_actor(back, NOW), back.id)
        assert waiting(doc).step == name and doc.revision == 2


def test_after_signing_every_step_to_dispatch(db, as_user):
    doc = _draft(as_user, "office")
    for step, state in (("复核登记", "已签发"), ("编号", "已签发"), ("印制", "已编号"),
                        ("第一读者", "已印制"), ("分发", "已校读")):
        task = drive_to(doc, step, NOW)
        doc = outgoing.get(holder_actor(task, NOW), doc.id)
        assert doc.state == state, step
    doc = do_step(doc, NOW, waiting(doc))
    assert doc.state == "已分发"
    assert Flow.get((Flow.kind == "outgoing") & (Flow.record_id == doc.id)).state == "dispatched"


def test_a_change_after_signing_goes_back_to_the_signer(db, as_user):
    doc = _draft(as_user, "office")
    task = drive_to(doc, "编号", NOW)
    doc = outgoing.change_after_signing(as_user("lixm"), doc.id, {"title": "关于做好冬季工作的通知"},
                                        "标题改动")
    resign = waiting(doc)
    assert (resign.step, resign.holder.login) == ("重新签发", "linzh")
    assert Task.get_by_id(task.id).state == CANCELLED
    doc = outgoing.approve(as_user("linzh"), resign.id, "同意")
    assert doc.state == "已签发" and waiting(doc).step == "复核登记"


def test_the_spec_covers_what_the_tests_above_walk():
    spec = engine.workflow("outgoing").spec
    edges = {(step, action) for step, action, _ in spec.transitions()}
    chain = {s.name for s in spec.chain_steps()}
    walked = ({("起草", "submit"), ("修改", "submit"), ("重新签发", "approve"),
               ("重新签发", "send_back"), ("复核登记", "register_signed"),
               ("编号", "assign_number"), ("印制", "print"), ("第一读者", "first_read"),
               ("分发", "dispatch")}
              | {(name, a) for name in chain for a in ("approve", "send_back")})
    assert edges == walked


# ---------------------------------------------------------------------------- 分管领导 and the 区长


def test_the_lead_review_is_not_lost_when_the_head_returns_before_it_arrives(db, as_user):
    """Part 3 §17: a chain fixed while the 区长 is away, for a unit whose 分管领导 is the
    常务副区长, keeps his review; the returning 区长 never signs unreviewed."""
    _away(as_user, datetime(2026, 11, 25, 8), datetime(2026, 11, 26, 18))
    drafter = as_user("qianhy")
    doc = new_draft(drafter, issuer="区政府", lead_leader="zhaogl")
    doc = outgoing.submit(drafter, waiting(doc).id)
    assert "分管领导审核" in [s.name for s in outgoing.chain_of(doc)]
    later = datetime(2026, 11, 27, 9)  # the 区长 is back
    review = drive_to(doc, "分管领导审核", later)
    assert review.holder.login == "zhaogl" and review.acting_for_id is None
    doc = outgoing.approve(as_user("zhaogl", later), review.id, "同意")
    sign = waiting(doc)
    assert (sign.step, sign.holder.login) == ("区长签发", "wangjm")


def test_the_acting_lead_reviews_as_he_signs_and_again_if_he_hands_back(db, as_user):
    _away(as_user, datetime(2026, 11, 25, 8), datetime(2026, 11, 26, 18))
    drafter = as_user("qianhy")
    doc = new_draft(drafter, issuer="区政府", lead_leader="zhaogl")
    doc = outgoing.submit(drafter, waiting(doc).id)
    sign = drive_to(doc, "区长签发", NOW)  # arrives while he acts for the 区长
    assert (sign.holder.login, sign.acting_for.login) == ("zhaogl", "wangjm")
    skipped = Task.get((Task.step == "分管领导审核") & (Task.flow == sign.flow))
    assert skipped.state == SKIPPED and skipped.holder.login == "zhaogl"
    # The 区长 comes back before signing: the acting head hands it back, reviews it first as
    # 分管领导, and only then does the 区长 sign.
    back = as_user("zhaogl", datetime(2026, 11, 27, 9))
    engine.hand_back(back, "outgoing", sign.id)
    review = waiting(doc)
    assert (review.step, review.holder.login, review.acting_for_id) == (
        "分管领导审核", "zhaogl", None)
    doc = outgoing.approve(back, review.id, "同意")
    final = waiting(doc)
    assert (final.step, final.holder.login) == ("区长签发", "wangjm")
    doc = outgoing.approve(as_user("wangjm", datetime(2026, 11, 27, 10)), final.id, "签发")
    assert doc.signer_name == "王建明" and doc.state == "已签发"


def test_the_acting_head_signs_as_himself_for_the_head(db, as_user):
    _away(as_user, datetime(2026, 11, 25, 8), datetime(2026, 11, 30, 18))
    drafter = as_user("qianhy")
    doc = new_draft(drafter, issuer="区政府", lead_leader="wuzq")
    task = drive_to(outgoing.submit(drafter, waiting(doc).id), "区长签发", NOW)
    doc = outgoing.approve(as_user("zhaogl"), task.id, "签发")
    assert doc.signer_name == "赵国梁（代王建明）"
    assert Person.get_by_id(doc.signed_by_id).login == "zhaogl"


# ---------------------------------------------------------------------------- search and secrecy


def test_register_search_never_matches_a_field_the_viewer_may_not_see(db, as_user):
    clerk = as_user("lixm")
    register(clerk, title="关于某事的报告", doc_number="黄财〔2026〕88号", secrecy="秘密",
             from_name="某保密单位", from_unit=None)
    uncleared = as_user("zhangyt")  # clearance 无
    assert uncleared.person.clearance == 0
    for text in ("88号", "黄财", "某保密"):
        assert incoming.register_page(uncleared, text=text) == [], text
        assert len(incoming.register_page(clerk, text=text)) == 1, text


def test_available_actions_follow_the_engine_for_a_new_reader(db, as_user):
    doc = _reading(as_user, (("阅签", "zhaogl"),))
    reader = as_user("zhaogl")
    offered = engine.available_actions(reader, "incoming", doc.id)
    assert [(a.step, a.action) for a in offered if a.task_id] == [("阅签", "read")]
    assert all(a.label for a in offered)
    engine.mark_read(reader, "incoming", [a.task_id for a in offered if a.task_id])
    assert Task.get_by_id(offered[0].task_id).read_at is not None
    assert Actor(org.person_by_login("zhaogl"), NOW).person.login == "zhaogl"
    assert DONE == "done"


def test_govdesk_refuses_to_start_on_a_wrongly_edited_workflow_file(tmp_path):
    """At start, before any form: exit 1 with the file, key and line; no traceback."""
    from test_cli import run

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    spec_file = data / "workflows" / "outgoing.toml"
    text = spec_file.read_text(encoding="utf-8")
    spec_file.write_text(text.replace('holder = "section:mishu"', 'holder = "sektion:mishu"', 1),
                         encoding="utf-8")
    line = next(i for i, row in enumerate(spec_file.read_text(encoding="utf-8").splitlines(), 1)
                if "sektion" in row)
    proc = run(["people", "--db", str(tmp_path / "none.db")], tmp_path / "home",
               GOVDESK_DATA=str(data))
    assert proc.returncode == 1
    assert "outgoing.toml" in proc.stderr and f"第 {line} 行" in proc.stderr
    assert "holder" in proc.stderr
