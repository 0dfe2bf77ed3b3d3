"""PostgreSQL for the tests: the server from GOVDESK_TEST_PG (or `pytest --db postgresql://…`).

A run makes one working database (CREATE/DROP DATABASE each force a checkpoint: ~1 s apiece on
a busy disk, too slow per test). Its tables are filled once with the organisation and once with
the demo, each kept as a snapshot schema; before every test ``Workspace.reset`` truncates the
tables and copies a snapshot back in one transaction (tens of milliseconds).

Every database a run makes is named gdt_<pid>_…, so concurrent runs on one server do not meet,
and ones left behind by a killed run are dropped by the next run.
"""

from __future__ import annotations

import itertools
import os
from functools import cache
from urllib.parse import urlparse, urlunparse

ENV = "GOVDESK_TEST_PG"
PREFIX = f"gdt_{os.getpid()}_"
_names = itertools.count(1)


def server_url() -> str | None:
    return os.environ.get(ENV) or None


@cache
def status() -> tuple[str | None, str]:
    """(server URL, "") when usable, else (None, why not)."""
    url = server_url()
    if not url:
        return None, f"{ENV} is not set (run .ci/setup-postgres.sh, or pytest --db postgresql://…)"
    try:
        import psycopg2
    except ImportError as exc:
        return None, f"psycopg2 is not installed ({exc})"
    try:
        conn = psycopg2.connect(url, connect_timeout=3)
    except Exception as exc:  # refused, bad password, no such database …
        return None, f"cannot connect to {mask(url)}: {str(exc).strip()}"
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cur.fetchone()[0]:
                return None, f"the role in {mask(url)} may not CREATE DATABASE"
            _drop_leftovers(cur)
    finally:
        conn.close()
    return url, ""


def reason() -> str:
    return "PostgreSQL not available: " + status()[1]


def mask(url: str) -> str:
    p = urlparse(url)
    return url.replace(f":{p.password}@", ":***@", 1) if p.password else url


def url_for(name: str) -> str:
    base = urlparse(server_url() or "")
    return urlunparse(base._replace(path="/" + name))


def _admin():
    import psycopg2

    conn = psycopg2.connect(server_url(), connect_timeout=5)
    conn.autocommit = True
    return conn


def _drop_leftovers(cur) -> None:
    cur.execute("SELECT datname FROM pg_database WHERE datname LIKE 'gdt\\_%'")
    for (name,) in cur.fetchall():
        try:
            pid = int(name.split("_")[1])
            os.kill(pid, 0)
            continue  # that run is still going
        except (ValueError, IndexError):
            continue
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_name(label: str = "t") -> str:
    return f"{PREFIX}{label}{next(_names)}"


def create(name: str, template: str | None = None) -> str:
    """Create database ``name`` (a copy of ``template`` if given) and return its URL."""
    conn = _admin()
    try:
        with conn.cursor() as cur:
            tpl = f' TEMPLATE "{template}"' if template else " TEMPLATE template0"
            cur.execute(f"CREATE DATABASE \"{name}\"{tpl} ENCODING 'UTF8'")
    finally:
        conn.close()
    return url_for(name)


def drop(*names: str) -> None:
    conn = _admin()
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


class Workspace:
    """One run's working database with named snapshots of its table contents."""

    def __init__(self) -> None:
        self.name = new_name("w")
        self.url = create(self.name)
        conn = _admin()
        try:  # throw-away data: do not wait for each commit's fsync (the disk may be busy)
            with conn.cursor() as cur:
                cur.execute(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off')
        finally:
            conn.close()
        self.snapshots: set[str] = set()
        self._conn = None

    def _cursor(self):
        import psycopg2

        if self._conn is None or self._conn.closed:
            self._conn = psycopg2.connect(self.url, connect_timeout=5,
                                          options="-c lock_timeout=10000")
        return self._conn.cursor()

    def _tables(self, cur) -> list[str]:
        from peewee import AutoField, sort_models

        from govdesk.models import ALL_MODELS

        models = sort_models(ALL_MODELS)
        self._serial = {m._meta.table_name for m in models
                        if isinstance(m._meta.primary_key, AutoField)
                        and m._meta.primary_key.column_name == "id"}
        return [m._meta.table_name for m in models]

    def take(self, snapshot: str) -> None:
        """Keep the current contents of every table as ``snapshot``."""
        with self._conn_tx() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{snapshot}" CASCADE')
            cur.execute(f'CREATE SCHEMA "{snapshot}"')
            for table in self._tables(cur):
                cur.execute(f'CREATE TABLE "{snapshot}"."{table}" AS TABLE public."{table}"')
        self.snapshots.add(snapshot)

    def reset(self, snapshot: str | None) -> None:
        """Empty every table; then copy ``snapshot`` back (ids continue as in it), if given."""
        with self._conn_tx() as cur:
            tables = self._tables(cur)
            cur.execute("SELECT to_regclass('public.audit_entry') IS NOT NULL")
            if not cur.fetchone()[0]:
                return
            cur.execute("ALTER TABLE audit_entry DISABLE TRIGGER USER")
            # DELETE, not TRUNCATE: on these small tables it skips TRUNCATE's file swaps and
            # their fsyncs (several times faster on a busy disk).
            for table in reversed(tables):
                cur.execute(f'DELETE FROM public."{table}"')
            if snapshot:
                for table in tables:
                    cur.execute(f'INSERT INTO public."{table}" SELECT * FROM "{snapshot}"."{table}"')
                    if table in self._serial:
                        cur.execute(
                            "SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1),"
                            f' MAX(id) IS NOT NULL) FROM public."{table}"', (f'public."{table}"',))
            cur.execute("ALTER TABLE audit_entry ENABLE TRIGGER USER")

    def empty(self) -> str:
        """Drop govdesk's tables from the working database (as a fresh, empty database would
        be) and return its URL; the snapshots stay. ``restore_schema`` brings the tables back."""
        with self._conn_tx() as cur:
            for table in self._tables(cur):
                cur.execute(f'DROP TABLE IF EXISTS public."{table}" CASCADE')
            cur.execute("DROP FUNCTION IF EXISTS public.audit_entry_append_only()")
        return self.url

    def restore_schema(self) -> None:
        from govdesk.models import close_database, open_database
        from govdesk.services.schema import ensure_schema

        close_database()
        open_database(self.url)
        try:
            ensure_schema()
        finally:
            close_database()

    def _conn_tx(self):
        from contextlib import contextmanager

        @contextmanager
        def tx():
            cur = self._cursor()
            try:
                yield cur
                self._conn.commit()
            except BaseException:
                self._conn.rollback()
                raise
            finally:
                cur.close()

        return tx()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        drop(self.name)
