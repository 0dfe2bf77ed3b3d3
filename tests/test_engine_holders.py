"""The engine's holder rule for a unit's 主管领导 (engine.unit_leader), which the 建议提案 and
专项工作报告 阅批 steps use: the unit's 分管副区长 holds it; no unit, or a unit without one, is
refused in the module's words."""

from __future__ import annotations

import pytest
from test_suggestion import actor

from govdesk.models import Portfolio, Unit
from govdesk.services.engine import core as engine
from govdesk.services.errors import ValidationError


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
