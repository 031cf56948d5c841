"""Rules that live as SQL on the hot paths, checked on random inputs against a real database.

The daily streak (``employees.TOUCH``) and the card move (``learning._MOVE``) exist once, as
the statements every path runs. These properties pin them down on the database the run uses:
SQLite, or PostgreSQL when ``SINAU_TEST_DATABASE_URL`` is set (see tests/databases.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, insert, select, update

from bot.core.content import Catalog
from bot.core.schedule import current_streak
from bot.services.learning import CardOutcome, LearningService
from bot.store import employees
from db.models import Employee, ModuleProgress
from db.session import Database
from tests.support import FakeClock

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
DB_EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

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


def _learner(conn: Connection) -> int:
    """The test's employee (added by the first example), with no streak yet."""
    employee_id = conn.execute(select(Employee.id).where(Employee.telegram_id == 4242)).scalar()
    if employee_id is None:
        employee_id = conn.execute(
            insert(Employee)
            .values(
                telegram_id=4242,
                nip="198609262015051001",
                name="Siti Aminah",
                opd_code="3328",
                kind="PNS",
                consent_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
            .returning(Employee.id)
        ).scalar_one()
    conn.execute(
        update(Employee).where(Employee.id == employee_id).values(streak_days=0, streak_day=None)
    )
    return int(employee_id)


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
    """Distinct days in the latest run of learning days without a whole day between them."""
    count, later = 1, days[-1]
    for day in reversed(days[:-1]):
        if (later - day).days > 1:
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
    employee_id = await db.run(_learner)
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


@dataclass
class _Reading:
    """What the learner's progress row should say."""

    version: int
    current: int = 0
    furthest: int = 0
    passed: bool = False


def _progress(conn: Connection, employee_id: int) -> tuple[int, int, int] | None:
    row = conn.execute(
        select(
            ModuleProgress.content_version,
            ModuleProgress.current_card,
            ModuleProgress.furthest_card,
        ).where(ModuleProgress.employee_id == employee_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def _forget_progress(conn: Connection, employee_id: int) -> None:
    conn.execute(delete(ModuleProgress).where(ModuleProgress.employee_id == employee_id))


def _pass(conn: Connection, employee_id: int, now: datetime) -> None:
    conn.execute(
        update(ModuleProgress)
        .where(ModuleProgress.employee_id == employee_id)
        .values(completed_at=now)
    )


@DB_EXAMPLES
@given(data=st.data())
async def test_cards_go_back_anywhere_forward_one_at_a_time_and_all_once_passed(
    db: Database, catalog: Catalog, clock: FakeClock, data: st.DataObject
) -> None:
    """Random card presses, passes and content changes, through both paths of ``open_card``
    (the prepared UPDATE, and the path that sets the row up first), against what the rule says.
    """
    employee_id = await db.run(_learner)
    await db.run(_forget_progress, employee_id)
    module = catalog.modules["berakhlak"]
    cards = len(module.cards)
    learning = LearningService(db, catalog, clock, ZoneInfo("Asia/Jakarta"))
    version, reading = module.version, None
    for _ in range(data.draw(st.integers(1, 25), label="presses")):
        event = data.draw(st.sampled_from(["open"] * 6 + ["stale", "pass", "new version"]))
        if event == "pass":
            await db.run(_pass, employee_id, clock.now)
            if reading is not None:
                reading.passed = True
            continue
        if event == "new version":
            version += 1
            changed = module.model_copy(update={"version": version})
            learning.catalog = Catalog.build([changed], catalog.opds.values())
            continue
        index = data.draw(st.integers(-1, cards), label="index")
        asked = version - 1 if event == "stale" else version
        view = await learning.open_card(4242, module.id, asked, index)
        if event == "stale":
            assert view.outcome is CardOutcome.OUTDATED
            continue
        if reading is None:
            reading = _Reading(version)
        elif reading.version != version:  # a new version: reading starts over, a pass stays
            reading = _Reading(version, passed=reading.passed)
        reachable = cards - 1 if reading.passed else min(cards - 1, reading.furthest + 1)
        if 0 <= index <= reachable:
            assert (view.outcome, view.index) == (CardOutcome.OK, index)
            reading.current, reading.furthest = index, max(reading.furthest, index)
        else:
            assert (view.outcome, view.index) == (CardOutcome.OUT_OF_RANGE, reading.current)
        stored = await db.run(_progress, employee_id)
        assert stored == (reading.version, reading.current, reading.furthest)
