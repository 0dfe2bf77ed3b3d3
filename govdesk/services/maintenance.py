"""Backups, restores, audit export and the audit chain's check (SPEC §14): the admins' tools,
also used by the CLI.

Each takes the acting ``Actor``, or None for the system operator (root, or the service account
run by root or cron: the CLI decides); anyone else who is not an admin is refused. Backups and
restores are written to the audit trail.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import stat
from datetime import date, datetime
from pathlib import Path

from peewee import SqliteDatabase

from govdesk.i18n import t
from govdesk.models import (
    AuditEntry,
    Meta,
    Person,
    close_database,
    database,
    open_database,
    userlock,
)
from govdesk.services import audit
from govdesk.services.clock import office_now
from govdesk.services.context import Actor
from govdesk.services.errors import PermissionDenied, ValidationError
from govdesk.services.schema import SCHEMA_VERSION, backup_to

NOTICE_KEY = "maintenance.notice"  # JSON {"by", "at", "what"}: desks ask their users to leave
SQLITE_SIDES = ("-journal", "-wal", "-shm")
AUDIT_PAGE = 500  # entries exported per read (and per read of what a reader may see in them)


def admin_names() -> str:
    """The active admins' names, to say whom to ask."""
    names = [p.name for p in Person.select().where(Person.admin & Person.active)]
    return t("errors.sep").join(names) or t("work.sysadmin")


def _require_admin(actor: Actor | None, what: str) -> None:
    if actor is not None and not actor.person.admin:
        raise PermissionDenied(t("cli.maintenance.admins_only", what=what,
                                 admins=admin_names()))


def _path(value: object, label: str) -> Path:
    """A path the user typed, or a ValidationError naming ``label`` (never OSError)."""
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes):
        raise ValidationError(label, t("cli.maintenance.not_path"))
    try:
        path = Path(value)
        os.fspath(path).encode("utf-8")  # a lone surrogate cannot name a file
        if "\x00" in os.fspath(path):
            raise ValueError(t("cli.maintenance.nul_in_path"))
        path.stat() if path.exists() else path.parent.exists()
    except (OSError, ValueError) as exc:
        raise ValidationError(label, t("cli.maintenance.bad_path",
                                       error=getattr(exc, "strerror", None) or exc)) from None
    if not str(value).strip() or path.is_dir():
        raise ValidationError(label, t("cli.maintenance.not_file", path=path))
    return path


def _unlink_all(path: Path) -> None:
    for suffix in ("", *SQLITE_SIDES):
        try:
            Path(str(path) + suffix).unlink(missing_ok=True)
        except OSError:
            pass


def _private_file(folder: Path, name: str) -> Path:
    """A new empty file only the owner can read (O_CREAT|O_EXCL, 0600), under a name nobody
    else has taken."""
    while True:
        tmp = folder / f".{name[:200]}.{os.getpid()}-{secrets.token_hex(4)}.part"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
        finally:
            os.close(fd)
        return tmp


def _read_only(path: Path) -> sqlite3.Connection:
    """Opened for reading only (a file name with ``?`` or ``#`` in it, too)."""
    return sqlite3.connect(Path(os.path.abspath(path)).as_uri() + "?mode=ro", uri=True)


def _integrity(path: Path) -> str:
    check = sqlite3.connect(str(path))
    try:
        return check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()


def _copy_into(source: sqlite3.Connection, out: Path, label: str) -> None:
    """``source`` copied by SQLite's online backup into the new file ``out`` (never an existing
    one): made private beside it, checked, then linked into place; on any failure (Ctrl+C
    included) nothing is left behind."""
    tmp = None
    try:
        tmp = _private_file(out.parent, out.name)
        dest = sqlite3.connect(str(tmp))
        try:
            source.backup(dest)
        finally:
            dest.close()
        result = _integrity(tmp)
        if result != "ok":
            raise ValidationError(label, t("cli.maintenance.verify_failed", result=result))
        try:
            os.link(tmp, out)  # fails if out exists meanwhile: never overwrites
        except FileExistsError:
            raise ValidationError(label, t("cli.maintenance.exists", path=out)) from None
        except OSError as exc:
            raise ValidationError(label, t("cli.maintenance.bad_path",
                                           error=exc.strerror or exc)) from None
    finally:
        if tmp is not None:
            _unlink_all(tmp)


