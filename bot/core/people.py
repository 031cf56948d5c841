"""The fields that describe a person: name, unit, position and grade, checked the same way
wherever they come from (typed at registration, edited in /profil, imported from a roster)."""

from __future__ import annotations

import re

MAX_NAME = 120
MAX_FREE_FIELD = 120
MAX_GOLONGAN = 16
NAME_PATTERN = re.compile(r"^[^\W\d_][\w .,'’\-]{1,119}$", re.UNICODE)
FREE_FIELD_PATTERN = re.compile(r"^\S.{1,119}$", re.DOTALL)
# Control characters are never part of a unit or job title; PostgreSQL cannot even store NUL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
PNS_GOLONGAN = re.compile(r"^(I|II|III|IV)/([a-e])$", re.IGNORECASE)
PPPK_GOLONGAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII".split()


def clean_name(raw: str) -> str | None:
    """A person's name, tidied; None if it cannot be a name."""
    name = " ".join(raw.split())
    if not NAME_PATTERN.match(name) or sum(ch.isalpha() for ch in name) < 2:
        return None
    return name


def clean_free_field(raw: str) -> str | None:
    value = " ".join(raw.split())
    if not FREE_FIELD_PATTERN.match(value) or CONTROL_CHARACTERS.search(value):
        return None
    return value


def clean_golongan(raw: str, kind: str) -> str | None:
    """``"iii/a"`` -> ``"III/a"``; PPPK grades are roman numerals I-XVII."""
    value = raw.strip().replace(" ", "")
    match = PNS_GOLONGAN.match(value)
    if match:
        grade, room = match.group(1).upper(), match.group(2).lower()
        if room == "e" and grade != "IV":
            return None
        return f"{grade}/{room}"
    if value.upper() in PPPK_GOLONGAN and kind == "PPPK":
        return value.upper()
    return None
