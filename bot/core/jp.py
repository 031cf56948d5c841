"""JP amounts: integer hundredths in storage, Decimal in arithmetic, Indonesian in display."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def from_centi(centi: int) -> Decimal:
    return (Decimal(centi) / 100).quantize(Decimal("0.01"))


def to_centi(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def format_jp(value: Decimal | int) -> str:
    """``Decimal("1.50")`` -> ``"1,5"``: Indonesian decimal comma, no trailing zeros."""
    amount = from_centi(value) if isinstance(value, int) else value
    text = f"{amount.normalize():f}"
    return text.replace(".", ",")


def progress_bar(done: Decimal, target: Decimal, width: int = 10) -> str:
    """A text bar that reads on any phone: ``▓▓▓░░░░░░░``."""
    if target <= 0:
        return "▓" * width
    filled = int(min(done / target, Decimal(1)) * width)
    return "▓" * filled + "░" * (width - filled)


def percent(done: Decimal, target: Decimal) -> int:
    if target <= 0:
        return 100
    return int(min(done / target, Decimal(1)) * 100)
