"""发文字号 机关代字〔年份〕序号号 (SPEC §4, §16): one gap-free sequence per prefix and year,
also with two real processes numbering at once on the same SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from helpers.outgoing_worker import drive_to, new_draft

from govdesk.models import (
    Counter,
    OutgoingDocument,
    Task,
    close_database,
    database,
    open_database,
)
from govdesk.models import outgoing as states
from govdesk.models.flow import DONE, WAITING
from govdesk.services import org, outgoing
from govdesk.services.context import Actor
from govdesk.services.errors import PermissionDenied
from govdesk.services.sequence import current_number

HELPERS = Path(__file__).parent / "helpers"
ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 26, 9, 30)
JOINT_SIGNATURE = "中共黄岩区委 黄岩区人民政府"


def _ready_to_number(as_user, issuer: str = "区政府办公室", now: datetime = NOW, **fields):
    doc = new_draft(as_user("qianhy", now), issuer=issuer, **fields)
    return drive_to(doc, "编号", now)


def _number(as_user, task, now: datetime = NOW) -> str:
    return outgoing.assign_number(as_user("lixm", now), task.id).number


def test_numbers_follow_the_pattern_and_rise(db, as_user):
    tasks = [_ready_to_number(as_user) for _ in range(3)]
    got = [_number(as_user, t) for t in tasks]
    assert got == ["黄政办发〔2026〕1号", "黄政办发〔2026〕2号", "黄政办发〔2026〕3号"]
    doc = OutgoingDocument.get(OutgoingDocument.number == got[1])
    assert (doc.prefix, doc.year, doc.seq, doc.state) == ("黄政办发", 2026, 2, states.NUMBERED)
    assert current_number("outgoing:黄政办发", 2026) == 3
    with pytest.raises(PermissionDenied):  # numbering is 秘书科's
        tasks.append(_ready_to_number(as_user))
        outgoing.assign_number(as_user("qianhy"), tasks[-1].id)


def test_one_sequence_per_prefix(db, as_user):
    order = ["区政府", "区政府办公室", "区政府", "区委区政府联合", "两办联合", "区政府办公室",
             "区政府", "两办联合"]
    tasks = [_ready_to_number(as_user, issuer, signature=JOINT_SIGNATURE if "联合" in issuer
                              else "") for issuer in order]
    got = [_number(as_user, t) for t in tasks]
    assert got == ["黄政发〔2026〕1号", "黄政办发〔2026〕1号", "黄政发〔2026〕2号", "黄委发〔2026〕1号",
                   "黄委办发〔2026〕1号", "黄政办发〔2026〕2号", "黄政发〔2026〕3号", "黄委办发〔2026〕2号"]


def test_sequence_restarts_each_year(db, as_user):
    dec31 = datetime(2026, 12, 31, 16)
    jan4 = datetime(2027, 1, 4, 9)
    a, b, c, d = (_ready_to_number(as_user, now=dec31) for _ in range(4))
    assert _number(as_user, a, dec31) == "黄政办发〔2026〕1号"
    assert _number(as_user, b, jan4) == "黄政办发〔2027〕1号"  # the numbering clock's year
    assert _number(as_user, c, jan4) == "黄政办发〔2027〕2号"
    doc = OutgoingDocument.get(OutgoingDocument.number == "黄政办发〔2027〕1号")
    assert (doc.year, doc.seq) == (2027, 1)
    assert current_number("outgoing:黄政办发", 2026) == 1
    gov = _ready_to_number(as_user, "区政府", now=jan4)
    assert _number(as_user, gov, jan4) == "黄政发〔2027〕1号"
    assert _number(as_user, d, datetime(2028, 1, 3, 9)) == "黄政办发〔2028〕1号"


def test_a_rolled_back_numbering_leaves_no_gap(db, as_user):
    first, second = _ready_to_number(as_user), _ready_to_number(as_user)
    with pytest.raises(RuntimeError), database.atomic():
        assert _number(as_user, first) == "黄政办发〔2026〕1号"
        raise RuntimeError("printer on fire")
    assert current_number("outgoing:黄政办发", 2026) == 0
    assert Task.get_by_id(first.id).state == WAITING
    assert OutgoingDocument.get(OutgoingDocument.id == first.flow.record_id).number is None
    assert _number(as_user, second) == "黄政办发〔2026〕1号"
    assert _number(as_user, first) == "黄政办发〔2026〕2号"
    with pytest.raises(PermissionDenied):  # the step is done: no second number
        _number(as_user, first)
    assert current_number("outgoing:黄政办发", 2026) == 2


# ---------------------------------------------------------------------------- two processes


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _prepare(db_path: Path, issuers: list[str]) -> list[int]:
    """Drive one draft per issuer to the 编号 step, in this process; return the task ids."""
    open_database(db_path)
    try:
        drafter = Actor(org.person_by_login("qianhy"), NOW)
        tasks = []
        for issuer in issuers:
            doc = new_draft(drafter, issuer=issuer,
                            signature=JOINT_SIGNATURE if "联合" in issuer else "")
            tasks.append(drive_to(doc, "编号", NOW).id)
        return tasks
    finally:
        close_database()


def _run_workers(db_path: Path, tmp_path: Path, shares: list[list[int]]) -> list[list]:
    go = tmp_path / "go"
    procs = []
    for i, share in enumerate(shares):
        ready = tmp_path / f"ready{i}"
        procs.append((ready, subprocess.Popen(
            [sys.executable, str(HELPERS / "outgoing_worker.py"), str(db_path), "lixm",
             ",".join(map(str, share)), str(ready), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT,
        )))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in procs):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for _, p in procs), [p.communicate() for _, p in procs]
        time.sleep(0.01)
    go.touch()  # both start numbering at the same moment
    results = []
    for _, proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    return results


def _check_database(db_path: Path, expected: dict[str, int]) -> None:
    open_database(db_path)
    try:
        for prefix, n in expected.items():
            rows = list(OutgoingDocument.select().where(OutgoingDocument.prefix == prefix)
                        .order_by(OutgoingDocument.seq))
            assert [r.seq for r in rows] == list(range(1, n + 1))
            assert all(r.number == f"{prefix}〔2026〕{r.seq}号" for r in rows)
            assert all(r.state == states.NUMBERED for r in rows)
            assert current_number(f"outgoing:{prefix}", 2026) == n
        assert Counter.select().where(Counter.prefix.startswith("outgoing:")).count() == len(
            expected)
        done = Task.select().where((Task.step == "编号") & (Task.state == DONE)).count()
        printing = Task.select().where((Task.step == "印制") & (Task.state == WAITING)).count()
        assert done == printing == sum(expected.values())
        assert not Task.select().where((Task.step == "编号") & (Task.state == WAITING)).exists()
    finally:
        close_database()


def test_two_processes_number_their_shares_without_gap_or_duplicate(db_path, tmp_path):
    issuers = ["区政府办公室", "区政府办公室", "区政府"] * 10  # 20 黄政办发, 10 黄政发
    tasks = _prepare(db_path, issuers)
    shares = [tasks[0::2], tasks[1::2]]
    results = _run_workers(db_path, tmp_path, shares)
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for mine, share in zip(results, shares, strict=True):
        assert len(mine) == len(share) and all(row[4] for row in mine)
        per_prefix: dict[str, list[int]] = defaultdict(list)
        for _doc, prefix, year, seq, number in mine:
            assert (year, number) == (2026, f"{prefix}〔2026〕{seq}号")
            per_prefix[prefix].append(seq)
            by_prefix[prefix].append(seq)
        for seqs in per_prefix.values():  # within one process the numbers rise
            assert seqs == sorted(seqs)
    assert sorted(by_prefix["黄政办发"]) == list(range(1, 21))
    assert sorted(by_prefix["黄政发"]) == list(range(1, 11))
    _check_database(db_path, {"黄政办发": 20, "黄政发": 10})


def test_two_processes_racing_for_the_same_tasks(db_path, tmp_path):
    tasks = _prepare(db_path, ["区政府办公室"] * 16)
    # Both take every task, in opposite orders: each is numbered once, the loser gives way and
    # its rolled-back number is reused, so there is still no gap.
    results = _run_workers(db_path, tmp_path, [tasks, tasks[::-1]])
    numbered = [row for mine in results for row in mine if row[4]]
    refused = [row for mine in results for row in mine if not row[4]]
    assert len(numbered) == 16 and len(refused) == 16
    assert sorted(row[3] for row in numbered) == list(range(1, 17))
    assert len({row[0] for row in numbered}) == 16  # every document once
    _check_database(db_path, {"黄政办发": 16})


def test_preview_is_what_numbering_gives_and_takes_nothing(db, as_user):
    """The 发文字号 shown before 编号 is read without taking it: previewing twice leaves the
    counter alone, and 编号 then gives exactly it when nobody numbered in between."""
    first, second = _ready_to_number(as_user), _ready_to_number(as_user)
    doc = OutgoingDocument.get_by_id(first.flow.record_id)
    before = current_number("outgoing:黄政办发", 2026)
    previews = {outgoing.number_preview(doc, NOW.date()) for _ in range(3)}
    assert previews == {f"黄政办发〔2026〕{before + 1}号"}
    assert current_number("outgoing:黄政办发", 2026) == before
    assert Counter.select().count() == (1 if before else 0)  # no row made for it either
    assert _number(as_user, first) == previews.pop()

    # Someone numbers first: the other draft's preview moves on with the counter.
    other = OutgoingDocument.get_by_id(second.flow.record_id)
    shown = outgoing.number_preview(other, NOW.date())
    assert shown == f"黄政办发〔2026〕{before + 2}号"
    third = _ready_to_number(as_user)
    _number(as_user, third)
    assert outgoing.number_preview(other, NOW.date()) == f"黄政办发〔2026〕{before + 3}号"
    assert _number(as_user, second) == f"黄政办发〔2026〕{before + 3}号"
    # A numbered document's preview is its own number (re-signing keeps it, Supp. §4).
    numbered = OutgoingDocument.get_by_id(other.id)
    assert outgoing.number_preview(numbered, NOW.date()) == numbered.number


def test_preview_follows_the_issuer_and_the_year(db, as_user):
    task = _ready_to_number(as_user, issuer="区政府")
    doc = OutgoingDocument.get_by_id(task.flow.record_id)
    assert outgoing.number_preview(doc, NOW.date()) == "黄政发〔2026〕1号"
    assert outgoing.number_preview(doc, NOW.date().replace(year=2027)) == "黄政发〔2027〕1号"
