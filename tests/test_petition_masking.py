"""Petitioners' personal data are need-to-know (SPEC §9; issue 13 item 5): a petitioner's name,
phone, address and ID number reach only the 督查室, the 直线电话受理中心 and the case's handler.
A walk through the services' views, the one search and `govdesk today` as a 秘书科 clerk, a
信息科 user, the 主任 (who sees every deadline) and an administrator finds none of a seeded
petitioner's values; the same walk as 督查室 staff finds them, so the check can fail."""

from __future__ import annotations

from datetime import datetime

import pytest

from govdesk.models import AuditEntry, Petition, Reminder, Task
from govdesk.models.flow import WAITING
from govdesk.services import audit, bulk, org, petition, search, section_work, today
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.errors import ValidationError
from govdesk.services.petition import masking, views

NOW = datetime(2026, 11, 26, 9, 30)
CLERK = "shenyj"  # 督查室
NAME, PHONE, ID = "王秀兰", "13857605678", "331003197506120025"
ADDRESS = "浙江省台州市黄岩区东城街道劝农路12号"
SECRETS = (NAME, PHONE, ID, "劝农路12号", "57605678", "1975061200")
MASKED = ("secretariat", "information", "director", "admin")
LOGINS = {"secretariat": "zhangyt", "information": "zhuh", "director": "linzh",
          "admin": "lixm", "ducha": CLERK, "hotline": "tianxl"}


def actor(login: str = CLERK) -> Actor:
    return Actor(org.person_by_login(login), NOW)


@pytest.fixture
def case(db) -> Petition:
    """A case whose summary, matter and 拟办意见 carry the petitioner's own name and numbers,
    as people do write them; proposed to the 区长 and read, now awaiting the unit's answer."""
    row = petition.register(actor(), {
        "channel": "群众来访", "summary": f"{NAME}反映菜场占道经营扰民",
        "matter": f"{NAME}（电话{PHONE}，身份证{ID}）反映：菜场外占道经营，噪音扰民。",
        "category": "城市管理", "place": "东城街道",
        "people": [{"name": NAME, "phone": PHONE, "id_number": ID, "address": ADDRESS},
                   {"name": "李建国", "phone": "13906761234"}]})
    f = engine.flow_of(petition.KIND, row.id)
    task = Task.get((Task.flow == f) & (Task.step == "拟办"))
    row = petition.propose(actor(), task.id, {"proposal": f"拟请执法局核查，电话联系{NAME}",
                                              "leader": "zhoudw"})
    task = Task.get((Task.flow == f) & (Task.step == "阅批"))
    row = petition.instruct(actor("zhoudw"), task.id, "请执法局依法处理")
    task = Task.get((Task.flow == f) & (Task.step == "转办"))
    return petition.transfer(actor(), task.id, {"lead_unit": "区综合行政执法局"})


def walk(login: str, row: Petition) -> str:
    """Everything the services show this user of the case, as text."""
    who = actor(login)
    parts = [repr(views.register_page(who)), repr(views.detail_view(who, row.id)),
             repr(petition.personal(who, row.id)), today.summary(who)]
    for words in ("占道经营", "菜场", "东城街道", "信访"):
        parts.append(repr(search.search(who, words)))
    return "\n".join(parts)


@pytest.mark.parametrize("who", MASKED)
def test_those_not_allowed_see_none_of_it(case, who):
    text = walk(LOGINS[who], case)
    assert "菜场占道经营" in text  # the case itself is there …
    for secret in SECRETS:
        assert secret not in text, secret  # … its petitioner is not
    assert "138****5678" in text and "王*" in text and "3310**********0025" in text
    assert "浙江省台州市黄岩区…" in text


@pytest.mark.parametrize("who", ["ducha", "hotline"])
def test_the_ducha_and_the_hotline_see_it(case, who):
    text = walk(LOGINS[who], case)
    for secret in SECRETS:
        assert secret in text, secret


def test_the_handler_of_the_case_sees_it_and_another_leader_does_not(case):
    assert PHONE in repr(views.detail_view(actor("zhoudw"), case.id))  # read it (阅批)
    assert PHONE not in repr(views.detail_view(actor("sunlh"), case.id))


@pytest.mark.parametrize("words", [PHONE, ID, NAME, "13906761234", "李建国", "60567"])
def test_searching_by_personal_fields_finds_the_case_only_for_those_allowed(case, words):
    for who in MASKED:
        assert search.search(actor(LOGINS[who]), words) == [], who
    (group,) = search.search(actor(), words)
    assert group.kind == "petition" and group.hits[0].id == case.id
    (group,) = search.search(actor("zhoudw"), words)  # the handler
    assert group.hits[0].id == case.id
    assert search.search(actor("sunlh"), words) == []


