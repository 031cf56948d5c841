"""Issuing certificates (bot/services/certificates.py)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.util import await_only

from bot.config import Settings
from bot.core.content import Catalog
from bot.core.errors import NotAllowed
from bot.documents.verification import CertificateFields, make_code
from bot.services import Services
from bot.services.certificates import CertificateService, Verdict, deployment_secret
from db.models import Certificate, Employee, JpLedgerEntry, Transcript
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


async def test_a_name_correction_issues_a_new_revision_and_the_old_code_says_so(
    svc: Services, catalog: Catalog
) -> None:
    await register(svc)
    module = catalog.modules["gratifikasi"]
    await read_all(svc, module)
    assert (await take_quiz(svc, module, right=len(module.quiz))).credited
    first = await svc.certificates.issue(USER, module.id)
    assert first is not None and first.fields.revision == 1 and first.fields.version == 3
    assert (await svc.certificates.issue(USER, module.id)) == first  # unchanged: the same one
    async with svc.db.transaction() as s:  # the verified name is corrected (roster, admin)
        await s.execute(update(Employee).values(name="Siti Aminah Lestari"))
    second = await svc.certificates.issue(USER, module.id)
    assert second is not None and second.fields.revision == 2
    assert second.fields.certificate_no == first.fields.certificate_no
    assert second.code != first.code and second.fields.name == "Siti Aminah Lestari"
    old = await svc.certificates.verify(first.code)
    assert old.verdict is Verdict.SUPERSEDED and old.latest_revision == 2
    new = await svc.certificates.verify(second.code)
    assert new.verdict is Verdict.GENUINE and new.fields == second.fields


async def test_certificates_of_every_version_keep_verifying(svc: Services, db: Database) -> None:
    """A version-1 certificate (JP in hundredths) and a version-2 one (minutes), issued before
    certificates were signed, still verify with the codes printed on them."""
    await register(svc)
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee))
        assert employee is not None
        secret = await deployment_secret(s, svc.certificates.configured_secret)
        entry = JpLedgerEntry(
            employee_id=employee.id,
            year=2025,
            minutes=45,
            source_kind="module",
            source_id="m",
            title="M",
            activity_kind="Pembelajaran mikro (e-learning)",
            organiser="BPSDMD",
            started_on=date(2025, 3, 1),
            ended_on=date(2025, 3, 1),
            evidence={},
        )
        s.add(entry)
        await s.flush()
        codes = []
        for version, (minutes, centi) in enumerate(((None, 100), (45, None)), start=1):
            fields = CertificateFields(
                f"SB-2025-00000{version}", employee.nip, employee.name, f"m{version}", "M",
                "teknis", date(2025, 3, 1), minutes=minutes, jp_centi=centi,
            )  # fmt: skip
            code = make_code(secret, fields)
            s.add(
                Certificate(
                    employee_id=employee.id, ledger_entry_id=entry.id,
                    certificate_no=fields.certificate_no, code=code.replace("-", ""),
                    nip=fields.nip, name=fields.name, module_id=fields.module_id,
                    module_title="M", category="teknis", fields_version=version,
                    minutes=minutes, jp_centi=centi, completed_on=fields.completed_on,
                )
            )  # fmt: skip
            codes.append(code)
    for code in codes:
        assert (await svc.certificates.verify(code)).verdict is Verdict.GENUINE


async def test_documents_wait_for_verification_and_transcripts_verify(svc: Services) -> None:
    await register(svc, verified=False)
    with pytest.raises(NotAllowed):
        await svc.certificates.passed(USER)
    with pytest.raises(NotAllowed):
        await svc.certificates.transcript_code(USER, {"year": 2026})
    async with svc.db.transaction() as s:
        await s.execute(update(Employee).values(verified_at=svc.clock()))
    fields = {"name": "Siti Aminah", "nip": "198609262015051001", "year": 2026, "entries": []}
    code = await svc.certificates.transcript_code(USER, fields)
    assert await svc.certificates.transcript_code(USER, fields) == code  # the same fields
    result = await svc.certificates.verify(code)
    assert result.verdict is Verdict.GENUINE and result.transcript == fields
    async with svc.db.transaction() as s:
        await s.execute(update(Transcript).values(fields={**fields, "year": 2025}))
    assert (await svc.certificates.verify(code)).verdict is Verdict.TAMPERED
