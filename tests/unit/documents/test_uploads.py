"""Certificate files (bot/documents/uploads.py): names and bytes against the claimed type."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.documents.uploads import content_matches_type, name_matches_type


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "mime", "ok"),
    [
        ("sertifikat.pdf", "application/pdf", True),
        ("SERTIFIKAT.PDF", "application/pdf", True),
        ("foto.jpeg", "image/jpeg", True),
        ("foto.jpg", "image/jpeg", True),
        ("scan.png", "image/png", True),
        ("sertifikat.pdf.apk", "application/pdf", False),
        ("Sertifikat_Diklat.exe", "image/png", False),
        ("scan.png", "image/jpeg", False),
        ("sertifikat", "application/pdf", False),
        (None, "application/pdf", False),
        ("a.zip", "application/zip", False),
    ],
)
def test_the_name_must_end_as_the_type_does(name: str | None, mime: str, ok: bool) -> None:
    assert name_matches_type(name, mime) is ok


def test_the_bytes_must_be_the_type() -> None:
    assert content_matches_type(b"%PDF-1.7\n...", "application/pdf")
    assert not content_matches_type(b"MZ\x90\x00", "application/pdf")
    assert not content_matches_type(b" %PDF", "application/pdf")
    assert content_matches_type(_image("PNG"), "image/png")
    assert content_matches_type(_image("JPEG"), "image/jpeg")
    assert not content_matches_type(_image("PNG"), "image/jpeg")  # opens, but is not a JPEG
    assert not content_matches_type(_image("PNG")[:30], "image/png")  # cut short: does not open
    assert not content_matches_type(b"\x89PNG\r\n\x1a\n", "image/png")
    assert not content_matches_type(b"%PDF", "application/zip")