def backup(actor: Actor | None, out: Path) -> Path:
    """A consistent copy taken with SQLite's online backup while others keep writing; the
    file is the owner's only (0600) and never replaces an existing one."""
    _require_admin(actor, "backup")
    label = t("cli.maintenance.f_backup")
    out = _path(out, label)
    if out.exists():
        raise ValidationError(label, t("cli.maintenance.exists", path=out))
    if not out.parent.exists():
        raise ValidationError(label, t("cli.maintenance.no_folder", path=out.parent))
    if not isinstance(database.obj, SqliteDatabase):
        backup_to(out)  # raises the SchemaError that says: use pg_dump
    try:
        _copy_into(database.obj.connection(), out, label)
    except (sqlite3.Error, OSError) as exc:  # a full disk, a folder gone meanwhile …
        raise ValidationError(label, t("cli.maintenance.copy_failed",
                                       error=getattr(exc, "strerror", None) or exc)) from None
    with database.atomic():
        audit.record(actor, "maintenance.backup", "meta", None,
                     after={"path": str(out.resolve()), "size": out.stat().st_size})
    return out


def verify(path: Path) -> str:
    conn = _read_only(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _inspect(source: Path, label: str) -> tuple[int, dict | None]:
    """The schema version and audit head of a govdesk database file, or a ValidationError
    naming the file: not a regular file, not SQLite, damaged, another program's, too new."""
    try:
        mode = source.stat().st_mode
    except OSError as exc:
        raise ValidationError(label, t("cli.maintenance.bad_path",
                                       error=exc.strerror or exc)) from None
    if not stat.S_ISREG(mode):
        raise ValidationError(label, t("cli.maintenance.not_file", path=source))
    try:
        conn = _read_only(source)
    except sqlite3.Error as exc:
        raise ValidationError(label, t("cli.maintenance.not_database", path=source,
                                       error=exc)) from None
    try:
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            raise ValidationError(label, t("cli.maintenance.not_database", path=source,
                                           error=exc)) from None
        if result != "ok":
            raise ValidationError(label, t("cli.maintenance.restore_check_failed",
                                           path=source))
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
        except (sqlite3.Error, ValueError):
            version = 0
        if version < 1:
            raise ValidationError(label, t("cli.maintenance.not_govdesk", path=source))
        if version > SCHEMA_VERSION:
            raise ValidationError(label, t("cli.maintenance.too_new", path=source,
                                           version=version, ours=SCHEMA_VERSION))
        columns = {r[1] for r in conn.execute("PRAGMA table_info(audit_entry)")}
        wanted = "id, hash" if "hash" in columns else "id, NULL"
        head = conn.execute(f"SELECT {wanted} FROM audit_entry ORDER BY id DESC LIMIT 1"
                            ).fetchone() if columns else None
    finally:
        conn.close()
    return version, ({"id": head[0], "hash": head[1]} if head else None)


def _bound_to(path: Path) -> bool:
    db = database.obj
    return (isinstance(db, SqliteDatabase) and not db.is_closed()
            and os.path.realpath(db.database) == os.path.realpath(path))


def _post_notice(actor: Actor | None, target: Path) -> None:
    """Ask the desks that have ``target`` open to let go (they show it; services elsewhere)."""
    notice = json.dumps({"by": actor.person.name if actor else t("cli.maintenance.system"),
                         "at": (actor.now if actor else office_now()).isoformat(sep=" "),
                         "what": "restore"}, ensure_ascii=False)
    try:
        if _bound_to(target):
            from govdesk.services.schema import set_meta

            with database.atomic():
                set_meta(NOTICE_KEY, notice)
            return
        conn = sqlite3.connect(str(target), timeout=10)
        try:
            with conn:
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                             " DO UPDATE SET value = excluded.value", (NOTICE_KEY, notice))
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - the refusal matters, not the notice
        pass


def _keep_old(target: Path) -> Path:
    """The database being replaced, kept beside it (owner only: 0600) as a consistent copy."""
    stamp = office_now().strftime("%Y%m%d-%H%M%S")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    n = 1
    while kept.exists():
        kept, n = target.with_name(f"{target.name}.before-restore-{stamp}-{n}"), n + 1
    label = t("cli.maintenance.f_database")
    try:
        conn = _read_only(target)
        try:
            _copy_into(conn, kept, label)
        finally:
            conn.close()
    except (sqlite3.Error, ValidationError):  # a damaged database: keep its bytes as they are
        tmp = _private_file(target.parent, kept.name)
        try:
            with open(target, "rb") as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.link(tmp, kept)
        finally:
            tmp.unlink(missing_ok=True)
    return kept


