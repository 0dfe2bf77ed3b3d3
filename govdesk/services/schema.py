"""Schema version, forward migrations, and the backup every migration takes first (SPEC §14)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from peewee import PostgresqlDatabase, SqliteDatabase

from govdesk.i18n import t
from govdesk.models import ALL_MODELS, Meta, database
from govdesk.services.clock import office_now
from govdesk.services.errors import SchemaError

SCHEMA_VERSION = 11


def _v2_leave() -> None:
    """v2: a unit's heads are people (Person.unit, post 正职/副职) and ask for leave
    (leave_request, Part 3 §22)."""
    from playhouse.migrate import SchemaMigrator, migrate

    from govdesk.models import LeaveRequest, Person

    if "unit_id" not in {c.name for c in database.get_columns("person")}:
        # add_column also makes the foreign key's index, as a fresh schema has it.
        migrate(SchemaMigrator.from_database(database.obj).add_column(
            "person", "unit_id", Person.unit))
    create_tables([LeaveRequest])


def _v3_audit_chain() -> None:
    """v3: the audit trail becomes a hash chain (AuditEntry.prev_hash/hash, services.audit).
    The entries already written are chained in id order; the append-only UPDATE trigger is
    lifted for that fill and put back, all in this migration's one transaction."""
    from playhouse.migrate import SchemaMigrator, migrate

    from govdesk.models import AuditEntry
    from govdesk.services import audit

    have = {c.name for c in database.get_columns("audit_entry")}
    migrator = SchemaMigrator.from_database(database.obj)
    ops = [migrator.add_column("audit_entry", name, field)
           for name, field in (("prev_hash", AuditEntry.prev_hash), ("hash", AuditEntry.hash))
           if name not in have]
    if ops:
        migrate(*ops)
    if isinstance(database.obj, PostgresqlDatabase):
        database.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_entry")
    else:
        database.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_update")
    audit.fill_chain()
    create_audit_triggers()


def _v4_open_task_index() -> None:
    """v4: waiting tasks by due date (index task_state_due): the deadlines everyone sees
    (主任, 秘书科, 督查室) were searched through every task's due date, finished ones of ten
    years included (docs/benchmarks.md)."""
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "task_state_due" ON "task" ("state", "due")')


def _v5_list_indexes() -> None:
    """v5: the 催办 log, newest first (index reminder_at): its page of 200 was sorted out of
    every reminder ever sent. What waits on a section with no one holding it, by due date
    (task_state_holder_section_id_holder_id_due): that branch of Home's inbox went through
    every waiting task of the section, held or not, to find those with no holder."""
    database.execute_sql('CREATE INDEX IF NOT EXISTS "reminder_at" ON "reminder" ("at")')
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "task_state_holder_section_id_holder_id_due"'
        ' ON "task" ("state", "holder_section_id", "holder_id", "due")')


FULLTEXT_PENDING = "fulltext.pending"  # meta: the index exists but is still to be filled


def _v6_fulltext() -> None:
    """v6: the one search's full-text index (search_entry and, on SQLite, its FTS5 table
    search_fts). Filling it needs every workflow's fields, which live above this layer: the
    migration marks it pending and services.search.complete_pending fills it when govdesk
    next opens the database (cli), in one transaction, the mark removed in the same one."""
    from govdesk.models import SearchEntry

    create_tables([SearchEntry])
    set_meta(FULLTEXT_PENDING, "1")


def _v7_form_drafts() -> None:
    """v7: what people typed into a form and have not saved yet (form_draft, issue 11), one
    row per person, form and record, so a dropped connection loses nothing."""
    from govdesk.models import FormDraft

    create_tables([FormDraft])


def _v8_register_sorts() -> None:
    """v8: the 收文/发文 registers sort by their columns (收文日期, 期限, 紧急程度, 状态,
    来文单位; 紧急程度, 状态, 拟稿人, 更新时间), each through an index on (value, id) and on
    (state, value, id) for one state (services.register_sort.INDEXES)."""
    from govdesk.services import register_sort

    register_sort.create_indexes()


def _v9_supervision() -> None:
    """v9: 督查事项 (SPEC §10; Part 2 §4): the items, each unit's part, the units' reports and
    the numbered 催办单, and the issues of 《督查专报》/《督查通报》."""
    from govdesk.models import (
        SupervisionBulletin,
        SupervisionItem,
        SupervisionNotice,
        SupervisionPart,
        SupervisionReport,
    )

    create_tables([SupervisionItem, SupervisionPart, SupervisionReport, SupervisionNotice,
                   SupervisionBulletin])


def _v10_suggestions() -> None:
    """v10: NPC suggestions and CPPCC proposals (suggestion, SPEC §11; Part 2 §5(一)) and the
    人大常委会's special work reports (special_report, Part 2 §5(二))."""
    from govdesk.models import SpecialReport, Suggestion

    create_tables([Suggestion, SpecialReport])


def _v11_petitions() -> None:
    """v11: 信访 (petition, SPEC §9; Part 2 §3): the cases from the five channels, their
    petitioners, the units they go to, 复查/复核, and the 直线电话受理中心's calls."""
    from govdesk.models import HotlineCall, Petition, PetitionPerson, PetitionReview, PetitionUnit

    create_tables([Petition, PetitionPerson, PetitionUnit, PetitionReview, HotlineCall])


