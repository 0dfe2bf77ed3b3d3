"""Gap-free numbers per (prefix, year), taken inside the caller's write transaction.

Because every write transaction is BEGIN IMMEDIATE, the read-increment-write here is serialised
across processes; a rolled-back transaction gives its number back, so there is never a gap.
"""

from __future__ import annotations

from govdesk.models import Counter, database


def next_number(prefix: str, year: int) -> int:
    assert database.in_transaction(), "numbers are only taken inside a write transaction"
    updated = (
        Counter.update(value=Counter.value + 1)
        .where((Counter.prefix == prefix) & (Counter.year == year))
        .execute()
    )
    if not updated:
        Counter.create(prefix=prefix, year=year, value=1)
        return 1
    return Counter.get((Counter.prefix == prefix) & (Counter.year == year)).value


def current_number(prefix: str, year: int) -> int:
    row = Counter.get_or_none((Counter.prefix == prefix) & (Counter.year == year))
    return row.value if row else 0
