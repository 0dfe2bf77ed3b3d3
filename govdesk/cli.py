"""Command line: `govdesk` (the desk), `demo`, `today`, `people`, `migrate-db` …

Every failure a user can cause ends in a clear message and a non-zero exit code, never a
traceback: 1 = the database or the office's data files (data/rules.toml, data/holidays.toml, the
time zone of the settings) cannot be used, 2 = who you are / bad arguments. Everything is
said in the language of the user's settings (catalog ``cli.*``), as on the desk.

One handler in ``main`` stands behind every command: a damaged or unusable database file, a
storage failure, a file that cannot be read or written, and — last — anything unforeseen (its
report goes to a private file, services/crashlog.py). Arguments and the GOVDESK_* variables are
checked before anything else (bytes that are not UTF-8, lengths), and everything printed, to
stdout and stderr alike, passes one writer that makes control characters visible
(services/visible.py): a path or a login given by someone else cannot drive the terminal.
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError

from govdesk import config
from govdesk import server as server_config
from govdesk.errors import ServiceError, StorageError
from govdesk.i18n import set_language, t
from govdesk.models.userlock import USERS_SUFFIX
from govdesk.models.writelock import QUEUE_SUFFIX
from govdesk.services.visible import has_undecodable, visible

SIDE_FILES = ("-wal", "-shm", QUEUE_SUFFIX, USERS_SUFFIX)

EXIT_DB = 1
EXIT_USER = 2

# No argument of ours needs more; a path has its own limit in bytes (PATH_MAX).
MAX_ARGUMENT = 4096
ENV_VARIABLES = ("GOVDESK_CONFIG", "GOVDESK_LOGIN", "GOVDESK_DB")


def _path_max() -> int:
    try:
        return os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError):
        return 4096


class _VisibleStream(io.TextIOBase):
    """The one writer of everything the command line prints: control characters, bidi
    overrides and undecodable bytes made visible; characters the stream's encoding lacks
    written as escapes instead of failing."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        shown = visible(str(text))
        try:
            self._stream.write(shown)
        except UnicodeEncodeError:
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            self._stream.write(shown.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self):  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")

    # No fileno(): input() then writes its prompt through write() too.


@contextmanager
def _visible_output() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _VisibleStream(out), _VisibleStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


