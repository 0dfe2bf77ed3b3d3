"""Two people saving the same 收文: the second gets a conflict, nothing is lost (SPEC §14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from govdesk.models import AuditEntry, IncomingDocument, close_database, open_database
from govdesk.services import incoming
from govdesk.services.context import Actor
from govdesk.services.errors import ConflictError
from govdesk.services.org import person_by_login

HELPERS = Path(__file__).parent / "helpers"
ROOT = Path(__file__).resolve().parent.parent
FORM = {"from_unit": "cz", "title": "原标题", "doc_kind": "报告"}


def updates(doc_id: int) -> list[AuditEntry]:
    return list(AuditEntry.select().where(
        (AuditEntry.action == "incoming.update") & (AuditEntry.record_id == doc_id)))


def test_stale_version_is_refused_in_process(db, as_user):
    clerk = as_user("lixm")
    doc = incoming.register(clerk, FORM)
    first = incoming.update(clerk, doc.id, 1, {**FORM, "title": "甲改的标题"})
    assert first.version == 2
    mine = {**FORM, "title": "乙改的标题", "summary": "乙写的摘要"}
    typed = dict(mine)
    with pytest.raises(ConflictError, match="刚被他人修改"):
        incoming.update(as_user("chenhl"), doc.id, 1, mine)
    assert mine == typed  # what the user typed is untouched, for the form to keep
    stored = IncomingDocument.get_by_id(doc.id)
    assert (stored.title, stored.version, stored.summary) == ("甲改的标题", 2, "")
    assert len(updates(doc.id)) == 1
    # Re-read and save again: now it goes through.
    again = incoming.update(as_user("chenhl"), doc.id, stored.version, mine)
    assert (again.title, again.version, again.summary) == ("乙改的标题", 3, "乙写的摘要")
    assert len(updates(doc.id)) == 2


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_two_processes_same_version_exactly_one_wins(db_path, tmp_path):
    open_database(db_path)
    try:
        doc = incoming.register(Actor(person_by_login("lixm"), datetime(2026, 11, 26, 9)), FORM)
        doc_id = doc.id
        assert doc.version == 1
    finally:
        close_database()

    go = tmp_path / "go"
    people = {"lixm": "李晓梅改的标题", "chenhl": "陈海林改的标题"}
    procs = {}
    for login, title in people.items():
        ready = tmp_path / f"ready-{login}"
        procs[login] = (ready, subprocess.Popen(
            [sys.executable, str(HELPERS / "update_worker.py"), str(db_path), login,
             str(doc_id), title, str(ready), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT,
        ))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in procs.values()):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for _, p in procs.values()), [
            p.communicate() for _, p in procs.values()]
        time.sleep(0.01)
    go.touch()  # both have read version 1; now both save
    results = {}
    for login, (_, proc) in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results[login] = json.loads(out)

    assert all(r["read_version"] == 1 for r in results.values())
    outcomes = sorted(r["result"] for r in results.values())
    assert outcomes == ["conflict", "ok"]
    winner = next(login for login, r in results.items() if r["result"] == "ok")
    loser = next(login for login, r in results.items() if r["result"] == "conflict")
    assert results[winner]["version"] == 2
    assert "刚被他人修改" in results[loser]["message"]
    assert results[loser]["form_title"] == people[loser]  # the loser still has what they typed

    open_database(db_path)
    try:
        stored = IncomingDocument.get_by_id(doc_id)
        assert (stored.title, stored.version, stored.summary) == (
            people[winner], 2, f"{winner} 修改")
        audit = updates(doc_id)
        assert [(a.actor, people[winner] in a.after) for a in audit] == [(winner, True)]
        assert "原标题" in audit[0].before
    finally:
        close_database()
