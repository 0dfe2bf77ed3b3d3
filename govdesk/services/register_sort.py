"""The 收文/发文 registers sorted by a column, keyset-paged over (the column's value, id)
through an index made for each sort (schema v8, ``INDEXES``), so a page costs what its rows
cost, on the first page or the thousandth, whichever way it runs.

A sort is a column key (as the register's table names its columns) and a direction. The
register's own order — 编号, newest first — is the id. Every other sort orders by one value
and then by id, so rows with equal values keep one order and pages join up: ``before`` is the
(value, id) of the last row shown (the page below), ``after`` that of the first (the page
above, read the other way and turned round), ``last`` the register's last page. A cursor
whose value is not known (a record kept by id, or a sort just changed) is given as
(None, id): its value is read by the record's id first.

The value is an expression the index holds as it is written here, literals and all (SQLite
uses an index on an expression only for the same expression): 期限 with the undated after
every date (ascending), 紧急程度 by rank (特急, 加急, 普通).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import SQL, Case, NodeList, PostgresqlDatabase, Tuple, fn

NUMBER = "number"  # the register's own order: by id

UNDATED = "9999-12-31"  # 期限: the undated after every date

# kind → column key → the value's SQL over the document table's columns (None: the id).
_VALUES: dict[str, dict[str, str | None]] = {
    "incoming": {
        NUMBER: None,
        "received_on": "received_on",
        "due": "due_key",
        "urgency": "urgency_rank",
        "state": "state",
        "from_name": "from_name",
    },
    "outgoing": {
        NUMBER: None,
        "urgency": "urgency_rank",
        "state": "state",
        "drafter": "drafter_id",
        "updated_at": "updated_at",
    },
}

SORTABLE: dict[str, tuple[str, ...]] = {kind: tuple(cols) for kind, cols in _VALUES.items()}

TABLES = {"incoming": "incoming_document", "outgoing": "outgoing_document"}

_URGENCY_SQL = "CASE {c} WHEN '特急' THEN 0 WHEN '加急' THEN 1 ELSE 2 END"
_DUE_SQL = f"COALESCE({{c}}, '{UNDATED}')"


def _index_sql(value: str) -> str:
    """The value as an index holds it (columns unqualified; an expression in parentheses, as
    PostgreSQL asks)."""
    if value == "urgency_rank":
        return "(" + _URGENCY_SQL.format(c='"urgency"') + ")"
    if value == "due_key":
        return "(" + _DUE_SQL.format(c='"due"') + ")"
    return f'"{value}"'


def _indexes() -> list[tuple[str, str, str, str | None]]:
    """(name, table, columns, column key) of every index a sort walks: (value, id) for the
    register as a whole, (state, value, id) for one state of it (the register's state box);
    (state, id) for 编号 within a state, and for 状态 itself."""
    out = []
    for kind, values in _VALUES.items():
        table = TABLES[kind]
        out.append((f"{table}_by_state", table, '"state", "id"', None))
        for column, value in values.items():
            if value is None or value == "state":
                continue
            out.append((f"{table}_by_{value}", table, f'{_index_sql(value)}, "id"', column))
            out.append((f"{table}_by_state_{value}", table,
                        f'"state", {_index_sql(value)}, "id"', column))
    return out


INDEXES = _indexes()


def create_indexes() -> None:
    """The sorts' indexes (idempotent): schema v8, and every fresh schema."""
    from govdesk.models import database

    for name, table, columns, _column in INDEXES:
        database.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')


def indexes_of(kind: str, column: str) -> set[str]:
    """The indexes that read ``kind``'s register in ``column``'s order (by id: the table)."""
    table = TABLES[kind]
    names = {name for name, on, _cols, col in INDEXES if on == table and col == column}
    if column in (NUMBER, "state"):
        names.add(f"{table}_by_state")
    if column == "drafter":
        names.add(f"{table}_drafter_id")  # the foreign key's: on SQLite (drafter_id, id) too
    return names


def unindexed(expr):
    """``expr`` checked on each row the sort's index walk reads, not used by SQLite to find
    rows in another order (then sorted): SQLite's unary ``+``. PostgreSQL plans alone."""
    from govdesk.models import database

    if isinstance(database.obj, PostgresqlDatabase):
        return expr
    return NodeList((SQL("+"), expr), glue="")


def value_of(model, kind: str, column: str):
    """The sort's value over ``model`` (None: the id, the register's own order). Literals stay
    literals in the SQL, as the index holds them."""
    value = _VALUES[kind][column]
    if value is None:
        return None
    if value == "urgency_rank":
        return Case(model.urgency, ((SQL("'特急'"), SQL("0")), (SQL("'加急'"), SQL("1"))),
                    SQL("2"))
    if value == "due_key":
        return fn.COALESCE(model.due, SQL(f"'{UNDATED}'")).coerce(False)
    return getattr(model, value.removesuffix("_id") if value == "drafter_id" else value)


@dataclass(frozen=True)
class Sort:
    """A register's sort: the column key and the direction (``descending``: largest first;
    the register's own order is 编号 descending, the newest first)."""

    column: str = NUMBER
    descending: bool = True

    @classmethod
    def of(cls, kind: str, column: Any, descending: Any = True) -> Sort:
        """A sort the register has, or its own order for a column it cannot sort by; a
        column or a direction of the wrong type is refused, naming 排序."""
        from govdesk.i18n import t
        from govdesk.services.errors import ValidationError

        if column is not None and not isinstance(column, str):
            raise ValidationError(t("errors.f_sort"), t("errors.not_text"), name="sort")
        if not isinstance(descending, bool):
            raise ValidationError(t("errors.f_sort"), t("errors.sort_way"), name="descending")
        if column not in _VALUES[kind]:
            return cls()
        return cls(column, descending)


@dataclass(frozen=True)
class Cursor:
    """A row's place in a sorted register: its id and its value under ``sort`` — a table
    row's key (its str is the id, as the table knows the row)."""

    id: int
    sort: Sort | None = None
    value: Any = None

    def __str__(self) -> str:
        return str(self.id)

    def __int__(self) -> int:
        return self.id

    def pair(self, sort: Sort) -> tuple[Any, int]:
        """(value, id) for a page under ``sort``; the value None when it is another sort's."""
        return (self.value if self.sort == sort else None, self.id)


def _raw_value(model, key, record_id: int) -> Any:
    """A record's sort value as the query compares it (the raw stored value)."""
    row = model.select(key.alias("sort_value")).where(model.id == record_id).dicts().first()
    return None if row is None else row["sort_value"]


def page(query, model, kind: str, sort: Sort, *, before=None, after=None,
         last: bool = False, limit: int, join_text=None) -> list:
    """One page of ``query`` (the register with its filters) in ``sort``'s order: the first,
    the rows after ``before`` or before ``after`` ((value, id) pairs), or the ``last``.
    Each row carries ``sort_value``. ``join_text(query)``: the full-text search's
    condition joined on, driven by the sort's index (services.fulltext.sorted_join)."""
    key = value_of(model, kind, sort.column)
    # "Forward" is the order shown; a page above (or the last page) is read backward.
    backward = after is not None or last
    ascending = not sort.descending
    read_ascending = ascending != backward
    anchor = after if after is not None else before
    if key is None:
        query = query.select_extend(model.id.alias("sort_value"))
        if anchor is not None:
            rid = anchor[1]
            query = query.where(model.id > rid if read_ascending else model.id < rid)
        order = [model.id.asc() if read_ascending else model.id.desc()]
    else:
        query = query.select_extend(key.alias("sort_value"))
        if anchor is not None:
            value, rid = anchor
            if value is None:
                value = _raw_value(model, key, rid)
            if value is None:  # the record is gone: read from the end the page runs from
                pass
            elif read_ascending:
                query = query.where(Tuple(key, model.id) > Tuple(value, rid))
            else:
                query = query.where(Tuple(key, model.id) < Tuple(value, rid))
        order = ([key.asc(), model.id.asc()] if read_ascending
                 else [key.desc(), model.id.desc()])
    if join_text is not None:
        query = join_text(query)
    rows = list(query.order_by(*order).limit(limit))
    if backward:
        rows.reverse()
    return rows


_VALUE_TYPES = (str, int, float, date, datetime)


def _checked(pair: Any, name: str) -> tuple[Any, int] | None:
    """A (value, id) cursor as given, or refused naming 起始编号: an id that is no record id,
    a value no sort has."""
    from govdesk.i18n import t
    from govdesk.services.errors import ValidationError
    from govdesk.services.validate import record_id

    if pair is None:
        return None
    ok = (isinstance(pair, tuple | list) and len(pair) == 2 and record_id(pair[1]) is not None
          and (pair[0] is None or (isinstance(pair[0], _VALUE_TYPES)
                                   and not isinstance(pair[0], bool))))
    if not ok:
        raise ValidationError(t(f"errors.f_{name}"), t("errors.integer"), name=name)
    return pair[0], pair[1]


def read(query, model, kind: str, sort: Sort, *, text: str, code: int, clearance: int,
         before=None, after=None, last: bool = False, before_id: int | None = None,
         after_id: int | None = None, limit: int) -> list:
    """A register's page (``register_page`` of services.incoming / services.outgoing): in
    ``sort``'s order, with the full-text search's words in ``text``. ``before_id`` and
    ``after_id`` are the id-only keys of the register's own order (``after_id=0``: its last
    page), as ``before=(None, id)`` and ``after=(None, id)``."""
    from govdesk.services import fulltext

    before, after = _checked(before, "before_id"), _checked(after, "after_id")
    if before is None and before_id is not None:
        before = (None, before_id)
    if after is None and after_id is not None:
        if after_id == 0 and sort.descending:
            last = True
        else:
            after = (None, after_id)
    if text and sort.column == NUMBER:
        # By id the index drives the query in its own order (fulltext.keyset): the page
        # below in the order shown is the one below (newest first) or above (oldest first).
        down = sort.descending
        if last:
            args = {"before": None, "after": 0} if down else {"before": None, "after": None}
        elif before is not None:
            args = {"before": before[1], "after": None} if down else \
                {"before": None, "after": before[1]}
        elif after is not None:
            args = {"before": None, "after": after[1]} if down else \
                {"before": after[1], "after": None}
        else:
            args = {"before": None, "after": None} if down else {"before": None, "after": 0}
        rows = fulltext.keyset(query.select_extend(model.id.alias("sort_value")), code,
                               model.id, text, clearance, limit=limit, **args)
        return rows if down else rows[::-1]
    join_text = None
    if text:
        def join_text(q):
            return fulltext.sorted_join(q, code, model.id, text, clearance)
        if not fulltext.terms(text):
            return []
    return page(query, model, kind, sort, before=before, after=after, last=last, limit=limit,
                join_text=join_text)