def test_the_record_the_index_and_the_flow_hold_no_personal_value(case):
    stored = Petition.get_by_id(case.id)
    flow_row = engine.flow_of(petition.KIND, case.id)
    texts = [stored.summary, stored.matter, stored.proposal, flow_row.title]
    texts += [t.opinion + t.note for t in Task.select().where(Task.flow == flow_row)]
    texts += [e.after or "" for e in AuditEntry.select()] + [e.before or "" for e in
                                                            AuditEntry.select()]
    from govdesk.models import SearchEntry

    texts += [e.grams for e in SearchEntry.select()]
    joined = "\n".join(texts)
    for secret in SECRETS:
        assert secret not in joined, secret


def test_opening_the_personal_data_is_audited_for_those_who_see_it(case):
    before = AuditEntry.select().where(AuditEntry.action == "petition.open_personal").count()
    views.detail_view(actor("zhangyt"), case.id)  # masked: nothing opened
    assert AuditEntry.select().where(AuditEntry.action == "petition.open_personal").count() \
        == before
    views.detail_view(actor(), case.id)
    petition.personal(actor("tianxl"), case.id)
    opened = list(AuditEntry.select().where(AuditEntry.action == "petition.open_personal")
                  .order_by(AuditEntry.id))
    assert [e.actor for e in opened[before:]] == [CLERK, "tianxl"]
    assert all(e.record_id == case.id for e in opened)
    # a screen re-reading what it has open does not audit again
    views.detail_view(actor(), case.id, record_open=False)
    assert AuditEntry.select().where(AuditEntry.action == "petition.open_personal").count() \
        == before + 2


def test_an_error_message_never_repeats_a_number(db):
    with pytest.raises(ValidationError) as err:
        petition.register(actor(), {"channel": "区长信箱", "summary": "反映问题",
                                    "people": [{"id_number": "331003197506120026"}]})
    assert "身份证号" in str(err.value) and "331003197506120026" not in str(err.value)


@pytest.mark.parametrize("value, field, shown", [
    ("13857605678", "phone", "138****5678"),
    ("057684123456", "phone", "057*****3456"),
    ("张三强", "name", "张*"),
    ("331003197506120025", "id_number", "3310**********0025"),
    ("黄岩区锦江小区5栋", "address", "黄岩区…"),
    ("锦江小区5栋", "address", "***"),
])
def test_the_masks(value, field, shown):
    assert masking.MASKS[field](value) == shown


# ---------------------------------------------------------------------------- generic readers


@pytest.fixture
def urged(case) -> Petition:
    """Two 催办 naming the petitioner: the case's own (``petition.urge``) and the generic one
    of every list's ``u`` (bulk.remind_holders → engine.remind)."""
    petition.urge(actor(), case.id, f"请尽快答复{NAME}，电话{PHONE}")
    f = engine.flow_of(petition.KIND, case.id)
    task = Task.get((Task.flow == f) & (Task.state == WAITING))
    result = bulk.remind_holders(actor("linzh"), petition.KIND, [task.id],
                                 f"{NAME}（身份证{ID}）的事抓紧")
    assert not result.refused, result.refused
    return case


def generic(login: str) -> str:
    """What the generic readers show this user: the 督查室's 催办记录, the audit view (for
    those who may browse it), the case's timeline as any screen reads it, Home's lists."""
    from govdesk.services import inbox

    who = actor(login)
    parts = [repr(section_work.reminder_log(who)),
             repr(engine.timeline(petition.KIND, 1, who)),
             repr(inbox.inbox(who)), repr(inbox.deadlines(who))]
    if audit.can_browse(who.person):
        parts.append(repr(audit.browse(who, limit=500)))
    return "\n".join(parts)


def test_a_note_naming_the_petitioner_is_stored_as_tokens(urged):
    notes = "\n".join(r.note for r in Reminder.select())
    assert "⟦0:name⟧" in notes and "⟦0:id_number⟧" in notes
    for secret in SECRETS:
        assert secret not in notes, secret


@pytest.mark.parametrize("who", MASKED)
def test_generic_readers_show_masks_never_a_token_or_a_value(urged, who):
    text = generic(LOGINS[who])
    assert "请尽快答复王*" in text and "138****5678" in text and "3310**********0025" in text
    assert "⟦" not in text
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.mark.parametrize("who", ["ducha", "hotline"])
def test_generic_readers_show_the_ducha_the_values(urged, who):
    text = generic(LOGINS[who])
    assert f"请尽快答复{NAME}，电话{PHONE}" in text and ID in text
    assert "⟦" not in text


