"""`govdesk demo`: a database with the demo organisation and realistic work dated around today.

Every item is made through the same services a user calls, with the clock pinned to when it
would have happened, so the demo obeys every rule (numbering, deadlines, routing, audit).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from govdesk.models import (
    ErrorRecord,
    Person,
    Task,
    Unit,
    close_database,
    database,
    open_database,
)
from govdesk.models.flow import WAITING
from govdesk.services import (
    demo_petition,
    demo_supervision,
    incoming,
    leave,
    org,
    outgoing,
    schedule,
    unit_groups,
)
from govdesk.services.calendar import office_calendar
from govdesk.services.clock import office_now
from govdesk.services.context import Actor
from govdesk.services.schema import ensure_schema, set_meta

# (from unit code, 文种, title, urgency, secrecy, is_request, extra register fields)
INCOMING = [
    ("szfb", "通知", "关于做好今冬明春森林防火工作的通知", "特急", "无", False, {}),
    ("szf", "意见", "关于进一步优化营商环境的实施意见", "普通", "无", False, {"major": True}),
    ("fgj", "请示", "关于申请安排重点项目前期工作经费的请示", "加急", "无", True, {}),
    ("jyj", "请示", "关于新建城东小学用地调整的请示", "普通", "无", True, {}),
    ("cz", "报告", "关于{year}年前三季度财政收支情况的报告", "普通", "秘密", False, {}),
    ("gafj", "报告", "关于近期社会治安形势分析的报告", "加急", "机密", False, {}),
    ("snw", "通知", "关于开展农村宅基地规范管理专项检查的通知", "普通", "无", False, {}),
    ("dongcheng", "请示", "关于东城街道老旧小区改造资金补助的请示", "普通", "无", True,
     {"involves_units": True, "consulted": True}),
    ("xikoucun", "请示", "关于要求解决溪口村道路硬化资金的请示", "普通", "无", True, {}),
    ("zjj", "请示", "关于调整商品房预售资金监管比例的请示", "普通", "无", True,
     {"remit_unit": "zjj"}),
    ("wjj", "通知", "关于做好冬春季传染病防控工作的通知", "加急", "无", False, {}),
    ("shengzfbgt", "通知", "关于开展安全生产大检查的紧急通知", "特急", "无", False,
     {"major": True}),
    ("slj", "请示", "关于永宁江堤防加固工程立项的请示", "普通", "无", True,
     {"involves_units": True}),
    ("yjj", "报告", "关于“{accident}”道路交通事故调查处理情况的报告", "加急", "秘密", False, {}),
    ("jxj", "请示", "关于支持模具产业集群数字化改造的请示", "普通", "无", True, {}),
    ("sjj", "报告", "关于区属国有企业审计发现问题整改情况的报告", "普通", "秘密", False, {}),
    ("ningxi", "请示", "关于宁溪镇乡村振兴示范带建设的请示", "普通", "无", True, {}),
    ("mzj", "请示", "关于提高城乡低保标准的请示", "普通", "无", True, {"major": True}),
    ("jtj", "函", "关于82省道延伸线施工期间交通组织的函", "普通", "无", False, {}),
    ("wglt", "请示", "关于举办{next}年黄岩蜜橘节的请示", "普通", "无", True,
     {"touches_party_dept": True}),
    ("rd", "通知", "关于报送年度重点工作完成情况的通知", "普通", "无", False, {}),
    ("xfj", "报告", "关于重复信访积案化解情况的报告", "加急", "秘密", False, {}),
    ("nyj", "请示", "关于下达柑橘产业提升补助资金的请示", "普通", "无", True, {}),
    ("mjny", "请示", "关于要求协调农业用地指标的请示", "普通", "无", True, {}),
    ("scjgfj", "报告", "关于食品安全示范城市创建进展的报告", "普通", "无", False, {}),
    ("gaoqiao", "请示", "关于高桥街道征迁安置房建设用地的请示", "加急", "无", True, {}),
    ("szfb", "通知", "关于组织开展{year}年度政府信息公开工作考核的通知", "普通", "无", False, {}),
    ("shengzf", "决定", "关于表彰全省防汛防台先进集体和个人的决定", "普通", "无", False, {}),
    ("rsj", "请示", "关于招聘{next}年度中小学教师的请示", "普通", "无", True, {}),
    ("zrzyfj", "报告", "关于土地卫片执法检查情况的报告", "普通", "机密", False, {}),
]

# How far each demo document has got: these cover every stage a clerk will meet.
STAGES = [
    "archived", "archived", "archived", "closed", "signing", "reading",
    "sorting", "reading", "reading", "reading", "circulating", "signing", "signing", "intake",
    "intake",
]
# Documents whose facts call for another decision go that way instead (Supp. §1(二)).
RETURNED_REASON = "越级请示：请先向主管单位请示"

SCHEDULE_ITEMS = [
    ("参加区政府常务会议", "区行政中心三楼会议室"),
    ("调研重点项目建设", "院桥镇"),
    ("接待市政府督查组", "区行政中心二楼会议室"),
    ("出席全区安全生产工作会议", "区会议中心"),
    ("主持专题会议研究老旧小区改造", "区行政中心五楼会议室"),
    ("督查森林防火工作", "宁溪镇"),
    ("接访群众", "区信访接待中心"),
    ("参加市政府全体会议", "台州市行政中心"),
    ("听取教育工作汇报", "区教育局"),
    ("调研乡村振兴示范带", "屿头乡"),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment as planned (a schedule entry, an absence): may lie ahead."""
    return datetime.combine(day, time(hour, minute))


