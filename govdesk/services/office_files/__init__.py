"""The office's own files (SPEC §15): the 公文 in the GB/T 9704-2012 layout, the 收文处理笺, the
publications, the leaders' week — each a kind that ``govdesk export`` and the desk's ``e`` key
produce through ``produce`` (the registers' .xlsx/.csv are services/exports).

A kind registers itself (``register``) when its module is imported; ``MODULES`` lists the
modules, read on first use so the CLI's ``--help`` and the desk both see every kind. A kind
says what it needs (``takes``): a record (``--record``: its id or the number it is known by),
a period (``--from``/``--to``), a leader (``--leader``). Its builder reads through the
services, so clearance, masking and audit hold as on screen, and writes its file whole or not
at all (services/user_files.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from govdesk.i18n import t
from govdesk.services.errors import ValidationError
from govdesk.services.named_kinds import Registry

if TYPE_CHECKING:
    from govdesk.services.context import Actor

# The modules that register kinds, in the order --help lists them.
MODULES = ("gongwen", "slip", "pubs_errors", "pubs_supervision", "pubs_petition", "week")
TAKES = frozenset({"record", "period", "leader"})


@dataclass(frozen=True)
class Request:
    """What the user asked for: ``record`` as typed (an id, a 文号, a 收文编号 …), the period,
    the leader (a login or a name); ``copy_no`` and ``note`` for a 公文's 份号 and 附注."""

    record: str | None = None
    since: date | None = None
    until: date | None = None
    leader: str | None = None
    copy_no: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Made:
    """A file produced: where, and one line saying what it holds (shown to the user)."""

    path: Path
    summary: str


@dataclass(frozen=True)
class FileKind:
    """One kind of file: ``words`` name it (its Chinese name first, then ASCII aliases);
    ``formats`` the suffixes it writes, the first the default; ``build(actor, request, path,
    fmt)`` writes it and says what it wrote."""

    kind: str
    words: tuple[str, ...]
    formats: tuple[str, ...]
    takes: frozenset[str]
    build: Callable[[Actor, Request, Path, str], Made]
    needs: frozenset[str] = field(default_factory=frozenset)  # of takes, those required


_REGISTRY: Registry[FileKind] = Registry(__name__, MODULES)


def register(kind: FileKind) -> FileKind:
    if not kind.takes <= TAKES or not kind.needs <= kind.takes:
        raise ValueError(f"{kind.kind}: takes {sorted(kind.takes)} needs {sorted(kind.needs)}")
    return _REGISTRY.register(kind)


kinds = _REGISTRY.kinds
kind_of = _REGISTRY.kind_of
kind_list = _REGISTRY.kind_list


def format_of(kind: FileKind, path: Path) -> str:
    """The format a path's suffix asks for; a suffix the kind does not write is refused,
    naming the ones it does."""
    suffix = path.suffix.lower()
    if suffix not in kind.formats:
        raise ValidationError(t("exports.f_out"), t("office_files.bad_suffix", kind=kind.words[0],
                                                    suffix=suffix or "—",
                                                    formats="、".join(kind.formats)), name="out")
    return suffix


def audited_save(actor: Actor, secret: bool, save: Callable[[], Path], action: str,
                 table: str, record_id: int, after: dict) -> Path:
    """``save()`` the file; for a secret document, its export audited in the same
    transaction, so a file that could not be put in place leaves no entry and an entry that
    could not be written leaves no file."""
    if not secret:
        return save()
    from govdesk.models import database
    from govdesk.services import audit

    with database.atomic():
        audit.record(actor, action, table, record_id, after=after)
        return save()


def produce(actor: Actor, kind: FileKind, request: Request, path: Path) -> Made:
    """Write one file of ``kind`` at ``path`` (its format from the suffix) for ``actor``;
    what it needs and does not take are refused, naming the option."""
    fmt = format_of(kind, path)
    for need in kind.needs:
        missing = (request.record is None if need == "record" else
                   request.leader is None if need == "leader" else
                   request.since is None and request.until is None)
        if missing:
            raise ValidationError(t(f"office_files.f_{need}"),
                                  t("office_files.needs", kind=kind.words[0],
                                    option=t(f"office_files.f_{need}")), name=need)
    given = {"record": request.record is not None, "leader": request.leader is not None,
             "period": request.since is not None or request.until is not None}
    for option, there in given.items():
        if there and option not in kind.takes:
            raise ValidationError(t(f"office_files.f_{option}"),
                                  t("office_files.not_taken", kind=kind.words[0],
                                    option=t(f"office_files.f_{option}")), name=option)
    if request.since is not None and request.until is not None and request.since > request.until:
        raise ValidationError(t("exports.f_dates"), t("exports.bad_range", since=request.since,
                                                      until=request.until), name="from")
    return kind.build(actor, request, Path(path), fmt)
