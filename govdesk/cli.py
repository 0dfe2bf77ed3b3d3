"""Command line: `govdesk` (the desk), `demo`, `today`, `people`, `migrate-db` …

Every failure a user can cause ends in a clear message and a non-zero exit code, never a
traceback: 1 = the database or the office's data files (data/rules.toml, data/holidays.toml, the
time zone of the settings) cannot be used, 2 = who you are / bad arguments. Everything is
said in the language of the user's settings (catalog ``cli.*``), as on the desk.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from govdesk import config
from govdesk.errors import ServiceError
from govdesk.i18n import set_language, t
from govdesk.models.userlock import USERS_SUFFIX
from govdesk.models.writelock import QUEUE_SUFFIX

SIDE_FILES = ("-wal", "-shm", QUEUE_SUFFIX, USERS_SUFFIX)

EXIT_DB = 1
EXIT_USER = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER, t("cli.bad_args", message=message) + "\n")


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", help=t("cli.help.db"))
    who = _Parser(add_help=False)
    who.add_argument("--as", dest="as_login", metavar="LOGIN", help=t("cli.help.as"))
    parser = _Parser(prog="govdesk", parents=[common, who], description=t("cli.help.description"))
    # The subcommands repeat --db/--as without a default of their own: otherwise argparse lets
    # the subcommand's None overwrite `govdesk --db X today`'s X (and --as likewise).
    sub_common = _Parser(add_help=False)
    sub_common.add_argument("--db", default=argparse.SUPPRESS, help=t("cli.help.db"))
    sub_who = _Parser(add_help=False)
    sub_who.add_argument("--as", dest="as_login", metavar="LOGIN", default=argparse.SUPPRESS,
                         help=t("cli.help.as"))
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", parents=[sub_common], help=t("cli.help.demo"))
    demo.add_argument("--force", action="store_true", help=t("cli.help.force"))
    sub.add_parser("today", parents=[sub_common, sub_who], help=t("cli.help.today"))
    sub.add_parser("people", parents=[sub_common], help=t("cli.help.people"))
    backup = sub.add_parser("backup", parents=[sub_common], help=t("cli.help.backup"))
    backup.add_argument("out", help=t("cli.help.backup_out"))
    restore = sub.add_parser("restore", parents=[sub_common], help=t("cli.help.restore"))
    restore.add_argument("source", help=t("cli.help.restore_source"))
    restore.add_argument("--yes", action="store_true", help=t("cli.help.yes"))
    audit = sub.add_parser("audit", parents=[sub_common], help=t("cli.help.audit"))
    audit.add_argument("--since", help=t("cli.help.since"))
    audit.add_argument("--verify", action="store_true", help=t("cli.help.verify"))
    init = sub.add_parser("init", parents=[sub_common], help=t("cli.help.init"))
    init.add_argument("--group", required=True, help=t("cli.help.group"))
    init_what = init.add_mutually_exclusive_group()
    init_what.add_argument("--demo", action="store_true", help=t("cli.help.demo_data"))
    init_what.add_argument("--org", metavar="TOML", help=t("cli.help.org"))
    doctor = sub.add_parser("doctor", parents=[sub_common], help=t("cli.help.doctor"))
    doctor.add_argument("--group", help=t("cli.help.doctor_group"))
    migrate = sub.add_parser("migrate-db", help=t("cli.help.migrate"))
    migrate.add_argument("--from", dest="source", required=True, metavar="SOURCE",
                         help=t("cli.help.from"))
    migrate.add_argument("--to", dest="dest", required=True, metavar="TARGET",
                         help=t("cli.help.to"))
    return parser


class CliError(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def _check_writable(target: str) -> None:
    """The desk writes; say so now rather than fail on the first save (WAL also needs the folder)."""
    path = Path(target).expanduser()
    if not os.access(path, os.W_OK):
        raise CliError(t("cli.file_not_writable", path=path), EXIT_DB)
    wal = Path(str(path) + "-wal")
    if not wal.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise CliError(t("cli.folder_not_writable", path=path.parent), EXIT_DB)


def _already_open(target: str) -> bool:
    """This process has the SQLite file ``target`` open already (a maintenance command looked
    its user up in it)."""
    from peewee import SqliteDatabase

    from govdesk.models import database
    from govdesk.models.db import is_url

    db = database.obj
    if is_url(target) or not isinstance(db, SqliteDatabase) or db.is_closed():
        return False
    return os.path.realpath(db.database) == os.path.realpath(Path(target).expanduser())


def _open(target: str, *, create: bool = False) -> None:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models import open_database
    from govdesk.models.db import DatabaseOpenError, is_url
    from govdesk.services.errors import SchemaError
    from govdesk.services.schema import ensure_schema, schema_version

    if _already_open(target):
        return
    if not is_url(target) and not create and not Path(target).expanduser().exists():
        raise CliError(t("cli.no_database", target=target), EXIT_DB)
    try:
        open_database(target)
        if schema_version() == 0:
            raise CliError(t("cli.not_govdesk", target=target), EXIT_DB)
        ensure_schema()
    except DatabaseOpenError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    except SchemaError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
        raise CliError(t("cli.cannot_use", target=target, error=exc), EXIT_DB) from exc


def _check_office_data() -> None:
    """The office's rules, holiday schedules, workflow specs and time zone, checked before any
    command runs: a file edited wrongly stops govdesk with its file, key and line, not a
    traceback later."""
    from govdesk.services import rules, workflows
    from govdesk.services.engine.spec import SpecError

    try:
        rules.check()
        workflows.check()
        config.timezone()
    except (rules.RulesError, SpecError, config.ConfigError) as exc:
        raise CliError(str(exc), EXIT_DB) from None


def _whoami(as_login: str | None):
    from govdesk.services import identity
    from govdesk.services.errors import PermissionDenied

    try:
        return identity.resolve(as_login)
    except (identity.UnknownUser, PermissionDenied) as exc:
        raise CliError(str(exc), EXIT_USER) from exc


def _maintainer(target: str, command: str):
    """Who runs a maintenance command (backup, restore, audit, migrate-db): None for the system
    operator (root, or the service account root's cron runs), else the person at the keyboard,
    who must be an admin (exit 2 naming whom to ask)."""
    from govdesk.services import maintenance
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor

    if os.geteuid() == 0:
        return None
    _open(target)
    person = _whoami(None)
    if not person.admin:
        raise CliError(t("cli.maintainer_only", command=command,
                         admins=maintenance.admin_names()), EXIT_USER)
    return Actor(person, office_now())


def cmd_demo(target: str, force: bool) -> int:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models.db import DatabaseOpenError, is_url
    from govdesk.services import demo
    from govdesk.services.clock import office_today

    if is_url(target):
        raise CliError(t("cli.demo_sqlite_only"), EXIT_USER)
    path = Path(target).expanduser()
    if path.exists() and not force:
        print(t("cli.demo_exists", path=path))
        return 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(t("cli.cannot_mkdir", path=path.parent, error=exc), EXIT_DB) from exc
    if not os.access(path.parent, os.W_OK):
        raise CliError(t("cli.dir_not_writable", path=path.parent), EXIT_DB)
    # Built aside and moved into place, so a failure never leaves a half-made database.
    building = path.with_name(path.name + ".building")
    for p in (path, building):
        for suffix in ("", *SIDE_FILES):
            Path(str(p) + suffix).unlink(missing_ok=True)
    try:
        demo.build(building, office_today())
    except (sqlite3.DatabaseError, PeeweeDatabaseError, DatabaseOpenError, OSError) as exc:
        for suffix in ("", *SIDE_FILES):
            try:
                Path(str(building) + suffix).unlink(missing_ok=True)
            except OSError:
                pass
        raise CliError(t("cli.cannot_write", path=path, error=exc), EXIT_DB) from exc
    building.replace(path)
    for suffix in (QUEUE_SUFFIX, USERS_SUFFIX):
        Path(str(building) + suffix).unlink(missing_ok=True)
    print(t("cli.demo_created", path=path))
    return 0


def cmd_today(target: str, as_login: str | None) -> int:
    from govdesk.services import today
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor

    _open(target)
    person = _whoami(as_login)
    sys.stdout.write(today.summary(Actor(person, office_now())))
    return 0


def cmd_people(target: str) -> int:
    from govdesk.services import org

    _open(target)
    for line in org.people_lines():
        print(line)
    return 0


def cmd_backup(target: str, out: str) -> int:
    from govdesk.models.db import is_url
    from govdesk.services import maintenance
    from govdesk.services.errors import ValidationError

    if is_url(target):
        raise CliError(t("cli.backup_sqlite_only"), EXIT_USER)
    actor = _maintainer(target, "backup")
    _open(target)
    try:
        path = maintenance.backup(actor, Path(out).expanduser())
    except ValidationError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    print(t("cli.backup_done", path=path))
    return 0


def cmd_restore(target: str, source: str, yes: bool) -> int:
    from govdesk.models.db import is_url
    from govdesk.services import maintenance
    from govdesk.services.errors import ValidationError

    if is_url(target):
        raise CliError(t("cli.restore_sqlite_only"), EXIT_USER)
    # root restores even a database too damaged to open; anyone else is looked up in it
    actor = _maintainer(target, "restore")
    if not yes:
        if not sys.stdin.isatty():
            raise CliError(t("cli.restore_needs_yes"), EXIT_USER)
        answer = input(t("cli.restore_confirm", source=source, target=target))
        if answer.strip().lower() != "yes":
            print(t("cli.cancelled"))
            return 0
    try:
        path = maintenance.restore(actor, Path(source).expanduser(),
                                   Path(target).expanduser())
    except (ValidationError, sqlite3.DatabaseError) as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    print(t("cli.restore_done", source=source, path=path))
    return 0


def cmd_audit(target: str, since: str | None, verify: bool) -> int:
    from govdesk.services import maintenance

    if not verify and since is None:
        raise CliError(t("cli.audit_needs_since"), EXIT_USER)
    start = None
    if since is not None:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            raise CliError(t("cli.since_format", since=since), EXIT_USER) from None
    actor = _maintainer(target, "audit")
    _open(target)
    if verify:
        report = maintenance.verify_chain(actor)
        if not report.intact:
            print(t("cli.audit_broken", n=report.checked, reason=report.reason()))
            return EXIT_DB
        if report.checked == 0:
            print(t("cli.audit_empty"))
        else:
            print(t("cli.audit_intact", n=report.checked, id=report.head_id,
                    hash=report.head_hash[:12]))
        if start is None:
            return 0
    for line in maintenance.audit_lines(actor, start):
        print(line)
    return 0


def cmd_init(target: str, group: str, demo: bool, org_file: str | None) -> int:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models.db import DatabaseOpenError, is_url
    from govdesk.services import deploy
    from govdesk.services.errors import ServiceError

    if is_url(target):
        raise CliError(t("cli.init_sqlite_only"), EXIT_USER)
    try:
        report = deploy.init(target, group, demo=demo, org_file=org_file)
    except (deploy.DeployError, ServiceError) as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    except (sqlite3.DatabaseError, PeeweeDatabaseError, DatabaseOpenError, OSError) as exc:
        raise CliError(t("cli.init_failed", target=target, error=exc), EXIT_DB) from exc
    for line in report.lines:
        print(line)
    return 0


def cmd_doctor(target: str, group: str | None) -> int:
    from govdesk.services import deploy

    try:
        problems = deploy.check(target, group)
    except deploy.DeployError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    for line in problems:
        print(t("cli.doctor_problem", problem=line))
    if problems:
        print(t("cli.doctor_fix"))
        return EXIT_DB
    print(t("cli.doctor_ok", target=target))
    return 0


def cmd_migrate_db(source: str, dest: str) -> int:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models import close_database
    from govdesk.models.db import is_url, safe_target
    from govdesk.services import migrate
    from govdesk.services.errors import ValidationError

    if not is_url(source) or source.startswith("sqlite:///"):
        _maintainer(source.removeprefix("sqlite:///"), "migrate-db")
        close_database()
    try:
        report = migrate.migrate(source, dest)
    except ValidationError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
        raise CliError(t("cli.migrate_failed", error=exc), EXIT_DB) from exc
    print(t("cli.migrate_done", source=source, target=safe_target(dest)))
    for line in report.lines():
        print("  " + line)
    print(t("cli.migrate_next"))
    return 0


def cmd_tui(target: str, as_login: str | None, *, demo_if_missing: bool) -> int:
    from govdesk.models.db import is_url

    if demo_if_missing and not is_url(target) and not Path(target).expanduser().exists():
        cmd_demo(target, force=False)
    if not is_url(target):
        _check_writable(target)
    _open(target)
    person = _whoami(as_login)
    from govdesk.app import GovDesk

    # A language change (F2) re-words the running desk in place: it never needs a new start.
    GovDesk(person=person, db_target=target).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    # Speak the language of the user's settings (F2) from the first word, --help included.
    settings = config.load()
    if settings.get("language"):
        set_language(str(settings["language"]))
    args = _parser().parse_args(argv)
    target = config.database_target(args.db)
    # The documented default database is a demo one, created on first run (README quick start).
    default_db = not (args.db or os.environ.get("GOVDESK_DB") or settings.get("db"))
    try:
        _check_office_data()
        if args.command == "demo":
            return cmd_demo(target, args.force)
        if args.command == "today":
            return cmd_today(target, args.as_login)
        if args.command == "people":
            return cmd_people(target)
        if args.command == "backup":
            return cmd_backup(target, args.out)
        if args.command == "restore":
            return cmd_restore(target, args.source, args.yes)
        if args.command == "audit":
            return cmd_audit(target, args.since, args.verify)
        if args.command == "migrate-db":
            return cmd_migrate_db(args.source, args.dest)
        if args.command == "init":
            return cmd_init(target, args.group, args.demo, args.org)
        if args.command == "doctor":
            return cmd_doctor(target, args.group)
        return cmd_tui(target, args.as_login, demo_if_missing=default_db)
    except CliError as exc:
        print(t("cli.failed", message=exc), file=sys.stderr)
        return exc.code
    except ServiceError as exc:  # e.g. the database busy or full while auditing an --as
        print(t("cli.failed", message=exc), file=sys.stderr)
        return EXIT_DB
    except PermissionError as exc:  # e.g. a user outside the database's group
        where = f" {exc.filename}" if exc.filename else ""
        print(t("cli.no_permission", where=where), file=sys.stderr)
        return EXIT_DB
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `govdesk people | head`
        sys.stderr.close()
        return 0
