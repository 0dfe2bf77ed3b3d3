"""What the engine gives a module besides its turns: the holder rule for a unit's 主管领导
(engine.unit_leader: the unit's 分管副区长; no unit, or one without, refused in the module's
words), a new record's registration (engine.register_record: the flow started with its 登记
hop, the registration audited with the record as saved), and a register's page
(engine.register_rows: by state, newest first, keyset-paged both ways, each with its earliest
waiting deadline)."""

from __future__ import annotations

import json

import pytest
from test_suggestion import actor, assigned, fields

from govdesk.models import AuditEntry, Portfolio, Suggestion, Task, Unit
from govdesk.models import suggestion as states
from govdesk.services import suggestion
from govdesk.services.engine import core as engine
from govdesk.services.errors import ValidationError

S = Suggestion


def refusal() -> ValidationError:
    return ValidationError("主办单位", "没有分管领导", name="lead_unit")


def test_the_units_portfolio_leader_holds_it(db):
    (hand,) = engine.unit_leader(actor(), Unit.get(Unit.code == "jyj"), refusal)
    assert (hand.person.login, hand.acting_for) == ("zhoudw", None)


def test_no_unit_or_one_without_a_leader_is_refused_in_the_modules_words(db):
    alone = Unit.select().where(Unit.id.not_in(Portfolio.select(Portfolio.unit))).first()
    assert alone is not None
    for unit in (None, alone):
        with pytest.raises(ValidationError) as exc:
            engine.unit_leader(actor(), unit, refusal)
        assert (exc.value.field, exc.value.name) == ("主办单位", "lead_unit")


def test_a_registered_record_has_its_flow_and_its_audited_registration(db):
    row = Suggestion.create(**suggestion.clean_fields(fields(), actor().today),
                            state=states.REGISTERED, registered_by=actor().person,
                            created_at=actor().now, updated_at=actor().now)
    f = engine.register_record(actor(), suggestion.KIND, row, registered=("登记", "已登记"))
    steps = [(t.step, t.state, t.opinion) for t in Task.select().where(Task.flow == f)
             .order_by(Task.id)]
    assert steps == [("登记", "done", "已登记"), ("交办", "waiting", "")]
    entry = AuditEntry.get(AuditEntry.action == "suggestion.register")
    assert (entry.table, entry.record_id, entry.actor) == ("suggestion", row.id, "guojw")
    assert json.loads(entry.after)["number"] == "第12号"


def test_a_register_page_by_state_paged_both_ways_with_each_ones_deadline(db):
    ids = [suggestion.register(actor(), fields(f"第{n}号")).id for n in (1, 2, 3)]
    done = assigned(number="第4号", co=())  # 办理中, the reply due in 3 months
    q = S.select()
    rows, dues = engine.register_rows(suggestion.KIND, q)
    assert [r.id for r in rows] == [done.id, *reversed(ids)]
    assert dues[done.id] == done.reply_due and ids[0] not in dues  # 交办 has no deadline
    rows, dues = engine.register_rows(suggestion.KIND, q, state=states.HANDLING)
    assert [r.id for r in rows] == [done.id] and dues == {done.id: done.reply_due}
    rows, _ = engine.register_rows(suggestion.KIND, q, before_id=ids[2], limit=1)
    assert [r.id for r in rows] == [ids[1]]
    rows, _ = engine.register_rows(suggestion.KIND, q, after_id=ids[0], limit=2)
    assert [r.id for r in rows] == [ids[2], ids[1]]  # the page right above, newest first
    assert engine.register_rows(suggestion.KIND, q, state="办" * 100_000) == ([], {})
    with pytest.raises(ValidationError) as exc:
        engine.register_rows(suggestion.KIND, q, before_id="x")
    assert exc.value.name == "before_id"
