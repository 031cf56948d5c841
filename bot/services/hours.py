"""What an employee sees of their competency hours (``/jp``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.store import employees, ledger
from db.models import Employee, JpLedgerEntry
from db.session import Database


@dataclass(frozen=True, slots=True)
class HoursView:
    employee: Employee
    year: int
    total: Decimal
    target: Decimal
    entries: list[JpLedgerEntry]
    other_years: list[int]
    days_left: int | None  # only for the current year

    @property
    def missing(self) -> Decimal:
        return max(self.target - self.total, Decimal(0))


def days_left_in_year(today: date) -> int:
    """Days after today until 31 December, inclusive of the 31st."""
    return (date(today.year, 12, 31) - today).days


class HoursService:
    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo, target: Decimal) -> None:
        self.db = db
        self.clock = clock
        self.tz = tz
        self.target = target

    def current_year(self) -> int:
        return self.clock().astimezone(self.tz).year

    async def view(self, telegram_id: int, year: int | None = None) -> HoursView | None:
        today = self.clock().astimezone(self.tz).date()
        year = year or today.year
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            summary = await ledger.year_summary(s, employee.id, year)
            years = await ledger.years_with_credits(s, employee.id)
        other_years = [y for y in years if y != year]
        if year != today.year and today.year not in other_years:
            other_years.insert(0, today.year)
        return HoursView(
            employee=employee,
            year=year,
            total=summary.total,
            target=self.target,
            entries=summary.entries,
            other_years=other_years[:6],
            days_left=days_left_in_year(today) if year == today.year else None,
        )

    async def year_total(self, telegram_id: int) -> Decimal:
        """This year's JP of the learner (0 for someone not registered)."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return Decimal(0)
            return await ledger.year_total(s, employee.id, self.current_year())
