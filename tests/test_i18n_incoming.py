"""The 收文 service speaks the user's language: its refusals and display texts come from the
catalog at the moment they are raised or shown, while what it writes into the office's records
stays Simplified (govdesk/services/incoming/workflow.py, govdesk/i18n/*/incoming.toml)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from govdesk.i18n import catalog, set_language
from govdesk.models import IncomingDocument
from govdesk.services import incoming
from govdesk.services.errors import ConflictError, PermissionDenied, ValidationError

SOURCE = Path(incoming.workflow.__file__).read_text(encoding="utf-8")
BASE = {"from_unit": "cz", "title": "关于某事项的报告", "doc_kind": "报告"}
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def register(actor, **fields):
    return incoming.register(actor, {**BASE, **fields})


def intake_task(actor, doc):
    task = incoming.current_task_for(actor, doc)
    assert task is not None and task.step == "初审"
    return task


# ---------------------------------------------------------------------------- refusals


def test_empty_sender_refused_in_traditional(db, as_user, hant):
    with pytest.raises(ValidationError) as err:
        register(as_user("lixm"), from_unit="", from_name="  ")
    assert err.value.field == "來文單位"
    assert err.value.message == "不能為空"
    assert str(err.value) == "來文單位：不能為空"
    assert err.value.name == "from_name"
    assert IncomingDocument.select().count() == 0


def test_refusal_follows_the_language_of_the_moment(db, as_user):
    """Rendered when raised, not when the module was imported: the same call, three times."""
    seen = []
    try:
        for language in ("zh-Hans", "zh-Hant", "zh-Hans"):
            set_language(language)
            with pytest.raises(ValidationError) as err:
                register(as_user("lixm"), addressed_to="领导个人")
            seen.append((str(err.value), err.value.name))
    finally:
        set_language("zh-Hans")
    assert seen == [
        ("收件领导：寄给领导个人的件要写明哪位领导", "addressed_leader"),
        ("收件領導：寄給領導個人的件要寫明哪位領導", "addressed_leader"),
        ("收件领导：寄给领导个人的件要写明哪位领导", "addressed_leader"),
    ]


def test_every_kind_of_refusal_in_traditional(db, as_user, hant):
    clerk = as_user("lixm")
    doc = register(clerk)
    task = intake_task(clerk, doc)

    with pytest.raises(ValidationError) as err:
        incoming.decide_intake(clerk, task.id, "搁置", "")
    # The label is the user's language; the choices are the office's data and stay as stored.
    assert str(err.value) == "受理決定：應為 受理、轉辦、退文 之一"
    assert err.value.name == "decision"

    with pytest.raises(ValidationError) as err:
        incoming.decide_intake(clerk, task.id, "退文", " ")
    assert (err.value.field, err.value.message, err.value.name) == ("理由", "不能為空", "reason")

    with pytest.raises(ValidationError) as err:
        incoming.archive(clerk, task.id, "永久")
    assert str(err.value) == "歸檔：這一步不是歸檔"

    with pytest.raises(ValidationError) as err:
        incoming.lend(clerk, doc.id, clerk.person)
    assert str(err.value) == "借閱：只有已歸檔的文件可以借閱"

    with pytest.raises(ConflictError) as err:
        incoming.update(clerk, doc.id, doc.version + 7, dict(BASE))
    assert str(err.value).startswith("這份收文剛被他人修改過。")

    secret = register(clerk, title="机密事项", secrecy="秘密")
    with pytest.raises(PermissionDenied) as err:
        incoming.get(as_user("zhangyt"), secret.id)
    assert str(err.value) == "該文件密級高於您的權限。"

    incoming.decide_intake(clerk, task.id, "受理", "")
    head = as_user("linzh")
    sign = incoming.current_task_for(head, doc)
    with pytest.raises(ValidationError) as err:
        incoming.sign(head, sign.id, "  ", [])
    assert (err.value.field, err.value.message) == ("簽批意見", "不能為空")
    with pytest.raises(ValidationError) as err:
        incoming.sign(head, sign.id, "请阅", [])
    assert str(err.value) == "閱件人：至少選擇一位閱件人"
    with pytest.raises(ValidationError) as err:
        incoming.sign(head, sign.id, "请阅",
                      [incoming.Reader("阅知", person=as_user("zhaogl").person)])
    assert str(err.value) == "閱件方式：應為 閱簽、閱辦、傳閱 之一"


def test_intake_warning_shown_in_traditional_but_kept_in_simplified(db, as_user, hant):
    clerk = as_user("lixm")
    doc = register(clerk, from_unit="xikoucun", is_request=True, doc_kind="请示")
    (warning,) = incoming.intake_warnings(doc)
    assert warning.message.startswith("越級請示：")
    assert warning.record.startswith("越级请示：")
    done = incoming.decide_intake(clerk, intake_task(clerk, doc).id, "退文", "越级")
    # The warning kept with the decision is the office's record, whatever the clerk reads.
    assert done.intake_warnings == f"(a) {warning.record}"
    assert "級" not in done.intake_warnings and "請" not in done.intake_warnings


def test_reader_label_and_holders_come_from_the_catalog(db, as_user, hant, monkeypatch):
    clerk = as_user("lixm")
    doc = register(clerk)
    reader = incoming.Reader("阅签", person=as_user("zhaogl").person)
    assert reader.action == "阅签"  # what is stored and compared
    assert reader.label() == "赵国梁（閱簽）"  # the name as written, the step in the user's words
    people = [as_user(login).person for login in ("zhaogl", "zhoudw")]
    incoming.circulate(clerk, doc.id, people)
    # The catalog's text is what is shown: prove it by changing the catalog.
    hant_catalog = dict(catalog("zh-Hant"))
    hant_catalog["incoming.shown.holders"] = "{who}等{n}位"
    hant_catalog["incoming.shown.reader"] = "{who}〈{action}〉"
    monkeypatch.setattr("govdesk.i18n.catalog",
                        lambda language: hant_catalog if language == "zh-Hant"
                        else catalog(language))
    (row,) = incoming.register_page(clerk)
    assert row.holders.endswith("等3位")  # 秘书科's 初审 and the two readers
    assert reader.label() == "赵国梁〈閱簽〉"


# ---------------------------------------------------------------------------- the source


REFUSALS = {"ValidationError", "PermissionDenied", "ConflictError", "NotFound", "ServiceError"}
# Calls whose argument at this position is shown to the user (the label of a validate check,
# the catalog key of an intake warning); the other arguments may be data (a default 文种 …).
SHOWN_ARG = {("validate", "text"): 2, ("validate", "choice"): 2, ("validate", "integer"): 2,
             ("validate", "day"): 2, ("validate", "unit"): 1, ("validate", "person"): 1,
             (None, "IntakeWarning"): 1}


def _callee(func: ast.expr) -> tuple[str | None, str]:
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else None
        return owner, func.attr
    return None, ""


def literal_messages(source: str) -> list[str]:
    """CJK string constants a refusal (or a validate check's label) is built from: text that
    would reach the user in Simplified whatever language they chose."""
    found: dict[int, set[str]] = {}
    for node in ast.walk(ast.parse(source)):
        shown: list[ast.AST] = []
        if isinstance(node, ast.Raise) and node.exc is not None:
            shown.append(node.exc)
        elif isinstance(node, ast.Call):
            owner, name = _callee(node.func)
            if name in REFUSALS:
                shown.extend([*node.args, *(k.value for k in node.keywords)])
            elif (owner, name) in SHOWN_ARG:
                at = SHOWN_ARG[owner, name]
                shown.extend(node.args[at:at + 1])
                shown.extend(k.value for k in node.keywords if k.arg in ("label", "key"))
        for part in shown:
            for sub in ast.walk(part):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) \
                        and CJK.search(sub.value):
                    found.setdefault(sub.lineno, set()).add(sub.value)
    return [f"line {line}: {sorted(values)}" for line, values in sorted(found.items())]


def test_no_simplified_literal_in_what_incoming_raises():
    assert literal_messages(SOURCE) == []


def test_the_literal_check_finds_what_it_looks_for():
    """The check above can fail: each of these lines (the service as it was) is caught, and
    data arguments are not."""
    bad = [
        'raise ValidationError("来文单位", "不能为空")',
        'raise NotFound(f"收文 {doc_id}")',
        'raise PermissionDenied("该文件密级高于您的权限。")',
        'raise ValidationError(t("x"), f"应为 {\'、\'.join(EXCEPTIONS)} 之一", name="e")',
        'error = ConflictError("这份收文刚被他人修改过")',
        'x = validate.text(fields, "title", "标题", required=True)',
        'x = validate.unit(fields.get("remit_unit"), label="职能部门")',
        'w = IntakeWarning("d", "直接报领导个人审批", "退文")',
    ]
    assert [len(literal_messages(line)) for line in bad] == [1] * len(bad)
    fine = ('x = validate.choice(fields, "doc_kind", _label("doc_kind"), DOC_KINDS, "通知")\n'
            'w = IntakeWarning("d", "to_leader", "退文")\n'
            'flow.complete(actor, task, note or "办结")\n')
    assert literal_messages(fine) == []


def used_keys(source: str) -> set[str]:
    """The catalog keys incoming.py renders: t("…"), _refused("…"), _label("…") and the keys
    of its intake warnings."""
    keys: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        consts = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        _owner, name = _callee(node.func)
        if name == "t" and consts and isinstance(consts[0], str):
            keys.add(consts[0])
        elif name == "_refused" and consts:
            keys.add(f"incoming.refuse.{consts[0]}")
        elif name == "_label" and consts:
            keys.add(f"incoming.f_{consts[0]}")
        elif name == "IntakeWarning" and len(consts) > 1:
            keys.add(f"incoming.intake.{consts[1]}")
    return keys


def fields_of(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_key_incoming_uses_is_in_both_catalogs():
    keys = used_keys(SOURCE)
    assert len(keys) > 40 and "incoming.refuse.conflict" in keys
    for language in ("zh-Hans", "zh-Hant"):
        missing = sorted(k for k in keys if k not in catalog(language))
        assert missing == [], f"{language}: {missing}"


def test_incoming_catalogs_hold_the_same_keys_and_placeholders():
    hans = {k: v for k, v in catalog("zh-Hans").items() if k.startswith("incoming.")}
    hant = {k: v for k, v in catalog("zh-Hant").items() if k.startswith("incoming.")}
    assert sorted(hans) == sorted(hant)
    assert {k: fields_of(v) for k, v in hans.items()} == {k: fields_of(v) for k, v in hant.items()}
    # The office writes 签 as 簽 in 簽批/簽收/閱簽, never 籤 (make_hant's OFFICE_USAGE).
    assert not [v for v in hant.values() if "籤" in v]
