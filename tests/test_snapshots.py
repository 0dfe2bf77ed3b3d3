"""What the clerk sees, pixel for pixel: Home, the 秘书科 收文 register, a 收文 record and the
收文登记 form, each at 80×24 and 160×48, compared with the SVG snapshots in
``tests/__snapshots__/test_snapshots/`` (pytest-textual-snapshot).

The desk runs as lixm (秘书科) on a copy of the demo database (conftest's ``demo_db``, built
for the pinned TODAY), with the clock pinned to NOW (2026-11-26 09:30, which the header's clock
shows), no change poll, no personal settings and a config file of the test's own; keys bring
it to the screen as a user would press them, and the snapshot is taken once every load has
settled and the text cursor has stopped blinking (shown, as it is between blinks).

When a screen changes on purpose, regenerate them with this one command, from the repository
root, and look at the new pictures before committing them:

    ./dev test tests/test_snapshots.py --snapshot-update

(the same as ``.venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update``). A failed
comparison writes ``snapshot_report.html`` (old and new side by side) in the current directory.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TextArea

from govdesk.app import GovDesk
from govdesk.screens.home import HomeScreen
from govdesk.screens.incoming.detail import IncomingDetailScreen
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.secretariat import SecretariatScreen
from govdesk.services import org
from tests.conftest import NOW
from tests.helpers.workers import settle, wait_for

pytestmark = pytest.mark.usefixtures("config_file")

SMALL = (80, 24)
LARGE = (160, 48)
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x48"])


@pytest.fixture
def desk(demo_db) -> GovDesk:
    """The clerk's desk on the demo database: the app to photograph."""
    return GovDesk(person=org.person_by_login("lixm"), poll=False, now=NOW, settings={})


def still_cursor(app) -> None:
    """The text cursor shown and not blinking, so the picture never catches it half-way."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False


def reach(*keys: str, screen: type, ready=lambda app: True):
    """run_before for snap_compare: press ``keys`` (one at a time, as a user does), wait for
    ``screen`` to show with its data loaded, and still the cursor."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, screen) and ready(app),
                       f"{screen.__name__} shown")
        await settle(pilot)
        await wait_for(pilot, lambda: tables_measured(app), "the tables measured")
        still_cursor(app)
        await pilot.pause()

    return run_before


def tables_measured(app) -> bool:
    """Every table has measured the rows it was given (a DataTable sizes its columns when
    idle: a picture taken between a load's rows and that shows the headers' widths)."""
    return not any(table._require_update_dimensions or table._new_rows
                   for table in app.screen.query(DataTable))


@SIZES
def test_home(snap_compare, desk, size):
    assert snap_compare(desk, terminal_size=size, run_before=reach(screen=HomeScreen))


@SIZES
def test_secretariat_incoming_register(snap_compare, desk, size):
    assert snap_compare(desk, terminal_size=size, run_before=reach("1", screen=SecretariatScreen))


@SIZES
def test_incoming_record(snap_compare, desk, size):
    """The newest 收文 in the register, opened with Enter."""
    assert snap_compare(desk, terminal_size=size, run_before=reach(
        "1", "ctrl+l", "enter", screen=IncomingDetailScreen,
        ready=lambda app: app.screen.doc is not None))


@SIZES
def test_incoming_registration_form(snap_compare, desk, size):
    assert snap_compare(desk, terminal_size=size, run_before=reach(
        "1", "n", screen=IncomingFormScreen, ready=lambda app: app.screen.loaded))
