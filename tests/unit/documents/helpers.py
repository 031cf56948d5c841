"""A certificate's fields and the text of a PDF, for the document tests."""

from __future__ import annotations

import io
import re
from datetime import date

from PIL import Image, ImageDraw
from pypdf import PdfReader

from bot.documents.verification import CertificateFields

SECRET = b"test-secret-of-at-least-16-bytes"

FIELDS = CertificateFields(
    certificate_no="SB-2026-000123",
    nip="198609262015051001",
    name="Siti Nur’aini Łukasz-Ñúñez",
    module_id="berakhlak-1",
    module_title="Memahami Nilai Dasar BerAKHLAK dalam Pelayanan Publik",
    category="sosial_kultural",
    completed_on=date(2026, 11, 27),
    minutes=68,
)


def pdf_text(data: bytes) -> tuple[int, str]:
    """Page count and all text, whitespace collapsed so wrapped lines compare as one string."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


_RECT = re.compile(r"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re f")


def qr_image(data: bytes, page: int = 0, *, size: float = 85.04, scale: int = 8) -> Image.Image:
    """The QR code drawn on a PDF page, rasterised from the page's own drawing operators: the
    white square of ``size`` points (the code's quiet zone included) and the dark modules drawn
    inside it, as black on white, ``scale`` pixels per point."""
    content = PdfReader(io.BytesIO(data)).pages[page].get_contents()
    assert content is not None
    rects = [
        tuple(float(v) for v in m.groups())
        for m in _RECT.finditer(content.get_data().decode("latin-1"))
    ]
    background = next(r for r in rects if abs(r[2] - size) < 0.5 and abs(r[3] + size) < 0.5)
    x0, y0 = background[0], background[1]  # top-left corner, in points (y grows upwards)
    image = Image.new("L", (round(size * scale), round(size * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in rects:
        if (x, y, w, h) == background or not (x0 <= x < x0 + size and y0 - size < y <= y0):
            continue
        left, top = (x - x0) * scale, (y0 - y) * scale
        draw.rectangle([left, top, left + w * scale - 1, top - h * scale - 1], fill=0)
    return image


def decode_qr(image: Image.Image) -> list[str]:
    """What a QR reader (zxing-cpp) reads in the image."""
    import zxingcpp

    return [result.text for result in zxingcpp.read_barcodes(image)]


def qr_matrix(image: Image.Image, modules: int) -> list[list[int]]:
    """The module grid of a rasterised QR code with a quiet zone of 2 modules: 1 for dark."""
    step = image.width / (modules + 4)

    def dark(r: int, c: int) -> int:
        value = image.getpixel((int((c + 2.5) * step), int((r + 2.5) * step)))
        assert isinstance(value, int)
        return int(value < 128)

    return [[dark(r, c) for c in range(modules)] for r in range(modules)]
