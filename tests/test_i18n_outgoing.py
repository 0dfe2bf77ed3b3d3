"""The 发文 services and the 差错 register speak the user's language (SPEC §4, §5): a user who
chose 繁體 reads refusals, format checks, who signs and why, and the exported statistics in
Traditional, while the office's own data (units, categories, steps, 发文字号) stays as stored.
Simplified wording is pinned by the other test modules; here the same cases in zh-Hant."""

from __future__ import annotations

import ast
import re
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers.outgoing_worker import BASE_FIELDS, drive_to, new_draft, waiting

import govdesk.i18n
from govdesk.i18n import set_language, t
from govdesk.models import OutgoingDocument
from govdesk.screens.outgoing.form import FIELD_WIDGETS
from govdesk.services import outgoing
from govdesk.services.errors import ConflictError, PermissionDenied, ValidationError
from govdesk.services.outgoing import error_register as er
from govdesk.services.outgoing.rules import format_report, signer_rule

CATALOGS = Path(govdesk.i18n.__file__).parent
SERVICES = CATALOGS.parent / "services"
MINE = ("outgoing.toml", "error_register.toml")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _flat(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out |= _flat(value, f"{prefix}{key}.")
        else:
            out[prefix + key] = value
    return out


def _load(language: str, name: str) -> dict[str, str]:
    with open(CATALOGS / language / name, "rb") as fh:
        return _flat(tomllib.load(fh))


# ---------------------------------------------------------------------------- the catalogs


@pytest.mark.parametrize("name", MINE)
def test_both_catalogs_hold_the_same_keys_and_placeholders(name):
    hans, hant = _load("zh-Hans", name), _load("zh-Hant", name)
    assert set(hans) == set(hant)
    holes = re.compile(r"\{(\w*)\}")
    for key, text in hans.items():
        assert sorted(holes.findall(text)) == sorted(holes.findall(hant[key])), key


def test_traditional_uses_the_office_words():
    """OpenCC's Taiwan table writes 籤 for 签; the office writes 簽发/会簽/簽字 (make_hant)."""
    for name in MINE:
        for key, text in _load("zh-Hant", name).items():
            assert "籤" not in text, key
    hant = _load("zh-Hant", "outgoing.toml")
    assert hant["field.signer"] == "簽發人"
    assert hant["check.number"] == "應為 機關代字〔年份〕序號號，如 {example}"


def test_every_form_field_has_a_label():
    """The form focuses by name; every name it knows is a field the services can name."""
    hans = _load("zh-Hans", "outgoing.toml")
    assert {f"field.{name}" for name in FIELD_WIDGETS} <= set(hans)


# ---------------------------------------------------------------------------- format checks


def test_format_check_in_traditional(db, as_user, hant):
    drafter = as_user("qianhy")
    problems = outgoing.check_format(drafter, {
        **BASE_FIELDS, "cc": "区总工会、区委办", "restricted": True, "recipients": "",
        "attachments": "2. 名单"}).problems
    assert [(p.name, p.field, p.message) for p in problems] == [
        ("attachments", "附件", "附件序號應為 1，實為 2"),
        # unit names are the directory's and stay as stored
        ("cc", "抄送", "應按黨、政、軍、群順序排列：「区委办」不應排在「区总工会」之後"),
        ("recipients", "分送範圍", "不普發的文件，送審時應附上分送單位名單"),
    ]


def test_format_check_names_the_same_fields_in_both_languages(db, as_user):
    fields = {**BASE_FIELDS, "main_to": "", "sealed": False, "urgency": "加急",
              "secrecy": "秘密", "body": "秘密★\n加急\n正文。"}
    hans = outgoing.check_format(as_user("qianhy"), fields).problems
    set_language("zh-Hant")
    try:
        hant = outgoing.check_format(as_user("qianhy"), fields).problems
    finally:
        set_language("zh-Hans")
    assert [p.name for p in hans] == [p.name for p in hant] == ["main_to", "urgency", "sealed"]
    assert [p.field for p in hans] == ["主送", "紧急程度", "印章"]
    assert [p.field for p in hant] == ["主送", "緊急程度", "印章"]
    assert [p.message for p in hant] == ["不能為空（紀要除外）", "既緊急又涉密的文件應先標緊急程度，再標密級",
                                         "除紀要外，公文落款應加蓋印章"]


def test_a_form_refusal_is_reported_by_the_check_with_its_name(db, as_user, hant):
    [problem] = outgoing.check_format(as_user("qianhy"), {**BASE_FIELDS, "issuer": "区人大"}).problems
    assert (problem.name, problem.field) == ("issuer", "發文機關")
    assert problem.message == "應為 區政府、區政府辦公室、區委區政府聯合、兩辦聯合 之一"  # as shown


def test_print_stage_in_traditional(db, as_user, hant):
    doc = new_draft(as_user("qianhy"))
    drive_to(doc, "印制", as_user("qianhy").now)
    doc = OutgoingDocument.get_by_id(doc.id)
    doc.number = "黄政办发[2026]1号"
    problems = format_report(doc, "print").problems
    assert [(p.name, p.field) for p in problems] == [
        ("print_org", "印發機關"), ("print_date", "印發日期"), ("number", "發文字號")]
    assert problems[-1].message == "應為 機關代字〔年份〕序號號，如 黄政发〔2026〕12号"


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("fields", "name", "text"), [
    ({"title": "  "}, "title", "標題：不能為空"),
    ({"issuer": "区人大"}, "issuer", "發文機關：應為 區政府、區政府辦公室、區委區政府聯合、兩辦聯合 之一"),
    ({"urgency": "平急"}, "urgency", "緊急程度：應為 特急、加急、普通 之一"),
    ({"origin": "department", "review_section": "ban1"}, "drafting_unit",
     "起草部門：部門起草的文稿要寫明起草部門"),
    ({"origin": "department", "drafting_unit": "cz"}, "review_section",
     "審核科室：部門起草的文稿要選擇區府辦有關科室審核"),
    ({"drafting_section": "不存在科"}, "drafting_section", "起草科室：找不到科室「不存在科」"),
    ({"drafting_unit": "x\x07"}, "drafting_unit", "起草部門：含有看不見的控制字符 U+0007（如製表符、換行、顏色代碼、零寬空格），請刪去後再保存"),
    ({"lead_leader": "nobody"}, "lead_leader", "分管領導：找不到人員「nobody」"),
    ({"secrecy": "绝密"}, "secrecy", "密級：不能起草高於本人密級權限的文稿"),
    ({"secrecy": "机密", "secrecy_years": 21}, "secrecy_years", "保密期限：應在 1 到 20 之間"),
])
def test_refused_draft_in_traditional(db, as_user, hant, fields, name, text):
    with pytest.raises(ValidationError) as err:
        new_draft(as_user("qianhy"), **fields)
    assert (err.value.name, str(err.value)) == (name, text)
    assert name in FIELD_WIDGETS  # the form can put the cursor there
    assert OutgoingDocument.select().count() == 0


