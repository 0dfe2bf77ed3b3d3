"""`govdesk demo --scale year|decade`: years of synthetic history for measuring at size.

The small demo (services.demo) walks every document through the services one call at a time;
at 200,000 收文 that would take hours. Here the same rows are written directly, in bulk, as the
services would have left them: one flow per record, its tasks with the holders and due dates the
engine gives (data/workflows/*.toml, data/rules.toml), the record's versions each with its audit
entry, a done task audited once (task.done), gap-free 收文编号 / 发文字号 / 档号 through the
Counter table, and the audit trail's sha256 chain computed as it is written
(services.audit.entry_hash), so `govdesk audit --verify` and tools.stress.check_invariants hold.

Besides the two registers: 初审 sends a share of 收文 back (退文, with the reason and the
intake checks' warnings, the flow closed as returned) or on to a department (转办: the sender
told, the 分管领导's copy to 阅知); a share of the signed 收文 is circulated (传阅) to several
of the office; the heads of the overseen units ask leave (请假) through its own flow, mostly
approved and 销假 on return; and each leader's week carries a few items a working day, with
now and then a 副区长 away. The 督查室's records — about 300 督查事项 a year with their 签收 and
反馈 on the cadence and some 催办单, a 两会 batch of about 400 建议提案 a year and a few 专项工作
报告 — are written the same way by services.demo_scale_supervision, day by day with the rest;
so are about 3,000 信访件 a year and some 2,000 calls to the 直线电话受理中心
(services.demo_scale_petition).

What is not written: the flow.hand_out entries (one per step, they carry no record state), and
any absence of the 区长 (it would hand his work to the acting head for those days).
"""

from __future__ import annotations

import json
import random
import time as _time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from govdesk.i18n import t, t_record
from govdesk.models import (
    IncomingDocument,
    Oversight,
    Person,
    Portfolio,
    Section,
    Unit,
    close_database,
    database,
    open_database,
)
from govdesk.services import org, search
from govdesk.services.audit import GENESIS, entry_hash
from govdesk.services.calendar import office_calendar
from govdesk.services.demo_scale_petition import INSERTS as PETITION_INSERTS
from govdesk.services.demo_scale_petition import Petitions
from govdesk.services.demo_scale_supervision import INSERTS as SUPERVISION_INSERTS
from govdesk.services.demo_scale_supervision import Supervision
from govdesk.services.incoming import intake_warnings
from govdesk.services.pinyin import pinyin_keys
from govdesk.services.rules import office_rules
from govdesk.services.schema import ensure_schema, set_meta


@dataclass(frozen=True)
class Scale:
    years: int
    incoming: int
    outgoing: int
    villages_per_town: int  # generated 村居 under each 乡镇/街道
    enterprises: int
    office_staff: int  # generated 科员 spread over the office's sections


SCALES = {
    "decade": Scale(years=10, incoming=200_000, outgoing=60_000, villages_per_town=20,
                    enterprises=55, office_staff=70),
    "year": Scale(years=1, incoming=20_000, outgoing=6_000, villages_per_town=20,
                  enterprises=55, office_staff=70),
    # For tests that want the shape without the size.
    "month": Scale(years=1, incoming=2_000, outgoing=600, villages_per_town=4,
                   enterprises=10, office_staff=10),
}

CHUNK = 5_000  # documents per transaction
FLUSH_ROWS = 50_000


# ---------------------------------------------------------------------------- words

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋"
            "余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯健俊帆鑫"
         "波宁琳晨晓燕慧颖婷雪梅海峰志国栋春兰永新立群佳欣怡瑶诚锋亮颖博")
VILLAGE_FIRST = ("上下东西南北新老大小长高前后中")
VILLAGE_SECOND = ("溪岙桥岭山塘洋坑头湖岩浦坦田园庄湾岸岗")
ENTERPRISE_WORDS = ("永宁", "橘乡", "九峰", "方山", "长潭", "东浦", "屿头", "澄江", "头陀", "院桥",
                    "沙埠", "北洋", "高桥", "新前", "江口", "南城", "宁溪", "富山", "上郑", "茅畲")
ENTERPRISE_TRADE = ("模具", "塑料", "汽车零部件", "食品", "医药化工", "电子", "建设", "农业开发",
                    "文化旅游", "物流", "新材料", "机械", "水务", "能源", "鞋业")

TOPICS = (
    "森林防火", "防汛防台", "安全生产", "老旧小区改造", "农村饮用水提升", "乡村振兴示范带",
    "优化营商环境", "招商引资", "重点项目前期", "土地征收", "耕地保护", "生态环境保护",
    "垃圾分类", "河长制", "交通治堵", "校园安全", "食品安全", "疫情防控", "信访积案化解",
    "政务公开", "数字化改革", "就业创业", "养老服务", "城乡低保", "医疗保障", "文明城市创建",
    "柑橘产业提升", "模具产业集群", "小微企业园", "人才引进", "消防安全", "燃气安全",
    "地质灾害防治", "城市更新", "污水零直排", "美丽乡村", "民生实事", "财政预算执行",
    "国有资产管理", "审计整改", "统计调查", "退役军人服务", "未成年人保护", "扫黑除恶",
)
ACTIONS_REQUEST = ("申请安排{x}专项资金", "要求解决{place}{x}经费", "调整{place}{x}项目用地",
                   "批准{place}{x}实施方案", "追加{x}工作经费", "支持{place}{x}建设",
                   "同意召开{x}工作会议")
ACTIONS_REPORT = ("{place}{x}工作情况", "{year}年{x}工作总结", "{place}{x}专项检查情况",
                  "{x}问题整改情况", "{place}{x}进展情况", "{x}工作自查情况")
ACTIONS_NOTICE = ("做好{year}年{x}工作", "开展{x}专项行动", "进一步加强{x}工作",
                  "组织开展{x}督查", "报送{year}年度{x}材料", "印发{x}工作方案")
ACTIONS_OPINION = ("推进{x}高质量发展", "加强和改进{x}工作", "{x}三年行动")
KINDS = (("请示", ACTIONS_REQUEST, 30, True), ("报告", ACTIONS_REPORT, 25, False),
         ("通知", ACTIONS_NOTICE, 30, False), ("函", ACTIONS_NOTICE, 8, False),
         ("意见", ACTIONS_OPINION, 7, False))
SUMMARY = ("{unit}来文{what}。文中说明了{x}的现状和存在的困难，提出了下一步工作打算，"
           "请区政府{ask}。")
ASK = {"请示": "研究批复", "报告": "阅知", "通知": "按要求落实", "函": "研究办理", "意见": "研究"}
OUT_KINDS = (("通知", ACTIONS_NOTICE, 70), ("意见", ACTIONS_OPINION, 15),
             ("报告", ACTIONS_REPORT, 10), ("决定", ("表彰{year}年度{x}先进集体和个人",), 5))
OUT_BODY = ("为认真贯彻落实上级关于{x}的工作部署，结合我区实际，现就有关事项通知如下。\n"
            "一、提高思想认识。\n二、落实工作责任。\n三、加强督促检查。\n"
            "请各地各部门按照要求抓好落实。")
OPINIONS_SIGN = ("请分管领导阅示。", "请{leader}阅示，请相关部门抓紧办理。", "请阅。")
MAIN_TO = "各乡镇人民政府、各街道办事处，区政府各部门"


def _pick(rng: random.Random, table):
    return rng.choices(table, weights=[row[2] for row in table])[0]


# ---------------------------------------------------------------------------- the build


class _Progress:
    """One line every few seconds: what is being made, how many of how many."""

    def __init__(self, say: Callable[[str], None] | None, every: float = 3.0) -> None:
        self.say, self.every, self.last = say, every, _time.monotonic()

    def __call__(self, what: str, done: int, total: int, *, force: bool = False) -> None:
        now = _time.monotonic()
        if self.say and (force or now - self.last >= self.every):
            self.last = now
            self.say(t("cli.demo_scale.progress", what=t(f"cli.demo_scale.{what}"), done=done,
                       total=total))

    def records(self, incoming: int, incoming_total: int, outgoing: int, outgoing_total: int,
                *, force: bool = False) -> None:
        now = _time.monotonic()
        if self.say and (force or now - self.last >= self.every):
            self.last = now
            self.say(t("cli.demo_scale.records", incoming=incoming, incoming_total=incoming_total,
                       outgoing=outgoing, outgoing_total=outgoing_total))


