"""Learning activity (bot/services/activity.py): written once per sitting, again after a pause."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.core.content import Catalog
from bot.services import Services
from bot.services.learning import CardOutcome
from db.models import Employee
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import USER, register


async def test_activity_is_written_once_per_sitting_and_again_after_a_pause_or_a_new_day(
    svc: Services, db: Database, catalog: Catalog, clock: FakeClock
) -> None:
    """Card taps keep last activity and the streak right without rewriting them on every tap."""
    module = catalog.modules["berakhlak"]

    async def activity() -> tuple[object, int, object]:
        async with db.transaction() as s:
            row = (
                await s.execute(
                    select(Employee.last_activity_at, Employee.streak_days, Employee.streak_day)
                )
            ).one()
        return row[0], row[1], row[2]

    await register(svc)
    opened = clock.now
    await svc.learning.open_card(USER, module.id, module.version, 0)  # the general path
    clock.advance(seconds=30)
    assert (await svc.learning.open_card(USER, module.id, module.version, 1)).outcome is (
        CardOutcome.OK
    )
    first, streak, day = await activity()
    assert first == opened and streak == 1 and day == date(2026, 11, 25)

    clock.advance(seconds=40)  # the same sitting: not rewritten
    await svc.learning.open_card(USER, module.id, module.version, 2)
    assert (await activity())[0] == first

    clock.advance(minutes=6)  # after a pause: written again
    await svc.learning.open_card(USER, module.id, module.version, 1)
    assert (await activity())[0] == clock.now

    clock.advance(days=1)  # the next day: the streak grows
    await svc.learning.open_card(USER, module.id, module.version, 2)
    assert await activity() == (clock.now, 2, date(2026, 11, 26))
