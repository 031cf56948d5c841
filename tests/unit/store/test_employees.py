"""The daily streak (``employees.TOUCH``), the one statement every path runs, checked on random
inputs on the database the run uses: SQLite, or PostgreSQL when ``SINAU_TEST_DATABASE_URL`` is
set (see tests/databases.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, select

from bot.core.schedule import current_streak
from bot.store import employees
from db.models import Employee
from db.session import Database
from tests.unit.helpers import DB_EXAMPLES, add_learner

# Month, year and leap-day ends, and Europe's 2026 clock changes.
EDGE_DAYS = [
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2027, 2, 28),
    date(2028, 2, 28),
    date(2028, 2, 29),
    date(2026, 11, 30),
    date(2026, 3, 29),
    date(2026, 10, 25),
]

# No DST, DST at night, far east and far west of UTC (a local day is another UTC day).
ZONES = ["Asia/Jakarta", "Europe/Berlin", "Pacific/Kiritimati", "America/Los_Angeles"]

instants = st.builds(
    lambda day, minutes: datetime.combine(day, time(), UTC) + timedelta(minutes=minutes),
    st.sampled_from(EDGE_DAYS),
    st.integers(-36 * 60, 36 * 60),
)

# Taps minutes apart, a day apart, or days apart.
gaps = st.one_of(
    st.timedeltas(timedelta(0), timedelta(hours=3)),
    st.timedeltas(timedelta(hours=20), timedelta(hours=28)),
    st.timedeltas(timedelta(0), timedelta(days=4)),
)


def _streak(conn: Connection, employee_id: int) -> tuple[int, date | None]:
    row = conn.execute(
        select(Employee.streak_days, Employee.streak_day).where(Employee.id == employee_id)
    ).one()
    return row.streak_days, row.streak_day


def _touch(conn: Connection, employee_id: int, now: datetime, zone: ZoneInfo) -> tuple[int, date]:
    conn.execute(employees.TOUCH, employees.touch_params(employee_id, now, zone))
    days, day = _streak(conn, employee_id)
    assert day is not None
    return days, day


def _unbroken_run(days: list[date]) -> int:
    """Distinct days in the latest run of learning days without a whole working day between
    them (Saturdays and Sundays missed break nothing)."""
    count, later = 1, days[-1]
    for day in reversed(days[:-1]):
        skipped = [later - timedelta(days=n) for n in range(1, (later - day).days)]
        if any(d.weekday() < 5 for d in skipped):
            break
        count += day != later
        later = day
    return count


@DB_EXAMPLES
@given(zone=st.sampled_from(ZONES), start=instants, steps=st.lists(gaps, min_size=1, max_size=8))
async def test_the_streak_counts_learning_days_in_a_row_and_reads_back_alike(
    db: Database, zone: str, start: datetime, steps: list[timedelta]
) -> None:
    tz = ZoneInfo(zone)
    employee_id = await db.run(add_learner)
    now, seen = start, []
    for step in steps:
        now += step
        today = now.astimezone(tz).date()
        before, last_day = await db.run(_streak, employee_id)
        streak, streak_day = await db.run(_touch, employee_id, now, tz)
        seen.append(today)
        assert streak_day == today
        assert streak == _unbroken_run(seen)
        # Reading a streak (the nudges) agrees with writing it: what it still counts as alive
        # on the day of a tap is what the tap extends.
        assert streak == current_streak(before, last_day, today) + (last_day != today)
