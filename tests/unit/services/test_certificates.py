"""Issuing certificates (bot/services/certificates.py)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.util import await_only

from bot.config import Settings
from bot.core.content import Catalog
from bot.services import Services
from bot.services.certificates import CertificateService
from db.models import Certificate
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import USER, read_all, register, take_quiz


async def test_two_instances_issuing_one_certificate_at_once_agree_on_it(
    svc: Services, catalog: Catalog, db: Database, settings: Settings, clock: FakeClock
) -> None:
    """The unique (employee, module) constraint refuses the slower insert; that instance then
    returns the certificate the other one issued instead of an error."""
    if db.is_sqlite:
        pytest.skip("two writers at once need PostgreSQL (SQLite takes them one at a time)")
    await register(svc)
    module = catalog.modules["gratifikasi"]
    await read_all(svc, module)
    assert (await take_quiz(svc, module, right=len(module.quiz))).credited
    other = Database(settings.database_url)
    # Make the race certain: each instance's insert waits until both have looked for the
    # certificate and found none (the hook runs inside SQLAlchemy's greenlet, so it may await).
    both_looked = asyncio.Barrier(2)

    def before_insert(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("INSERT INTO certificates"):
            await_only(asyncio.wait_for(both_looked.wait(), 5))

    engines = [db.engine.sync_engine, other.engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before_insert)
    try:
        first = CertificateService(db, clock, "s" * 32)
        second = CertificateService(other, clock, "s" * 32)
        a, b = await asyncio.gather(first.issue(USER, module.id), second.issue(USER, module.id))
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before_insert)
        await other.dispose()
    assert a is not None and b is not None
    assert a.fields.certificate_no == b.fields.certificate_no and a.code == b.code
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Certificate)) == 1
