"""信访 and the 直线电话受理中心's calls for `govdesk demo --scale year|decade` (services.demo_scale),
written in bulk as services.petition would have left them.

Each case is made whole on the day it came in, like the 督查室's records of
services.demo_scale_supervision: its row, its petitioners (the only place their values are
kept), its flow with the tasks of data/workflows/petition.toml — 登记, 拟办 (due on the 15-day
clock), 阅批 by the 区长 or the 主管区长, 转办 the same working day with its numbered 反馈卡, 反馈
(due in 5 or 10 working days, clocks.answer_due), 审核 and 办结 — each done task audited once,
every version of the case audited, the numbers 信访〔Y〕N号, 反馈卡 and 热线 through the Counter
table, and the one audit chain. The texts are stored as the services store them: the summary,
the matter and every opinion through masking.tokenise, the flow's title as workflow.title_of
gives it (masked), the audit entries with the petitioners masked. What happens after the
build's moment is left waiting.

Per year: about 2,000 calls to the 直线电话受理中心, some 15% out of scope (the caller told where
to go), the rest registered as 专线电话 cases; and about 1,300 more cases from the other four
channels (区长热线 the most, then 区长信箱, 人民来信, 群众来访 — a share of the visits in groups).
Most cases have one petitioner, a few none (anonymous); about 8% repeat an earlier case of the
same phone or ID number within the window and are linked to it; about 10% of the answers come
late (some of them urged), a few cases are extended, a share visited back (回访).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from govdesk.i18n import t_record
from govdesk.models import petition as states
from govdesk.services.petition import clocks, hotline, masking
from govdesk.services.petition import workflow as pet

# The four channels besides the hotline's calls (those are the 专线电话 cases): cases a year.
CHANNELS_A_YEAR = ((states.HEAD_LINE, 600), (states.MAILBOX, 350), (states.LETTER, 200),
                   (states.VISIT, 150))
CALLS_A_YEAR = 2000
OUT_OF_SCOPE = 0.15
ANONYMOUS = {states.MAILBOX: 0.15, states.HEAD_LINE: 0.04, states.HOTLINE: 0.05,
             states.LETTER: 0.08, states.VISIT: 0.0}
GROUP_VISIT = 0.3  # of the 群众来访
REPEAT = 0.08
IMPORTANT, SEVERAL_UNITS = 0.15, 0.1
NOT_ACCEPTED = 0.03  # told it is not for the district (the case closes at 拟办)
LATE, URGED = 0.10, 0.6  # an answer late; of the late ones, the share urged
EXTENDED = 0.04
VISITED = 0.3
UNFINISHED = 0.005  # of past years' cases, the share still waiting for the unit's answer
SATISFACTION_WEIGHTS = (70, 22, 8)

CATEGORIES = ("城乡建设", "交通运输", "环境保护", "劳动社保", "教育", "卫生健康", "农业农村",
              "市场监管", "民政", "自然资源", "住房保障", "公共安全")
MATTERS = ("{town}{x}问题", "{town}{place}{x}长期得不到解决", "反映{town}{x}相关问题",
           "要求解决{town}{place}{x}问题", "咨询{x}有关政策")
PLACES = ("小区", "村口", "菜市场", "学校门口", "工业园区", "老街", "河道", "安置房")
CALL_MATTERS = ("来电反映{town}{place}{x}问题，希望尽快处理。",
                "来电咨询{x}办事程序。", "来电投诉{town}{place}{x}。")
ROADS = ("劳动路", "县前街", "东城路", "青年路", "江北路", "环城西路", "橘乡大道", "天长路")
PROPOSALS = ("拟请{unit}调查核实，依法依规处理，并将结果反馈督查室。",
             "拟转{unit}办理，请认真核实，妥善处理。")
INSTRUCTIONS = ("请{unit}抓紧核实处理，及时答复群众。", "同意，请{unit}认真办理。",
                "请{unit}高度重视，妥善解决，按期反馈。")
ANSWERS = ("经调查核实，已责成相关责任单位整改到位，并已向信访人答复。",
           "已现场处理，问题基本解决，信访人表示认可。",
           "经核实，所反映情况部分属实，已制定整改方案，限期落实。",
           "已向信访人解释相关政策，并告知办理途径。")
RESULT = "已办结，处理结果已答复信访人。"
TOLD = "所反映事项不属本级行政机关职权范围，已告知信访人向有权处理的机关提出。"
EXTENSION_REASONS = ("涉及多个部门，需协调处理", "需进一步调查核实", "涉及历史遗留问题")
VISIT_NOTES = ("电话回访，信访人对处理结果表示认可。", "上门回访，信访人提出补充意见。", "")


def _s(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat(sep=" ")


def _d(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _snap(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v)
            for k, v in row.items()}


def _id_number(rng: random.Random) -> str:
    """A 居民身份证号码 of the district with a real birth date and its check digit."""
    born = date(1945, 1, 1) + timedelta(days=rng.randint(0, 365 * 58))
    head = f"331003{born:%Y%m%d}{rng.randint(0, 999):03d}"
    total = sum(int(c) * w for c, w in zip(head, pet._ID_WEIGHTS, strict=True))
    return head + pet._ID_CHECK[total % 11]


class Petitions:
    """Plans each case and call on its working day and writes it; ``day(i)`` is called by the
    builder for each working day of the history, in order."""

    def __init__(self, b) -> None:
        from govdesk.models import Person

        self.b = b
        self.rng: random.Random = b.petition_rng
        self.pid = self.person_id = self.unit_row_id = self.call_id = 0
        by = {p.login: p for p in Person.select().where(
            Person.section.in_([b.ducha, self._section("zhixian")]))}
        self.clerks = [by[x] for x in ("shenyj", "luxf") if x in by] or [
            p for p in by.values() if p.section_id == b.ducha]
        self.hotline = [by[x] for x in ("tianxl", "weiqs") if x in by] or self.clerks
        self.units = [u for u in b.units if u.kind in ("委局", "乡镇", "街道")]
        self.scope_in = [s for s in hotline.scope_list() if s.in_scope]
        self.scope_out = [s for s in hotline.scope_list() if not s.in_scope]
        # Earlier cases a petitioner may come back about: (received_on, id, number, people).
        self.recent: list[tuple[date, int, str, list[dict]]] = []
        self.window = b.rules.petition.repeat_window_days
        self.per_day = self._plan()

    @staticmethod
    def _section(code: str) -> int:
        from govdesk.services import org

        return org.section(code).id

    # ------------------------------------------------------------ the plan

    def _plan(self) -> dict[int, list[tuple[str, str | None]]]:
        b, rng = self.b, self.rng
        plan: dict[int, list[tuple[str, str | None]]] = {}
        by_year: dict[int, list[int]] = {}
        for i, d in enumerate(b.days):
            by_year.setdefault(d.year, []).append(i)
        for days in by_year.values():
            share = min(len(days) / 250, 1.0)
            for _ in range(round(CALLS_A_YEAR * share)):
                plan.setdefault(rng.choice(days), []).append(("call", None))
            for channel, n in CHANNELS_A_YEAR:
                for _ in range(round(n * share)):
                    plan.setdefault(rng.choice(days), []).append(("case", channel))
        return plan

    def day(self, index: int) -> None:
        day = self.b.days[index]
        cut = day - timedelta(days=self.window)
        while self.recent and self.recent[0][0] < cut:
            self.recent.pop(0)
        for what, channel in self.per_day.get(index, ()):
            if what == "call":
                self.call(day)
            else:
                self.case(day, channel, self.rng.choice(self.clerks))

    # ------------------------------------------------------------ pieces

    def _moment(self, day: date, lo: int = 0, hi: int = 480) -> datetime:
        return datetime.combine(day, time(8, 40)) + timedelta(minutes=self.rng.randint(lo, hi))

    def _after(self, when: datetime, lo_days: int, hi_days: int) -> datetime:
        day = self.b.cal.add_working_days(when.date(), self.rng.randint(lo_days, hi_days))
        return max(self._moment(day), when + timedelta(minutes=5))

    def _person(self) -> dict:
        from govdesk.services.demo_scale_supervision import _name

        rng, b = self.rng, self.b
        phone = rng.choice("3456789") + f"{rng.randint(0, 999_999_999):09d}"
        return {
            "name": _name(rng),
            "phone": "1" + phone,
            "address": f"浙江省台州市黄岩区{rng.choice(b.towns)}{rng.choice(ROADS)}"
                       f"{rng.randint(1, 300)}号" if rng.random() < 0.7 else "",
            "id_number": _id_number(rng) if rng.random() < 0.5 else "",
        }

    def _people(self, channel: str, day: date) -> tuple[list[dict], tuple | None, str]:
        """The petitioners, and the earlier case this one repeats (with why), if any."""
        rng = self.rng
        if rng.random() < ANONYMOUS[channel]:
            return [], None, ""
        if self.recent and rng.random() < REPEAT:
            earlier = rng.choice(self.recent)
            if earlier[3]:
                first = earlier[3][0]
                reason = "same_id" if first.get("id_number") else "same_phone"
                if first.get("phone") or first.get("id_number"):
                    again = earlier[3] if channel == states.VISIT else earlier[3][:1]
                    return [dict(p) for p in again], earlier, reason
        n = rng.randint(3, 8) if channel == states.VISIT and rng.random() < GROUP_VISIT else 1
        return [self._person() for _ in range(n)], None, ""

    def _remind(self, task_id: int, by, at: datetime, note: str, pid: int, step: str) -> None:
        b = self.b
        b.rows["reminder"].append((task_id, by.id, _s(at), note))
        b.audit(_s(at), by.login, "task.remind", "task", task_id, {"note": note})
        b.audit(_s(at), by.login, "petition.urge", "petition", pid,
                {"step": step, "note": note})
        rows = b.rows["task"]
        for k in range(len(rows) - 1, -1, -1):
            if rows[k][0] == task_id:
                row = list(rows[k])
                row[16], row[17] = row[16] + 1, _s(at)
                rows[k] = tuple(row)
                return

    # ------------------------------------------------------------ a call

    def call(self, day: date) -> None:
        b, rng = self.b, self.rng
        staff = rng.choice(self.hotline)
        at = min(self._moment(day), b.now - timedelta(minutes=30))
        person = self._person()
        if rng.random() < ANONYMOUS[states.HOTLINE]:
            person["name"] = ""
        caller = {"name": person["name"], "phone": person["phone"]}
        earlier, reason = None, ""
        if self.recent and rng.random() < REPEAT:  # the same caller again, about the same
            pick = rng.choice(self.recent)
            if pick[3] and pick[3][0]["phone"]:
                earlier, reason = pick, "same_phone"
                caller = {"name": pick[3][0]["name"], "phone": pick[3][0]["phone"]}
        town, x = rng.choice(b.towns), rng.choice(b.topics)
        in_scope = rng.random() >= OUT_OF_SCOPE
        item = rng.choice(self.scope_in if in_scope else self.scope_out)
        matter = rng.choice(CALL_MATTERS).format(town=town, place=rng.choice(PLACES), x=x)
        category = rng.choice(CATEGORIES) if in_scope else ""
        case_id = None
        if in_scope:
            summary = matter.removeprefix("来电").split("，")[0].removesuffix("。")
            case_id = self.case(day, states.HOTLINE, staff, at=at, summary=summary,
                                matter=matter, category=category or item.name,
                                people=[caller] if caller["name"] or caller["phone"] else [],
                                earlier=earlier, reason=reason)
        year = day.year
        b.counters[(hotline.NUMBER_PREFIX, year)] += 1
        self.call_id += 1
        where = "" if in_scope else t_record("petition.told_where", place=item.place)
        row = {"id": self.call_id, "year": year, "seq": b.counters[(hotline.NUMBER_PREFIX, year)],
               "caller": caller["name"], "phone": caller["phone"],
               "matter": masking.tokenise(matter, [caller]),
               "category": masking.tokenise(category, [caller]), "scope": item.code,
               "in_scope": in_scope, "told_where": masking.tokenise(where, [caller]),
               "petition": case_id, "recorded_by": staff.id, "called_at": _s(at)}
        b.audit(_s(at), staff.login, "petition.call", "hotline_call", self.call_id, {
            **_snap(row), "caller": masking.mask_name(caller["name"]),
            "phone": masking.mask_phone(caller["phone"])})
        b.rows["pet_call"].append(tuple(row[c] for c in CALL_COLUMNS))
        b.made["calls"] += 1

    # ------------------------------------------------------------ a case

    def case(self, day: date, channel: str, clerk, *, at: datetime | None = None,
             summary: str | None = None, matter: str | None = None,
             category: str | None = None, people: list[dict] | None = None,
             earlier: tuple | None = None, reason: str = "") -> int:
        b, rng = self.b, self.rng
        if people is None:
            people, earlier, reason = self._people(channel, day)
        people = [{f: p.get(f) or "" for f in masking.FIELDS} for p in people]
        town, x, place = rng.choice(b.towns), rng.choice(b.topics), rng.choice(PLACES)
        if summary is None:
            summary = rng.choice(MATTERS).format(town=town, place=place, x=x)
            if people and rng.random() < 0.5:
                summary = f"{people[0]['name']}反映{summary.removeprefix('反映')}"
        if matter is None:
            matter = f"{summary}。"
            if people:
                p = people[0]
                matter += f"信访人{p['name']}，联系电话{p['phone']}" + (
                    f"，住{p['address']}" if p["address"] else "") + "。"
        if at is None:
            at = min(self._moment(day), b.now - timedelta(minutes=30))
        importance = states.IMPORTANT if rng.random() < IMPORTANT else states.ORDINARY
        received = day if channel in (states.HOTLINE, states.HEAD_LINE, states.VISIT) else \
            b.cal.add_working_days(day, -rng.randint(0, 2))
        year = day.year
        b.counters[(pet.NUMBER_PREFIX, year)] += 1
        self.pid += 1
        pid = self.pid

        def tok(text: str) -> str:
            return masking.tokenise(text, people)

        row = {
            "id": pid, "year": year, "seq": b.counters[(pet.NUMBER_PREFIX, year)],
            "channel": channel, "summary": tok(summary), "matter": tok(matter),
            "category": tok(category or rng.choice(CATEGORIES)),
            "place": tok(f"{town}{place}"),
            "attachments": tok("来信一封" if channel == states.LETTER else ""),
            "received_on": _d(received), "importance": importance, "anonymous": not people,
            "group_visit": len(people) > 1, "repeat_of": earlier[1] if earlier else None,
            "repeat_reason": reason, "proposal": "", "leader": None, "instruction": "",
            "instructed_on": None, "card_year": None, "card_seq": None, "accepted_on": None,
            "told_on": None, "answer_due": None, "answer": "", "answered_on": None,
            "extension_days": 0, "extension_reason": "", "extension_by": None, "result": "",
            "closed_on": None, "visited_on": None, "satisfaction": "", "visit_note": "",
            "state": "待拟办", "registered_by": clerk.id, "created_at": _s(at),
            "updated_at": _s(at), "version": 1,
        }
        number = t_record("petition.number", year=year, seq=row["seq"])
        title = masking.render(row["summary"], people, allowed=False)
        for n, p in enumerate(people):
            self.person_id += 1
            b.rows["pet_person"].append((self.person_id, pid, n, p.get("name", ""),
                                         p.get("phone", ""), p.get("address", ""),
                                         p.get("id_number", "")))
        accept_due = clocks.accept_due(at.date())
        flow = b.flow(pet.KIND, pid, title, 0, "普通", accept_due, at, clerk.login)
        note = t_record("petition.record_note", channel=channel,
                        day=f"{received:%Y-%m-%d}", n=len(people))
        if earlier is not None:
            note += t_record("petition.repeat_note", number=earlier[2],
                             why=t_record(f"petition.repeat.{reason}"))
        b.task(flow, 1, "登记", "普通", at, None, holder=clerk.id, section=clerk.section_id,
               done=(at, clerk.id, clerk.login, note))
        b.audit(_s(at), clerk.login, "petition.register", "petition", pid, {
            **_snap(row), "people": [masking.masked_dict(p) for p in people]})
        self.recent.append((received, pid, number, people))

        def change(when: datetime, login: str, state: str = "", **values) -> None:
            if state:
                values["state"] = state
            before = _snap(row)
            row.update(values, version=row["version"] + 1, updated_at=_s(when))
            action = f"petition.{state}" if state else "petition.update"
            b.audit(_s(when), login, action, "petition", pid, _snap(row), before)

        flow_state, closed_at = self._course(flow, row, people, at, clerk, change, tok)
        due = None
        if flow_state == "open":
            due = pet.record_due(SimpleNamespace(
                closed_on=None, told_on=None, created_at=at,
                accepted_on=date.fromisoformat(row["accepted_on"]) if row["accepted_on"]
                else None, extension_days=row["extension_days"],
                answer_due=date.fromisoformat(row["answer_due"]) if row["answer_due"] else None,
                answered_on=date.fromisoformat(row["answered_on"]) if row["answered_on"]
                else None))
        b.rows["flow"].append((flow, pet.KIND, pid, title, 0, "普通", _d(due), _s(at),
                               flow_state, closed_at))
        b.rows["petition"].append(tuple(row[c] for c in PETITION_COLUMNS))
        b.made["petitions"] += 1
        return pid

    def _course(self, flow, row, people, at, clerk, change, tok):
        """拟办 → 阅批 → 转办 → 反馈 → 审核 → 办结, and after it now and then a 回访; each step
        done if its moment is before the build's, else left waiting there."""
        b, rng = self.b, self.rng
        rnd, created = 2, at
        past = at.date().year < b.today.year

        def step(name, lo, hi, opinion, *, holder=None, due=None, by=None):
            nonlocal rnd, created
            when = self._after(created, lo, hi)
            by = by or clerk
            section = None if holder else b.ducha
            if when >= b.now:
                b.task(flow, rnd, name, "普通", created, due,
                       holder=holder.id if holder else None, section=section)
                return None
            text = opinion(when.date()) if callable(opinion) else opinion
            b.task(flow, rnd, name, "普通", created, due, holder=holder.id if holder else None,
                   section=section, done=(when, by.id, by.login, text))
            rnd += 1
            created = when
            return when

        accept_due = clocks.accept_due(at.date())
        units = [rng.choice(self.units)]
        if rng.random() < SEVERAL_UNITS:
            units += [u for u in rng.sample(self.units, rng.randint(1, 2)) if u not in units]
        lead = units[0]
        if rng.random() < NOT_ACCEPTED:
            told = tok(TOLD)
            when = step("拟办", 0, 2, told, due=accept_due)
            if when is None:
                return "open", None
            change(when, clerk.login, "不予受理", told_on=_d(when.date()), result=told,
                   closed_on=_d(when.date()))
            b.audit(_s(when), clerk.login, "flow.close", "flow", flow, {"state": "closed"})
            return "closed", _s(when)
        leader = (b.portfolio.get(lead.id) or [b.head])[0] if rng.random() < 0.7 else b.head
        proposal = tok(rng.choice(PROPOSALS).format(unit=lead.short))
        when = step("拟办", 0, 1, proposal, due=accept_due)
        if when is None:
            return "open", None
        change(when, clerk.login, "待阅批", proposal=proposal, leader=leader.id)
        instruction = tok(rng.choice(INSTRUCTIONS).format(unit=lead.short))
        when = step("阅批", 0, 2, instruction, holder=leader, by=leader)
        if when is None:
            return "open", None
        change(when, leader.login, "待转办", instruction=instruction,
               instructed_on=_d(when.date()))
        # 转办 the same working day, with the 反馈卡.
        same_day = b.cal.next_workday(when.date())
        transfer_at = min(when + timedelta(minutes=rng.randint(20, 120)),
                          datetime.combine(when.date(), time(17, 50)))
        if transfer_at >= b.now:
            b.task(flow, rnd, "转办", "普通", created, same_day, section=b.ducha)
            return "open", None
        today = transfer_at.date()
        due = clocks.answer_due(row["importance"], len(units), today)
        b.counters[(pet.CARD_PREFIX, today.year)] += 1
        card_seq = b.counters[(pet.CARD_PREFIX, today.year)]
        card = t_record("petition.card_number", year=today.year, seq=card_seq)
        opinion = t_record("petition.transferred", card=card,
                           units="、".join(u.short for u in units), due=f"{due:%Y-%m-%d}")
        b.task(flow, rnd, "转办", "普通", created, same_day, section=b.ducha,
               done=(transfer_at, clerk.id, clerk.login, tok(opinion)))
        rnd, created = rnd + 1, transfer_at
        for n, unit in enumerate(units):
            self.unit_row_id += 1
            b.rows["pet_unit"].append((self.unit_row_id, row["id"], unit.id, n == 0))
        change(transfer_at, clerk.login, "办理中", card_year=today.year, card_seq=card_seq,
               accepted_on=_d(today), answer_due=_d(due), importance=row["importance"])
        b.audit(_s(transfer_at), clerk.login, "petition.card", "petition", row["id"],
                {"card": card, "units": [u.short for u in units]})
        if rng.random() < EXTENDED:
            ext_at = self._after(created, 1, 3)
            if ext_at < b.now:
                days = rng.choice((15, 20, 30))
                approver = rng.choice(b.leaders)
                reason = rng.choice(EXTENSION_REASONS)
                old, new = clocks.resolve_due(today), clocks.resolve_due(today, days)
                b.task(flow, rnd, "延期", "普通", ext_at, None, holder=clerk.id,
                       section=clerk.section_id, done=(ext_at, clerk.id, clerk.login, t_record(
                           "petition.extended", days=days, old=f"{old:%Y-%m-%d}",
                           new=f"{new:%Y-%m-%d}", who=approver.name, reason=reason)))
                rnd += 1
                change(ext_at, clerk.login, extension_days=days, extension_reason=tok(reason),
                       extension_by=approver.id)
        # The unit's answer: on time, or late (and then perhaps urged).
        late = rng.random() < LATE
        span = b.cal.working_days_between(today, due)
        if late:
            answer_day = b.cal.add_working_days(due, rng.randint(1, 8))
        else:
            answer_day = b.cal.add_working_days(today, rng.randint(1, max(1, span)))
        when = max(self._moment(answer_day), created + timedelta(minutes=30))
        if past and rng.random() < UNFINISHED:
            when = b.now  # never answered: long overdue
        if late and rng.random() < URGED:
            urge_at = self._moment(b.cal.add_working_days(due, 1))
            if urge_at < when and urge_at < b.now:
                pending = ("urge", urge_at)
            else:
                pending = None
        else:
            pending = None
        text = rng.choice(ANSWERS)
        if when >= b.now:
            tid = b.task(flow, rnd, "反馈", "普通", created, due, section=b.ducha,
                         note=lead.short)
            if pending:
                self._remind(tid, clerk, pending[1], "请抓紧反馈办理结果", row["id"], "反馈")
            return "open", None
        tid = b.task(flow, rnd, "反馈", "普通", created, due, section=b.ducha, note=lead.short,
                     done=(when, clerk.id, clerk.login, tok(t_record(
                         "petition.answered", day=f"{when.date():%Y-%m-%d}", text=text))))
        if pending:
            self._remind(tid, clerk, pending[1], "请抓紧反馈办理结果", row["id"], "反馈")
        rnd, created = rnd + 1, when
        change(when, clerk.login, "待审核", answer=tok(text), answered_on=_d(when.date()))
        result = tok(RESULT)
        when = step("审核", 0, 2, result)
        if when is None:
            return "open", None
        change(when, clerk.login, "已办结", result=result, closed_on=_d(when.date()))
        b.audit(_s(when), clerk.login, "flow.close", "flow", flow, {"state": "closed"})
        closed_at = _s(when)
        if people and rng.random() < VISITED:
            visit_at = self._after(when, 2, 10)
            if visit_at < b.now:
                satisfaction = rng.choices(states.SATISFACTION, SATISFACTION_WEIGHTS)[0]
                note = rng.choice(VISIT_NOTES)
                b.task(flow, rnd, "回访", "普通", visit_at, None, holder=clerk.id,
                       section=clerk.section_id, done=(visit_at, clerk.id, clerk.login, tok(
                           t_record("petition.visited", satisfaction=satisfaction,
                                    day=f"{visit_at.date():%Y-%m-%d}", note=note))))
                change(visit_at, clerk.login, visited_on=_d(visit_at.date()),
                       satisfaction=satisfaction, visit_note=tok(note))
        return "closed", closed_at


