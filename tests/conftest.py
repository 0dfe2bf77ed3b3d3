"""Shared fixtures: real SQLite files under tmp_path, the demo organisation, pinned clocks.

PostgreSQL: with GOVDESK_TEST_PG=postgresql://… set (``.ci/setup-postgres.sh`` prints it) the
service test modules in PG_MODULES run their ``db``/``demo_db`` tests twice, ``[sqlite]`` and
``[postgresql]``, each PostgreSQL test starting from freshly restored organisation or demo data
(tests/helpers/pg.py); ``pytest --db postgresql://…`` runs them on PostgreSQL only. Without a
server (or when it cannot be reached) they run on SQLite as always and tests/test_postgres.py is
skipped with the reason, which is also printed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import pg

from govdesk.models import close_database, database, open_database
from govdesk.services import org
from govdesk.services.context import Actor
from govdesk.services.schema import ensure_schema, set_meta

# A Thursday with ordinary working days around it; tests that need holidays pick their own.
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30)


# Service tests that also run against PostgreSQL (UI tests stay on SQLite).
PG_MODULES = {
    "test_incoming_service", "test_flow", "test_inbox", "test_outgoing_chains",
    "test_outgoing_format", "test_outgoing_life", "test_outgoing_numbering",
    "test_error_register", "test_calendar", "test_section_work", "test_numbering_concurrency",
    "test_conflict_concurrency", "test_audit_log", "test_session", "test_audit_chain",
    "test_search", "test_drafts", "test_register_sort", "test_supervision", "test_suggestion",
    "test_special_report", "test_petition", "test_engine_pass_or_send_back", "test_engine_terms",
    "test_exports", "test_publications_docx", "test_slip_docx", "test_week_files", "test_imports",
}


def pytest_addoption(parser):
    parser.addoption("--db", dest="govdesk_db", default=None, metavar="URL",
                     help="run the service tests against this postgresql:// server only")


def pytest_configure(config):
    # No test reads or writes the settings of whoever runs the suite (a filter line or a
    # language kept in ~/.config/govdesk changed what screens showed): the session has a
    # config file of its own, and ``config_file`` gives a test one of its own.
    os.environ["GOVDESK_CONFIG"] = str(Path(tempfile.mkdtemp(prefix="govdesk-tests-"))
                                       / "config.toml")
    url = config.getoption("govdesk_db")
    if url:
        os.environ[pg.ENV] = url  # also seen by test_postgres.py and by worker processes
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite itself")
    config.addinivalue_line("markers", "db_blocked: the test blocks the database on purpose; "
                            "a Pilot pause does not wait for the screens' workers")
    config.addinivalue_line("markers", "alone: runs after the rest, with no other test beside "
                            "it (ALONE_MODULES)")


# Tests that set real processes against each other and look at how they met (writers killed
# at random points, backups taken while others write, numbers drawn at once, an SSH login, keys
# over a pty): ``./dev test`` runs them marked ``alone``, after the rest and one at a time, so
# a second test worker busy beside them never changes what they see.
ALONE_MODULES = {
    "test_conflict_concurrency", "test_crash_kill", "test_live_refresh",
    "test_numbering_concurrency", "test_outgoing_numbering", "test_postgres",
    "test_ssh_shared_server", "test_stress", "test_typeahead_tmux", "test_ui_drafts",
    "test_ui_workers",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] in ALONE_MODULES:
            item.add_marker(pytest.mark.alone)


def _backends(config) -> list[str]:
    if not pg.status()[0]:  # not set, or unreachable: SQLite only, and the reason is printed
        return ["sqlite"]
    if config.getoption("govdesk_db"):
        return ["postgresql"]
    return ["sqlite", "postgresql"]


def pytest_generate_tests(metafunc):
    if metafunc.module.__name__.rsplit(".", 1)[-1] not in PG_MODULES:
        return
    if not {"db", "demo_db"} & set(metafunc.fixturenames):
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    backends = _backends(metafunc.config)
    if backends != ["sqlite"]:
        metafunc.parametrize("backend", backends, indirect=True)


def pytest_terminal_summary(terminalreporter):
    url, _why = pg.status()
    if url:
        terminalreporter.write_line(f"PostgreSQL tests ran against {pg.mask(url)}")
    else:
        terminalreporter.write_line(f"PostgreSQL tests skipped — {pg.reason()}", yellow=True)


@pytest.fixture
def backend(request) -> str:
    """"sqlite", or "postgresql" for the second run of a service test (see PG_MODULES)."""
    return getattr(request, "param", "sqlite")


def make_org_db(path: Path | str) -> Path | str:
    """A database with the demo organisation and no work items."""
    open_database(path)
    ensure_schema()
    with database.atomic():
        org.load_organisation()
        set_meta("demo", "1")
    close_database()
    return path


@pytest.fixture(scope="session")
def _org_template(tmp_path_factory) -> Path:
    return make_org_db(tmp_path_factory.mktemp("template") / "org.db")


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    from govdesk.services import demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo.build(path, NOW)
    return path


@pytest.fixture(scope="session")
def year_db(tmp_path_factory):
    """A year of history (`govdesk demo --scale year`), built once per session (about 10 s
    on 2 cores) for every module that needs one; tests reopen it and only read."""
    from govdesk.services import demo_scale

    path = tmp_path_factory.mktemp("demo-scale") / "year.db"
    lines: list[str] = []
    made = demo_scale.build(path, TODAY, "year", say=lines.append)
    return path, made, lines


@pytest.fixture
def year(year_db):
    """The year database opened (read only by convention): (what was made, progress lines)."""
    path, made, lines = year_db
    open_database(path, create=False)
    try:
        yield made, lines
    finally:
        close_database()


@pytest.fixture
def db_path(tmp_path, _org_template) -> Path:
    """Path of a fresh copy of the organisation-only database (not opened)."""
    path = tmp_path / "govdesk.db"
    shutil.copy(_org_template, path)
    return path


@pytest.fixture(scope="session")
def _pg_workspace():
    """This run's PostgreSQL working database (helpers.pg.Workspace)."""
    url, _why = pg.status()
    if not url:
        pytest.skip(pg.reason())
    space = pg.Workspace()
    try:
        make_org_db(space.url)
        space.take("snap_org")
        yield space
    finally:
        close_database()
        space.close()


