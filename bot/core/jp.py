"""Competency hours: the ledger counts whole minutes; JP is minutes ÷ minutes-per-JP, for display.

A JP (jam pelajaran) is a unit of time, commonly 45 minutes and 60 at some agencies, so the
minutes of a JP are a setting (``SINAU_JP_MINUTES``). Every credit is stored as the minutes
really learned; every figure a person reads is derived here, with at most two decimals and an
Indonesian decimal comma: "0,33 JP (15 menit)".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def decimal_text(value: Decimal) -> str:
    """``Decimal("1.50")`` -> ``"1,5"``: Indonesian decimal comma, no trailing zeros."""
    text = f"{value.quantize(_CENT, rounding=ROUND_HALF_UP).normalize():f}"
    return text.replace(".", ",")


def to_centi(jp: Decimal) -> int:
    """JP as printed on an outside training's certificate, in hundredths (how a claim is kept)."""
    return int((jp * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_centi(centi: int) -> Decimal:
    return (Decimal(centi) / 100).quantize(_CENT)


def claim_text(centi: int) -> str:
    """An outside training's JP as printed on its certificate: ``"2"``, ``"1,5"``."""
    return decimal_text(from_centi(centi))


@dataclass(frozen=True, slots=True)
class JpScale:
    """Minutes to JP and back, at the deployment's minutes per JP."""

    minutes_per_jp: int

    def jp(self, minutes: int) -> Decimal:
        """JP of ``minutes``, rounded half up to two decimals."""
        return (Decimal(minutes) / self.minutes_per_jp).quantize(_CENT, rounding=ROUND_HALF_UP)

    def minutes(self, jp: Decimal) -> int:
        """Whole minutes of ``jp`` (an outside training's JP as printed on its certificate)."""
        return int((jp * self.minutes_per_jp).to_integral_value(rounding=ROUND_HALF_UP))

    def minutes_of_centi(self, centi: int) -> int:
        """Minutes of a claimed JP kept in hundredths (an outside training's certificate)."""
        return self.minutes(from_centi(centi))

    def jp_text(self, minutes: int) -> str:
        """``"0,33"``: the JP of ``minutes``, for a sentence that names the unit itself."""
        return decimal_text(self.jp(minutes))

    def text(self, minutes: int) -> str:
        """``"0,33 JP (15 menit)"``; whole hours need no minutes: ``"20 JP (900 menit)"``."""
        return f"{self.jp_text(minutes)} JP ({minutes} menit)"


@dataclass(frozen=True, slots=True)
class Targets:
    """The yearly target in minutes of each employee kind (``Settings.targets``)."""

    pns: int
    pppk: int

    def of(self, kind: str) -> int:
        return self.pppk if kind == "PPPK" else self.pns


def progress_bar(done: int, target: int, width: int = 10) -> str:
    """A text bar that reads on any phone: ``▓▓▓░░░░░░░``."""
    if target <= 0:
        return "▓" * width
    filled = min(done * width // target, width)
    return "▓" * filled + "░" * (width - filled)


def percent(done: int, target: int) -> int:
    if target <= 0:
        return 100
    return min(done * 100 // target, 100)
