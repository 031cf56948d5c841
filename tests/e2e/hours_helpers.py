"""Setting up people for the training-hours end-to-end tests: employees and admins in a real
(temporary) database, written the way the bot itself writes them, and what the bot uploaded."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import services_of
from bot.emulator import BotMessage, FakeBotApi, FakeUser
from bot.store import ledger
from bot.store.assignment_completions import mark_passed
from db.models import AdminRole, Employee
from db.session import Database
from tests.e2e.helpers import say, tap

NIP_ADMIN = "19900101 201801 2 003"
NIP_OTHER = "19850505 201001 1 002"
NIP_FAR = "19800303 200501 1 004"


def db_of(app: Application) -> Database:
    return services_of(app).db


async def add_employee(app: Application, telegram_id: int, nip: str, opd: str, name: str) -> int:
    """An employee registered in ``opd`` (registration itself is covered by its own tests)."""
    async with db_of(app).transaction() as s:
        employee = Employee(
            telegram_id=telegram_id,
            nip=nip.replace(" ", ""),
            name=name,
            opd_code=opd,
            kind="PNS",
            consent_at=datetime(2026, 1, 5, tzinfo=UTC),
            verified_at=datetime(2026, 1, 5, tzinfo=UTC),
            verified_via="admin",
        )
        s.add(employee)
        await s.flush()
        return employee.id


async def grant(app: Application, telegram_id: int, role: str, opd: str | None) -> None:
    async with db_of(app).transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
        assert employee is not None
        s.add(
            AdminRole(
                employee_id=employee.id,
                role=role,
                opd_code=opd,
                granted_by=1,
                granted_at=datetime(2026, 1, 5, tzinfo=UTC),
            )
        )


async def report_training(
    user: FakeUser,
    *,
    title: str = "Webinar Literasi Digital ASN",
    start: str = "20-11-2026",
    end: str = "21-11-2026",
    jp: str = "4",
    cert: str = "SRT/2026/001",
) -> BotMessage:
    """Walk the /lapor wizard to the file step (from the list of one's reports, if any)."""
    user.send_text("/lapor")
    first = await user.wait_for_reply(
        lambda m: "nama pelatihan" in (m.text or "") or "Laporan baru" in (m.text or "")
    )
    if "nama pelatihan" not in (first.text or ""):
        await tap(user, "Laporan baru", "nama pelatihan", first.message_id)
    await say(user, title, "penyelenggara")
    await say(user, "Kominfo Jateng", "jenis")
    await tap(user, "Webinar", "tanggal mulai")
    await say(user, start, "tanggal selesai")
    await say(user, end, "jumlah JP")
    await say(user, jp, "nomor sertifikat")
    return await say(user, cert, "foto atau PDF")


async def send_report(user: FakeUser, expect: str = "menunggu verifikasi") -> BotMessage:
    """After the file: the summary, and its "Kirim"; the receipt."""
    await user.wait_for_reply(lambda m: "Periksa laporan" in (m.text or ""))
    return await tap(user, "Kirim", expect)


async def callback_answer(fake: FakeBotApi, query_id: str, timeout: float = 5.0) -> str:  # noqa: ASYNC109
    """The text the bot answered a button press with (a toast), once it has answered."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        record = fake.callback_queries.get(query_id)
        if record is not None and record.answered:
            return str((record.answer or {}).get("text", ""))
        await asyncio.sleep(0.01)
    raise TimeoutError(f"callback query {query_id} was not answered")


async def credit_module(app: Application, telegram_id: int, module_id: str, minutes: int) -> None:
    """What a passed quiz writes (the quiz itself is covered by test_learning_walk)."""
    async with db_of(app).transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
        assert employee is not None
        await ledger.credit(
            s,
            ledger.Credit(
                employee_id=employee.id,
                year=2026,
                minutes=minutes,
                source_kind="module",
                source_id=module_id,
                title="BerAKHLAK dalam Pelayanan",
                category="sosial_kultural",
                activity_kind="Pembelajaran mikro (e-learning)",
                organiser="BPSDMD",
                started_on=date(2026, 3, 2),
                ended_on=date(2026, 3, 4),
                evidence={"score": 90},
                credited_at=datetime(2026, 3, 4, 3, tzinfo=UTC),
            ),
        )
        await mark_passed(s, employee.id)  # as the quiz's pass does


def uploaded(fake: FakeBotApi, message: BotMessage) -> bytes:
    assert message.document is not None
    stored = fake.files.get(message.document["file_id"])
    assert stored is not None
    return stored.data
