"""Certificate numbers and verification codes that cannot be forged without the server's secret.

A verification code is an HMAC-SHA256 over the certificate's canonical fields, keyed with a
server secret. Anyone can read a code off a certificate, but nobody can make a valid code for a
certificate the bot never issued, or keep a code valid after changing the name, the JP or the date
on a PDF. The code is the first 60 bits of the MAC in RFC 4648 base32: 12 characters from A-Z and
2-7, shown as ``ABCD-EFGH-JKLM``. Sixty bits is far beyond what anyone can guess through a
rate-limited chat bot, yet short enough to type from a printout.

How to use it: when issuing, call :func:`make_code` and store the fields with the code. For
``/verifikasi CODE``, find the stored certificate by :func:`normalize_code` of what the user typed,
then confirm it with :func:`check_code`, which also catches a row altered in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from bot.core.jp import JpScale, decimal_text

CODE_LENGTH = 12
CODE_GROUP = 4
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
MIN_SECRET_BYTES = 16
# Bump when the canonical form changes, so old and new codes can never be confused: version 1
# certificates state JP (in hundredths), version 2 the minutes learned.
_DOMAINS = {
    1: b"sinau-bareng/certificate/v1\x00",
    2: b"sinau-bareng/certificate/v2\x00",
    3: b"sinau-bareng/certificate/v3\x00",
}
_TRANSCRIPT_DOMAIN = b"sinau-bareng/transcript/v1\x00"
_SEPARATORS = re.compile(r"[\s\-_.]+")
# Digits that base32 leaves out but people type for the letter they resemble.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
_VALID = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


@dataclass(frozen=True, slots=True)
class CertificateFields:
    """What a certificate asserts; every field is covered by the verification code.

    Version 1 states JP in hundredths (certificates issued before credits were minutes),
    version 2 the minutes, version 3 also the revision, the issue date and who signs where.
    """

    certificate_no: str
    nip: str
    name: str
    module_id: str
    module_title: str
    category: str | None
    completed_on: date
    minutes: int | None = None  # versions 2 and 3: the learning time
    jp_centi: int | None = None  # version 1
    revision: int = 1
    issued_on: date | None = None
    issuer: str | None = None
    signer_name: str | None = None
    signer_nip: str | None = None
    signer_title: str | None = None
    city: str | None = None
    fields_version: int | None = None  # None: 1 or 2, from which time field is set

    @property
    def version(self) -> int:
        if self.fields_version is not None:
            return self.fields_version
        return 1 if self.minutes is None else 2


_BASE_FIELDS = (
    "certificate_no",
    "nip",
    "name",
    "module_id",
    "module_title",
    "category",
    "completed_on",
)
_VERSION_FIELDS = {
    1: ("jp_centi",),
    2: ("minutes",),
    3: (
        "minutes",
        "revision",
        "issued_on",
        "issuer",
        "signer_name",
        "signer_nip",
        "signer_title",
        "city",
    ),
}


def certificate_number(year: int, serial: int, *, prefix: str = "SB") -> str:
    """``SB-2026-000123``: readable, sortable, unique as long as ``serial`` is (use the ledger
    entry id or a database sequence). No slashes, so it is safe in a file name."""
    if serial < 1:
        raise ValueError("certificate serial must be positive")
    return f"{prefix}-{year:04d}-{serial:06d}"


def canonical_bytes(fields: CertificateFields) -> bytes:
    """One byte string per certificate, independent of how the text was typed or stored.

    JSON with sorted keys cannot be ambiguous the way joining with a separator can ("a|b" + "c"
    versus "a" + "b|c"). Text is NFC-normalised so "é" typed as one or two code points is the
    same certificate.
    """
    everything = asdict(fields)
    data = {key: everything[key] for key in (*_BASE_FIELDS, *_VERSION_FIELDS[fields.version])}
    for key, value in data.items():
        if isinstance(value, date):
            data[key] = value.isoformat()
        elif isinstance(value, str):
            data[key] = unicodedata.normalize("NFC", value.strip())
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _DOMAINS[fields.version] + text.encode("utf-8")


def _mac(secret: bytes, fields: CertificateFields) -> str:
    return _mac_of(secret, canonical_bytes(fields))


def _mac_of(secret: bytes, message: bytes) -> str:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the certificate secret must be at least {MIN_SECRET_BYTES} bytes")
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def transcript_bytes(fields: dict[str, object]) -> bytes:
    """A transcript's fields (JSON-ready: name, NIP, year, entries...) as one byte string."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _TRANSCRIPT_DOMAIN + unicodedata.normalize("NFC", text).encode("utf-8")


def make_transcript_code(secret: bytes, fields: dict[str, object]) -> str:
    """The verification code printed on a transcript, grouped; the same key as certificates,
    another domain, so a code can never be valid as both."""
    return format_code(_mac_of(secret, transcript_bytes(fields)))


def check_transcript_code(secret: bytes, fields: dict[str, object], code: str) -> bool:
    typed = normalize_code(code)
    return typed is not None and hmac.compare_digest(
        typed, _mac_of(secret, transcript_bytes(fields))
    )


def verify_link(bot_username: str, code: str) -> str:
    """The deep link a certificate's QR code opens: ``/start v_<code>`` in the bot's chat."""
    return f"https://t.me/{bot_username}?start=v_{normalize_code(code) or code}"


def format_code(code: str) -> str:
    """``ABCDEFGHJKLM`` -> ``ABCD-EFGH-JKLM``: groups of four are easy to read aloud and type."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def make_code(secret: bytes, fields: CertificateFields) -> str:
    """The verification code printed on the certificate, grouped for reading."""
    return format_code(_mac(secret, fields))


def normalize_code(typed: str) -> str | None:
    """What a user typed as a code, in canonical form, or ``None`` if it cannot be a code.

    Case, spaces, dashes and dots do not matter; 0, 1 and 8 (never in base32) are read as the
    letters O, I and B that they look like on paper.
    """
    compact = _SEPARATORS.sub("", typed.strip()).upper().translate(_LOOKALIKES)
    if not _VALID.fullmatch(compact):
        return None
    return compact


def check_code(secret: bytes, fields: CertificateFields, code: str) -> bool:
    """Whether ``code`` is the verification code of exactly these fields.

    The comparison is constant-time so the response time leaks nothing about how many leading
    characters of a guess were right.
    """
    typed = normalize_code(code)
    if typed is None:
        return False
    return hmac.compare_digest(typed, _mac(secret, fields))


def learning_time(fields: CertificateFields, scale: JpScale) -> str:
    """ "0,33 JP (15 menit)"; a certificate issued before credits were minutes states its JP."""
    if fields.minutes is not None:
        return scale.text(fields.minutes)
    return f"{decimal_text(Decimal(fields.jp_centi or 0) / 100)} JP"