def restore(actor: Actor | None, source: Path, target: Path) -> Path:
    """Replace ``target`` with ``source`` (a govdesk database this version can open, checked
    first), only while no desk has ``target`` open; the old file is kept beside it, and the
    restored trail records who restored what."""
    _require_admin(actor, "restore")
    backup_label, db_label = t("cli.maintenance.f_backup"), t("cli.maintenance.f_database")
    source, target = _path(source, backup_label), _path(target, db_label)
    if not source.exists():
        raise ValidationError(backup_label, t("cli.maintenance.missing", path=source))
    if not target.parent.is_dir():
        raise ValidationError(db_label, t("cli.maintenance.no_folder", path=target.parent))
    if target.exists() and os.path.samefile(source, target):
        raise ValidationError(backup_label, t("cli.maintenance.same_file", path=source))
    version, head = _inspect(source, backup_label)
    was_open = _bound_to(target)
    previous = database.obj  # another database this process works on stays bound afterwards
    try:
        with userlock.sole_user(target):
            if was_open:
                close_database()
            try:
                _replace(source, target)
            except BaseException:
                if was_open:  # as it was: the old file is still in place
                    open_database(target, create=False)
                raise
            open_database(target, create=False)
            try:
                from govdesk.services.schema import ensure_schema

                ensure_schema()
                with database.atomic():
                    audit.record(actor, "maintenance.restore", "meta", None, after={
                        "source": str(source.resolve()), "schema_version": version,
                        "audit_head": head})
                    Meta.delete().where(Meta.key == NOTICE_KEY).execute()
            finally:
                if not was_open:
                    close_database()
                    if previous is not None:
                        database.initialize(previous)
    except userlock.InUse as busy:
        _post_notice(actor, target)
        if busy.count:
            message = t("cli.maintenance.in_use", n=busy.count, path=target)
        else:
            message = t("cli.maintenance.in_use_some", path=target)
        raise ValidationError(db_label, message) from None
    return target


def _replace(source: Path, target: Path) -> None:
    """``target`` becomes a consistent copy of ``source``, with the target's owner and mode
    (0600 for a new one): a backup made under umask 077 must not lock the office's group out."""
    old = target.stat() if target.exists() else None
    if old is not None:
        try:
            _keep_old(target)
        except OSError as exc:
            raise ValidationError(t("cli.maintenance.f_database"), t(
                "cli.maintenance.copy_failed", error=exc.strerror or exc)) from None
    label = t("cli.maintenance.f_backup")
    try:
        _replace_with_copy(source, target, old, label)
    except (sqlite3.Error, OSError) as exc:
        raise ValidationError(label, t("cli.maintenance.copy_failed",
                                       error=getattr(exc, "strerror", None) or exc)) from None


def _replace_with_copy(source: Path, target: Path, old: os.stat_result | None,
                       label: str) -> None:
    tmp = None
    try:
        tmp = _private_file(target.parent, target.name)
        src = _read_only(source)
        try:
            dest = sqlite3.connect(str(tmp))
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
        if _integrity(tmp) != "ok":
            raise ValidationError(label, t("cli.maintenance.restore_check_failed", path=source))
        if old is not None:
            try:
                os.chown(tmp, old.st_uid if os.geteuid() == 0 else -1, old.st_gid)
            except PermissionError:
                pass
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        for suffix in SQLITE_SIDES:
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
        tmp = None
    finally:
        if tmp is not None:
            _unlink_all(tmp)


def audit_lines(actor: Actor | None, since: datetime) -> list[str]:
    """The audit trail since ``since`` as JSON lines (who, when, what, before/after), the
    words of records above the viewer's clearance hidden as in the desk's audit browser."""
    _require_admin(actor, "audit")
    if not isinstance(since, date):
        raise ValidationError(t("cli.maintenance.f_since"), t("cli.maintenance.not_datetime"),
                              name="since")
    if not isinstance(since, datetime):
        since = datetime.combine(since, datetime.min.time())
    clearance = None if actor is None else actor.person.clearance

    def shown(value: str | None, rendered: str):
        if not value:
            return None
        for text in (rendered, value):  # as the reader may see it; as stored if that fails
            try:
                return json.loads(text if clearance is None else audit._redact(text, clearance))
            except ValueError:
                continue
        return value

    from govdesk.services.engine.core import audit_reader

    out = []
    query = AuditEntry.select().where(AuditEntry.at >= since).order_by(AuditEntry.id)
    last = 0
    while rows := list(query.where(AuditEntry.id > last).limit(AUDIT_PAGE)):
        last = rows[-1].id
        # A 信访 petitioner named in an entry: masked for the admin (and the operator), as
        # the desk's audit view shows it; one read per page of entries.
        texts = audit_reader(actor, [(r.table, r.record_id, text) for r in rows
                                     for text in (r.before or "", r.after or "")])
        for n, r in enumerate(rows):
            out.append(json.dumps({
                "id": r.id, "at": r.at.isoformat(sep=" "), "actor": r.actor,
                "action": r.action, "table": r.table, "record_id": r.record_id,
                "before": shown(r.before, texts[2 * n]),
                "after": shown(r.after, texts[2 * n + 1]),
                "hash": r.hash,
            }, ensure_ascii=False))
    return out


def verify_chain(actor: Actor | None) -> audit.ChainReport:
    """Recompute the audit trail's hash chain (services.audit.verify_chain)."""
    _require_admin(actor, "audit --verify")
    return audit.verify_chain()