# version → function that brings a database from version-1 to version. Each runs in one
# transaction after the backup; add new ones at the end, never edit an old one.
MIGRATIONS: dict[int, Callable[[], None]] = {2: _v2_leave, 3: _v3_audit_chain,
                                              4: _v4_open_task_index,
                                              5: _v5_list_indexes, 6: _v6_fulltext,
                                              7: _v7_form_drafts, 8: _v8_register_sorts,
                                              9: _v9_supervision, 10: _v10_suggestions,
                                              11: _v11_petitions}

_APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]

# PostgreSQL: the same refusal as a trigger function; TRUNCATE (which fires no row triggers) too.
_APPEND_ONLY_POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'restrict_violation';
       END $$""",
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_entry",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete ON audit_entry",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""",
]


def create_audit_triggers() -> None:
    """Make audit_entry append-only at the database level (idempotent)."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        statements = _APPEND_ONLY_SQLITE
    elif isinstance(db, PostgresqlDatabase):
        statements = _APPEND_ONLY_POSTGRES
    else:
        return
    for sql in statements:
        database.execute_sql(sql)


def get_meta(key: str, default: str | None = None) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else default


def set_meta(key: str, value: str) -> None:
    # Portable upsert (INSERT … ON CONFLICT (key) DO UPDATE on both SQLite and PostgreSQL).
    Meta.insert(key=key, value=value).on_conflict(
        conflict_target=[Meta.key], update={Meta.value: value}).execute()


DATABASE_ID = "database_id"


def database_id() -> str:
    """This database's own name, made the first time it is asked for and kept (meta): a
    calendar file's UIDs are a record's id at this name, so the same entry exported twice is
    the same event to a calendar program, and two offices' entries never are. A copy (a
    backup restored, a move to PostgreSQL) keeps it, as it keeps the records."""
    found = get_meta(DATABASE_ID)
    if found is None:
        with database.atomic():
            Meta.insert(key=DATABASE_ID, value=uuid.uuid4().hex).on_conflict_ignore().execute()
        found = get_meta(DATABASE_ID, "")
    return found or ""


def schema_version() -> int:
    if not database.table_exists("meta"):
        return 0
    return int(get_meta("schema_version", "0") or 0)


def create_tables(models: list | None = None) -> None:
    """Every table (or those of ``models``, for a migration). On PostgreSQL, text columns
    become unbounded ``text``: peewee declares CharField as VARCHAR(255), which SQLite never
    enforces; the services set their own limits (e.g. 2000 characters for a title), so
    PostgreSQL must not refuse what SQLite keeps."""
    from govdesk.models import IncomingDocument, OutgoingDocument, SearchEntry
    from govdesk.services import fulltext, register_sort

    models = ALL_MODELS if models is None else models
    database.create_tables(models)
    if SearchEntry in models:
        fulltext.create_index()
    if IncomingDocument in models and OutgoingDocument in models:
        register_sort.create_indexes()
    if isinstance(database.obj, PostgresqlDatabase):
        columns = database.execute_sql(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND data_type = 'character varying'"
            " AND table_name = ANY(%s)", ([m._meta.table_name for m in models],)).fetchall()
        for table, column in columns:
            database.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE text')


def create_schema(*, triggers: bool = True) -> None:
    """All tables, the audit triggers (unless a copy still has to fill audit_entry first, see
    services.migrate) and the schema version, in one transaction."""
    with database.atomic():
        create_tables()
        if triggers:
            create_audit_triggers()
        set_meta("schema_version", str(SCHEMA_VERSION))


def backup_to(target: Path) -> Path:
    """A consistent copy of the open SQLite database, taken while others may be writing."""
    db = database.obj
    if not isinstance(db, SqliteDatabase):
        raise SchemaError(t("cli.schema.backup_sqlite_only"))
    target = Path(target)
    dest = sqlite3.connect(str(target))
    try:
        db.connection().backup(dest)
    finally:
        dest.close()
    return target


def ensure_schema(*, now: datetime | None = None) -> list[int]:
    """Create a fresh schema or bring an older one forward; return the versions applied.

    Only an SQLite file gets an automatic backup before a migration; on PostgreSQL the admin
    takes one with pg_dump first (docs/postgresql.md)."""
    version = schema_version()
    if version == 0:
        create_schema()
        return []
    if version > SCHEMA_VERSION:
        raise SchemaError(t("cli.schema.too_new", version=version, ours=SCHEMA_VERSION))
    pending = [v for v in sorted(MIGRATIONS) if version < v <= SCHEMA_VERSION]
    if pending and isinstance(database.obj, SqliteDatabase):
        stamp = (now or office_now()).strftime("%Y%m%d-%H%M%S")
        path = Path(database.obj.database)
        backup_to(path.with_name(f"{path.name}.v{version}-{stamp}.bak"))
    for target in pending:
        with database.atomic():
            MIGRATIONS[target]()
            set_meta("schema_version", str(target))
    return pending
