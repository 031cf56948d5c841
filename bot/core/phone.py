"""Indonesian phone numbers, normalised so a roster's number and a shared contact compare equal.

A roster may hold ``0812-3456-7890``, ``+62 812 3456 7890`` or ``62812...``; Telegram hands a
shared contact's number with or without the plus. Both sides go through Google's libphonenumber
(the ``phonenumbers`` package), with Indonesia as the region for numbers written nationally, and
compare as E.164 (``+6281234567890``).
"""

from __future__ import annotations

import phonenumbers

REGION = "ID"
MAX_INPUT = 32


def normalize_phone(raw: str | None) -> str | None:
    """``raw`` as E.164 (``+6281234567890``), or None when it is not a possible phone number."""
    if raw is None:
        return None
    text = raw.strip()
    if not text or len(text) > MAX_INPUT:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits.startswith("62") and not text.startswith(("0", "+")):
        text = "+" + digits  # "62812...": the country code without its plus
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def same_phone(a: str | None, b: str | None) -> bool:
    """Whether two numbers, as typed or shared, are the same valid number."""
    left, right = normalize_phone(a), normalize_phone(b)
    return left is not None and left == right