DAY_STARTS, DAY_ENDS = time(8, 0), time(18, 0)


@dataclass(frozen=True)
class DemoClock:
    """When the demo is built (``now``, the office clock) and the working day its "today" work
    happens on: today if it is a working day already begun, else the last working day before
    — so a demo built at 7:00, on a Sunday or on a holiday has nothing done in the future."""

    now: datetime
    today: date

    @classmethod
    def at_moment(cls, now: datetime) -> DemoClock:
        cal = office_calendar()
        day = now.date()
        if not (cal.is_workday(day) and now.time() >= time(8, 30)):
            day = _workdays_back(day, 1)
        return cls(now, day)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """When something was done: as written, except that the working hours of a "today"
        still under way are squeezed into the part of it already gone (order kept), and
        nothing is ever later than ``now``."""
        moment = _at(day, hour, minute)
        if day == self.today == self.now.date() and moment.time() > DAY_STARTS:
            start, end = _at(day, DAY_STARTS.hour), _at(day, DAY_ENDS.hour)
            gone = max(self.now - start, timedelta(0))
            moment = start + min(moment - start, end - start) * (gone / (end - start))
            moment = moment.replace(microsecond=0)
        return min(moment, self.now)


def _workdays_back(today: date, n: int) -> date:
    cal = office_calendar()
    day = today
    while n > 0:
        day -= timedelta(days=1)
        if cal.is_workday(day):
            n -= 1
    return day


def _person(login: str) -> Person:
    return org.person_by_login(login)


def _readers(doc, rng: random.Random) -> list[incoming.Reader]:
    readers = incoming.suggest_readers(doc)
    if not readers:
        readers = [incoming.Reader("阅签", person=org.by_rank("常务副区长"))]
    if rng.random() < 0.4:
        readers.append(incoming.Reader("阅办", section=org.section(rng.choice(
            ["diaoyan", "ducha", "xinxi"]))))
    return readers


def build(path: Path, now: datetime | None = None, *, seed: int = 2026) -> None:
    """Create the demo database at ``path`` (which must not exist), its work dated back from
    ``now`` — by default the office clock's now (services.clock), the clock the desk reads."""
    clock = DemoClock.at_moment(now if now is not None else office_now())
    open_database(path)
    try:
        ensure_schema()
        with database.atomic():
            org.load_organisation()
            set_meta("demo", "1")
            set_meta("demo_built_on", clock.now.date().isoformat())
        _populate(clock, random.Random(seed))
    finally:
        close_database()


def _titled(text: str, today: date) -> str:
    """Years in the demo's titles follow the day it is built (this year, next year)."""
    accident = today - timedelta(days=18)
    return text.format(year=today.year, next=today.year + 1,
                       accident=f"{accident.month}·{accident.day:02d}")


