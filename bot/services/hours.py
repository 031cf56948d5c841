"""What an employee sees of their competency hours (``/jp``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.jp import JpScale
from bot.store import employees, ledger
from db.models import Employee, JpLedgerEntry
from db.session import Database


@dataclass(frozen=True, slots=True)
class HoursView:
    employee: Employee
    year: int
    minutes: int
    target_minutes: int  # the target of the employee's kind (PNS or PPPK)
    scale: JpScale
    entries: list[JpLedgerEntry]
    other_years: list[int]
    days_left: int | None  # only for the current year

    @property
    def missing(self) -> int:
        """Minutes still to reach the target (0 once reached)."""
        return max(self.target_minutes - self.minutes, 0)


def days_left_in_year(today: date) -> int:
    """Days after today until 31 December, inclusive of the 31st."""
    return (date(today.year, 12, 31) - today).days


class HoursService:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.tz = settings.tz

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
            minutes=summary.minutes,
            target_minutes=self.settings.targets.of(employee.kind),
            scale=self.settings.scale,
            entries=summary.entries,
            other_years=other_years[:6],
            days_left=days_left_in_year(today) if year == today.year else None,
        )

    async def year_minutes(self, telegram_id: int) -> tuple[int, int]:
        """This year's minutes of the learner and their target (0, 0 if not registered)."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return 0, 0
            minutes = await ledger.year_minutes(s, employee.id, self.current_year())
            return minutes, self.settings.targets.of(employee.kind)
