"""A certificate's fields and the text of a PDF, for the document tests."""

from __future__ import annotations

import io
from datetime import date

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
