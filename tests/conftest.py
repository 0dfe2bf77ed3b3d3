"""Shared fixtures: real SQLite files under tmp_path, the demo organisation, pinned clocks."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from govdesk.models import close_database, database, open_database
from govdesk.services import org
from govdesk.services.context import Actor
from govdesk.services.schema import ensure_schema, set_meta

# A Thursday with ordinary working days around it; tests that need holidays pick their own.
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30)


def make_org_db(path: Path) -> Path:
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
    demo.build(path, TODAY)
    return path


@pytest.fixture
def db_path(tmp_path, _org_template) -> Path:
    """Path of a fresh copy of the organisation-only database (not opened)."""
    path = tmp_path / "govdesk.db"
    shutil.copy(_org_template, path)
    return path


@pytest.fixture
def db(db_path):
    """The organisation-only database, opened for this test."""
    open_database(db_path)
    yield db_path
    close_database()


@pytest.fixture
def demo_path(tmp_path, _demo_template) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(_demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_path):
    open_database(demo_path)
    yield demo_path
    close_database()


def actor(login: str, now: datetime = NOW) -> Actor:
    return Actor(org.person_by_login(login), now)


@pytest.fixture
def as_user():
    """as_user("lixm") → an Actor at the pinned NOW; as_user("lixm", when) for another time."""
    return actor
