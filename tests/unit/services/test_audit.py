"""Admins' views of personal data are audited (bot/services/audit.py): who opened which
employee's records, one entry per employee named, one per list of a whole OPD or province."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.core.content import Catalog
from bot.services import Services
from bot.services.trainings import Review, UploadedFile
from db.models import AuditEntry, Employee
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import NIP, USER, register

ADMIN = 9001
ADMIN_NIP = "19900101 201801 2 003"
OTHER = 1002
OTHER_NIP = "19850505 201001 1 002"
FILE_ID = "BQACAgUAAxkBAAIBtGYFILEIDOFTHECERTIFICATE"


def with_admin(settings: Settings, db: Database, catalog: Catalog, clock: FakeClock) -> Services:
    """Services with a superadmin (from SINAU_ADMIN_IDS), as the deployment would have one."""
    admins = settings.model_copy(update={"admin_ids": frozenset({ADMIN})})
    return Services.build(admins, db, catalog, clock=clock, rng=random.Random(7))


@pytest.fixture
def svc(settings: Settings, db: Database, catalog: Catalog, clock: FakeClock) -> Services:
    return with_admin(settings, db, catalog, clock)


async def employee_of(db: Database, telegram_id: int) -> Employee | None:
    async with db.transaction() as s:
        return await s.scalar(select(Employee).where(Employee.telegram_id == telegram_id))


async def report_training(svc: Services, uid: int = USER) -> int:
    """A /lapor report with its certificate file, through the wizard."""
    assert await svc.trainings.begin(uid) is not None
    for answer in ("Webinar Literasi Digital", "Kominfo Jateng"):
        step = await svc.trainings.answer(uid, answer)
        assert step.problem is None
    assert step.state is not None
    assert (await svc.trainings.choose_kind(uid, step.state.token, "webinar")).problem is None
    for answer in ("20-11-2026", "21-11-2026", "4", "SRT/2026/001"):
        assert (await svc.trainings.answer(uid, answer)).problem is None
    upload = UploadedFile("document", FILE_ID, "UNIQ1", 2048, "sertifikat.pdf", "application/pdf")
    attached = await svc.trainings.attach(uid, upload, b"%PDF-1.7\n%a certificate\n")
    assert attached.state is not None and attached.state.step == "confirm"
    submitted = await svc.trainings.send(uid, attached.state.token)
    assert submitted.report is not None, submitted
    return submitted.report.id


async def views(db: Database) -> list[AuditEntry]:
    async with db.transaction() as s:
        query = select(AuditEntry).where(AuditEntry.action.like("view.%")).order_by(AuditEntry.id)
        return list((await s.scalars(query)).all())


async def test_each_admin_view_of_personal_data_leaves_an_entry(
    svc: Services, catalog: Catalog
) -> None:
    await register(svc)  # OPD 3328
    await register(svc, ADMIN, ADMIN_NIP)
    report_id = await report_training(svc)
    employee = await employee_of(svc.db, USER)
    assert employee is not None
    names = {code: opd.name for code, opd in catalog.opds.items()}

    assert await svc.reviews.pending(ADMIN)  # the queue names the employee
    await svc.reviews.report_for_review(ADMIN, report_id)  # the report and its certificate
    assert await svc.reports.file(ADMIN, "xlsx", "3328", 2026, names) is not None
    assert await svc.reports.file(ADMIN, "siasn", None, 2026, names) is not None
    assert await svc.reports.file(ADMIN, "recap", None, 2026, names) is not None  # no names
    assert await svc.reports.file(ADMIN, "chart", None, 2026, names) is not None  # no names
    await svc.roles.find(ADMIN, NIP)

    seen = await views(svc.db)
    assert [(v.action, v.actor_telegram_id) for v in seen] == [
        ("view.training_queue", ADMIN),
        ("view.training_report", ADMIN),
        ("view.export.xlsx", ADMIN),
        ("view.export.siasn", ADMIN),
        ("view.role_lookup", ADMIN),
    ]
    assert seen[0].params == {"employee_id": employee.id}
    assert seen[1].params == {"employee_id": employee.id, "report_id": report_id}
    assert seen[2].params == {"opd": "3328"}
    assert seen[3].params == {"scope": "province"}
    assert seen[4].params == {"employee_id": employee.id}


async def test_a_refused_or_empty_view_leaves_no_entry(svc: Services) -> None:
    await register(svc)
    await register(svc, ADMIN, ADMIN_NIP)
    assert await svc.reviews.pending(ADMIN) == []  # nobody is named
    outcome, report, _ = await svc.reviews.report_for_review(ADMIN, 404)
    assert outcome is Review.NOT_FOUND and report is None
    report_id = await report_training(svc)
    assert (await svc.reviews.approve(ADMIN, report_id)).outcome is Review.OK
    outcome, report, _ = await svc.reviews.report_for_review(ADMIN, report_id)
    assert outcome is Review.ALREADY  # decided: not shown for review
    assert await views(svc.db) == []