def test_the_audit_view_renders_a_petition_entry_for_its_reader(urged):
    """lixm (an administrator, 秘书科) browses the trail: every entry of the case — the case's
    own, its tasks', its flow's, its 催办 — shows masks where its petitioner was named."""
    rows = audit.browse(actor("lixm"), limit=500)
    reminded = [r for r in rows if r["action"] == "task.remind"]
    assert len(reminded) == 2 and all("王*" in r["after"] for r in reminded)
    registered = next(r for r in rows if r["action"] == "petition.register")
    assert "王*反映菜场占道经营扰民" in registered["after"]
    joined = repr(rows)
    assert "⟦" not in joined
    for secret in SECRETS:
        assert secret not in joined, secret


def _selects(monkeypatch, call) -> tuple[object, int]:
    """``call()`` and the SELECT statements it ran."""
    from govdesk.models import database

    db, seen = database.obj, []
    run = db.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append(sql)
        return run(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", spy)
    try:
        return call(), len(seen)
    finally:
        monkeypatch.setattr(db, "execute_sql", run)


def test_other_kinds_pass_as_stored_reading_nothing(case, monkeypatch):
    """A page of other kinds reads nothing for the hook; a page of cases reads once for the
    page (who may see which, their petitioners), not once per row."""
    clerk, staff = actor("zhangyt"), actor()
    clerk.person.section, staff.person.section  # noqa: B018  (read before counting)
    page, n = _selects(monkeypatch, lambda: engine.shown_page(
        clerk, [("incoming", 1), ("outgoing", 2)]))
    assert n == 0 and page.text("incoming", 1, "⟦0:name⟧") == "⟦0:name⟧"
    texts, n = _selects(monkeypatch, lambda: engine.audit_reader(
        clerk, [("task", 1, "催办"), ("incoming_doc", 3, "{}")]))
    assert n == 0 and texts == ["催办", "{}"]
    other = petition.register(actor(), {"channel": "区长信箱", "summary": "路灯不亮",
                                         "people": [{"name": "赵敏", "phone": "13906769999"}]})
    pairs = [(case.id, "⟦0:name⟧来电"), (other.id, "⟦0:phone⟧"), (case.id, "⟦1:name⟧")] * 20
    texts, n = _selects(monkeypatch, lambda: engine.shown_texts(clerk,
                                                                petition.KIND, pairs))
    assert n <= 2 and texts[:3] == ["王*来电", "139****9999", "李*"]
    texts, n = _selects(monkeypatch, lambda: engine.shown_texts(staff, petition.KIND, pairs))
    assert n <= 2 and texts[:3] == [f"{NAME}来电", "13906769999", "李建国"]


# ---------------------------------------------------------------------------- titles per reader

TITLE = f"{NAME}反映菜场占道经营扰民"


def test_the_lists_show_the_ducha_the_title_as_it_is(urged):
    """督查室 staff see the case's title as written in their inbox, `govdesk today`, the one
    search and the 催办记录; the copy those lists read keeps masks only."""
    from govdesk.services import inbox

    staff = actor()
    assert engine.flow_of(petition.KIND, urged.id).title == "王*反映菜场占道经营扰民"
    assert TITLE in [i.title for i in inbox.inbox(staff)]
    assert TITLE in today.summary(staff)
    (group,) = search.search(staff, "占道经营")
    assert group.hits[0].title == TITLE
    assert {r.title for r in section_work.reminder_log(staff)} == {TITLE}
    assert bulk.label(staff, petition.KIND, urged.id).endswith(TITLE)  # a bulk result's line
    assert bulk.label(actor("zhangyt"), petition.KIND, urged.id).endswith("王*反映菜场占道经营扰民")
    # the handler of the case too (zhoudw read it)
    (group,) = search.search(actor("zhoudw"), "占道经营")
    assert group.hits[0].title == TITLE


@pytest.mark.parametrize("who", MASKED)
def test_the_lists_show_everyone_else_the_masked_title(urged, who):
    reader = actor(LOGINS[who])
    (group,) = search.search(reader, "占道经营")
    assert group.hits[0].title == "王*反映菜场占道经营扰民"
    assert {r.title for r in section_work.reminder_log(reader)} == {"王*反映菜场占道经营扰民"}


# ---------------------------------------------------------------------------- `govdesk today`


def today_process(db_path, login: str, home) -> str:
    """`govdesk today --db …` as a real process, run by the OS account ``login`` on the
    office clock of the tests (tests/helpers/as_account.py, pinned_cli.py)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = ("import sys; from datetime import datetime; from govdesk import cli; "
            "from govdesk.services import clock, identity; identity.pin_login(sys.argv[1]); "
            "clock.pin(datetime.fromisoformat(sys.argv[2])); "
            "raise SystemExit(cli.main(sys.argv[3:]))")
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVDESK_DB", "GOVDESK_CONFIG", "GOVDESK_LOGIN")}
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               PYTHONPATH=str(root) + os.pathsep + env.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", code, login, NOW.isoformat(), "today",
                           "--db", str(db_path)], capture_output=True, text=True, env=env,
                          cwd=home, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


@pytest.fixture
def due_today(urged) -> Petition:
    """The case's answer due today: in every deadline list (the 主任's, the 督查室's)."""
    f = engine.flow_of(petition.KIND, urged.id)
    Task.update(due=NOW.date()).where((Task.flow == f) & (Task.state == WAITING)).execute()
    return urged


def test_govdesk_today_shows_masks_to_those_not_allowed(due_today, db, tmp_path):
    for who in MASKED:
        out = today_process(db, LOGINS[who], tmp_path / who)
        for secret in SECRETS:
            assert secret not in out, (who, secret)
        assert "⟦" not in out
    # the 主任 sees every deadline: the case is there, masked
    assert "王*反映菜场占道经营扰民" in today_process(db, "linzh", tmp_path / "linzh")


def test_govdesk_today_shows_the_ducha_the_title_as_written(due_today, db, tmp_path):
    out = today_process(db, CLERK, tmp_path / CLERK)
    assert TITLE in out and "⟦" not in out


# ---------------------------------------------------------------------------- other fields, exports


def test_a_value_typed_into_the_category_or_place_is_kept_from_those_not_allowed(db):
    """A petitioner's name in the category, their address as the place: stored as tokens,
    shown masked on the case, left out of the index, counted under its mask in the briefing
    (the file that goes out); the 督查室 sees them as written."""
    from govdesk.models import SearchEntry
    from govdesk.services.petition import briefing

    row = petition.register(actor(), {
        "channel": "区长信箱", "summary": "邻里纠纷", "category": f"{NAME}家庭纠纷",
        "place": ADDRESS, "people": [{"name": NAME, "phone": PHONE, "address": ADDRESS}]})
    stored = Petition.get_by_id(row.id)
    assert NAME not in stored.category and "劝农路" not in stored.place
    assert not any(NAME in e.grams or "劝农路" in e.grams for e in SearchEntry.select())
    for who in MASKED:
        shown = views.detail_view(actor(LOGINS[who]), row.id)
        assert (shown.category, shown.place) == ("王*家庭纠纷", "浙江省台州市黄岩区…"), who
        assert search.search(actor(LOGINS[who]), "劝农路") == []
    shown = views.detail_view(actor(), row.id)
    assert (shown.category, shown.place) == (f"{NAME}家庭纠纷", ADDRESS)
    text = briefing.briefing_text(briefing.briefing(actor(), briefing.WEEK, NOW.date()))
    assert "王*家庭纠纷" in text
    for secret in SECRETS:
        assert secret not in text, secret


def test_the_briefing_is_the_staffs_and_its_refusal_names_no_one(case):
    """The 信访 briefing export: counts only, for the 督查室 and the hotline; anyone else is
    refused in words that name no petitioner."""
    from govdesk.services.errors import PermissionDenied
    from govdesk.services.petition import briefing

    made, text = briefing.compile_briefing(actor(), {"period": "month"})
    assert made.cases == 1 and "城市管理" in text
    for secret in SECRETS:
        assert secret not in text, secret
    for who in MASKED:
        with pytest.raises(PermissionDenied) as err:
            briefing.compile_briefing(actor(LOGINS[who]), {"period": "month"})
        assert not any(secret in str(err.value) for secret in SECRETS)


def test_a_call_keeps_its_callers_values_out_of_its_category(db):
    from govdesk.services.petition import hotline

    call = hotline.record_call(actor("tianxl"), {
        "caller": NAME, "phone": PHONE, "matter": f"{NAME}咨询社保", "category": f"{NAME}咨询",
        "scope": "party", "told": f"已告知{NAME}向区委办反映"})
    assert NAME not in call.category and NAME not in call.told_where
    assert hotline.told_text(call) == f"已告知{NAME}向区委办反映"
    (row,) = hotline.calls(actor("zhangyt"))
    assert (row.caller, row.phone, row.category) == ("王*", "138****5678", "王*咨询")
    assert "王*" in row.matter and NAME not in repr(row)
    (row,) = hotline.calls(actor("tianxl"))
    assert (row.caller, row.category) == (NAME, f"{NAME}咨询")


def test_the_audit_export_shows_masks_as_the_audit_view_does(urged):
    """`govdesk audit --since …` (maintenance.audit_lines), as the administrator lixm and as
    the system operator: every entry of the case parses, with masks where its petitioner was
    named, never a token or a value."""
    import json

    from govdesk.services import maintenance

    for who in (actor("lixm"), None):
        lines = maintenance.audit_lines(who, datetime(2026, 1, 1))
        entries = [json.loads(line) for line in lines]
        reminded = [e for e in entries if e["action"] == "task.remind"]
        assert len(reminded) == 2 and "请尽快答复王*，电话138****5678" in reminded[0]["after"]["note"]
        joined = "\n".join(lines)
        assert "⟦" not in joined
        for secret in SECRETS:
            assert secret not in joined, secret
