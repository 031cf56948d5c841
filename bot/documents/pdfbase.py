"""What the PDF documents share: a Unicode font, document metadata, and how a NIP is printed.

The core PDF fonts only know Latin-1, so a name such as "Nur'aini Ąłę" or one with a typographic
apostrophe would break or vanish. DejaVu Sans covers Latin, Greek and Cyrillic in full and ships
with matplotlib, which we depend on for the charts anyway, so we reuse it instead of vendoring a
font into the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib
from fpdf import FPDF

from bot.core.nip import NipError, parse_nip
from bot.texts import documents as labels

FONT = "DejaVu"
# Regular and bold only: fpdf2 parses every registered TTF for each document, which is most of
# the rendering time, so each extra style (italic, mono) would cost about as much as a page.
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


@cache
def font_dir() -> Path:
    """Where matplotlib keeps its bundled TrueType fonts."""
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def new_pdf(pdf: FPDF, *, title: str) -> FPDF:
    """Register the Unicode font on ``pdf`` and set the metadata every document carries."""
    for style, name in _FONT_FILES.items():
        pdf.add_font(FONT, style, font_dir() / name)
    pdf.set_title(title)
    pdf.set_author(labels.ORGANISER)
    pdf.set_creator(labels.APP_NAME)
    pdf.set_lang("id")
    return pdf


def display_nip(nip: str) -> str:
    """A NIP grouped the way it is printed on Indonesian documents (``19860926 201505 1 001``).

    A number that no longer validates (the rules may tighten) is printed as stored rather than
    refusing to render a document the employee is entitled to.
    """
    try:
        return parse_nip(nip).formatted()
    except NipError:
        return nip


def pdf_bytes(pdf: FPDF) -> bytes:
    """The finished document as bytes (fpdf2 returns a ``bytearray``)."""
    return bytes(pdf.output())


def fit_font_size(
    pdf: FPDF,
    text: str,
    *,
    width: float,
    style: str,
    max_size: float,
    min_size: float,
    max_lines: int = 1,
) -> float:
    """The largest font size, stepping down from ``max_size``, at which ``text`` fits ``width``
    in ``max_lines`` lines; ``min_size`` if none does (the text then wraps further).

    Names and module titles vary from "Ani" to 200 characters; shrinking them keeps a certificate
    on one page and a long name on one line, as people expect to see their name printed.
    """
    size = max_size
    while size > min_size:
        pdf.set_font(FONT, style, size)
        lines = pdf.multi_cell(width, size * 0.5, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        if len(lines) <= max_lines:
            return size
        size -= 1
    return min_size
