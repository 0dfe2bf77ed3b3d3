"""The demo's 督查室 work (SPEC §10–§11): 督查事项 of every kind, a 两会 batch of 建议提案 and a
人大 专项工作报告, each made through its services with the clock at the moment it happened, like
the rest of services.demo (which calls ``populate``).

Units have no logins: their 签收, 反馈, opinions and replies are registered by the 督查室 (沈怡君,
its 科长 郭建伟 confirming and urging), each with the unit's own date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from govdesk.models import Person, Task
from govdesk.services import flow, org, special_report, suggestion, supervision
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine

CLERK, CHIEF = "shenyj", "guojw"


def _waiting(kind: str, row) -> list[Task]:
    return flow.waiting_tasks(engine.flow_of(kind, row.id))


def _task(kind: str, row, step: str) -> Task:
    return next(t for t in _waiting(kind, row) if t.step == step)


class _Days:
    """Working days counted back from the demo's today, and moments on them."""

    def __init__(self, clock) -> None:
        from govdesk.services.demo import _workdays_back

        self.clock, self.back = clock, _workdays_back
        self.today = clock.today

    def day(self, back: int) -> date:
        return self.back(self.today, back) if back > 0 else self.today

    def at(self, back: int, hour: int = 10, minute: int = 0) -> datetime:
        return self.clock.at(self.day(back), hour, minute)


def populate(clock) -> None:
    days = _Days(clock)
    clerk, chief = org.person_by_login(CLERK), org.person_by_login(CHIEF)
    _items(days, clerk, chief)
    _suggestions(days, clerk)
    _special_report(days, clerk)


# ---------------------------------------------------------------------------- 督查事项

# (kind, fields, registered (working days back), signed (days back, one per unit), reports:
# how the item goes on — "periodic" (on time each period), "late" (the report overdue, one
# 催办单), "done" (periodic, then the final report and 办结), "none")
ITEMS = [
    ("重点工作", {"title": "推进城东片区老旧小区改造提升", "lead_unit": "zjj",
                 "co_units": "dongcheng、cz", "target": "年底前完成 42 个小区改造，惠及居民 1.2 万户",
                 "responsible": "钱国栋", "liaison": "王磊", "meeting_back": 175},
     170, (168, 167, 166), "periodic"),
    ("大项目", {"title": "82省道延伸线黄岩段工程建设", "lead_unit": "jtj", "co_units": "zrzyfj",
               "target": "完成路基工程 60%，年内开工桥梁标段", "responsible": "陶建明",
               "liaison": "林晓"},
     120, (118, 117), "periodic"),
    ("会议安排事项", {"title": "区政府第38次常务会议议定事项：模具产业集群数字化改造",
                   "lead_unit": "jxj", "co_units": "kjj", "target": "年内完成 30 家企业数字化改造",
                   "responsible": "徐振宇", "liaison": "陈静"},
     40, (39, 38), "none"),
    ("领导批示件", {"title": "关于做好今冬明春森林防火工作的批示", "lead_unit": "ningxi",
                  "instructed_by": "wangjm", "urgency": "加急",
                  "instruction": "请宁溪镇切实落实森林防火责任，重点时段加强巡查，确保不发生重大火情。",
                  "responsible": "", "liaison": "周强", "instructed_back": 4},
     3, (1,), "none"),
    ("领导批示件", {"title": "关于城东小学学位紧张问题的批示", "lead_unit": "jyj",
                  "co_units": "zrzyfj", "instructed_by": "zhoudw", "urgency": "特急",
                  "instruction": "请教育局会同自然资源局三日内拿出解决方案，确保明年秋季入学。",
                  "responsible": "卢春燕", "liaison": "张敏", "instructed_back": 13},
     12, (11, 11), "late"),
    ("特别交办事项", {"title": "重复信访积案集中化解攻坚", "lead_unit": "xfj", "co_units": "sfj",
                   "target": "年底前化解积案 80%", "responsible": "", "liaison": "何丽"},
     1, (), "none"),
    ("上级决策部署", {"title": "落实全省安全生产大检查部署", "lead_unit": "yjj",
                   "co_units": "scjgfj", "target": "完成全区重点企业安全隐患排查整治",
                   "responsible": "方卫东", "liaison": "吴晨"},
     70, (69, 68), "done"),
]
REPORTS = ("已制定工作方案，明确责任分工，各项工作有序推进。",
           "主体工作按计划推进，已完成阶段目标，下一步加快收尾。",
           "协调解决了资金和用地问题，进度符合预期。",
           "完成年度目标任务的主要部分，正在组织验收。")


