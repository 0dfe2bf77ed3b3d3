"""The 督查室's years for `govdesk demo --scale year|decade` (services.demo_scale): 督查事项,
建议提案 and 专项工作报告, written in bulk as their services would have left them.

Each record is made whole on the day it is registered, like the 收文 of demo_scale: its row,
its flow with the tasks the engine hands out (data/workflows/supervision.toml, suggestion.toml,
special_report.toml) and the due dates the modules set (data/rules.toml [supervision] and
[suggestion], through the modules' own functions), each done task audited once (task.done),
every version of the record audited, numbers (督查〔Y〕N号, 督催〔Y〕N号) through the Counter
table, and the one audit chain. What happens after the build's moment is left waiting.

Per year, about 300 督查事项 (the kinds in the proportions of a district's year: many 批示件,
the 重点工作 and 会议安排事项 of the 常务会议, fewer 大项目, 交办 and 上级部署), a 两会 batch of
about 400 建议提案 handed over in late February, and three 专项工作报告 asked by the 人大.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from govdesk.i18n import t_record
from govdesk.models import supervision as sup_states
from govdesk.services.suggestion import workflow as sug
from govdesk.services.supervision import workflow as sup

# (kind, items a year, urgency weights (普通, 加急, 特急), months it runs)
ITEM_KINDS = (
    ("重点工作", 50, (1, 0, 0), (9, 11)),
    ("大项目", 25, (1, 0, 0), (10, 12)),
    ("会议安排事项", 55, (1, 0, 0), (5, 9)),
    ("领导批示件", 130, (50, 35, 15), None),
    ("特别交办事项", 25, (60, 30, 10), None),
    ("上级决策部署", 15, (1, 0, 0), (2, 5)),
)
ITEM_TITLES = {
    "重点工作": ("推进{x}三年行动", "实施{town}{x}提升工程", "深化{x}改革", "打造{x}示范区"),
    "大项目": ("{town}{x}项目建设", "{x}综合体工程", "{town}{x}产业园建设"),
    "会议安排事项": ("区政府第{n}次常务会议议定事项：{x}", "专题会议议定事项：{town}{x}"),
    "领导批示件": ("关于{town}{x}问题的批示", "关于加快{x}工作的批示", "关于{x}有关情况的批示"),
    "特别交办事项": ("{town}{x}专项整治", "{x}问题集中攻坚"),
    "上级决策部署": ("落实省委省政府关于{x}的决策部署", "落实市政府{x}工作部署"),
}
INSTRUCTIONS = ("请{unit}抓紧研究，提出解决方案，按期报送办理情况。",
                "请{unit}高度重视，切实抓好落实，确保取得实效。",
                "请{unit}会同有关单位认真研究办理。")
REPORT_TEXTS = ("已制定工作方案，明确责任分工，各项工作有序推进。",
                "按计划推进，已完成阶段目标，下一步加快进度。",
                "协调解决了资金和用地等问题，进度符合预期。",
                "主体工作基本完成，正在组织收尾和验收。")
CO_TEXT = "已按分工配合牵头单位推进。"
FINAL_TEXT = "各项目标任务已全部完成。"
LATE_REPORT, URGED = 0.12, 0.6  # a report late; of the late ones, the share urged (催办单)
UNFINISHED = 0.01  # of past years' items, the share still open (long overdue)

# 建议提案: the 两会 batch's size, 建议 against 提案, how the deputies answer, adoptions.
SUGGESTIONS_A_YEAR = (380, 420)
NPC_SHARE = 0.55
FEEDBACK_WEIGHTS = ((sug.states.SATISFIED, 70), (sug.states.FAIRLY, 22),
                    (sug.states.DISSATISFIED, 8))
ADOPTED, COMPLEX = 0.25, 0.05
SUG_TITLES = ("关于加快{x}的建议", "关于加强{town}{x}工作的建议", "关于完善{x}机制的建议",
              "关于推进{x}高质量发展的建议", "关于解决{town}{x}问题的建议")
CATEGORIES = ("城建", "交通", "教育", "卫生", "农业", "经济", "环保", "民政", "文旅", "政法")
GROUPS_NPC = ("城关代表团", "院桥代表团", "宁溪代表团", "江口代表团", "北城代表团", "澄江代表团")
GROUPS_CPPCC = ("经济界", "农业界", "医药卫生界", "教育界", "社会福利界", "环境资源界", "工商联")
SPECIAL_TITLES = ("关于全区{x}工作情况的报告", "关于{x}专项工作情况的报告")


def _name(rng: random.Random) -> str:
    from govdesk.services.demo_scale import GIVEN, SURNAMES

    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def _s(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat(sep=" ")


def _d(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _snap(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v)
            for k, v in row.items()}


class Supervision:
    """Plans each record on its day and writes it; ``day(i)`` is called by the builder for
    each working day of the history, in order."""

    def __init__(self, b) -> None:
        self.b = b
        self.rng: random.Random = b.supervision_rng
        self.item_id = self.part_id = self.report_id = self.notice_id = 0
        self.sug_id = self.special_id = 0
        people = {p.login: p for p in b.leaders}
        from govdesk.models import Person

        by = {p.login: p for p in Person.select().where(Person.section == b.ducha)}
        self.clerks = [by[x] for x in ("shenyj", "luxf") if x in by] or list(by.values())
        self.chief = by.get("guojw", self.clerks[0])
        self.people = people
        # Lead units: those with a 分管领导 (a suggestion's 阅批 needs one); towns lead items too.
        self.lead_units = [u for u in b.units if b.portfolio.get(u.id)]
        self.co_pool = [u for u in b.units if u.kind in ("委局", "乡镇", "街道")]
        self.numbers: dict[tuple[int, str], int] = {}  # the 人大's and 政协's own numbers
        self.per_day = self._plan()

    # ------------------------------------------------------------ the plan

    def _plan(self) -> dict[int, list[tuple[str, object]]]:
        """Which records are registered on which working day (index into b.days)."""
        b, rng = self.b, self.rng
        plan: dict[int, list[tuple[str, object]]] = {}
        years = sorted({d.year for d in b.days})
        by_year: dict[int, list[int]] = {}
        for i, d in enumerate(b.days):
            by_year.setdefault(d.year, []).append(i)
        for year in years:
            days = by_year[year]
            share = len(days) / 250  # a partial first or last year
            for kind, n, _u, _m in ITEM_KINDS:
                for _ in range(round(n * min(share, 1.0))):
                    plan.setdefault(rng.choice(days), []).append(("item", kind))
            # The 两会 batch: handed over in late February.
            batch = [i for i in days if date(year, 2, 20) <= b.days[i] <= date(year, 3, 10)]
            if batch:
                plan.setdefault(batch[0], []).append(
                    ("batch", rng.randint(*SUGGESTIONS_A_YEAR)))
            for month in (3, 6, 9):
                inside = [i for i in days if b.days[i].month == month]
                if inside:
                    plan.setdefault(rng.choice(inside), []).append(("special", None))
        return plan

    def day(self, index: int) -> None:
        for what, arg in self.per_day.get(index, ()):
            day = self.b.days[index]
            if what == "item":
                self.item(day, arg)
            elif what == "batch":
                self.batch(day, arg)
            else:
                self.special(day)

    # ------------------------------------------------------------ pieces

    def _moment(self, day: date, lo: int = 0, hi: int = 480) -> datetime:
        at = datetime.combine(day, time(8, 40)) + timedelta(minutes=self.rng.randint(lo, hi))
        return at

    def _after(self, when: datetime, lo_days: int, hi_days: int) -> datetime:
        day = self.b.cal.add_working_days(when.date(), self.rng.randint(lo_days, hi_days))
        return self._moment(day)

    def _remind(self, task_id: int, by, at: datetime, note: str) -> None:
        b = self.b
        b.rows["reminder"].append((task_id, by.id, _s(at), note))
        b.audit(_s(at), by.login, "task.remind", "task", task_id, {"note": note})

    def _urged(self, task_id: int, at: datetime) -> None:
        """A waiting task's row written with its 催办 count (the task row is the last one)."""
        rows = self.b.rows["task"]
        for k in range(len(rows) - 1, -1, -1):
            if rows[k][0] == task_id:
                row = list(rows[k])
                row[16], row[17] = row[16] + 1, _s(at)
                rows[k] = tuple(row)
                return

    # ------------------------------------------------------------ 督查事项

    def item(self, day: date, kind: str) -> None:
        b, rng = self.b, self.rng
        spec = next(k for k in ITEM_KINDS if k[0] == kind)
        urgency = rng.choices(("普通", "加急", "特急"), weights=spec[2])[0]
        lead = rng.choice(self.lead_units)
        co = [u for u in rng.sample(self.co_pool, rng.choice((0, 1, 1, 2, 2, 3)))
              if u.id != lead.id]
        x, town = rng.choice(b.topics), rng.choice(b.towns)
        title = rng.choice(ITEM_TITLES[kind]).format(x=x, town=town, n=rng.randint(10, 60))
        clerk = rng.choice(self.clerks)
        at = min(self._moment(day), b.now - timedelta(minutes=20))
        year = day.year
        b.counters[(sup.NUMBER_PREFIX, year)] += 1
        seq = b.counters[(sup.NUMBER_PREFIX, year)]
        self.item_id += 1
        item_id = self.item_id
        leader = b.portfolio[lead.id][0]
        instructed_by, instruction, instructed_on = None, "", None
        if kind == sup_states.INSTRUCTION:
            who = rng.choices(b.leaders, weights=[3] + [1] * (len(b.leaders) - 1))[0]
            instructed_by, instructed_on = who, b.cal.add_working_days(day, -rng.randint(0, 2))
            instruction = rng.choice(INSTRUCTIONS).format(unit=lead.short)
            leader = who
        row = {
            "id": item_id, "year": year, "seq": seq, "kind": kind, "title": title,
            "target": f"按期完成{x}各项目标任务", "lead_unit": lead.id, "responsible": "",
            "liaison": "", "leader": leader.id,
            "meeting_on": _d(b.cal.add_working_days(day, -rng.randint(2, 8)))
            if kind == sup_states.KEY_WORK else None,
            "instructed_by": instructed_by.id if instructed_by else None,
            "instruction": instruction, "instructed_on": _d(instructed_on),
            "urgency": urgency, "status": sup_states.NOT_STARTED, "progress": 0,
            "latest_report": "", "latest_report_on": None, "next_due": None, "extended": False,
            "state": "待签收", "registered_by": clerk.id, "created_at": _s(at),
            "updated_at": _s(at), "version": 1,
        }
        flow = b.flow(sup.KIND, item_id, title, 0, urgency, None, at, clerk.login)
        note = t_record("supervision.record_note", kind=kind, unit=lead.short,
                        co="、".join(u.short for u in co) or "—")
        rnd = 1
        b.task(flow, rnd, "登记", urgency, at, None, holder=clerk.id, section=b.ducha,
               done=(at, clerk.id, clerk.login, note))
        b.audit(_s(at), clerk.login, "supervision.register", "supervision_item", item_id,
                _snap(row))

        def change(when: datetime, login: str, **values) -> None:
            row.update(values, version=row["version"] + 1, updated_at=_s(when))
            b.audit(_s(when), login, f"supervision.{row['state']}", "supervision_item",
                    item_id, _snap(row))

        parts = [[lead, sup_states.LEAD, None, None, 0]] + [[u, sup_states.CO, None, None, 0]
                                                            for u in co]
        flow_state, closed_at = "open", None
        created = at
        past_year = day.year < b.today.year
        unfinished = rng.random() < UNFINISHED
        # 签收, unit by unit.
        signed_all = True
        for part in parts:
            rnd += 1
            when = self._after(created, 0, 2)
            if when >= b.now:
                b.task(flow, rnd, sup.SIGN, urgency, created, None, section=b.ducha,
                       note=part[0].short)
                signed_all = False
                break
            opinion = t_record("supervision.signed", unit=part[0].short,
                               day=f"{when.date():%Y-%m-%d}")
            part[2] = when.date()
            b.task(flow, rnd, sup.SIGN, urgency, created, None, section=b.ducha,
                   note=part[0].short, done=(when, clerk.id, clerk.login, opinion))
            created = when
        if signed_all:
            due = sup.report_due(kind, urgency, created.date())
            change(created, clerk.login, state="推进中", next_due=_d(due))
            flow_state, closed_at = self._reports(flow, rnd, row, parts, created, due, clerk,
                                                  spec, change, past_year and not unfinished)
        for unit, role, signed_on, last, n in parts:
            self.part_id += 1
            b.rows["sup_part"].append((self.part_id, item_id, unit.id, role, _d(signed_on),
                                       _d(last), n))
        b.rows["flow"].append((flow, sup.KIND, item_id, title, 0, urgency,
                               row["next_due"] if flow_state == "open" else None, _s(at),
                               flow_state, closed_at))
        b.rows["sup_item"].append(tuple(row[c] for c in ITEM_COLUMNS))
        b.made["supervision"] += 1

    def _reports(self, flow, rnd, row, parts, created, due, clerk, spec, change,
                 finish: bool):
        """The report periods: the lead unit's report closes each (co-units' now and then),
        a late one now and then urged by a 催办单; the final report and 办结 when the item's
        months are run (a 批示件 or 交办 after one to three reports)."""
        b, rng = self.b, self.rng
        kind, urgency = row["kind"], row["urgency"]
        if spec[3] is None:
            periods = rng.choice((1, 1, 2, 3))
        else:
            months = rng.randint(*spec[3])
            periods = max(1, months // b.rules.supervision.cadence[kind])
        made = 0
        while True:
            rnd += 1
            final = made >= periods
            late = rng.random() < LATE_REPORT and not final
            if late:
                when = self._moment(b.cal.add_working_days(due, rng.randint(1, 12)))
            else:
                when = self._moment(b.cal.add_working_days(due, -rng.randint(0, 6)))
            when = max(when, created + timedelta(minutes=30))
            if late and rng.random() < URGED:
                urge_at = self._moment(b.cal.add_working_days(due, 1))
                if urge_at < when and urge_at < b.now:
                    self._notice(row, parts, urge_at, flow, rnd)
            if when >= b.now:
                tid = b.task(flow, rnd, sup.REPORT, urgency, created, due, section=b.ducha)
                self._pending_urge(tid)
                return "open", None
            for part in parts[1:]:
                # (a period urged: the 催办单 goes on the lead unit's report, none before it)
                if not final and self._pending is None and rng.random() < 0.3:
                    co_at = when - timedelta(minutes=rng.randint(30, 600))
                    co_at = max(co_at, created + timedelta(minutes=10))
                    self._report(flow, rnd, row, part, co_at, clerk, CO_TEXT, row["progress"],
                                 urgency, created, due, final=False)
                    change(co_at, clerk.login, latest_report=CO_TEXT,
                           latest_report_on=_d(co_at.date()))
                    rnd += 1
            progress = 100 if final else min(95, row["progress"] + rng.randint(15, 35))
            text = FINAL_TEXT if final else REPORT_TEXTS[made % len(REPORT_TEXTS)]
            self._report(flow, rnd, row, parts[0], when, clerk, text, progress, urgency,
                         created, due, final=final)
            made += 1
            if final:
                change(when, clerk.login, state="待确认办结", progress=progress,
                       latest_report=text, latest_report_on=_d(when.date()), next_due=None)
                break
            if kind in sup.BY_URGENCY:
                due = sup.report_due(kind, urgency, when.date())
            else:
                months = b.rules.supervision.cadence[kind]
                step = 1
                while True:
                    nxt = b.cal.next_workday(sup.add_months(due, months * step))
                    if nxt > when.date():
                        break
                    step += 1
                due = nxt
            change(when, clerk.login, status=sup_states.UNDER_WAY, progress=progress,
                   latest_report=text, latest_report_on=_d(when.date()), next_due=_d(due))
            created = when
            if not finish and when.date() < b.today.replace(month=1, day=1) \
                    and rng.random() < 0.5:
                rnd += 1  # an unfinished one of a past year: its report long overdue
                b.task(flow, rnd, sup.REPORT, urgency, created, due, section=b.ducha)
                return "open", None
        created = when
        rnd += 1
        at = self._after(created, 1, 5)
        if at >= b.now:
            b.task(flow, rnd, sup.CONFIRM, urgency, created, None, section=b.ducha)
            return "open", None
        chief = self.chief
        b.task(flow, rnd, sup.CONFIRM, urgency, created, None, section=b.ducha,
               done=(at, chief.id, chief.login, t_record("supervision.confirmed")))
        row["state"] = "已办结"
        change(at, chief.login, status=sup_states.DONE, next_due=None)
        b.audit(_s(at), chief.login, "flow.close", "flow", flow, {"state": "closed"})
        return "closed", _s(at)

    def _report(self, flow, rnd, row, part, when, clerk, text, progress, urgency, created, due,
                *, final: bool) -> None:
        b = self.b
        unit = part[0]
        day = when.date()
        status = sup_states.UNDER_WAY
        if final:
            opinion = t_record("supervision.final", unit=unit.short, text=text,
                               day=f"{day:%Y-%m-%d}")
        else:
            opinion = t_record("supervision.reported", unit=unit.short, text=text,
                               progress=progress, status=status, day=f"{day:%Y-%m-%d}")
        tid = b.task(flow, rnd, sup.REPORT, urgency, created, due, section=b.ducha,
                     done=(when, clerk.id, clerk.login, opinion))
        self._pending_urge(tid)
        self.report_id += 1
        report = (self.report_id, row["id"], unit.id, final, text, progress, status, _d(day),
                  clerk.id, _s(when))
        b.rows["sup_report"].append(report)
        b.audit(_s(when), clerk.login, "supervision.report", "supervision_report",
                self.report_id, dict(zip(REPORT_COLUMNS, report, strict=True)))
        part[3] = day
        part[4] += 1

    _pending: tuple | None = None

    def _notice(self, row, parts, at: datetime, flow, rnd) -> None:
        """A 催办单 on the period's report: numbered in the year it is issued; the reminder is
        kept until the task it urges is written (``_pending_urge``) or, done, at once."""
        b = self.b
        year = at.year
        b.counters[(sup.NOTICE_PREFIX, year)] += 1
        seq = b.counters[(sup.NOTICE_PREFIX, year)]
        self.notice_id += 1
        units = "、".join(p[0].short for p in parts if p[1] == sup_states.LEAD or p[3] is None)
        note = "请按期报送办理情况"
        number = t_record("supervision.notice_number", year=year, seq=seq)
        notice = (self.notice_id, year, seq, row["id"], units, note, self.chief.id, _s(at))
        b.rows["sup_notice"].append(notice)
        self._pending = (at, t_record("supervision.notice_note", number=number, note=note))
        self._pending_notice = notice

    def _pending_urge(self, task_id: int) -> None:
        if self._pending is None:
            return
        at, note = self._pending
        self._pending = None
        self._remind(task_id, self.chief, at, note)
        self._urged(task_id, at)
        notice = self._pending_notice
        self.b.audit(_s(at), self.chief.login, "supervision.urge", "supervision_notice",
                     notice[0], dict(zip(NOTICE_COLUMNS, notice, strict=True)))

    # ------------------------------------------------------------ 建议提案

    def batch(self, day: date, n: int) -> None:
        for k in range(n):
            self.suggestion(day, k)
        self.b.made["suggestions"] += n

    def suggestion(self, day: date, k: int) -> None:
        b, rng = self.b, self.rng
        source = sug.states.NPC if rng.random() < NPC_SHARE else sug.states.CPPCC
        x, town = rng.choice(b.topics), rng.choice(b.towns)
        title = rng.choice(SUG_TITLES).format(x=x, town=town)
        if source == sug.states.CPPCC:
            title = title.removesuffix("建议") + "提案"
        clerk = rng.choice(self.clerks)
        at = min(datetime.combine(day, time(8, 40)) + timedelta(minutes=k % 400),
                 b.now - timedelta(minutes=20))
        self.sug_id += 1
        sid = self.sug_id
        key = (day.year, source)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        number = f"第{self.numbers[key]}号"
        proposer = _name(rng) + (f"等{rng.randint(2, 8)}人" if rng.random() < 0.2 else "")
        category = rng.choice(CATEGORIES)
        row = {
            "id": sid, "source": source, "year": day.year,
            "session": "区人大会议" if source == sug.states.NPC else "区政协会议",
            "number": number, "proposer": proposer,
            "group": rng.choice(GROUPS_NPC if source == sug.states.NPC else GROUPS_CPPCC),
            "title": title, "category": category,
            "body": f"{title}。建议：一是加强统筹协调；二是加大投入；三是健全长效机制。",
            "lead_unit": None, "co_units": "", "assigned_on": None, "complex": False,
            "extension": "", "reply_due": None, "reply": "", "replied_on": None,
            "feedback": "", "feedback_on": None, "second_due": None, "second_replied_on": None,
            "adopted": False, "implemented_on": None, "state": sug.states.REGISTERED,
            "registered_by": clerk.id, "created_at": _s(at), "updated_at": _s(at), "version": 1,
        }
        flow = b.flow(sug.KIND, sid, f"{source}{number} {title}", 0, "普通", None, at,
                      clerk.login)
        b.task(flow, 1, "登记", "普通", at, None, holder=clerk.id, section=b.ducha,
               done=(at, clerk.id, clerk.login, t_record(
                   "suggestion.registered_note", source=source, number=number,
                   proposer=proposer)))
        b.audit(_s(at), clerk.login, "suggestion.register", "suggestion", sid, _snap(row))

        def change(when: datetime, login: str, state: str, **values) -> None:
            row.update(values, state=state, version=row["version"] + 1, updated_at=_s(when))
            b.audit(_s(when), login, f"suggestion.{state}", "suggestion", sid, _snap(row))

        state, closed_at = self._suggestion_course(flow, row, at, clerk, change)
        due = None
        if state == "open":
            if row["state"] == sug.states.REDO:
                due = row["second_due"]
            elif row["replied_on"] is None:
                due = row["reply_due"]
        b.rows["flow"].append((flow, sug.KIND, sid, f"{source}{number} {title}", 0, "普通",
                               due, _s(at), state, closed_at))
        b.rows["suggestion"].append(tuple(row[c] for c in SUGGESTION_COLUMNS))

    def _suggestion_course(self, flow, row, at, clerk, change):
        b, rng = self.b, self.rng
        rnd = 2
        created = at

        def step(name: str, lo: int, hi: int, opinion: str, *, holder=None, due=None,
                 note: str = "", by=None):
            """One task: done if its moment is before the build's, else left waiting."""
            nonlocal rnd, created
            when = self._after(created, lo, hi)
            by = by or clerk
            if when >= b.now:
                b.task(flow, rnd, name, "普通", created, due, holder=holder.id if holder else None,
                       section=None if holder else b.ducha, note=note)
                return None
            text = opinion(when.date()) if callable(opinion) else opinion
            b.task(flow, rnd, name, "普通", created, due, holder=holder.id if holder else None,
                   section=None if holder else b.ducha, note=note,
                   done=(when, by.id, by.login, text))
            rnd += 1
            created = when
            return when

        lead = rng.choice(self.lead_units)
        co = [u for u in rng.sample(self.co_pool, rng.choice((0, 0, 1, 1, 2))) if u.id != lead.id]
        cx = rng.random() < COMPLEX
        when = step("交办", 2, 6, t_record("suggestion.assigned_note", lead=lead.short,
                                           co="、".join(u.short for u in co) or "—"))
        if when is None:
            return "open", None
        assigned = when.date()
        reply_due = sug.reply_due(assigned, cx)
        change(when, clerk.login, sug.states.HANDLING, lead_unit=lead.id,
               co_units=",".join(str(u.id) for u in co), assigned_on=_d(assigned),
               complex=cx, reply_due=_d(reply_due), category=row["category"],
               extension=t_record("suggestion.extension_note", who=self.chief.name,
                                  reason="涉及多部门，办理周期长") if cx else "")
        co_due = sug.co_opinion_due(assigned)
        last = created
        for k, u in enumerate(co):
            on = self._after(created, 3, 18)
            if on >= b.now:
                for v in co[k:]:  # the opinions awaited, and the lead unit's reply with them
                    b.task(flow, rnd, sug.CO_STEP, "普通", created, co_due, section=b.ducha,
                           note=v.short)
                    rnd += 1
                b.task(flow, rnd, "拟复", "普通", created, reply_due, section=b.ducha,
                       note=lead.short)
                return "open", None
            b.task(flow, rnd, sug.CO_STEP, "普通", created, co_due, section=b.ducha,
                   note=u.short, done=(on, clerk.id, clerk.login, t_record(
                       "suggestion.unit_said", unit=u.short, day=f"{on:%Y-%m-%d}",
                       text="同意牵头单位的办理意见，本单位将积极配合。")))
            rnd += 1
            last = max(last, on)
        created = last
        adopted = rng.random() < ADOPTED
        reply = f"关于{row['title'].removeprefix('关于')}的答复：已将所提意见纳入工作计划，逐项抓好落实。"
        span = (reply_due - assigned).days
        when = step("拟复", 15, max(16, span * 5 // 7 - 25), lambda d: t_record(
            "suggestion.unit_said", unit=lead.short, day=f"{d:%Y-%m-%d}",
            text=t_record("suggestion.draft_note", adopted=t_record(
                "suggestion.adopted_yes" if adopted else "suggestion.adopted_no"))),
            due=reply_due, note=lead.short)
        if when is None:
            return "open", None
        change(when, clerk.login, sug.states.REVIEW, reply=reply, adopted=adopted)
        if step("审核", 1, 4, t_record("suggestion.review_ok"), due=reply_due) is None:
            return "open", None
        change(created, clerk.login, sug.states.APPROVAL)
        leader = b.portfolio[lead.id][0]
        if step("阅批", 1, 3, t_record("engine.action.approve"), holder=leader, by=leader,
                due=reply_due) is None:
            return "open", None
        change(created, leader.login, sug.states.SENDING)
        when = step("寄送", 1, 3, lambda d: t_record("suggestion.sent_note", day=f"{d:%Y-%m-%d}"), due=reply_due)
        if when is None:
            return "open", None
        change(when, clerk.login, sug.states.REPLIED, replied_on=_d(when.date()))
        for round_ in (1, 2):
            verdict = rng.choices([v for v, _w in FEEDBACK_WEIGHTS],
                                  weights=[w for _v, w in FEEDBACK_WEIGHTS])[0]
            if round_ == 2 and verdict == sug.states.DISSATISFIED:
                verdict = sug.states.FAIRLY
            when = step("反馈", 8, 25, lambda d, v=verdict: t_record(
                "suggestion.feedback_note", verdict=v, day=f"{d:%Y-%m-%d}"), note=lead.short)
            if when is None:
                return "open", None
            fb_day = when.date()
            if verdict != sug.states.DISSATISFIED:
                break
            second = sug.second_reply_due(fb_day)
            change(when, clerk.login, sug.states.REDO, feedback=verdict,
                   feedback_on=_d(fb_day), second_due=_d(second))
            when = step("重新答复", 5, 18, lambda d: t_record(
                "suggestion.unit_said", unit=lead.short, day=f"{d:%Y-%m-%d}", text=reply),
                due=second, note=lead.short)
            if when is None:
                return "open", None
            change(when, clerk.login, sug.states.REPLIED, second_replied_on=_d(when.date()))
        if not adopted:
            change(when, clerk.login, sug.states.CLOSED, feedback=verdict,
                   feedback_on=_d(fb_day))
            b.audit(_s(when), clerk.login, "flow.close", "flow", flow, {"state": "closed"})
            return "closed", _s(when)
        change(when, clerk.login, sug.states.IMPLEMENTING, feedback=verdict,
               feedback_on=_d(fb_day))
        when = step("落实", 40, 160, lambda d: t_record(
            "suggestion.unit_said", unit=lead.short, day=f"{d:%Y-%m-%d}", text="已落实。"),
            note=lead.short)
        if when is None:
            return "open", None
        change(when, clerk.login, sug.states.IMPLEMENTED, implemented_on=_d(when.date()))
        b.audit(_s(when), clerk.login, "flow.close", "flow", flow, {"state": "closed"})
        return "closed", _s(when)

    # ------------------------------------------------------------ 专项工作报告

    def special(self, day: date) -> None:
        b, rng = self.b, self.rng
        from govdesk.models import suggestion as states

        clerk = rng.choice(self.clerks)
        at = min(self._moment(day), b.now - timedelta(minutes=20))
        self.special_id += 1
        rid = self.special_id
        dept = rng.choice([u for u in self.lead_units if u.kind == "委局"])
        title = rng.choice(SPECIAL_TITLES).format(x=rng.choice(b.topics))
        letter_number = f"黄人大常函〔{day.year}〕{self.special_id}号"
        row = {
            "id": rid, "year": day.year, "letter_number": letter_number, "title": title,
            "letter": "区人大常委会拟听取和审议区政府专项工作报告，请按时报送书面报告。",
            "department": None, "report_due": None,
            "meeting_on": _d(b.cal.add_working_days(day, 30)), "report": "", "sent_on": None,
            "opinions": "", "opinions_due": None, "handling": "", "closed_on": None,
            "state": states.R_NOTIFY, "registered_by": clerk.id, "created_at": _s(at),
            "updated_at": _s(at), "version": 1,
        }
        flow = b.flow("special_report", rid, title, 0, "普通", None, at, clerk.login)
        b.task(flow, 1, "登记", "普通", at, None, holder=clerk.id, section=b.ducha,
               done=(at, clerk.id, clerk.login, letter_number))
        b.audit(_s(at), clerk.login, "special_report.register", "special_report", rid,
                _snap(row))
        rnd, created = 2, at

        def change(when, login, state, **values):
            row.update(values, state=state, version=row["version"] + 1, updated_at=_s(when))
            b.audit(_s(when), login, f"special_report.{state}", "special_report", rid,
                    _snap(row))

        leader = b.portfolio[dept.id][0]
        report_due = b.cal.add_working_days(day, 20)
        steps = [("通知", 1, 2, None, states.R_WRITING,
                  {"department": dept.id, "report_due": _d(report_due)}, None),
                 ("报送", 8, 15, None, states.R_REVIEW, {"report": f"{title}（全文）"},
                  report_due),
                 ("初审", 1, 3, None, states.R_APPROVAL, {}, report_due),
                 ("阅批", 1, 2, leader, states.R_SENDING, {}, report_due),
                 ("印送", 1, 2, None, states.R_SENT, {"sent_on": "{day}"}, report_due),
                 ("审议意见", 12, 20, None, states.R_FOLLOWING,
                  {"opinions": "请进一步加大工作力度，健全长效机制。",
                   "opinions_due": "{+40}"}, None),
                 ("研究处理", 15, 30, None, states.R_CHECK, {"handling": "已逐条研究落实。"},
                  "{opinions_due}"),
                 ("把关", 1, 4, None, states.R_CLOSED, {"closed_on": "{day}"}, "{opinions_due}")]
        flow_state, closed_at = "open", None
        for name, lo, hi, holder, state, values, due in steps:
            if due == "{opinions_due}":
                due = date.fromisoformat(row["opinions_due"])
            when = self._after(created, lo, hi)
            if when >= b.now:
                b.task(flow, rnd, name, "普通", created, due,
                       holder=holder.id if holder else None,
                       section=None if holder else b.ducha)
                break
            by = holder or clerk
            b.task(flow, rnd, name, "普通", created, due, holder=holder.id if holder else None,
                   section=None if holder else b.ducha, done=(when, by.id, by.login, "同意"))
            values = {k: (_d(when.date()) if v == "{day}" else
                          _d(b.cal.add_working_days(when.date(), 40)) if v == "{+40}" else v)
                      for k, v in values.items()}
            change(when, by.login, state, **values)
            rnd, created = rnd + 1, when
            if state == states.R_CLOSED:
                b.audit(_s(when), by.login, "flow.close", "flow", flow, {"state": "closed"})
                flow_state, closed_at = "closed", _s(when)
        due = None
        if flow_state == "open":
            if row["sent_on"] is None:
                due = row["report_due"]
            elif row["opinions_due"] is not None:
                due = row["opinions_due"]
        b.rows["flow"].append((flow, "special_report", rid, title, 0, "普通", due, _s(at),
                               flow_state, closed_at))
        b.rows["special"].append(tuple(row[c] for c in SPECIAL_COLUMNS))
        b.made["special_reports"] += 1


ITEM_COLUMNS = ("id", "year", "seq", "kind", "title", "target", "lead_unit", "responsible",
                "liaison", "leader", "meeting_on", "instructed_by", "instruction",
                "instructed_on", "urgency", "status", "progress", "latest_report",
                "latest_report_on", "next_due", "extended", "state", "registered_by",
                "created_at", "updated_at", "version")
REPORT_COLUMNS = ("id", "item", "unit", "final", "text", "progress", "status", "unit_date",
                  "recorded_by", "recorded_at")
NOTICE_COLUMNS = ("id", "year", "seq", "item", "units", "note", "issued_by", "issued_at")
SUGGESTION_COLUMNS = ("id", "source", "year", "session", "number", "proposer", "group", "title",
                      "category", "body", "lead_unit", "co_units", "assigned_on", "complex",
                      "extension", "reply_due", "reply", "replied_on", "feedback", "feedback_on",
                      "second_due", "second_replied_on", "adopted", "implemented_on", "state",
                      "registered_by", "created_at", "updated_at", "version")
SPECIAL_COLUMNS = ("id", "year", "letter_number", "title", "letter", "department", "report_due",
                   "meeting_on", "report", "sent_on", "opinions", "opinions_due", "handling",
                   "closed_on", "state", "registered_by", "created_at", "updated_at", "version")
FOREIGN = {"lead_unit", "leader", "instructed_by", "registered_by", "item", "unit",
           "recorded_by", "issued_by", "department"}


def _insert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}_id"' if c in FOREIGN else f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


INSERTS = {
    "sup_item": _insert("supervision_item", ITEM_COLUMNS),
    "sup_part": 'INSERT INTO "supervision_part" ("id", "item_id", "unit_id", "role", "signed_on",'
                ' "last_report_on", "reports") VALUES (?,?,?,?,?,?,?)',
    "sup_report": _insert("supervision_report", REPORT_COLUMNS),
    "sup_notice": _insert("supervision_notice", NOTICE_COLUMNS),
    "suggestion": _insert("suggestion", SUGGESTION_COLUMNS),
    "special": _insert("special_report", SPECIAL_COLUMNS),
}
