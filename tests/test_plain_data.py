"""Screens receive plain data (DESIGN "The UI thread never waits"): what every section screen's
worker hands to ``show_data`` holds no peewee row — frozen dataclasses with names resolved, so
nothing shown can run a query on the UI thread (a lazy foreign key) or go stale."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from peewee import Model

from govdesk.app import GovDesk
from govdesk.screens.base import DeskScreen
from govdesk.services import org
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDESK_CONFIG", str(tmp_path / "config.toml"))


def rows_in(value, path: str = "data", seen: set[int] | None = None) -> list[str]:
    """Where in ``value`` a peewee row hides (paths), walking dataclasses and containers."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, Model):
        return [f"{path}: {type(value).__name__}"]
    found: list[str] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            found += rows_in(getattr(value, f.name), f"{path}.{f.name}", seen)
    elif isinstance(value, dict | Counter):
        for k, v in value.items():
            found += rows_in(k, f"{path}[key]", seen) + rows_in(v, f"{path}[{k!r}]", seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, v in enumerate(value):
            found += rows_in(v, f"{path}[{i}]", seen)
    return found


def test_the_walk_finds_a_row(demo_db):
    person = org.person_by_login("lixm")
    assert rows_in({"x": [(1, person)]}) == ["data['x'][0][1]: Person"]


@pytest.mark.parametrize("login", ["lixm", "guojw", "panlj"])
async def test_every_section_screen_gets_plain_data(demo_db, monkeypatch, login):
    shown: list[tuple[str, object]] = []
    deliver = DeskScreen._deliver

    def record(self, generation, data, error, *checked):
        shown.append((type(self).__name__, data))
        return deliver(self, generation, data, error, *checked)

    monkeypatch.setattr(DeskScreen, "_deliver", record)
    app = GovDesk(person=org.person_by_login(login), poll=False, now=NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        for key in ("1", "2", "3", "4", "5", "6", "0"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("1", "o")  # 秘书科's 发文 register
        await pilot.pause()
        app.action_error_register()
        await pilot.pause()
    screens = {name for name, _ in shown}
    assert {"HomeScreen", "SecretariatScreen", "ResearchScreen", "LineSecretariesScreen",
            "InformationScreen", "SupervisionScreen", "ReceptionScreen",
            "ErrorRegisterScreen"} <= screens
    problems = [f"{name} {where}" for name, data in shown for where in rows_in(data)]
    assert problems == []


async def test_every_detail_screen_gets_plain_data(demo_db, monkeypatch):
    """The three detail screens (收文, 发文 with revisions, dispatches and 差错, 请假): the
    worker hands show_data the record's plain view, its hops and the actions open — no row."""
    from govdesk.models import (
        DispatchRecord,
        ErrorRecord,
        IncomingDocument,
        LeaveRequest,
        OutgoingDocument,
    )
    from govdesk.screens.flow_detail import DetailData, FlowDetailScreen
    from govdesk.screens.registry import open_record

    incoming_id = IncomingDocument.select().where(IncomingDocument.secrecy == 0).first().id
    dispatched = OutgoingDocument.select().join(DispatchRecord).where(
        OutgoingDocument.secrecy == 0).first()
    erred = OutgoingDocument.select().join(ErrorRecord).where(
        OutgoingDocument.secrecy == 0).first()
    leave_id = LeaveRequest.select().first().id
    shown: list[tuple[str, object]] = []
    deliver = DeskScreen._deliver

    def record(self, generation, data, error, *checked):
        shown.append((type(self).__name__, data))
        return deliver(self, generation, data, error, *checked)

    monkeypatch.setattr(DeskScreen, "_deliver", record)
    app = GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for kind, rid in (("incoming", incoming_id), ("outgoing", dispatched.id),
                          ("outgoing", erred.id), ("leave", leave_id)):
            open_record(app, kind, rid)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, FlowDetailScreen) and screen.doc is not None, kind
            assert screen.doc.id == rid
            await pilot.press("escape")
            await pilot.pause()
    details = [(name, data) for name, data in shown if isinstance(data, DetailData)]
    assert {"IncomingDetailScreen", "OutgoingDetailScreen", "LeaveDetailScreen"} <= {
        name for name, _ in details}
    assert any(data.view.dispatches for _, data in details if hasattr(data.view, "dispatches"))
    assert any(data.view.errors for _, data in details if hasattr(data.view, "errors"))
    problems = [f"{name} {where}" for name, data in details for where in rows_in(data)]
    assert problems == []
