"""One export as the desk's ``e`` key asks for it: a register (services/exports: .xlsx/.csv,
the filter on screen applied) or one of the office's files (services/office_files: a 公文, a
处理笺, a publication, a leader's week), written into a folder (services/export_folder).

A screen says what can be exported from where the user is as ``Offer``s (plain data, made on
the UI thread from what it shows); ``write`` runs in a worker. What a file holds is what its
reader may see: both kinds read through the services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from govdesk.i18n import t, term
from govdesk.services import export_folder, exports, office_files
from govdesk.services.errors import ValidationError

if TYPE_CHECKING:
    from govdesk.services.context import Actor


@dataclass(frozen=True)
class Offer:
    """One thing the user can export here: ``what`` is shown, ``stem`` the file's default name
    (without its suffix), ``formats`` the suffixes it can be written as (the first the
    default)."""

    what: str
    stem: str
    formats: tuple[str, ...]
    register: str | None = None
    line: str = ""
    text: str = ""  # 收文/发文: the register's search box
    state: str | None = None  # 收文/发文: the register's state
    since: date | None = None
    until: date | None = None
    file_kind: str | None = None
    request: office_files.Request | None = None
    asks: tuple[str, ...] = ()  # what the user may add to the request: "copy_no", "note"


def register_offer(kind: str, today: date, line: str = "", text: str = "",
                   state: str | None = None) -> Offer:
    """The ``kind`` register as the list shows it: its filter line ``line`` (and for 收文 and
    发文 the search box's ``text`` and the ``state`` chosen)."""
    name = exports.kind_name(kind)
    shown = t("exporting.sep").join(x for x in (
        t("exporting.line_shown", line=line) if line else "",
        t("exporting.text_shown", text=text) if text else "",
        t("exporting.state_shown", state=term(state)) if state else "") if x)
    what = t("exporting.register_filtered", name=name, line=shown) if shown else name
    return Offer(what, f"{name}-{today:%Y%m%d}", exports.FORMATS, register=kind, line=line,
                 text=text, state=state)


def file_offer(kind: str, what: str, stem: str, request: office_files.Request,
               asks: tuple[str, ...] = ()) -> Offer | None:
    """One of the office's files, or None when this build has no such kind; ``asks`` the
    request's parts the user fills in (a 公文's 份号 and 附注)."""
    found = office_files.kinds().get(kind)
    if found is None:
        return None
    return Offer(what, stem, found.formats, file_kind=kind, request=request, asks=asks)


def answered(offer: Offer, answers: dict[str, str]) -> office_files.Request:
    """The offer's request with what the user typed for its ``asks``; a 份号 that is not a
    number is refused naming it."""
    request = offer.request or office_files.Request()
    changes: dict = {}
    if "copy_no" in offer.asks and answers.get("copy_no", "").strip():
        text = answers["copy_no"].strip()
        if not text.isdigit():
            raise ValidationError(t("office_files.f_copy"), t(
                "office_files.not_a_number", value=text),
                name="copy_no")
        changes["copy_no"] = int(text)
    if "note" in offer.asks:
        changes["note"] = answers.get("note", "").strip()
    return replace(request, **changes) if changes else request


@dataclass(frozen=True)
class Written:
    path: Path
    what: str
    rows: int | None  # a register's rows; None for a file
    spooled: bool  # on the server's spool: fetched with govdesk fetch


def write(actor: Actor, offer: Offer, fmt: str, folder: str | None, name: str,
          progress: Callable[[int], None] | None = None,
          answers: dict[str, str] | None = None) -> Written:
    """Write ``offer`` as ``fmt`` into ``folder`` (the default one when empty) under ``name``
    (a free variant of it when taken); ``progress(rows)`` as a register's rows are written."""
    login = actor.person.login
    request = answered(offer, answers or {}) if offer.file_kind else None
    if fmt not in offer.formats:
        raise ValidationError(t("export_folder.f_format"), t(
            "exporting.bad_format", fmt=fmt, formats="、".join(offer.formats)), name="format")
    target = export_folder.prepare(login, folder)
    chosen = export_folder.file_name(name, fmt)
    path = target / chosen
    try:
        path = export_folder.free_path(target, chosen)
        if offer.register is not None:
            rows = exports.export(actor, offer.register, path, offer.since, offer.until,
                                  offer.line, progress=progress, text=offer.text,
                                  state=offer.state)
            what = t("exporting.register_rows", what=offer.what, n=rows)
        else:
            kind = office_files.kinds()[offer.file_kind or ""]
            made = office_files.produce(actor, kind, request or office_files.Request(), path)
            rows, what = None, made.summary
    except OSError as exc:
        raise ValidationError(t("export_folder.f_folder"), t(
            "export_folder.cannot_write", path=path, error=exc.strerror or exc),
            name="folder") from None
    try:
        export_folder.remember(login, target)
    except ValidationError:
        pass  # the file is written: a folder not kept for next time is no reason to say it failed
    return Written(path, what, rows, export_folder.on_server())
