"""An office's 台账 as rows of cells: .xlsx (openpyxl, read only) or .csv (UTF-8 with or
without BOM, else GB18030 — what Chinese Excel writes when it saves "CSV").

Nothing here knows a field: a cell keeps its type (a date stays a date, a number a number,
text is stripped), and every row keeps the number Excel shows beside it, so a refusal can
say "第 7 行" and the user finds the row. Empty rows are left out; the header row is found by
the caller (``header_row``), so merged title rows above it do no harm.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from govdesk.i18n import t
from govdesk.services.errors import ValidationError

FORMATS = (".xlsx", ".csv")
MAX_BYTES = 64 * 1024 * 1024  # a 台账 of 10,000 rows is under 2 MB; more is not a register
MAX_ROWS = 200_000

Cell = str | int | float | date | datetime | time | bool | None


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it (1-based, counting the rows above the header)
    cells: tuple[Cell, ...]


def column_letter(index: int) -> str:
    """The column's letter as Excel shows it (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _label() -> str:
    return t("imports.f_file")


def _clean(value: Any) -> Cell:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _kept(cells: Iterator[Any] | tuple | list) -> tuple[Cell, ...]:
    out = [_clean(v) for v in cells]
    while out and out[-1] is None:
        out.pop()
    return tuple(out)


def _xlsx_rows(data: bytes) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails in many ways
        raise ValidationError(_label(), t("imports.bad_xlsx", error=_why(exc))) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        # A workbook written by another program may state a smaller range than it holds.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = _kept(values)
            if any(c is not None for c in cells):
                yield Row(number, cells)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet's XML, met while reading
        raise ValidationError(_label(), t("imports.bad_xlsx", error=_why(exc))) from None
    finally:
        book.close()


def _why(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _decoded(data: bytes) -> str:
    """UTF-8 (a BOM dropped), else GB18030; neither: refused, saying which were tried."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationError(_label(), t("imports.bad_encoding")) from None


def _csv_rows(data: bytes) -> Iterator[Row]:
    text = _decoded(data)
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            cells = _kept(values)
            if any(c is not None for c in cells):
                yield Row(number, cells)
    except csv.Error as exc:
        raise ValidationError(_label(), t("imports.bad_csv", error=exc)) from None


def read_rows(data: bytes, suffix: str) -> list[Row]:
    """Every non-empty row of the file's first sheet; refused: a suffix not read here, a
    file too big to be a register, a damaged workbook, a text in no encoding tried."""
    suffix = suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(_label(), t("imports.bad_suffix", suffix=suffix or "—",
                                          formats="、".join(FORMATS)))
    if len(data) > MAX_BYTES:
        raise ValidationError(_label(), t("imports.too_big", mb=MAX_BYTES // (1024 * 1024)))
    reader: Callable[[bytes], Iterator[Row]] = _xlsx_rows if suffix == ".xlsx" else _csv_rows
    rows: list[Row] = []
    for row in reader(data):
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ValidationError(_label(), t("imports.too_many_rows", n=MAX_ROWS))
    return rows


def sniff_suffix(data: bytes) -> str:
    """The format of a file handed over without a name (stdin): a zip is a workbook."""
    return ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"


def read_file(path: str | Path, kind_word: str = "") -> tuple[bytes, str]:
    """The file's bytes and its suffix; refused, the path named, when it cannot be read.

    On the shared server govdesk runs as the service account, which must not open a path a
    user names (it could be a file of the service's own): there the file comes on stdin."""
    from govdesk import config

    if config.server_mode():
        raise ValidationError(_label(), t("imports.cli.server_stdin",
                                          kind=kind_word or t("imports.some_kind")))
    path = Path(path).expanduser()
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ValidationError(_label(), t("imports.cannot_read", path=path,
                                          error=exc.strerror or exc)) from None
    return data, path.suffix.lower()