def _populate(clock: DemoClock, rng: random.Random) -> None:
    today = clock.today
    clerk = _person("lixm")
    head = org.director()
    count = len(INCOMING)
    for i, (unit_code, kind, title, urgency, secrecy, is_request, extra) in enumerate(INCOMING):
        title = _titled(title, today)
        stage = STAGES[i % len(STAGES)]
        unit = Unit.get(Unit.code == unit_code)
        if extra.get("remit_unit"):
            stage = "transferred"
        elif is_request and unit.kind in ("村居", "企业") and i % 2 == 0:
            stage = "returned"
        # Older stages were received earlier; waiting ones recently, so Home has every label.
        back = {"archived": 25, "closed": 15, "returned": 10, "transferred": 8, "sorting": 6,
                "reading": 5, "circulating": 4, "signing": 2, "intake": 0}[stage]
        back += rng.randint(0, 3) if stage not in ("intake", "signing") else 0
        if stage == "reading" and i % 3 == 0:
            back = 1  # a fresh reading round: due in the next few days
        if stage == "signing":
            back = 1 + i % 2  # handed to the 主任 yesterday (due today) or the day before
        received = _workdays_back(today, back)
        fields = {
            "from_unit": unit, "doc_kind": kind, "title": title, "urgency": urgency,
            "secrecy": secrecy, "is_request": is_request,
            "doc_number": f"{unit.short.removeprefix('区')[:2]}〔{received.year}〕{10 + i}号",
            "received_on": received, "pages": rng.randint(2, 18),
            "copy_no": f"{rng.randint(1, 60):06d}",
            "summary": f"{unit.short}来文：{title}。",
            **extra,
        }
        if extra.get("remit_unit"):
            fields["remit_unit"] = extra["remit_unit"]
        if urgency != "普通":
            fields["urging_person"] = "chenhl"
        actor = Actor(clerk, clock.at(received, 9, 10 + i % 40))
        doc = incoming.register(actor, fields)
        if stage == "intake":
            continue
        task = incoming.current_task_for(actor, doc)
        if stage == "returned":
            incoming.decide_intake(actor.at(clock.at(received, 10)), task.id, "退文",
                                   RETURNED_REASON)
            continue
        if stage == "transferred":
            incoming.decide_intake(actor.at(clock.at(received, 10)), task.id, "转办",
                                   "属部门职权范围，转部门办理", transfer_unit=doc.remit_unit)
            continue
        incoming.decide_intake(actor.at(clock.at(received, 10)), task.id, "受理", "符合受文规定")
        if stage == "signing":
            continue
        sign_day = min(received + timedelta(days=1), today) if back > 1 else received
        director = Actor(head, clock.at(sign_day, 11))
        task = incoming.current_task_for(director, doc)
        readers = _readers(doc, rng)
        incoming.sign(director, task.id, "请分管领导阅示。", readers)
        if stage in ("reading", "circulating"):
            if stage == "circulating":
                people = list(Person.select().where(
                    Person.active & (Person.clearance >= doc.secrecy)
                    & Person.section.in_([org.section(c) for c in ("diaoyan", "ban1", "ban2")])
                ))
                incoming.circulate(actor.at(clock.at(sign_day, 15)), doc.id, people, "请传阅")
            _some_readers_return(doc, sign_day, clock, rng)
            continue
        _all_readers_return(doc, sign_day, clock)
        if stage == "sorting":
            continue
        clerk_at = actor.at(clock.at(min(sign_day + timedelta(days=3), today), 16))
        task = incoming.current_task_for(clerk_at, doc)
        incoming.close(clerk_at, task.id, "已按领导批示办理完毕")
        if stage == "archived":
            task = incoming.current_task_for(clerk_at, doc)
            incoming.archive(clerk_at, task.id, rng.choice(["永久", "30年", "10年"]))
    _remind_overdue(clerk, clock)
    _schedules(clock, rng)
    _outgoing(clock)
    _leave(clock)
    demo_supervision.populate(clock)
    demo_petition.populate(clock)
    assert count == len(INCOMING)


def _reader_tasks(doc) -> list[Task]:
    f = incoming.flow.flow_of(incoming.KIND, doc.id)
    return [t for t in incoming.flow.waiting_tasks(f) if t.step in incoming.READER_ACTIONS]


def _return(task: Task, when: datetime) -> None:
    holder = task.holder or Person.get(
        (Person.section == task.holder_section) & Person.active & (Person.post == "科长"))
    incoming.reader_return(Actor(holder, when), task.id,
                           "同意，请相关部门抓紧办理。" if task.step == "阅办" else "已阅")


