"""A PDF transcript of one employee's competency hours in one year.

It is the document an employee hands to the BKPSDM or attaches in SIASN to show the yearly 20 JP:
who, which year, every credited activity with its date, source, category and JP, and the total
against the target. Entries are printed in date order so the reader can follow the year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from bot.core.jp import JpScale
from bot.documents.pdfbase import FONT, display_nip, new_pdf, pdf_bytes
from bot.texts import documents as labels

NAVY = (31, 58, 104)
HEAD_FILL = (226, 232, 243)
GREY = (90, 90, 90)
COL_WIDTHS = (9, 23, 62, 22, 28, 16, 16)  # mm, sums to the 176 mm text width of portrait A4


@dataclass(frozen=True, slots=True)
class TranscriptEntry:
    """One credited activity, as in the ledger (its learning time in minutes)."""

    day: date
    title: str
    source_kind: str  # "module" | "external"
    category: str | None
    minutes: int
    organiser: str | None = None  # printed for outside trainings, with the certificate number
    certificate_no: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    name: str
    nip: str
    opd: str
    year: int
    entries: Sequence[TranscriptEntry]
    printed_on: date
    target_minutes: int = 900
    minutes_per_jp: int = 45
    extra: tuple[tuple[str, str], ...] = ()  # more header lines, e.g. ("Jabatan", "...")
    code: str = ""  # the verification code, grouped; printed with its QR code when set
    bot_username: str = ""

    @property
    def total_minutes(self) -> int:
        return sum(entry.minutes for entry in self.entries)

    @property
    def scale(self) -> JpScale:
        return JpScale(self.minutes_per_jp)


class _TranscriptPdf(FPDF):
    """A4 portrait with "page x of y" in the footer, since a transcript may run to many pages."""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        text = labels.TRANSCRIPT_PAGE.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 6, text, align="R")


def _header(pdf: FPDF, transcript: Transcript) -> None:
    pdf.set_font(FONT, "B", 15)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 8, labels.TRANSCRIPT_TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 6, labels.ORGANISER, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)
    rows = [
        (labels.TRANSCRIPT_NAME, transcript.name),
        (labels.TRANSCRIPT_NIP, display_nip(transcript.nip)),
        (labels.TRANSCRIPT_OPD, transcript.opd),
        *transcript.extra,
        (labels.TRANSCRIPT_YEAR_LABEL, str(transcript.year)),
    ]
    pdf.set_text_color(0, 0, 0)
    for label, value in rows:
        pdf.set_font(FONT, "", 10.5)
        pdf.cell(32, 6, label)
        pdf.cell(4, 6, ":")
        pdf.set_font(FONT, "B", 10.5)
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _activities(pdf: FPDF, transcript: Transcript) -> None:
    entries = sorted(transcript.entries, key=lambda e: (e.day, e.title))
    if not entries:
        pdf.set_font(FONT, "", 10.5)
        pdf.multi_cell(0, 6, labels.TRANSCRIPT_EMPTY, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        return
    pdf.set_font(FONT, "", 9.5)
    headings = FontFace(emphasis="BOLD", color=NAVY, fill_color=HEAD_FILL)
    with pdf.table(
        col_widths=COL_WIDTHS,
        width=sum(COL_WIDTHS),
        headings_style=headings,
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"),
        line_height=5.5,
        padding=1.2,
    ) as table:
        table.row(labels.TRANSCRIPT_COLUMNS)
        for number, entry in enumerate(entries, start=1):
            title = entry.title
            if entry.source_kind == "external":
                title += "\n" + labels.TRANSCRIPT_EXTERNAL.format(
                    organiser=entry.organiser or "-", number=entry.certificate_no or "-"
                )
            table.row(
                (
                    str(number),
                    labels.short_date(entry.day),
                    title,
                    labels.source_kind_name(entry.source_kind),
                    labels.category_name(entry.category),
                    str(entry.minutes),
                    transcript.scale.jp_text(entry.minutes),
                )
            )
        bold = FontFace(emphasis="BOLD")
        total = table.row()
        total.cell(labels.TRANSCRIPT_TOTAL, colspan=5, align="RIGHT", style=bold)
        total.cell(str(transcript.total_minutes), align="RIGHT", style=bold)
        total.cell(transcript.scale.jp_text(transcript.total_minutes), align="RIGHT", style=bold)
    pdf.ln(4)


def _summary(pdf: FPDF, transcript: Transcript) -> None:
    total, target, scale = transcript.total_minutes, transcript.target_minutes, transcript.scale
    pdf.set_font(FONT, "", 10.5)
    pdf.set_text_color(0, 0, 0)
    line = labels.TRANSCRIPT_SUMMARY.format(
        total=scale.jp_text(total), minutes=total, target=scale.jp_text(target)
    )
    pdf.cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 10.5)
    if total >= target:
        status = labels.TRANSCRIPT_REACHED
    else:
        status = labels.TRANSCRIPT_MISSING.format(missing=scale.text(target - total))
    pdf.cell(0, 6, status, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*GREY)
    printed = labels.TRANSCRIPT_PRINTED.format(
        date=labels.long_date(transcript.printed_on), app=labels.APP_NAME
    )
    pdf.multi_cell(0, 5, printed, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if transcript.code:
        _verification(pdf, transcript)


QR_SIZE = 26.0


def _verification(pdf: FPDF, transcript: Transcript) -> None:
    """The verification code, how to check it, and the QR code of the deep link."""
    if pdf.get_y() + QR_SIZE + 6 > pdf.h - 20:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    left = pdf.l_margin
    text_x = left
    if transcript.bot_username:
        from bot.documents.certificate import draw_qr
        from bot.documents.verification import verify_link

        draw_qr(pdf, verify_link(transcript.bot_username, transcript.code), left, top, QR_SIZE)
        text_x = left + QR_SIZE + 4
    width = pdf.w - pdf.r_margin - text_x
    pdf.set_xy(text_x, top + 1)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 5, labels.CERT_CODE, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 14)
    pdf.set_text_color(*NAVY)
    pdf.cell(width, 7, transcript.code, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*GREY)
    bot = f"@{transcript.bot_username}" if transcript.bot_username else labels.CERT_BOT_DEFAULT
    how = labels.TRANSCRIPT_VERIFY.format(code=transcript.code, bot=bot)
    pdf.multi_cell(width, 4.3, how, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE))


def render_transcript(transcript: Transcript) -> bytes:
    """The transcript as PDF bytes; long years flow onto more pages with the table header
    repeated, so every page can be read on its own."""
    pdf = new_pdf(
        _TranscriptPdf(orientation="P", unit="mm", format="A4"),
        title=labels.TRANSCRIPT_DOC_TITLE.format(year=transcript.year, name=transcript.name),
    )
    pdf.set_margins(17, 17, 17)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    _header(pdf, transcript)
    _activities(pdf, transcript)
    _summary(pdf, transcript)
    return pdf_bytes(pdf)
