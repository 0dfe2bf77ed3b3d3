"""The demo's 信访 and 直线电话受理中心 (SPEC §9; Part 2 §3, Part 5): cases from all five channels
and three calls, each made through the services with the clock at the moment it happened, like
the rest of services.demo (which calls ``populate`` last).

督查室 (沈怡君 registering, transferring and recording the units' answers with their own dates,
its 科长 郭建伟 urging) takes the cases through 拟办, the 区长's or a 副区长's 阅批, 转办 with a
numbered 反馈卡, 审核 and 办结; the 直线电话受理中心 (田小兰) takes the calls. Among them: an
anonymous 区长信箱 letter, a group visit of three, a repeat of an earlier case, one late on its
5-day answer (urged once), one whose 60 days are extended, one closed with its 回访 满意, one
not accepted (the petitioner told where to go), and three calls — two in scope, which become
cases (专线电话), one out of scope, told where to go.
"""

from __future__ import annotations

from govdesk.models import Person, Petition, Task
from govdesk.models.flow import WAITING
from govdesk.services import org, petition
from govdesk.services.context import Actor
from govdesk.services.engine import core as engine
from govdesk.services.petition import hotline

CLERK, CHIEF, HOTLINE, DIRECTOR = "shenyj", "guojw", "tianxl", "linzh"


def _task(row: Petition, step: str) -> Task:
    f = engine.flow_of(petition.KIND, row.id)
    return Task.get((Task.flow == f) & (Task.state == WAITING) & (Task.step == step))


def _leader_of(row: Petition) -> Person:
    task = _task(row, petition.READ)
    return task.holder


