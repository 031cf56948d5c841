"""Steps a test user takes, reused by the end-to-end tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from telegram.ext import Application

from bot import texts
from bot.core.content import Module, reading_seconds
from bot.emulator import BotMessage, FakeBotApi, FakeUser
from db.models import Employee, IdentityRequest
from tests.support import FakeClock

NIP = "19860926 201505 1 001"


async def say(user: FakeUser, text: str, expect: str) -> BotMessage:
    """Send ``text`` and wait for a reply containing ``expect``."""
    user.send_text(text)
    return await user.wait_for_reply(lambda m: expect in (m.text or ""))


async def tap(user: FakeUser, label: str, expect: str, message_id: int | None = None) -> BotMessage:
    """Press a button and wait for a reply (new or edited) containing ``expect``."""
    user.press_button(label, message_id=message_id)
    return await user.wait_for_reply(lambda m: expect in (m.text or ""))


async def start_registration(user: FakeUser) -> BotMessage:
    """``/start`` of someone new: the privacy notice first, acknowledged, then the NIP prompt."""
    await say(user, "/start", "Pemberitahuan Privasi")
    return await tap(user, "Saya sudah membaca", "Kirimkan NIP")


def full_name(user: FakeUser) -> str:
    """The name a test user types at the name step: their first and last name."""
    return " ".join(part for part in (user.first_name, user.last_name) if part)


async def register(
    fake: FakeBotApi,
    user: FakeUser,
    nip: str = NIP,
    app: Application | None = None,
    name: str | None = None,
) -> None:
    """Register without a roster (the full name typed, as in the SK, by default the user's first
    and last name; Kabupaten Tegal picked): the account waits for an admin's verification; with
    ``app``, it is then marked verified, as an admin's confirmation does (confirming is tested
    on its own in test_identity)."""
    await start_registration(user)
    await say(user, nip, "nama lengkap")
    await say(user, name or full_name(user), "instansi")
    await say(user, "tegal", "Hasil pencarian")
    await tap(user, "Kabupaten Tegal", "Konfirmasi pendaftaran")
    await tap(user, "Daftar, dengan pengingat", "Pendaftaran tercatat")
    await user.wait_for_reply(lambda m: "Apa yang ingin dikerjakan hari ini?" in (m.text or ""))
    if app is not None:
        await verified(app, user.id)


async def verified(app: Application, telegram_id: int) -> None:
    """Mark an account verified, with its pending request, straight in the database."""
    from bot.app.application import services_of  # the app layer, for its database

    db = services_of(app).db
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
        assert employee is not None
        employee.verified_at = datetime(2026, 1, 6, tzinfo=UTC)
        employee.verified_via = "admin"
        await s.execute(
            update(IdentityRequest)
            .where(IdentityRequest.employee_id == employee.id)
            .values(status="approved", decided_by=0)
        )


async def read_module(
    user: FakeUser, module: Module, clock: FakeClock, *, pace: float = 1.0, start: str = "Mulai"
) -> BotMessage:
    """Press ``start`` on the module page and read every card, spending ``pace`` times each
    card's estimated reading time on it (the app's clock moves; 0 taps straight through)."""
    total = len(module.cards)
    card = await tap(user, start, f"Kartu 1/{total}")
    for number in range(2, total + 1):
        clock.advance(seconds=reading_seconds(module.cards[number - 2].words) * pace)
        card = await tap(user, "Lanjut", f"Kartu {number}/{total}")
    clock.advance(seconds=reading_seconds(module.cards[-1].words) * pace)
    return card


async def open_module(user: FakeUser, module: Module, expect: str) -> BotMessage:
    """From /belajar through the module's category to its page, which must contain ``expect``."""
    await say(user, "/belajar", "Katalog modul")
    await tap(user, texts.CATEGORY_NAMES[module.category.value], "Pilih modul")
    return await tap(user, module.title[:20], expect)


async def pop_up(
    fake: FakeBotApi, user: FakeUser, label: str, message_id: int | None = None
) -> str:
    """Press the button labelled ``label`` and return the pop-up answer's text ("" for none)."""
    qid = user.press_button(label, message_id=message_id)
    await fake.wait_for(lambda: fake.callback_queries[qid].answered)
    return str((fake.callback_queries[qid].answer or {}).get("text") or "")


async def preview(
    user: FakeUser, count: int | None = None, message_id: int | None = None
) -> BotMessage:
    """Press "Pratinjau" on the audience screen and wait for the preview: the announcement as
    recipients get it, with "Kirim sekarang (<count>)" and the other actions under it."""
    user.press_button("Pratinjau", message_id=message_id)
    label = "✅ Kirim sekarang" + ("" if count is None else f" ({count})")
    return await user.wait_for_reply(lambda m: any(label in b for b in m.button_texts))
