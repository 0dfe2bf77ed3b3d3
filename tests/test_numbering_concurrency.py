"""收文编号: sequential, per year, gap-free, and unique across real concurrent processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from govdesk.models import Counter, IncomingDocument, close_database, database, open_database
from govdesk.services import incoming
from govdesk.services.sequence import current_number, next_number

HELPERS = Path(__file__).parent / "helpers"
ROOT = Path(__file__).resolve().parent.parent


def register(actor, **fields):
    base = {"from_unit": "cz", "title": "编号测试", "doc_kind": "报告"}
    base.update(fields)
    return incoming.register(actor, base)


def test_numbers_are_sequential(db, as_user):
    clerk = as_user("lixm")
    numbers = [register(clerk).number for _ in range(3)]
    assert numbers == ["收〔2026〕1号", "收〔2026〕2号", "收〔2026〕3号"]
    assert current_number("incoming", 2026) == 3


def test_numbers_restart_each_year_by_received_date(db, as_user):
    clerk = as_user("lixm")
    assert register(clerk, received_on="2026-12-31").number == "收〔2026〕1号"
    assert register(clerk, received_on="2026-12-31").number == "收〔2026〕2号"
    first_2027 = register(clerk.at(datetime(2027, 1, 4, 9)), received_on="2027-01-04")
    assert (first_2027.year, first_2027.seq, first_2027.number) == (2027, 1, "收〔2027〕1号")
    # A late registration of a 2026 document (registered in 2027) continues 2026's sequence.
    late = register(clerk.at(datetime(2027, 1, 5, 9)), received_on="2026-12-30")
    assert late.number == "收〔2026〕3号"
    assert register(clerk.at(datetime(2027, 1, 5, 9))).number == "收〔2027〕2号"


def test_rolled_back_registration_leaves_no_gap(db, as_user):
    clerk = as_user("lixm")
    register(clerk)
    with pytest.raises(RuntimeError), database.atomic():
        assert register(clerk).number == "收〔2026〕2号"
        raise RuntimeError("paper jam")
    assert current_number("incoming", 2026) == 1
    assert register(clerk).number == "收〔2026〕2号"
    assert [d.seq for d in IncomingDocument.select().order_by(IncomingDocument.seq)] == [1, 2]


def test_next_number_only_inside_a_transaction(db):
    with pytest.raises(AssertionError):
        next_number("incoming", 2026)
    with database.atomic():
        assert next_number("test", 2026) == 1
        assert next_number("test", 2026) == 2
        assert next_number("test", 2027) == 1
    assert Counter.select().where(Counter.prefix == "test").count() == 2


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_concurrent_processes_get_unique_gap_free_numbers(db_path, tmp_path):
    workers, each = 4, 25
    go = tmp_path / "go"
    procs = []
    for i in range(workers):
        ready = tmp_path / f"ready{i}"
        procs.append((ready, subprocess.Popen(
            [sys.executable, str(HELPERS / "register_worker.py"), str(db_path), "lixm",
             str(each), str(ready), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT,
        )))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in procs):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for _, p in procs), [p.communicate() for _, p in procs]
        time.sleep(0.01)
    go.touch()  # all four start registering at the same moment
    got: list[list] = []
    for _, proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        mine = json.loads(out)
        assert len(mine) == each
        # Within one process the numbers rise.
        assert [s for s, _ in mine] == sorted(s for s, _ in mine)
        got.extend(mine)
    seqs = sorted(s for s, _ in got)
    assert seqs == list(range(1, workers * each + 1))  # no duplicates, no gaps
    assert len({n for _, n in got}) == workers * each

    open_database(db_path)
    try:
        assert current_number("incoming", 2026) == workers * each
        rows = list(IncomingDocument.select().order_by(IncomingDocument.seq))
        assert [r.seq for r in rows] == list(range(1, workers * each + 1))
        assert all(r.number == f"收〔2026〕{r.seq}号" for r in rows)
    finally:
        close_database()
