"""The e-certificate for a passed module: one landscape A4 page.

It prints what a BKPSDM operator needs to accept it as evidence in SIASN (name, NIP, subject,
competency category, JP, date, certificate number) and how to check it is genuine: a verification
code from :mod:`bot.documents.verification` and the bot command that checks it. The code is
computed by the caller, so this module never sees the server secret.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.core.jp import JpScale
from bot.documents.pdfbase import FONT, display_nip, fit_font_size, new_pdf, pdf_bytes
from bot.documents.verification import CertificateFields, learning_time
from bot.texts import documents as labels

PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 20.0
TEXT_W = PAGE_W - 2 * MARGIN
NAVY = (31, 58, 104)
GOLD = (176, 141, 62)
GREY = (90, 90, 90)
BLACK = (20, 20, 20)


def _border(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)


def _centred(
    pdf: FPDF, text: str, size: float, *, style: str = "", color: tuple[int, int, int] = BLACK
) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*color)
    pdf.set_x(MARGIN)
    pdf.multi_cell(TEXT_W, size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fitted(pdf: FPDF, text: str, *, max_size: float, min_size: float, max_lines: int) -> None:
    size = fit_font_size(
        pdf,
        text,
        width=TEXT_W,
        style="B",
        max_size=max_size,
        min_size=min_size,
        max_lines=max_lines,
    )
    _centred(pdf, text, size, style="B", color=NAVY)


def _verification_box(pdf: FPDF, code: str, bot_name: str) -> None:
    box_w, box_h = 78.0, 20.0
    x, y = PAGE_W - MARGIN - box_w, PAGE_H - 53.0
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.4)
    pdf.rect(x, y, box_w, box_h)
    pdf.set_xy(x, y + 2.5)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(box_w, 5, labels.CERT_CODE, align="C")
    pdf.set_xy(x, y + 8.5)
    pdf.set_font(FONT, "B", 17)
    pdf.set_text_color(*NAVY)
    pdf.cell(box_w, 8, code, align="C")

    pdf.set_xy(MARGIN, y + 2)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*BLACK)
    pdf.cell(TEXT_W - box_w - 8, 6, labels.ORGANISER, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*GREY)
    pdf.cell(TEXT_W - box_w - 8, 6, labels.MOTTO)

    pdf.set_xy(MARGIN, PAGE_H - 28)
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(TEXT_W, 4.8, labels.CERT_VERIFY.format(code=code, bot=bot_name), align="C")


def render_certificate(
    fields: CertificateFields, code: str, scale: JpScale, *, bot_username: str = ""
) -> bytes:
    """The certificate as PDF bytes, always exactly one page.

    ``code`` is the output of :func:`bot.documents.verification.make_code` for ``fields``;
    ``bot_username`` (without "@") is named in the how-to-verify line when given.
    """
    pdf = new_pdf(
        FPDF(orientation="L", unit="mm", format="A4"),
        title=labels.CERT_DOC_TITLE.format(number=fields.certificate_no),
    )
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    _border(pdf)

    pdf.set_y(24)
    _centred(pdf, labels.CERT_TITLE, 36, style="B", color=NAVY)
    pdf.ln(2)
    _centred(pdf, labels.CERT_SUBTITLE, 13, color=GREY)
    _centred(pdf, labels.CERT_NUMBER.format(number=fields.certificate_no), 11, color=GREY)
    pdf.ln(6)
    _centred(pdf, labels.CERT_GIVEN_TO, 13, color=GREY)
    pdf.ln(2)
    _fitted(pdf, fields.name, max_size=28, min_size=14, max_lines=1)
    pdf.ln(1)
    _centred(pdf, labels.CERT_NIP.format(nip=display_nip(fields.nip)), 13)
    pdf.ln(5)
    _centred(pdf, labels.CERT_COMPLETED, 13, color=GREY)
    pdf.ln(2)
    _fitted(pdf, fields.module_title, max_size=20, min_size=11, max_lines=2)
    pdf.ln(3)
    details = labels.CERT_DETAILS.format(
        category=labels.category_name(fields.category),
        time=learning_time(fields, scale),
        date=labels.long_date(fields.completed_on),
    )
    _centred(pdf, details, 13)

    bot_name = f"@{bot_username}" if bot_username else labels.CERT_BOT_DEFAULT
    _verification_box(pdf, code, bot_name)
    return pdf_bytes(pdf)