def test_refused_submission_in_traditional(db, as_user, hant):
    drafter = as_user("qianhy")
    doc = new_draft(drafter, restricted=True, recipients="")
    with pytest.raises(ValidationError) as err:
        outgoing.submit(drafter, waiting(doc).id)
    assert err.value.name == "recipients"
    assert str(err.value) == "分送範圍：不普發的文件，送審時應附上分送單位名單"


def test_workflow_refusals_in_traditional(db, as_user, hant):
    drafter = as_user("qianhy")
    doc = new_draft(drafter)
    with pytest.raises(ConflictError, match="這份文稿剛被他人修改過"):
        outgoing.update_draft(drafter, doc.id, doc.version + 5, BASE_FIELDS)
    with pytest.raises(PermissionDenied, match="只有擬稿人可以修改文稿"):
        outgoing.update_draft(as_user("fengj"), doc.id, doc.version, BASE_FIELDS)
    with pytest.raises(ValidationError) as err:
        outgoing.approve(drafter, waiting(doc).id, "")
    assert str(err.value) == "環節：「起草」不是審核環節"  # 起草 is written alike in both
    with pytest.raises(ValidationError) as err:
        outgoing.set_written_date(drafter, doc.id, date(2026, 12, 1))
    assert (err.value.name, str(err.value)) == ("written", "成文日期：文件尚未簽發")
    with pytest.raises(ValidationError) as err:
        outgoing.record_error(as_user("lixm"), doc.id, "错别字", section="diaoyan", note="x")
    assert (err.value.name, err.value.field) == ("category", "差錯類別")
    assert err.value.message == "應為 政策差錯、文種格式差錯、文字差錯、文件倒流 之一"
    with pytest.raises(ValidationError) as err:
        outgoing.compare(doc.id, 1, 9)
    assert str(err.value) == "版本：找不到要比較的版本"


