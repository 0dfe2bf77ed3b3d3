"""Load (issue 4 item 2) and backups under load (item 7), at CI size.

``python -m govdesk.tools.stress`` runs several processes doing mixed work on one database and then
checks its invariants; here it runs small (4 processes × 5 s). The larger run's figures are in
docs/reliability.md.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from govdesk.models import close_database, open_database
from govdesk.services import maintenance
from govdesk.tools.stress import check_invariants

ROOT = Path(__file__).resolve().parent.parent


def _stress(db: Path, out: Path, procs: int = 4, seconds: float = 5) -> list[str]:
    return [sys.executable, "-m", "govdesk.tools.stress", "--procs", str(procs), "--seconds",
            str(seconds), "--db", str(db), "--json", str(out)]


def _assert_clean(report: dict) -> None:
    assert report["failures"] == [], report["failures"]
    assert report["locked_errors"] == 0
    assert report["user_visible_errors"] == 0, report["errors"]
    assert report["facts"]["integrity_check"] == "ok"
    # It did real work of every kind, not just fail fast.
    assert report["outcomes"].get("ok", 0) > 50
    for op in ("register", "intake", "sign", "reader_return", "create_outgoing", "submit",
               "approve", "edit_incoming", "edit_outgoing"):
        assert report["by_op"].get(op, {}).get("ok", 0) > 0, op


def test_stress_small_run_keeps_every_invariant(demo_path, tmp_path):
    out = tmp_path / "report.json"
    run = subprocess.run(_stress(demo_path, out), capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    _assert_clean(report)
    assert "不变量：全部成立" in run.stdout
    assert "database is locked 0" in run.stdout


def _audit_rows(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("SELECT COUNT(*) FROM audit_entry").fetchone()[0]
    finally:
        conn.close()


def test_backup_during_stress_is_a_consistent_copy(demo_path, tmp_path):
    start_rows = _audit_rows(demo_path)
    out = tmp_path / "report.json"
    # Long enough that two backups (each a desk process starting) end inside it on a busy
    # machine too: the copies must be taken while the stress run writes.
    stress = subprocess.Popen(_stress(demo_path, out, seconds=15), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    copies = []
    try:
        deadline = time.monotonic() + 60
        while _audit_rows(demo_path) < start_rows + 50:  # the workers are busy writing
            assert stress.poll() is None, stress.stdout.read()
            assert time.monotonic() < deadline, "stress never started writing"
            time.sleep(0.1)
        for i in range(2):
            copy = tmp_path / f"govdesk-{i}.db"
            done = subprocess.run(
                [sys.executable, "-m", "govdesk", "backup", "--db", str(demo_path), str(copy)],
                capture_output=True, text=True, cwd=ROOT, timeout=60)
            assert done.returncode == 0, done.stderr
            copies.append(copy)
            time.sleep(0.7)
        running_at_end = stress.poll() is None
        stdout, _ = stress.communicate(timeout=120)
    finally:
        if stress.poll() is None:
            stress.kill()
    assert running_at_end, "the backups were not taken while the stress run was writing"
    assert stress.returncode == 0, stdout
    _assert_clean(json.loads(out.read_text(encoding="utf-8")))

    final_rows = _audit_rows(demo_path)
    sizes = []
    for copy in copies:
        assert maintenance.verify(copy) == "ok"
        assert not Path(str(copy) + ".part").exists()
        sizes.append(_audit_rows(copy))
        # The copy opens as a govdesk database and is consistent in itself: every counter's
        # numbers run 1..max without gap, flows match records, every version is audited.
        open_database(copy, create=False)
        try:
            result = check_invariants()
        finally:
            close_database()
        assert result["failures"] == [], (copy, result["failures"])
    # Both were taken mid-run: more than the start, less than the end, the second later.
    assert start_rows < sizes[0] < sizes[1] < final_rows
