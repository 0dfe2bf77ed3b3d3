"""Copy a whole govdesk database to another one: ``govdesk migrate-db --from … --to …``.

Meant for an office moving from its SQLite file to PostgreSQL (docs/postgresql.md). Every table is
copied in dependency order with its ids; PostgreSQL's id sequences are then moved past the
copied ids; the counters (收文编号, 发文字号 …) and the audit trail come along unchanged, and the
audit log's append-only triggers are created only after its rows are in. The whole copy is one
transaction on the target, so a failure leaves it empty; the source is only read (in one read
transaction, so others may keep working on it, but nothing they write after the start is copied).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import AutoField, ForeignKeyField, PostgresqlDatabase, sort_models

from govdesk.i18n import t
from govdesk.models import ALL_MODELS, close_database, database, open_database
from govdesk.models.db import DatabaseOpenError, is_url
from govdesk.services.errors import ValidationError

BATCH = 500


@dataclass
class MigrationReport:
    source: str
    target: str
    counts: dict[str, int] = field(default_factory=dict)  # table → rows copied (and verified)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        width = max(len(t) for t in self.counts) if self.counts else 0
        out = [f"{table.ljust(width)}  {n:>8}" for table, n in self.counts.items()]
        out.append(f"{t('cli.migrate.total').ljust(width - 2)}  {self.total:>8}")  # 2 wide chars
        return out



def _source_path(source: str) -> str:
    if source.startswith("sqlite:///"):
        return source[len("sqlite:///"):]
    if is_url(source):
        raise ValidationError("--from", t("cli.migrate.from_sqlite_only", source=source))
    return source


def _self_refs(model) -> list[ForeignKeyField]:
    return [f for f in model._meta.sorted_fields
            if isinstance(f, ForeignKeyField) and f.rel_model is model]


def _read_all(path: str, models: list) -> tuple[dict, int]:
    """Every row of every table (as tuples in sorted_fields order) and the schema version."""
    from govdesk.services.schema import schema_version

    try:
        open_database(path, create=False)
    except DatabaseOpenError as exc:
        raise ValidationError("--from", str(exc)) from exc
    try:
        with database.atomic():  # one consistent snapshot of the source
            version = schema_version()
            if version == 0:
                raise ValidationError("--from", t("cli.migrate.not_govdesk", path=path))
            rows = {m: list(m.select(*m._meta.sorted_fields).order_by(m._meta.primary_key).tuples())
                    for m in models}
    finally:
        close_database()
    return rows, version


def migrate(source: str, target: str, *, progress: Callable[[str], None] | None = None
            ) -> MigrationReport:
    """Copy ``source`` (an SQLite file or sqlite:/// URL) into the empty database ``target``."""
    from govdesk.services.schema import SCHEMA_VERSION, create_audit_triggers, create_tables

    say = progress or (lambda _msg: None)
    models = sort_models(ALL_MODELS)
    rows, version = _read_all(_source_path(source), models)
    if version != SCHEMA_VERSION:
        raise ValidationError("--from", t("cli.migrate.version", version=version,
                                          ours=SCHEMA_VERSION))
    report = MigrationReport(source, target)
    try:
        open_database(target)
    except DatabaseOpenError as exc:
        raise ValidationError("--to", str(exc)) from exc
    try:
        ours = {m._meta.table_name for m in models}
        existing = sorted(ours & set(database.get_tables()))
        if existing:
            raise ValidationError("--to", t("cli.migrate.not_empty",
                                            tables=", ".join(existing[:5])))
        with database.atomic():
            create_tables()
            load(models, rows, progress=say)
            create_audit_triggers()
            reset_sequences(models)
            for model in models:
                n = model.select().count()
                if n != len(rows[model]):
                    raise ValidationError("--to", t("cli.migrate.count_mismatch",
                                                    table=model._meta.table_name,
                                                    source=len(rows[model]), target=n))
                report.counts[model._meta.table_name] = n
    finally:
        close_database()
    return report


def read_sqlite(source: str) -> dict:
    """Every row of an SQLite govdesk database, by model (for ``load``)."""
    return _read_all(_source_path(source), sort_models(ALL_MODELS))[0]


def load(models: list, rows: dict, *, progress: Callable[[str], None] | None = None) -> None:
    """Insert ``rows`` (from ``read_sqlite``) into the open database's empty tables, in order."""
    for model in models:
        _copy_table(model, rows[model])
        if progress:
            progress(f"{model._meta.table_name}: {len(rows[model])}")


def _copy_table(model, data: list[tuple]) -> None:
    fields = model._meta.sorted_fields
    selfs = _self_refs(model)
    later: list[tuple] = []
    if selfs:  # rows may point at rows further down: insert without, then set them
        # By identity: a peewee Field's == builds an expression, so list.index() cannot be used.
        idx = [i for i, f in enumerate(fields) if any(f is s for s in selfs)]
        pk = next(i for i, f in enumerate(fields) if f is model._meta.primary_key)
        later = [(r[pk], {f: r[i] for i in idx for f in [fields[i]]})
                 for r in data if any(r[i] is not None for i in idx)]
        data = [tuple(None if i in idx else v for i, v in enumerate(r)) for r in data]
    for start in range(0, len(data), BATCH):
        model.insert_many(data[start:start + BATCH], fields=fields).execute()
    for pk_value, values in later:
        model.update(values).where(model._meta.primary_key == pk_value).execute()


def reset_sequences(models: list) -> None:
    """Move each serial id's sequence past the copied ids, so new rows do not collide."""
    if not isinstance(database.obj, PostgresqlDatabase):
        return
    for model in models:
        pk = model._meta.primary_key
        if not isinstance(pk, AutoField):
            continue
        table, column = model._meta.table_name, pk.column_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f"COALESCE(MAX(\"{column}\"), 1), MAX(\"{column}\") IS NOT NULL) FROM \"{table}\"")