def _items(days: _Days, clerk: Person, chief: Person) -> None:
    for n, (kind, fields, registered, signed, course) in enumerate(ITEMS):
        fields = dict(fields)
        if "meeting_back" in fields:
            fields["meeting_on"] = days.day(fields.pop("meeting_back")).isoformat()
        if "instructed_back" in fields:
            fields["instructed_on"] = days.day(fields.pop("instructed_back")).isoformat()
        row = supervision.register(Actor(clerk, days.at(registered, 9, 20 + n)),
                                   {"kind": kind, **fields})
        for back in signed:
            row = supervision.sign(Actor(clerk, days.at(back, 15)),
                                   _task(supervision.KIND, row, "签收").id)
        if course == "late":
            supervision.urge(Actor(chief, days.at(3, 9)), row.id,
                             "请于两个工作日内报送办理情况")
        elif course in ("periodic", "done"):
            row = _periodic(days, clerk, chief, row, done=course == "done")


def _periodic(days: _Days, clerk: Person, chief: Person, row, *, done: bool):
    """Reports on time each period, a co-unit's now and then; an item to finish gives its
    final report once two periods are done and the 督查室 confirms it."""
    parts = supervision.parts(row)
    co = [p.unit for p in parts if p.role == "协办"]
    made = 0
    while True:
        report_day = _workday_before(row.next_due, 2)
        if report_day >= days.today or (done and report_day >= days.day(8)):
            break
        actor = Actor(clerk, days.clock.at(report_day, 14))
        task = _task(supervision.KIND, row, "反馈")
        if co and made % 2 == 0:
            supervision.report(actor, task.id, {
                "unit": co[made % len(co)].code, "text": "已按分工配合牵头单位推进。",
                "unit_date": report_day.isoformat()})
            task = _task(supervision.KIND, row, "反馈")
        row = supervision.report(actor.at(days.clock.at(report_day, 15)), task.id, {
            "text": REPORTS[made % len(REPORTS)], "progress": min(30 + 25 * made, 90),
            "unit_date": report_day.isoformat()})
        made += 1
        if done and made == 2:
            break
    if done:
        actor = Actor(clerk, days.at(6, 10))
        row = supervision.final_report(actor, _task(supervision.KIND, row, "反馈").id, {
            "text": "各项整治任务全部完成，隐患整改率 100%。",
            "unit_date": days.day(6).isoformat()})
        row = supervision.confirm(Actor(chief, days.at(5, 11)),
                                  _task(supervision.KIND, row, "确认办结").id,
                                  "经核实，已完成，同意办结。")
    return row


def _workday_before(day: date, n: int) -> date:
    from govdesk.services.demo import _workdays_back

    return _workdays_back(day, n)


# ---------------------------------------------------------------------------- 建议提案

# (source, number, proposer, group, title, category, lead, co-units, how far it has got)
SUGGESTIONS = [
    ("建议", "第3号", "王丽萍", "城关代表团", "关于加快老旧小区加装电梯的建议", "城建", "zjj",
     "dongcheng", "closed"),
    ("建议", "第7号", "陈国华等5人", "院桥代表团", "关于增加城区中小学学位供给的建议", "教育",
     "jyj", "zrzyfj", "adopted"),
    ("建议", "第12号", "林海军", "宁溪代表团", "关于完善山区农村公交线路的建议", "交通", "jtj",
     "", "redo"),
    ("提案", "第21号", "黄志明", "经济界", "关于扶持模具产业数字化转型的提案", "经济", "jxj",
     "kjj、swj", "co_opinions"),
    ("提案", "第28号", "赵雅琴", "医药卫生界", "关于提升基层医疗服务能力的提案", "卫生", "wjj",
     "ybfj", "drafted"),
    ("提案", "第33号", "郑春来", "农业界", "关于推进柑橘产业提质增效的提案", "农业", "nyj", "",
     "reviewed"),
    ("提案", "第40号", "孙晓燕", "社会福利界", "关于加强居家养老服务体系建设的提案", "民政",
     "mzj", "", "approved"),
    ("建议", "第18号", "蒋伟东", "江口代表团", "关于进一步优化营商环境的建议", "经济", "fgj", "",
     "sent"),
    ("提案", "第46号", "周文斌", "环境资源界", "关于加强永宁江生态治理的提案", "环保", "slj",
     "sthjfj", "registered"),
]
BODY = ("{title}。近年来我区在这方面做了大量工作，但仍存在统筹不够、投入不足等问题。"
        "建议：一是加强统筹协调；二是加大资金投入；三是健全长效机制。")
