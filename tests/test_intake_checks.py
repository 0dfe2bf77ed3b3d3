"""Intake checks (SPEC §3; Supp. §1(二)): (a) by the 文种 even with the 请示件 box unticked;
(e) suggested by the wording of the title and 摘要 (keywords in data/rules.toml)."""

from __future__ import annotations

from govdesk.services import incoming


def register(actor, **fields):
    base = {"from_unit": "cz", "title": "关于某事项的报告", "doc_kind": "报告"}
    base.update(fields)
    return incoming.register(actor, base)


def codes(doc) -> list[str]:
    return [w.code for w in incoming.intake_warnings(doc)]


def test_a_fires_on_a_qingshi_without_the_box(db, as_user):
    clerk = as_user("lixm")
    village = register(clerk, from_unit="xikoucun", doc_kind="请示", is_request=False,
                       title="关于要求解决道路硬化资金的请示")
    (warning,) = incoming.intake_warnings(village)
    assert (warning.code, warning.suggestion) == ("a", "退文")
    assert "越级请示" in warning.message and "溪口村" in warning.message
    enterprise = register(clerk, from_unit="mjny", doc_kind="请示", is_request=False)
    assert codes(enterprise) == ["a"]
    # Not a 请示 and the box not ticked: nothing to refuse.
    assert codes(register(clerk, from_unit="xikoucun", doc_kind="报告")) == []
    # A key enterprise may write to the 区政府 (Supp. §1(二)1).
    assert codes(register(clerk, from_unit="jsmj", doc_kind="请示")) == []


def test_e_suggested_by_the_title(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, title="关于加强机关党建工作的请示", doc_kind="请示")
    (warning,) = incoming.intake_warnings(doc)
    assert (warning.code, warning.key, warning.word) == ("e", "party_words", "党建")
    assert "据文字提示" in warning.message and "“党建”" in warning.message
    assert "据文字提示" in warning.record


def test_e_suggested_by_the_summary(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, title="关于举办培训班的报告",
                   summary="拟由区委宣传部牵头举办全区统战干部培训班")
    (warning,) = incoming.intake_warnings(doc)
    assert warning.code == "e" and warning.word == "宣传"


def test_e_suggested_by_a_title_written_in_traditional(db, as_user):
    doc = register(as_user("lixm"), title="關於基層黨組織換屆選舉的報告")
    (warning,) = incoming.intake_warnings(doc)
    assert warning.code == "e" and warning.word == "党组织"


def test_e_not_suggested_without_the_words(db, as_user):
    assert codes(register(as_user("lixm"), title="关于道路硬化资金的请示",
                          summary="申请道路维修资金")) == []


def test_e_from_the_boxes_comes_first_and_review_ends_the_suggestion(db, as_user):
    clerk = as_user("lixm")
    ticked = register(clerk, title="关于党建工作的报告", party_matter=True)
    assert [(w.code, w.key) for w in incoming.intake_warnings(ticked)] == [("e", "party_matter")]
    dept = register(clerk, title="关于宣传工作的报告", touches_party_dept=True)
    assert [(w.code, w.key) for w in incoming.intake_warnings(dept)] == [("e", "party_dept")]
    reviewed = register(clerk, title="关于宣传工作的报告", touches_party_dept=True,
                        party_dept_reviewed=True)
    assert codes(reviewed) == []


def test_e_suggestion_in_traditional(db, as_user, hant):
    doc = register(as_user("lixm"), title="关于统战工作的报告")
    (warning,) = incoming.intake_warnings(doc)
    assert "據文字提示" in warning.message
    assert "据文字提示" in warning.record  # the record stays in the office's Simplified


def test_the_suggestion_is_kept_with_the_decision(db, as_user):
    clerk = as_user("lixm")
    doc = register(clerk, title="关于党员教育培训经费的请示", doc_kind="请示")
    task = incoming.current_task_for(clerk, doc)
    done = incoming.decide_intake(clerk, task.id, "退文", "属党的工作")
    assert done.intake_warnings.startswith("(e) ") and "党员" in done.intake_warnings
