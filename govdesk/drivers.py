"""PostgreSQL's driver loads only for a ``postgresql://`` target.

peewee looks for psycopg2 as it is imported (and playhouse's ``postgres_ext``, which its URL
registry imports, looks again), so a desk on a SQLite file would load psycopg2 and its C
library at every start (≈10 ms). ``import_peewee`` imports peewee with the driver hidden; the
package's ``__init__`` calls it, before any module of ours can import peewee.
``load_postgres_driver`` then does, when a PostgreSQL target is opened, exactly what peewee's
own import would have done with the driver present, so that from there on the code path is
peewee's usual one (tests/test_import_hygiene.py compares the two).

Standard library only: this runs before anything else of the package.
"""

from __future__ import annotations

import sys

# What peewee (4.x, module top) tries to import for PostgreSQL. psycopg (3) is left alone: not
# installed with us, and peewee only prefers it when psycopg2 is missing.
_DRIVERS = ("psycopg2cffi", "psycopg2")


def import_peewee() -> None:
    """Import peewee and playhouse's URL registry without importing psycopg2 (once)."""
    if "peewee" in sys.modules:
        return
    hidden = [name for name in _DRIVERS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # importing it raises ImportError
    try:
        import peewee  # noqa: F401
        import playhouse.db_url  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def load_postgres_driver() -> None:
    """Give peewee psycopg2 as its import would have (before a PostgreSQL database is made).

    Without psycopg2 installed nothing changes: peewee says "psycopg2 postgres driver not
    found" when connecting, as it always did."""
    import peewee

    if peewee.psycopg2 is not None:
        return
    try:
        from psycopg2cffi import compat
    except ImportError:
        pass
    else:
        compat.register()
    try:
        import psycopg2
        from psycopg2 import extensions
        from psycopg2.extras import Json, register_uuid
    except ImportError:
        return
    register_uuid()
    peewee.psycopg2 = psycopg2
    peewee.pg_extensions = extensions
    peewee.pg_register_uuid = register_uuid
    peewee.Json_pg2 = Json
    # Psycopg2Adapter's class body reads these only when psycopg2 was found at import.
    adapter = peewee.Psycopg2Adapter
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
    postgres_ext = sys.modules.get("playhouse.postgres_ext")
    if postgres_ext is not None:
        from psycopg2.extras import register_hstore

        postgres_ext.register_hstore = register_hstore
