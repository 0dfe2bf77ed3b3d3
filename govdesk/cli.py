"""Command line: `govdesk` (the desk), `demo`, `today`, `people`, `migrate-db` …

Every failure a user can cause ends in a clear Chinese message and a non-zero exit code,
never a traceback: 1 = the database cannot be used, 2 = who you are / bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path

from govdesk import config
from govdesk.models.writelock import QUEUE_SUFFIX

SIDE_FILES = ("-wal", "-shm", QUEUE_SUFFIX)

EXIT_DB = 1
EXIT_USER = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER, f"govdesk：参数有误（{message}）。用 govdesk --help 查看用法。\n")


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", help="数据库文件路径或 postgresql:// 地址")
    who = _Parser(add_help=False)
    who.add_argument("--as", dest="as_login", metavar="LOGIN",
                     help="以他人身份登录（仅演示数据库或管理员）")
    parser = _Parser(
        prog="govdesk", parents=[common, who],
        description="区政府办公室办文办会办事桌面（键盘操作）",
    )
    # The subcommands repeat --db/--as without a default of their own: otherwise argparse lets
    # the subcommand's None overwrite `govdesk --db X today`'s X (and --as likewise).
    sub_common = _Parser(add_help=False)
    sub_common.add_argument("--db", default=argparse.SUPPRESS,
                            help="数据库文件路径或 postgresql:// 地址")
    sub_who = _Parser(add_help=False)
    sub_who.add_argument("--as", dest="as_login", metavar="LOGIN", default=argparse.SUPPRESS,
                         help="以他人身份登录（仅演示数据库或管理员）")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", parents=[sub_common], help="创建演示数据库")
    demo.add_argument("--force", action="store_true", help="覆盖已有的数据库")
    sub.add_parser("today", parents=[sub_common, sub_who], help="以纯文本输出今日待办摘要")
    sub.add_parser("people", parents=[sub_common], help="列出人员：登录名、姓名、科室、职务")
    backup = sub.add_parser("backup", parents=[sub_common], help="在线备份数据库（他人可继续使用）")
    backup.add_argument("out", help="备份文件路径（不能已存在）")
    restore = sub.add_parser("restore", parents=[sub_common], help="用备份文件恢复数据库")
    restore.add_argument("source", help="备份文件路径")
    restore.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    audit = sub.add_parser("audit", parents=[sub_common], help="导出审计日志（JSON 行）")
    audit.add_argument("--since", required=True, help="起始日期，如 2026-11-01")
    init = sub.add_parser("init", parents=[sub_common],
                          help="在办公室服务器上建立（或修复）组内共享的数据库")
    init.add_argument("--group", required=True, help="可使用数据库的用户组，如 govdesk")
    init_what = init.add_mutually_exclusive_group()
    init_what.add_argument("--demo", action="store_true", help="载入演示组织机构和演示数据")
    init_what.add_argument("--org", metavar="TOML", help="组织机构文件（默认 data/organisation.toml）")
    doctor = sub.add_parser("doctor", parents=[sub_common], help="检查共享数据库的权限和位置")
    doctor.add_argument("--group", help="应能使用数据库的用户组")
    migrate = sub.add_parser("migrate-db", help="把整个数据库复制到空的 PostgreSQL 数据库")
    migrate.add_argument("--from", dest="source", required=True, metavar="SOURCE",
                         help="源 SQLite 数据库：sqlite:///路径 或文件路径")
    migrate.add_argument("--to", dest="dest", required=True, metavar="TARGET",
                         help="目标：postgresql://用户:密码@主机/库名（须为空库）")
    return parser


class CliError(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def _check_writable(target: str) -> None:
    """The desk writes; say so now rather than fail on the first save (WAL also needs the folder)."""
    path = Path(target).expanduser()
    if not os.access(path, os.W_OK):
        raise CliError(f"数据库文件 {path} 不可写，请联系管理员检查文件权限。", EXIT_DB)
    wal = Path(str(path) + "-wal")
    if not wal.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise CliError(f"数据库所在目录 {path.parent} 不可写，请联系管理员检查目录权限。", EXIT_DB)


def _open(target: str, *, create: bool = False) -> None:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models import open_database
    from govdesk.models.db import DatabaseOpenError, is_url
    from govdesk.services.errors import SchemaError
    from govdesk.services.schema import ensure_schema, schema_version

    if not is_url(target) and not create and not Path(target).expanduser().exists():
        raise CliError(
            f"找不到数据库 {target}。可用 `govdesk demo --db {target}` 创建演示数据库，"
            "或用 --db 指定数据库。", EXIT_DB)
    try:
        open_database(target)
        if schema_version() == 0:
            raise CliError(f"{target} 不是 govdesk 数据库。", EXIT_DB)
        ensure_schema()
    except DatabaseOpenError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    except SchemaError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
        raise CliError(f"无法使用数据库 {target}：{exc}", EXIT_DB) from exc


def _whoami(as_login: str | None):
    from govdesk.services import identity
    from govdesk.services.errors import PermissionDenied

    try:
        return identity.resolve(as_login)
    except (identity.UnknownUser, PermissionDenied) as exc:
        raise CliError(str(exc), EXIT_USER) from exc


def cmd_demo(target: str, force: bool) -> int:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models.db import DatabaseOpenError, is_url
    from govdesk.services import demo

    if is_url(target):
        raise CliError("演示数据库只能建在 SQLite 文件上。", EXIT_USER)
    path = Path(target).expanduser()
    if path.exists() and not force:
        print(f"数据库 {path} 已存在，未做任何改动（如需重建请加 --force）。")
        return 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"无法创建目录 {path.parent}：{exc}", EXIT_DB) from exc
    if not os.access(path.parent, os.W_OK):
        raise CliError(f"目录 {path.parent} 不可写。", EXIT_DB)
    # Built aside and moved into place, so a failure never leaves a half-made database.
    building = path.with_name(path.name + ".building")
    for p in (path, building):
        for suffix in ("", *SIDE_FILES):
            Path(str(p) + suffix).unlink(missing_ok=True)
    try:
        demo.build(building, date.today())
    except (sqlite3.DatabaseError, PeeweeDatabaseError, DatabaseOpenError, OSError) as exc:
        for suffix in ("", *SIDE_FILES):
            try:
                Path(str(building) + suffix).unlink(missing_ok=True)
            except OSError:
                pass
        raise CliError(f"无法写入数据库 {path}：{exc}", EXIT_DB) from exc
    building.replace(path)
    Path(str(building) + QUEUE_SUFFIX).unlink(missing_ok=True)
    print(f"已创建演示数据库 {path}。")
    return 0


def cmd_today(target: str, as_login: str | None) -> int:
    from govdesk.services import today
    from govdesk.services.context import Actor

    _open(target)
    person = _whoami(as_login)
    sys.stdout.write(today.summary(Actor(person, datetime.now())))
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
        raise CliError("govdesk backup 只备份 SQLite 数据库文件；PostgreSQL 请用 pg_dump"
                       "（见 docs/postgresql.md）。", EXIT_USER)
    _open(target)
    try:
        path = maintenance.backup(Path(out).expanduser())
    except ValidationError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    print(f"已备份到 {path}（完整性校验通过）。")
    return 0


def cmd_restore(target: str, source: str, yes: bool) -> int:
    from govdesk.models.db import is_url
    from govdesk.services import maintenance
    from govdesk.services.errors import ValidationError

    if is_url(target):
        raise CliError("只能恢复 SQLite 数据库文件。", EXIT_USER)
    if not yes:
        if not sys.stdin.isatty():
            raise CliError("恢复会覆盖当前数据库；非交互使用时请加 --yes。", EXIT_USER)
        answer = input(f"用 {source} 覆盖 {target}？其他人须先退出 govdesk。输入 yes 确认：")
        if answer.strip().lower() != "yes":
            print("已取消。")
            return 0
    try:
        path = maintenance.restore(Path(source).expanduser(), Path(target).expanduser())
    except (ValidationError, sqlite3.DatabaseError) as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    print(f"已用 {source} 恢复 {path}；原文件保留为 .before-restore-* 副本。")
    return 0


def cmd_audit(target: str, since: str) -> int:
    from govdesk.services import maintenance

    try:
        start = datetime.fromisoformat(since)
    except ValueError:
        raise CliError(f"--since 日期格式应为 2026-11-01，而不是 {since}", EXIT_USER) from None
    _open(target)
    for line in maintenance.audit_lines(start):
        print(line)
    return 0


def cmd_init(target: str, group: str, demo: bool, org_file: str | None) -> int:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models.db import DatabaseOpenError, is_url
    from govdesk.services import deploy
    from govdesk.services.errors import ServiceError

    if is_url(target):
        raise CliError("govdesk init 只用于 SQLite 数据库文件。", EXIT_USER)
    try:
        report = deploy.init(target, group, demo=demo, org_file=org_file)
    except (deploy.DeployError, ServiceError) as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    except (sqlite3.DatabaseError, PeeweeDatabaseError, DatabaseOpenError, OSError) as exc:
        raise CliError(f"无法建立数据库 {target}：{exc}", EXIT_DB) from exc
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
        print(f"问题：{line}")
    if problems:
        print("可用 sudo govdesk init --db … --group … 修复（不会改动数据）。")
        return EXIT_DB
    print(f"{target}：权限和位置都正常。")
    return 0


def cmd_migrate_db(source: str, dest: str) -> int:
    from peewee import DatabaseError as PeeweeDatabaseError

    from govdesk.models.db import safe_target
    from govdesk.services import migrate
    from govdesk.services.errors import ValidationError

    try:
        report = migrate.migrate(source, dest)
    except ValidationError as exc:
        raise CliError(str(exc), EXIT_DB) from exc
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
        raise CliError(f"迁移失败，目标数据库未做改动：{exc}", EXIT_DB) from exc
    print(f"已把 {source} 复制到 {safe_target(dest)}，各表行数核对一致：")
    for line in report.lines():
        print("  " + line)
    print("之后请把 config.toml 的 db（或 GOVDESK_DB）改为新地址。")
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

    GovDesk(person=person, db_target=target).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    target = config.database_target(args.db)
    # The documented default database is a demo one, created on first run (README quick start).
    default_db = not (args.db or os.environ.get("GOVDESK_DB") or config.load().get("db"))
    try:
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
            return cmd_audit(target, args.since)
        if args.command == "migrate-db":
            return cmd_migrate_db(args.source, args.dest)
        if args.command == "init":
            return cmd_init(target, args.group, args.demo, args.org)
        if args.command == "doctor":
            return cmd_doctor(target, args.group)
        return cmd_tui(target, args.as_login, demo_if_missing=default_db)
    except CliError as exc:
        print(f"govdesk：{exc}", file=sys.stderr)
        return exc.code
    except PermissionError as exc:  # e.g. a user outside the database's group
        where = f" {exc.filename}" if exc.filename else ""
        print(f"govdesk：没有权限访问{where}。共享数据库只对办公室的用户组开放，"
              "请联系管理员把您加入该组。", file=sys.stderr)
        return EXIT_DB
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `govdesk people | head`
        sys.stderr.close()
        return 0
