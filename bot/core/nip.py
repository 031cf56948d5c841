"""Validation of the 18-digit employee numbers of Indonesian civil servants.

A PNS NIP reads ``YYYYMMDD YYYYMM S NNN``: birth date, TMT CPNS (start of service), sex, sequence.
A PPPK NI reads ``YYYYMMDD YYYY 2 C S NNN``: birth date, year of appointment, the digit 2, the
contract count, sex, sequence. Digits 13-14 of a PPPK number read 21..29, which is never a valid
TMT month, and that is what tells the two apart. There is no checksum, so we check what can be
checked and say exactly what is wrong, in Indonesian, so the user can fix a typo. Beyond the
digits, a number must be plausible for a person in service: appointed between 18 and 60, younger
than 70 today, and a PPPK appointed in 2019 or later (PP 49/2018; the first PPPK came in 2019).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot import texts

SEPARATORS = re.compile(r"[\s.\-_/]+")
MIN_APPOINTMENT_AGE = 18
MAX_APPOINTMENT_AGE = 60
MAX_ACTIVE_AGE = 70  # an active employee is younger than this (retirement comes well before)
FIRST_PPPK_YEAR = 2019  # PP 49/2018; the first PPPK were appointed in 2019
NIP_LENGTH = 18


class EmployeeKind(StrEnum):
    PNS = "PNS"
    PPPK = "PPPK"


@dataclass(frozen=True, slots=True)
class Nip:
    """A validated employee number and what it tells us."""

    digits: str
    kind: EmployeeKind
    birth_date: date
    start_year: int
    start_month: int | None
    sex: int

    def formatted(self) -> str:
        """The number grouped the way it is printed on Indonesian documents."""
        d = self.digits
        if self.kind is EmployeeKind.PNS:
            return f"{d[:8]} {d[8:14]} {d[14]} {d[15:]}"
        return f"{d[:8]} {d[8:12]} {d[12:14]} {d[14]} {d[15:]}"


class NipError(ValueError):
    """A NIP that cannot be right; ``str(error)`` is the Indonesian reason."""


def normalize(raw: str) -> str:
    """Drop the spaces, dots, dashes and slashes people type between groups."""
    return SEPARATORS.sub("", raw.strip())


def _parse_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _age_at(birth: date, year: int, month: int) -> int:
    return year - birth.year - (1 if month < birth.month else 0)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - (1 if (day.month, day.day) < (birth.month, birth.day) else 0)


def parse_nip(raw: str, *, today: date | None = None) -> Nip:
    """Validate ``raw`` as a PNS NIP or a PPPK NI; raise :class:`NipError` saying what is wrong."""
    today = today or date.today()
    digits = normalize(raw)
    if not digits:
        raise NipError(texts.NIP_EMPTY)
    if not digits.isdigit() or not digits.isascii():
        raise NipError(texts.NIP_NOT_DIGITS)
    if len(digits) != NIP_LENGTH:
        raise NipError(texts.NIP_WRONG_LENGTH.format(count=len(digits)))

    birth = _parse_date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    if birth is None:
        raise NipError(texts.NIP_BAD_BIRTH_DATE.format(value=digits[0:8]))
    if birth > today:
        raise NipError(texts.NIP_FUTURE_BIRTH_DATE)

    sex = int(digits[14])
    if sex not in (1, 2):
        raise NipError(texts.NIP_BAD_SEX_DIGIT.format(digit=sex))
    if digits[15:18] == "000":
        raise NipError(texts.NIP_BAD_SEQUENCE)

    start_year = int(digits[8:12])
    month_digits = int(digits[12:14])
    if 21 <= month_digits <= 29:
        # PPPK: digit 13 is always 2 and digit 14 the contract count 1-9.
        kind = EmployeeKind.PPPK
        start_month: int | None = None
        if start_year > today.year:
            raise NipError(texts.NIP_FUTURE_START)
        if start_year < FIRST_PPPK_YEAR:
            raise NipError(texts.NIP_PPPK_TOO_EARLY.format(year=FIRST_PPPK_YEAR))
        age = start_year - birth.year
    else:
        kind = EmployeeKind.PNS
        if not 1 <= month_digits <= 12:
            raise NipError(texts.NIP_BAD_START.format(value=digits[8:14]))
        start_month = month_digits
        if (start_year, start_month) > (today.year, today.month):
            raise NipError(texts.NIP_FUTURE_START)
        if (start_year, start_month) <= (birth.year, birth.month):
            raise NipError(texts.NIP_START_BEFORE_BIRTH)
        age = _age_at(birth, start_year, start_month)
    if age < MIN_APPOINTMENT_AGE:
        raise NipError(texts.NIP_START_TOO_YOUNG.format(age=MIN_APPOINTMENT_AGE))
    if age > MAX_APPOINTMENT_AGE:
        raise NipError(texts.NIP_START_TOO_OLD.format(age=MAX_APPOINTMENT_AGE))
    if _age_on(birth, today) >= MAX_ACTIVE_AGE:
        raise NipError(texts.NIP_TOO_OLD.format(age=MAX_ACTIVE_AGE))

    return Nip(
        digits=digits,
        kind=kind,
        birth_date=birth,
        start_year=start_year,
        start_month=start_month,
        sex=sex,
    )


def sex_digit(digits: str) -> int | None:
    """The sex digit of a stored 18-digit number (1 male, 2 female), both for a PNS NIP and an
    NI PPPK, or None when the number does not carry one we can read."""
    if len(digits) != NIP_LENGTH or not digits.isascii() or not digits.isdigit():
        return None
    value = int(digits[14])
    return value if value in (1, 2) else None
