"""Minutes and JP (bot/core/jp.py): the ledger counts minutes, JP is derived for display."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bot.core.jp import JpScale, Targets, claim_text, decimal_text, percent, progress_bar, to_centi


def test_minutes_read_as_jp_with_an_indonesian_comma() -> None:
    scale = JpScale(45)
    assert scale.text(15) == "0,33 JP (15 menit)"
    assert scale.text(900) == "20 JP (900 menit)"
    assert scale.text(0) == "0 JP (0 menit)"
    assert scale.jp_text(68) == "1,51"  # 1.5111 rounds down
    assert scale.jp_text(23) == "0,51"  # 0.5111
    assert scale.jp_text(38) == "0,84"  # 0.8444
    assert JpScale(45).jp(30) == Decimal("0.67")  # 0.666 rounds half up
    assert JpScale(60).text(45) == "0,75 JP (45 menit)"
    assert decimal_text(Decimal("2.50")) == "2,5"


def test_an_outside_training_keeps_the_jp_on_its_certificate() -> None:
    scale = JpScale(45)
    assert scale.minutes(Decimal("2")) == 90
    assert scale.minutes_of_centi(150) == 68  # 1.5 JP = 67.5 minutes, half up
    assert claim_text(to_centi(Decimal("1.5"))) == "1,5"
    assert JpScale(60).minutes(Decimal("2")) == 120


@given(st.integers(min_value=0, max_value=100_000), st.sampled_from([45, 50, 60]))
def test_jp_is_never_more_than_half_a_hundredth_away(minutes: int, per_jp: int) -> None:
    jp = JpScale(per_jp).jp(minutes)
    assert abs(jp - Decimal(minutes) / per_jp) <= Decimal("0.005")
    assert jp == jp.quantize(Decimal("0.01"))


def test_targets_per_kind_and_progress() -> None:
    targets = Targets(pns=900, pppk=1080)
    assert targets.of("PNS") == 900 and targets.of("PPPK") == 1080
    assert progress_bar(450, 900) == "▓▓▓▓▓░░░░░" and percent(450, 900) == 50
    assert progress_bar(2000, 900) == "▓" * 10 and percent(2000, 900) == 100
