"""A .docx rendered as LibreOffice lays it out: the PDF, its text and its page count, for the
tests that check what prints (skipped with the reason where LibreOffice or poppler is
missing)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

TOOLS = ("soffice", "pdftotext", "pdfinfo")
needs_office = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="LibreOffice (soffice) or poppler's pdftotext/pdfinfo is not installed")


def to_pdf(path: Path, folder: Path) -> Path:
    """``path`` converted by LibreOffice into ``folder`` (a profile of its own there, so tests
    running beside each other never share one)."""
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    f"-env:UserInstallation=file://{folder}/lo", str(path)],
                   check=True, capture_output=True, timeout=180)
    return folder / (path.stem + ".pdf")


def pdf_text(pdf: Path, *, layout: bool = False) -> str:
    """The PDF's text by pdftotext, pages split by form feeds."""
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def pdf_info(pdf: Path) -> dict[str, str]:
    """pdfinfo's fields (Pages, Page size …)."""
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                         text=True).stdout
    return dict(re.findall(r"^([^:\n]+):\s*(.*)$", out, re.M))


def assert_gbt_page(section) -> None:
    """A4 with GB/T 9704-2012 5.2's margins: 天头 37 mm, 订口 28 mm, a 156 × 225 mm type area
    (so 26 mm right and 35 mm below)."""
    from docx.shared import Mm

    for got, want in [(section.page_width, 210), (section.page_height, 297),
                      (section.top_margin, 37), (section.left_margin, 28),
                      (section.right_margin, 26), (section.bottom_margin, 35)]:
        assert abs(got - Mm(want)) <= Mm(0.1), (got.mm, want)