def populate(clock) -> None:
    from govdesk.services.demo_supervision import _Days

    days = _Days(clock)
    clerk, chief = org.person_by_login(CLERK), org.person_by_login(CHIEF)

    def at(back: int, hour: int = 10, minute: int = 0) -> Actor:
        return Actor(clerk, days.at(back, hour, minute))

    def received(back: int) -> str:
        return days.day(back).isoformat()

    def through_transfer(row: Petition, back: int, proposal: str, instruction: str,
                         units: dict, leader: str = "") -> Petition:
        """拟办 and 阅批 on the working day ``back``, 转办 the same day (Part 2 §3(二))."""
        petition.propose(at(back, 10), _task(row, petition.PROPOSE).id,
                         {"proposal": proposal, **({"leader": leader} if leader else {})})
        petition.instruct(Actor(_leader_of(row), days.at(back, 14)),
                          _task(row, petition.READ).id, instruction)
        return petition.transfer(at(back, 16), _task(row, petition.TRANSFER).id, units)

    # 1. 区长信箱, anonymous: registered three working days ago, waiting for the 区长's 阅批.
    row = petition.register(at(3, 9, 5), {
        "channel": "区长信箱", "summary": "建议在城东公园增设公共厕所",
        "matter": "城东公园晨练、散步的人很多，园内只有一处公厕，离东门较远，老人孩子很不方便。",
        "category": "城市管理", "place": "城东公园", "received_on": received(3),
        "anonymous": True})
    petition.propose(at(2, 10), _task(row, petition.PROPOSE).id,
                     {"proposal": "拟请区综合行政执法局会同东城街道研究办理。"})

    # 2. 群众来访, a group of three: transferred as important to two units (10 working days).
    row = petition.register(at(8, 9, 30), {
        "channel": "群众来访", "summary": "锦江花园业主反映开发商逾期交房",
        "matter": "锦江花园二期合同约定今年6月交房，至今未交付，开发商不予答复。",
        "category": "住房城建", "place": "东城街道锦江花园", "received_on": received(8),
        "importance": "重要",
        "people": [{"name": "陈国强", "phone": "13906762231",
                    "id_number": "331003196503124325", "address": "黄岩区东城街道锦江花园2幢"},
                   {"name": "李梅", "phone": "13857609812"},
                   {"name": "张建华"}]})
    through_transfer(row, 7, "拟请区住建局牵头，会同东城街道调查处理，并答复来访群众。",
                     "请住建局依法督促开发商履约，妥善做好业主工作。",
                     {"lead_unit": "zjj", "co_units": "dongcheng", "importance": "重要"},
                     leader="zhoudw")

    # 3. 人民来信, late on its 5-day answer, urged once; 4. its repeat by phone, 区长热线.
    early = petition.register(at(14, 9, 40), {
        "channel": "人民来信", "summary": "永宁江边工地夜间施工噪音扰民",
        "matter": "永宁江边某工地连续多日夜间施工至凌晨，噪音很大，影响附近居民休息。",
        "category": "生态环境", "place": "永宁江北岸", "received_on": received(15),
        "people": [{"name": "周美华", "phone": "13706761198",
                    "address": "黄岩区西城街道江滨小区"}]})
    early = through_transfer(early, 13, "拟请区综合行政执法局核查处理。",
                             "请执法局依法查处，及时答复。",
                             {"lead_unit": "区综合行政执法局"})
    petition.urge(Actor(chief, days.at(3, 9, 15)), early.id, "反馈已超期，请于两日内报送办理结果")
    petition.register(at(1, 15, 20), {
        "channel": "区长热线", "summary": "夜间施工噪音问题仍未解决",
        "matter": "前次反映的江边工地夜间施工问题，至今仍在夜间施工。",
        "category": "生态环境", "place": "永宁江北岸", "received_on": received(1),
        "people": [{"name": "周美华", "phone": "13706761198"}]})

    # 5. 人民来信, its 60 days extended by 30 (approved by the 主任): the answer in, at 审核.
    row = petition.register(at(46, 9, 10), {
        "channel": "人民来信", "summary": "反映院桥镇征地补偿款未足额发放",
        "matter": "2019年院桥镇征地，部分农户补偿款至今未足额发放，多次反映未果。",
        "category": "土地征收", "place": "院桥镇", "received_on": received(46),
        "people": [{"name": "林德明", "phone": "13606768820",
                    "id_number": "331003197811052620"}]})
    row = through_transfer(row, 45, "拟请区自然资源和规划分局会同院桥镇核实处理。",
                           "请认真核实，依法依规处理。",
                           {"lead_unit": "zrzyfj", "co_units": "院桥镇", "importance": "重要"})
    petition.extend(at(20, 11), row.id, {
        "days": 30, "reason": "涉及历史遗留问题，需调取2019年征地档案逐户核对",
        "approved_by": DIRECTOR})
    petition.answer(at(4, 15), _task(row, petition.ANSWER).id, {
        "text": "已逐户核对，差额补偿款将于本月底前发放到户。",
        "unit_date": days.day(4).isoformat()})

    # 6. 区长信箱, closed, the petitioner visited and satisfied.
    row = petition.register(at(20, 9, 20), {
        "channel": "区长信箱", "summary": "桔乡社区门口路灯不亮",
        "matter": "桔乡社区门口一段路的路灯坏了半个多月，晚上出行不安全。",
        "category": "城市管理", "place": "东城街道桔乡社区", "received_on": received(20),
        "people": [{"name": "王秀兰", "phone": "13857605678"}]})
    row = through_transfer(row, 19, "拟请区综合行政执法局处理。", "请抓紧修复。",
                           {"lead_unit": "区综合行政执法局"})
    row = petition.answer(at(16, 15), _task(row, petition.ANSWER).id, {
        "text": "已更换损坏灯具，路灯恢复正常。", "unit_date": days.day(16).isoformat()})
    row = petition.close(at(15, 10), _task(row, petition.CHECK).id,
                         "经核实路灯已修复，信访人认可。")
    petition.visit(at(12, 16), row.id, {"satisfaction": "满意", "visited_on": days.day(12)
                                        .isoformat(), "note": "信访人对办理结果表示满意"})

    # 7. 人民来信, not accepted: a court's judgment, the petitioner told where to go.
    row = petition.register(at(18, 9, 45), {
        "channel": "人民来信", "summary": "对民事判决结果不服",
        "matter": "本人与邻居宅基地纠纷一案，对区人民法院的一审判决不服。",
        "category": "涉法涉诉", "received_on": received(18),
        "people": [{"name": "赵国平", "phone": "13587601276"}]})
    petition.not_accepted(at(17, 10), _task(row, petition.PROPOSE).id,
                          "属司法机关处理的事项，已书面告知信访人依法向台州市中级人民法院上诉。")

    # The 直线电话受理中心: two calls in scope (cases from 专线电话), one told where to go.
    operator = org.person_by_login(HOTLINE)
    call = hotline.record_call(Actor(operator, days.at(5, 9, 12)), {
        "caller": "徐海燕", "phone": "13958612345",
        "matter": "北城街道菜市场周边占道经营严重，早晚高峰车辆无法通行。",
        "category": "城市管理", "scope": "problems", "place": "北城街道菜市场"})
    through_transfer(call.petition, 4, "拟请区综合行政执法局整治。", "同意。",
                     {"lead_unit": "区综合行政执法局"})
    hotline.record_call(Actor(operator, days.at(0, 9, 5)), {
        "caller": "吴晓东", "phone": "057684221234",
        "matter": "咨询新开餐馆办理食品经营许可证需要哪些材料、到哪里办理。",
        "category": "政策咨询", "scope": "duties"})
    hotline.record_call(Actor(operator, days.at(2, 14, 30)), {
        "caller": "郑先生", "phone": "13857690077",
        "matter": "反映对区人大代表选举工作的意见。", "category": "其他", "scope": "npc"})
