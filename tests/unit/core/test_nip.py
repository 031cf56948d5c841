from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import texts
from bot.core.nip import EmployeeKind, NipError, normalize, parse_nip

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    "raw",
    [
        "198609262015051001",
        "19860926 201505 1 001",
        "19860926.201505.1.001",
        "19860926-201505-1-001",
        "  19860926 201505 1 001  ",
    ],
)
def test_valid_pns_nip_in_every_common_spelling(raw: str) -> None:
    nip = parse_nip(raw, today=TODAY)
    assert nip.digits == "198609262015051001"
    assert nip.kind is EmployeeKind.PNS
    assert nip.birth_date == date(1986, 9, 26)
    assert (nip.start_year, nip.start_month) == (2015, 5)
    assert nip.sex == 1
    assert nip.formatted() == "19860926 201505 1 001"


def test_pppk_number_is_told_apart_by_digits_13_and_14() -> None:
    nip = parse_nip("199001152022 21 2 005".replace(" ", ""), today=TODAY)
    assert nip.kind is EmployeeKind.PPPK
    assert nip.start_year == 2022
    assert nip.start_month is None
    assert nip.sex == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19860926201505100A", texts.NIP_NOT_DIGITS),
        ("19860926 20150 1 001", texts.NIP_WRONG_LENGTH.format(count=17)),
        ("1986092620150510011", texts.NIP_WRONG_LENGTH.format(count=19)),
        ("19860231 201505 1 001", texts.NIP_BAD_BIRTH_DATE.format(value="19860231")),
        ("19861326 201505 1 001", texts.NIP_BAD_BIRTH_DATE.format(value="19861326")),
        ("19860926 198001 1 001", texts.NIP_START_BEFORE_BIRTH),
        ("19860926 201505 3 001", texts.NIP_BAD_SEX_DIGIT.format(digit=3)),
        ("19860926 201505 1 000", texts.NIP_BAD_SEQUENCE),
        ("19860926 201513 1 001", texts.NIP_BAD_START.format(value="201513")),
        ("19860926 201500 1 001", texts.NIP_BAD_START.format(value="201500")),
        ("19860926 200001 1 001", texts.NIP_START_TOO_YOUNG.format(age=18)),
        ("20300101 205001 1 001", texts.NIP_FUTURE_BIRTH_DATE),
        ("19860926 202712 1 001", texts.NIP_FUTURE_START),
        ("", texts.NIP_EMPTY),
        ("١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١", texts.NIP_NOT_DIGITS),
    ],
)
def test_invalid_nip_says_exactly_what_is_wrong(raw: str, expected: str) -> None:
    with pytest.raises(NipError) as info:
        parse_nip(raw, today=TODAY)
    assert str(info.value) == expected


@given(st.text(max_size=40))
def test_any_text_either_parses_or_raises_nip_error(raw: str) -> None:
    try:
        nip = parse_nip(raw, today=TODAY)
    except NipError as exc:
        assert str(exc)
    else:
        assert len(nip.digits) == 18 and nip.digits == normalize(raw)


@given(
    st.dates(min_value=date(1960, 1, 1), max_value=date(1995, 12, 31)),
    st.integers(min_value=18, max_value=25),
    st.integers(min_value=1, max_value=12),
    st.sampled_from([1, 2]),
    st.integers(min_value=1, max_value=999),
)
def test_every_plausible_pns_nip_round_trips(
    birth: date, age: int, month: int, sex: int, seq: int
) -> None:
    start_year = birth.year + age + 1
    raw = f"{birth:%Y%m%d}{start_year}{month:02d}{sex}{seq:03d}"
    nip = parse_nip(raw, today=TODAY)
    assert nip.digits == raw
    assert nip.birth_date == birth
    assert nip.kind is EmployeeKind.PNS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Born 1900, appointed in 2000: appointed at 100, and far past any active age.
        ("19000101 200001 1 001", texts.NIP_START_TOO_OLD.format(age=60)),
        ("19500101 201101 1 001", texts.NIP_START_TOO_OLD.format(age=60)),  # appointed at 61
        ("19550101 197801 1 001", texts.NIP_TOO_OLD.format(age=70)),  # 71 today
        ("19561127 198001 1 001", texts.NIP_TOO_OLD.format(age=70)),  # 70 today, exactly
        # A PPPK appointed before 2019, when there were none yet.
        ("19900115 2018 21 2 005", texts.NIP_PPPK_TOO_EARLY.format(year=2019)),
        ("20050115 2022 21 2 005", texts.NIP_START_TOO_YOUNG.format(age=18)),  # a PPPK at 17
        ("19500115 2022 21 2 005", texts.NIP_START_TOO_OLD.format(age=60)),  # a PPPK at 72
    ],
)
def test_implausible_numbers_are_refused_naming_the_rule(raw: str, expected: str) -> None:
    with pytest.raises(NipError) as info:
        parse_nip(raw, today=TODAY)
    assert str(info.value) == expected
    assert "Aturan" in str(info.value)


@pytest.mark.parametrize(
    "raw",
    [
        "19561128 198001 1 001",  # 69 today, a day short of 70
        "19660101 202601 1 001",  # appointed at 60
        "19900115 2019 21 2 005",  # a PPPK of the first year
    ],
)
def test_numbers_at_the_edges_of_the_rules_are_accepted(raw: str) -> None:
    assert parse_nip(raw, today=TODAY).digits == normalize(raw)