def _all_readers_return(doc, day: date, clock: DemoClock) -> None:
    when = clock.at(min(day + timedelta(days=1), clock.today), 10)
    for task in _reader_tasks(doc):
        _return(task, when)


def _some_readers_return(doc, day: date, clock: DemoClock, rng: random.Random) -> None:
    tasks = _reader_tasks(doc)
    for task in tasks[: len(tasks) // 2]:
        _return(task, clock.at(min(day + timedelta(days=1), clock.today), 14))
    for task in tasks[len(tasks) // 2:]:
        if task.holder_id is not None and rng.random() < 0.5:
            incoming.flow.mark_read(Actor(task.holder, clock.at(day, 17)), task)


def _remind_overdue(clerk: Person, clock: DemoClock) -> None:
    late = Task.select().where((Task.state == WAITING) & (Task.due < clock.today))
    for task in list(late)[:4]:
        incoming.flow.remind(Actor(clerk, clock.at(clock.today, 8, 30)), task,
                             "请尽快阅办退回秘书科")


def _schedules(clock: DemoClock, rng: random.Random) -> None:
    clerk = _person("lixm")
    today = clock.today
    actor = Actor(clerk, clock.at(today, 8))
    # The leaders' week is the week Home shows: the one the demo is opened in.
    monday, _ = schedule.week_of(clock.now.date())
    for leader in org.leaders():
        for offset in range(5):
            day = monday + timedelta(days=offset)
            for hour in rng.sample([9, 14, 16], k=rng.randint(1, 2)):
                item, place = rng.choice(SCHEDULE_ITEMS)
                schedule.add_entry(actor, leader, _at(day, hour), _at(day, hour + 1, 30), item,
                                   place)
    leaders = org.leaders()
    vice = leaders[2]
    schedule.add_absence(actor, vice, _at(monday + timedelta(days=1), 8),
                         _at(monday + timedelta(days=3), 18), destination="杭州",
                         reason="参加省委党校专题培训", contact="138 0000 1234",
                         documents_via="由跟线秘书送阅")
    head = leaders[0]
    start = _at(today, 7)
    # Away from the demo's today until two days on, and at least until tomorrow evening.
    end = max(start + timedelta(days=2, hours=11), _at(clock.now.date() + timedelta(days=1), 18))
    schedule.add_absence(actor, head, start, end,
                         destination="北京", reason="赴国家部委汇报重点项目",
                         contact="139 0000 5678", documents_via="由常务副区长代行")


# ---------------------------------------------------------------------------- 发文

# (drafter, stop at this step (None: dispatched), workdays back it started, fields); listed
# oldest first so 发文字号 follow the dates. The 区长 is away from today (see _schedules), so
# the draft reaching 区长签发 today waits on the acting head.
OUTGOING = [
    ("qianhy", None, 14, {"issuer": "区政府", "title": "关于印发黄岩区{next}年为民办实事项目的通知",
                          "main_to": "各乡镇人民政府、各街道办事处，区政府各部门",
                          "cc": "区委办、区人大常委会、区政协"}),
    ("songwb", None, 9, {"title": "关于调整区政府领导工作分工的通知", "secrecy": "秘密",
                         "secrecy_years": 5, "main_to": "区政府各部门"}),
    ("hanl", "分发", 5, {"title": "关于进一步做好政务信息报送工作的通知",
                         "main_to": "各乡镇人民政府、各街道办事处，区政府各部门"}),
    ("fengj", "第一读者", 4, {"issuer": "区政府", "doc_kind": "意见",
                              "title": "关于推进模具产业高质量发展的实施意见",
                              "main_to": "各乡镇人民政府、各街道办事处，区政府各部门"}),
    ("guojw", "编号", 3, {"title": "关于开展冬春季重点工作专项督查的通知",
                         "main_to": "区政府各部门"}),
    ("dengm", "复核登记", 2, {"title": "关于做好年末来访接待工作的通知",
                              "main_to": "各乡镇人民政府、各街道办事处"}),
    ("qianhy", "区长签发", 1, {"issuer": "区政府", "urgency": "加急", "lead_leader": "wuzq",
                               "title": "关于做好{year}年冬季安全生产工作的通知",
                               "main_to": "各乡镇人民政府、各街道办事处，区政府各部门",
                               "cc": "区委办、区人武部、区总工会",
                               "attachments": "1. 冬季安全生产检查表\n2. 联系人名单"}),
    ("jiangy", "主任复审", 1, {"issuer": "区政府",
                               "title": "关于报送{year}年度工作总结和{next}年工作思路的通知",
                               "main_to": "区政府各部门"}),
    ("songwb", "分管副主任审核", 1, {"title": "关于规范区政府领导公务活动安排的通知",
                                     "main_to": "区政府各部门"}),
    ("fengj", "修改", 1, {"issuer": "区政府", "doc_kind": "报告",
                          "title": "关于黄岩区{year}年优化营商环境工作情况的报告",
                          "main_to": "台州市人民政府", "upward": True}),
    ("hanl", "秘书科核稿", 0, {"urgency": "特急", "title": "关于做好寒潮天气防范应对工作的紧急通知",
                               "main_to": "各乡镇人民政府、各街道办事处，区政府各部门"}),
    ("jiangy", "起草", 0, {"title": "关于开展{next}年度重点课题调研的通知",
                           "main_to": "区政府各部门"}),
]
OUTGOING_BODY = ("为认真贯彻落实上级有关工作部署，结合我区实际，现就有关事项通知如下。\n"
                 "一、提高思想认识。\n二、落实工作责任。\n三、加强督促检查。\n"
                 "请各地各部门按照要求抓好落实。")
# 差错 found at 秘书科核稿, by drafter → (category, note)
OUTGOING_ERRORS = {1: ("文字差错", "正文“领导分工”误作“领导分公”"),
                   3: ("文种格式差错", "实施意见的附件说明位置不规范"),
                   9: ("政策差错", "引用的营商环境政策文件已废止")}
SECTION_ACTOR = {"mishu": "lixm", "diaoyan": "qianhy", "ban1": "songwb", "ban2": "dingzh",
                 "xinxi": "hanl", "ducha": "guojw", "jiedai": "dengm"}


def _hours(start: date, clock: DemoClock):
    """Working hours, two hours apart, from 9:00 on ``start``; never past today 10:30 (as
    DemoClock.at has it: never past now)."""
    cal = office_calendar()
    today = clock.today
    day, minutes = start, 9 * 60
    while True:
        yield clock.at(day, minutes // 60, minutes % 60)
        minutes += 120
        if minutes > 17 * 60:
            day += timedelta(days=1)
            while not cal.is_workday(day):
                day += timedelta(days=1)
            minutes = 8 * 60 + 30
        if day > today or (day == today and minutes > 10 * 60 + 30):
            day, minutes = today, 10 * 60 + 30


def _step_actor(task: Task, when: datetime) -> Actor:
    if task.step == "第一读者":
        return Actor(_person("chenhl"), when)
    if task.holder_id is not None:
        return Actor(task.holder, when)
    return Actor(_person(SECTION_ACTOR[task.holder_section.code]), when)


def _outgoing(clock: DemoClock) -> None:
    """发文 at every stage (SPEC §4), with a few 差错 and one 文件倒流 (SPEC §5)."""
    today = clock.today
    book = unit_groups.book()
    for i, (login, stop, back, extra) in enumerate(OUTGOING):
        hours = _hours(_workdays_back(today, back), clock)
        drafter = Actor(_person(login), next(hours))
        extra = {**extra, "title": _titled(extra["title"], today)}
        doc = outgoing.create_draft(drafter, {"body": OUTGOING_BODY, **extra})
        sent_back = stop == "修改"
        while True:
            f = incoming.flow.flow_of(outgoing.KIND, doc.id)
            waiting = incoming.flow.waiting_tasks(f)
            if not waiting or waiting[0].step == stop:
                break
            task = waiting[0]
            actor = _step_actor(task, next(hours))
            if task.step in ("起草", "修改"):
                doc = outgoing.submit(actor, task.id)
            elif task.step == "秘书科核稿" and i in OUTGOING_ERRORS and not doc.revision > 1 \
                    and not ErrorRecord.select().where(ErrorRecord.document == doc.id).exists():
                category, note = OUTGOING_ERRORS[i]
                outgoing.record_error(actor, doc.id, category, section=doc.drafting_section,
                                      person=doc.drafter, note=note, step=task.step)
                if sent_back:
                    doc = outgoing.send_back(actor, task.id, "请核实所引政策依据后修改")
                else:
                    doc = outgoing.approve(actor, task.id, "核稿同意，已改正文字")
            elif task.step == "复核登记":
                doc = outgoing.register_signed(actor, task.id)
            elif task.step == "编号":
                doc = outgoing.assign_number(actor, task.id)
            elif task.step == "印制":
                doc = outgoing.print_document(actor, task.id, print_org=org.district("office"),
                                              print_date=None, copies=40)
            elif task.step == "第一读者":
                doc = outgoing.first_reader_signoff(actor, task.id, "阅读无误")
            elif task.step == "分发":
                paper = bool(doc.secrecy)
                doc = outgoing.dispatch(actor, task.id, [
                    outgoing.Dispatch(name, 2 if paper else 1, electronic=not paper,
                                      paper=paper,
                                      copy_numbers=f"{n * 2 + 1:06d}-{n * 2 + 2:06d}"
                                      if paper else "")
                    for n, name in enumerate(book.expand(doc.main_to).names)])
            else:
                doc = outgoing.approve(actor, task.id, "同意")
    # 文件倒流: a draft handed straight to the 区长's office; his line secretary reports it.
    stray = outgoing.create_draft(Actor(_person("jiangy"),
                                        clock.at(_workdays_back(today, 1), 15)), {
        "issuer": "区政府", "title": _titled("关于表彰{year}年度招商引资先进单位的决定", today),
        "doc_kind": "决定", "main_to": "各乡镇人民政府、各街道办事处，区政府各部门",
        "body": OUTGOING_BODY})
    outgoing.report_backflow(Actor(_person("yej"), clock.at(today, 8, 40)), stray.id,
                             "区长处发现")


def _leave(clock: DemoClock) -> None:
    """Department heads' leave (Part 3 §22) in every state: one back and 销假 done, one whose
    销假 is late, a 正职's waiting on the 区长, one just asked, one refused."""
    clerk = _person("lixm")
    cal = office_calendar()
    today = clock.today

    def ask(login: str, by: Person, back: int, start: int, end: int, place: str, reason: str):
        when = clock.at(_workdays_back(today, back), 9, 20)
        starts = _workdays_back(today, start) if start >= 0 else cal.add_working_days(
            today, -start)
        ends = _workdays_back(today, end) if end >= 0 else cal.add_working_days(today, -end)
        return leave.register(Actor(by, when), {
            "person": login, "starts_on": starts.isoformat(), "ends_on": ends.isoformat(),
            "destination": place, "reason": reason, "contact": _person(login).phone}), when

    def waiting(row) -> Task:
        f = incoming.flow.flow_of(leave.KIND, row.id)
        return incoming.flow.waiting_tasks(f)[0]

    def approve_all(row, when: datetime) -> None:
        while (task := waiting(row)).step != "销假":
            row = leave.approve(Actor(task.holder, when), task.id, "同意")

    # Back and 销假 done on the day after the leave.
    row, when = ask("luchy", clerk, 14, 12, 10, "北京", "参加教育部组织的校长培训")
    approve_all(row, min(when + timedelta(hours=2), clock.now))
    leave.cancel_leave(Actor(clerk, clock.at(_workdays_back(today, 9), 9)), waiting(row).id)
    # Approved, the leave over two working days ago, no 销假 yet: overdue on Home and 督查室.
    row, when = ask("qiangd", clerk, 7, 6, 3, "上海", "赴同济大学参加城市更新专题研修")
    approve_all(row, min(when + timedelta(hours=3), clock.now))
    # A 正职's leave next week: the 分管副区长 agreed this morning and reported it on to the
    # 区长, who is away today: the acting head holds it (代, Part 1 §7).
    row, when = ask("luchy", clerk, 1, -3, -4, "杭州", "参加省教育厅年度工作会议")
    task = waiting(row)
    leave.approve(Actor(task.holder, clock.at(today, 9, 10)), task.id, "同意，报区长")
    # The head of 发改局 asks for himself this morning.
    ask("jiangwb", _person("jiangwb"), 0, -2, -2, "宁波", "带队赴宁波对接重大项目招引")
    # A 副职's leave refused by the 分管副区长.
    row, when = ask("xuzy", clerk, 2, -1, -1, "温州", "处理家庭事务")
    task = waiting(row)
    leave.refuse(Actor(task.holder, min(when + timedelta(hours=5), clock.now)), task.id,
                 "近期重点项目集中申报，请安排在申报结束后")