STOPS = ("registered", "assigned", "co_opinions", "opinions", "drafted", "reviewed", "approved",
         "sent", "closed")


def _steps(days: _Days, clerk: Person, first_back: int, minute: int):
    """Who acts for the 督查室 next, and when: each step five working days after the one
    before it, never later than today."""
    backs = iter(range(first_back, 0, -5))
    return lambda: Actor(clerk, days.at(max(next(backs, 1), 1), 10, minute))


def _suggestions(days: _Days, clerk: Person) -> None:
    assigned_back = 60  # the batch handed over after the 两会, about three months ago
    for n, (source, number, proposer, group, title, category, lead, co, stop) in enumerate(
            SUGGESTIONS):
        registered_back = 2 if stop == "registered" else assigned_back + 2
        row = suggestion.register(Actor(clerk, days.at(registered_back, 9, 10 + n)), {
            "source": source, "number": number, "proposer": proposer, "group": group,
            "session": "区十七届人大五次会议" if source == "建议" else "区政协十一届五次会议",
            "title": title, "category": category, "body": BODY.format(title=title)})
        if stop == "registered":
            continue
        K = suggestion.KIND
        at = Actor(clerk, days.at(assigned_back, 10, n))
        row = suggestion.assign(at, _task(K, row, "交办").id, lead=lead, co=co,
                                category=category)
        # Each step a few working days after the one before it, the last ones lately.
        next_actor = _steps(days, clerk, assigned_back - 8, n)

        co_tasks = [t for t in _waiting(K, row) if t.step == suggestion.CO_STEP]
        for i, task in enumerate(co_tasks):
            if stop == "co_opinions" and i == len(co_tasks) - 1:
                break
            a = next_actor()
            suggestion.co_opinion(a, task.id, "同意牵头单位的办理意见，本单位将积极配合。",
                                  on=a.today.isoformat())
        if stop == "co_opinions":
            continue
        adopted = stop == "adopted"
        a = next_actor()
        row = suggestion.submit(a, _task(K, row, "拟复").id,
                                f"关于{title.removeprefix('关于')}的答复：我单位高度重视，"
                                "已将所提建议纳入明年工作计划，逐项抓好落实。",
                                adopted=adopted, on=a.today.isoformat())
        if stop == "drafted":
            continue
        row = suggestion.review(next_actor(), _task(K, row, "审核").id, passed=True)
        if stop == "reviewed":
            continue
        task = _task(K, row, "阅批")
        row = suggestion.approve(Actor(task.holder, next_actor().now), task.id,
                                 opinion="同意答复")
        if stop == "approved":
            continue
        a = next_actor()
        row = suggestion.send_reply(a, _task(K, row, "寄送").id, on=a.today.isoformat())
        if stop == "sent":
            continue
        verdict = "不满意" if stop == "redo" else "满意"
        a = Actor(clerk, days.at(12 if stop == "redo" else 20, 11, n))
        row = suggestion.feedback(a, _task(K, row, "反馈").id, verdict,
                                  "代表认为答复未解决实际问题" if stop == "redo" else "",
                                  on=a.today.isoformat())


# ---------------------------------------------------------------------------- 专项工作报告


def _special_report(days: _Days, clerk: Person) -> None:
    K = special_report.KIND
    row = special_report.register(Actor(clerk, days.at(20, 9, 30)), {
        "letter_number": f"黄人大常函〔{days.day(20).year}〕12号",
        "title": "关于全区生态环境保护工作情况的报告",
        "letter": "区人大常委会拟于下月常委会会议听取和审议区政府关于生态环境保护工作情况的报告，"
                  "请于会前十日报送书面报告。",
        "meeting_on": (days.today + timedelta(days=30)).isoformat()})
    row = special_report.notify(Actor(clerk, days.at(19, 10)), _task(K, row, "通知").id,
                                department="sthjfj",
                                report_due=(days.today + timedelta(days=14)).isoformat())
    a = Actor(clerk, days.at(2, 15))
    special_report.submit_report(a, _task(K, row, "报送").id,
                                 "一、全区生态环境质量总体情况。二、主要工作和成效。"
                                 "三、存在的问题。四、下一步工作打算。", on=a.today.isoformat())
