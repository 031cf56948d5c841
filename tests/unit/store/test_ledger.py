"""The JP ledger (bot/store/ledger.py)."""

from __future__ import annotations

import asyncio
from datetime import date

from bot.services import Services
from bot.store import ledger
from db.session import Database
from tests.unit.helpers import USER, register


async def test_ledger_credit_is_idempotent_even_when_racing(svc: Services, db: Database) -> None:
    await register(svc)
    employee = await svc.learning.employee(USER)
    assert employee is not None
    item = ledger.Credit(
        employee_id=employee.id,
        year=2026,
        minutes=68,
        source_kind="module",
        source_id="berakhlak",
        title="BerAKHLAK",
        category="sosial_kultural",
        activity_kind="Pembelajaran mikro (e-learning)",
        organiser="BPSDMD",
        started_on=date(2026, 11, 1),
        ended_on=date(2026, 11, 2),
        evidence={},
        credited_at=svc.clock(),
    )

    async def once() -> bool:
        async with db.transaction() as s:
            return await ledger.credit(s, item)

    results = await asyncio.gather(*(once() for _ in range(5)))
    assert results.count(True) == 1
    async with db.transaction() as s:
        assert await ledger.year_minutes(s, employee.id, 2026) == 68
