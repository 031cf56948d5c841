"""Certificate numbers and verification codes (bot/documents/verification.py)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.documents.verification import (
    CODE_ALPHABET,
    CertificateFields,
    canonical_bytes,
    certificate_number,
    check_code,
    make_code,
    normalize_code,
)
from tests.unit.documents.helpers import FIELDS, SECRET

fields_strategy = st.builds(
    CertificateFields,
    certificate_no=st.from_regex(r"SB-20[0-9]{2}-[0-9]{6}", fullmatch=True),
    nip=st.from_regex(r"[0-9]{18}", fullmatch=True),
    name=st.text(min_size=1, max_size=60),
    module_id=st.text(min_size=1, max_size=24),
    module_title=st.text(min_size=1, max_size=80),
    category=st.sampled_from([None, "teknis", "manajerial", "sosial_kultural"]),
    completed_on=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    minutes=st.integers(min_value=1, max_value=10_000),
)


def test_code_is_three_groups_of_four_base32_characters() -> None:
    code = make_code(SECRET, FIELDS)
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", code)
    assert make_code(SECRET, FIELDS) == code  # deterministic: can be recomputed to verify


def test_code_accepted_however_it_is_typed() -> None:
    code = make_code(SECRET, FIELDS)
    compact = code.replace("-", "")
    spaced = f"  {compact[:6]} {compact[6:]} "
    for typed in (code, code.lower(), compact, spaced, code.replace("-", ".")):
        assert check_code(SECRET, FIELDS, typed), typed


def test_normalisation_reads_lookalike_digits_as_letters() -> None:
    assert normalize_code("abcd efgh-1o08") == "ABCDEFGHIOOB"
    assert normalize_code("ABCD-EFGH-JKL") is None  # too short
    assert normalize_code("ABCD-EFGH-JKLMN") is None  # too long
    assert normalize_code("ABCD-EFGH-JK9M") is None  # 9 is in no alphabet
    assert normalize_code("") is None


@settings(max_examples=60)
@given(fields=fields_strategy, data=st.data())
def test_any_single_character_substitution_is_refused(
    fields: CertificateFields, data: st.DataObject
) -> None:
    code = make_code(SECRET, fields).replace("-", "")
    position = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    other = data.draw(st.sampled_from([c for c in CODE_ALPHABET if c != code[position]]))
    forged = code[:position] + other + code[position + 1 :]
    assert check_code(SECRET, fields, code)
    assert not check_code(SECRET, fields, forged)


@settings(max_examples=40)
@given(fields=fields_strategy, data=st.data())
def test_dropped_or_added_character_is_refused(
    fields: CertificateFields, data: st.DataObject
) -> None:
    code = make_code(SECRET, fields).replace("-", "")
    position = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    extra = data.draw(st.sampled_from(CODE_ALPHABET))
    assert not check_code(SECRET, fields, code[:position] + code[position + 1 :])
    assert not check_code(SECRET, fields, code[:position] + extra + code[position:])


@settings(max_examples=60)
@given(fields=fields_strategy, data=st.data())
def test_altered_certificate_fails_its_code(fields: CertificateFields, data: st.DataObject) -> None:
    code = make_code(SECRET, fields)
    change = data.draw(
        st.sampled_from(["name", "nip", "module_title", "minutes", "completed_on", "number"])
    )
    if change == "minutes":
        delta = data.draw(st.integers(min_value=1, max_value=500))
        altered = dataclasses.replace(fields, minutes=(fields.minutes or 0) + delta)
    elif change == "completed_on":
        delta = data.draw(st.integers(min_value=1, max_value=400))
        altered = dataclasses.replace(fields, completed_on=fields.completed_on + timedelta(delta))
    elif change == "number":
        altered = dataclasses.replace(fields, certificate_no=fields.certificate_no + "1")
    else:
        value = getattr(fields, change)
        altered = dataclasses.replace(fields, **{change: value + "x"})
    assert not check_code(SECRET, altered, code)


@given(typed=st.text(max_size=30))
def test_arbitrary_input_is_refused_without_error(typed: str) -> None:
    assert not check_code(SECRET, FIELDS, typed)


def test_code_depends_on_the_secret() -> None:
    code = make_code(SECRET, FIELDS)
    assert not check_code(b"another-secret-of-enough-length", FIELDS, code)
    with pytest.raises(ValueError):
        make_code(b"short", FIELDS)


def test_same_text_in_another_unicode_form_is_the_same_certificate() -> None:
    decomposed = dataclasses.replace(FIELDS, name=unicodedata.normalize("NFD", FIELDS.name))
    assert decomposed.name != FIELDS.name
    assert check_code(SECRET, decomposed, make_code(SECRET, FIELDS))


def test_certificate_number() -> None:
    assert certificate_number(2026, 123) == "SB-2026-000123"
    assert certificate_number(2026, 1234567, prefix="TGL") == "TGL-2026-1234567"
    with pytest.raises(ValueError):
        certificate_number(2026, 0)


def test_certificates_issued_before_minutes_keep_their_code() -> None:
    """A version-1 certificate (JP in hundredths) verifies exactly as it did when issued; the
    version-2 form of the same fields is a different certificate with a different code."""
    old = dataclasses.replace(FIELDS, minutes=None, jp_centi=150)
    assert old.version == 1 and FIELDS.version == 2
    code = make_code(SECRET, old)
    # The code the implementation before minutes made for these fields (git history).
    assert code == "RGLA-RFBM-F2ME"
    assert check_code(SECRET, old, code)
    assert not check_code(SECRET, FIELDS, code)
    assert b'"jp_centi":150' in canonical_bytes(old) and b"minutes" not in canonical_bytes(old)
    assert b'"minutes":68' in canonical_bytes(FIELDS) and b"jp_centi" not in canonical_bytes(FIELDS)