def build(path: Path, today: date, scale: str = "decade", *, seed: int = 2026,
          say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Create a database of ``scale`` history ending ``today`` at ``path`` (must not exist).
    Returns the counts made."""
    spec = SCALES[scale]
    open_database(path)
    try:
        ensure_schema()
        conn = database.connection()
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("PRAGMA temp_store=MEMORY")
        with database.atomic():
            org.load_organisation()
            set_meta("demo", "1")
            set_meta("demo_built_on", today.isoformat())
            set_meta("demo_scale", scale)
        rng = random.Random(seed)
        builder = _Builder(spec, today, rng, _Progress(say), seed=seed)
        with database.atomic():
            builder.organisation()
        builder.history()
        # The one search's index, as the services keep it record by record.
        builder.made["indexed"] = sum(search.rebuild(say=say).values())
        conn.execute("PRAGMA synchronous=FULL")
        database.execute_sql("ANALYZE")
        return builder.made
    finally:
        close_database()


class _Builder:
    def __init__(self, spec: Scale, today: date, rng: random.Random, progress: _Progress,
                 seed: int = 2026):
        self.spec, self.today, self.rng, self.progress = spec, today, rng, progress
        # The 督查室's records draw from their own stream: the rest is as it was without them.
        self.supervision_rng = random.Random(f"supervision-{seed}")
        self.petition_rng = random.Random(f"petition-{seed}")
        self.now = datetime.combine(today, time(10, 30))
        self.cal = office_calendar()
        self.rules = office_rules()
        self.made: dict[str, int] = defaultdict(int)
        self.rows: dict[str, list[tuple]] = defaultdict(list)
        self.audit_id, self.audit_prev = self._audit_head()
        self.flow_id = self.task_id = self.doc_id = self.out_id = 0
        self.counters: dict[tuple[str, int], int] = defaultdict(int)
        self.budget = 0.0

    @staticmethod
    def _audit_head() -> tuple[int, str]:
        row = database.execute_sql(
            'SELECT "id", "hash" FROM "audit_entry" ORDER BY "id" DESC LIMIT 1').fetchone()
        return (row[0], row[1] or GENESIS) if row else (0, GENESIS)

    # ------------------------------------------------------------ organisation

    def organisation(self) -> None:
        rng = self.rng
        names: set[str] = {p.name for p in Person.select(Person.name)}
        logins: set[str] = {p.login for p in Person.select(Person.login)}

        def person_name() -> str:
            while True:
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
                if name not in names:
                    names.add(name)
                    return name

        def login_for(initials: str) -> str:
            n = 1
            while f"{initials}{n}" in logins:
                n += 1
            logins.add(f"{initials}{n}")
            return f"{initials}{n}"

        towns = list(Unit.select().where(Unit.kind.in_(["乡镇", "街道"])))
        unit_rows, seen = [], {u.short for u in Unit.select(Unit.short)}
        for town in towns:
            made = 0
            while made < self.spec.villages_per_town:
                short = rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND) + (
                    "社区" if town.kind == "街道" else "村")
                if short in seen:
                    continue
                seen.add(short)
                made += 1
                body = "居民委员会" if town.kind == "街道" else "村民委员会"
                unit_rows.append((short, f"{town.name.removesuffix('人民政府').removesuffix('办事处')}"
                                  f"{short}{body}", "村居", "村", town.id))
        while len([r for r in unit_rows if r[2] == "企业"]) < self.spec.enterprises:
            short = rng.choice(ENTERPRISE_WORDS) + rng.choice(ENTERPRISE_TRADE)
            if short in seen:
                continue
            seen.add(short)
            unit_rows.append((short, f"浙江{short}有限公司", "企业", "企业", None))
        for n, (short, name, kind, level, supervisor) in enumerate(unit_rows, start=1):
            full, initials = pinyin_keys(short)
            Unit.create(code=f"g{n:04d}", name=name, short=short, kind=kind, level=level,
                        supervisor=supervisor, key_enterprise=kind == "企业" and n % 5 == 0,
                        pinyin=full, initials=initials)
        self.made["units"] = Unit.select().count()
        self.progress("units", self.made["units"], self.made["units"], force=True)

        # Heads of every unit (正职/副职, for leave) and more 科员 in the office's sections.
        danwei = org.section("danwei")
        people: list[dict] = []
        for unit in Unit.select().where(Unit.kind.not_in(["国家级", "省级", "市级", "军事"])):
            deputies = 3 if unit.kind in ("村居", "企业") else 2
            for post in ["正职"] + ["副职"] * deputies:
                people.append({"section": danwei.id, "post": post, "unit": unit.id,
                               "clearance": 0})
        office = [s for s in Section.select() if s.code in (
            "mishu", "diaoyan", "ban1", "ban2", "xinxi", "ducha", "jiedai", "zhixian")]
        for n in range(self.spec.office_staff):
            people.append({"section": office[n % len(office)].id, "post": "科员", "unit": None,
                           "clearance": rng.choice((0, 0, 1))})
        rows = []
        for p in people:
            name = person_name()
            full, initials = pinyin_keys(name)
            rows.append({**p, "name": name, "login": login_for(initials), "pinyin": full,
                         "initials": initials, "active": True, "admin": False,
                         "phone": f"0576-8{rng.randint(4700000, 4799999)}"})
        for i in range(0, len(rows), 500):
            Person.insert_many(rows[i:i + 500]).execute()
        self.made["people"] = Person.select().count()
        self.progress("people", self.made["people"], self.made["people"], force=True)

    # ------------------------------------------------------------ common pieces

    def audit(self, at: str, actor: str, action: str, table: str, record_id: int | None,
              after: dict | None, before: dict | None = None) -> None:
        self.audit_id += 1
        a = None if after is None else json.dumps(after, ensure_ascii=False)
        b = None if before is None else json.dumps(before, ensure_ascii=False)
        digest = entry_hash(self.audit_id, at, actor, action, table, record_id, b, a,
                            self.audit_prev)
        self.rows["audit"].append((self.audit_id, at, actor, action, table, record_id, b, a,
                                   self.audit_prev, digest))
        self.audit_prev = digest

    def later(self, when: datetime, rng: random.Random, *, lo: int = 20, hi: int = 300) -> datetime:
        """A step some minutes to hours on, within working hours on working days; for a record
        still under way, its steps spread over the time since it came in (``self.budget``
        minutes a step), so the step it waits at began lately, as on a real desk."""
        if self.budget:
            when += timedelta(minutes=rng.uniform(0.5, 1.0) * self.budget)
        else:
            when += timedelta(minutes=rng.randint(lo, hi))
        if when.hour >= 18 or not self.cal.is_workday(when.date()):
            day = self.cal.add_working_days(when.date(), 1)
            when = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 120))
        return min(when, self.now)

    def step_due(self, created: datetime, days: int, cap: date | None, urgent: bool = False,
                 urgent_days: int | None = None) -> date:
        if urgent and urgent_days is not None:
            days = urgent_days
        due = self.cal.add_working_days(created.date(), days)
        return min(due, cap) if cap else due

    def task(self, flow: int, rnd: int, step: str, urgency: str, created: datetime,
             due: date | None, *, holder: int | None = None, section: int | None = None,
             done: tuple[datetime, int, str, str] | None = None, note: str = "",
             read: tuple[datetime, str] | None = None, state: str = "done") -> int:
        """A task row; ``done`` = (when, by whom, their login, opinion) when acted on, ``state``
        then "done" or "returned" (不予准假); a waiting one opened by its holder has ``read`` =
        (when, their login), audited task.read as the engine's mark_read does."""
        self.task_id += 1
        c = _s(created)
        if done is None:
            r = None if read is None else _s(read[0])
            self.rows["task"].append((self.task_id, flow, rnd, step, holder, section, None,
                                      _d(due), urgency, "waiting", "", note, c, r, None, None,
                                      0, None))
            if read is not None:
                self.audit(r, read[1], "task.read", "task", self.task_id, None)
            return self.task_id
        at, by, login, opinion = done
        a = _s(at)
        self.rows["task"].append((self.task_id, flow, rnd, step, holder, section, None, _d(due),
                                  urgency, state, opinion, note, c, a, a, by, 0, None))
        after = {"id": self.task_id, "flow": flow, "round": rnd, "step": step,
                 "holder": holder, "holder_section": section, "due": _d(due),
                 "state": state, "opinion": opinion, "acted_at": a, "acted_by": by}
        if note:
            after["note"] = note
        self.audit(a, login, f"task.{state}", "task", self.task_id, after)
        return self.task_id

    def flow(self, kind: str, record_id: int, title: str, secrecy: int, urgency: str,
             due: date | None, created: datetime, login: str) -> int:
        self.flow_id += 1
        self.audit(_s(created), login, "flow.start", "flow", self.flow_id,
                   {"kind": kind, "record_id": record_id, "title": title, "secrecy": secrecy,
                    "urgency": urgency, "state": "open", "due": _d(due),
                    "created_at": _s(created), "id": self.flow_id})
        return self.flow_id

    def flush(self, force: bool = False) -> None:
        if not force and sum(len(v) for v in self.rows.values()) < FLUSH_ROWS:
            return
        conn = database.connection()
        with database.atomic():
            for name, sql in _INSERTS.items():
                if self.rows[name]:
                    conn.executemany(sql, self.rows[name])
                    self.rows[name].clear()

    # ------------------------------------------------------------ history

    def history(self) -> None:
        spec, today = self.spec, self.today
        start = today.replace(year=today.year - spec.years) + timedelta(days=1)
        days = []
        day = start
        while day <= today:
            if self.cal.is_workday(day):
                days.append(day)
            day += timedelta(days=1)
        self.days = days
        self._people()
        inc = sorted(self.rng.randrange(len(days)) for _ in range(spec.incoming))
        out = sorted(self.rng.randrange(len(days)) for _ in range(spec.outgoing))
        # Interleaved by day, so the trail and the ids run roughly in time order.
        i = j = 0
        while i < len(inc) or j < len(out):
            if j >= len(out) or (i < len(inc) and inc[i] <= out[j]):
                self.office_until(inc[i])
                self.incoming(days[inc[i]], len(days) - 1 - inc[i])
                i += 1
            else:
                self.office_until(out[j])
                self.outgoing(days[out[j]], len(days) - 1 - out[j])
                j += 1
            self.flush()
            self.progress.records(i, len(inc), j, len(out))
        self.office_until(len(days) - 1)
        self.rest_of_week()
        self.flush(force=True)
        self.progress.records(len(inc), len(inc), len(out), len(out), force=True)
        self._counters()
        self.made["incoming"], self.made["outgoing"] = len(inc), len(out)
        for kind in ("returned", "transferred", "circulated", "circulation_readers", "leave",
                     "leave_refused", "schedule", "absences", "supervision", "suggestions",
                     "special_reports", "petitions", "calls"):
            self.made[kind] += 0  # named in the summary line even when none was made
        self.made["tasks"], self.made["audit"] = self.task_id, self.audit_id

    def _people(self) -> None:
        by = {p.login: p for p in Person.select()}
        self.clerks = [by["lixm"], by["zhangyt"], by["zhoux"], by["liuzq"]]
        self.director = by["linzh"]
        self.head = by["wangjm"]
        self.exec_vice = by["zhaogl"]
        self.mishu = org.section("mishu").id
        self.reader_sections = [org.section(c).id for c in ("diaoyan", "ducha", "xinxi")]
        self.portfolio: dict[int, list[Person]] = defaultdict(list)
        for p in Portfolio.select(Portfolio, Person).join(Person):
            self.portfolio[p.unit_id].append(p.leader)
        self.deputy_of: dict[int, Person] = {}
        for o in Oversight.select(Oversight, Person).join(Person):
            self.deputy_of[o.section_id] = o.deputy
        drafting = [org.section(c).id for c in ("diaoyan", "ban1", "ban2", "xinxi", "ducha",
                                                  "jiedai")]
        self.drafters = list(Person.select().where(Person.section.in_(drafting)
                                                   & Person.active))
        self.first_reader = by["chenhl"]
        self.units = list(Unit.select())
        weight = {"委局": 6, "乡镇": 5, "街道": 5, "市级": 4, "省级": 2, "区委部门": 2, "村居": 0.3,
                  "企业": 0.3, "群团": 1, "国家级": 0.5, "区人大": 1, "区政协": 1, "军事": 0.3}
        self.unit_weights = [weight.get(u.kind, 1) for u in self.units]
        self.leader_names = {p.id: p.name for p in by.values() if p.rank}
        self.person_login = {p.id: p.login for p in by.values()}
        for p in Person.select(Person.id, Person.login).tuples():
            self.person_login[p[0]] = p[1]
        # 转办 goes to a department with a 分管领导 to copy it to.
        self.remit_units = [u for u in self.units if u.kind == "委局" and self.portfolio[u.id]]
        readers = list(Person.select().where(
            Person.active & (Person.section.in_([org.section(c).id for c in CIRCULATE_SECTIONS])
                             | (Person.rank == "副主任"))).order_by(Person.id))
        self.circulation_pool = {s: [p for p in readers if p.clearance >= s] for s in (0, 1, 2)}
        self.office_day = 0
        # 请假 is for the heads of the units a 副区长 oversees (Part 3 §22).
        self.leave_heads = list(Person.select().where(
            Person.active & Person.unit.in_([u for u in self.portfolio if self.portfolio[u]])
            & Person.post.in_(["正职", "副职"])).order_by(Person.id))
        self.unit_short = {u.id: u.short for u in self.units}
        self.leave_busy: dict[int, date] = {}
        self.leave_id = self.entry_id = self.absence_id = 0
        self.leaders = org.leaders()
        self.secretary = {p.follows_id: p for p in Person.select().where(
            Person.follows.is_null(False) & Person.active).order_by(Person.id)}
        self.away_until: dict[int, date] = {}
        self.towns = [u.short for u in self.units if u.kind in ("乡镇", "街道")]
        self.departments = [u.short for u in self.units if u.kind == "委局"]
        self.ducha, self.topics = org.section("ducha").id, TOPICS
        self.supervision = Supervision(self)
        self.petitions = Petitions(self)

    def _stage(self, back: int, table: tuple) -> str:
        """How far a record received ``back`` working days ago has got: recent ones are under
        way; a few old ones were never finished (the long-overdue work Home has to show)."""
        rng = self.rng
        for upto, stages in table:
            if back <= upto:
                names, weights = zip(*stages, strict=True)
                return rng.choices(names, weights=weights)[0]
        return "done"

    # ------------------------------------------------------------ 收文

    def incoming(self, received: date, back: int) -> None:
        rng, cal = self.rng, self.cal
        stage = self._stage(back, INCOMING_STAGES)
        if stage == "done" and rng.random() < STUCK:
            stage = rng.choice(("signing", "reading", "sorting", "closed"))
        self.budget = _budget(back, INCOMING_STEPS_BEFORE.get(stage))
        unit = rng.choices(self.units, weights=self.unit_weights)[0]
        kind, actions, _w, is_request = _pick(rng, KINDS)
        x = rng.choice(TOPICS)
        place = rng.choice(("", "", unit.short if unit.kind in ("乡镇", "街道", "村居") else ""))
        what = rng.choice(actions).format(x=x, place=place, year=received.year)
        title = f"关于{what}的{kind}"
        urgency = rng.choices(("普通", "加急", "特急"), weights=(80, 14, 6))[0]
        secrecy = rng.choices((0, 1, 2), weights=(94, 5, 1))[0]
        year = received.year
        self.counters[("incoming", year)] += 1
        seq = self.counters[("incoming", year)]
        self.doc_id += 1
        doc_id, number = self.doc_id, f"收〔{year}〕{seq}号"
        term = self.rules.incoming.deadline.get(urgency)
        doc_due = cal.due_after(received, term) if term else None
        clerk = rng.choice(self.clerks) if rng.random() < 0.3 else self.clerks[0]
        at = datetime.combine(received, time(8, 40)) + timedelta(minutes=rng.randint(0, 480))
        at = min(at, self.now - timedelta(minutes=30))
        doc = {
            "id": doc_id, "year": year, "seq": seq, "number": number, "from_unit": unit.id,
            "from_name": unit.name, "doc_number": f"{unit.short[:2]}〔{year}〕{rng.randint(1, 300)}号",
            "title": title, "doc_kind": kind, "secrecy": secrecy, "urgency": urgency,
            "copy_no": f"{rng.randint(1, 60):06d}", "received_on": received.isoformat(),
            "pages": rng.randint(1, 24), "is_request": is_request,
            "summary": SUMMARY.format(unit=unit.short, what=f"《{title}》", x=x, ask=ASK[kind]),
            "state": "已登记", "due": _d(doc_due), "version": 1, "created_by": clerk.id,
            "created_at": _s(at), "updated_at": _s(at), "intake": None, "closed_at": None,
            "retention": None, "archive_no": None,
            "urging_person": self.first_reader.id if urgency != "普通" else None,
        }
        intake = ("受理", "符合受文规定", "", None) if stage == "intake" else self._intake(
            unit, kind, is_request, doc, rng)
        flow = self.flow("incoming", doc_id, title, secrecy, urgency, doc_due, at, clerk.login)
        self.task(flow, 1, "登记", urgency, at, None, holder=clerk.id, section=self.mishu,
                  done=(at, clerk.id, clerk.login, f"登记为 {number}"))
        self.audit(_s(at), clerk.login, "incoming.register", "incoming_document", doc_id,
                   dict(doc))
        versions = [dict(doc)]

        def change(when: datetime, login: str, state: str, **values) -> None:
            doc.update(values, state=state, version=doc["version"] + 1, updated_at=_s(when))
            self.audit(_s(when), login, f"incoming.{state}", "incoming_document", doc_id,
                       {"id": doc_id, "version": doc["version"], "state": state, **values})
            versions.append(dict(doc))

        flow_state, closed_at = "open", None
        rnd = 2
        created = at
        due = self.step_due(created, 1, doc_due)
        if stage == "intake":
            self.task(flow, rnd, "初审", urgency, created, due, section=self.mishu)
        elif intake[0] != "受理":
            flow_state, closed_at = self._returned_or_transferred(
                flow, doc, intake, stage, clerk, created, due, change, rng)
        else:
            when = self.later(created, rng)
            self.task(flow, rnd, "初审", urgency, created, due, section=self.mishu,
                      done=(when, clerk.id, clerk.login, "受理：符合受文规定"))
            change(when, clerk.login, "待签批", intake="受理", intake_reason="符合受文规定")
            rnd, created = rnd + 1, when
            due = self.step_due(created, 1, doc_due)
            if stage == "signing":
                self.task(flow, rnd, "签批", urgency, created, due, holder=self.director.id)
            else:
                when = self.later(created, rng, hi=900)
                leaders = self.portfolio.get(unit.id) or [self.exec_vice]
                readers: list[tuple[str, int | None, int | None]] = [
                    ("阅签", rng.choice(leaders).id, None)]
                if is_request or rng.random() < 0.3:
                    readers.append(("阅办", None, rng.choice(self.reader_sections)))
                if rng.random() < 0.25 and readers[0][1] != self.exec_vice.id:
                    readers.append(("阅签", self.exec_vice.id, None))
                lead = self.leader_names.get(readers[0][1], "")
                opinion = rng.choice(OPINIONS_SIGN).format(leader=lead)
                self.task(flow, rnd, "签批", urgency, created, due, holder=self.director.id,
                          done=(when, self.director.id, self.director.login, opinion))
                change(when, self.director.login, "传阅中")
                rnd, created = rnd + 1, when
                last, last_login = created, self.director.login
                waiting_reader = stage == "reading"
                for k, (step, holder, section) in enumerate(readers):
                    days = 3 if step == "阅办" else 2
                    rdue = self.step_due(created, days, doc_due)
                    if waiting_reader and (k > 0 or len(readers) == 1 or rng.random() < 0.5):
                        self.task(flow, rnd, step, urgency, created, rdue, holder=holder,
                                  section=section)
                        continue
                    when = self.later(created, rng, hi=1400)
                    by = holder or self._section_head(section)
                    text = "同意，请相关部门抓紧办理。" if step == "阅办" else "已阅"
                    self.task(flow, rnd, step, urgency, created, rdue, holder=holder,
                              section=section,
                              done=(when, by, self.person_login[by], text))
                    if when >= last:
                        last, last_login = when, self.person_login[by]
                if self._circulates(unit, kind, rng):
                    rnd += 1
                    last, last_login = self.circulation(flow, rnd, urgency, secrecy, created,
                                                        doc_due, waiting_reader, last,
                                                        last_login, rng)
                if not waiting_reader:
                    change(last, last_login, "待分送")
                    rnd, created = rnd + 1, last
                    due = self.step_due(created, 1, doc_due)
                    if stage == "sorting":
                        self.task(flow, rnd, "分送", urgency, created, due, section=self.mishu)
                    else:
                        when = self.later(created, rng, hi=1400)
                        self.task(flow, rnd, "分送", urgency, created, due, section=self.mishu,
                                  done=(when, clerk.id, clerk.login, "已按领导批示办理完毕"))
                        change(when, clerk.login, "已办结", closed_at=_s(when))
                        rnd, created = rnd + 1, when
                        due = self.step_due(created, 5, None)
                        if stage == "closed":
                            self.task(flow, rnd, "归档", urgency, created, due, section=self.mishu)
                        else:
                            when = self.later(created, rng, hi=2000)
                            retention = rng.choices(("永久", "30年", "10年"), weights=(1, 3, 6))[0]
                            code = self.rules.incoming.retention[retention]
                            self.counters[(f"archive-{code}", year)] += 1
                            piece = self.counters[(f"archive-{code}", year)]
                            archive_no = f"{self.rules.incoming.fonds}·{year}-{code}-{piece:04d}"
                            self.task(flow, rnd, "归档", urgency, created, due,
                                      section=self.mishu,
                                      done=(when, clerk.id, clerk.login, f"归档 {archive_no}"))
                            change(when, clerk.login, "已归档", retention=retention,
                                   archive_no=archive_no)
                            flow_state, closed_at = "archived", _s(when)
                            self.audit(closed_at, clerk.login, "flow.close", "flow", flow,
                                       {"state": "archived"})
        self.rows["flow"].append((flow, "incoming", doc_id, title, secrecy, urgency,
                                  _d(doc_due), _s(at), flow_state, closed_at))
        self.rows["incoming"].append(_row(INCOMING_COLUMNS, {
            **doc, "from_unit_id": unit.id, "created_by_id": clerk.id,
            "urging_person_id": doc["urging_person"], "remit_unit_id": doc.get("remit_unit"),
            "transfer_unit_id": doc.get("transfer_unit")}))
        if secrecy == 0 and back > 30 and stage != "done" and flow_state == "open":
            self._remind(rng)

    def _intake(self, unit: Unit, kind: str, is_request: bool, doc: dict,
                rng: random.Random) -> tuple[str, str, str, Unit | None]:
        """初审 (Supp. §1(二)): (decision, reason, the checks' warnings as recorded, 转办 unit).
        A village's 请示 straight to the 区政府 is mostly 退文 as 越级 (a); a few requests of
        the district's own units go back for (c)–(e); a town's or a higher body's matter within
        a department's remit is 转办 to it (b). The facts that call for it are set on ``doc``
        before it is registered, and the warnings are the service's own checks of them."""
        request = is_request or kind == "请示"
        r = rng.random()
        decision, reason, transfer = "受理", "符合受文规定", None
        if request and unit.kind == "村居":
            if r < RETURN_CROSS_LEVEL:
                decision, reason = "退文", RETURNED_REASONS["a"]
        elif unit.kind in TRANSFER_FROM and r < TRANSFER:
            transfer = rng.choice(self.remit_units)
            doc["remit_unit"] = transfer.id
            decision, reason = "转办", TRANSFER_REASON
        elif request and unit.kind in ("委局", "乡镇", "街道"):
            for code, field, value, share in RETURN_OTHER:
                r -= share
                if r < 0:
                    doc[field] = value
                    decision, reason = "退文", RETURNED_REASONS[code]
                    break
        if decision == "受理":
            return decision, reason, "", None
        shown = IncomingDocument(
            from_unit=unit, doc_kind=kind, is_request=is_request, title=doc["title"],
            summary=doc["summary"], remit_unit=transfer,
            involves_units=doc.get("involves_units", False), consulted=False,
            states_differing_views=False, addressed_to=doc.get("addressed_to", "区政府"),
            special_reason="", party_matter=doc.get("party_matter", False),
            touches_party_dept=False, party_dept_reviewed=False)
        warnings = "；".join(f"({w.code}) {w.record}" for w in intake_warnings(shown))
        return decision, reason, warnings, transfer

    def _returned_or_transferred(self, flow: int, doc: dict, intake: tuple, stage: str,
                                 clerk: Person, created: datetime, due: date,
                                 change: Callable, rng: random.Random) -> tuple[str, str | None]:
        """初审 decided 退文 (the flow closes, returned) or 转办 (the sender is told at once, the
        receiving unit's 分管领导 gets a copy to 阅知, and the flow closes when it is read), as
        services.incoming.decide_intake writes them. Returns the flow's state and closing time."""
        decision, reason, warnings, unit = intake
        urgency, doc_due = doc["urgency"], _date(doc["due"])
        when = self.later(created, rng)
        self.task(flow, 2, "初审", urgency, created, due, section=self.mishu,
                  done=(when, clerk.id, clerk.login, f"{decision}：{reason}"))
        values = {"intake": decision, "intake_reason": reason, "intake_warnings": warnings}
        if decision == "退文":
            change(when, clerk.login, "已退文", **values, closed_at=_s(when))
            self.audit(_s(when), clerk.login, "flow.close", "flow", flow, {"state": "returned"})
            self.made["returned"] += 1
            return "returned", _s(when)
        self.made["transferred"] += 1
        self.task(flow, 3, "告知来文单位", urgency, when, None, holder=clerk.id,
                  section=self.mishu, done=(when, clerk.id, clerk.login,
                                            f"已转{unit.short}办理，告知{doc['from_name']}与承办部门联系"))
        change(when, clerk.login, "已转办", **values, transfer_unit=unit.id)
        leader = self.portfolio[unit.id][0]
        note = f"转办抄件：已转{unit.short}办理"
        rdue = self.step_due(when, 2, doc_due)
        if stage in ("signing", "reading"):
            self.task(flow, 4, "阅知", urgency, when, rdue, holder=leader.id, note=note)
            return "open", None
        read = self.later(when, rng, hi=1400)
        self.task(flow, 4, "阅知", urgency, when, rdue, holder=leader.id, note=note,
                  done=(read, leader.id, leader.login, "已阅"))
        self.audit(_s(read), leader.login, "flow.close", "flow", flow, {"state": "transferred"})
        return "transferred", _s(read)

    def _circulates(self, unit: Unit, kind: str, rng: random.Random) -> bool:
        """传阅 is for what many in the office should know: most often a higher body's notice."""
        share = CIRCULATE_HIGHER if unit.kind in ("国家级", "省级", "市级") and kind in (
            "通知", "意见") else CIRCULATE
        return rng.random() < share

    def circulation(self, flow: int, rnd: int, urgency: str, secrecy: int, signed: datetime,
                    doc_due: date | None, waiting: bool, last: datetime, last_login: str,
                    rng: random.Random) -> tuple[datetime, str]:
        """A 传阅 round (services.incoming.circulate): after the 签批, 秘书科 hands the document
        to several of the office at once, beside the leaders' reading; on a record past its
        reading every reader has returned it, on one still being read most have not and some
        of those have opened it. Returns when the last reader returned it, and who."""
        at = self.later(signed, rng, hi=600)
        pool = self.circulation_pool[secrecy]
        readers = rng.sample(pool, min(len(pool), rng.randint(3, 12)))
        note = rng.choice(CIRCULATE_NOTES)
        due = self.step_due(at, 2, doc_due)
        for p in readers:
            if waiting and rng.random() < 0.7:
                read = (self.later(at, rng, lo=10, hi=240), p.login) if rng.random() < 0.4 \
                    else None
                self.task(flow, rnd, "传阅", urgency, at, due, holder=p.id, note=note, read=read)
                continue
            when = self.later(at, rng, hi=1400)
            self.task(flow, rnd, "传阅", urgency, at, due, holder=p.id, note=note,
                      done=(when, p.id, p.login, "已阅"))
            if when >= last:
                last, last_login = when, p.login
        self.made["circulated"] += 1
        self.made["circulation_readers"] += len(readers)
        return last, last_login

    def _section_head(self, section: int) -> int:
        if not hasattr(self, "_heads"):
            self._heads = {p.section_id: p.id for p in Person.select().where(
                Person.post == "科长")}
        return self._heads[section]

    def _remind(self, rng: random.Random) -> None:
        """A long-overdue task was urged once or twice by 秘书科 (the last task made waits)."""
        self.budget = 0.0
        waiting = [r for r in self.rows["task"][-4:] if r[9] == "waiting"]
        if not waiting:
            return
        row = waiting[-1]
        n = rng.randint(1, 2)
        at = datetime.fromisoformat(row[12])
        for _ in range(n):
            at = self.later(at, rng, lo=60 * 24, hi=60 * 24 * 20)
            self.rows["reminder"].append((row[0], self.clerks[0].id, _s(at), "请尽快办理"))
            self.audit(_s(at), self.clerks[0].login, "task.remind", "task", row[0],
                       {"note": "请尽快办理", "reminders": n})
        i = self.rows["task"].index(row)
        self.rows["task"][i] = (*row[:16], n, _s(at))

    # ------------------------------------------------------------ 发文

    def outgoing(self, started: date, back: int) -> None:
        rng = self.rng
        stop = self._stage(back, OUTGOING_STAGES)
        if stop == "done" and rng.random() < STUCK:
            stop = rng.choice(("主任复审", "主任签发", "编号", "分发"))
        drafter = rng.choice(self.drafters)
        issuer = "区政府" if rng.random() < 0.4 else "区政府办公室"
        kind, actions, _w = _pick(rng, OUT_KINDS)
        x = rng.choice(TOPICS)
        title = f"关于{rng.choice(actions).format(x=x, place='', year=started.year)}的{kind}"
        secrecy = rng.choices((0, 1, 2), weights=(95, 4, 1))[0]
        urgency = rng.choices(("普通", "加急", "特急"), weights=(85, 11, 4))[0]
        urgent = urgency != "普通"
        deputy = self.deputy_of.get(drafter.section_id) or self.director
        chain = [("秘书科核稿", None, self.mishu), ("分管副主任审核", deputy.id, None)]
        if issuer == "区政府":
            chain += [("主任复审", self.director.id, None), ("区长签发", self.head.id, None)]
            prefix, signature, signer = "黄政发", "黄岩区人民政府", self.head
        else:
            chain += [("主任签发", self.director.id, None)]
            prefix, signature, signer = "黄政办发", "黄岩区人民政府办公室", self.director
        if stop in ("主任复审", "区长签发") and issuer != "区政府":
            stop = "主任签发"
        if stop == "主任签发" and issuer == "区政府":
            stop = "主任复审"
        chain_json = json.dumps([{"name": n, "person": p, "section": s, "acting_for": None,
                                  "external": "", "signs": n.endswith("签发"),
                                  "leader": p is not None} for n, p, s in chain],
                                ensure_ascii=False)
        self.out_id += 1
        doc_id = self.out_id
        at = datetime.combine(started, time(8, 45)) + timedelta(minutes=rng.randint(0, 420))
        at = min(at, self.now - timedelta(minutes=60))
        body = OUT_BODY.format(x=x)
        doc = {"id": doc_id, "issuer": issuer, "doc_kind": kind, "title": title,
               "main_to": MAIN_TO, "secrecy": secrecy, "urgency": urgency,
               "secrecy_years": 5 if secrecy else None, "drafter": drafter.id,
               "drafting_section": drafter.section_id, "signature": signature,
               "state": "起草中", "revision": 1, "version": 1, "created_at": _s(at),
               "updated_at": _s(at), "chain": "", "signer": None, "signer_name": "",
               "signed_by": None, "signed_at": None, "signed_revision": None,
               "written_date": None, "prefix": None, "year": None, "seq": None,
               "number": None, "print_org": "", "print_date": None, "copies": 0,
               "first_reader": None, "first_read_at": None, "dispatched_at": None}
        flow = self.flow("outgoing", doc_id, title, secrecy, urgency, None, at, drafter.login)
        self.audit(_s(at), drafter.login, "outgoing.create", "outgoing_document", doc_id,
                   {k: v for k, v in doc.items() if k != "chain"})
        self.rows["revision"].append((doc_id, 1, title, body, json.dumps(
            {"issuer": issuer, "doc_kind": kind, "main_to": MAIN_TO, "secrecy": secrecy,
             "urgency": urgency, "signature": signature}, ensure_ascii=False),
            drafter.id, _s(at), "初稿"))

        def change(when: datetime, login: str, state: str, **values) -> None:
            doc.update(values, state=state, version=doc["version"] + 1, updated_at=_s(when))
            self.audit(_s(when), login, f"outgoing.{state}", "outgoing_document", doc_id,
                       {"id": doc_id, "version": doc["version"], "state": state, **values})

        flow_state, closed_at = "open", None
        rnd, created = 1, at
        steps = [("起草", drafter.id, None, None)] + [
            (n, p, s, 2 if n.endswith("签发") else 1) for n, p, s in chain] + [
            (n, None, self.mishu, 1) for n in ("复核登记", "编号", "印制", "第一读者", "分发")]
        names = [step[0] for step in steps]
        self.budget = _budget(back, names.index(stop) if stop in names else None)
        for name, holder, section, days in steps:
            due = None if days is None else self.step_due(
                created, days, None, urgent, None if name.endswith("签发") else 0)
            if name == stop:
                self.task(flow, rnd, name, urgency, created, due, holder=holder, section=section)
                break
            when = self.later(created, rng, hi=600 if name != "起草" else 1400)
            if holder is not None:
                by = holder
            elif name == "第一读者":
                by = self.first_reader.id
            else:
                by = self.clerks[0].id if rng.random() < 0.7 else rng.choice(self.clerks).id
            login = self.person_login[by]
            opinion = {"起草": "", "秘书科核稿": "核稿同意", "第一读者": "阅读无误"}.get(
                name, "同意" if holder else "已办")
            self.task(flow, rnd, name, urgency, created, due, holder=holder, section=section,
                      done=(when, by, login, opinion))
            if name == "起草":
                change(when, login, "审核中", chain=chain_json, signer_name=signer.rank)
            elif name.endswith("签发"):
                change(when, login, "已签发", signed_by=by, signed_at=_s(when), signed_revision=1,
                       signer_name=signer.name, written_date=when.date().isoformat())
            elif name == "编号":
                year = when.year
                self.counters[(f"outgoing:{prefix}", year)] += 1
                seq = self.counters[(f"outgoing:{prefix}", year)]
                change(when, login, "已编号", prefix=prefix, year=year, seq=seq,
                       number=f"{prefix}〔{year}〕{seq}号")
            elif name == "印制":
                change(when, login, "已印制", print_org="黄岩区人民政府办公室",
                       print_date=when.date().isoformat(), copies=rng.choice((20, 30, 40, 60)))
            elif name == "第一读者":
                change(when, login, "已校读", first_reader=by, first_read_at=_s(when))
            elif name == "分发":
                change(when, login, "已分发", dispatched_at=_s(when))
                for recipient in ("各乡镇人民政府", "各街道办事处", "区政府各部门"):
                    self.rows["dispatch"].append((doc_id, recipient, 2 if secrecy else 1,
                                                  not secrecy, bool(secrecy), "", _s(when), by))
                flow_state, closed_at = "dispatched", _s(when)
                self.audit(closed_at, login, "flow.close", "flow", flow,
                           {"state": "dispatched"})
            rnd, created = rnd + 1, when
        self.rows["flow"].append((flow, "outgoing", doc_id, title, secrecy, urgency, None, _s(at),
                                  flow_state, closed_at))
        self.rows["outgoing"].append(_row(OUTGOING_COLUMNS, {
            **doc, "body": body, "drafter_id": drafter.id,
            "drafting_section_id": drafter.section_id, "signed_by_id": doc["signed_by"],
            "first_reader_id": doc["first_reader"]}))
        if secrecy == 0 and back > 30 and stop != "done":
            self._remind(rng)

    # ------------------------------------------------------------ 请假, leaders' weeks

    def office_until(self, last: int) -> None:
        """The office's own record of each working day up to ``self.days[last]``: the heads'
        leave asked that day, the leaders' schedule and absences."""
        while self.office_day <= last:
            day = self.days[self.office_day]
            back = len(self.days) - 1 - self.office_day
            self.budget = 0.0
            for _ in range(self.rng.choices(range(5), weights=LEAVE_PER_DAY)[0]):
                self.leave_request(day, back)
            self.leaders_day(day)
            self.supervision.day(self.office_day)
            self.petitions.day(self.office_day)
            self.office_day += 1

    def rest_of_week(self) -> None:
        """This week's schedule is written up to its end (the sheet goes out the Friday before)."""
        day = self.today + timedelta(days=1)
        while day.weekday() != 0:
            if self.cal.is_workday(day):
                self.leaders_day(day)
            day += timedelta(days=1)

    def leave_request(self, day: date, back: int) -> None:
        """A head's leave asked on ``day``, as services.leave writes it: registered by the head
        or by 秘书科, 分管审批 by the unit's 分管副区长 (a 正职's reported on to the 区长),
        then 销假 on return, a few late, a few refused; today's may still wait."""
        rng, cal = self.rng, self.cal
        head = rng.choice(self.leave_heads)
        starts = cal.add_working_days(day, rng.choice((1, 1, 1, 2, 2, 3, 5)))
        if self.leave_busy.get(head.id, date.min) >= starts:
            return
        ends = starts + timedelta(days=rng.choices((0, 1, 2, 3, 4, 6),
                                                   weights=(30, 25, 18, 12, 8, 7))[0])
        self.leave_busy[head.id] = ends
        own = rng.random() < 0.25
        clerk = self.clerks[0] if rng.random() < 0.7 else rng.choice(self.clerks)
        asker = head if own else clerk
        at = datetime.combine(day, time(8, 40)) + timedelta(minutes=rng.randint(0, 420))
        at = min(at, self.now - timedelta(minutes=rng.randint(10, 100)))
        place, reason = rng.choice(LEAVE_TRIPS)
        unit = self.unit_short[head.unit_id]
        title = t_record("leave.record_title", unit=unit, name=head.name,
                         start=f"{starts:%m-%d}", end=f"{ends:%m-%d}")
        self.leave_id += 1
        row = {"id": self.leave_id, "person": head.id, "unit": head.unit_id, "grade": head.post,
               "title": title, "starts_on": starts.isoformat(), "ends_on": ends.isoformat(),
               "destination": place, "reason": reason, "contact": head.phone,
               "state": "待分管审批", "returned_on": None, "registered_by": asker.id,
               "created_at": _s(at), "updated_at": _s(at), "version": 1}
        flow = self.flow("leave", row["id"], title, 0, "普通", None, at, asker.login)
        self.task(flow, 1, "请假申请", "普通", at, None, holder=asker.id,
                  section=asker.section_id, done=(at, asker.id, asker.login, t_record(
                      "leave.record_note", start=f"{starts:%Y-%m-%d}", end=f"{ends:%Y-%m-%d}",
                      place=place, reason=reason)))
        self.audit(_s(at), asker.login, "leave.register", "leave_request", row["id"], dict(row))

        def change(when: datetime, login: str, state: str, **values) -> None:
            row.update(values, state=state, version=row["version"] + 1, updated_at=_s(when))
            self.audit(_s(when), login, f"leave.{state}", "leave_request", row["id"],
                       {"id": row["id"], "version": row["version"], "state": state, **values})

        flow_state, closed_at = "open", None
        approvers = [("分管审批", self.portfolio[head.unit_id][0])]
        if head.post == "正职":
            approvers.append(("区长审批", self.head))
        rnd, created = 2, at
        for step, leader in approvers:
            due = cal.add_working_days(created.date(), 1)
            when = self.later(created, rng, lo=20, hi=300)
            if when >= self.now or rng.random() < LEAVE_WAITING.get(back, 0.0):
                self.task(flow, rnd, step, "普通", created, due, holder=leader.id)
                break
            if rng.random() < (LEAVE_REFUSED if step == "分管审批" else LEAVE_REFUSED / 2):
                why = rng.choice(LEAVE_REFUSALS)
                self.task(flow, rnd, step, "普通", created, due, holder=leader.id,
                          done=(when, leader.id, leader.login, why), state="returned")
                change(when, leader.login, "不予准假")
                self.audit(_s(when), leader.login, "flow.close", "flow", flow,
                           {"state": "returned"})
                flow_state, closed_at = "returned", _s(when)
                self.made["leave_refused"] += 1
                break
            forward = step == "分管审批" and head.post == "正职"
            self.task(flow, rnd, step, "普通", created, due, holder=leader.id,
                      done=(when, leader.id, leader.login, "同意，报区长" if forward else "同意"))
            change(when, leader.login, "待区长审批" if forward else "已准假")
            rnd, created = rnd + 1, when
        else:
            # 销假: back to whoever asked, due the working day after the leave's last day.
            due = cal.add_working_days(ends, 1)
            holder, section = (head.id, None) if own else (None, clerk.section_id)
            late = rng.random() < LEAVE_LATE
            acted_on = cal.add_working_days(due, rng.randint(1, 3)) if late else due
            acted = datetime.combine(acted_on, time(8, 45)) + timedelta(
                minutes=rng.randint(0, 150))
            if acted >= self.now or (back < 40 and rng.random() < 0.03):
                self.task(flow, rnd, "销假", "普通", created, due, holder=holder, section=section)
            else:
                by = head if own else clerk
                self.task(flow, rnd, "销假", "普通", created, due, holder=holder,
                          section=section, done=(acted, by.id, by.login, t_record(
                              "leave.resumed_opinion", day=f"{due:%Y-%m-%d}")))
                change(acted, by.login, "逾期销假" if acted_on > due else "已销假",
                       returned_on=due.isoformat())
                self.audit(_s(acted), by.login, "flow.close", "flow", flow, {"state": "closed"})
                flow_state, closed_at = "closed", _s(acted)
        self.rows["flow"].append((flow, "leave", row["id"], title, 0, "普通", None, _s(at),
                                  flow_state, closed_at))
        self.rows["leave"].append(tuple(row[c] for c in LEAVE_COLUMNS))
        self.made["leave"] += 1

    def leaders_day(self, day: date) -> None:
        """Each leader's items of the day, written into the week's sheet by their line
        secretary the Friday before (services.schedule.add_entry); now and then a 副区长 is away
        for a day or three (add_absence), with no items meanwhile. The 区长 is never away here:
        his absence would hand his work to the acting head, which the 收文 and 发文 above do not
        follow."""
        rng = self.rng
        sheet = datetime.combine(day - timedelta(days=day.weekday() + 3), time(16, 0))
        for leader in self.leaders:
            secretary = self.secretary.get(leader.id) or self.clerks[0]
            if (leader.id != self.head.id and day <= self.today
                    and self.away_until.get(leader.id, date.min) < day
                    and rng.random() < ABSENCE_PER_DAY):
                self.absence(leader, secretary, day, rng)
            if self.away_until.get(leader.id, date.min) >= day:
                continue
            slots = sorted(rng.sample(SCHEDULE_SLOTS, rng.choices((1, 2, 3, 4),
                                                                  weights=(2, 4, 3, 1))[0]))
            for hour, minute in slots:
                start = datetime.combine(day, time(hour, minute))
                end = start + timedelta(minutes=rng.choice((60, 90)))
                what, where = rng.choice(SCHEDULE_ITEMS)
                x, town, dept = rng.choice(TOPICS), rng.choice(self.towns), rng.choice(
                    self.departments)
                title = what.format(x=x, town=town, dept=dept)
                place = where.format(town=town, dept=dept)
                self.entry_id += 1
                self.rows["schedule"].append((self.entry_id, leader.id, _s(start), _s(end),
                                              title, place, ""))
                self.audit(_s(sheet + timedelta(minutes=self.entry_id % 90)), secretary.login,
                           "schedule.add", "schedule_entry", self.entry_id,
                           {"id": self.entry_id, "person": leader.id, "start": _s(start),
                            "end": _s(end), "title": title, "place": place, "note": ""})
                self.made["schedule"] += 1

    def absence(self, leader: Person, secretary: Person, day: date, rng: random.Random) -> None:
        """A 副区长 away from ``day`` for one to three working days, reported by the line
        secretary the working day before (services.schedule.add_absence; no acting leader)."""
        last = self.cal.add_working_days(day, rng.choice((0, 1, 1, 2)))
        start, end = datetime.combine(day, time(8)), datetime.combine(last, time(18))
        place, reason = rng.choice(ABSENCE_TRIPS)
        before = day - timedelta(days=1)
        while not self.cal.is_workday(before):
            before -= timedelta(days=1)
        told = datetime.combine(before, time(17)) - timedelta(minutes=rng.randint(0, 120))
        self.away_until[leader.id] = last
        self.absence_id += 1
        row = (self.absence_id, leader.id, _s(start), _s(end), place, reason, leader.phone,
               "由跟线秘书送阅", None)
        self.rows["absence"].append(row)
        self.audit(_s(told), secretary.login, "absence.add", "absence", self.absence_id,
                   dict(zip(("id", "person", "start", "end", "destination", "reason", "contact",
                             "documents_via", "acting"), row, strict=True)))
        self.made["absences"] += 1

    def _counters(self) -> None:
        with database.atomic():
            database.connection().executemany(
                'INSERT INTO "counter" ("prefix", "year", "value") VALUES (?, ?, ?)',
                [(p, y, v) for (p, y), v in sorted(self.counters.items())])


# Stage by working days since the record came in: (up to this many days back, [(stage, weight)]).
INCOMING_STAGES = (
    (0, (("intake", 3), ("signing", 7))),
    (2, (("signing", 5), ("reading", 5))),
    (6, (("signing", 1), ("reading", 6), ("sorting", 3))),
    (15, (("reading", 2), ("sorting", 1), ("closed", 2), ("done", 5))),
)
OUTGOING_STAGES = (
    (1, (("起草", 3), ("秘书科核稿", 3), ("分管副主任审核", 2), ("主任复审", 1), ("主任签发", 1))),
    (4, (("主任复审", 2), ("主任签发", 2), ("区长签发", 1), ("复核登记", 1), ("编号", 1),
         ("印制", 1), ("第一读者", 1), ("分发", 1), ("done", 4))),
)
# Of the older records, the share left unfinished: the long-overdue work on Home.
STUCK = 0.0012

# 初审 (Supp. §1(二)): the share of a village's 请示 sent back as 越级; of the district units'
# requests, the shares sent back for (c) 未经协商, (d) 报送领导个人, (e) 党委职权 (the fact set
# on the document, and its value); the share of a town's or higher body's documents 转办.
RETURN_CROSS_LEVEL = 0.5
RETURN_OTHER = (("c", "involves_units", True, 0.03), ("d", "addressed_to", "领导个人", 0.006),
                ("e", "party_matter", True, 0.004))
RETURNED_REASONS = {"a": "越级请示：请先向主管单位请示",
                    "c": "涉及其他单位职权，未经协商一致：请会商有关单位后再报",
                    "d": "直接报送领导个人：请按规定报送区政府",
                    "e": "属党委职权范围：请报区委办理"}
TRANSFER_FROM = ("乡镇", "街道", "市级", "省级")
TRANSFER = 0.08
TRANSFER_REASON = "属部门职权范围，转部门办理"
# 传阅: the share of signed documents also circulated (a higher body's 通知/意见; any other).
CIRCULATE_HIGHER, CIRCULATE = 0.3, 0.04
CIRCULATE_SECTIONS = ("diaoyan", "ban1", "ban2", "xinxi", "ducha")
CIRCULATE_NOTES = ("请传阅", "请各位传阅并抓好落实", "请传阅，涉及本科室工作的请对照落实")

# 请假: requests asked a working day (weights of 0–4, about 1.5 a day, 2–3 a year a head).
LEAVE_PER_DAY = (22, 33, 25, 13, 7)
LEAVE_REFUSED, LEAVE_LATE = 0.03, 0.06
LEAVE_WAITING = {0: 0.7, 1: 0.25}  # asked today or yesterday: the share not yet approved
LEAVE_TRIPS = (("杭州", "参加省级部门年度工作会议"), ("北京", "参加部委组织的业务培训"),
               ("上海", "赴上海对接招商引资项目"), ("宁波", "带队赴宁波考察学习"),
               ("温州", "处理家庭事务"), ("椒江", "参加市级部门专题会议"),
               ("南京", "参加长三角区域合作交流活动"), ("深圳", "赴深圳开展产业链招商"),
               ("四川", "赴对口支援地区考察"), ("台州", "陪同家人就医"),
               ("嘉兴", "参加省委党校专题研修班"), ("江西", "回老家探亲"))
LEAVE_REFUSALS = ("近期重点项目集中申报，请安排在申报结束后",
                  "防汛防台关键期，主要负责人不宜离区", "近期迎检任务重，请另行安排时间")
# Leaders' weeks: the items' slots (never overlapping), what and where, and why away.
SCHEDULE_SLOTS = ((8, 30), (10, 30), (14, 30), (16, 0))
SCHEDULE_ITEMS = (
    ("参加区政府常务会议", "区行政中心三楼会议室"), ("主持召开{x}专题会议", "区行政中心五楼会议室"),
    ("调研{town}{x}工作", "{town}"), ("督查{x}工作", "{town}"),
    ("听取{dept}工作汇报", "{dept}"), ("出席全区{x}工作会议", "区会议中心"),
    ("接待群众来访", "区信访接待中心"), ("参加市政府{x}工作会议", "台州市行政中心"),
    ("陪同市领导调研{x}", "{town}"), ("研究{dept}{x}有关事项", "区行政中心二楼会议室"))
ABSENCE_PER_DAY = 1 / 60
ABSENCE_TRIPS = (("杭州", "参加省政府专题会议"), ("杭州", "参加省委党校专题培训"),
                 ("北京", "赴国家部委汇报重点项目"), ("上海", "带队招商引资"),
                 ("椒江", "参加市政府全体会议"))
INCOMING_STEPS_BEFORE = {"signing": 1, "reading": 2, "sorting": 3, "closed": 4}


def _budget(back: int, steps_before: int | None) -> float:
    """Minutes a step of a record under way takes: its age (working days, about 2,016 calendar
    minutes each) over the steps it has passed; 0 for a finished one or one of today."""
    if not steps_before or back < 1 or back > 15:
        return 0.0
    return back * 2016 / (steps_before + 1)

_INSERTS = {
    "flow": 'INSERT INTO "flow" ("id", "kind", "record_id", "title", "secrecy", "urgency", "due",'
            ' "created_at", "state", "closed_at") VALUES (?,?,?,?,?,?,?,?,?,?)',
    "task": 'INSERT INTO "task" ("id", "flow_id", "round", "step", "holder_id",'
            ' "holder_section_id", "acting_for_id", "due", "urgency", "state", "opinion", "note",'
            ' "created_at", "read_at", "acted_at", "acted_by_id", "reminders", "last_reminded")'
            ' VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
    "incoming": None,
    "outgoing": None,
    "revision": 'INSERT INTO "draft_revision" ("document_id", "no", "title", "body", "fields",'
                ' "by_id", "at", "note") VALUES (?,?,?,?,?,?,?,?)',
    "dispatch": 'INSERT INTO "dispatch_record" ("document_id", "recipient", "copies",'
                ' "electronic", "paper", "copy_numbers", "at", "by_id") VALUES (?,?,?,?,?,?,?,?)',
    "reminder": 'INSERT INTO "reminder" ("task_id", "by_id", "at", "note") VALUES (?,?,?,?)',
    "leave": None,
    "schedule": 'INSERT INTO "schedule_entry" ("id", "person_id", "start", "end", "title",'
                ' "place", "note") VALUES (?,?,?,?,?,?,?)',
    "absence": 'INSERT INTO "absence" ("id", "person_id", "start", "end", "destination",'
               ' "reason", "contact", "documents_via", "acting_id") VALUES (?,?,?,?,?,?,?,?,?)',
    "audit": 'INSERT INTO "audit_entry" ("id", "at", "actor", "action", "table", "record_id",'
             ' "before", "after", "prev_hash", "hash") VALUES (?,?,?,?,?,?,?,?,?,?)',
}


# Every NOT NULL column with the model's default (peewee defaults live in Python, not in SQL).
INCOMING_COLUMNS = {
    "id": None, "year": None, "seq": None, "number": None, "from_unit_id": None,
    "from_name": None, "doc_number": "", "title": None, "doc_kind": None, "secrecy": 0,
    "secrecy_years": None, "urgency": "普通", "copy_no": "", "received_on": None, "pages": 1,
    "attachments": "", "addressed_to": "区政府", "is_request": False, "summary": "",
    "files": "", "involves_units": False, "consulted": False, "states_differing_views": False,
    "special_reason": "", "party_matter": False, "touches_party_dept": False,
    "party_dept_reviewed": False, "major": False, "exception": "", "intake": None,
    "intake_reason": "", "intake_warnings": "", "remit_unit_id": None, "transfer_unit_id": None,
    "state": None, "due": None,
    "urging_person_id": None, "retention": None, "archive_no": None, "version": 1,
    "created_by_id": None, "created_at": None, "updated_at": None, "closed_at": None,
}
OUTGOING_COLUMNS = {
    "id": None, "issuer": None, "doc_kind": None, "title": None, "main_to": "", "cc": "",
    "secrecy": 0, "secrecy_years": None, "urgency": "普通", "normative": False, "upward": False,
    "appointment": False, "attachments": "", "origin": "office", "drafting_section_id": None,
    "drafter_id": None, "body": "", "restricted": False, "recipients": "", "signature": "",
    "sealed": True, "print_org": "", "print_date": None, "copies": 0, "state": None,
    "revision": 1, "chain": "", "resume_step": 0, "signer_name": "", "signed_by_id": None,
    "signed_at": None, "signed_revision": None, "written_date": None, "prefix": None,
    "year": None, "seq": None, "number": None, "first_reader_id": None, "first_read_at": None,
    "dispatched_at": None, "backflow": False, "version": 1, "created_at": None,
    "updated_at": None,
}


def _insert_sql(table: str, columns: dict) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


_INSERTS["incoming"] = _insert_sql("incoming_document", INCOMING_COLUMNS)
_INSERTS["outgoing"] = _insert_sql("outgoing_document", OUTGOING_COLUMNS)
# LeaveRequest's columns, in the order the builder's row dict names them.
LEAVE_COLUMNS = ("id", "person", "unit", "grade", "title", "starts_on", "ends_on", "destination",
                 "reason", "contact", "state", "returned_on", "registered_by", "created_at",
                 "updated_at", "version")
_INSERTS["leave"] = _insert_sql("leave_request", {
    c + "_id" if c in ("person", "unit", "registered_by") else c: None for c in LEAVE_COLUMNS})
# The 督查室's records (services.demo_scale_supervision), before the audit trail.
_INSERTS = {**{k: v for k, v in _INSERTS.items() if k != "audit"}, **SUPERVISION_INSERTS,
            **PETITION_INSERTS, "audit": _INSERTS["audit"]}


def _row(columns: dict, values: dict) -> tuple:
    return tuple(values.get(c, default) for c, default in columns.items())


def _s(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat(sep=" ")


def _d(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
