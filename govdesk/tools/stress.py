"""Load test: N processes doing an office's mixed work on one database, then invariant checks.

    python -m govdesk.tools.stress [--procs 32] [--seconds 20] [--db PATH] [--json OUT] [--seed N]

Each worker process works for a fixed time through the services only, as the people who hold
each step: registers 收文 and drives them through 初审/签批/阅签/分送/办结/归档, drafts 发文 and
drives them through the review chain, 复核登记, 编号 (发文字号), 印制, 第一读者 and 分发, edits the
same few records at once (a ConflictError is a correct outcome, counted apart) and sends 催办.

Afterwards the parent checks that nothing was lost or half-done (see ``check_invariants``),
prints throughput, write latency (p50/p99) and outcomes, and exits 1 if an invariant fails or a
user saw an error that is not a service's own refusal (goal: 0 "database is locked").

``--db`` may name an existing govdesk database (it is written to!); without it, or when the
path does not exist yet, a fresh demo database is built first. Textual is never imported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter as Tally
from collections import defaultdict
from pathlib import Path
from typing import Any

# Outcomes of one attempted operation.
OK = "ok"
CONFLICT = "conflict"  # ConflictError: someone saved first; the user's form is kept
STALE = "stale"  # the task moved on (PermissionDenied/NotFound) between reading and acting
REFUSED = "refused"  # ValidationError: the service refused the input in the user's words
ERROR = "error"  # anything else: a user-visible failure (counted; the goal is none)

WRITE_OPS = {
    "register": 12,
    "advance_incoming": 30,
    "edit_incoming": 14,
    "create_outgoing": 6,
    "advance_outgoing": 26,
    "edit_outgoing": 8,
    "remind": 4,
}
READ_OPS = {"read_register": 6}
HOT = 6  # edits aim at the newest few records, so several processes edit the same one

# Who acts for a section-held step.
SECTION_PEOPLE = {
    "mishu": ["lixm", "zhangyt", "zhoux", "liuzq", "yangf"],
    "diaoyan": ["qianhy", "fengj", "jiangy"],
    "ban1": ["songwb", "yej", "panlj"],
    "ban2": ["dingzh", "luoq", "xieh"],
    "xinxi": ["hanl", "zhuh"],
    "ducha": ["guojw", "luxf"],
}
DRAFTERS = ["yej", "panlj", "luoq", "jiangy", "zhangyt"]
INCOMING_UNITS = ["cz", "fgj", "jyj", "snw", "wjj", "mzj", "jtj", "nyj", "slj", "rsj"]
OUTGOING_FIELDS = {
    "issuer": "区政府办公室",
    "doc_kind": "通知",
    "main_to": "各乡镇人民政府、各街道办事处，区政府各部门",
    "body": "为切实做好冬季安全生产工作，现就有关事项通知如下。",
}


# ============================================================================ worker


class Worker:
    def __init__(self, wid: int, seed: int):
        from govdesk.services import org

        self.wid = wid
        self.rng = random.Random(seed * 1000 + wid)
        self.people = {p.login: p for p in org.leaders()}
        self.outcomes: dict[str, Tally] = defaultdict(Tally)
        self.latency: list[float] = []  # seconds, every attempted write
        self.ok_latency: list[float] = []
        self.errors: Tally = Tally()
        self.refusals: Tally = Tally()
        self.effects: Tally = Tally()  # what successful writes did, for the audit check
        self.edits: list[list[Any]] = []  # [table, doc_id, version, marker] per saved edit
        self.reminders: Tally = Tally()
        self.n = 0

    # -- helpers ---------------------------------------------------------------------------

    def person(self, login: str):
        from govdesk.services import org

        if login not in self.people:
            self.people[login] = org.person_by_login(login)
        return self.people[login]

    def actor(self, login: str):
        from govdesk.services.clock import office_now
        from govdesk.services.context import Actor

        return Actor(self.person(login), office_now())

    def holder(self, task) -> str:
        from govdesk.models import Person, Section

        if task.holder_id is not None:
            return Person.get_by_id(task.holder_id).login
        code = Section.get_by_id(task.holder_section_id).code
        return self.rng.choice(SECTION_PEOPLE[code])

    def pick_task(self, kind: str):
        from peewee import fn

        from govdesk.models import Flow, Task
        from govdesk.models.flow import WAITING

        return (Task.select().join(Flow)
                .where((Task.state == WAITING) & (Flow.kind == kind))
                .order_by(fn.Random()).first())

    # -- operations: each returns a label of what it did, or None when there was nothing ----

    def op_register(self) -> str:
        from govdesk.services import incoming
        from govdesk.services.clock import office_today

        self.n += 1
        secret = self.rng.random() < 0.1
        incoming.register(self.actor(self.rng.choice(SECTION_PEOPLE["mishu"])), {
            "from_unit": self.rng.choice(INCOMING_UNITS),
            "title": f"压力测试来文 w{self.wid}-{self.n}",
            "doc_kind": self.rng.choice(["报告", "请示", "通知", "函"]),
            "urgency": self.rng.choice(["普通", "普通", "加急", "特急"]),
            "secrecy": "秘密" if secret else "无",
            "received_on": office_today(),
            "summary": "压力测试",
        })
        self.effects.update({"incoming.register": 1, "flow.start": 1, "task.completed": 1})
        return "register"

    def op_advance_incoming(self) -> str | None:
        from govdesk.models import IncomingDocument
        from govdesk.services import incoming, org

        task = self.pick_task("incoming")
        if task is None:
            return None
        login = self.holder(task)
        actor = self.actor(login)
        step = task.step
        if step == "初审":
            roll = self.rng.random()
            if roll < 0.85:
                incoming.decide_intake(actor, task.id, "受理", "符合受文规定")
            elif roll < 0.93:
                incoming.decide_intake(actor, task.id, "退文", "越级请示，退回来文单位")
            else:
                incoming.decide_intake(actor, task.id, "转办", "属部门职权范围",
                                       transfer_unit="fgj")
                self.effects["task.completed"] += 1  # 告知来文单位 is recorded as done
            label = "intake"
        elif step == "签批":
            doc = IncomingDocument.get_by_id(task.flow.record_id)
            readers = incoming.suggest_readers(doc) or [
                incoming.Reader("阅签", person=org.by_rank("常务副区长"))]
            if self.rng.random() < 0.3:
                readers.append(incoming.Reader("阅办", section=org.section(
                    self.rng.choice(["diaoyan", "ducha", "xinxi"]))))
            incoming.sign(actor, task.id, "请分管领导阅示。", readers)
            label = "sign"
        elif step in ("阅签", "阅办", "传阅", "阅知"):
            incoming.reader_return(actor, task.id, "同意" if step == "阅办" else "")
            label = "reader_return"
        elif step == "分送":
            if self.rng.random() < 0.75:
                incoming.close(actor, task.id, "已按批示办理完毕")
                label = "close"
            else:
                leader = self.rng.choice(["zhaogl", "sunlh", "zhoudw", "wuzq"])
                incoming.send_on(actor, task.id, "请阅示",
                                 [incoming.Reader("阅签", person=self.person(leader))])
                label = "send_on"
        elif step == "归档":
            incoming.archive(actor, task.id, self.rng.choice(["永久", "30年", "10年"]))
            label = "archive"
        else:
            raise RuntimeError(f"收文环节「{step}」压力测试不认识")
        self.effects["task.completed"] += 1
        return label

    def op_edit_incoming(self) -> str | None:
        from govdesk.models import IncomingDocument
        from govdesk.services import incoming

        hot = list(IncomingDocument.select().order_by(IncomingDocument.id.desc()).limit(HOT))
        if not hot:
            return None
        doc = self.rng.choice(hot)
        form = incoming_form(doc)
        self.n += 1
        marker = f"w{self.wid}-e{self.n}"
        form["summary"] = f"修改 {marker}"
        form["change_reason"] = f"核对更正 {marker}"  # asked for once it is 办结 or 归档
        time.sleep(self.rng.random() * 0.01)  # the clerk types
        saved = incoming.update(self.actor(self.rng.choice(SECTION_PEOPLE["mishu"])),
                                doc.id, doc.version, form)
        self.edits.append(["incoming", doc.id, saved.version, form["summary"]])
        self.effects["incoming.update"] += 1
        return "edit_incoming"

    def op_create_outgoing(self) -> str:
        from govdesk.services import outgoing

        self.n += 1
        outgoing.create_draft(self.actor(self.rng.choice(DRAFTERS)), {
            **OUTGOING_FIELDS, "title": f"关于压力测试第{self.wid}-{self.n}号事项的通知",
            "urgency": self.rng.choice(["普通", "普通", "加急"]),
        })
        self.effects.update({"outgoing.create": 1, "flow.start": 1})
        return "create_outgoing"

    def op_advance_outgoing(self) -> str | None:
        from govdesk.services import outgoing

        task = self.pick_task("outgoing")
        if task is None:
            return None
        step = task.step
        actor = self.actor("chenhl" if step == "第一读者" else self.holder(task))
        if step in ("起草", "修改"):
            outgoing.submit(actor, task.id)
            label = "submit"
        elif step == "复核登记":
            outgoing.register_signed(actor, task.id)
            label = "register_signed"
        elif step == "编号":
            outgoing.assign_number(actor, task.id)
            label = "number"
        elif step == "印制":
            outgoing.print_document(actor, task.id, print_org="黄岩区人民政府办公室",
                                    print_date=None, copies=30)
            label = "print"
        elif step == "第一读者":
            outgoing.first_reader_signoff(actor, task.id)
            label = "first_reader"
        elif step == "分发":
            outgoing.dispatch(actor, task.id, [outgoing.Dispatch("各乡镇", 19)])
            label = "dispatch"
        elif self.rng.random() < 0.1:
            outgoing.send_back(actor, task.id, "请按审核意见修改后再送")
            label = "send_back"
        else:
            outgoing.approve(actor, task.id, "同意")
            label = "approve"
        self.effects["task.completed"] += 1
        return label

    def op_edit_outgoing(self) -> str | None:
        from govdesk.models import OutgoingDocument, Person
        from govdesk.models import outgoing as ostates
        from govdesk.services import outgoing

        D = OutgoingDocument
        hot = list(D.select().where(D.state.in_([ostates.DRAFTING, ostates.RETURNED]))
                   .order_by(D.id.desc()).limit(HOT))
        if not hot:
            return None
        doc = self.rng.choice(hot)
        self.n += 1
        marker = f"w{self.wid}-e{self.n}"
        form = outgoing_form(doc)
        form["body"] = f"{OUTGOING_FIELDS['body']}（修改 {marker}）"
        time.sleep(self.rng.random() * 0.01)
        drafter = Person.get_by_id(doc.drafter_id).login
        saved = outgoing.update_draft(self.actor(drafter), doc.id, doc.version, form)
        self.edits.append(["outgoing", doc.id, saved.version, form["body"]])
        self.effects["outgoing.edit"] += 1
        return "edit_outgoing"

    def op_remind(self) -> str | None:
        from govdesk.services import flow

        task = self.pick_task(self.rng.choice(["incoming", "outgoing"]))
        if task is None:
            return None
        flow.remind(self.actor(self.rng.choice(SECTION_PEOPLE["mishu"])), task, "请抓紧办理")
        self.reminders[str(task.id)] += 1
        self.effects["task.remind"] += 1
        return "remind"

    def op_read_register(self) -> str:
        from govdesk.services import incoming, outgoing

        actor = self.actor(self.rng.choice(SECTION_PEOPLE["mishu"]))
        incoming.register_page(actor, limit=50)
        outgoing.register_page(actor, limit=50)
        return "read"

    # -- the loop ---------------------------------------------------------------------------

    def attempt(self, name: str) -> None:
        from govdesk.services.errors import (
            ConflictError,
            NotFound,
            PermissionDenied,
            StorageError,
            ValidationError,
        )

        start = time.perf_counter()
        try:
            label = getattr(self, "op_" + name)()
            outcome = OK
        except ConflictError:
            label, outcome = name, CONFLICT
        except (PermissionDenied, NotFound):
            label, outcome = name, STALE
        except ValidationError as exc:
            label, outcome = name, REFUSED
            self.refusals[f"{name}: {exc}"[:120]] += 1
        except Exception as exc:  # a user would see this one
            label, outcome = name, ERROR
            kind = f"[{exc.kind}]" if isinstance(exc, StorageError) else ""  # [busy]: locked
            self.errors[f"{name}: {type(exc).__name__}{kind}: {exc}"[:200]] += 1
            if os.environ.get("GOVDESK_STRESS_TRACE"):
                traceback.print_exc()
        elapsed = time.perf_counter() - start
        if label is None:
            return
        self.outcomes[label][outcome] += 1
        if name in WRITE_OPS:
            self.latency.append(elapsed)
            if outcome == OK:
                self.ok_latency.append(elapsed)

    def run(self, seconds: float) -> None:
        names = list(WRITE_OPS) + list(READ_OPS)
        weights = list(WRITE_OPS.values()) + list(READ_OPS.values())
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.attempt(self.rng.choices(names, weights)[0])

    def result(self) -> dict:
        return {
            "wid": self.wid,
            "outcomes": {k: dict(v) for k, v in self.outcomes.items()},
            "latency": self.latency,
            "ok_latency": self.ok_latency,
            "errors": dict(self.errors),
            "refusals": dict(self.refusals),
            "effects": dict(self.effects),
            "edits": self.edits,
            "reminders": dict(self.reminders),
        }


def incoming_form(doc) -> dict:
    """What the register form holds for ``doc`` (every field, as the screen sends it)."""
    from govdesk.models import SECRECY_LEVELS

    def code(fk, attr):
        return getattr(fk, attr) if fk is not None else None

    return {
        "from_unit": code(doc.from_unit, "code"), "from_name": doc.from_name,
        "doc_number": doc.doc_number, "title": doc.title, "doc_kind": doc.doc_kind,
        "secrecy": SECRECY_LEVELS[doc.secrecy], "secrecy_years": doc.secrecy_years,
        "urgency": doc.urgency, "copy_no": doc.copy_no, "received_on": doc.received_on,
        "pages": doc.pages, "attachments": doc.attachments, "addressed_to": doc.addressed_to,
        "addressed_leader": code(doc.addressed_leader, "login"), "is_request": doc.is_request,
        "summary": doc.summary, "files": doc.files, "involves_units": doc.involves_units,
        "consulted": doc.consulted, "states_differing_views": doc.states_differing_views,
        "special_reason": doc.special_reason, "party_matter": doc.party_matter,
        "touches_party_dept": doc.touches_party_dept,
        "party_dept_reviewed": doc.party_dept_reviewed,
        "remit_unit": code(doc.remit_unit, "code"), "major": doc.major,
        "exception": doc.exception, "urging_person": code(doc.urging_person, "login"),
    }


def outgoing_form(doc) -> dict:
    from govdesk.models import SECRECY_LEVELS
    from govdesk.services.outgoing import CONTENT_FIELDS

    form = {k: getattr(doc, k) for k in CONTENT_FIELDS}
    form["secrecy"] = SECRECY_LEVELS[doc.secrecy]
    form.update(origin=doc.origin, drafting_section=doc.drafting_section,
                drafting_unit=doc.drafting_unit, review_section=doc.review_section,
                lead_leader=doc.lead_leader)
    return form


def worker_main(db: str, wid: int, seconds: float, seed: int, ready: str, go: str,
                out: str) -> int:
    from govdesk.models import close_database, open_database

    open_database(db, create=False)
    w = Worker(wid, seed)
    Path(ready).touch()
    deadline = time.monotonic() + 120
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            return 3
        time.sleep(0.005)
    w.run(seconds)
    close_database()
    tmp = out + ".part"
    Path(tmp).write_text(json.dumps(w.result(), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out)
    return 0


# ============================================================================ invariants

INCOMING_WAITING = {
    "已登记": {"初审"},
    "待签批": {"签批"},
    "传阅中": {"阅签", "阅办", "传阅"},
    "待分送": {"分送", "传阅"},
    "已办结": {"归档"},
    "已转办": {"阅知"},
    "已归档": set(),
    "已退文": set(),
}
INCOMING_FLOW_CLOSED = {"已归档": "archived", "已退文": "returned", "已转办": "transferred"}
OUTGOING_WAITING = {
    "起草中": {"起草"},
    "退改中": {"修改"},
    "已签发": {"复核登记", "编号"},
    "已编号": {"印制"},
    "已印制": {"第一读者"},
    "已校读": {"分发"},
    "已分发": set(),
}
INCOMING_WRITES = None  # set lazily: audit actions that bump an incoming document's version


def audit_counts() -> dict[str, int]:
    from peewee import fn

    from govdesk.models import AuditEntry

    return dict(AuditEntry.select(AuditEntry.action, fn.COUNT(AuditEntry.id))
                .group_by(AuditEntry.action).tuples())


def baseline() -> dict:
    from govdesk.models import Reminder

    return {"audit": audit_counts(), "reminders": Reminder.select().count()}


def _gapless(label: str, seqs: list[int], top: int, failures: list[str]) -> None:
    if len(seqs) != len(set(seqs)):
        dup = sorted(s for s, n in Tally(seqs).items() if n > 1)[:5]
        failures.append(f"{label}: 重号 {dup}")
    if sorted(set(seqs)) != list(range(1, top + 1)):
        missing = sorted(set(range(1, top + 1)) - set(seqs))[:5]
        extra = sorted(set(seqs) - set(range(1, top + 1)))[:5]
        failures.append(f"{label}: 计数器 {top}，缺号 {missing}，超出 {extra}")


def check_invariants(before: dict | None = None, results: list[dict] | None = None) -> dict:
    """Check the open database; with ``before`` and worker ``results``, also the tallies.

    Returns {"failures": [...], "facts": {...}}; no failures means every invariant holds.
    """

    from govdesk.models import (
        AuditEntry,
        Counter,
        Flow,
        IncomingDocument,
        OutgoingDocument,
        Reminder,
        Task,
        database,
    )
    from govdesk.models.flow import DONE, RETURNED, WAITING

    failures: list[str] = []
    facts: dict[str, Any] = {}

    # -- the file itself
    integrity = database.execute_sql("PRAGMA integrity_check").fetchone()[0]
    facts["integrity_check"] = integrity
    if integrity != "ok":
        failures.append(f"integrity_check: {integrity}")
    fk = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    if fk:
        failures.append(f"foreign_key_check: {fk[:5]}")

    # -- numbers: 收文编号 and 发文字号 and 档号件号, one gap-free sequence per (prefix, year)
    counters = {(c.prefix, c.year): c.value for c in Counter.select()}
    incoming_seqs: dict[int, list[int]] = defaultdict(list)
    for year, seq in IncomingDocument.select(IncomingDocument.year, IncomingDocument.seq).tuples():
        incoming_seqs[year].append(seq)
    for year in set(incoming_seqs) | {y for p, y in counters if p == "incoming"}:
        _gapless(f"收文编号 {year}", incoming_seqs[year], counters.get(("incoming", year), 0),
                 failures)
    D = OutgoingDocument
    outgoing_seqs: dict[tuple[str, int], list[int]] = defaultdict(list)
    for prefix, year, seq, number in D.select(D.prefix, D.year, D.seq, D.number).where(
            D.number.is_null(False)).tuples():
        outgoing_seqs[(prefix, year)].append(seq)
        if number != f"{prefix}〔{year}〕{seq}号":
            failures.append(f"发文字号 {number} 与 {prefix}/{year}/{seq} 不符")
    for key in set(outgoing_seqs) | {(p.removeprefix("outgoing:"), y) for p, y in counters
                                     if p.startswith("outgoing:")}:
        _gapless(f"发文字号 {key[0]}〔{key[1]}〕", outgoing_seqs[key],
                 counters.get(("outgoing:" + key[0], key[1]), 0), failures)
    archive_seqs: dict[tuple[str, int], list[int]] = defaultdict(list)
    for archive_no, in IncomingDocument.select(IncomingDocument.archive_no).where(
            IncomingDocument.archive_no.is_null(False)).tuples():
        head, _, piece = archive_no.rpartition("-")
        year_code = head.split("·")[-1]
        year, _, code = year_code.partition("-")
        archive_seqs[(f"archive-{code}", int(year))].append(int(piece))
    for key in set(archive_seqs) | {k for k in counters if k[0].startswith("archive-")}:
        _gapless(f"档号 {key[0]} {key[1]}", archive_seqs[key], counters.get(key, 0), failures)
    facts["incoming_documents"] = sum(len(v) for v in incoming_seqs.values())
    facts["outgoing_numbered"] = sum(len(v) for v in outgoing_seqs.values())

    # -- flows and tasks match their records
    flows = {(f.kind, f.record_id): f for f in Flow.select()}
    waiting: dict[int, list[str]] = defaultdict(list)
    for flow_id, step in Task.select(Task.flow, Task.step).where(Task.state == WAITING).tuples():
        waiting[flow_id].append(step)
    flow_ids = {f.id: f for f in flows.values()}
    for flow_id in waiting:
        if flow_ids[flow_id].state != "open":
            failures.append(f"流程 {flow_id} 已关闭（{flow_ids[flow_id].state}）却仍有待办")
    problems: list[str] = []
    for doc in IncomingDocument.select(IncomingDocument.id, IncomingDocument.state,
                                       IncomingDocument.title):
        f = flows.get(("incoming", doc.id))
        if f is None:
            problems.append(f"收文 {doc.id} 没有流程")
            continue
        steps = waiting.get(f.id, [])
        closed = INCOMING_FLOW_CLOSED.get(doc.state)
        if doc.state == "已转办" and steps:
            closed = None
        if closed is None and f.state != "open" or closed and f.state != closed:
            problems.append(f"收文 {doc.id} 状态 {doc.state}，流程 {f.state}")
        if f.state == "open" and not steps:
            problems.append(f"收文 {doc.id} 流程开着却无人经手（{doc.state}）")
        if not set(steps) <= INCOMING_WAITING.get(doc.state, set()):
            problems.append(f"收文 {doc.id} 状态 {doc.state}，待办 {steps}")
        if f.title != doc.title:
            problems.append(f"收文 {doc.id} 流程标题与文件不一致")
    for doc in D.select(D.id, D.state, D.title):
        f = flows.get(("outgoing", doc.id))
        if f is None:
            problems.append(f"发文 {doc.id} 没有流程")
            continue
        steps = waiting.get(f.id, [])
        closed = doc.state == "已分发"
        if closed != (f.state != "open"):
            problems.append(f"发文 {doc.id} 状态 {doc.state}，流程 {f.state}")
        if not closed and len(steps) != 1:
            problems.append(f"发文 {doc.id} 状态 {doc.state}，待办 {steps}（应恰一项）")
        allowed = OUTGOING_WAITING.get(doc.state)
        if allowed is not None and not set(steps) <= allowed:
            problems.append(f"发文 {doc.id} 状态 {doc.state}，待办 {steps}")
        if allowed is None and {"起草", "修改", "复核登记", "编号", "印制", "第一读者",
                                "分发"} & set(steps):
            problems.append(f"发文 {doc.id} 状态 {doc.state}，待办 {steps}")
        if f.title != doc.title:
            problems.append(f"发文 {doc.id} 流程标题与文件不一致")
    for f in flows.values():
        if (f.state == "open") == (f.closed_at is not None):
            problems.append(f"流程 {f.id} 状态 {f.state} 与办结时间不符")
    failures.extend(problems[:20])
    if len(problems) > 20:
        failures.append(f"……另有 {len(problems) - 20} 处流程不一致")

    # -- audit: every version of every document has its audit entry (no lost or silent write)
    versions_audited: dict[tuple[str, int], list[tuple[int, dict]]] = defaultdict(list)
    q = (AuditEntry.select(AuditEntry.table, AuditEntry.record_id, AuditEntry.after)
         .where(AuditEntry.table.in_(["incoming_document", "outgoing_document"])
                & AuditEntry.after.is_null(False))
         .order_by(AuditEntry.id).tuples())
    for table, record_id, after in q:
        data = json.loads(after)
        if "version" in data:
            versions_audited[(table, record_id)].append((data["version"], data))
    silent = []
    for table, model in (("incoming_document", IncomingDocument), ("outgoing_document", D)):
        for doc_id, version, state in model.select(model.id, model.version, model.state).tuples():
            got = [v for v, _ in versions_audited.get((table, doc_id), [])]
            if got != list(range(1, version + 1)):
                silent.append(f"{table} {doc_id}: 版本 {version}，审计中的版本 {got[:12]}")
            elif versions_audited[(table, doc_id)][-1][1].get("state") != state:
                silent.append(f"{table} {doc_id}: 状态 {state} 与最后一条审计不符")
    failures.extend(silent[:20])
    # Every completed task is audited exactly once; 催办 counts match their log.
    done_ids = [t for t, in Task.select(Task.id).where(Task.state.in_([DONE, RETURNED])).tuples()]
    audited = [r for r, in AuditEntry.select(AuditEntry.record_id).where(
        (AuditEntry.table == "task") & AuditEntry.action.in_(["task.done", "task.returned"]))
        .tuples()]
    if sorted(done_ids) != sorted(audited):
        failures.append(f"已办任务 {len(done_ids)} 项，审计 {len(audited)} 条，不一致")
    mismatch = database.execute_sql(
        "SELECT t.id, t.reminders, (SELECT COUNT(*) FROM reminder r WHERE r.task_id = t.id) AS n"
        " FROM task t WHERE t.reminders != n").fetchall()
    bad = list(mismatch)[:5]
    if bad:
        failures.append(f"催办次数与催办记录不符：{bad}")

    # -- against what the workers say they did
    if before is not None and results is not None:
        after = audit_counts()
        delta = {k: after.get(k, 0) - before["audit"].get(k, 0) for k in after}
        effects: Tally = Tally()
        for r in results:
            effects.update(r["effects"])
        facts["audit_delta"] = delta
        for action in ("incoming.register", "incoming.update", "outgoing.create",
                       "outgoing.edit", "flow.start", "task.remind"):
            if delta.get(action, 0) != effects.get(action, 0):
                failures.append(f"审计 {action}: 记录 {delta.get(action, 0)} 条，"
                                f"成功操作 {effects.get(action, 0)} 次")
        completed = delta.get("task.done", 0) + delta.get("task.returned", 0)
        if completed != effects.get("task.completed", 0):
            failures.append(f"审计 task.done/returned: 记录 {completed} 条，"
                            f"成功办理 {effects.get('task.completed', 0)} 次")
        reminders = Reminder.select().count() - before["reminders"]
        if reminders != effects.get("task.remind", 0):
            failures.append(f"催办记录 {reminders} 条，成功催办 {effects.get('task.remind', 0)} 次")
        # No lost update: each saved edit got its own version, and that version holds its text.
        seen: dict[tuple[str, int, int], str] = {}
        for r in results:
            for table, doc_id, version, marker in r["edits"]:
                key = (table, doc_id, version)
                if key in seen:
                    failures.append(f"丢失更新：{table} {doc_id} 第 {version} 版被保存了两次")
                seen[key] = marker
        lost = 0
        for (table, doc_id, version), marker in seen.items():
            entries = dict(versions_audited.get((table + "_document", doc_id), []))
            data = entries.get(version)
            field = "summary" if table == "incoming" else "body"
            if data is None or data.get(field) != marker:
                lost += 1
        if lost:
            failures.append(f"丢失更新：{lost} 次成功保存的修改不在其版本中")
        facts["edits_saved"] = len(seen)
    return {"failures": failures, "facts": facts}


# ============================================================================ the run


def build_database(path: Path) -> None:
    from govdesk.services import demo

    demo.build(path)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run(db: Path, procs: int, seconds: float, seed: int = 1) -> dict:
    """Run the load against ``db`` and check it; returns the report (also for tests)."""
    from govdesk.models import close_database, open_database
    from govdesk.services.schema import ensure_schema

    open_database(db, create=False)
    ensure_schema()
    before = baseline()
    close_database()
    work = Path(tempfile.mkdtemp(prefix="govdesk-stress-"))
    go = work / "go"
    children = []
    for wid in range(procs):
        cmd = [sys.executable, "-m", "govdesk.tools.stress", "--worker", str(wid), "--db", str(db),
               "--seconds", str(seconds), "--seed", str(seed), "--ready",
               str(work / f"ready-{wid}"), "--go", str(go), "--out", str(work / f"out-{wid}")]
        children.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL))
    deadline = time.monotonic() + 120
    while not all((work / f"ready-{w}").exists() for w in range(procs)):
        if time.monotonic() > deadline or any(c.poll() is not None for c in children):
            for c in children:
                c.kill()
            raise RuntimeError("压力测试进程未能启动")
        time.sleep(0.02)
    started = time.monotonic()
    go.touch()
    codes = [c.wait() for c in children]
    wall = time.monotonic() - started
    results = []
    for wid in range(procs):
        out = work / f"out-{wid}"
        if out.exists():
            results.append(json.loads(out.read_text(encoding="utf-8")))
    open_database(db, create=False)
    try:
        checked = check_invariants(before, results)
    finally:
        close_database()
    if any(codes) or len(results) != procs:
        checked["failures"].append(f"工作进程异常退出：{codes}")
    outcomes: Tally = Tally()
    by_op: dict[str, Tally] = defaultdict(Tally)
    errors: Tally = Tally()
    refusals: Tally = Tally()
    latency: list[float] = []
    ok_latency: list[float] = []
    for r in results:
        for op, tally in r["outcomes"].items():
            by_op[op].update(tally)
            outcomes.update(tally)
        errors.update(r["errors"])
        refusals.update(r["refusals"])
        latency.extend(r["latency"])
        ok_latency.extend(r["ok_latency"])
    locked = sum(n for msg, n in errors.items() if "locked" in msg or "busy" in msg.lower())
    writes = len(latency)
    report = {
        "procs": procs,
        "seconds": seconds,
        "wall_seconds": round(wall, 2),
        "operations": sum(outcomes.values()),
        "writes": writes,
        "ops_per_second": round(sum(outcomes.values()) / seconds, 1),
        "writes_per_second": round(writes / seconds, 1),
        "committed_writes_per_second": round(len(ok_latency) / seconds, 1),
        "write_p50_ms": round(percentile(latency, 0.50) * 1000, 1),
        "write_p99_ms": round(percentile(latency, 0.99) * 1000, 1),
        "write_max_ms": round(max(latency, default=0) * 1000, 1),
        "outcomes": dict(outcomes),
        "by_op": {k: dict(v) for k, v in sorted(by_op.items())},
        "user_visible_errors": sum(errors.values()),
        "locked_errors": locked,
        "errors": dict(errors.most_common(10)),
        "refusals": dict(refusals.most_common(10)),
        "failures": checked["failures"],
        "facts": checked["facts"],
    }
    for path in work.iterdir():
        path.unlink()
    work.rmdir()
    return report


def print_report(report: dict, out=sys.stdout) -> None:
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"govdesk 压力测试：{report['procs']} 个进程 × {report['seconds']} 秒")
    p(f"  吞吐量      {report['ops_per_second']} ops/s（写 {report['writes_per_second']}/s，"
      f"其中提交 {report['committed_writes_per_second']}/s）")
    p(f"  写延迟      p50 {report['write_p50_ms']} ms，p99 {report['write_p99_ms']} ms，"
      f"最长 {report['write_max_ms']} ms")
    p("  结果        " + "，".join(f"{k} {v}" for k, v in sorted(report["outcomes"].items())))
    for op, tally in report["by_op"].items():
        p(f"    {op:<18}" + " ".join(f"{k}={v}" for k, v in sorted(tally.items())))
    p(f"  用户可见错误 {report['user_visible_errors']}（其中 database is locked "
      f"{report['locked_errors']}）")
    for msg, n in report["errors"].items():
        p(f"    {n} × {msg}")
    if report["refusals"]:
        p("  服务拒绝（表单保留、提示用户）：")
        for msg, n in report["refusals"].items():
            p(f"    {n} × {msg}")
    facts = report["facts"]
    p(f"  收文 {facts.get('incoming_documents')} 件，发文编号 {facts.get('outgoing_numbered')} 件，"
      f"保存的并发修改 {facts.get('edits_saved')} 次，integrity_check "
      f"{facts.get('integrity_check')}")
    if report["failures"]:
        p("  不变量失败：")
        for f in report["failures"]:
            p(f"    ✗ {f}")
    else:
        p("  不变量：全部成立（编号无重无缺、流程与状态一致、审计完整、无丢失更新）")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govdesk.tools.stress",
                                     description="多进程压力测试与不变量检查")
    parser.add_argument("--procs", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--db", help="数据库文件（会被写入）；缺省在临时目录新建演示数据库")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="把结果另存为 JSON")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ready", help=argparse.SUPPRESS)
    parser.add_argument("--go", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        return worker_main(args.db, args.worker, args.seconds, args.seed, args.ready, args.go,
                           args.out)
    tmp = None
    if args.db:
        db = Path(args.db).expanduser()
        if not db.exists():
            build_database(db)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="govdesk-stress-db-"))
        db = tmp / "stress.db"
        build_database(db)
    print(f"数据库 {db}", flush=True)
    report = run(db, args.procs, args.seconds, args.seed)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    failed = bool(report["failures"]) or report["user_visible_errors"] > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
