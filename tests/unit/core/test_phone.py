"""Phone numbers (bot/core/phone.py): every way an Indonesian number is written compares equal."""

from __future__ import annotations

import pytest

from bot.core.phone import normalize_phone, same_phone

E164 = "+6281234567890"


@pytest.mark.parametrize(
    "raw",
    [
        "+6281234567890",
        "+62 812-3456-7890",
        "6281234567890",  # Telegram's contacts often come without the plus
        "62 812 3456 7890",
        "081234567890",
        "0812 3456 7890",
        "0812-3456-7890",
        " 0812.3456.7890 ",
        "(0812) 3456 7890",
    ],
)
def test_every_spelling_of_one_number_is_the_same_e164(raw: str) -> None:
    assert normalize_phone(raw) == E164
    assert same_phone(raw, "0812 3456 7890")


@pytest.mark.parametrize("raw", ["", "12", "abc", "0812", "+62 812", None, "9" * 40])
def test_what_cannot_be_a_number_is_none(raw: str | None) -> None:
    assert normalize_phone(raw) is None
    assert not same_phone(raw, raw)


def test_different_numbers_differ() -> None:
    assert not same_phone("081234567890", "081234567891")
    assert normalize_phone("+1 202 555 0199") == "+12025550199"  # another country stays itself
    assert not same_phone("+1 202 555 0199", "0202 555 0199")