@contextmanager
def _raw_output() -> Iterator[None]:
    """The desk draws on the terminal itself (and makes its own texts visible)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = getattr(out, "_stream", out)
    sys.stderr = getattr(err, "_stream", err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


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
    demo.add_argument("--scale", choices=("demo", "year", "decade"), default="demo",
                      help=t("cli.help.scale"))
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
    init.add_argument("--service-user", default="govdesk-svc", metavar="ACCOUNT",
                      help=t("cli.help.service_user"))
    init.add_argument("--i-know-this-is-a-demo", dest="demo_confirmed", action="store_true",
                      help=t("cli.help.demo_confirmed"))
    init_what = init.add_mutually_exclusive_group()
    init_what.add_argument("--demo", action="store_true", help=t("cli.help.demo_data"))
    init_what.add_argument("--org", metavar="TOML", help=t("cli.help.org"))
    doctor = sub.add_parser("doctor", parents=[sub_common], help=t("cli.help.doctor"))
    doctor.add_argument("--group", help=t("cli.help.doctor_group"))
    from govdesk.services import office_files
    from govdesk.services.exports import kind_list

    export = sub.add_parser("export", parents=[sub_common, sub_who], help=t("cli.help.export"),
                            description=t("cli.help.export"))
    export.add_argument("kind", metavar="KIND", help=t("cli.help.export_kind", kinds=kind_list(),
                                                       files=office_files.kind_list()))
    export.add_argument("--out", required=True, metavar="FILE", help=t("cli.help.export_out"))
    export.add_argument("--from", dest="since", metavar="DATE", help=t("cli.help.export_from"))
    export.add_argument("--to", dest="until", metavar="DATE", help=t("cli.help.export_to"))
    export.add_argument("--filter", default="", metavar="LINE", help=t("cli.help.export_filter"))
    export.add_argument("--record", metavar="REF", help=t("cli.help.export_record"))
    export.add_argument("--leader", metavar="WHO", help=t("cli.help.export_leader"))
    export.add_argument("--copy", dest="copy_no", type=int, metavar="N",
                        help=t("cli.help.export_copy"))
    export.add_argument("--note", default="", metavar="TEXT", help=t("cli.help.export_note"))
    export.add_argument("--format", dest="fmt", choices=FORMATS,
                        help=t("cli.help.export_format"))
    fetch = sub.add_parser("fetch", parents=[sub_common], help=t("cli.help.fetch"),
                           description=t("cli.help.fetch_long"))
    fetch.add_argument("name", nargs="?", metavar="NAME", help=t("cli.help.fetch_name"))
    fetch.add_argument("--out", metavar="-", help=t("cli.help.fetch_out"))
    from govdesk.services import imports

    load = sub.add_parser("import", parents=[sub_common, sub_who],
                          help=t("imports.cli.help"), description=t("imports.cli.help"))
    load.add_argument("kind", metavar="KIND",
                      help=t("imports.cli.help_kind", kinds=imports.kind_list()))
    load.add_argument("file", metavar="FILE", help=t("imports.cli.help_file"))
    load.add_argument("--dry-run", dest="dry_run", action="store_true",
                      help=t("imports.cli.help_dry_run"))
    load.add_argument("--map", dest="maps", action="append", default=[], metavar=t("imports.cli.map_metavar"),
                      help=t("imports.cli.help_map"))
    load.add_argument("--yes", action="store_true", help=t("imports.cli.help_yes"))
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
    from govdesk.services.schema import SCHEMA_VERSION, ensure_schema, schema_version

    if _already_open(target):
        return
    if not is_url(target) and not create and not Path(target).expanduser().exists():
        raise CliError(t("cli.no_database", target=target), EXIT_DB)
    try:
        open_database(target)
        version = schema_version()
        if version == 0:
            raise CliError(t("cli.not_govdesk", target=target), EXIT_DB)
        if version < SCHEMA_VERSION:  # a backup and new indexes: tens of seconds on a decade
            print(t("cli.schema.upgrading", version=version, ours=SCHEMA_VERSION),
                  file=sys.stderr, flush=True)
        ensure_schema()
        from govdesk.services import search

        search.complete_pending()
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


def _personal(person) -> dict:
    """The person's own settings, read once; on the server their language is spoken from here
    on (elsewhere main() spoke the config file's from the first word)."""
    from govdesk.services import settings

    values = settings.load(person.login)
    if config.server_mode() and values.get("language"):
        set_language(str(values["language"]))
    return values


def _maintainer(target: str, command: str):
    """Who runs a maintenance command (backup, restore, audit, migrate-db): None for the system
    operator (root, directly or through the server's sudo rule, or the service account's own
    cron job), else the person at the keyboard, who must be an admin (exit 2 naming whom to
    ask)."""
    from govdesk.services import identity, maintenance
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor

    if identity.is_operator():  # the kernel says so: a pinned login (tests) never is
        return None
    _open(target)
    person = _whoami(None)
    if not person.admin:
        raise CliError(t("cli.maintainer_only", command=command,
                         admins=maintenance.admin_names()), EXIT_USER)
    return Actor(person, office_now())


def cmd_demo(target: str, force: bool, scale: str = "demo") -> int:
    import time

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
    started = time.monotonic()
    try:
        if scale == "demo":
            demo.build(building)
        else:
            from govdesk.services import demo_scale

            made = demo_scale.build(building, office_today(), scale, say=print)
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
    if scale == "demo":
        print(t("cli.demo_created", path=path))
    else:
        print(t("cli.demo_scale_created", path=path, scale=scale,
                seconds=f"{time.monotonic() - started:.0f}", **made))
    return 0


def cmd_today(target: str, as_login: str | None) -> int:
    from govdesk.services import today
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor

    _open(target)
    person = _whoami(as_login)
    _personal(person)
    sys.stdout.write(today.summary(Actor(person, office_now())))
    return 0


def _export_day(option: str, value: str | None):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(t("cli.export_bad_date", option=option, value=_shown(value)),
                       EXIT_USER) from None


FORMATS = ("xlsx", "csv", "docx", "txt", "ics")  # what --out - may be told to write


def cmd_export(target: str, as_login: str | None, kind_word: str, out: str,
               since: str | None, until: str | None, line: str = "",
               fmt: str | None = None, *, record: str | None = None, leader: str | None = None,
               copy_no: int | None = None, note: str = "") -> int:
    """One register to .xlsx/.csv, or one of the office's files (a 公文, a 处理笺, a
    publication, a leader's week), as the person running it (``--as`` or the OS user, like
    ``today``) may see it; every argument checked before the database is opened. ``--out -``
    writes the file to stdout (``--format`` says which): on the shared server the command runs
    as the service account, and ``> 文件`` lets the user's own shell write the file where they
    may."""
    import shutil
    import tempfile

    from govdesk.services import exports, office_files
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor
    from govdesk.services.errors import NotFound, PermissionDenied, ValidationError

    kind = exports.kind_of(kind_word)
    file_kind = None if kind is not None else office_files.kind_of(kind_word)
    if kind is None and file_kind is None:
        raise CliError(t("cli.export_bad_kind", kind=_shown(kind_word),
                         kinds=exports.kind_list(), files=office_files.kind_list()), EXIT_USER)
    if kind is not None:
        for option, value in (("--record", record), ("--leader", leader), ("--copy", copy_no),
                              ("--note", note or None)):
            if value is not None:
                raise CliError(t("cli.export_register_option", option=option,
                                 kind=exports.kind_name(kind)), EXIT_USER)
    else:
        for option, value in (("--filter", line or None),
                              *((("--copy", copy_no), ("--note", note or None))
                                if file_kind.kind != "gongwen" else ())):
            if value is not None:
                raise CliError(t("cli.export_file_option", option=option,
                                 kind=file_kind.words[0]), EXIT_USER)
        if copy_no is not None and not 1 <= copy_no <= 999999:
            # GB/T 9704-2012 7.2.1 份号: 6 位阿拉伯数字 (the service says so too)
            raise CliError(t("office_files.bad_copy", value=copy_no), EXIT_USER)
    if fmt is not None and out != "-" and Path(out).suffix.lower() != f".{fmt}":
        raise CliError(t("cli.export_format_suffix", fmt=fmt, suffix=_shown(Path(out).suffix
                                                                             or "—")), EXIT_USER)
    to_stdout = out == "-"
    if to_stdout:
        if fmt is None:
            raise CliError(t("cli.export_stdout_format"), EXIT_USER)
        if sys.__stdout__ is None or sys.__stdout__.isatty():
            raise CliError(t("cli.export_stdout_tty"), EXIT_USER)
        folder = tempfile.TemporaryDirectory(prefix="govdesk-export-")
        path = Path(folder.name) / f"export.{fmt}"
    elif config.server_mode():
        # The service account would write it, where the user may not fetch it — or over a
        # file of the service's own.
        raise CliError(t("cli.export_server_stdout"), EXIT_USER)
    else:
        path = Path(out).expanduser()
    if kind is not None and exports.format_of(path) is None:
        raise CliError(t("exports.bad_suffix", suffix=_shown(path.suffix or "—")), EXIT_USER)
    if file_kind is not None and path.suffix.lower() not in file_kind.formats:
        raise CliError(t("office_files.bad_suffix", kind=file_kind.words[0],
                         suffix=_shown(path.suffix or "—"),
                         formats="、".join(file_kind.formats)), EXIT_USER)
    start, end = _export_day("--from", since), _export_day("--to", until)
    if start is not None and end is not None and start > end:
        raise CliError(t("exports.bad_range", since=start, until=end), EXIT_USER)
    if not path.parent.is_dir():
        raise CliError(t("cli.dir_not_writable", path=path.parent), EXIT_USER)
    _open(target)
    person = _whoami(as_login)
    _personal(person)
    actor = Actor(person, office_now())
    try:
        if kind is not None:
            n = exports.export(actor, kind, path, start, end, line)
            done = t("cli.export_done", kind=exports.kind_name(kind), n=n,
                     path="-" if to_stdout else path)
        else:
            request = office_files.Request(record=record, since=start, until=end,
                                           leader=leader, copy_no=copy_no, note=note)
            made = office_files.produce(actor, file_kind, request, path)
            done = t("cli.export_file_done", what=made.summary,
                     path="-" if to_stdout else path)
    except (ValidationError, PermissionDenied, NotFound) as exc:
        raise CliError(str(exc), EXIT_USER) from exc
    if to_stdout:
        with path.open("rb") as made_file:
            shutil.copyfileobj(made_file, sys.__stdout__.buffer)
        sys.__stdout__.buffer.flush()
        folder.cleanup()
        print(done, file=sys.stderr)
        return 0
    print(done)
    return 0


def _ask(prompt: str) -> str:
    """The answer typed at a question; Ctrl+D (end of input) answers no."""
    try:
        return input(prompt)
    except EOFError:
        print()
        return ""


def cmd_fetch(target: str, name: str | None, out: str | None) -> int:
    """The shared server's exports (the desk's e key writes them to the person's own spool,
    services/export_folder.py): without NAME, list them; with NAME and ``--out -``, the file
    to stdout, for the user's own shell to write where they may. Only the person's own spool
    is ever read: the login is the one the server identified."""
    import shutil

    from govdesk.services import export_folder
    from govdesk.services.errors import NotFound

    if not config.server_mode():
        raise CliError(t("cli.fetch_not_server"), EXIT_USER)
    if name is not None and out != "-":
        raise CliError(t("cli.fetch_needs_out"), EXIT_USER)
    if name is not None and (sys.__stdout__ is None or sys.__stdout__.isatty()):
        raise CliError(t("cli.fetch_tty", name=_shown(name)), EXIT_USER)
    _open(target)
    person = _whoami(None)
    if name is None:
        files = export_folder.spooled(person.login)
        if not files:
            print(t("cli.fetch_none"))
        for f in files:
            print(t("cli.fetch_line", name=f.name, size=f"{f.size:,}", made=f"{f.made:%Y-%m-%d %H:%M}"))
        return 0
    try:
        path = export_folder.spooled_file(person.login, name)
    except NotFound as exc:
        raise CliError(str(exc), EXIT_USER) from exc
    with path.open("rb") as fh:
        shutil.copyfileobj(fh, sys.__stdout__.buffer)
    sys.__stdout__.buffer.flush()
    print(t("cli.fetch_done", name=path.name), file=sys.stderr)
    return 0


def cmd_import(target: str, as_login: str | None, kind_word: str, file: str, *,
               dry_run: bool = False, maps: list[str] | None = None, yes: bool = False) -> int:
    """An office's 台账 into a register (services/imports): the mapping and the preview (bad
    rows with their row, column and the form's words; duplicates) printed, then — not with
    ``--dry-run`` — every good row imported in one transaction once confirmed (导入 N 条？ on a
    terminal, ``--yes`` otherwise). Every argument, and the file, is checked before the
    database opens. ``-`` reads the file from stdin: on the shared server the command runs as
    the service account, which must not open a path the user names (it could read a file of
    the service's own), so there ``-`` is the only way, as ``export`` takes ``--out -``."""
    from govdesk.services import imports
    from govdesk.services.clock import office_now
    from govdesk.services.context import Actor
    from govdesk.services.errors import PermissionDenied, ValidationError
    from govdesk.services.imports import sheet

    kind = imports.kind_of(kind_word)
    if kind is None:
        raise CliError(t("imports.cli.bad_kind", kind=_shown(kind_word),
                         kinds=imports.kind_list()), EXIT_USER)
    try:
        mapping = imports.parse_mapping(kind, maps or [])
        if file == "-":
            stdin = sys.__stdin__
            if stdin is None or stdin.isatty():
                raise CliError(t("imports.cli.stdin_tty", kind=kind.words[0]), EXIT_USER)
            if not (yes or dry_run):  # stdin holds the file: no answer can be read from it
                raise CliError(t("imports.cli.stdin_needs_yes"), EXIT_USER)
            data = stdin.buffer.read(sheet.MAX_BYTES + 1)
            suffix = sheet.sniff_suffix(data)
        elif config.server_mode():
            raise CliError(t("imports.cli.server_stdin", kind=kind.words[0]), EXIT_USER)
        else:
            data, suffix = sheet.read_file(file)
        asks = not (yes or dry_run)
        if asks and (sys.__stdin__ is None or not sys.__stdin__.isatty()):
            raise CliError(t("imports.cli.needs_yes"), EXIT_USER)
        _open(target)
        person = _whoami(as_login)
        _personal(person)
        actor = Actor(person, office_now())
        plan = imports.preview(actor, kind, data, suffix, mapping=mapping)
        for line in imports.preview_lines(plan):
            print(line)
        if not plan.good:
            print(t("imports.nothing_good"))
            return 0
        if dry_run:
            return 0
        answer = _ask(t("imports.cli.confirm", n=len(plan.good))) if asks else "y"
        if answer.strip().lower() not in ("y", "yes", *t("imports.cli.yes_words").split()):
            print(t("imports.cli.cancelled"))
            return 0
        result = imports.run(actor, plan, _progress_printer())
    except (ValidationError, PermissionDenied) as exc:
        raise CliError(str(exc), EXIT_USER) from exc
    for line in imports.result_lines(result):
        print(line)
    return 0


def _progress_printer():
    """``progress(done, total)`` that redraws one line on a terminal's stderr (nothing on a
    pipe: a log gets the result, not a thousand redraws)."""
    if not sys.stderr.isatty():
        return None

    def progress(done: int, total: int) -> None:
        if done == total or done % 100 == 0:
            end = "\n" if done == total else ""
            print(f"\r{t('imports.cli.progress', done=done, total=total)}", end=end,
                  file=sys.stderr, flush=True)

    return progress


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
        answer = _ask(t("cli.restore_confirm", source=source, target=target))
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


def cmd_init(target: str, group: str, demo: bool, org_file: str | None, *,
             service_user: str, demo_confirmed: bool) -> int:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models.db import DatabaseOpenError, is_url
    from govdesk.services import deploy
    from govdesk.services.errors import ServiceError

    if is_url(target):
        raise CliError(t("cli.init_sqlite_only"), EXIT_USER)
    try:
        report = deploy.init(target, group, demo=demo, demo_confirmed=demo_confirmed,
                             org_file=org_file, service_user=service_user)
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
    for line in deploy.warnings(target):
        print(line)
        print(line, file=sys.stderr)
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
    from govdesk.services import org

    app = GovDesk(person=person, db_target=target, settings=_personal(person),
                  office_words=org.office_words())
    with _raw_output():
        app.run()
    # 1: it ended on a failure, whose report it wrote and named (GovDesk._handle_exception).
    return EXIT_DB if app.return_code else 0


def _shown(value: str, limit: int = 80) -> str:
    return visible(value if len(value) <= limit else value[:limit] + "…")


def _argument_name(argv: list[str], index: int) -> str:
    arg = argv[index]
    if arg.startswith("--") and "=" in arg:
        return t("cli.arg_option", option=_shown(arg.split("=", 1)[0], 40))
    previous = argv[index - 1] if index > 0 else ""
    if not arg.startswith("-") and previous.startswith("--") and "=" not in previous:
        return t("cli.arg_option", option=_shown(previous, 40))
    return t("cli.arg_nth", n=index + 1)


def _value_problem(name: str, value: str) -> str | None:
    if has_undecodable(value):
        return t("cli.not_utf8", name=name, shown=_shown(value))
    if len(value) > MAX_ARGUMENT:
        return t("cli.too_long", name=name, n=len(value), limit=MAX_ARGUMENT)
    return None


def _environment_problem(names: tuple[str, ...]) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value is not None and (problem := _value_problem(t("cli.env_name", name=name), value)):
            return problem
    return None


def _argument_problem(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if problem := _value_problem(_argument_name(argv, index), arg):
            return problem
    return None


def _path_problem(args: argparse.Namespace, target: str) -> str | None:
    """Paths longer than the system takes (PATH_MAX counts bytes: 1,366 Chinese characters)."""
    from govdesk.models.db import is_url

    limit = _path_max()
    if args.db:
        db_name = t("cli.arg_option", option="--db")
    else:
        db_name = t("cli.env_name", name="GOVDESK_DB")
    paths = [(db_name, target if not is_url(target) else "")]
    for attr, option in (("out", "out"), ("source", "source"), ("org", "--org"),
                         ("file", "FILE")):
        value = getattr(args, attr, None)
        if isinstance(value, str) and not (attr == "source" and is_url(value)):
            paths.append((t("cli.arg_option", option=option), value))
    for name, value in paths:
        size = len(os.fsencode(value))
        if size >= limit:
            return t("cli.too_long", name=name, n=size, limit=limit - 1)
    return None


def _serve_or_hop(server: server_config.ServerConfig | None, target: str,
                  argv: list[str]) -> None:
    """On the shared server: a person's command on the server's database runs again as the
    service account through the one sudo rule (never returns); the service account itself
    serves that database only. Elsewhere (a single PC, another file) govdesk runs as you."""
    if server is None:
        return
    if not server_config.same_database(target, server):
        if config.server_mode():
            raise CliError(t("cli.server_db_only", db=server.db), EXIT_USER)
        return
    if config.server_mode() or os.geteuid() == 0:
        return
    if not server_config.in_group(server):
        raise CliError(t("cli.not_in_group", group=server.group), EXIT_DB)
    command = server_config.hop_argv(server, argv)
    try:
        sys.stdout.flush()
        os.execv(command[0], command)
    except OSError as exc:
        raise CliError(t("cli.cannot_hop", error=exc.strerror or exc), EXIT_DB) from exc


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with _visible_output():
        try:
            return _main(argv)
        except SystemExit as exc:  # argparse: --help (0) and its own refusals (2)
            code = exc.code
            return code if isinstance(code, int) else (0 if code is None else EXIT_USER)


def _main(argv: list[str]) -> int:
    server = server_config.current()
    if server is not None and server_config.as_service(server):
        config.use_server(server)  # no home of the user's here: settings are the server's
    # Speak the language of the user's settings (F2) from the first word, --help included;
    # a settings path that cannot be used is refused in the default language.
    problem = _environment_problem(("GOVDESK_CONFIG",))
    settings = {} if problem else config.load()
    if settings.get("language"):
        set_language(str(settings["language"]))
    problem = problem or _environment_problem(ENV_VARIABLES) or _argument_problem(argv)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USER
    target = ""
    try:
        args = _parser().parse_args(argv)
        target = config.database_target(args.db)
        if problem := _path_problem(args, target):
            print(problem, file=sys.stderr)
            return EXIT_USER
        # The documented default database is a demo one, created on first run (README quick
        # start).
        default_db = server is None and not (args.db or os.environ.get("GOVDESK_DB")
                                             or settings.get("db"))
        _serve_or_hop(server, target, argv)
        if config.server_mode() and args.command in ("demo", "init"):
            raise CliError(t("cli.not_on_server_db", command=args.command), EXIT_USER)
        _check_office_data()
        if args.command == "demo":
            return cmd_demo(target, args.force, args.scale)
        if args.command == "today":
            return cmd_today(target, args.as_login)
        if args.command == "people":
            return cmd_people(target)
        if args.command == "export":
            return cmd_export(target, args.as_login, args.kind, args.out, args.since,
                              args.until, args.filter, args.fmt, record=args.record,
                              leader=args.leader, copy_no=args.copy_no, note=args.note)
        if args.command == "fetch":
            return cmd_fetch(target, args.name, args.out)
        if args.command == "import":
            return cmd_import(target, args.as_login, args.kind, args.file, dry_run=args.dry_run,
                              maps=args.maps, yes=args.yes)
        if args.command == "backup":
            return cmd_backup(target, args.out)
        if args.command == "restore":
            return cmd_restore(target, args.source, args.yes)
        if args.command == "audit":
            return cmd_audit(target, args.since, args.verify)
        if args.command == "migrate-db":
            target = args.source
            return cmd_migrate_db(args.source, args.dest)
        if args.command == "init":
            return cmd_init(target, args.group, args.demo, args.org,
                            service_user=args.service_user, demo_confirmed=args.demo_confirmed)
        if args.command == "doctor":
            return cmd_doctor(target, args.group)
        return cmd_tui(target, args.as_login, demo_if_missing=default_db)
    except CliError as exc:
        print(t("cli.failed", message=exc), file=sys.stderr)
        return exc.code
    except StorageError as exc:  # busy, full, read-only, damaged, replaced …
        print(t("cli.database_failed", target=_where(target), message=exc), file=sys.stderr)
        return EXIT_DB
    except ServiceError as exc:  # e.g. a refusal while auditing an --as
        print(t("cli.failed", message=exc), file=sys.stderr)
        return EXIT_DB
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
        # Met while reading rows (a damaged page), where no StorageError stands in for it.
        from govdesk.models.failures import as_storage_error

        storage = as_storage_error(exc)
        if storage is not None:
            message = t("cli.database_failed", target=_where(target), message=storage)
        else:
            message = t("cli.database_error", target=_where(target), error=exc)
        print(message, file=sys.stderr)
        return EXIT_DB
    except PermissionError as exc:  # e.g. a user outside the database's group
        where = f" {exc.filename}" if exc.filename else ""
        print(t("cli.no_permission", where=where), file=sys.stderr)
        return EXIT_DB
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `govdesk people | head`
        _silence_stdout()
        return 0
    except OSError as exc:  # a path too long for a folder, a disk that fails …
        where = f" {exc.filename}" if exc.filename else ""
        print(t("cli.os_error", where=where, error=exc.strerror or exc), file=sys.stderr)
        return EXIT_DB
    except Exception as exc:  # noqa: BLE001 - unforeseen: a report for the administrator
        from govdesk.services import crashlog

        try:
            path = crashlog.write_report(exc, target)
        except Exception:  # noqa: BLE001 - the user must be told even so
            path = None
        if path:
            print(t("errors.crashed", path=path), file=sys.stderr)
        else:
            print(t("errors.crashed_no_report", error=type(exc).__name__), file=sys.stderr)
        return EXIT_DB


def _silence_stdout() -> None:
    """The reader went away: what is still buffered must not fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass


def _where(target: str) -> str:
    from govdesk.models.db import safe_target

    return safe_target(target) if target else "?"