PETITION_COLUMNS = ("id", "year", "seq", "channel", "summary", "matter", "category", "place",
                    "attachments", "received_on", "importance", "anonymous", "group_visit",
                    "repeat_of", "repeat_reason", "proposal", "leader", "instruction",
                    "instructed_on", "card_year", "card_seq", "accepted_on", "told_on",
                    "answer_due", "answer", "answered_on", "extension_days", "extension_reason",
                    "extension_by", "result", "closed_on", "visited_on", "satisfaction",
                    "visit_note", "state", "registered_by", "created_at", "updated_at",
                    "version")
CALL_COLUMNS = ("id", "year", "seq", "caller", "phone", "matter", "category", "scope",
                "in_scope", "told_where", "petition", "recorded_by", "called_at")
FOREIGN = {"repeat_of", "leader", "extension_by", "registered_by", "petition", "recorded_by"}


def _insert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}_id"' if c in FOREIGN else f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


INSERTS = {
    "petition": _insert("petition", PETITION_COLUMNS),
    "pet_person": 'INSERT INTO "petition_person" ("id", "petition_id", "position", "name",'
                  ' "phone", "address", "id_number") VALUES (?,?,?,?,?,?,?)',
    "pet_unit": 'INSERT INTO "petition_unit" ("id", "petition_id", "unit_id", "lead")'
                ' VALUES (?,?,?,?)',
    "pet_call": _insert("hotline_call", CALL_COLUMNS),
}