def test_records_stay_simplified_in_traditional(db, as_user, hant):
    """What the office keeps (revision notes, opinions, steps) is written as before."""
    drafter = as_user("qianhy")
    doc = new_draft(drafter)
    outgoing.submit(drafter, waiting(doc).id)
    assert [r.note for r in outgoing.revisions(doc)] == ["初稿"]
    doc = OutgoingDocument.get_by_id(doc.id)
    assert doc.signer_name == "主任"
    assert waiting(doc).step == "秘书科核稿"


# ---------------------------------------------------------------------------- who signs


def test_signer_reason_is_read_in_the_current_language(db, as_user):
    doc = new_draft(as_user("qianhy"), issuer="区政府", normative=True)
    signer = signer_rule(doc)
    assert signer.reason == "规范性文件由区长签发（第三篇第十六条）"
    set_language("zh-Hant")
    try:
        assert signer.reason == "規範性文件由區長簽發（第三篇第十六條）"  # the same Signer, read now
        assert signer_rule(new_draft(as_user("qianhy"))).reason == (
            "以區政府辦公室名義行文由辦公室主任簽發（第三篇第十七條）")
        assert t("outgoing.signer_line", rank=signer.rank, reason=signer.reason) == (
            t("outgoing.signer_line", rank="区长", reason="規範性文件由區長簽發（第三篇第十六條）"))
    finally:
        set_language("zh-Hans")
    assert signer.rank == "区长"  # stored as signer_name: stays


# ---------------------------------------------------------------------------- 差错 register


@pytest.fixture
def errors(db, as_user):
    when = datetime(2026, 11, 26, 10)
    doc = new_draft(as_user("qianhy", datetime(2026, 3, 2, 9)))
    for category, section, person in [("文字差错", "diaoyan", "qianhy"),
                                      ("政策差错", "diaoyan", None)]:
        outgoing.record_error(as_user("lixm", when), doc.id, category, section=section,
                              person=person, note="错字", step="秘书科核稿")


def test_statistics_text_in_traditional(errors, hant):
    text = er.statistics_text(er.statistics(*er.period_bounds(2026, quarter=4)), "標題")
    lines = text.splitlines()
    assert lines[:3] == ["標題", "統計期間：2026-10-01 至 2027-01-01（不含）", "差錯合計：2 處"]
    assert "按類別" in lines and "按科室" in lines and "按責任人" in lines
    assert lines[lines.index("按類別") + 1].split() == ["類別", "處數"]
    assert lines[lines.index("按科室") + 1].split() == ["科室", "政策差错", "文种格式差错", "文字差错",
                                                     "文件倒流", "合計"]
    assert lines[lines.index("按責任人") + 1].split()[0] == "責任人"
    assert "（未指明）" in text  # the same words in both scripts
    assert not any(word in text for word in ("统计", "差错合计", "按类别", "处数", "合计"))
    empty = er.statistics_text(er.statistics(*er.period_bounds(2026, month=1)), "x")
    assert "（無）" in empty


def test_evaluation_text_in_traditional(errors, hant):
    lines = er.evaluation_text(2026).splitlines()
    assert lines[0] == "2026年度各科室公文質量評比表"
    assert lines[2].split() == ["科室", "擬文件數", "有差錯件數", "差錯率", "政策差错", "文种格式差错",
                                "文字差错", "文件倒流"]
    assert next(x.split() for x in lines if x.startswith("综合调研科")) == [
        "综合调研科", "1", "1", "100%", "1", "0", "1", "0"]


