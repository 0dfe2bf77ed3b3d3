"""An open desk notices within its poll interval when the database file or its -wal is
replaced or removed under it, says so until it is closed, and from then on saves nothing;
and it passes on an administrator's warning that the database is about to be restored
(models/db.py storage_replaced, services/watch.py, app.py poll)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from govdesk.app import POLL_SECONDS, GovDesk
from govdesk.errors import StorageError
from govdesk.i18n import t
from govdesk.models import database
from govdesk.models.db import storage_replaced
from govdesk.services import incoming, org
from govdesk.services.context import Actor
from govdesk.services.session import in_worker
from govdesk.services.watch import NOTICE_KEY
from tests.conftest import NOW

FIELDS = {"from_unit": "cz", "title": "关于数据库被替换时保存的测试报告", "doc_kind": "报告"}
STOPPED = t("errors.storage_replaced")


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def files(db: Path) -> dict[str, str | None]:
    return {str(p): digest(p) for p in (db, Path(f"{db}-wal"))}


def on_screen(app: GovDesk) -> str:
    """The texts of the notices the screen shows now."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def wait_for(pilot, condition, seconds: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        await pilot.pause(0.05)
        if condition():
            return time.monotonic() - start
    raise AssertionError(f"not within {seconds:.1f}s")


def copy_of(db: Path, dest: Path) -> Path:
    """A consistent copy, as a restore would put in place."""
    src, out = sqlite3.connect(db), sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        src.close()
        out.close()
    return dest


def replace_file(db: Path, tmp_path: Path) -> None:
    os.replace(copy_of(db, tmp_path / "restored.db"), db)


def remove_wal(db: Path, tmp_path: Path) -> None:
    os.remove(f"{db}-wal")


@pytest.mark.parametrize("change", [replace_file, remove_wal], ids=["replaced", "wal-removed"])
async def test_a_replaced_database_stops_all_saving(demo_db, tmp_path, change):
    app = GovDesk(person=org.person_by_login("lixm"), db_target=str(demo_db), poll=True, now=NOW)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await pilot.pause()
        assert storage_replaced() is None
        assert STOPPED not in on_screen(app)
        os.link(demo_db, tmp_path / "opened.db")  # the file the desk opened, whatever happens
        change(demo_db, tmp_path)

        took = await wait_for(pilot, lambda: STOPPED in on_screen(app), 6 * POLL_SECONDS + 2)
        assert took < 4 * POLL_SECONDS + 1
        assert t("app.writing_stopped").strip() in app.sub_title
        assert str(demo_db) in on_screen(app)  # which file

        before = files(demo_db) | files(tmp_path / "opened.db")
        # A save on the desk's own connection, and one from a worker thread as a screen makes it.
        with pytest.raises(StorageError) as caught:
            incoming.register(Actor(app.person, NOW), FIELDS)
        assert caught.value.kind == "replaced" and STOPPED in str(caught.value)
        result: list[BaseException] = []

        def save_in_worker() -> None:
            try:
                in_worker(incoming.register, Actor(app.person, NOW), FIELDS)
            except BaseException as exc:  # noqa: BLE001 - handed to the test
                result.append(exc)

        worker = threading.Thread(target=save_in_worker)
        worker.start()
        worker.join(15)
        assert result and isinstance(result[0], StorageError) and result[0].kind == "replaced"
        assert files(demo_db) | files(tmp_path / "opened.db") == before
        await pilot.pause(3 * POLL_SECONDS)
        assert STOPPED in on_screen(app)  # it stays
    for path in (demo_db, tmp_path / "opened.db"):
        if path.exists() and path.stat().st_size:
            raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                assert raw.execute("SELECT count(*) FROM incoming_document WHERE title = ?",
                                   (FIELDS["title"],)).fetchone()[0] == 0
            finally:
                raw.close()


def test_the_database_unchanged_saves_as_ever(demo_db, as_user):
    assert storage_replaced() is None
    incoming.register(as_user("lixm"), FIELDS)
    assert storage_replaced() is None


def test_a_replaced_file_is_refused_even_before_the_poll_sees_it(demo_db, as_user, tmp_path):
    """The write itself checks (two stat calls): no window between a poll and the next."""
    replace_file(demo_db, tmp_path)
    with pytest.raises(StorageError) as caught:
        incoming.register(as_user("lixm"), FIELDS)
    assert caught.value.kind == "replaced"
    # Reads go on (on the file this process opened).
    assert org.person_by_login("lixm").name == "李晓梅"
    assert storage_replaced() is not None


def test_closing_the_last_connection_lets_sqlite_remove_the_wal(demo_db, as_user):
    """SQLite removes the -wal when this process's last connection closes; that is no
    replacement: the -wal of the next connection is ours."""
    database.close()
    assert not Path(f"{demo_db}-wal").exists()
    database.connect()
    incoming.register(as_user("lixm"), FIELDS)
    assert storage_replaced() is None


async def test_a_maintenance_notice_reaches_the_open_desk(demo_db):
    app = GovDesk(person=org.person_by_login("chenhl"), db_target=str(demo_db), poll=True, now=NOW)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await pilot.pause()
        note = {"by": "李晓梅", "at": "2026-11-26T17:30:00+08:00", "what": "restore"}
        other = sqlite3.connect(demo_db)  # the administrator's process
        try:
            other.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                          (NOTICE_KEY, json.dumps(note, ensure_ascii=False)))
            other.commit()
        finally:
            other.close()
        await wait_for(pilot, lambda: "李晓梅" in on_screen(app), 6 * POLL_SECONDS + 2)
        shown = on_screen(app)
        assert "即将恢复数据库" in shown and "Ctrl+Q" in shown and "2026-11-26 17:30" in shown
        await pilot.pause(3 * POLL_SECONDS)
        assert on_screen(app).count("即将恢复数据库") == 1  # once, not at every poll


async def test_a_notice_standing_when_the_desk_opens_is_shown(demo_db):
    other = sqlite3.connect(demo_db)
    try:
        other.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (NOTICE_KEY, "restore"))
        other.commit()
    finally:
        other.close()
    app = GovDesk(person=org.person_by_login("chenhl"), db_target=str(demo_db), poll=True, now=NOW)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_for(pilot, lambda: "即将恢复数据库" in on_screen(app), 4)
        assert t("app.maintenance_admin") in on_screen(app)  # the note names no one

