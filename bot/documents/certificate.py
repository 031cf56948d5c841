"""The e-certificate for a passed module: one landscape A4 page an agency puts its name under.

It prints what a BKPSDM operator needs to accept it as evidence in SIASN (name, NIP, subject,
competency category, learning time in minutes and JP, date, certificate number), who issues and
signs it (the issuing body, an optional logo, the place and date line, the signing official's
title, optional signature image, name and NIP) and how to check it is genuine: a verification
code from :mod:`bot.documents.verification`, the bot command that checks it, and a QR code
(``segno``) that opens ``https://t.me/<bot>?start=v_<code>``, which verifies exactly as
``/verifikasi`` does. The code is computed by the caller, so this module never sees the secret.
"""

from __future__ import annotations

from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.core.jp import JpScale
from bot.documents.pdfbase import FONT, display_nip, fit_font_size, new_pdf, pdf_bytes
from bot.documents.verification import CertificateFields, learning_time, verify_link
from bot.texts import documents as labels

PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 22.0
TEXT_W = PAGE_W - 2 * MARGIN
NAVY = (31, 58, 104)
GOLD = (176, 141, 62)
GREY = (90, 90, 90)
BLACK = (20, 20, 20)
QR_SIZE = 30.0  # mm, with its quiet zone: readable from a printout and from a screen
QR_X, QR_Y = MARGIN + 2, 146.0
SIGN_W = 92.0  # the signature block, right-aligned
SIGN_X = PAGE_W - MARGIN - SIGN_W


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


def _header(pdf: FPDF, issuer: str, logo: Path | None) -> None:
    """The issuing body across the top, with its logo on the left when given."""
    if logo is not None:
        pdf.image(str(logo), x=MARGIN, y=16, h=20, keep_aspect_ratio=True)
    pdf.set_y(17)
    size = fit_font_size(
        pdf, issuer.upper(), width=TEXT_W - 60, style="B", max_size=13, min_size=9, max_lines=2
    )
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*NAVY)
    pdf.set_x(MARGIN + 30)
    pdf.multi_cell(TEXT_W - 60, size * 0.5, issuer.upper(), align="C")
    pdf.set_x(MARGIN + 30)
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(TEXT_W - 60, 5, labels.MOTTO, align="C")


def draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """``url`` as a QR code of ``size`` mm square at (x, y), drawn as vector squares (sharp at
    any zoom), a quiet zone of 2 modules included."""
    qr = segno.make(url, error="m")
    matrix = [list(row) for row in qr.matrix]
    count = len(matrix) + 4
    module = size / count
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # One rectangle per run of dark modules: fewer operators, no hairline seams.
            pdf.rect(
                x + (start + 2) * module, y + (r + 2) * module, (c - start) * module, module, "F"
            )


def _verification(pdf: FPDF, code: str, bot_username: str) -> None:
    """The QR code (when the bot's username is known), the code, and how to check it."""
    text_x = MARGIN
    if bot_username:
        draw_qr(pdf, verify_link(bot_username, code), QR_X, QR_Y, QR_SIZE)
        text_x = QR_X + QR_SIZE + 4
    width = SIGN_X - 8 - text_x
    pdf.set_xy(text_x, QR_Y + 1)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 5, labels.CERT_CODE, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 16)
    pdf.set_text_color(*NAVY)
    pdf.cell(width, 8, code, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*GREY)
    bot = f"@{bot_username}" if bot_username else labels.CERT_BOT_DEFAULT
    how = labels.CERT_VERIFY.format(code=code, bot=bot)
    if bot_username:
        how += " " + labels.CERT_SCAN
    pdf.multi_cell(width, 4.3, how, align="L")


def _signature(pdf: FPDF, fields: CertificateFields, signature: Path | None) -> None:
    """The place and date line, the signing official's title, signature, name and NIP."""
    y = 140.0
    pdf.set_text_color(*BLACK)
    issued = fields.issued_on or fields.completed_on
    city = fields.city or ""
    line = (
        labels.CERT_PLACE_DATE.format(city=city, date=labels.long_date(issued))
        if city
        else (labels.long_date(issued))
    )
    pdf.set_xy(SIGN_X, y)
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(SIGN_W, 5.2, line, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if fields.version < 3:
        return  # issued before certificates were signed: the date only
    if fields.signer_title:
        pdf.set_x(SIGN_X)
        pdf.multi_cell(
            SIGN_W, 5.2, fields.signer_title, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT
        )
    top = pdf.get_y() + 1
    if signature is not None:
        pdf.image(
            str(signature), x=SIGN_X + SIGN_W / 2 - 20, y=top, w=40, h=16, keep_aspect_ratio=True
        )
    pdf.set_xy(SIGN_X, top + 18)
    name = fields.signer_name or labels.CERT_SIGNER_BLANK
    size = fit_font_size(pdf, name, width=SIGN_W, style="B", max_size=11, min_size=8)
    pdf.set_font(FONT, "B", size)
    pdf.cell(SIGN_W, 5.5, name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if fields.signer_nip:
        pdf.set_font(FONT, "", 9.5)
        pdf.cell(SIGN_W, 5, labels.CERT_SIGNER_NIP.format(nip=fields.signer_nip), align="C")


def render_certificate(
    fields: CertificateFields,
    code: str,
    scale: JpScale,
    *,
    bot_username: str = "",
    logo: Path | None = None,
    signature: Path | None = None,
) -> bytes:
    """The certificate as PDF bytes, always exactly one page.

    ``code`` is the output of :func:`bot.documents.verification.make_code` for ``fields``;
    ``bot_username`` (without "@") is named in the how-to-verify line and, when given, the QR
    code opens its deep link. ``logo`` and ``signature`` are image files (PNG or JPEG).
    """
    pdf = new_pdf(
        FPDF(orientation="L", unit="mm", format="A4"),
        title=labels.CERT_DOC_TITLE.format(number=fields.certificate_no),
    )
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    _border(pdf)
    _header(pdf, fields.issuer or labels.ORGANISER, logo)

    pdf.set_y(42)
    _centred(pdf, labels.CERT_TITLE, 32, style="B", color=NAVY)
    pdf.ln(1)
    _centred(pdf, labels.CERT_SUBTITLE, 12, color=GREY)
    number = labels.CERT_NUMBER.format(number=fields.certificate_no)
    if fields.revision > 1:
        number += labels.CERT_REVISION.format(revision=fields.revision)
    _centred(pdf, number, 10.5, color=GREY)
    pdf.ln(4)
    _centred(pdf, labels.CERT_GIVEN_TO, 12, color=GREY)
    pdf.ln(1.5)
    _fitted(pdf, fields.name, max_size=26, min_size=13, max_lines=1)
    pdf.ln(1)
    label = labels.CERT_NI_PPPK if _is_pppk(fields.nip) else labels.CERT_NIP
    _centred(pdf, label.format(nip=display_nip(fields.nip)), 12)
    pdf.ln(3.5)
    _centred(pdf, labels.CERT_COMPLETED, 12, color=GREY)
    pdf.ln(1.5)
    _fitted(pdf, fields.module_title, max_size=18, min_size=11, max_lines=2)
    pdf.ln(2)
    details = labels.CERT_DETAILS.format(
        category=labels.category_name(fields.category),
        time=learning_time(fields, scale),
        date=labels.long_date(fields.completed_on),
    )
    _centred(pdf, details, 12)

    _verification(pdf, code, bot_username)
    _signature(pdf, fields, signature)
    return pdf_bytes(pdf)


def _is_pppk(nip: str) -> bool:
    return len(nip) == 18 and nip[12] == "2" and nip[13] != "0"
