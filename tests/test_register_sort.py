"""The 收文/发文 registers sort by each of their sortable columns, either way, keyset-paged over
(value, id) (services/register_sort.py): pages read down from the first and up from the last
join into the whole register in that order, no row twice and none missing; equal values are
ordered by id; a cursor known by its id alone finds its place; the full-text search and the
filter line narrow the sorted pages, and nobody finds a record above their clearance."""

from __future__ import annotations

from datetime import date

import pytest

from govdesk.models import IncomingDocument, OutgoingDocument, Person
from govdesk.services import incoming, outgoing, register_sort
from tests.conftest import actor

_RANK = {"特急": 0, "加急": 1}


def _expected(kind: str, column: str, descending: bool, where=None) -> list[int]:
    """The register in this order, computed here from the rows themselves."""
    if kind == "incoming":
        D = IncomingDocument
        q = D.select(D.id, D.received_on, D.due, D.urgency, D.state, D.from_name)
        value = {
            "number": lambda r: 0,
            "received_on": lambda r: r.received_on,
            "due": lambda r: (r.due is None, r.due or date.min),
            "urgency": lambda r: _RANK.get(r.urgency, 2),
            "state": lambda r: r.state,
            "from_name": lambda r: r.from_name,
        }[column]
    else:
        D = OutgoingDocument
        q = D.select(D.id, D.urgency, D.state, D.drafter, D.updated_at)
        value = {
            "number": lambda r: 0,
            "urgency": lambda r: _RANK.get(r.urgency, 2),
            "state": lambda r: r.state,
            "drafter": lambda r: r.drafter_id,
            "updated_at": lambda r: r.updated_at,
        }[column]
    if where is not None:
        q = q.where(where(D))
    rows = sorted(q, key=lambda r: (value(r), r.id), reverse=descending)
    return [r.id for r in rows]


def _service(kind: str):
    return incoming if kind == "incoming" else outgoing


def _down(kind, who, column, descending, limit, **args) -> list[int]:
    page = _service(kind).register_page
    out: list[int] = []
    before = None
    while rows := page(who, sort=column, descending=descending, before=before, limit=limit,
                       **args):
        ids = [r.id for r in rows]
        out += ids
        before = rows[-1].cursor.pair(rows[-1].cursor.sort)
        assert len(out) <= 100_000
    return out


def _up(kind, who, column, descending, limit, **args) -> list[int]:
    """From the last page up to the first, each page in the order shown."""
    page = _service(kind).register_page
    pages: list[list[int]] = []
    rows = page(who, sort=column, descending=descending, last=True, limit=limit, **args)
    while rows:
        pages.append([r.id for r in rows])
        first = rows[0].cursor
        rows = page(who, sort=column, descending=descending, after=(first.value, first.id),
                    limit=limit, **args)
    return [i for p in reversed(pages) for i in p]


CASES = [("incoming", c) for c in register_sort.SORTABLE["incoming"]] + \
        [("outgoing", c) for c in register_sort.SORTABLE["outgoing"]]


@pytest.mark.parametrize("descending", [True, False], ids=["down", "up"])
@pytest.mark.parametrize(("kind", "column"), CASES)
def test_pages_join_into_the_register_in_its_order(demo_db, kind, column, descending):
    clerk = actor("lixm")
    whole = _expected(kind, column, descending)
    assert len(whole) > 10
    down = _down(kind, clerk, column, descending, 4)
    assert down == whole  # no row twice, none missing, ties by id
    assert _up(kind, clerk, column, descending, 4) == whole
    first = _service(kind).register_page(clerk, sort=column, descending=descending, limit=4)
    assert [r.id for r in first] == whole[:4]


