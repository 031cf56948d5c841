"""Column types that differ between SQLite and PostgreSQL (db/models): aware UTC times and
Telegram ids beyond 32 bits come back whole on either."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from bot.core.content import Catalog
from bot.services import Services
from db.models import ChatSession, Employee, QuizPoll
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import read_all, register, take_quiz

# Telegram ids have up to 52 significant bits; they must not be squeezed into 32-bit integers.
BIG_TELEGRAM_ID = 7_777_777_777_777


async def test_times_come_back_as_the_same_aware_utc_instant(
    svc: Services, db: Database, clock: FakeClock
) -> None:
    await register(svc)
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee))
    assert employee is not None
    assert employee.consent_at == clock()
    assert employee.consent_at.utcoffset() is not None
    assert employee.consent_at.tzinfo is UTC


async def test_telegram_ids_beyond_32_bits_are_stored_whole(
    svc: Services, db: Database, catalog: Catalog
) -> None:
    await svc.registration.begin(BIG_TELEGRAM_ID)
    async with db.transaction() as s:
        assert await s.get(ChatSession, BIG_TELEGRAM_ID) is not None
    await register(svc, uid=BIG_TELEGRAM_ID)
    module = catalog.modules["berakhlak"]
    await read_all(svc, module, BIG_TELEGRAM_ID)
    result = await take_quiz(svc, module, right=module.ask, uid=BIG_TELEGRAM_ID)
    assert result.passed and result.credited
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee))
        chat_ids = set(await s.scalars(select(QuizPoll.chat_id)))
    assert employee is not None and employee.telegram_id == BIG_TELEGRAM_ID
    assert chat_ids == {BIG_TELEGRAM_ID}
