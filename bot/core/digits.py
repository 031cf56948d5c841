"""Numbers typed by people: ASCII digits only.

``str.isdigit`` (and ``isdecimal``) accept superscripts, Arabic-Indic and other Unicode digits,
which ``int`` then refuses or reads differently: ``"²⁰²⁶".isdigit()`` is True and
``int("²⁰²⁶")`` raises ``ValueError``. Every check of a typed or forged number goes through here.
"""

from __future__ import annotations

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 and nothing else (no sign, no space, no Unicode digit)."""
    return _ASCII_DIGITS.fullmatch(text) is not None


def ascii_int(text: str, *, max_digits: int = 18) -> int | None:
    """The number ``text`` spells in ASCII digits, or None."""
    if len(text) > max_digits or not is_ascii_digits(text):
        return None
    return int(text)
