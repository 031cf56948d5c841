"""Whether an uploaded certificate file is what it claims to be.

Telegram reports a document's MIME type and file name as the sender's client gave them, so
``Sertifikat_Diklat.exe`` can arrive as ``image/png``. The name must end as its type does, and
the bytes, read once when the bot downloads the file to check it, must be that type: a PDF starts
with ``%PDF``, an image opens (Pillow, which matplotlib already brings) as the format it claims.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath

# The types a certificate may have, with the file name endings each allows.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
_IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def name_matches_type(file_name: str | None, mime_type: str | None) -> bool:
    """A known type, and a file name that ends as that type does (``x.pdf.apk`` does not)."""
    allowed = EXTENSIONS.get(mime_type or "")
    if allowed is None or not file_name:
        return False
    return PurePosixPath(file_name.strip().lower()).suffix in allowed


def content_matches_type(data: bytes, mime_type: str | None) -> bool:
    """The bytes are a PDF (``%PDF`` first) or an image of the claimed format that opens."""
    if mime_type == "application/pdf":
        return data.startswith(b"%PDF")
    expected = _IMAGE_FORMATS.get(mime_type or "")
    if expected is None:
        return False
    from PIL import Image, UnidentifiedImageError  # loaded on use

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.format == expected
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
