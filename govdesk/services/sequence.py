"""Gap-free numbers per (prefix, year), taken inside the caller's write transaction.

The counter row is created if missing (INSERT … ON CONFLICT DO NOTHING, so two transactions that
both take the first number of a year cannot collide) and then incremented with one
UPDATE … RETURNING: the UPDATE's row lock holds any other transaction's increment until this one
commits or rolls back, on SQLite (where BEGIN IMMEDIATE serialises writers anyway) and on
PostgreSQL alike. A rolled-back transaction gives its number back, so there is never a gap.
"""

from __future__ import annotations

from govdesk.models import Counter, database


def next_number(prefix: str, year: int) -> int:
    assert database.in_transaction(), "numbers are only taken inside a write transaction"
    Counter.insert(prefix=prefix, year=year, value=0).on_conflict_ignore().execute()
    which = (Counter.prefix == prefix) & (Counter.year == year)
    bump = Counter.update(value=Counter.value + 1).where(which)
    if not database.returning_clause:  # SQLite older than 3.35
        bump.execute()
        return Counter.get(which).value
    return list(bump.returning(Counter.value).tuples().execute())[0][0]


def take_number(prefix: str, year: int, value: int) -> None:
    """Record that ``value`` was given outside the counter (a number kept from an office's
    earlier register): the counter moves up to it, never down, so ``next_number`` passes it.
    Numbers between the old counter and ``value`` stay unused: the earlier register's gaps."""
    assert database.in_transaction(), "numbers are only taken inside a write transaction"
    Counter.insert(prefix=prefix, year=year, value=0).on_conflict_ignore().execute()
    which = (Counter.prefix == prefix) & (Counter.year == year) & (Counter.value < value)
    Counter.update(value=value).where(which).execute()


def current_number(prefix: str, year: int) -> int:
    row = Counter.get_or_none((Counter.prefix == prefix) & (Counter.year == year))
    return row.value if row else 0