@pytest.mark.parametrize(("kind", "column"), CASES)
def test_a_cursor_known_by_its_id_alone_finds_its_place(demo_db, kind, column):
    """A record kept by id (just saved, or the sort just changed): the page below and the
    page above it are the ones beside it in the new order."""
    clerk = actor("lixm")
    whole = _expected(kind, column, True)
    middle = whole[len(whole) // 2]
    page = _service(kind).register_page
    below = page(clerk, sort=column, before=(None, middle), limit=5)
    above = page(clerk, sort=column, after=(None, middle), limit=5)
    at = whole.index(middle)
    assert [r.id for r in below] == whole[at + 1:at + 6]
    assert [r.id for r in above] == whole[max(0, at - 5):at]
    # A cursor from another sort is read again by its id.
    other = register_sort.Cursor(middle, register_sort.Sort("number", False), "某状态")
    assert other.pair(register_sort.Sort(column)) == (None, middle)


def test_equal_values_are_ordered_by_id(demo_db):
    clerk = actor("lixm")
    rows = _down("incoming", clerk, "urgency", False, 5)
    ranks = {d.id: _RANK.get(d.urgency, 2) for d in IncomingDocument.select()}
    assert [ranks[i] for i in rows] == sorted(ranks[i] for i in rows)
    for rank in set(ranks.values()):
        same = [i for i in rows if ranks[i] == rank]
        assert same == sorted(same)


def test_undated_come_last_rising_and_first_falling(demo_db):
    clerk = actor("lixm")
    dues = {d.id: d.due for d in IncomingDocument.select()}
    assert None in dues.values() and any(dues.values())
    rising = _down("incoming", clerk, "due", False, 6)
    dated = [i for i in rising if dues[i] is not None]
    assert rising[:len(dated)] == dated  # every dated one before the undated
    assert [dues[i] for i in dated] == sorted(dues[i] for i in dated)
    falling = _down("incoming", clerk, "due", True, 6)
    assert falling == rising[::-1]


@pytest.mark.parametrize(("kind", "column"), CASES)
def test_the_state_box_and_the_filter_line_narrow_the_sorted_pages(demo_db, kind, column):
    clerk = actor("lixm")
    model = IncomingDocument if kind == "incoming" else OutgoingDocument
    state = model.select(model.state).order_by(model.id).first().state
    down = _down(kind, clerk, column, True, 4, state=state)
    assert down == _expected(kind, column, True, lambda D: D.state == state)
    line = "急:特急,加急"
    down = _down(kind, clerk, column, False, 4, filter=line)
    assert down == _expected(kind, column, False, lambda D: D.urgency.in_(["特急", "加急"]))
    assert down  # the demo has urgent documents of both kinds
    assert _up(kind, clerk, column, False, 4, filter=line) == down


@pytest.mark.parametrize(("kind", "column"), CASES)
def test_the_search_sorted_finds_nothing_above_the_clearance(demo_db, kind, column):
    """The full-text search within a sort: the same records as the register's own order
    finds, in the sort's order, and none above the viewer's clearance."""
    service = _service(kind)
    model = IncomingDocument if kind == "incoming" else OutgoingDocument
    secrecy = {d.id: d.secrecy for d in model.select(model.id, model.secrecy)}
    for login in ("lixm", "zhangyt"):
        who = actor(login)
        clearance = Person.get(Person.login == login).clearance
        own = {r.id for r in service.register_page(who, text="关于", limit=100_000)}
        for descending in (True, False):
            found = _down(kind, who, column, descending, 6, text="关于")
            assert set(found) == own and len(found) == len(own)
            assert all(secrecy[i] <= clearance for i in found)
            order = _expected(kind, column, descending)
            assert found == [i for i in order if i in own]
            assert _up(kind, who, column, descending, 6, text="关于") == found
    assert own  # the demo's titles hold 关于


def test_a_column_the_register_cannot_sort_by_is_its_own_order(demo_db):
    clerk = actor("lixm")
    rows = incoming.register_page(clerk, sort="title", limit=5)
    assert [r.id for r in rows] == _expected("incoming", "number", True)[:5]