def _pg_copy(request, snapshot: str):
    space = request.getfixturevalue("_pg_workspace")
    if snapshot not in space.snapshots:  # the demo: built on SQLite, loaded like migrate-db
        from peewee import sort_models

        from govdesk.models import ALL_MODELS
        from govdesk.services import migrate

        rows = migrate.read_sqlite(str(request.getfixturevalue("_demo_template")))
        space.reset(None)
        open_database(space.url)
        with database.atomic():
            migrate.load(sort_models(ALL_MODELS), rows)
        close_database()
        space.take(snapshot)
    space.reset(snapshot)
    open_database(space.url)
    try:
        yield space.url
    finally:
        close_database()


@pytest.fixture
def db(request, backend):
    """The organisation-only database, opened for this test (the SQLite file's path, or the
    PostgreSQL URL in a service test's [postgresql] run)."""
    if backend == "postgresql":
        yield from _pg_copy(request, "snap_org")
        return
    db_path = request.getfixturevalue("db_path")
    open_database(db_path)
    yield db_path
    close_database()


@pytest.fixture
def demo_path(tmp_path, _demo_template) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(_demo_template, path)
    return path


@pytest.fixture
def demo_db(request, backend):
    if backend == "postgresql":
        yield from _pg_copy(request, "snap_demo")
        return
    demo_path = request.getfixturevalue("demo_path")
    open_database(demo_path)
    yield demo_path
    close_database()


def actor(login: str, now: datetime = NOW) -> Actor:
    return Actor(org.person_by_login(login), now)


@pytest.fixture
def as_user():
    """as_user("lixm") → an Actor at the pinned NOW; as_user("lixm", when) for another time."""
    return actor


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    """Never read or write the real user's settings (the config file is this test's own), and
    leave the language as it was. Screen test modules use it for every test
    (``pytestmark = pytest.mark.usefixtures("config_file")``)."""
    from govdesk.i18n import set_language

    path = tmp_path / "config.toml"
    monkeypatch.setenv("GOVDESK_CONFIG", str(path))
    yield path
    set_language("zh-Hans")


@pytest.fixture
def hant():
    """The process speaks Traditional Chinese for the test, and Simplified again afterwards."""
    from govdesk.i18n import set_language

    set_language("zh-Hant")
    yield
    set_language("zh-Hans")


@pytest.fixture(autouse=True)
def _pilot_waits_for_workers(request, monkeypatch):
    """Screens load and save in thread workers (govdesk/screens/base.py). A Pilot pause (and
    so every press) also waits for the keys of a burst the desk still holds
    (govdesk/key_order.py) and for the workers running then (the change poll's aside), so a
    test reads what the screen shows, as it did when all of it ran on the event loop. A test
    marked ``db_blocked`` blocks the database on purpose and waits by itself."""
    if request.node.get_closest_marker("db_blocked"):
        return
    from helpers.workers import finished_within
    from textual.pilot import Pilot

    original = Pilot.pause

    async def pause(self, delay=None):
        await original(self, delay)
        for _ in range(5000):  # a burst's keys, handed on one at a time
            if not getattr(self.app, "keys_waiting", False):
                break
            await original(self)
        for _ in range(20):  # a shown result may ask for another refresh
            busy = [w for w in self.app.workers if w.is_running and w.group != "poll"]
            if not busy:
                return
            if not await finished_within(busy, 15):
                return
            await original(self)

    monkeypatch.setattr(Pilot, "pause", pause)
