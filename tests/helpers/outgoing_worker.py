"""发文 test helpers: drive a draft through the services, and a numbering worker process.

As a module (``from helpers.outgoing_worker import ...``) it offers ``new_draft`` and
``drive_to``, which move a draft step by step through the real services, each step done by
whoever holds it.

As a script it is one of the concurrent numbering processes:

    python outgoing_worker.py DB LOGIN TASK_IDS READY_FILE GO_FILE

TASK_IDS is a comma-separated list of 编号 task ids. The worker touches READY_FILE, waits for
GO_FILE so that all workers start together, calls outgoing.assign_number on each task and prints
one JSON list of [doc_id, prefix, year, seq, number] on stdout; a task the other process
numbered first is listed as [task_id, null, null, null, null].
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

from govdesk.models import Person, Task, close_database, open_database
from govdesk.models.flow import WAITING
from govdesk.services import flow, org, outgoing
from govdesk.services.context import Actor
from govdesk.services.errors import ConflictError, PermissionDenied

# Who acts for a section-held step (秘书科's 文书 handles the paper; its 科长 reads first).
SECTION_CLERK = {"mishu": "lixm", "diaoyan": "qianhy", "ban1": "songwb", "ban2": "dingzh",
                 "xinxi": "hanl", "ducha": "guojw"}

BASE_FIELDS = {
    "issuer": "区政府办公室",
    "doc_kind": "通知",
    "title": "关于做好冬季安全生产工作的通知",
    "main_to": "各乡镇人民政府、各街道办事处，区政府各部门",
    "body": "为切实做好冬季安全生产工作，现就有关事项通知如下。",
}


def new_draft(actor: Actor, **fields):
    return outgoing.create_draft(actor, {**BASE_FIELDS, **fields})


def waiting(doc) -> Task:
    tasks = flow.waiting_tasks(flow.flow_of(outgoing.KIND, doc.id))
    assert len(tasks) == 1, [t.step for t in tasks]
    return tasks[0]


def holder_actor(task: Task, now: datetime) -> Actor:
    if task.holder_id is not None:
        return Actor(Person.get_by_id(task.holder_id), now)
    code = task.holder_section.code
    return Actor(org.person_by_login(SECTION_CLERK[code]), now)


def do_step(doc, now: datetime, task: Task | None = None):
    """Complete the one waiting step of ``doc`` the ordinary way, as its holder."""
    task = task or waiting(doc)
    actor = holder_actor(task, now)
    step = task.step
    if step in ("起草", "修改"):
        return outgoing.submit(actor, task.id)
    if step == "复核登记":
        return outgoing.register_signed(actor, task.id)
    if step == "编号":
        return outgoing.assign_number(actor, task.id)
    if step == "印制":
        return outgoing.print_document(actor, task.id, print_org="黄岩区人民政府办公室",
                                       print_date=None, copies=30)
    if step == "第一读者":
        return outgoing.first_reader_signoff(
            Actor(org.person_by_login("chenhl"), now), task.id)
    if step == "分发":
        return outgoing.dispatch(actor, task.id, [outgoing.Dispatch("各乡镇", 19)])
    return outgoing.approve(actor, task.id, "同意")


def drive_to(doc, step: str, now: datetime, limit: int = 20) -> Task:
    """Do each waiting step in turn until ``step`` waits; return that task."""
    for _ in range(limit):
        task = waiting(doc)
        if task.step == step:
            return task
        doc = do_step(doc, now, task)
    raise AssertionError(f"{step} never reached")


def main() -> None:
    db, login, task_ids, ready, go = sys.argv[1:6]
    open_database(db)
    clerk = org.person_by_login(login)
    Path(ready).touch()
    deadline = time.monotonic() + 30
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.005)
    got = []
    for task_id in (int(t) for t in task_ids.split(",")):
        actor = Actor(clerk, datetime.combine(date(2026, 11, 26), datetime.now().time()))
        try:
            doc = outgoing.assign_number(actor, task_id)
        except (ConflictError, PermissionDenied):  # the other process numbered it first
            got.append([task_id, None, None, None, None])
            continue
        assert Task.get_by_id(task_id).state != WAITING
        got.append([doc.id, doc.prefix, doc.year, doc.seq, doc.number])
    close_database()
    print(json.dumps(got, ensure_ascii=False))


if __name__ == "__main__":
    main()