@pytest.mark.parametrize(("kwargs", "name", "text"), [
    ({"month": 13}, "month", "月份：應在 1 到 12 之間"),
    ({"quarter": 5}, "quarter", "季度：應在 1 到 4 之間"),
    ({"month": 1, "quarter": 1}, "period", "統計期間：月份和季度只能選一個"),
    ({"month": "1"}, "month", "月份：應為整數"),
])
def test_period_refused_in_traditional(hant, kwargs, name, text):
    with pytest.raises(ValidationError) as err:
        er.period_bounds(2026, **kwargs)
    assert (err.value.name, str(err.value)) == (name, text)


def test_statistics_refused_in_traditional(db, hant):
    with pytest.raises(ValidationError) as err:
        er.statistics("2026-01-01", date(2026, 2, 1))
    assert (err.value.name, str(err.value)) == ("start", "開始日期：應為日期")


# ---------------------------------------------------------------------------- no literals left

REFUSALS = {"ValidationError", "NotFound", "PermissionDenied", "ConflictError", "ServiceError",
            "_refuse", "add", "fault", "Problem", "Signer"}
LABEL_AT = {"text": 2, "choice": 2, "integer": 2, "day": 2, "unit": 1, "person": 1}


def shown_literals(source: str) -> list[tuple[int, str]]:
    """CJK constants a refusal, a format problem, a signer's reason or a validate check's label
    is built from: text that would reach the user in Simplified whatever they chose. A Signer's
    rank (its first argument) is the office's word, stored as signer_name."""
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(source)):
        shown: list[ast.AST] = []
        if isinstance(node, ast.Raise) and node.exc is not None:
            shown.append(node.exc)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(
                func.value, ast.Name) else None
            if name == "Signer":
                shown.extend(node.args[1:])
            elif name in REFUSALS:
                shown.extend([*node.args, *(k.value for k in node.keywords)])
            elif owner == "validate" and name in LABEL_AT:
                shown.extend(node.args[LABEL_AT[name]:LABEL_AT[name] + 1])
                shown.extend(k.value for k in node.keywords if k.arg == "label")
        for part in shown:
            for sub in ast.walk(part):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) \
                        and CJK.search(sub.value):
                    found.add((sub.lineno, sub.value))
    return sorted(found)


@pytest.mark.parametrize("module", ["outgoing/workflow.py", "outgoing/rules.py",
                                    "outgoing/error_register.py"])
def test_no_simplified_literal_in_what_the_services_show(module):
    assert shown_literals((SERVICES / module).read_text(encoding="utf-8")) == []


def test_the_literal_check_finds_what_it_looks_for():
    """The check can fail: each line as the services were is caught; data arguments are not."""
    bad = [
        'raise ValidationError("发文机关", f"应为 {\'、\'.join(ISSUERS)} 之一")',
        'raise NotFound(f"发文 {doc_id}")',
        'raise PermissionDenied("该文件密级高于您的权限。")',
        'e = ConflictError("这份文稿刚被他人修改过。")',
        'report.add("抄送", f"「{name}」不在单位名录中")',
        'x = validate.text({"n": note}, "n", "修改说明", required=True)',
        'x = validate.person(person, "责任人")',
        'return Signer("区长", "规范性文件由区长签发（第三篇第十六条）")',
    ]
    assert [line for line in bad if not shown_literals(line)] == []
    fine = ('x = validate.choice(fields, "issuer", _label("issuer"), ISSUERS, "区政府办公室")\n'
            'return Signer("区长", "normative")\n'
            'flow.complete(actor, task, opinion or "同意")\n'
            '_save_revision(actor, doc, "初稿")\n')
    assert shown_literals(fine) == []


def test_error_register_has_no_chinese_outside_docstrings():
    """Nothing in it is office data: every text is a header or a refusal, so all of it is in
    the catalog (categories, sections and names come from the database)."""
    tree = ast.parse((SERVICES / "outgoing" / "error_register.py").read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    assert [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings and CJK.search(n.value)] == []
